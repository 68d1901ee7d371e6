"""Understanding: a patient's message, analysed once into the `Query` every later stage reads.

understand -> route -> retrieve -> decide (answer or abstain) -> compose -> present.

A message is not a bag of words. It is split into:
- focus: the library topics it names (cancer type, drug, treatment, test, side effect, coping topic),
  with the library's own words for them (lay vocabulary, mined acronyms and aliases, brand names,
  spelling) - the only words that choose pages and decide abstention;
- aspect: the question type (symptoms, treatment, stages, ...);
- context: who and when (family, ages, numbers, feelings, politeness, filler). Context never counts as
  topic; population (a child, an adult) and feelings may steer;
- unknown words: focus words the library never uses ("diabetes" is known, "router" is not).

Real messages can be letters: greetings, "SUBJECT: ... MESSAGE: ...", names, placeholders and
sign-offs around the question. The furniture is removed before anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from ..corpus.sentences import read_word_list, split_sentences
from ..search.analyzer import Analyzer, fold
from ..search.rank import heading_names, url_slug
from .compose import PARENTHESIS
from .conversation import changes_topic, continues, keeps_subject, points_back
from .expand import QueryExpander
from .intent import QuestionType, QuestionTypes
from .safety import Route, route

DATA = Path(__file__).resolve().parent.parent / "data"
ASPECT_WEIGHT = 0.3  # question-type words say what aspect, not which page
MAX_PARTS = 3  # a message's questions answered in turn, at most
MIN_PROMOTED_TYPO = 6  # a corrected word of this many letters or more is read as the word meant
PLAIN_WEIGHT = 0.3  # a focus word the library never uses in a topic name ("shower", "picking")
ADULT_AGE = 18  # an age told below it is a child's
# What the writer asks beyond: "apart from wilms", "other than the lump", "besides surgery"
EXCEPTING = re.compile(
    r"\b(?:apart from|other than|besides|except(?: for)?|aside from)\s+(?:the |a |an |my |his |her )?"
    r"([a-z0-9'’ -]{2,40}?)"
    r"(?=\s*(?:[,.;:!?]|$)|\s+(?:do|does|is|are|can|could|what|which|and|or|that|our|my)\b)")
# ... and "what other signs?" after the one told ("I found a lump")
OTHER_KIND = re.compile(
    r"\bother (?:signs?|symptoms?|types?|kinds?|treatments?|options?|tests?|causes?|side effects?)\b")
RETURN_WINDOW = 3  # "will my sense of taste come back": a word of the body this close before it, not the cancer
STEER_WEIGHT = 0.3  # feelings and care-team words lean towards coping pages, never decide
FAMILY_RISK_WEIGHT = 0.3  # "family history" for a relative's cancer and a risk question: a related word
PEOPLE_WEIGHT = 0.15  # family words lean even less: "my husband has cancer of the gullet" is about the gullet
# Terms added when feelings are expressed: the library's words for coping with them.
FEELING_TERMS = ("feel", "emot", "cope", "fear", "anxieti")

RARE_SHARE = 0.01  # a page-name word in at most 1 % of patient passages names a specific topic
CANCER_PAGE_SHARE = 0.8  # ... when at least 80 % of its passages are on cancer-type or drug pages
MAX_NAME_TITLE_WORDS = 7  # a page title longer than this, outside brackets, is a headline, not a topic's name
# "-oma" words that are not tumours
NOT_CANCER_OMA = frozenset({"coma", "glaucoma", "diploma", "stoma", "aroma", "trachoma"})
GENERIC_NAME_TERMS = frozenset({"cancer", "tumor", "diseas"})  # "cancer treatment" is not a topic name
ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "zero": "0", "one": "I", "two": "II",
         "three": "III", "four": "IV", "five": "V", "i": "I", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}
STAGE = re.compile(r"\b(stage|grade)\s+(0|[1-5]|zero|one|two|three|four|five|iv|v|i{1,3})([abc])?\b", re.I)
NOT_AGE = r"(?![.,]\d|\s*(?:%|mg|kg|cm|mm|days?|weeks?|months?|hours?))"  # "is 38.5", "is 6 months": not ages
YOUNG = "son|daughter|boy|girl|child|kid|baby|grandson|granddaughter|nephew|niece"
AGE_PATTERNS = (
    # "my 7 year old", "45yo"; not "finished treatment 2 years ago" (a time, not an age)
    re.compile(r"\b(\d{1,3})\s*(?:-\s*)?(?:(?:years?|yrs?|yr)\s*-?\s*old|y/o|yo)\b", re.I),
    re.compile(r"\baged?\s+(\d{1,3})\b", re.I),
    re.compile(rf"\b(?:i'?m|i am|he'?s|she'?s|he is|she is|is)\s+(?:only\s+|just\s+)?(\d{{1,3}})\b{NOT_AGE}", re.I),
    re.compile(rf"\b(?:{YOUNG}),?\s+(?:is\s+|who'?s\s+)?(\d{{1,2}})\b{NOT_AGE}", re.I),
    re.compile(r"\((\d{1,3})\)"),
    # "I had leukaemia when I was 5": the age the cancer came, a childhood cancer though the writer is now 30
    re.compile(rf"\bwhen (?:i|he|she|we|they) (?:was|were)\s+(?:only\s+|just\s+)?(\d{{1,2}})\b{NOT_AGE}", re.I),
)
# Letter furniture: labels, greetings and sign-offs around the question; placeholders for names.
LABEL = re.compile(r"\b(?:subject|message|re|fwd?|question|query)\s*:\s*", re.I)
PLACEHOLDER = re.compile(r"\[[^\]]{0,40}\]|<[^>]{0,40}>|\{[^}]{0,40}\}|\b(?:x{3,}|\*{3,}|_{3,})\b", re.I)
GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|to whom it may concern)\b"
    r"[^.?!\n:,]{0,40}[,.!:\n]\s*",
    re.I,
)
SIGN_OFF = re.compile(
    r"(?:thanks?(?: you)?(?: so much| very much| in advance)?|many thanks|kind regards|best regards|regards|"
    r"best wishes|yours (?:sincerely|faithfully|truly)|sincerely|cheers|warm wishes)\b[^.?!]{0,40}[.!]?\s*$",
    re.I,
)
# "my brother and I both have kidney cancer", "since my diagnosis": the writer is the patient
WRITER_HAS_CANCER = re.compile(r"\b(i|we|and i)( both| also)? (have|had|'ve got|have got|was diagnosed|am having)\b"
                               r"|\bmy (cancer|diagnosis|treatment|chemo|tumou?r)\b", re.I)
DEFINITION = re.compile(r"\b(mean|means|meaning|define|definition|stand for)\b")
# "dose" written for "does" ("how long dose the sickness last?", "dose it hurt?"), not "what dose of chemo"
DOES_TYPO = re.compile(r"(?i)((?:^|[.?!]\s+|\b(?:how long|how|when|why|where|what|who|which|and|so)\s+))dose"
                       r"(?=\s+(?:it|the|this|that|he|she|they|my|your|a|an|chemo|radiotherapy|cancer)\b)")
# "I feel so low", "feeling a bit flat": how much is said between the verb and the feeling, which the feeling phrases
# of context_words.yaml are matched without
INTENSIFIED_FEELING = re.compile(r"\b(feel|feels|feeling|felt)(?: (?:so|really|very|a bit|a little|quite|pretty|"
                                 r"kind of|kinda|super|totally|extremely|that|too))+\b")
# "how do I deal with it?", "what helps?", "is it normal to feel like this?"
FEELING_ASPECTS = ("self_care", "what_helps", "common")
# a question about a feeling told: "is that normal?", "how do I cope?", "am I wrong to feel like this?"
ABOUT_A_FEELING = re.compile(r"\b(normal|ok|okay|alright|cope|coping|deal|feel|feeling|feelings|natural|common|wrong|"
                             r"mad|crazy|stop|help|others|anyone|everyone|people)\b")
# "could it be ...", "should I be worried about ...": a symptom told may be the disease named
WORRIED_IT_IS = re.compile(r"\b(could|can|might|may|would|is|does)( it| this| that| these| they)? (be|mean|indicate)\b"
                           r"|\bworr(y|ied)\b|\bconcerned\b|\bsigns? of\b|\bafraid\b|\bscared\b")
STORY_PIECE_WORDS = 12  # a part of a message longer than this tells a story around its question
CLAUSES_REACHED_BACK = 2  # "I don't understand why" names nothing: the clauses before it say what
LONG_MESSAGE = 300  # characters: past this a message is read as a story around its questions
BACKGROUND_WEIGHT = 0.4
TOPIC_HEADING_WORDS = 2  # a heading this short is a topic name; longer ones are sentences
RARE_WORD_IDF = 8.0  # a word in at most a handful of patient passages: the library speaks of it in other words
SPECIFIC_IDF = 2.5  # a term rarer than this names a topic ("cancer" and "treatment" are far below)
SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")
SENTENCE_PARTS = re.compile(r"(?<=[.?!])\s*|\n+")  # sentences, whether or not a space follows the stop
# A sentence about a person: the writer, or someone named by a pronoun or a family word (context_words.yaml)
PERSON = re.compile(r"\b(i|im|ive|id|me|my|he|hes|she|shes|his|her|him|they|their|them)\b")
FIRST_PERSON = re.compile(r"\b(i|im|ive|id|me)\b")
THIRD_PERSON = re.compile(r"\b(he|hes|she|shes|his|her|him)\b")
LIKE_SUFFIX = re.compile(r"\b(\w+)-like\b")  # "flu-like": like the flu
# a diagnosis question that names how it is done, not only "get it checked"
TESTS_ASKED = re.compile(r"\b(tests?|testing|tested|diagnos\w*|biops\w*|scans?|exams?|examin\w*|detect\w*)\b")
GUESS_WINDOW = 5  # words before a disease's name that may make it a worry ("my wife says its prostate cancer")
# ... and that say it is what the symptom was ("a lump that's cancer", "and its thyroid cancer")
NAMES_IT = re.compile(r"\b(its|it is|thats|that is|was|were|is|are|be)\b")
NAMES_IT_WINDOW = 4
# Where one question ends and the next begins: "what does that mean and how do I avoid catching stuff?"
# (and ", whether ...": "how it is normally treated, whether he will need radiotherapy afterwards, and ...")
PART_BREAK = re.compile(r"\?+\s*|[,;.]?\s+(?:and|also|plus|but)\s+(?=(?:how|what|why|can|could|is|are|does|do|should|"
                        r"will|would|when|which|whether)\b)|[,;]?\s+or\s+(?=(?:how|what|why|when|which|whether)\b)"
                        r"|[,;]\s+(?=whether\b)", re.I)
EXAMPLES = re.compile(r"\b(for example|for instance|such as|e\.g\.|including)\b")  # an enumeration goes on
# A sentence or piece that asks: a question word, or a verb asking of someone ("can i keep my nipples", "whether
# they take the lymph nodes"), at its start or after a dash, colon or comma ("aromasin - what is it"), not a story
# that happens to start with one ("are trying to prepare them"); or a question asked inside it ("I don't get how
# they collect them", "he's worried it's the TB vaccine, is that right")
ASKS = re.compile(r"(^|.*?(\s[-–]\s|[:,;]\s*))(what|whats|what's|how|why|when|which|where|who|whether|(can|could|is|"
                  r"are|was|will|would|do|does|did|should|may|might|has|have) (i|you|he|she|it|we|they|there|this|"
                  r"that|these|those|my|his|her|their|our|your|the|a|an))\b"
                  r"|.*\b(know|understand|get|explain|tell me|wonder|wondering|sure) (how|what|why|whether|if|when)\b"
                  r"|.*\b(is|was) (that|it|this) (right|true|correct|so|normal)\W*$")


def asking_text(lowered: str) -> str:
    """The sentences of a message that ask (end in "?", or start as a question), when others only tell: else ""."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", lowered) if s.strip()]
    asking = [s for s in sentences if s.endswith("?") or ASKS.match(s)]
    return " ".join(asking) if asking and len(asking) < len(sentences) else ""


