"""The answer path on the embedded library: composition, citations, abstention, conversation."""

import pytest


def chat(client, message, conversation_id=None):
    resp = client.post("/api/v1/chat", json={"message": message, "conversation_id": conversation_id})
    assert resp.status_code == 200
    return resp.get_json()


def assert_citation_integrity(body):
    numbers = {c["n"] for c in body["citations"]}
    assert len(numbers) == len(body["citations"])
    for s in body["sentences"]:
        assert s["citation"] in numbers
        cited = next(c for c in body["citations"] if c["n"] == s["citation"])
        assert s["text"] in cited["snippet"], "a sentence must be verbatim from its cited passage"


def test_answer_is_two_to_four_cited_units_with_lists_kept(client):
    body = chat(client, "What is Reblozyl used for?")
    assert body["kind"] == "answer"
    assert_citation_integrity(body)
    assert body["sentences"][0]["text"] == "Luspatercept-aamt is approved to treat:"
    assert body["sentences"][1]["item"] is True  # the list follows its lead-in
    assert all(c["audience"] == "patient" for c in body["citations"])
    assert body["disclaimer"] and "911" in body["disclaimer"]
    assert all(c["last_reviewed"] == "2025-12-30" for c in body["citations"])


def test_urgent_reply_puts_emergency_guidance_first(client):
    body = chat(client, "I have crushing chest pain and can't breathe right now")
    assert body["kind"] == "urgent"
    assert body["text"].startswith("This could be a medical emergency. Call 911")
    assert_citation_integrity(body)


def test_emergency_and_crisis_numbers_are_configurable(seed_corpus, tmp_path):
    from service import create_app

    app = create_app({"CORPUS_DIR": str(seed_corpus), "INDEX_PATH": str(tmp_path / "i.npz"),
                      "EMERGENCY_NUMBER": "112", "CRISIS_LINE": "116 123"})
    client = app.test_client()
    assert "Call 112" in chat(client, "I can't breathe")["text"]
    crisis = chat(client, "I want to end my life")
    assert crisis["kind"] == "crisis" and "116 123" in crisis["text"] and "112" in crisis["text"]


def test_conversation_continues_after_an_urgent_reply(client):
    first = chat(client, "I can't breathe")
    follow = chat(client, "What is Reblozyl used for?", first["conversation_id"])
    assert follow["kind"] == "answer"


def test_advice_request_gets_general_information_and_questions_for_the_care_team(client):
    body = chat(client, "Should I stop taking Reblozyl?")
    assert body["kind"] == "advice"
    assert "can't give personal medical advice" in body["text"]
    assert len(body["suggestions"]) >= 2
    assert_citation_integrity(body)


def test_nonsense_and_off_topic_input_abstain(client):
    assert chat(client, "asdkjh qwerty zxcv")["kind"] == "no_answer"
    assert chat(client, "Give me a recipe for lasagna")["kind"] == "scope"
    nothing = chat(client, "How do I renew my passport?")
    assert nothing["kind"] == "no_answer" and not nothing["citations"] and not nothing["sentences"]


def test_follow_up_resolves_to_the_earlier_topic(client):
    first = chat(client, "What is Reblozyl?")
    follow = chat(client, "what is it used for?", first["conversation_id"])
    assert follow["kind"] == "answer"
    assert follow["citations"][0]["title"] == "Luspatercept-aamt"


def test_clarifying_question_when_there_is_no_topic_yet(client):
    body = chat(client, "What are the treatments?")
    assert body["kind"] == "clarify"
    assert body["suggestions"] and not body["citations"]


def test_clearing_a_conversation_forgets_its_topic(client):
    first = chat(client, "What is Reblozyl?")
    cid = first["conversation_id"]
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204
    assert chat(client, "what are the treatments?", cid)["kind"] == "clarify"


def test_smalltalk_replies(client):
    assert chat(client, "hello")["kind"] == "smalltalk"
    assert chat(client, "what can you do?")["kind"] == "smalltalk"


def test_mixed_message_gets_urgent_guidance_first_then_the_other_answer(client):
    body = chat(client, "What is Reblozyl used for? also I've had a temp of 38.5 since this morning and I'm on chemo")
    assert body["kind"] == "urgent"
    assert body["text"].startswith("This could be a medical emergency. Call 911")
    assert "your other question" in body["text"]
    assert body["sentences"] and body["citations"][0]["title"] == "Luspatercept-aamt"
    assert_citation_integrity(body)


def test_crisis_about_someone_else_tells_the_writer_what_to_do_for_them(client):
    body = chat(client, "my dad has told me he's going to end it this weekend, he's got his gun out")
    assert body["kind"] == "crisis"
    assert "stay with them" in body["text"] and "988" in body["text"] and "911" in body["text"]
    own = chat(client, "I've saved up my pills and I'm going to take them all tonight")
    assert own["kind"] == "crisis" and "I'm really sorry you're feeling this way" in own["text"]


def test_overdose_taken_on_purpose_gets_emergency_and_crisis_line(client):
    body = chat(client, "I took all my morphine on purpose an hour ago")
    assert body["kind"] == "urgent" and "Call 911" in body["text"] and "988" in body["text"]


