"""Safety routing: each category with true and false cases, the precedence rule, and the red-flag detector
(normalisation, concepts, negation, history, hypotheticals, mixed messages, crisis) over tests/data/red_flags.jsonl."""

import json
from pathlib import Path

import pytest

from service.answer.safety import default_rules, route

URGENT = [
    "I have crushing chest pain and can't breathe right now",
    "My mom just collapsed and isn't responding",
    "I started chemo last week and now I have a fever and I'm shaking with chills",
    "There's blood pouring from my nose and it won't stop",
    "My husband's speech is slurred and his face is drooping",
    "I can't catch my breath and my lips look blue",
    "I've been vomiting blood this morning",
    "I haven't been able to pee all day",
    "my throat feels like it's closing after the infusion",
    "My dad is very confused and his eyes are yellow",
    "severe stomach pain since this morning",
    "I can't swallow my own saliva",
    "my wife had a seizure",
    "I'm bleeding heavily after my biopsy",
    "I took double my pain pills by accident",
    "my chest hurts really bad",
    "I've got a temperature of 38.5 and I'm on chemo",
    "I'm having chills and shaking after my chemo",
    "I have the worst headache of my life",
    "I suddenly can't feel my legs",
    "he suddenly can't speak",
    "My toddler swallowed a bunch of my pills",
    "My lips and tongue are swelling up",
    "Blood is soaking through my bandage",
]
INFORMATION = [
    "When should someone seek urgent care for lung cancer?",
    "What are the signs of a blood clot?",
    "Can chemotherapy cause shortness of breath?",
    "What causes bleeding in leukemia?",
    "What does it mean to cough up blood in lung cancer?",
    "I don't have chest pain but I feel tired after chemo",
    "I have no trouble breathing, just a cough",
    "What are the symptoms of a stroke?",
    "Is fever a side effect of immunotherapy?",
    "My mom had a seizure last year, is that related to her brain tumor?",
    "I fainted once years ago during a blood test, will a biopsy be a problem?",
    "Can cancer cause seizures?",
]


@pytest.mark.parametrize("message", URGENT)
def test_emergencies_happening_now_are_urgent(message):
    assert route(message).kind == "urgent"


@pytest.mark.parametrize("message", INFORMATION)
def test_negations_and_general_questions_are_not_urgent(message):
    assert route(message).kind == "library"


@pytest.mark.parametrize("message", ["I want to kill myself", "I don't want to live anymore",
                                     "I've been thinking about ending my life", "sometimes I want to hurt myself"])
def test_self_harm_is_crisis(message):
    assert route(message).kind == "crisis"


@pytest.mark.parametrize("message", ["What is the suicide risk in cancer patients?",
                                     "what should I do if a friend with cancer talks about wanting to die",
                                     "im not suicidal or anything, just exhausted and fed up with the side effects"])
def test_general_questions_and_negations_about_suicide_are_answered_from_the_library(message):
    # Issue 11: a general question is information, not a crisis (the library covers suicide risk and support).
    assert route(message).kind not in ("urgent", "crisis")


@pytest.mark.parametrize("message", ["I've been having suicidal thoughts, is that common?",
                                     "is it normal to want to die when you're this ill? I feel like that right now"])
def test_a_general_looking_question_about_ones_own_thoughts_is_crisis(message):
    assert route(message).kind == "crisis"


@pytest.mark.parametrize("message", [
    "Should I stop taking tamoxifen because of the hot flashes?",
    "My PSA is 7.2, what does that mean?",
    "Can I skip my chemo next week?",
    "Which treatment should I choose for my breast cancer?",
    "Do I have cancer?",
    "How long do I have left?",
    "What dose should I take?",
    "Should I have the surgery or radiotherapy?",
    "should we try the clinical trial",
])
def test_personal_advice_requests(message):
    assert route(message).kind == "advice"


@pytest.mark.parametrize("message", ["What are the side effects of tamoxifen?", "How is breast cancer treated?",
                                     "is all my hair going to fall out? should i get a wig now or wait"])