QUESTION_START = re.compile(
    r"(how|what|why|can|could|is|are|does|do|did|should|will|would|where|when|which|who|please|i would like to know|"
    r"i'd like to know|i want to know|tell me|i wonder)\b", re.I)
# The question's own clause: the last clause, of the last sentence ending in "?", that has a question word
# ("chemo has given me the runs, what should I be eating?"). Unlike QUESTION_START, the word may stand anywhere in
# the clause ("basically is there any evidence ...") and "any" counts ("any tips for ...?").
CLAUSE_BREAK = re.compile(r"[,;:]\s*|\s[-–]\s+|\s+(?:and|but|so)\s+")
# a clause that asks without a question mark: "what can be done", "I don't understand why", "I want to know ..."
ASKED_WITHOUT_MARK = re.compile(
    r"^\s*(how|what|whats|why|can|could|is|are|does|do|should|will|would|where|when|which)\b|"
    r"\b(want|like|need|wanted) to know\b|"
    r"\b(understand|explain|tell me|wonder|wondering|not sure|unsure) (why|what|how|if|whether|when|where)\b|"
    r"\bcan (someone|anyone|you) (explain|tell)\b", re.I)
# A question asked inside a run-on message with no mark ("we are really worried how can we get more calories into
# him"): a question word with what asks after it
ASKED_IN_A_RUN = re.compile(r"\b(how (can|could|do|does|did|should|would|will|long|much|many|often|is|are)|"
                            r"what (is|are|does|do|did|should|can|could|will|would|happens|about)|"
                            r"why (is|are|does|do|did|would|has|have)|when (will|can|should|do|does)|"
                            r"(can|could|should|will|would|do|does|is|are) (i|we|you|he|she|they|it|this|that|there)|"
                            r"is it|are there)\b")
QUESTION_WORD = re.compile(r"\b(what|whats|how|hows|why|when|where|which|who|is|are|does|do|did|could|can|should|"
                           r"will|would|any)\b", re.I)
SUBJECT = re.compile(r"\bsubject\s*:\s*(.{1,120}?)(?=\s*\bmessage\s*:|\n|$)", re.I)
CAPITAL_WORD = re.compile(r"\b([A-Z][A-Z0-9]{1,7})(?:s|'s)?\b")


@dataclass
class Context:
    """Who and when: never topic words."""

    people: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    feelings: list[str] = field(default_factory=list)
    filler: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    population: str | None = None  # "child" | "adult" | None (not said)
    population_words: list[str] = field(default_factory=list)  # "children", "adults", ...
    stage: str | None = None  # "III" for "stage 3", "stage three", "stage III"
    grade: str | None = None
    recurrence: bool = False  # the cancer came back or stopped responding: recurrent sections may answer
    writer_has_cancer: bool = False  # "my brother and I both have ...": the writer is a patient, not only family
    feeling_names: list[str] = field(default_factory=list)  # the library's nouns for the feelings ("Anger")
    symptom: str | None = None  # "self" | "other": a symptom told, of the writer's or someone else's ("my arm ...")
    sex: str | None = None  # "male" | "female": whose body the words say ("freeze sperm"); None when not said


@dataclass
class Query:
    """One message, analysed once."""

    message: str  # as received
    question: str  # the question part, letter furniture removed
    route: Route
    aspect: QuestionType | None
    focus_words: list[str]  # surface words naming the topic, in order
    focus: dict[str, float]  # index term -> weight: own words 1.0, then expansions below
    sources: dict[str, set[str]]  # expanded term -> the focus terms it stands for
    own_terms: list[str]  # index terms of the focus words themselves
    aspect_terms: list[str]  # index terms of the question-type words
    steer: dict[str, float]  # feelings and care-team terms, low weight
    context: Context
    unknown: list[str]  # focus words the library never uses and nothing explains
    acronyms: list[str] = field(default_factory=list)  # acronyms recognised ("ALL")
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # "cml" -> its long form's terms
    points_back: bool = False  # "it", "its", "this": an earlier topic is meant
    continues: bool = False  # "and ...", "what about ...": the earlier question goes on
    new_topic: bool = False  # "different question - ...": nothing is carried over
    keeps_subject: bool = False  # "can it be used for ...?": the earlier topic stays the subject
    cancer_context: bool = True  # the message names something of cancer care (service/data/cancer_context.txt)
    # a condition outside cancer care the message names, with nothing specific to cancer care beside it
    # ("conjunctivitis", service/data/other_conditions.yaml); None when there is none
    other_condition: str | None = None
    blames_treatment: bool = False  # a problem linked to a treatment ("sore skin from the radiation")
    treatment_told: bool = False  # a treatment is named at all ("since my chemo", "the radiation")
    asked: list[QuestionType] = field(default_factory=list)  # every question type asked ("how long ... side effects")
    # a message asking two or three things: each part with its question type ("what does that mean" / "how do I
    # avoid catching stuff"), answered in turn
    parts: list[tuple[str, QuestionType | None]] = field(default_factory=list)
    asks_about_feeling: bool = False  # feelings told, and the question ("is that normal?") names nothing else
    asks_nothing: bool = False  # a statement ("scared about my mastectomy next week"): no question, no aspect
    # index terms of the question's own clause ("what should I be eating?"), not of the story before it; empty
    # when no sentence ending in "?" has a question word
    clause_terms: frozenset[str] = frozenset()
    # focus terms that the question's own clause names, itself or by a word read as them: the rest of the focus
    # is the story told around the question
    asked_focus: frozenset[str] = frozenset()
    # focus terms of what the writer already has or knows and asks beyond ("what kinds do children get apart from
    # wilms?", "found a lump ... what other signs?"): sentences about them are not what was asked
    known_terms: frozenset[str] = frozenset()
    # terms of a question asked after the last question mark, without one ("...? is jelly and brothe ok")
    tail_terms: frozenset[str] = frozenset()
    # the library's words for a family history, when a question about the writer's own risk tells of a relative's
    # cancer or asks about inheritance ("my mum had breast cancer at 50, am I high risk?"): what the answer's
    # sentences should say
    family_terms: frozenset[str] = frozenset()

    @property
    def has_focus(self) -> bool:
        return bool(self.own_terms)

    def retrieval_weights(self) -> dict[str, float]:
        """What ranking sees: the focus, then the aspect and steering words at low weight."""
        weights = dict(self.focus)
        for term in self.aspect_terms:
            weights[term] = max(weights.get(term, 0.0), ASPECT_WEIGHT)
        for term, w in self.steer.items():
            weights[term] = max(weights.get(term, 0.0), w)
        return weights

    @property
    def unknown_share(self) -> float:
        """Share of the focus words that the library never uses."""
        return len(self.unknown) / len(self.focus_words) if self.focus_words else 0.0