def test_sentences_that_answer_the_kind_of_question_are_preferred():
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Hair loss is a common side effect of chemotherapy. Hair loss can affect the whole body. "
            "Hair loss from radiation affects only the treated area. Hair loss may upset people with cancer. "
            "Hair loss is also called alopecia. Your hair often grows back in 2 to 3 months after chemo.")
    passage = Passage("1", "hair.md", "Hair Loss", "Hair Loss", text, None, "NCI", None, "patient")
    from service.answer.intent import AnswerCues

    query = {"hair": 1.0}
    idf = {"hair": 3.0}
    plain = select_units([(passage, 0, 1.0)], query, idf, analyzer)
    asked = select_units([(passage, 0, 1.0)], query, idf, analyzer,
                         answer_words=AnswerCues.parse(["months", "grow back"], analyzer))
    assert not any("months" in u.text for u in plain)  # four sentences richer in the topic's words win...
    assert any("months" in u.text for u in asked)  # ...unless the question asks how long


def test_an_answer_word_the_analyzer_drops_is_matched_as_written():
    """"because" is a stopword: as an analyzed answer word it matched nothing, so "why?" never leaned towards
    the sentence that says why."""
    from service.answer.compose import select_units
    from service.answer.intent import AnswerCues
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    cues = AnswerCues.parse(["because", "so that", "reason"], analyzer)
    assert cues.terms == (("reason",),) and cues.matches(frozenset(), "Because standard doses may not reach it.")
    assert not cues.matches(frozenset(), "Becauses") and cues.matches(frozenset(), "given so  that it works")
    text = ("Leukemia cells can spread to the brain and spinal cord. Tests check the brain and spinal cord for "
            "leukemia cells. The brain and spinal cord are checked with a lumbar puncture. Because chemotherapy may "
            "not reach the brain and spinal cord, leukemia cells can hide there.")
    passage = Passage("1", "all.md", "ALL", "ALL", text, None, "NCI", None, "patient")
    query, idf = {"brain": 1.0, "spinal": 1.0, "cord": 1.0, "leukemia": 1.0}, {}
    plain = select_units([(passage, 0, 1.0)], query, idf, analyzer, max_units=1)
    asked = select_units([(passage, 0, 1.0)], query, idf, analyzer, answer_words=cues, max_units=1)
    assert not plain[0].text.startswith("Because") and asked[0].text.startswith("Because")


def test_answer_phrases_are_matched_as_written():
    """"is common" says something is common; the word alone is also in "Some common ways include:"."""
    from service.answer.intent import AnswerCues
    from service.search.analyzer import Analyzer

    cues = AnswerCues.parse([], Analyzer(), as_written=["is common", "one of the most common"])
    assert cues.matches(frozenset(), "Cancer fatigue is one of the most common side effects.")
    assert cues.matches(frozenset(), "Off-label drug use is common in cancer treatment.")
    assert not cues.matches(frozenset({"common"}), "Some common ways include:")


def test_a_sentence_that_goes_on_from_the_one_before_is_shown_after_it():
    from service.answer.compose import flatten, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Children react to a parent's illness in many ways. For example, they may:\n"
            "- feel scared or angry\n- behave as they did when younger")
    passage = Passage("1", "kids.md", "Talking to Children", "How kids may act", text, None, "NCI", None, "patient")
    units = flatten(select_units([(passage, 0, 1.0)], {"scare": 1.0, "angri": 1.0}, {"scare": 2.0, "angri": 2.0},
                                 analyzer, max_units=1))
    texts = [u.text for u in units]
    assert texts[:2] == ["Children react to a parent's illness in many ways.", "For example, they may:"]
    assert "feel scared or angry" in texts
    # "That is because ..." explains the sentence before it, whatever sentence is shown before it
    text = "TNBC tends to have a worse outlook. That is because TNBC grows more quickly."
    passage = Passage("2", "tnbc.md", "TNBC", "Outlook", text, None, "NCI", None, "patient")
    units = select_units([(passage, 0, 1.0)], {"grow": 1.0, "quick": 1.0}, {}, analyzer, max_units=1)
    assert [u.text for u in units] == ["TNBC tends to have a worse outlook.",
                                       "That is because TNBC grows more quickly."]


def test_the_sentence_that_says_what_a_chosen_one_means_comes_with_it():
    """"This means ..." right after a chosen sentence explains it: it is shown before weaker sentences elsewhere,
    though on its own it would not read as complete."""
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("TNBC is harder to treat because the cells lack hormone receptors. "
            "This means hormone drugs cannot treat TNBC. TNBC is more common in younger women. "
            "TNBC may not cause symptoms early.")
    passage = Passage("1", "tnbc.md", "TNBC", "Treatment", text, None, "NCI", None, "patient")
    query, idf = {"tnbc": 1.0, "harder": 1.0, "treat": 1.0}, {"tnbc": 3.0, "harder": 2.0, "treat": 1.0}
    texts = [u.text for u in select_units([(passage, 0, 1.0)], query, idf, analyzer, max_units=2)]
    assert texts == ["TNBC is harder to treat because the cells lack hormone receptors.",
                     "This means hormone drugs cannot treat TNBC."]


