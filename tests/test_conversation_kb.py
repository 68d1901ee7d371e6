"""Multi-turn behaviour on the real library (skipped when ../shared/kb is absent)."""

import re

import pytest


@pytest.fixture(scope="module")
def kb_client(kb_app):
    return kb_app.test_client()


def turn(client, message, cid=None):
    return client.post("/api/v1/chat", json={"message": message, "conversation_id": cid}).get_json()


def test_follow_up_narrows_the_topic(kb_client):
    first = turn(kb_client, "How is Hodgkin lymphoma treated?")
    follow = turn(kb_client, "and for children?", first["conversation_id"])
    assert "Childhood Hodgkin Lymphoma" in follow["citations"][0]["title"]


def test_can_children_get_it_after_what_is_it_goes_to_the_childrens_page(kb_client):
    first = turn(kb_client, "what is stomach cancer")
    assert first["citations"][0]["title"].startswith("What Is Stomach Cancer")
    follow = turn(kb_client, "can children get it?", first["conversation_id"])
    assert "Children" in follow["citations"][0]["title"], [c["title"] for c in follow["citations"]]


def test_the_internal_kind_of_radiotherapy_is_brachytherapy(kb_client):
    """"radiation inside you" is the library's brachytherapy (lay vocabulary), after a turn on radiotherapy."""
    first = turn(kb_client, "tell me about radiotherapy")
    follow = turn(kb_client, "what's the internal kind where they put the radiation inside you?",
                  first["conversation_id"])
    assert follow["citations"][0]["url"].endswith("radiation-therapy/brachytherapy"), follow["citations"][0]["url"]


def test_new_explicit_topic_replaces_the_old_one(kb_client):
    first = turn(kb_client, "What are the symptoms of CLL?")
    assert "Chronic Lymphocytic Leukemia" in first["citations"][0]["title"]
    follow = turn(kb_client, "what about melanoma?", first["conversation_id"])
    assert "Melanoma" in follow["citations"][0]["title"]
    assert "Lymphocytic" not in follow["citations"][0]["title"]


def test_pronoun_follow_up_keeps_the_topic(kb_client):
    first = turn(kb_client, "What is the outlook for pancreatic cancer?")
    follow = turn(kb_client, "how is it treated?", first["conversation_id"])
    assert "Pancreatic" in follow["citations"][0]["title"]
    assert follow["citations"][0]["audience"] == "patient"


def test_stages_without_topic_asks_which_cancer(kb_client):
    body = turn(kb_client, "What are the stages?")
    assert body["kind"] == "clarify" and len(body["suggestions"]) == 3


def test_suggestions_come_from_the_cited_page(kb_client):
    body = turn(kb_client, "What are the symptoms of chronic lymphocytic leukemia?")
    assert 2 <= len(body["suggestions"]) <= 3
    assert all("Chronic Lymphocytic Leukemia" in s for s in body["suggestions"])


def test_a_disease_page_suggests_only_what_a_disease_is_asked(kb_client):
    """A cancer type is diagnosed, staged and treated; it has no side effects of its own (its treatment does), and
    it is not "managed", "done" or "expected during". The topic is the page's name without "Treatment of"."""
    body = turn(kb_client, "What are the symptoms of chronic lymphocytic leukemia?")
    for suggestion in body["suggestions"]:
        assert not re.search(r"How can I manage|How often is|What should I expect during|What do the results of",
                             suggestion), suggestion
        assert not re.search(r"side effects of (?!treatment)", suggestion), suggestion
    body = turn(kb_client, "what are the treatments for ovarian cancer")
    assert not any("of Treatment of" in s or "for Treatment of" in s for s in body["suggestions"]), body["suggestions"]