def test_general_questions_are_not_advice(message):
    assert route(message).kind == "library"


@pytest.mark.parametrize("message, name", [("hi", "greeting"), ("Hello there!", "greeting"), ("thanks!", "thanks"),
                                           ("bye", "goodbye"), ("What can you do?", "capabilities")])
def test_smalltalk(message, name):
    r = route(message)
    assert r.kind == "smalltalk" and r.smalltalk == name


def test_greeting_with_a_question_is_a_question():
    r = route("hi, what is chemo?")
    assert r.kind == "library" and r.question == "what is chemo?"


@pytest.mark.parametrize("message", ["Give me a recipe for lasagna", "What's the weather in Boston tomorrow?",
                                     "Write a python function to sort a list", "Tell me a joke",
                                     "what vaccines does my puppy need"])
def test_out_of_scope(message):
    assert route(message).kind == "scope"


def test_health_words_keep_a_message_in_scope():
    assert route("What should I cook when chemo makes me feel sick?").kind == "library"
    assert route("is it safe to keep my cat while I'm on chemo?").kind == "library"
    # a donor "match" is not a football match
    assert route("im a match for my sisters bone marrow transplant. does donating hurt?").kind == "library"


def test_red_flag_wins_over_every_refusal():
    # advice + urgent: urgent
    assert route("Should I stop my chemo? I have chest pain right now").kind == "urgent"
    # out-of-scope words + urgent: urgent
    assert route("I was cooking dinner and now I can't breathe").kind == "urgent"
    # crisis + urgent: urgent, and the crisis line is added
    r = route("I took too many pills because I want to die")
    assert r.kind == "urgent" and r.also_crisis


# --- the concept detector (service/data/red_flags.yaml) ----------------------------------------
DATA = Path(__file__).parent / "data"


def _red_flag_rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


# red_flags.jsonl: the issue's own set (patients' and carers' words); red_flags_extra.jsonl: further situations
# and wordings written while building the detector (other emergencies, crisis wording, look-alikes);
# red_flags_variants.jsonl: other ways of writing the situations a first held-out set missed (a single limb gone
# dead, "done a wee", a nephrostomy not draining, clots coughed up, a past event told without commas, someone
# else's pills with despair, ...), with look-alikes for each; red_flags_blind.jsonl: two sets (100, then 90)
# written by readers who had not seen the code or the other sets (the first found the spinal cord compression told
# as "a band going round my ribs", yellow eyes on nivolumab, "make all this stop for good" with tablets at hand, and
# a crisis line for "I'm so scared I'm going to die"; the second, written after those were mended, "a dose that
# would mean I just wouldn't wake up", "giving her things away ... I'm scared she means it", and an emergency for
# a fever treated in A&E the night before, "sent me home feeling much better").
@pytest.mark.parametrize("name", ["red_flags.jsonl", "red_flags_extra.jsonl", "red_flags_variants.jsonl",
                                  "red_flags_blind.jsonl"])
def test_every_message_in_the_red_flag_sets_is_routed_as_labelled(name):
    rows = _red_flag_rows(name)
    missed, false_alarms = [], []
    for row in rows:
        r = route(row["question"])
        if row["expect"] == "urgent" and r.kind != "urgent":
            missed.append((row["id"], r.kind))
        elif row["expect"] == "crisis" and not (r.kind == "crisis" or (r.kind == "urgent" and r.also_crisis)):
            missed.append((row["id"], r.kind))
        elif row["expect"] == "not_urgent" and r.kind in ("urgent", "crisis"):
            false_alarms.append((row["id"], r.reasons))
    calm = sum(row["expect"] == "not_urgent" for row in rows)
    if name == "red_flags.jsonl":
        assert len(rows) >= 300 and calm >= 150
    assert not missed, missed
    assert len(false_alarms) <= 0.05 * calm, false_alarms


def reading(message: str):
    return default_rules().red_flags.normalise(message)