def test_the_sentence_that_says_what_a_chosen_one_leads_to_is_shown_next():
    """"This prevents ..." finishes the thought of the sentence before it: shown right after it, before a sentence
    that scores higher on its own."""
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Checkpoint inhibitors work by blocking checkpoint proteins. "
            "This prevents the off signal from being sent, allowing T cells to kill cancer cells. "
            "Checkpoint inhibitors are given by infusion into a vein.")
    passage = Passage("1", "ci.md", "Checkpoint inhibitors", "How they work", text, None, "NCI", None, "patient")
    query, idf = {"checkpoint": 1.0, "inhibitor": 1.0}, {"checkpoint": 3.0, "inhibitor": 2.0}
    texts = [u.text for u in select_units([(passage, 0, 1.0)], query, idf, analyzer, max_units=2)]
    assert texts == ["Checkpoint inhibitors work by blocking checkpoint proteins.",
                     "This prevents the off signal from being sent, allowing T cells to kill cancer cells."]


def test_lists_whose_lead_ins_open_alike_are_shown_together():
    """"Symptoms of local recurrence may include:" and "Symptoms of distant recurrence may include:" are two halves
    of one answer: both shown when both answer nearly as well; a list that answers much less well stays out."""
    from service.answer.compose import flatten, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Symptoms of local and regional breast cancer recurrence may include:\n- a new lump in the breast\n"
            "- skin changes\nSymptoms of distant or metastatic breast cancer recurrence may include:\n"
            "- bone pain\n- a cough\n"
            "Treatment of a recurrence may include:\n- surgery\n- chemotherapy")
    passage = Passage("1", "r.md", "Recurrent Breast Cancer", "Symptoms", text, None, "NCI", None, "patient")
    idf = {"symptom": 2.0, "recurr": 2.0, "breast": 1.0, "treatment": 2.0}
    units = flatten(select_units([(passage, 0, 1.0)], {"symptom": 1.0, "recurr": 1.0}, idf, analyzer))
    leads = [u.text for u in units if u.items]
    assert leads == ["Symptoms of local and regional breast cancer recurrence may include:",
                     "Symptoms of distant or metastatic breast cancer recurrence may include:"]
    assert "bone pain" in [u.text for u in units]
    units = flatten(select_units([(passage, 0, 1.0)], {"treatment": 1.0, "recurr": 1.0}, idf, analyzer))
    assert [u.text for u in units if u.items] == ["Treatment of a recurrence may include:"]


def test_a_labelled_list_comes_with_the_labelled_lists_beside_it():
    """"Tips about foods to eat:" is one of three short labelled lists that a sentence announces: shown together,
    with the sentence that introduces them when it ends with a colon; a long run stays the one list."""
    from service.answer.compose import passage_units, sibling_groups
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Check with your doctor if you notice changes, including:\nBreast lump, such as:\n- a lump in your breast\n"
            "- a lump under your arm\nNipple changes, such as:\n- fluid that is not breast milk\n"
            "Skin changes, such as:\n- redness of the skin\n- dimples or puckering\nMost changes are not cancer.")
    passage = Passage("1", "breast.md", "Breast Symptoms", "Symptoms", text, None, "NCI", None, "patient")
    units = passage_units(passage, 0, analyzer)
    nipple = next(u for u in units if u.text == "Nipple changes, such as:")
    shown = [u.text for u in sibling_groups(nipple, units)]
    assert shown == ["Check with your doctor if you notice changes, including:", "Breast lump, such as:",
                     "Nipple changes, such as:", "Skin changes, such as:"]
    one = next(u for u in units if u.text == "Most changes are not cancer.")
    assert sibling_groups(one, units) == [one]  # not a labelled list


def test_a_list_of_labelled_groups_shows_the_group_the_question_names():
    """A nested list read flat ("Tumor-related effects:" and "Treatment-related effects:", each with its items):
    the group that names clearly more of the question's words, alone; the whole list when none does."""
    from service.answer.compose import group_asked, passage_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    causes = Passage("1", "dyspnea.md", "Dyspnea", "Causes",
                     "Dyspnea can be caused by:\n- Tumor-related effects:\n- The tumor blocks the airways.\n"
                     "- Fluid builds up around the lung.\n- Treatment-related effects:\n"
                     "- Damage to the lung caused by radiation therapy or chemotherapy.\n"
                     "- Weakened heart muscle caused by chemotherapy.", None, "NCI", None, "patient")
    lead = next(u for u in passage_units(causes, 0, Analyzer()) if u.items)
    chosen = group_asked(lead, {"chemotherapi": 1.0, "heart": 1.0, "lung": 1.0})
    assert chosen.items_chosen
    assert [u.text for u in chosen.items] == ["Treatment-related effects:",
                                              "Damage to the lung caused by radiation therapy or chemotherapy.",
                                              "Weakened heart muscle caused by chemotherapy."]
    assert group_asked(lead, {"lung": 1.0}) is lead  # both groups name it


