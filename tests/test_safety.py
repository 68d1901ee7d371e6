"""Safety routing: each category with true and false cases, and the precedence rule."""

import pytest

from service.answer.safety import route

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


@pytest.mark.parametrize("message", ["What is the suicide risk in cancer patients?"])
def test_crisis_words_in_a_general_question_still_offer_the_crisis_line(message):
    assert route(message).kind == "crisis"  # errs on the side of offering help


@pytest.mark.parametrize("message", [
    "Should I stop taking tamoxifen because of the hot flashes?",
    "My PSA is 7.2, what does that mean?",
    "Can I skip my chemo next week?",
    "Which treatment should I choose for my breast cancer?",
    "Do I have cancer?",
    "How long do I have left?",
    "What dose should I take?",
])
def test_personal_advice_requests(message):
    assert route(message).kind == "advice"


@pytest.mark.parametrize("message", ["What are the side effects of tamoxifen?", "How is breast cancer treated?"])
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
                                     "Write a python function to sort a list", "Tell me a joke"])
def test_out_of_scope(message):
    assert route(message).kind == "scope"


def test_health_words_keep_a_message_in_scope():
    assert route("What should I cook when chemo makes me feel sick?").kind == "library"


def test_red_flag_wins_over_every_refusal():
    # advice + urgent: urgent
    assert route("Should I stop my chemo? I have chest pain right now").kind == "urgent"
    # out-of-scope words + urgent: urgent
    assert route("I was cooking dinner and now I can't breathe").kind == "urgent"
    # crisis + urgent: urgent, and the crisis line is added
    r = route("I took too many pills because I want to die")
    assert r.kind == "urgent" and r.also_crisis