@dataclass(frozen=True)
class ContextWords:
    people: frozenset[str]
    feelings: frozenset[str]
    feeling_families: dict[str, frozenset[str]]  # "fear" -> its words, in the file's order
    feeling_names: dict[str, frozenset[str]]  # "anger" -> "angry", "cross": the library's noun for a feeling
    feeling_phrases: re.Pattern | None  # "feel so depressed": a feeling told in a word that stays the topic
    not_feelings: tuple[str, ...]  # phrases in which a feeling word is not one ("nervous system")
    feeling_idiom_words: frozenset[str]  # "low" in "I feel so low": the feeling, no topic ...
    feeling_idioms: re.Pattern | None  # ... in any of the phrases with such a word, overlapping ("really down and low")
    filler_words: frozenset[str]
    filler_phrases: re.Pattern | None
    time: frozenset[str]
    care_team: frozenset[str]
    children: frozenset[str]
    adults: frozenset[str]
    treatment_links: tuple[str, ...]  # "from", "since", "because of": a problem blamed on ...
    treatments: tuple[str, ...]  # ... a treatment ("the radiation", "my op")
    treatment_effects: tuple[str, ...] = ()  # "chemo has given me ...": a treatment, then what it did
    disease_heads: tuple[str, ...] = ()  # "cancer", "lymphoma": a turn naming another one changes the topic
    story_phrases: tuple[str, ...] = ()  # "diagnosed with": what happened, not a question-type cue
    recurrence: re.Pattern | None = None  # "came back", "relapsed": the cancer returned
    returns: frozenset[str] = frozenset()  # "my periods come back": the body's, not the cancer's
    people_return: frozenset[str] = frozenset()  # "when I'm coming back" (to work): a person, right before it
    to_death: re.Pattern | None = None  # "scaring them to death": an intensifier, not dying
    symptoms_told: re.Pattern | None = None  # "swollen", "blood in": a symptom the writer tells
    symptom_explained: re.Pattern | None = None  # "removed", "turned out": the story says what it was
    guessing: re.Pattern | None = None  # "could", "says": a disease named after it is a worry, not a diagnosis
    being_checked: re.Pattern | None = None  # "referred", "sending me for": the symptom is being checked
    sex_words: dict[str, re.Pattern] = field(default_factory=dict)  # "male" -> "sperm", "erection" ...
    disease_names: re.Pattern | None = None  # any of disease_heads, as a word
    people_named: frozenset[str] = frozenset()  # people words that name someone ("mum", "he"), not "someone"
    treatment_named: re.Pattern | None = None  # any of `treatments`, as a word ("chemo", "the op")
    family_cancer: re.Pattern | None = None  # "my mum had breast cancer": a blood relative's cancer ...
    own_risk_asked: re.Pattern | None = None  # ... and "am I high risk?": the writer's own risk is asked about
    family_risk_asked: re.Pattern | None = None  # ... or "does it run in families?": a family history asked about
    family_risk_terms: tuple[str, ...] = ()  # ... the library's words for it ("family history", "inherited")

    @classmethod
    def load(cls, path: Path | None = None) -> ContextWords:
        raw = yaml.safe_load((path or DATA / "context_words.yaml").read_text(encoding="utf-8"))
        filler = [str(w).lower() for w in raw.get("filler", [])]
        phrases = sorted((w for w in filler if " " in w), key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b") if phrases else None

        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in raw.get(key, []))

        families = {name: frozenset(str(w).lower() for w in ws) for name, ws in (raw.get("feelings") or {}).items()}
        idiom_words = words("feeling_idiom_words")

        return cls(
            people=words("people"),
            feelings=frozenset().union(*families.values()),
            feeling_families=families,
            feeling_phrases=_any_phrase(w for family in families.values() for w in family if " " in w),
            feeling_names={name: frozenset(str(w).lower() for w in ws)
                           for name, ws in (raw.get("feeling_names") or {}).items()},
            not_feelings=tuple(str(p).lower() for p in raw.get("not_feelings", [])),
            feeling_idiom_words=idiom_words,
            feeling_idioms=_overlapping(w for family in families.values() for w in family
                                        if " " in w and set(w.split()) & idiom_words),
            filler_words=frozenset(w for w in filler if " " not in w),
            filler_phrases=pattern,
            to_death=re.compile(r"\b(" + "|".join(re.escape(str(w).lower()) for w in intensified)
                                + r")((?: (?:me|them|him|her|us|you|myself|everyone))?) (?:to death|sick)\b")
            if (intensified := raw.get("to_death_intensifies")) else None,
            time=words("time"),
            care_team=words("care_team"),
            children=words("children"),
            adults=words("adults"),
            treatment_links=tuple(str(w).lower() for w in raw.get("treatment_links", [])),
            treatments=tuple(str(w).lower() for w in raw.get("treatments", [])),
            treatment_effects=tuple(str(w).lower() for w in raw.get("treatment_effects", [])),
            disease_heads=tuple(str(w).lower() for w in raw.get("disease_heads", [])),
            story_phrases=tuple(sorted((str(w).lower() for w in raw.get("story_phrases", [])), key=len, reverse=True)),
            recurrence=_any_phrase(raw.get("recurrence", []), not_before=raw.get("results_back", [])),
            returns=words("returns_not_recurrence"),
            people_return=words("people_return"),
            symptoms_told=_any_phrase(raw.get("symptoms_told", [])),
            symptom_explained=_any_phrase(raw.get("symptom_explained", [])),
            guessing=_any_phrase(raw.get("guessing", [])),
            being_checked=_any_phrase(raw.get("being_checked", [])),
            sex_words={sex: p for sex, words in (raw.get("sex_words") or {}).items()
                       if (p := _any_phrase(words)) is not None},
            disease_names=_any_phrase(raw.get("disease_heads", [])),
            people_named=words("people") - words("people_unnamed"),
            treatment_named=_any_phrase(raw.get("treatments", [])),
            family_cancer=_family_cancer(raw.get("relatives", []), raw.get("family_had", []),
                                         raw.get("disease_heads", [])),
            own_risk_asked=_any_phrase(raw.get("own_risk_asked", [])),
            family_risk_asked=_any_phrase(raw.get("family_risk_asked", [])),
            family_risk_terms=tuple(str(w).lower() for w in raw.get("family_risk_terms", [])),
        )

    def blame_pattern(self, drug_names: Iterable[str] = ()) -> re.Pattern | None:
        """Matches a problem blamed on a treatment: a link word, then a treatment within three words."""
        treatments = {*self.treatments, *(d.lower() for d in drug_names)}
        if not self.treatment_links or not treatments:
            return None
        links = _alternatives(self.treatment_links)
        names = _alternatives(treatments)
        pattern = rf"\b(?:{links})\s+(?:[\w']+\s+){{0,3}}?(?:{names})\w*"
        if self.treatment_effects:  # "chemo has given me the runs": the treatment first, then what it did
            effects = _alternatives(self.treatment_effects)
            pattern += (rf"|\b(?:{names})\w*\s+(?:has\s+|have\s+|is\s+|are\s+|keeps?\s+)?(?:{effects})"
                        r"\s+(?:me|him|her|them|us|my|his|their)\b")
        return re.compile(pattern)

    def cancer_came_back(self, lowered: str) -> bool:
        """The message says the cancer came back: not a part of the body ("will my taste come back", within
        RETURN_WINDOW words before), nor a person right before it ("when I'm coming back")."""
        if self.recurrence is None:
            return False
        for m in self.recurrence.finditer(lowered):
            before = lowered[:m.start()].split()
            if not set(before[-RETURN_WINDOW:]) & self.returns and not set(before[-1:]) & self.people_return:
                return True
        return False

    def whose_symptom(self, lowered: str) -> str | None:
        """"self" or "other" when a sentence tells a symptom of the writer's or of someone else's that the story
        does not already explain ("a lump that's cancer", "had it removed", "the GP has referred me"); else None."""
        if self.symptoms_told is None:
            return None
        text = lowered.replace("'", "").replace("’", "")
        if self.being_checked is not None and self.being_checked.search(text):
            return None
        sentences = SENTENCE_PARTS.split(text)
        for i, sentence in enumerate(sentences):
            words = re.findall(r"[a-z]+", sentence)
            named = [w for w in words if w in self.people_named]
            told = self.symptoms_told.search(sentence)
            if told is None or not (PERSON.search(sentence) or named):
                continue
            # what it is, told after it, in its sentence or the next ("... which he ignored. It has now been found
            # to be a cancer")
            if any(self._says_what_it_is(piece) for piece in (sentence[told.end():], *sentences[i + 1:i + 2])):
                continue
            mine = FIRST_PERSON.search(sentence) or ("my" in words and not named and not THIRD_PERSON.search(sentence))
            return "self" if mine else "other"
        return None

    def _says_what_it_is(self, text: str) -> bool:
        """"... removed", "turned out to be", "its thyroid cancer"; not "is it cancer?" nor "she says its ..."."""
        if self.symptom_explained is not None and self.symptom_explained.search(text):
            return True
        if self.disease_names is None:
            return False
        for m in self.disease_names.finditer(text):
            before = " ".join(text[:m.start()].split()[-GUESS_WINDOW:])
            if not NAMES_IT.search(" ".join(before.split()[-NAMES_IT_WINDOW:])):
                continue  # "bone pain from the cancer": not what it is
            clause_end = re.search(r"[,;]|$", text[m.end():])
            asked = "?" in text[m.end():m.end() + clause_end.start()]  # "could it be bladder cancer?"
            if not asked and not (self.guessing and self.guessing.search(before)):
                return True
        return False

    def whose_body(self, lowered: str) -> str | None:
        """"male" or "female" when the message's words say whose body it is about ("freeze sperm"); else None."""
        sexes = [sex for sex, words in self.sex_words.items() if words.search(lowered)]
        return sexes[0] if len(sexes) == 1 else None