def test_a_question_over_a_list_says_what_its_items_answer_but_is_not_shown():
    """"How do you cope with body changes?" over "- Seek help from a counselor." ...: the items answer "how do people
    cope?" though none says "cope"; the question itself is never a unit of the answer."""
    from service.answer.compose import flatten, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Your body may change after surgery.\nHow do you cope with body changes?\n- Seek help from a counselor "
            "who knows about cancer.\n- Join a support group to talk with others.\nScars fade over time.")
    passage = Passage("1", "b.md", "Body Image", "Body changes", text, None, "NCI", None, "patient")
    idf = {"cope": 2.0, "bodi": 1.0, "chang": 1.0, "surgeri": 1.0}
    units = flatten(select_units([(passage, 0, 1.0)], {"cope": 1.0}, idf, analyzer, max_units=2))
    assert [u.text for u in units] == ["Seek help from a counselor who knows about cancer.",
                                       "Join a support group to talk with others."]


def test_a_list_of_questions_to_ask_answers_only_a_question_about_what_to_ask():
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Nausea can last a few days after treatment.\nQuestions to ask about nausea:\n"
            "- How long will the nausea last?\n- What medicine helps nausea?")
    passage = Passage("1", "n.md", "Nausea", "Nausea", text, None, "NCI", None, "patient")
    idf = {"nausea": 2.0, "last": 1.0, "ask": 1.0}
    plain = select_units([(passage, 0, 1.0)], {"nausea": 1.0, "last": 1.0}, idf, analyzer, max_units=1)
    asking = select_units([(passage, 0, 1.0)], {"nausea": 1.0, "ask": 1.0}, idf, analyzer, max_units=1)
    assert [u.text for u in plain] == ["Nausea can last a few days after treatment."]
    assert [u.text for u in asking] == ["Questions to ask about nausea:"]


def test_a_list_of_questions_under_a_questions_heading_is_introduced_by_it():
    """"Questions about Side Effects" over a list of questions (capitalised, so not a plain list of things) is the
    list's lead-in: it answers "what should I ask about side effects?", and no other question."""
    from service.answer.compose import flatten, heading_label, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = "- What are the possible side effects of the treatment?\n- How can I prevent or treat side effects?"
    passage = Passage("1", "q.md", "Questions to Ask", "Questions about Side Effects", text, None, "NCI", None,
                      "patient")
    assert heading_label(passage) == "Questions about Side Effects:"
    idf = {"side": 2.0, "effect": 2.0, "ask": 1.0}
    asking = flatten(select_units([(passage, 0, 1.0)], {"side": 1.0, "effect": 1.0, "ask": 1.0}, idf, analyzer))
    assert [u.text for u in asking][:2] == ["Questions about Side Effects:",
                                            "What are the possible side effects of the treatment?"]
    assert select_units([(passage, 0, 1.0)], {"side": 1.0, "effect": 1.0}, idf, analyzer) == []
    other = Passage("2", "q.md", "Drugs", "Drugs A to Z", "- Abemaciclib?\n- Zoledronic acid?", None, "NCI", None,
                    "patient")
    assert heading_label(other) is None


def test_a_list_of_sentences_under_an_about_heading_is_introduced_by_it():
    """"What Children of All Ages Need to Know > About Cancer" over whole sentences: the heading is the list's label,
    so "Your child can't make you well." is not shown as a bare item; a heading that does not say what the
    sentences are about is not."""
    from service.answer.compose import heading_label
    from service.corpus.models import Passage

    text = "- Nothing your child did caused you to get cancer.\n- Your child can't make you well."
    about = Passage("1", "c.md", "Talking to Children", "What Children Need to Know > About Cancer", text, None, "NCI",
                    None, "patient")
    assert heading_label(about) == "About Cancer:"
    other = Passage("2", "c.md", "Talking to Children", "Key facts", text, None, "NCI", None, "patient")
    assert heading_label(other) is None


def test_an_answer_shows_one_list_not_two():
    from service.answer.compose import flatten, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("If you have dry mouth:\n- sip water\n- chew gum\nIf you have mouth sores:\n- eat soft food\n"
            "- suck ice chips\nMouth problems are common during chemotherapy.")
    passage = Passage("1", "m.md", "Mouth", "Mouth problems", text, None, "NCI", None, "patient")
    units = flatten(select_units([(passage, 0, 1.0)], {"mouth": 1.0}, {"mouth": 2.0}, analyzer))
    assert sum(1 for u in units if u.items) == 1


def test_a_list_with_no_lead_in_sentence_is_introduced_by_its_heading():
    """A food list under "Soups" has no sentence before it; the heading introduces it, so no item is an orphan."""
    from service.answer.compose import flatten, heading_label, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    soups = Passage("1", "c.md", "Clear Liquids", "Clear Liquids > Soups", "- bouillon\n- clear, fat-free broth",
                    None, "NCI", None, "patient")
    units = flatten(select_units([(soups, 0, 1.0)], {"broth": 1.0}, {"broth": 2.0}, analyzer))
    assert [u.text for u in units] == ["Soups:", "bouillon", "clear, fat-free broth"]
    # link titles (capitalised), "Key Points" and the rest of a long list cut from its lead-in get no label
    links = Passage("2", "d.md", "Drugs", "Drugs > Approved", "- Abemaciclib\n- Ado-Trastuzumab", None, "NCI", None,
                    "patient")
    key_points = Passage("3", "k.md", "Colon", "Colon > Key Points", "- surgery\n- radiation", None, "NCI", None,
                         "patient")
    rest = Passage("4", "n.md", "Nivolumab", "Nivolumab > Use in Cancer",
                   "- melanoma. Nivolumab is used alone in adults.\n- lung cancer", None, "NCI", None, "patient")
    assert [heading_label(p) for p in (links, key_points, rest)] == [None, None, None]


