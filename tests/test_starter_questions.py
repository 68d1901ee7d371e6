"""The starter questions on the empty chat page (service/data/starter_questions.yaml) are answered well."""

from __future__ import annotations

import pytest
import yaml

from service.web.pages import STARTER_QUESTIONS, starter_questions

ITEMS = yaml.safe_load(STARTER_QUESTIONS.read_text(encoding="utf-8"))


def test_four_to_six_starter_questions_each_with_an_expected_page():
    assert 4 <= len(ITEMS) <= 6
    assert starter_questions() == tuple(item["question"] for item in ITEMS)
    assert all(item["question"].strip() and item["expect"].strip() for item in ITEMS)
    assert len(set(starter_questions())) == len(ITEMS)


def test_the_empty_page_offers_them_as_buttons(client):
    html = client.get("/").get_data(as_text=True)
    for question in starter_questions():
        assert f'value="{question}">{question}</button>' in html


@pytest.mark.parametrize("item", ITEMS, ids=[item["question"] for item in ITEMS])
def test_the_embedded_library_does_not_fail_on_them(client, item):
    # The seed library holds two drug pages, so it cannot answer them; asking must still work.
    resp = client.post("/api/v1/chat", json={"message": item["question"]})
    assert resp.status_code == 200
    assert resp.get_json()["kind"] in ("answer", "no_answer", "clarify", "advice")


@pytest.mark.parametrize("item", ITEMS, ids=[item["question"] for item in ITEMS])
def test_the_real_library_answers_them_from_the_expected_page(kb_app, item):
    # kb_app skips with a message when ../shared/kb is absent.
    reply = kb_app.test_client().post("/api/v1/chat", json={"message": item["question"]}).get_json()
    assert reply["kind"] == "answer", reply["text"]
    assert len(reply["sentences"]) >= 2
    assert all(c["audience"] == "patient" for c in reply["citations"])
    assert item["expect"].lower() in reply["citations"][0]["title"].lower(), reply["citations"][0]["title"]