@pytest.mark.parametrize("message, high", [
    ("my temp is 38.6", True),
    ("temperature 38 exactly", True),
    ("temp of 37.9", False),
    ("thermometer says 101.2 F", True),
    ("it read 99.5 degrees f", False),
    ("fever of 39 and chills", True),
    ("i am 38.5c", True),
    ("running 38.1 tonight", True),
    ("my temp is 37.2 and i feel fine", False),
])
def test_temperatures_in_celsius_and_fahrenheit_are_read(message, high):
    r = reading(message)
    assert r.high_temp is high and r.normal_temp is not high


def test_a_threshold_someone_was_told_is_not_a_reading():
    r = reading("nurse said to call if my temp goes over 38")
    assert not r.high_temp and "hightemp" not in r.text
    assert reading("call if my temp goes over 38. its 38.3 right now").high_temp


def test_numbers_that_are_not_temperatures_are_left_alone():
    r = reading("my psa is 38.5 and I'm 64")
    assert not r.high_temp and not r.normal_temp


@pytest.mark.parametrize("message, minutes", [
    ("about 14 hours now", 14 * 60),
    ("its been going 40 mins", 40),
    ("since last night", 600),
    ("not peed since about 6am and it's now 9pm", 15 * 60),
    ("for half an hour", 30),
])
def test_durations_are_read(message, minutes):
    assert minutes in reading(message).durations


def test_apostrophes_curly_quotes_and_typos_are_normalised():
    r = reading("I’ve got a temprature and I can’t breath, havent peed")
    assert "ive got a temperature" in r.text and "cant breathe" in r.text and "havent peed" in r.text


@pytest.mark.parametrize("message", [
    "im on chemo and my temp is 38.6 and ive got the shivers",
    "on chemo n temp 101.3 f",
    "my 6 year old is on treatment for leukemia and her temperature just read 38.4, she's a bit floppy",
    "nurse said im neutropenic and to call if my temp goes over 38. its 38.3 right now, can it wait til the morning?",
    "havent been able to pee at all since last night, about 14 hours now",
    "nosebleed wont stop its been going 40 mins",
    "got home from my rituximab drip and now my face and lips have puffed right up and im wheezing",
    "keep being sick and it looks like coffee grounds",
    "my husband is having a fit right now",
    "my back is killing me and my legs have gone numb and weak",
])
def test_concepts_in_lay_words_are_urgent(message):
    assert route(message).kind == "urgent"


@pytest.mark.parametrize("message", [
    "no fever, not bleeding, just tired after chemo",
    "I don't have a temperature and I'm not short of breath",
    "I had a seizure last year after my surgery, is that related to the tumour?",
    "had trouble peeing after my catheter came out last month but it's all back to normal now",
    "what are the signs of a blood clot i should watch out for during chemo?",
    "can chemo cause blood in your stool? asking generally",
    "when should I call the doctor about a temperature while I'm on chemo?",
    "what if my temperature goes over 38 during chemo?",
    "my temp is 37.2, im on chemo and feel totally fine, is that ok?",
    "my legs twitch a bit when I'm dropping off to sleep, is that a seizure?",
    "I get a bit breathless walking up the stairs since chemo",
])
def test_negation_history_hypotheticals_and_mild_symptoms_are_not_urgent(message):
    assert route(message).kind not in ("urgent", "crisis")


def test_a_mixed_message_is_urgent_and_keeps_the_other_question():
    r = route("quick question about what to eat during chemo, but also i've had a temp of 38.5 since this morning")
    assert r.kind == "urgent"
    assert r.other_question == "what to eat during chemo"


def test_an_urgent_message_with_nothing_else_asked_has_no_other_question():
    assert route("im on chemo and my temp is 38.6, what do i do?").other_question == ""


def test_a_crisis_about_someone_else_is_marked_as_such():
    r = route("my dad has terminal cancer and just told me he's got his gun out and is going to end it this weekend")
    assert r.kind == "crisis" and r.about_other
    own = route("I've saved up all my morphine and I'm going to take it all tonight")
    assert own.kind == "crisis" and not own.about_other