def test_support_for_a_feeling_leaves_out_a_list_of_how_the_feeling_shows():
    from service.answer.compose import select_units, shows_whole_thought
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Anxiety means you have extra worry. You may notice that you:\n- have a rapid heartbeat\n- feel shaky\n"
            "If you feel anxious, talk with your doctor about a counselor.")
    passage = Passage("1", "e.md", "Emotions", "Stress and Anxiety", text, None, "NCI", None, "patient")
    query, idf = {"anxieti": 1.0, "feel": 1.0}, {"anxieti": 2.0, "feel": 1.0}
    plain = [u.text for u in select_units([(passage, 0, 1.0)], query, idf, analyzer)]
    support = [u.text for u in select_units([(passage, 0, 1.0)], query, idf, analyzer, support=True)]
    assert "You may notice that you:" in plain
    assert "You may notice that you:" not in support and any("counselor" in t for t in support)
    screening = Passage("3", "a.md", "Anxiety", "Anxiety", "People who have intense fear should be screened for the "
                        "following types of anxiety disorders:\n- Phobias\n- Panic disorder\nTalk with a counselor "
                        "about your fear.", None, "NCI", None, "patient")
    fear = {"fear": 1.0, "anxieti": 1.0}
    support_texts = [u.text for u in select_units([(screening, 0, 1.0)], fear, fear, analyzer, support=True)]
    assert support_texts == ["Talk with a counselor about your fear."]  # which disorders to screen for is no support
    see_pdq = Passage("2", "f.md", "Faith", "Faith", "See NCI’s Spirituality in Cancer Care PDQ summary for more.",
                      None, "NCI", None, "patient")
    assert not shows_whole_thought(passage_units_of(see_pdq, analyzer)[0], see_pdq.section)  # page furniture


def passage_units_of(passage, analyzer):
    from service.answer.compose import passage_units

    return passage_units(passage, 0, analyzer)


def test_a_key_point_that_introduces_short_items_is_shown_with_them():
    """A flattened nested list: "- The following types of treatment are used:" over "- Surgery", "- Chemotherapy"."""
    from service.answer.compose import flatten, passage_units, select_units, shows_whole_thought
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("- There are different types of treatment for patients with kidney cancer.\n"
            "- The following types of treatment are used:\n- Surgery\n- Radiation therapy\n"
            "- New types of treatment are being tested in clinical trials.")
    passage = Passage("1", "k.md", "Kidney", "Treatment Option Overview > Key Points", text, None, "NCI", None,
                      "patient")
    units = passage_units(passage, 0, analyzer)
    lead = next(u for u in units if u.text == "The following types of treatment are used:")
    assert [i.text for i in lead.items] == ["Surgery", "Radiation therapy"]  # not the next key point
    assert shows_whole_thought(lead, passage.section)
    shown = flatten(select_units([(passage, 0, 1.0)], {"treatment": 1.0, "surgeri": 1.0},
                                 {"treatment": 1.0, "surgeri": 2.0}, analyzer, max_units=3))
    texts = [u.text for u in shown]
    assert texts[texts.index("The following types of treatment are used:") + 1] == "Surgery"


def test_a_line_that_lost_its_colon_over_a_list_is_the_lists_lead_in():
    """"People should tell their doctor if they notice" over "- The mole starts to itch": the list is shown with
    it, not dropped as items without a lead-in; a whole sentence over a list is still not a lead-in."""
    from service.answer.compose import shows_whole_thought
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    text = ("Certain changes in a mole may mean melanoma. People should tell their doctor if they notice\n"
            "- The color of the mole changes\n- The mole starts to itch\nMoles are common.\n- a lone item")
    passage = Passage("1", "m.md", "Moles", "Can a mole turn into melanoma?", text, None, "NCI", None, "patient")
    units = passage_units_of(passage, Analyzer())
    lead = next(u for u in units if u.text == "People should tell their doctor if they notice")
    assert [i.text for i in lead.items] == ["The color of the mole changes", "The mole starts to itch"]
    assert shows_whole_thought(lead, passage.section)
    assert next(u for u in units if u.text == "a lone item").lead_in is None


def test_a_sentence_that_names_a_list_it_does_not_introduce_is_not_shown_alone():
    """"If you have any of the following signs for more than 2 weeks, talk to your doctor." leaves the reader asking
    which signs; "The following tests are used to diagnose bladder cancer." says what comes next and reads whole."""
    from service.answer.compose import shows_whole_thought
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    text = ("Depression can be treated. If you have any of the following signs for more than 2 weeks, talk to your "
            "doctor about treatment. Be aware that some of these symptoms may be caused by treatment.\n"
            "The following tests are used to diagnose bladder cancer.")
    passage = Passage("1", "d.md", "Emotions", "Getting help", text, None, "NCI", None, "patient")
    shown = {u.text: shows_whole_thought(u, passage.section) for u in passage_units_of(passage, Analyzer())}
    assert not shown["If you have any of the following signs for more than 2 weeks, talk to your doctor about "
                     "treatment."]
    assert shown["The following tests are used to diagnose bladder cancer."]
    assert shown["Depression can be treated."]


