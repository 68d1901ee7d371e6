"""The patient page, the widget and the nurse view in real headless Chromium."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import API_TOKEN, NURSE_PASSWORD, NURSE_USER

QUESTION = "What is Reblozyl used for?"
URGENT = "I have crushing chest pain and can't breathe right now"


def ask(page, question: str) -> None:
    """Type a question and wait for its answer to be added to the conversation."""
    before = page.locator("#log > li.turn").count()
    page.fill("#message", question)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        page.press("#message", "Enter")
    page.locator("#log > li.turn").nth(before).locator("article").wait_for()


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.textContent || '').trim(),
                outline: getComputedStyle(e).outlineStyle, outlineWidth: getComputedStyle(e).outlineWidth}; }"""
    )


def tab_to(page, matches, limit: int = 40) -> dict:
    """Press Tab until the focused element matches (bounded: fails instead of looping forever)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        if matches(info):
            return info
    raise AssertionError("never reached the element with Tab")


def run_axe(page, axe_script) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    report = json.loads(result)
    assert len(report["passes"]) > 10, "axe-core ran no checks"
    # Every violation counts, whatever its impact (minor and moderate included).
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in report["violations"]
    ]


# --- patient page -------------------------------------------------------------------------------


def test_ask_a_question_and_open_a_cited_source(servers, page, screenshots):
    page.goto(servers.service + "/")
    ask(page, QUESTION)
    turn = page.locator("#log > li.turn").first
    assert turn.locator(".msg--user .msg-text").inner_text() == QUESTION
    assert turn.locator(".answer .sentence").count() >= 1
    cite = turn.locator(".answer a.cite").first
    assert cite.inner_text() == "[1]"
    source = turn.locator("details.source").first
    assert source.get_attribute("open") is None
    cite.click()
    assert source.get_attribute("open") is not None
    assert source.locator("summary").inner_text().startswith("[1] Luspatercept-aamt")
    assert "Last reviewed" in source.inner_text() and "2025-12-30" in source.inner_text()
    link = source.locator("a.source-link")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("href") == "https://www.cancer.gov/about-cancer/treatment/drugs/luspatercept-aamt"
    assert "not medical advice" in turn.locator(".disclaimer").inner_text()
    assert turn.locator("select[name=reason] option").count() == 6
    page.screenshot(path=str(screenshots / "patient-desktop.png"), full_page=True)
    assert page.console_errors == []


def test_phone_width_has_no_sideways_scrolling(servers, browser, screenshots):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(servers.service + "/")
        ask(page, QUESTION)
        page.locator("details.source").first.locator("summary").click()
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        page.screenshot(path=str(screenshots / "patient-phone.png"), full_page=True)
    finally:
        ctx.close()


def test_follow_a_suggestion(servers, page):
    page.goto(servers.service + "/")
    ask(page, QUESTION)
    suggestions = page.locator("#log > li.turn").first.locator("button.suggestion")
    suggestions.first.wait_for()
    text = suggestions.first.inner_text()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        suggestions.first.click()
    second = page.locator("#log > li.turn").nth(1)
    second.locator("article").wait_for()
    assert second.locator(".msg--user .msg-text").inner_text() == text


def test_urgent_reply_is_calm_and_shows_the_emergency_number(servers, page, screenshots):
    page.goto(servers.service + "/")
    ask(page, URGENT)
    reply = page.locator("#log > li.turn").first.locator("article")
    assert "reply--urgent" in reply.get_attribute("class")
    number = reply.locator(".callout--urgent .callout-number")
    assert "911" in number.inner_text()
    assert number.locator("a").get_attribute("href") == "tel:911"
    page.screenshot(path=str(screenshots / "patient-urgent.png"), full_page=True)


def test_clear_the_conversation(servers, page):
    page.goto(servers.service + "/")
    ask(page, QUESTION)
    assert page.locator("#log > li.turn").count() == 1
    with page.expect_navigation():  # the clear form posts and the page reloads empty
        page.get_by_role("button", name="Clear conversation").click()
    assert page.locator("#log > li.turn").count() == 0
    page.reload()
    assert page.locator("#log > li.turn").count() == 0
    assert QUESTION not in page.content()


def test_keyboard_only(servers, page):
    page.goto(servers.service + "/")
    page.keyboard.press("Tab")
    assert focused(page)["cls"] == "skip-link"
    info = tab_to(page, lambda f: f["id"] == "message")
    assert info["outline"] != "none" and info["outlineWidth"] != "0px", "focus must be visible"
    page.keyboard.type(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        page.keyboard.press("Enter")
    page.locator("#log > li.turn article").first.wait_for()
    assert focused(page)["id"] == "message", "focus stays in the question box for the next question"
    # Shift+Tab back into the answer: reach the first citation and open it with Enter.
    for _ in range(60):
        page.keyboard.press("Shift+Tab")
        if focused(page)["text"] == "[1]":
            break
    else:
        raise AssertionError("could not reach the citation with the keyboard")
    page.keyboard.press("Enter")
    assert focused(page)["tag"] == "summary"
    assert page.locator("details#src-0-1").get_attribute("open") is not None
    tab_to(page, lambda f: f["text"] == "Helpful")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")):
        page.keyboard.press("Enter")
    assert page.locator(".feedback-done").inner_text() == "Thank you for your feedback."


def test_page_works_without_javascript(servers, browser):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(servers.service + "/")
        page.fill("#message", QUESTION)
        with page.expect_navigation():
            page.press("#message", "Enter")
        turn = page.locator("#log > li.turn").first
        assert turn.locator(".msg--user .msg-text").inner_text() == QUESTION
        assert turn.locator("a.cite").count() >= 1
        with page.expect_navigation():
            turn.get_by_role("button", name="Helpful", exact=True).click()
        assert "Thank you" in page.locator(".feedback-done").inner_text()
        with page.expect_navigation():
            page.get_by_role("button", name="Clear conversation").click()
        assert page.locator("#log > li.turn").count() == 0
    finally:
        ctx.close()


# --- widget -------------------------------------------------------------------------------------


def test_chat_through_the_widget_on_the_example_portal(servers, page, screenshots):
    page.goto(servers.portal + "/index.html")
    launcher = page.locator("#cqa-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("#cqa-frame")
    # The Close button appears once the chat's script runs inside the frame and has accepted the host origin.
    frame.get_by_role("button", name="Close the chat").wait_for()
    frame.locator("#message").fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        frame.locator("#message").press("Enter")
    answer = frame.locator("#log > li.turn article").first
    answer.wait_for()
    assert answer.locator("a.cite").count() >= 1
    assert "Luspatercept-aamt" in answer.locator("details.source summary").first.inner_text()
    page.screenshot(path=str(screenshots / "widget.png"))
    assert page.console_errors == []
    # The close button inside the iframe reaches the host page only through postMessage.
    frame.get_by_role("button", name="Close the chat").click()
    page.locator("#cqa-panel").wait_for(state="hidden")
    assert launcher.get_attribute("aria-expanded") == "false"


def test_embedding_is_refused_from_an_origin_not_configured(servers, page):
    # The widget loads the chat hidden at once; the browser refuses the frame, so the chat never says "ready".
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
        page.goto(servers.stranger + "/index.html")
    assert "violates" in refused.value.text and "blocked" in refused.value.text
    assert servers.portal in refused.value.text and servers.stranger not in refused.value.text
    frame = page.frame_locator("#cqa-frame")
    assert frame.locator("#message").count() == 0
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # a margin for a "ready" message that must never come
    assert page.locator("#cqa-launcher").count() == 1
    assert not page.locator("#cqa-launcher").is_visible(), "nothing appears on a refused origin"
    assert not page.locator("#cqa-panel").is_visible()


# --- nurse view ---------------------------------------------------------------------------------


def test_nurse_sees_a_clinician_passage_the_patient_page_never_shows(servers, browser, screenshots):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        nurse = ctx.new_page()
        nurse.goto(servers.service + "/nurse")
        assert nurse.url.startswith(servers.service + "/nurse/login")
        nurse.fill("#username", NURSE_USER)
        nurse.fill("#password", NURSE_PASSWORD)
        nurse.get_by_role("button", name="Sign in").click()
        nurse.fill("#q", "luspatercept liver injury")
        nurse.get_by_role("button", name="Search").click()
        result = nurse.locator("li.result").filter(has=nurse.locator(".badge--clinician")).first
        assert "LiverTox (NIDDK)" in result.inner_text()
        assert result.locator("mark").count() >= 1
        clinician_text = result.locator(".passage-text").inner_text()
        nurse.screenshot(path=str(screenshots / "nurse.png"))
        result.get_by_role("link", name=re.compile("Full passage")).click()
        assert "Clinician" in nurse.locator(".badge").inner_text()

        patient = browser.new_page()
        patient.goto(servers.service + "/")
        ask(patient, "Does luspatercept cause liver injury?")
        ask(patient, "luspatercept liver injury hepatotoxicity")
        ask(patient, "What is Reblozyl used for?")
        shown = patient.locator("main").inner_text()
        assert "LiverTox" not in shown
        assert clinician_text[:60] not in shown
        assert "professional material" in shown  # said, not shown
        assert patient.locator(".source-meta").count() >= 1
        patient.close()
    finally:
        ctx.close()


def test_search_api_in_the_browser_needs_a_token_for_clinician_material(servers, page):
    page.goto(servers.service + "/")
    out = page.evaluate(
        """async ([token]) => {
          const call = (headers) => fetch('/api/v1/search', {method: 'POST',
            headers: Object.assign({'Content-Type': 'application/json'}, headers),
            body: JSON.stringify({query: 'liver injury', audience: 'all', k: 5})});
          const anon = await call({});
          const staff = await call({Authorization: 'Bearer ' + token});
          return [anon.status, staff.status, (await staff.json()).results.map(r => r.audience)];
        }""",
        [API_TOKEN],
    )
    assert out[0] == 401 and out[1] == 200 and "clinician" in out[2]


# --- accessibility ------------------------------------------------------------------------------


@pytest.fixture(params=["light", "dark"])
def scheme(request) -> str:
    return request.param


def test_accessibility_patient_page(servers, axe_page, axe_script, scheme, screenshots):
    page = axe_page
    page.emulate_media(color_scheme=scheme)
    page.goto(servers.service + "/")
    assert run_axe(page, axe_script) == []  # the empty page with its starter questions
    ask(page, QUESTION)
    page.locator("details.source").first.locator("summary").click()
    assert run_axe(page, axe_script) == []
    page.screenshot(path=str(screenshots / f"patient-{scheme}.png"))


def test_accessibility_embed(servers, axe_page, axe_script, scheme):
    page = axe_page
    page.emulate_media(color_scheme=scheme)
    page.goto(servers.service + "/embed")
    ask(page, QUESTION)
    assert run_axe(page, axe_script) == []


def test_accessibility_nurse_view(servers, axe_page, axe_script, scheme):
    page = axe_page
    page.emulate_media(color_scheme=scheme)
    page.goto(servers.service + "/nurse/login")
    assert run_axe(page, axe_script) == []
    page.fill("#username", NURSE_USER)
    page.fill("#password", NURSE_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(servers.service + "/nurse?q=What+is+Reblozyl+used+for%3F&audience=all")
    assert page.locator("li.result").count() >= 1
    assert page.locator("#handover .sentence").count() >= 1
    assert run_axe(page, axe_script) == []
    page.goto(servers.service + "/nurse/feedback")
    assert run_axe(page, axe_script) == []


# --- the script's rendering of every reply shape, with the API answered by the test ------------------


def canned_reply(kind: str, suggestions: list[str] | None = None) -> dict:
    return {
        "conversation_id": "canned-conversation",
        "kind": kind,
        "text": f"Canned {kind} reply.",
        "sentences": [{"text": f"Canned {kind} reply.", "citation": 1}],
        "citations": [
            {
                "n": 1,
                "passage_id": "p1",
                "title": "<img src=x onerror=alert(1)>",
                "url": "javascript:alert(1)",
                "section": "Section",
                "source": "NCI",
                "last_reviewed": "2025-12-30",
                "audience": "patient",
                "snippet": "s",
            }
        ],
        "disclaimer": "Not medical advice.",
        "suggestions": suggestions or [],
    }


def serve_canned(page, replies: list[dict]) -> list[dict]:
    """Answer POST /api/v1/chat with the given replies in turn; return the request bodies seen."""
    seen: list[dict] = []

    def handle(route):
        seen.append(json.loads(route.request.post_data))
        route.fulfill(status=200, content_type="application/json", body=json.dumps(replies[len(seen) - 1]))

    page.route("**/api/v1/chat", handle)
    return seen


@pytest.mark.parametrize("kind, number", [("urgent", "911"), ("crisis", "988")])
def test_script_shows_urgent_and_crisis_replies_with_the_number(servers, page, screenshots, kind, number):
    serve_canned(page, [canned_reply(kind)])
    page.goto(servers.service + "/")
    ask(page, "canned")
    reply = page.locator("#log > li.turn article").first
    assert f"reply--{kind}" in reply.get_attribute("class")
    box = reply.locator(f".callout--{kind} .callout-number")
    assert number in box.inner_text()
    assert box.locator("a").get_attribute("href") == f"tel:{number}"
    # library text is shown as text, and a non-http link is not linked
    assert reply.locator("details.source summary").inner_text() == "[1] <img src=x onerror=alert(1)>"
    assert reply.locator("details.source a").count() == 0
    page.screenshot(path=str(screenshots / f"patient-{kind}-canned.png"), full_page=True)


def test_script_follows_a_suggestion_in_the_same_conversation(servers, page):
    seen = serve_canned(page, [canned_reply("answer", ["What are the side effects?"]), canned_reply("answer")])
    page.goto(servers.service + "/")
    ask(page, "first question")
    page.get_by_role("button", name="What are the side effects?").click()
    page.locator("#log > li.turn").nth(1).locator("article").wait_for()
    assert page.locator("#log > li.turn").nth(1).locator(".msg-text").inner_text() == "What are the side effects?"
    assert seen[1] == {"message": "What are the side effects?", "conversation_id": "canned-conversation"}