def test_an_overdose_taken_on_purpose_is_urgent_with_the_crisis_line():
    r = route("I took all my oxycodone on purpose an hour ago")
    assert r.kind == "urgent" and r.also_crisis
    accident = route("accidentally took a double dose of my oxycodone tonight and now im really drowsy")
    assert accident.kind == "urgent" and not accident.also_crisis


@pytest.mark.parametrize("message", ["", "   ", "?" * 4000, "chest pain " * 400, "😀🔥 发烧 38.5", "\x00\u202e temp"])
def test_bad_input_never_crashes(message):
    assert route(message).kind in ("urgent", "crisis", "library", "scope", "smalltalk", "advice")


def test_every_rule_uses_known_concepts_and_every_concept_has_a_variant():
    rules = default_rules().red_flags
    names = {c.name for c in rules.concepts}
    assert all(set(r.all) | set(r.any) <= names for r in rules.urgent_rules)
    assert all(c.pattern.pattern for c in rules.concepts)


def test_no_concept_matches_a_message_that_names_nothing():
    # An empty alternative in a variant ("a|b|") would match every message.
    for concept in default_rules().red_flags.concepts:
        assert not concept.pattern.search("zzz qqq"), concept.name


@pytest.mark.parametrize("message, high", [("temp is thirty eight point five", True), ("temp 38 point 5", True),
                                           ("a hundred and one fever", True), ("temp thirty seven point two", False)])
def test_temperatures_in_words_are_read(message, high):
    r = reading(message)
    assert r.high_temp is high


def test_a_borderline_reading_twice_counts_as_a_fever_on_treatment():
    assert route("temp 37.8 twice an hour apart on chemo").kind == "urgent"
    assert route("my temp was 37.6 this morning and 36.9 now on chemo").kind != "urgent"


# --- speed-ups that must not change a single match ------------------------------------------------
def test_the_word_prefilter_finds_exactly_what_scanning_every_concept_finds():
    import copy

    rules = default_rules().red_flags

    class EveryConcept:
        def candidates(self, text: str) -> list[int]:
            return list(range(len(rules.concepts)))

    plain = copy.copy(rules)
    plain.prefilter = EveryConcept()
    messages = [row["question"] for name in ("red_flags.jsonl", "red_flags_extra.jsonl", "red_flags_variants.jsonl")
                for row in _red_flag_rows(name)]
    skipped = 0
    for message in messages:
        assert rules.find(message) == plain.find(message), message
        skipped += len(rules.concepts) - len(rules.prefilter.candidates(rules.normalise(message).text))
    assert skipped > len(messages) * 20  # the filter does rule most concepts out


def test_word_prefixes_are_read_from_patterns():
    from service.answer.prefilter import WordPrefilter, word_prefixes

    assert word_prefixes(r"(?<!\w)(?:sav\w*|stockpil\w*) x") == {"sav", "stoc"}
    assert word_prefixes(r"(i|we) (have|got) a") == {"i have", "i got", "we have", "we got"}
    assert word_prefixes(r"(a )?temp") == {"a", "temp"}  # optional start: either
    assert word_prefixes(r"[4-9] times") == {f"{n} time" for n in "456789"}
    assert word_prefixes(r"\w+mab") is None  # any word: always scanned
    prefilter = WordPrefilter([r"(i|we) (have|got) a", r"temp\w*", r"\w+mab"])
    assert prefilter.candidates("so i have a fever") == [0, 2]
    assert prefilter.candidates("temperature") == [1, 2]


def test_a_word_list_regex_matches_the_longest_word_as_a_flat_list_does():
    import re

    from service.answer.safety import _trie

    words = ["oxycodone", "oxycontin", "oxy", "co-codamol", "codeine", "cod", "morphine"]
    factored = re.compile(rf"(?<!\w)(?:{_trie(words)})")
    flat = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")")
    for text in ("took oxycodone and oxy and codeine", "co-codamol cod oxycontin morphine", "oxyz codx"):
        assert [m.span() for m in factored.finditer(text)] == [m.span() for m in flat.finditer(text)]