def test_a_sentence_that_names_back_is_shown_only_after_what_it_names():
    """"If you have any of these feelings, talk to your doctor." alone leaves the reader asking which feelings."""
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    feelings = Passage("1", "f.md", "Feelings", "Feelings", "You may feel angry or sad:\n- angry\n- sad\n"
                       "If you have any of these feelings, talk to your doctor.", None, "NCI", None, "patient")
    tips = Passage("2", "t.md", "Tips", "Tips", "If you have any of these feelings, talk to your doctor. Talk to a "
                   "counselor about your worries.", None, "NCI", None, "patient")
    query, idf = {"feel": 1.0, "doctor": 1.0}, {"feel": 1.0, "doctor": 1.0}
    alone = [u.text for u in select_units([(tips, 1, 1.0)], query, idf, analyzer)]
    assert "If you have any of these feelings, talk to your doctor." not in alone
    assert "Talk to a counselor about your worries." in alone
    after_list = [u.text for u in select_units([(feelings, 0, 1.0)], query, idf, analyzer)]
    assert after_list[-1] == "If you have any of these feelings, talk to your doctor."


def shown_from(text: str, section: str, *terms: str) -> list[str]:
    """The units an answer shows from one passage of `text`, asked with `terms` (index terms, weighed alike)."""
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    passage = Passage("1", "p.md", "Page", section, text, None, "NCI", None, "patient")
    weights = dict.fromkeys(terms, 1.0)
    return [u.text for u in select_units([(passage, 0, 1.0)], weights, weights, Analyzer())]


def test_a_sentence_naming_back_to_one_left_out_is_left_out_too():
    """"If you have any of these feelings, talk to your doctor." has nothing to name back to, so it is left out; the
    sentence after it ("Though they are common signs of stress, ...") then has no referent shown either."""
    from service.answer.compose import select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    text = ("Stress is common during treatment. If you have any of these feelings, talk to your doctor. Though they "
            "are common signs of stress, check they are not due to medicines.")
    passage = Passage("1", "s.md", "Stress", "Stress", text, None, "NCI", None, "patient")
    query, idf = {"doctor": 1.0, "medicin": 1.0, "feel": 1.0}, {"doctor": 2.0, "medicin": 2.0, "feel": 2.0}
    texts = [u.text for u in select_units([(passage, 0, 1.0)], query, idf, analyzer, max_units=2)]
    assert not any(t.startswith(("If you have any of these", "Though they")) for t in texts), texts


def test_a_sentence_naming_this_treatment_is_not_shown_without_it():
    """"In hepatoblastoma, this treatment is only used for small tumors" does not say which treatment."""
    text = "In hepatoblastoma, this treatment is only used for small tumors. Surgery removes the tumor."
    assert shown_from(text, "Watchful waiting", "hepatoblastoma", "tumor") == ["Surgery removes the tumor."]


def test_a_patients_own_words_quoted_on_a_page_are_not_an_answer():
    """"I was nervous about going back to work." is one person's testimonial, not the library's guidance."""
    text = ("I was nervous about going back to work. And I was afraid to tell my boss. "
            "Talk with your boss about your work schedule before you go back to work.")
    assert shown_from(text, "Going back to work", "work", "boss") == [
        "Talk with your boss about your work schedule before you go back to work."]


def test_a_testimonial_that_opens_with_a_clause_or_a_quotation_is_not_an_answer():
    """"When I start to feel guilty that I caused my illness, I think of ..." is one person's words too, and so is a
    quotation; a script to say ("You may tell your child: I don't know.") and a stage's numeral are not."""
    text = ("When I start to feel guilty that I caused my illness, I think of how little kids get cancer. "
            "“I was too weak to lift myself out of the tub.” Remember that having cancer is not your fault. "
            "You may tell your child: I don't know. Stages 0, I, and II of the cancer are treated with surgery.")
    assert shown_from(text, "Guilt", "cancer", "fault", "child", "stage", "surgeri", "weak", "guilti") == [
        "Remember that having cancer is not your fault.", "You may tell your child: I don't know.",
        "Stages 0, I, and II of the cancer are treated with surgery."]


def test_a_sentence_that_says_it_introduces_the_list_below_it_is_its_lead_in():
    """"Below are some steps you can take that may help you manage your fears." ends with a full stop, yet the list
    under it is its own: shown with it, never as loose items. "The sections below may help you ..." and "For help
    with emotional side effects, see Emotions and Cancer." point elsewhere and are never shown."""
    text = ("Fear of recurrence is normal and often lessens over time.\n"
            "Below are some steps you can take that may help you manage your fears.\n"
            "- Let your health care team know your concerns.\n- Talk to a counselor.\n"
            "The sections below may help you think about ways to manage fears.\n"
            "For help with emotional side effects, see Emotions and Cancer.")
    shown = shown_from(text, "Coping with fear of cancer recurrence", "fear", "manag", "help", "emot")
    assert "Below are some steps you can take that may help you manage your fears." in shown, shown
    assert not any(s.startswith(("The sections below", "For help with")) for s in shown), shown
    from service.answer.compose import passage_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    passage = Passage("1", "p.md", "Page", "Coping", text, None, "NCI", None, "patient")
    lead = next(u for u in passage_units(passage, 0, Analyzer()) if u.text.startswith("Below are"))
    assert [i.text for i in lead.items] == ["Let your health care team know your concerns.", "Talk to a counselor."]