def _alternatives(words: Iterable[str]) -> str:
    """Words or phrases (lower case) as one regular-expression alternation, the longest first ("radiotherapy"
    before "radio")."""
    return "|".join(re.escape(w) for w in sorted((str(w).lower() for w in words), key=len, reverse=True))


def _family_cancer(relatives: Iterable[str], had: Iterable[str], diseases: Iterable[str]) -> re.Pattern | None:
    """A relative, then within a few words what they had, then within a few words a cancer."""
    if not relatives or not had or not diseases:
        return None
    return re.compile(rf"\b(?:{_alternatives(relatives)})\b(?:\s+\S+){{0,5}}?\s+(?P<had>{_alternatives(had)})"
                      rf"(?:\s+\S+){{0,3}}?\s+(?:{_alternatives(diseases)})\b")


def _overlapping(phrases: Iterable[str]) -> re.Pattern | None:
    """Any of the phrases, as whole words, found where they overlap too (group 1: "really down", "down and low")."""
    words = _alternatives(phrases)
    return re.compile(rf"(?=\b({words})\b)") if words else None


def _any_phrase(phrases: Iterable[str], not_before: Iterable[str] = ()) -> re.Pattern | None:
    """Any of the phrases, as whole words, unless the next word is one of `not_before`."""
    words = _alternatives(phrases)
    if not words:
        return None
    unless = _alternatives(not_before)
    return re.compile(rf"\b(?:{words})\b" + (rf"(?!\s+(?:{unless})\b)" if unless else ""))


@dataclass(frozen=True)
class OtherConditions:
    """Conditions outside cancer care, and the words of cancer care that other care shares
    (service/data/other_conditions.yaml)."""

    pattern: re.Pattern | None
    shared_words: tuple[str, ...]
    cancer_signs: re.Pattern | None = None  # "a lump", "blood in my wee": the message may be about a cancer

    @classmethod
    def load(cls, path: Path | None = None) -> OtherConditions:
        raw = yaml.safe_load((path or DATA / "other_conditions.yaml").read_text(encoding="utf-8")) or {}
        names = _alternatives(set(raw.get("conditions", [])))
        pattern = re.compile(rf"\b({names})s?\b") if names else None
        signs = raw.get("cancer_signs", [])
        return cls(pattern, tuple(str(w).lower() for w in raw.get("shared_words", [])),
                   re.compile("|".join(f"(?:{p})" for p in signs)) if signs else None)


@lru_cache(maxsize=1)
def default_context_words() -> ContextWords:
    return ContextWords.load()


def strip_letter(message: str) -> str:
    """The question part of a message written like a letter or a web form."""
    text = message.replace("\r\n", "\n").replace("’", "'")
    text = PLACEHOLDER.sub(" ", text)
    text = LABEL.sub("\n", text)
    lines = [line.strip() for line in text.split("\n")]
    kept = []
    for line in lines:
        for _ in range(3):  # "Hi, Dear team," greets twice
            stripped = GREETING.sub("", line, count=1)
            if stripped == line:
                break
            line = stripped
        if line:
            kept.append(line)
    text = " ".join(kept)
    stripped = SIGN_OFF.sub("", text)
    if len(stripped.split()) >= 2:
        text = stripped
    return " ".join(text.split())


def read_stage(text: str) -> tuple[str | None, str | None]:
    """Stage and grade as roman numerals: "stage 3", "stage three", "stage III" -> "III"."""
    stage = grade = None
    for match in STAGE.finditer(text):
        value = ROMAN.get(match.group(2).lower())
        if value is None:
            continue
        if match.group(3):
            value += match.group(3).upper()
        if match.group(1).lower() == "stage":
            stage = stage or value
        else:
            grade = grade or value
    return stage, grade


def unmarked_tail(question: str) -> str:
    """A question asked after the last question mark, without one ("what counts as a clear liquid diet? is jelly
    and brothe ok"), else empty."""
    tail = question.rsplit("?", 1)[1].strip(" .!") if "?" in question else ""
    return tail if QUESTION_START.match(tail) else ""


# A child's age told by a word: "our toddler", "my baby" (about 2, and under 1)
LIFE_STAGE_AGES = ((re.compile(r"\b(baby|babies|newborn|infant)\b", re.I), 0), (re.compile(r"\btoddlers?\b", re.I), 2))


def read_ages(text: str) -> list[int]:
    ages: list[int] = []
    for pattern in AGE_PATTERNS:
        for match in pattern.finditer(text):
            age = int(match.group(1))
            if 0 < age < 110 and age not in ages:
                ages.append(age)
    if not ages:
        ages = [age for pattern, age in LIFE_STAGE_AGES if pattern.search(text)][:1]
    return ages


