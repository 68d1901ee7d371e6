"""Issue 12 in headless Chromium on the real library (skipped when ../shared/kb is absent): the stage III,
grapefruit, side-effects follow-up and fear examples read as a patient expects, with the quoted sources
and related reading under two headings, with and without JavaScript."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import yaml
from werkzeug.serving import make_server

from service import create_app
from service.config import TestConfig

from .conftest import PHONE, REPO
from .test_browser import ask

REPLIES = yaml.safe_load((REPO / "service/data/replies.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb_service(kb_path, kb_index_path) -> Iterator[str]:
    class Cfg(TestConfig):
        CORPUS_DIR = str(kb_path)
        INDEX_PATH = str(kb_index_path)

    server = make_server("127.0.0.1", 0, create_app(Cfg), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def phone_page(new_page):
    """phone_page(js=True): a phone-sized page; the real library's first answers may take a while."""
    return lambda js=True: new_page(PHONE, js=js, timeout=20_000)


def ask_without_js(page, question: str) -> None:
    page.fill("#message", question)
    with page.expect_navigation():
        page.press("#message", "Enter")


def answer_of(page, i: int) -> str:
    return " ".join(page.locator(f"#answer-{i} .answer").inner_text().split())


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_stage_iii_bowel_cancer(kb_service, phone_page, js):
    page = phone_page(js)
    page.goto(kb_service + "/")
    (ask if js else ask_without_js)(page, "my mum has stage 3 bowel cancer, what happens now?")
    text = answer_of(page, 0)
    assert "stage III colon cancer" in text
    first = page.locator("#answer-0 .answer > *").first
    assert first.evaluate("e => e.tagName") != "UL"  # the answer does not open with a list item
    sources = page.locator("#answer-0 ol.sources details.source")
    assert "Treatment of Stage III" in sources.first.locator("dl").text_content()  # its section
    labels = page.locator("#answer-0 .sources-label").all_inner_texts()
    assert labels[:2] == ["Sources quoted in this answer", "Related reading"]
    assert page.console_errors == [] if js else True


def test_grapefruit_on_chemo(kb_service, phone_page):
    page = phone_page()
    page.goto(kb_service + "/")
    ask(page, "can I eat grapefruit on chemo")
    text = answer_of(page, 0)
    assert "grapefruit" in text.lower() and "interact" in text
    assert "What is grapefruit?" not in text
    # the quoted passage opens on request
    page.locator("#answer-0 details.source summary").first.click()
    assert "grapefruit" in page.locator("#answer-0 details.source blockquote.source-passage").first.inner_text().lower()
    # related reading says why each page is listed
    reasons = page.locator("#answer-0 ul.related .related-reason").all_inner_texts()
    assert reasons and all(r for r in reasons)


def test_side_effects_follow_up(kb_service, phone_page):
    page = phone_page()
    page.goto(kb_service + "/")
    ask(page, "How is colon cancer treated?")
    ask(page, "what are the side effects?")
    assert "side effect" in answer_of(page, 1).lower()
    assert "Colon Cancer" in page.locator("#answer-1 details.source summary").first.inner_text()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_fear_is_acknowledged_with_coping_material(kb_service, phone_page, js):
    page = phone_page(js)
    page.goto(kb_service + "/")
    (ask if js else ask_without_js)(page, "I feel so scared about my scan results")
    intro = page.locator("#answer-0 .reply-intro").inner_text().strip()
    assert intro == REPLIES["feelings_fear"].strip()
    titles = " ".join(page.locator("#answer-0 details.source summary").all_inner_texts())
    assert "Emotions" in titles or "Coping" in titles or "Feelings" in titles
    assert "symptoms of anxiety" not in answer_of(page, 0).lower()