def test_a_table_of_lists_is_shown_as_a_list_of_its_rows():
    """"Brain | - Fatigue - Hair loss" under "Part of the body being treated | Possible side effects": each row is an
    item of a list led by the header, its cells as written; a row of sentences, or a plain table, is not shown."""
    text = ("Part of the body being treated | Possible side effects\n"
            "Brain | - Fatigue - Hair loss - Headache\nPelvis | - Diarrhea - Fatigue - Sexual problems\n"
            "Option | Risk\nImplant | - It may harden. - It may break.")
    from service.answer.compose import flatten, select_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    passage = Passage("1", "p.md", "Page", "Treatment areas and possible side effects", text, None, "NCI", None,
                      "patient")
    weights = dict.fromkeys(("side", "effect", "pelvi", "fatigu"), 1.0)
    shown = [u.text for u in flatten(select_units([(passage, 0, 1.0)], weights, weights, Analyzer()))]
    assert shown[:3] == ["Possible side effects (part of the body being treated):",
                         "Brain: Fatigue, Hair loss, Headache", "Pelvis: Diarrhea, Fatigue, Sexual problems"], shown
    assert not any("harden" in s for s in shown), shown


def test_a_list_item_does_not_send_the_reader_elsewhere():
    """"- CT scan: ... Learn more about Computed Tomography (CT) Scans and Cancer." is shown without the pointer."""
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    text = ("The following tests may be used:\n- CT scan: makes pictures of the body. Learn more about Computed "
            "Tomography (CT) Scans and Cancer.\n- Biopsy: removes cells. They are checked under a microscope.")
    passage = Passage("1", "t.md", "Tests", "Tests", text, None, "NCI", None, "patient")
    items = [u.text for u in passage_units_of(passage, Analyzer()) if u.is_item]
    assert items == ["CT scan: makes pictures of the body.",
                     "Biopsy: removes cells. They are checked under a microscope."]


@pytest.mark.parametrize("caption", [
    "Blocking the binding of PD-L1 to PD-1 allows the T cells to kill tumor cells (right panel).",
    "The second panel (stage IB) shows cancer inside both ovaries.",
])
def test_a_sentence_that_describes_a_figure_is_not_a_whole_thought(caption):
    from service.answer.compose import Unit, shows_whole_thought

    assert not shows_whole_thought(Unit(caption, 0, (0, 0, 0)), "Overview")


def _steps_pages(second_items: list[str]):
    from service.corpus.models import Passage

    first = Passage("1", "f.md", "Fear", "Coping with fear", "Fear of recurrence is normal.\n"
                    "Below are some steps you can take that may help you manage your fears.\n"
                    "- Let your health care team know your concerns. " + "They can give you the facts. " * 12,
                    None, "NCI", None, "patient", order=0)
    second = Passage("2", "f.md", "Fear", "Coping with fear", "\n".join(f"- {i}" for i in second_items)
                     + "\nSome say they try not to dwell on fearful thoughts.", None, "NCI", None, "patient", order=1)
    return first, second


def test_a_list_cut_between_passages_is_shown_whole_as_its_steps():
    """A long list the page's split cut between items is one list: its lead-in brings the items of the passages
    after its own (to the first sentence that is not an item), and a list too long to read on a phone shows the
    step each item opens with."""
    from service.answer.compose import continued_list, flatten, passage_units, shown_as_item
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    detail = "It may help to write them down before each visit. " * 10
    first, second = _steps_pages([f"Take notes about any symptoms you have. {detail}",
                                  f"Talk to a counselor when fears are too much. {detail}"])
    lead = next(u for u in passage_units(first, 0, analyzer) if u.items)
    whole = continued_list(lead, [passage_units(second, 1, analyzer)])
    assert [i.passage_index for i in whole.items] == [0, 1, 1]
    texts = [u.text for u in flatten([whole])]
    assert texts == ["Below are some steps you can take that may help you manage your fears.",
                     "Let your health care team know your concerns.", "Take notes about any symptoms you have.",
                     "Talk to a counselor when fears are too much."]
    assert all(shown_as_item(u) for u in flatten([whole])[1:])  # bullets under their lead-in, not lone sentences


def test_a_long_list_of_labels_is_not_cut_to_its_labels():
    """Items that open with a label ("You have choices.", "Testicular cancer: ...") say what they mean after
    it: such a list, too long to read when whole, stays the part in the lead-in's own passage."""
    from service.answer.compose import continued_list, flatten, passage_units
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    detail = "Some people choose to cut their hair short before it falls out. " * 10
    first, second = _steps_pages([f"You have choices. {detail}", f"Testicular cancer: {detail}"])
    lead = next(u for u in passage_units(first, 0, analyzer) if u.items)
    assert continued_list(lead, [passage_units(second, 1, analyzer)]) is lead
    assert [u.text for u in flatten([lead])][1].endswith("They can give you the facts.")  # shown whole