class Understander:
    """Builds `Query` objects. One per index: it holds the library's vocabulary."""

    def __init__(self, analyzer: Analyzer, qtypes: QuestionTypes, expander: QueryExpander,
                 known: Callable[[str], bool], topic_terms: frozenset[str] = frozenset(),
                 title_bigrams: frozenset[tuple[str, str]] = frozenset(),
                 cancer_terms: frozenset[str] = frozenset(),
                 cancer_phrases: frozenset[frozenset[str]] = frozenset(),
                 cancer_acronyms: frozenset[str] = frozenset(),
                 named_cancer_terms: frozenset[str] = frozenset(),
                 idf: Callable[[str], float] = lambda term: 10.0,
                 context_words: ContextWords | None = None,
                 other_conditions: OtherConditions | None = None) -> None:
        self.analyzer = analyzer
        self.qtypes = qtypes
        self.expander = expander
        self.known = known  # term -> bool: the library uses this term
        # Terms of the library's topic names (titles, short headings, acronyms, lay vocabulary): a
        # focus word outside them is a plain word and weighs less.
        self.topic_terms = topic_terms
        self.title_bigrams = title_bigrams  # ("target", "therapi"): a cue word inside a topic name
        self.cancer_terms = cancer_terms  # terms that tie a message to cancer care
        self.cancer_phrases = cancer_phrases  # ... and phrases, all of whose terms must be there
        self.cancer_acronyms = cancer_acronyms  # acronyms of cancer care ("cml"), lower case
        # the cancer-care terms the lists name (cancer_context.txt, "-oma" words, drugs), not those mined from
        # the library's headings ("brown" of "Skin Cancer on Black and Brown Skin")
        self.named_cancer_terms = named_cancer_terms
        self.other_conditions = other_conditions or OtherConditions.load()
        shared = [analyzer.tokens(w) for w in self.other_conditions.shared_words]
        self.shared_terms = frozenset(t for tokens in shared if len(tokens) == 1 for t in tokens)
        self.shared_phrases = frozenset(frozenset(tokens) for tokens in shared if len(tokens) > 1)
        self.idf = idf  # a term's idf in patient passages: how specific a word is
        self.words = context_words or default_context_words()
        self.filler_terms = frozenset(analyzer.term(w) for w in self.words.filler_words)
        self.family_risk_terms = frozenset(analyzer.tokens(" ".join(self.words.family_risk_terms)))
        self.blames_treatment = self.words.blame_pattern(expander.drug_names())

    def _weigh_family_risk(self, lowered: str, focus: dict[str, float], own_terms: list[str]) -> frozenset[str]:
        """A question about the writer's risk of a blood relative's cancer ("my mum had breast cancer at 50, am I
        high risk?"; not "my grandad has advanced cancer ... what causes it?", the delirium) or
        about inheritance ("does it run in families?"): the library's words for a family history join the focus;
        the story's "died" is no topic ("my dad died of prostate cancer"). Returns those words' terms (or none)."""
        cw = self.words
        relative_had = cw.family_cancer.search(lowered) \
            if cw.family_cancer and cw.own_risk_asked and cw.own_risk_asked.search(lowered) else None
        if not relative_had and not (cw.family_risk_asked and cw.family_risk_asked.search(lowered)):
            return frozenset()
        if relative_had:
            for t in self.analyzer.tokens(relative_had.group("had")):
                if t in own_terms and t in focus:
                    own_terms.remove(t)
                    focus[t] = min(focus[t], PLAIN_WEIGHT)
        for t in self.family_risk_terms:
            focus[t] = max(focus.get(t, 0.0), FAMILY_RISK_WEIGHT)
        return self.family_risk_terms

    def _asks_about_feeling(self, question: str, questions: list[str], context: Context,
                            aspect: QuestionType | None, focus_words: list[str]) -> bool:
        """"my sister has leukaemia ... I feel angry and left out. is that normal?": the question is about the
        feeling, and the disease named is the story around it; also asked without a mark ("... is that normal"),
        and "how do I deal with it?" (what helps with the feeling). Not "do i have cancer??" after a story of test
        results and a feeling: that question is not about the feeling."""
        if not context.feelings or (aspect is not None and aspect.name not in FEELING_ASPECTS):
            return False
        # the clause that asks ("feeling so low since my mastectomy, is that normal?"): what the feeling is blamed
        # on before it is the story; with no mark, the last sentence's clause that asks
        asking = [question_clause(s) or s for s in questions] or [c for c in [question_clause(question)] if c]
        if not asking or any(w in focus_words for s in asking for w in self.analyzer.words(s)):
            return False
        return any(ABOUT_A_FEELING.search(s.lower()) or any(f in s.lower() for f in context.feelings)
                   for s in asking)

    def _asks_as_its_targets(self, phrase: str) -> bool:
        """A lay phrase that asks the question type its library words ask ("long term effects", "late effects":
        side effects), not another one ("check ups" is follow-up care, not a diagnosis question)."""
        own = {t.name for t in self.qtypes.matching(self.analyzer.tokens(phrase))}
        return bool(own) and own == {t.name for t in self.qtypes.matching(self.expander.lay[phrase])}

    def _aspect(self, text: str, terms: list[str], lowered: str, staged: bool) -> QuestionType | None:
        """The question type asked. A stage named says which part of the page, not that the stages are asked:
        "treatment for stage 3" asks about treatment, "DCIS stage 0, is that actually cancer?" what it is."""
        aspect = self.qtypes.detect(text, terms)
        if aspect is None or aspect.name != "stages" or not staged:
            return aspect
        others = [t for t in self.qtypes.matching(terms, lowered) if t.name != "stages"]
        if others:
            return others[0]
        what_is = self.qtypes.by_name.get("what_is")
        if what_is is not None and what_is.pattern is not None and what_is.pattern.search(lowered):
            return what_is
        return aspect

    def _piece_aspect(self, piece: str, staged: bool) -> QuestionType | None:
        """A part's question type, read from its asking clause when that clause asks one ("my sister and I both
        tested BRCA1 positive ... how much does it lower the risk": prevention, not the "tested" of the story)."""
        clause = question_clause(piece) if len(piece.split()) > STORY_PIECE_WORDS else ""
        if clause and clause != piece:
            aspect = self._aspect(clause, self.analyzer.tokens(clause), clause, staged and "stage" in clause)
            if aspect is not None:
                return aspect
        return self._aspect(piece, self.analyzer.tokens(piece), piece, staged and "stage" in piece)

    def _parts(self, lowered: str, staged: bool = False) -> list[tuple[str, QuestionType | None]]:
        """The separate questions of a message, when they ask different things (else empty)."""
        pieces, marked = [], []
        start = 0
        for brk in [*PART_BREAK.finditer(lowered), None]:
            if brk is not None and "?" not in brk.group() and EXAMPLES.search(
                    re.split(r"[.!?]\s", lowered[start:brk.start()])[-1]):
                continue  # "..., for example about follow-up care, who to call, and what signs to look out for": one
            end = brk.start() if brk is not None else len(lowered)
            sentences = [s for s in re.split(r"(?<=[.!])\s+", lowered[start:end].strip(" ,.;")) if s]
            # each piece's question is its last sentence that asks ("my grandad has cancer. what does that mean"),
            # not the story told after it ("what the chances are that his face will be affected. we have three
            # teenage children")
            asking = [s for s in sentences if ASKS.match(s)]
            pieces.append((asking or sentences or [""])[-1])
            marked.append(brk is not None and "?" in brk.group())
            start = brk.end() if brk is not None else end
        parts = [(p, self._piece_aspect(p, staged), asked) for p, asked in zip(pieces, marked, strict=True)
                 if len(p.split()) >= 2]
        # a piece that asks no aspect is a question of its own only when it is asked ("can I keep my nipples", not
        # "we have three teenage children") and names a topic (not "never heard of it", nor "just trying to get my
        # head round it": "head" of a filler phrase)
        filler = self.words.filler_phrases

        def names_topic(piece: str) -> bool:
            terms = self.analyzer.tokens(filler.sub(" ", piece) if filler is not None else piece)
            return any(term in self.topic_terms for term in terms)

        parts = [(p, t) for p, t, asked in parts
                 if t is not None or (asked or ASKS.match(p)) and names_topic(p)][:MAX_PARTS]
        kinds = {t.family if t is not None else None for _, t in parts}
        return parts if len(parts) >= 2 and len(kinds) >= 2 else []

    def _cue_terms(self, text: str, named_cues: list[str]) -> list[str]:
        """The terms a question type is read from, less each cue word that ends a topic's name right after its
        first word ("photodynamic therapy", "high risk", "flu-like symptoms" read as "flu symptoms")."""
        terms = self.analyzer.tokens(LIKE_SUFFIX.sub(r"\1", text))
        named = set(named_cues)
        return [t for i, t in enumerate(terms)
                if not (t in named and i and (terms[i - 1], t) in self.title_bigrams)]

    def _names_with_previous(self, text: str, word: str, term: str) -> bool:
        """`word`, read as `term`, ends a two-word title with the word before it ("radiation treatment")."""
        words = self.analyzer.words(text)
        return any(w == word and i and (self.analyzer.term(words[i - 1]), term) in self.title_bigrams
                   for i, w in enumerate(words))

    def _names_cancer_care(self, terms: set[str], acronyms: list[str], specific: bool = False) -> bool:
        """The message names something of cancer care (service/data/cancer_context.txt and mined names);
        `specific`: only what the lists name, not words mined from headings nor those other care shares
        (service/data/other_conditions.yaml)."""
        if not self.cancer_terms:
            return True  # a library without the list: every message may be in scope
        words, aside = (self.named_cancer_terms, self.shared_phrases) if specific else (self.cancer_terms, frozenset())
        return (any(a.lower() in self.cancer_acronyms for a in acronyms)
                or bool(words & (terms - self.shared_terms if specific else terms))
                or any(p <= terms and p not in aside for p in self.cancer_phrases))

    def _other_condition(self, lowered: str, terms: set[str], acronyms: list[str]) -> str | None:
        """A condition outside cancer care that the message names, when it names nothing specific to cancer
        care beside it: "head lice treatment" (treatment is shared with other care), not "shingles during chemo"."""
        conditions = self.other_conditions
        found = conditions.pattern.search(lowered) if conditions.pattern else None
        if found is None or conditions.cancer_signs is not None and conditions.cancer_signs.search(lowered) \
                or self._names_cancer_care(terms, acronyms, specific=True):
            return None
        return found.group(1)

    def _background_words(self, message: str, question: str, focus_words: list[str]) -> set[str]:
        """Focus words of a long message that only its story names, not its questions or subject.

        Empty when the message is short, or when its questions name no library topic themselves
        ("my mother has CML. Can it be cured?": the story holds the topic).
        """
        if len(question) < LONG_MESSAGE:
            return set()
        core = [s for s in SENTENCE.split(question) if "?" in s or QUESTION_START.match(s.strip())]
        subject = SUBJECT.search(message)
        if subject:
            core.append(subject.group(1))
        core_words = {w for s in core for w in self.analyzer.words(s)}
        # "is this really a cancer?" names no topic of its own: "cancer" is in every page
        if not any(self.analyzer.term(w) in self.topic_terms and self.idf(self.analyzer.term(w)) >= SPECIFIC_IDF
                   for w in core_words & set(focus_words)):
            return set()
        return {w for w in focus_words if w not in core_words}

    def _named_in(self, text: str, focus: dict[str, float], sources: dict[str, set[str]]) -> frozenset[str]:
        """The focus terms that `text` names: itself, or by the patient's word or phrase read as them."""
        terms = set(self.analyzer.tokens(text))
        lowered = fold(text)
        return frozenset(t for t in focus if t in terms or any(
            re.search(rf"\b{re.escape(origin)}\b", lowered) for origin in sources.get(t, ())))

    def understand(self, message: str, safety: Route | None = None) -> Query:
        decision = safety or route(message)
        question = strip_letter(decision.question or message)
        return self.analyse(message, question, decision)

    def analyse(self, message: str, question: str, decision: Route) -> Query:
        analyzer, cw = self.analyzer, self.words
        question = DOES_TYPO.sub(r"\1does", question)  # "how long dose the sickness last" is no radiation dose
        lowered = fold(question)
        if cw.to_death is not None:
            lowered = cw.to_death.sub(r"\1\2", lowered)
        context = Context()
        context.stage, context.grade = read_stage(question)
        context.ages = read_ages(question)
        context.recurrence = cw.cancer_came_back(lowered)
        context.writer_has_cancer = bool(WRITER_HAS_CANCER.search(question))
        context.symptom = cw.whose_symptom(lowered)
        context.sex = cw.whose_body(lowered)
        filler_text = lowered
        if cw.filler_phrases is not None:
            context.filler.extend(m.group(0) for m in cw.filler_phrases.finditer(lowered))
            filler_text = cw.filler_phrases.sub(" ", lowered)
        stage_numbers: set[str] = set()  # "3" and "3a" of "stage 3a" are context, not topic
        for m in STAGE.finditer(question):
            stage_numbers |= {m.group(2).lower(), (m.group(2) + (m.group(3) or "")).lower()}

        focus_words: list[str] = []
        steer_words: list[str] = []
        aspect_terms: list[str] = []
        children = adults = False
        previous, previous_word, previous_focus = "", "", False
        named_cues: list[str] = []  # cue words that end a topic's name ("photodynamic therapy")
        # Words inside a lay phrase belong to it ("have kids" is fertility, not a child's question).
        lay_found = self.expander.lay_phrases(lowered)
        if cw.recurrence and not context.recurrence:
            # "my PSA came back at 6.2": a result came back, not the cancer
            lay_found = [p for p in lay_found if not cw.recurrence.search(p)]
        phrase_words = {w for phrase in lay_found if " " in phrase for w in phrase.split()}
        population_words: list[str] = []
        not_feeling = {w for phrase in cw.not_feelings if phrase in lowered for w in phrase.split()}
        # ("I feel so low": "low" tells the feeling, read from the phrase below)
        feeling_text = INTENSIFIED_FEELING.sub(r"\1", lowered)  # "feeling a bit flat": "feeling flat"
        told_feeling = {w for m in cw.feeling_idioms.finditer(feeling_text) for w in m.group(1).split()
                        if w in cw.feeling_idiom_words} if cw.feeling_idioms is not None else set()
        # ("flu-like symptoms" names the flu's symptoms, as the page "Flu Symptoms and Cancer Treatment" does)
        named_text = LIKE_SUFFIX.sub(r"\1", filler_text)
        for word in analyzer.words(named_text):
            term = analyzer.term(word)
            if (previous, term) in self.title_bigrams and term in self.qtypes.cue_terms and previous_focus \
                    and previous not in GENERIC_NAME_TERMS:
                focus_words.append(word)  # "targeted therapy": a topic name, not the treatment aspect
                if re.search(rf"\b{re.escape(previous_word)} {re.escape(word)}\b", named_text):
                    named_cues.append(term)  # written together: not "... carcinoma, what does treatment involve"
                previous, previous_word = term, word
                continue
            previous, previous_word = term, word
            previous_focus = False
            if word in cw.people:
                context.people.append(word)
            elif word in cw.feelings and word not in not_feeling:
                context.feelings.append(word)
            elif word in told_feeling:
                continue
            elif word in cw.care_team:
                steer_words.append(word)
            elif word in cw.filler_words or word in cw.time:
                context.filler.append(word)
            elif word in cw.children and word not in phrase_words:
                children = True
                population_words.append(word)
            elif word in cw.adults and word not in phrase_words:
                adults = True
                population_words.append(word)
            elif word.replace(".", "").isdigit() or word in stage_numbers:
                context.numbers.append(word)
            elif term in self.qtypes.cue_terms:
                aspect_terms.append(term)
            else:
                focus_words.append(word)
                previous_focus = True
        if children or any(a < ADULT_AGE for a in context.ages):
            context.population = "child"
        elif adults or any(a >= ADULT_AGE for a in context.ages):
            context.population = "adult"

        if not focus_words and aspect_terms and DEFINITION.search(lowered):
            # "what does metastatic mean?": the aspect word is itself what is asked about
            focus_words = [w for w in analyzer.words(filler_text) if analyzer.term(w) in aspect_terms]
            aspect_terms = []
        context.population_words = population_words
        # Acronyms in capitals are topics even when the word is a stopword ("ALL", "CUP").
        acronyms = [a for a in dict.fromkeys(CAPITAL_WORD.findall(question)) if self.expander.is_acronym(a)]
        written = {w.lower() for w in focus_words}
        focus_text = " ".join(focus_words + [a.lower() for a in acronyms if a.lower() not in written])
        corrections: dict[str, str] = {}
        corrected_cues: list[str] = []  # misspelt cue words, read as written right
        focus, sources = self.expander.expand_with_sources(focus_text, acronyms=acronyms, lay_phrases=lay_found,
                                                           corrections=corrections)
        own_terms = analyzer.tokens(focus_text)
        for typo, fixed in corrections.items():
            # "chemotheraphy" is "chemotherapy": read the corrected word as if it had been written so
            # Only long words: a short one is too often a real word the library lacks ("blank" is not "black").
            if typo in own_terms and fixed not in own_terms and len(typo) >= MIN_PROMOTED_TYPO:
                focus.pop(typo, None)
                if fixed in self.filler_terms:  # "actualy": filler
                    own_terms.remove(typo)
                    focus.pop(fixed, None)
                elif fixed in self.qtypes.cue_terms and not self._names_with_previous(filler_text, typo, fixed):
                    # "whats the treatmant": the aspect asked, not a topic (but "radiation treatmnet" is a topic)
                    own_terms.remove(typo)
                    focus.pop(fixed, None)
                    aspect_terms.append(fixed)
                    corrected_cues.append(typo)
                else:
                    own_terms[own_terms.index(typo)] = fixed
                    focus[fixed] = 1.0
        if self.topic_terms:
            corrected = set(corrections.values())
            for t in own_terms:
                if t not in self.topic_terms and focus.get(t) == 1.0 and (t not in sources or t in corrected):
                    focus[t] = PLAIN_WEIGHT
        background = self._background_words(message, question, focus_words)
        if background:
            # A long message: the focus is what the question sentences (and the subject line) name;
            # the story around them helps ranking a little but is not what must be covered.
            for w in background:
                t = analyzer.term(w)
                if t in own_terms:
                    own_terms.remove(t)
                if focus.get(t, 0.0) > BACKGROUND_WEIGHT:
                    focus[t] = BACKGROUND_WEIGHT
        blamed = self.blames_treatment.search(lowered) if self.blames_treatment else None
        # A lay phrase of several words is one topic ("back passage" is the rectum, not the back): its
        # words weigh little and the phrase itself is the focus term, found through its targets.
        # A phrase of common words ("get it up", "where it started") is a topic too, although
        # none of its words was read as one; not when they were read as people or feelings.
        read_as = set(focus_words) | set(context.people) | set(context.feelings)
        for phrase in lay_found:
            words = analyzer.tokens(phrase)
            if not words:
                continue
            targets = self.expander.lay[phrase]
            if len(phrase.split()) < 2:
                if len(targets) == 1 and focus.get(words[0], 0.0) >= 1.0 and self.idf(words[0]) >= RARE_WORD_IDF:
                    # "hooked" says addiction, and the library hardly uses "hooked": its word is the topic, as
                    # strongly as the patient's ("mouth" is a library word too: "oral" stays a related word)
                    focus[targets[0]] = max(focus.get(targets[0], 0.0), 1.0)
                continue
            of_common_words = not read_as & set(phrase.split())
            if of_common_words or any(t in own_terms or t in aspect_terms for t in words):
                own_terms = [t for t in own_terms if t not in words]
                aspect_terms = [t for t in aspect_terms if t not in words]  # "gene changes" is a test, not causes
                own_terms.append(phrase)
                # one word says it ("the runs" is diarrhea): that word is the topic, not a related word, and the
                # phrase's own words ("run") are not, even when they name a topic elsewhere
                only = targets[0] if len(targets) == 1 else None
                for t in words:
                    weight = focus.get(t, 0.0)
                    if (only is not None and t != only and weight > PLAIN_WEIGHT) or (
                            weight >= 1.0 and t not in self.topic_terms):
                        focus[t] = PLAIN_WEIGHT
                for target in targets:
                    sources.setdefault(target, set()).add(phrase)
                if only is not None:
                    focus[only] = max(focus.get(only, 0.0), 1.0)
        for short in acronyms:  # "ALL" is a stopword as a word: its long form is the topic
            own_terms.extend(t for t, origins in sources.items() if short.lower() in origins and focus.get(t, 0) >= 1.0)
        own_terms = list(dict.fromkeys(own_terms))
        # an acronym the index knows is found on a page through itself or its whole long form
        phrases = {a.lower(): [tuple(self.expander.acronyms[a.upper()])] for a in acronyms
                   if a.lower() in own_terms and a.upper() in self.expander.acronyms}
        explained = {origin for origins in sources.values() for origin in origins}
        unknown = [w for w in focus_words if w not in background and w not in phrase_words
                   and not self.known(analyzer.term(w)) and analyzer.term(w) not in explained
                   and w not in explained]
        steer: dict[str, float] = {}
        for w in steer_words:
            steer[analyzer.term(w)] = STEER_WEIGHT
        for w in context.people:  # "my little sister": may lean towards family pages, never decides
            steer.setdefault(analyzer.term(w), PEOPLE_WEIGHT)
        if context.feelings:
            for t in FEELING_TERMS:
                steer.setdefault(t, STEER_WEIGHT)
        for t in list(steer):
            if t in focus:
                del steer[t]
        question_terms = analyzer.tokens(lowered)
        # words inside a lay phrase are not cues: "check ups" is follow-up care, not a diagnosis question;
        # nor are a story's words: "my dad was diagnosed with MDS, is that a leukaemia?" is not about diagnosis
        outside_phrases = lowered
        for typo in corrected_cues:
            outside_phrases = re.sub(rf"\b{re.escape(typo)}\b", corrections[typo], outside_phrases)
        # (a story first: "the biopsy came back as DCIS" holds the lay phrase "came back")
        # (all found in the message first: "biopsy results" and "results came back" overlap, and both go)
        # (but a phrase that asks what its library words ask stays a cue: "long term effects" are "late effects")
        spans = [m.span() for phrase in list(cw.story_phrases) + [p for p in lay_found if " " in p
                                                                  and not self._asks_as_its_targets(p)]
                 for m in re.finditer(rf"\b{re.escape(phrase)}\b", outside_phrases)]
        for start, end in spans:
            outside_phrases = outside_phrases[:start] + " " * (end - start) + outside_phrases[end:]
        # "what is photodynamic therapy?" asks what it is, not how it is treated (but "what are the risk factors, am I
        # high risk?" asks about risk: only the cue word that ends a name is not a cue)
        cue_terms = self._cue_terms(outside_phrases, named_cues)
        staged = bool(context.stage) or "early stage" in lowered
        # the type asked by the sentences that ask, when a story is told around them ("he has been diagnosed with
        # a liver cancer ... my question is: how is this type of liver cancer treated in children?" asks about
        # treatment, not diagnosis); else by the whole message ("the doctors say there's no standard treatment
        # left. is there any way to get an experimental drug?": its question names no type)
        asking = asking_text(outside_phrases)
        aspect = self._aspect(asking, self._cue_terms(asking, named_cues), asking, staged) if asking else None
        if aspect is None:
            aspect = self._aspect(question, cue_terms, outside_phrases, staged)
        asked = self.qtypes.matching(cue_terms, outside_phrases)
        if aspect is not None and aspect.name == "common" and context.feelings:
            aspect = None  # "I feel angry ... is that normal?" asks about the feeling, answered with support
        if aspect is not None and aspect.name == "diagnosis" and context.symptom and not TESTS_ASKED.search(lowered):
            # "up 4 times a night for a wee ... i need to get it checked is she right": whether a symptom told may be
            # the disease, answered by its signs and what else they may mean, not by the tests that diagnose it
            aspect = self.qtypes.by_name.get("symptoms", aspect)
        elif aspect is None and context.symptom and not blamed and cw.disease_names is not None \
                and cw.disease_names.search(asked_clause := question_clause(question) or asking_text(lowered)) \
                and WORRIED_IT_IS.search(asked_clause):
            # "saw blood in my wee ... should i be worried about bladder cancer": whether the symptom told may be the
            # cancer named, answered by its signs (not by a treatment's side effects, when no treatment is told)
            aspect = self.qtypes.by_name.get("symptoms")
        family_terms = self._weigh_family_risk(lowered, focus, own_terms) \
            if any(t.name == "causes" for t in (aspect, *asked) if t is not None) else frozenset()
        # a feeling told in a topic's word ("I feel so depressed"): acknowledged, and the word stays the topic
        if cw.feeling_phrases is not None:
            context.feelings.extend(m.group(0) for m in cw.feeling_phrases.finditer(feeling_text))
        # "angry" and the heading "Anger" share no stem: the library's names for the feelings told
        felt = {f.lower() for f in context.feelings}
        context.feeling_names = [name for name, words in cw.feeling_names.items() if felt & words]
        own_clause = question_clause(question)
        asked_focus = self._named_in(own_clause, focus, sources)
        for back in range(1, CLAUSES_REACHED_BACK + 1):
            # "... radiotherapy before the surgery and I don't understand why": what the question is about is told
            # just before it
            if not own_clause or any(focus.get(t, 0.0) >= 1.0 for t in asked_focus):
                break
            asked_focus = self._named_in(question_clause(question, back), focus, sources)
        questions = [s for s in SENTENCE.split(question) if "?" in s]
        tail_terms = frozenset(analyzer.tokens(unmarked_tail(question)))
        known = frozenset()
        excepted = [m.group(1) for m in EXCEPTING.finditer(lowered)]
        if excepted:  # "apart from wilms"
            known = self._named_in(" ".join(excepted), focus, sources)
        elif OTHER_KIND.search(lowered) and own_clause:  # "found a lump ... what other signs?": the story's
            known = frozenset(t for t in own_terms if focus.get(t, 0.0) >= 1.0) - asked_focus
        # ... and the library's words read from them ("lump": "mass")
        known |= {t for t in focus if sources.get(t) and sources[t] <= known and t not in asked_focus}
        asks_about_feeling = self._asks_about_feeling(question, questions, context, aspect, focus_words)
        return Query(
            message=message,
            question=question,
            route=decision,
            aspect=aspect,
            focus_words=focus_words,
            focus=focus,
            sources=sources,
            own_terms=own_terms,
            aspect_terms=list(dict.fromkeys(aspect_terms)),
            steer=steer,
            context=context,
            unknown=unknown,
            acronyms=acronyms,
            phrases=phrases,
            points_back=points_back(question),
            continues=continues(question),
            new_topic=changes_topic(question),
            keeps_subject=keeps_subject(question),
            blames_treatment=bool(blamed),
            treatment_told=bool(blamed) or bool(cw.treatment_named and cw.treatment_named.search(lowered))
            or bool(self.expander.drug_terms(own_terms)),
            asked=asked,
            asks_about_feeling=asks_about_feeling,
            asks_nothing=not questions and not own_clause and not ASKED_IN_A_RUN.search(lowered)
            and aspect is None and not asked,
            # (asked without a question mark, the clause is too rough a guess to say what was left unanswered)
            clause_terms=frozenset(analyzer.tokens(own_clause)) | tail_terms if questions else frozenset(),
            tail_terms=tail_terms,
            family_terms=family_terms,
            asked_focus=asked_focus,
            known_terms=known,
            parts=self._parts(outside_phrases, bool(context.stage)),
            other_condition=self._other_condition(lowered, set(question_terms), acronyms),
            cancer_context=self._names_cancer_care(
                set(question_terms) | set(own_terms) | _named_by_writer(focus, sources, corrections, bool(blamed)),
                acronyms),
        )


def _named_by_writer(focus: Mapping[str, float], sources: Mapping[str, set[str]], corrections: Mapping[str, str],
                     blamed: bool) -> set[str]:
    """The focus terms that may tie a message to cancer care: those the writer named, and what a phrase of theirs
    means ("can't go" is constipation). The library's word for one of theirs counts only when they blame a problem on
    a treatment ("numb armpit after surgery" is axillary; a twitching "eye" is not "intraocular", nor are bleeding
    "gums" "gingiva"). A short word's spelling guess never counts: "colic" is not "choices"."""
    if blamed:
        named = set(focus)
    else:
        named = {t for t, w in focus.items() if w >= 1.0}
        named |= {t for t, origins in sources.items() if any(" " in origin for origin in origins)}
    return named - {fixed for typo, fixed in corrections.items() if len(typo) < MIN_PROMOTED_TYPO}


def question_clause(question: str, reaching_back: int = 0) -> str:
    """From the last clause with a question word, of the last sentence ending in "?", to its end; "" if none.

    A message with no "?" is asked in its last sentence, by a clause that opens with a question word or says it
    asks ("I don't understand why", "I want to know what each involves"). `reaching_back` clauses before it are
    taken too ("they want radiotherapy before the surgery and I don't understand why").
    """
    sentences = split_sentences(question)
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    asks = QUESTION_WORD if asking else ASKED_WITHOUT_MARK
    sentence = asking[-1] if asking else (sentences[-1] if sentences else "")
    starts = [0] + [m.end() for m in CLAUSE_BREAK.finditer(sentence)]
    asked = [i for i, start in enumerate(starts)
             if asks.search(sentence[start:starts[i + 1] if i + 1 < len(starts) else len(sentence)])]
    return sentence[starts[max(0, asked[-1] - reaching_back)]:].strip() if asked else ""