def test_a_list_goes_on_only_with_items_that_read_on_their_own():
    """Fragments ("to one lymph node ...; or") and an item that opens a list of its own ("Stage IVC:") at the start
    of the next passage belong to other lists of a nested one: the lead-in keeps its own items."""
    from service.answer.compose import continued_list, passage_units
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    for second_items in (["to one lymph node of any size; or", "Take notes about any symptoms you have."],
                         ["Stage IVC:", "Cancer has spread to other parts of the body."]):
        first, second = _steps_pages(second_items)
        lead = next(u for u in passage_units(first, 0, analyzer) if u.items)
        assert continued_list(lead, [passage_units(second, 1, analyzer)]) is lead


def test_a_table_cut_between_passages_is_shown_with_all_its_rows():
    """A two-column table ("Part of the body being treated | Possible side effects") cut where the page was split:
    the rows in the next passage stand under the section's heading there, and go on the header's list."""
    from service.answer.compose import continued_list, flatten, passage_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    section = "Treatment areas and possible side effects"
    first = Passage("1", "r.md", "Radiation Therapy Side Effects", section,
                    "Part of the body being treated | Possible side effects\n"
                    "Brain | - Fatigue - Hair loss - Headache\nBreast | - Fatigue - Skin changes - Tenderness",
                    None, "NCI", None, "patient", order=0)
    second = Passage("2", "r.md", "Radiation Therapy Side Effects", section,
                     "Pelvis | - Diarrhea - Fatigue - Urinary and bladder problems\n"
                     "Healthy cells that are damaged usually recover within a few months.",
                     None, "NCI", None, "patient", order=1)
    lead = next(u for u in passage_units(first, 0, analyzer) if u.items)
    texts = [u.text for u in flatten([continued_list(lead, [passage_units(second, 1, analyzer)])])]
    assert texts == ["Possible side effects (part of the body being treated):",
                     "Brain: Fatigue, Hair loss, Headache", "Breast: Fatigue, Skin changes, Tenderness",
                     "Pelvis: Diarrhea, Fatigue, Urinary and bladder problems"]


@pytest.mark.parametrize("text, ages, other", [
    ("Treatment for children younger than 1 year of age may include:", [2], True),
    ("Treatment for children younger than 1 year of age may include:", [0], False),
    ("Children 3 years and older may have radiation therapy after surgery.", [2], True),
    ("Treatment of patients younger than 60 years is usually watchful waiting.", [72], True),
    ("Women aged 50 to 74 should have a screening mammogram every 2 years.", [42], True),
    ("Women aged 50 to 74 should have a screening mammogram every 2 years.", [52], False),
    ("Surgery is the usual treatment.", [2], False),  # no age named: for everyone
    ("Treatment for children younger than 1 year of age may include:", [], False),  # no age told
])
def test_a_sentence_about_other_ages_than_those_told(text, ages, other):
    from service.answer.compose import for_other_ages

    assert for_other_ages(text, ages) is other


def test_a_childs_age_is_read_from_a_word_for_it():
    from service.answer.understand import read_ages

    assert read_ages("our toddler has an ependymoma") == [2]
    assert read_ages("my baby has been diagnosed with hepatoblastoma") == [0]
    assert read_ages("my 7 year old has a brain tumour, she was a big baby") == [7]  # the number told first


def test_a_list_of_signs_brings_the_sentence_that_says_what_else_they_may_mean():
    """"These signs and symptoms also may be caused by other conditions ... check with your doctor": after the list
    it belongs to, also when it opens the next passage; not a sentence that says something else."""
    from service.answer.compose import list_tail, passage_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    analyzer = Analyzer()
    signs = Passage("1", "o.md", "Ovarian", "Signs", "Signs and symptoms may include:\n- bloating\n- feeling full",
                    None, "NCI", None, "patient", order=0)
    tail = Passage("2", "o.md", "Ovarian", "Signs", "These signs and symptoms also may be caused by other conditions "
                   "and not by ovarian cancer. If the signs or symptoms do not go away, check with your doctor. "
                   "Ovarian cancer is rare.", None, "NCI", None, "patient", order=1)
    units = [*passage_units(signs, 0, analyzer), *passage_units(tail, 1, analyzer)]
    lead = units[0]
    assert [u.text for u in list_tail(lead, units)] == [
        "These signs and symptoms also may be caused by other conditions and not by ovarian cancer.",
        "If the signs or symptoms do not go away, check with your doctor."]
    other = Passage("3", "o.md", "Ovarian", "Signs", "These signs are common in women over 50.", None, "NCI", None,
                    "patient", order=1)
    assert list_tail(lead, [*passage_units(signs, 0, analyzer), *passage_units(other, 2, analyzer)]) == []


def test_a_yes_or_no_to_a_heading_not_shown_is_left_out():
    """"No. Research shows that ..." answers the heading's question; shown without it, "No." reads as a refusal."""
    from service.answer.compose import passage_units
    from service.corpus.models import Passage
    from service.search.analyzer import Analyzer

    passage = Passage("1", "s.md", "Surgery", "Will surgery affect how long I live?", "No. Research shows that women "
                      "who have breast-conserving surgery live as long as women who have a mastectomy.", None, "NCI",
                      None, "patient")
    assert [u.text for u in passage_units(passage, 0, Analyzer())] == [
        "Research shows that women who have breast-conserving surgery live as long as women who have a mastectomy."]