CANCER_PAGES = ("/types/", "/drugs/", "/treatment/types/")  # cancer types, drugs, kinds of cancer treatment


def is_cancer_page(url: str | None) -> bool:
    return bool(url) and any(part in url for part in CANCER_PAGES)


def topic_vocabulary(index, expander: QueryExpander, max_heading_words: int = 5) -> dict:
    """The library's topic names, as terms: patient page titles, short headings, acronym long forms,
    brand names and the lay vocabulary's targets. Also the adjacent term pairs of titles."""
    analyzer = index.analyzer
    terms: set[str] = set()
    bigrams: set[tuple[str, str]] = set()
    seen_titles: set[str] = set()
    seen_sections: set[str] = set()
    for p in index.passages:
        if p.audience != "patient":
            continue
        if p.title not in seen_titles:
            seen_titles.add(p.title)
            tokens = analyzer.tokens(p.title)
            terms.update(tokens)
            bigrams.update(zip(tokens, tokens[1:], strict=False))
            # the page's address names it too, when its title does not ("2003 Early Reproductive Events Workshop"
            # is at .../breast/abortion-miscarriage-risk)
            terms.update(analyzer.tokens(url_slug(p.url)))
        if p.section not in seen_sections:
            seen_sections.add(p.section)
            for name in heading_names(p.section, TOPIC_HEADING_WORDS):  # "Lymphedema", "Grapefruit": names
                terms.update(analyzer.tokens(name))
    for targets in (*expander.acronyms.values(), *expander.lay.values(), *expander.brands.values()):
        terms.update(targets)
    terms.update(expander.brands)
    terms.update(short.lower() for short in expander.acronyms)
    terms.update(t for key in expander.lay for t in analyzer.tokens(key))
    cancer: set[str] = set()
    cancer_phrases: set[frozenset[str]] = set()  # "hair loss" ties a message to cancer care, "hair" does not
    for line in read_word_list(DATA / "cancer_context.txt"):
        tokens = analyzer.tokens(line)
        if len(tokens) == 1:
            cancer.add(tokens[0])
        elif tokens:
            cancer_phrases.add(frozenset(tokens))
    # Words that name the library's cancer-type and drug pages ("trophoblastic", "polycythemia"), from
    # their titles and short headings, kept when they are rare and used mostly on those pages: "kidney",
    # "face" or "cholesterol" are used all over the library and are left out.
    part = index.partitions["patient"]
    on_cancer_pages = np.array([is_cancer_page(index.passages[g].url) for g in part.columns], dtype=bool)
    indptr, indices = part.matrix.indptr, part.matrix.indices
    rare = max(RARE_SHARE * part.n_passages, 3)  # a small library still has names
    candidates: set[str] = set()
    for p in index.passages:
        if p.audience == "patient" and is_cancer_page(p.url):
            # short headings name topics ("Polycythemia Vera"); a question heading ("What is flat closure?") does
            # not make its words cancer care, nor does a news headline ("Low-Dose Radioactive Iodine Destroys
            # Thyroid Tissue Left after Surgery": "destroy", "left")
            title = [p.title] if len(PARENTHESIS.sub("", p.title).split()) <= MAX_NAME_TITLE_WORDS else []
            for name in (*title, *(h for h in p.section.split(" > ")
                                   if len(h.split()) <= max_heading_words and not h.rstrip().endswith("?"))):
                candidates.update(analyzer.tokens(name))
    named = set(cancer)  # (the list's words; the headings' are mined next)
    for t in candidates:
        tid = index.vocab.get(t)
        if tid is None or tid + 1 >= len(indptr):
            continue
        cols = indices[indptr[tid]:indptr[tid + 1]]
        if len(t) >= 3 and 0 < len(cols) <= rare and on_cancer_pages[cols].mean() >= CANCER_PAGE_SHARE:
            cancer.add(t)  # not "ib" of "stage IB", which is "IBS" stemmed
    oma = {t for t in index.vocab if re.fullmatch(r"[a-z]{3,}oma", t) and t not in NOT_CANCER_OMA}
    cancer |= oma
    # acronyms count in capitals (Query.acronyms); in lower case only those that cannot be a word ("cml",
    # not "cat" or "pass")
    # and only those whose long form names something of cancer care ("CML", "HER2"; not "IBS")
    cancer_acronyms = frozenset(a.lower() for a, long_form in expander.acronyms.items()
                                if a.lower() in cancer or cancer & set(long_form))
    cancer |= set(expander.unambiguous_acronyms()) & cancer_acronyms
    # brand names, and the rare words of generic names: not "vaccine" or "human" of "Recombinant Human
    # Papillomavirus Nonavalent Vaccine"
    df = np.diff(indptr)
    drugs = set(expander.brands) | expander.generics | {t for generic in expander.brands.values() for t in generic
                                    if (tid := index.vocab.get(t)) is not None and tid < len(df) and df[tid] <= rare}
    cancer |= drugs
    return {"topic_terms": frozenset(terms), "title_bigrams": frozenset(bigrams), "cancer_terms": frozenset(cancer),
            "cancer_phrases": frozenset(cancer_phrases), "cancer_acronyms": cancer_acronyms,
            "named_cancer_terms": frozenset(named | oma | drugs)}
