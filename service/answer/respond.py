"""One code path from a patient's message to a reply (API, CLI and evaluation all use it).

understand (safety route, focus, aspect, context; service/answer/understand.py) -> resolve the topic
(conversation) -> rank pages on the focus -> decide: answer or abstain -> compose -> cite -> suggest.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice, takewhile
from pathlib import Path

import numpy as np
import yaml

from ..corpus.sentences import split_sentences
from ..corpus.split import OVERVIEW
from ..search.analyzer import Analyzer
from ..search.index import Hit, SearchIndex
from ..search.rank import Concept, DocumentHit, DocumentRanker, RankWeights
from ..store.base import ConversationStore, StoreUnavailable
from . import suggest
from .compose import (
    BACK_REFERENCE,
    GOES_ON,
    MAX_LIST_ITEMS,
    MAX_UNITS,
    REFERS_BACK,
    USES_LEAD_IN,
    Unit,
    conflicts,
    continued_list,
    entries_named,
    flatten,
    group_asked,
    is_boilerplate,
    is_label_group,
    list_tail,
    names_substage,
    numeral,
    passage_units,
    population_of,
    score_units,
    select_units,
    shown_as_item,
    shows_whole_thought,
    sibling_groups,
    stages_named,
)
from .conversation import ConversationState
from .expand import SYNONYM_WEIGHT, QueryExpander
from .intent import NO_CUES, AnswerCues, QuestionType, QuestionTypes, as_patterns_read, is_label
from .response import Citation, Related, Reply, Sentence
from .safety import Route
from .understand import (
    ADULT_AGE,
    ASPECT_WEIGHT,
    PLAIN_WEIGHT,
    Query,
    Understander,
    is_cancer_page,
    topic_vocabulary,
)

DATA = Path(__file__).resolve().parent.parent / "data"
GENERIC_ASPECT_TERMS = frozenset({"side", "late", "new", "type", "of"})  # parts of aspect phrases that name nothing
PART_UNITS = 4  # units shared between the parts of a message that asks several things
POINTED_WEIGHT = 0.7  # "can it be used for kidney cancer?": the new words weigh less than "it"
# Title words that fit who a question is about ("Talking to Children about Cancer").
POPULATION_TITLE_WORDS = {"child": "child children childhood kids pediatric teens adolescents", "adult": "adult adults"}
# A page on one cancer type: its name in the address ("/types/breast/breast-cancer-survivorship")
CANCER_TYPE_URL = re.compile(r"^https?://[^/]+/types/([a-z-]+)/")  # (not ".../treatment/types/surgery/")
# A page of coping and support material (for a message that expresses fear, sadness or overwhelm).
COPING_TITLE = re.compile(r"\b(cop(e|ing)|feelings?|emotion(s|al)?|support|distress|adjust(ing|ment)?|stress)\b",
                          re.I)
WHOLE_COVERAGE = 0.8  # a page that holds this share of the focus holds all of it, near enough
COPING_PAGE = "/about-cancer/coping/"  # ... or by its address (the page "Depression")
# a coping page for someone beside the person with cancer ("Facing Cancer with Your Spouse or Partner", "Support
# for Caregivers"): not for a writer who names nobody ("I'm so scared")
FOR_OTHERS_TITLE = re.compile(r"\b(spouses?|partners?|caregivers?|carers?|caregiving|children|child|kids|teens?|"
                              r"teenagers?|siblings?|brothers?|sisters?|parents?|family|friends)\b", re.I)
# Sections on a disorder, its symptoms or how it is diagnosed: not what someone who is scared asked.
SYMPTOM_SECTION = re.compile(r"\b(symptoms?|signs?|diagnos\w*|screening|disorders?)\b", re.I)
COPING_WORD_WEIGHT = 0.4  # feelings' words, lighter than the message's topic, when looking for support about it
USES_PASSAGES = 8  # a drug's list of uses is read this many passages on (nivolumab's fills five)
SUPPORT_UNITS = 2  # support for a feeling after a practical answer: a little, not a second answer
KNOWN_WEIGHT = 0.5  # a term the writer asks beyond ("apart from wilms"), against a sentence that names it
LISTED_THING_WORDS = 4  # an item this short under a heading names a thing of the page's list ("jelly")
STORY_SHARE = 0.3  # a story word's weight, as a share, when the answer's sentences are chosen
SIDE_EFFECT_PAGE = re.compile(r"/side-effects/")  # the address of a page on a side effect of treatment
BARE_TOPIC_WORDS = 4  # a message this short with no question type names a topic: it is answered as "what is it?"
ALSO_FROM_PASSAGES = 2  # passages read in the page's other chapters, for a type answered from another's sections too
TWIN_SAME_SHARE = 0.75  # a sentence of the other sex's page with this share of its words in common says the same
EXTRA_PASSAGES = 3  # passages read beyond the best-matching ones, for an answer word the question type wants
MAX_SUBJECT_WORDS = 8
DRUG_CLASS_ITEM_WORDS = 90  # a labelled list item this short that ends by naming a drug's kind is shown whole
ITEM_LABEL = re.compile(r"^[A-Z][\w -]{2,40}: ")  # "Proteasome inhibitor therapy: This treatment blocks ..."
STORY_WORD_IDF = 4.0  # a word of the story around "what is X?" this specific may be why it was told ("asbestos")
NEAR_SCORE = 0.97  # a page scoring this close to the best one is as good a match for the words
# the page for whom the question is about (a child's age told, whose body the words say) on the best page's topic,
# this close to the best page and among the first pages, answers in its place
FOR_WHOM_NEAR, FOR_WHOM_PAGES = 0.9, 4
SEX_TITLE_WORDS = {"male": frozenset({"male", "men", "man"}), "female": frozenset({"female", "women", "woman"})}
ANY_SEX_WORD = SEX_TITLE_WORDS["male"] | SEX_TITLE_WORDS["female"]
# words of a heading for the usual case, not a group of its own: "Treatment of newly diagnosed standard-risk childhood
# ALL" is what is done for a child with ALL, before "Treatment of infants with ALL"
USUAL_GROUP = "standard average risk newly diagnosed"
MIN_NAMED_PASSAGES = 2  # enough passages on the aspect named by the topic to answer from them alone
WHAT_IS_PAGES = 5  # the top pages looked at for one titled "What Is X?"
ASKED_NEAR = 0.85  # ... and this close, when its title names what the question's clause asks and the best page never
# says it, in a word this specific (a topic, not the manner of asking: "common", "affect")
ASKED_WORD_IDF = 4.0
TITLE_ASPECT_NEAR = 0.9  # ... and this close, when its title names the aspect asked and the best page's does not
MAX_LEAD_IN_WORDS = 15  # a lead-in read as a heading is short ("Risk factors for anal cancer include:")
WHAT_IT_DOES = ("why", "mechanism")  # "why do I need a neulasta jab?": what kind of drug it is says what it does
DRUG_CLASS_PASSAGES = 400  # passages naming a drug read (at most) for the sentence that says what kind of drug it is
# "X is a proteasome inhibitor", "X and Y are targeted therapies", "X is the most widely used EGFR inhibitor": what
# kind of drug X is
_DRUG_CLASSES = (r"(targeted therap(y|ies)|inhibitors?|monoclonal antibod(y|ies)|chemotherapy drugs?|"
                 r"hormone therap(y|ies)|immunotherapy|antibody-drug conjugates?|alkylating agents?|antimetabolites?|"
                 r"vaccines?|agonists?|antagonists?|androgen deprivation therapy|immunomodulat\w+ (drugs?|agents?)|"
                 r"colony-stimulating factors?|"
                 # "Thalidomide, lenalidomide, and pomalidomide are drugs that prevent blood vessels from ..."
                 r"(drugs?|medicines?) that (block|prevent|stop|slow|boost|help the immune|kill|target))\b")
DRUG_CLASS = re.compile(
    rf"\b(is|are) ((a |an )?(type of |kind of |class of )?[\w-]*\s?|the ([\w-]+ ){{0,8}}){_DRUG_CLASSES}", re.I)
# A drug page's brand names: "US Brand Name(s)" then one per line, up to "FDA Approved".
BRAND_NAMES = re.compile(r"US Brand Name\(s\)\n(.+?)(?:\nFDA Approved|$)", re.S)
BRAND_PASSAGES = 2  # the field is in a drug page's opening passage
# A heading about the outlook ("Certain factors affect prognosis ... and treatment options").
PROGNOSIS = re.compile(r"\bprognosis\b", re.I)
# A heading about cancer coming back ("Hodgkin lymphoma can recur (come back) after it has been treated.", "CML
# can relapse (return) ...", "Vaginal cancer may recur ...").
RECURRENCE = re.compile(r"\b(can|may) (recur|relapse|return|come back)\b", re.I)
# A key point that introduces the list of a page's treatments ("The following types of treatment are used:").
TREATMENT_TYPES = re.compile(r"\btypes of (standard )?treatment\b", re.I)
# A PDQ page's "Key Points" list sums up the section below it (signs, tests, prognosis): "what is it?" is
# answered from the section's own text, which says what the disease is and where it forms.
KEY_POINTS = re.compile(r"^key points$", re.I)
# "How is it treated?" or "what tests are used?" on a page with one section per treatment or test and no summary
# list: the section's opening sentence, then the first sentence of each of its parts (at most this many).
OVERVIEW_ASPECTS = ("treatment", "diagnosis", "kinds")
OVERVIEW_PARTS = 5
# A page titled by the aspect itself ("Treatment of Stomach Cancer", "Bladder Cancer Diagnosis"), not by one
# treatment ("Hormone Therapy for Cancer", "Immunotherapy | Breast Cancer Treatment", whose sections are about
# that treatment).
ASPECT_TITLE = re.compile(r"\b(treatment|diagnosis)\b", re.I)
# The heading of a PDQ page's sections on each standard treatment ("Four types of standard treatment are used:", or
# what "may be used", neuroblastoma's nine), not those on treatments in clinical trials ("New types of treatment are
# being tested in clinical trials.").
TYPES_USED = re.compile(r"^(the following|\w+) types of (standard )?treatment (are|is|may be) used\b", re.I)
# The treatment of the disease when it is first found ("Treatment of newly diagnosed hepatoblastoma"): what "how is
# it treated?" asks when no stage or recurrence is said.
NEWLY_DIAGNOSED = re.compile(r"^(the )?treatment (options )?(of|for) newly diagnosed\b", re.I)
# Parts about one situation ("Treatment of high-risk ALL"), not one kind of treatment: no overview from them.
SITUATION = re.compile(r"(the )?treatment (options )?(of|for)\b", re.I)
MIN_OVERVIEW_PARTS = 3
# a heading for a group of patients ("Children older than 3 years with ...", "Treatment of standard-risk ..."), not
# for a kind of treatment ("Surgery", "Liver transplant")
PATIENT_GROUP = re.compile(r"^(the )?treatment (options )?(of|for)\b|\b(children|adults?|patients|people|infants|"
                           r"adolescents|years|risk)\b", re.I)
MIN_OTHER_GROUPS = 2  # sections on other groups a page has when an answer from one says whom it is for
OVERVIEW_LIST_ITEMS = 6  # a part's opening followed by a list that says which ("These may include:"): shown up to this
LIST_SAYS_WHICH = re.compile(r"^(these|they|this|it|such \w+) (may |can |might )?(include|includes|are|is)\b", re.I)
ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
QUESTION_CLAUSE_END = re.compile(r"[.,;:!?]|\b(and|but|or|because|since) ")  # where a clause of a question ends
VERDICT_PAGES = 4  # a yes-or-no answer the page does not say is looked for on the pages ranked after it, up to this
PAGE_SUBJECT_SHARE = 0.4  # a word in this share of a page's passages is its subject, not one part of it


def under_key_points(section: str) -> bool:
    """The passage is a "Key Points" summary list (its own heading)."""
    return bool(KEY_POINTS.match(section.rsplit(" > ", 1)[-1]))


TITLE_NOISE = re.compile(
    r"\(PDQ®?\)|[—–-]\s*Patient Version|\s[-|]\s.*$|\b(Treatment|Prevention|Screening|Research)$|^Treatment (of|for) ",
    re.I
)


def plain_words(text: str) -> set[str]:
    """The lower-case words of a title or message, unanalysed ("women" stays "women")."""
    return set(re.findall(r"[a-z]+", text.lower()))


def read_from(sources: Mapping[str, AbstractSet[str]], terms: AbstractSet[str]) -> set[str]:
    """The library's words read from `terms` (Query.sources: "myeloid" from "myelogenous")."""
    return {word for word, origins in sources.items() if not origins.isdisjoint(terms)}


def named_by(terms: Iterable[str], said: AbstractSet[str], sources: Mapping[str, AbstractSet[str]],
             analyzer: Analyzer) -> set[str]:
    """Of `terms`, those the analysed words `said` name, as written or as the library spells what was written
    ("leukaemia" said names "leukemia")."""
    return {t for t in terms if t in said or not said.isdisjoint({analyzer.term(o) for o in sources.get(t, ())})}


def page_sex(title: str) -> str | None:
    """"male" for "Male Fertility and Cancer" or "Breast Cancer in Men", "female" for "... in Women"; else None."""
    words = plain_words(title)
    sexes = [sex for sex, names in SEX_TITLE_WORDS.items() if words & names]
    return sexes[0] if len(sexes) == 1 else None


def weigh_aspect_cue(weights: dict[str, float], aspect: QuestionType) -> None:
    """An aspect carried over from the conversation joins the query at aspect weight (its first cue)."""
    for cue in aspect.cues[:1]:
        for t in cue:
            weights[t] = max(weights.get(t, 0.0), ASPECT_WEIGHT)


def with_section_cues(weights: dict[str, float], qtype: QuestionType | None) -> dict[str, float]:
    """Weights for choosing sentences: the query, and the words of the aspect's section headings at 0.5."""
    scoring = dict(weights)
    if qtype is not None:
        for cue in qtype.sections:
            for t in cue:
                scoring[t] = max(scoring.get(t, 0.0), 0.5)
    return scoring


def defined_terms(weights: dict[str, float], qtype: QuestionType | None) -> frozenset[str]:
    """For "what is X?": the terms of X (the topic's own words), whose definition an answer should give."""
    if qtype is None or qtype.name != "what_is":
        return frozenset()
    return frozenset(t for t, w in weights.items() if w >= 0.9)


@dataclass(frozen=True)
class Subject:
    """What a yes-or-no answer must name: `needed` of the `words` asked about."""

    words: frozenset[str] = frozenset()
    needed: int = 0

    def named_in(self, terms: AbstractSet[str]) -> bool:
        return len(self.words & terms) >= self.needed


def says_answer(qtype: QuestionType, units: Iterable[Unit], subject: Subject = Subject()) -> bool:
    """A unit, or an item of its list, has one of the question type's answer words ("is common", "benign"), and
    the unit with its list names the `subject` asked about."""
    for unit in units:
        group = (unit, *unit.items)
        if any(qtype.answers.matches(u.terms, u.text) for u in group) and subject.named_in(
                frozenset().union(*(u.terms for u in group))):
            return True
    return False


def led_by(verdict: Unit | None, chosen: list) -> list:
    """The sentence that says the answer first, or right after the chosen sentence it leans back on ("Most
    targeted therapies interfere with proteins ... This is different from chemotherapy, which ...")."""
    if verdict is None:
        return list(chosen)
    for i, unit in enumerate(chosen):
        if verdict.previous is not None and (unit is verdict.previous or unit.text == verdict.previous.text):
            return [*chosen[:i + 1], verdict, *chosen[i + 1:]]
    before = verdict.previous
    if before is not None and any(f"({short})" in before.text for short in ACRONYM.findall(verdict.text)):
        return [before, verdict, *chosen]  # "... chemotherapy-induced peripheral neuropathy (CIPN)." says what it is
    return [verdict, *chosen]


def reason_first(chosen: list, pattern: re.Pattern) -> list:
    """The first chosen sentence (or lead-in) that says the answer in the words of `pattern` ("because"), moved
    first, unless it leans on the sentence before it."""
    at = next((i for i, u in enumerate(chosen) if not u.is_item and pattern.search(u.text)), None)
    if not at or BACK_REFERENCE.match(chosen[at].text):
        return list(chosen)
    end = at + 1  # with the chosen sentences right after it in its passage ("This means therapies ... don't work")
    while end < len(chosen) and chosen[end].previous is chosen[end - 1]:
        end += 1
    return [*chosen[at:end], *chosen[:at], *chosen[end:]]


def answer_first(chosen: list, qtype: QuestionType, asked: AbstractSet[str], section_of: Callable[[Unit], str]) -> list:
    """For a question whose answer should come before tips (`answer_before_tips`), answered with a list of tips
    first: the first chosen sentence of another section that says it in words the question did not use ("Hair often
    grows back in 2 to 3 months after treatment has ended.", not "When your hair starts to grow back, ..."), moved
    before the list. (Not an item of the list itself, which goes on in the passage after its own.)"""
    if not chosen or not chosen[0].items:
        return list(chosen)

    def says(unit: Unit) -> bool:  # (an answer word the question shares no word with: "months", not "grow back")
        return any(set(words) <= unit.terms and not set(words) & asked for words in qtype.answers.terms)

    at = next((i for i, u in enumerate(chosen) if not u.items and (not u.is_item or u.lead_in is None)
               and not BACK_REFERENCE.match(u.text) and says(u) and section_of(u) != section_of(chosen[0])), None)
    return [chosen[at], *chosen[:at], *chosen[at + 1:]] if at else list(chosen)


@dataclass
class ResponderSettings:
    emergency_number: str = "911"
    crisis_line: str = "988"
    top_k: int = 5  # pages cited at most: the answer's sources first, then related reading
    conversation_ttl: int = 30 * 60
    min_coverage: float = 0.4  # share of the focus (idf-weighted) the best page must contain
    max_unknown_share: float = 0.5  # abstain when more than this share of the focus words is unknown to the library
    rank: RankWeights = RankWeights()


@dataclass
class Resolved:
    """The topic a turn is answered about, after the conversation is taken into account."""

    weights: dict[str, float]  # retrieval weights
    own_terms: list[str]  # focus terms that abstention checks
    sources: dict[str, set[str]]  # expanded term -> focus terms it stands for
    aspect: QuestionType | None
    population: str | None
    inherited: bool  # the earlier topic was carried over
    narrow: bool = False  # the turn narrowed the earlier topic to a population ("and in children?")
    in_conversation: bool = False  # an earlier turn of this conversation was answered from the library
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # focus term -> its long forms
    previous_title: str = ""  # the page the conversation was last answered from
    feelings_only: bool = False  # the message names only a feeling ("I'm so scared"): it is the topic


class Responder:
    def __init__(
        self,
        index: SearchIndex,
        settings: ResponderSettings | None = None,
        conversations: ConversationStore | None = None,
    ) -> None:
        from ..store.memory import MemoryConversationStore

        self.index = index
        self.settings = settings or ResponderSettings()
        self.conversations = conversations or MemoryConversationStore()
        self.replies = yaml.safe_load((DATA / "replies.yaml").read_text(encoding="utf-8"))
        self.qtypes = QuestionTypes(index.analyzer)
        self.expander = QueryExpander(index)
        self.ranker = DocumentRanker(index, self.settings.rank)
        self._title_paths: dict[str, dict[str, str]] = {}
        self._suggestion_checks: dict[tuple, bool] = {}
        # a problem blamed on a treatment: pages titled "... Side Effects" are the likely answer
        self._side_effect_title_terms = self._aspect_title_terms(self.qtypes.by_name.get("side_effects"))
        self._population_title_terms = {
            name: frozenset(index.analyzer.tokens(words)) for name, words in POPULATION_TITLE_WORDS.items()
        }
        self._population_words = frozenset().union(*self._population_title_terms.values())  # of either
        vocab, patient_df = index.vocab, np.diff(index.partitions["patient"].matrix.indptr)
        self.understander = Understander(
            index.analyzer, self.qtypes, self.expander,
            known=lambda t: (tid := vocab.get(t)) is not None and tid < len(patient_df) and patient_df[tid] > 0,
            **topic_vocabulary(index, self.expander),
            idf=self.ranker.idf_of,
        )
        self._disease_heads = frozenset(t for w in self.understander.words.disease_heads
                                        for t in index.analyzer.tokens(w))

    # --- text helpers -------------------------------------------------------------------
    def _say(self, key: str) -> str:
        return self.replies[key].format(
            emergency=self.settings.emergency_number, crisis_line=self.settings.crisis_line
        ).strip()

    def _patient_idf(self, terms: Iterable[str]) -> dict[str, float]:
        """Patient-partition idf of the given terms that the index knows (others are left out)."""
        part, vocab = self.ranker.partition("patient"), self.index.vocab
        return {t: float(part.idf[vocab[t]]) for t in terms if t in vocab}

    @staticmethod
    def topic_name(title: str) -> str:
        name = " ".join(TITLE_NOISE.sub(" ", title).split()).strip(" -–")
        return name or title

    # --- main path ------------------------------------------------------------------------
    def understand(self, message: str) -> Query:
        """The message analysed once: safety route, focus, aspect, context, unknown words."""
        return self.understander.understand(message)

    def respond(self, message: str, conversation_id: str | None = None, audience: str = "patient") -> Reply:
        conversation_id = conversation_id or uuid.uuid4().hex
        state, store_ok = self._load_state(conversation_id)
        query = self.understand(message)
        reply = self._dispatch(query, state, audience)
        reply.conversation_id = conversation_id
        reply.disclaimer = self._say("disclaimer")
        state.turns += 1
        state.history = (state.history + [reply.kind])[-10:]
        if store_ok:
            self._save_state(conversation_id, state)
        return reply

    def forget(self, conversation_id: str) -> None:
        self.conversations.delete(conversation_id)

    def _load_state(self, conversation_id: str) -> tuple[ConversationState, bool]:
        try:
            return ConversationState.from_dict(self.conversations.get(conversation_id)), True
        except StoreUnavailable:
            return ConversationState(), False  # degraded: answer without context

    def _save_state(self, conversation_id: str, state: ConversationState) -> None:
        try:
            self.conversations.put(conversation_id, state.to_dict(), self.settings.conversation_ttl)
        except StoreUnavailable:
            pass

    def _dispatch(self, query: Query, state: ConversationState, audience: str) -> Reply:
        decision = query.route
        if decision.kind == "urgent":
            text = self._say("urgent")
            if decision.also_crisis:
                text += " " + self._say("crisis_other" if decision.about_other else "crisis")
            reply = Reply(kind="urgent", text=text)
            if decision.other_question:
                # A mixed message: the emergency first, then the library's answer to the other question.
                asked = decision.other_question
                other_query = self.understander.analyse(asked, asked, Route("library", question=asked))
                other = self._answer(other_query, state, audience, update_state=False)
                if other.kind == "answer":
                    reply.text += " " + self._say("urgent_other_question")
                    reply.sentences, reply.citations = other.sentences, other.citations
                    return reply
            # Background only when the library clearly covers what was described.
            background = self._answer(query, state, audience, update_state=False, min_coverage=0.99)
            if background.kind == "answer":
                reply.sentences = background.sentences[:2]
                reply.citations = [c for c in background.citations if c.n in {s.citation for s in reply.sentences}]
            return reply
        if decision.kind == "crisis":
            return Reply(kind="crisis", text=self._say("crisis_other" if decision.about_other else "crisis"))
        if decision.kind == "smalltalk":
            return Reply(kind="smalltalk", text=self._say(f"smalltalk_{decision.smalltalk}"))
        if decision.kind == "scope":
            return Reply(kind="scope", text=self._say("scope"))
        if decision.kind == "advice":
            general = self._answer(query, state, audience)
            reply = Reply(kind="advice", text=self._say("advice"))
            if general.kind == "answer":
                reply.sentences, reply.citations = general.sentences, general.citations
            reply.suggestions = list(self.replies["advice_questions"])[:3]
            return reply
        return self._answer(query, state, audience)

    def _resolve(self, query: Query, state: ConversationState, audience: str) -> Resolved:
        """The topic this turn is about: its own focus, the earlier one, or both (conversation)."""
        aspect = query.aspect
        population = query.context.population
        weights = query.retrieval_weights()
        own = list(query.own_terms)
        sources = dict(query.sources)
        inherited = False
        narrow = False
        earlier_aspect = self.qtypes.by_name.get(state.intent) if state.topic and not query.new_topic else None
        if earlier_aspect is not None and (
                (aspect is None and query.continues)  # "how do you prevent skin cancer?" "and mouth cancer?"
                or (aspect is not None and aspect.name == "stages" != earlier_aspect.name and query.context.stage
                    and not query.has_focus)):  # "how is it treated?" "what about stage 3?"
            aspect = earlier_aspect
            weigh_aspect_cue(weights, aspect)
        if state.topic and not query.new_topic and (query.points_back or query.continues or not query.has_focus):
            earlier = self.understander.analyse(state.topic, state.topic, query.route)
            if not query.has_focus:
                keep, old_weight = True, 1.0  # "what are its side effects?", "what about in children?"
            elif query.keeps_subject:
                keep, old_weight = True, 1.0  # "can it be used for stomach cancer too?": "it" is the subject
                weights = {t: w * POINTED_WEIGHT if t in query.focus else w for t, w in weights.items()}
            elif query.points_back and not query.continues:
                keep, old_weight = True, 0.5  # "does that matter?": both, the new words first
            elif self._names_other_disease(query.own_terms, earlier.own_terms):
                keep, old_weight = False, 0.0  # "how do you prevent skin cancer?" "and mouth cancer?"
            else:
                # "and CML?" replaces CLL; "and for the skin?" narrows: keep the earlier topic only
                # when one page covers the old and the new focus together.
                combined = dict(earlier.focus)
                for t, w in query.focus.items():
                    combined[t] = max(combined.get(t, 0.0), w)
                both_sources = {t: set(o) for t, o in earlier.sources.items()}
                for t, origins in query.sources.items():
                    both_sources.setdefault(t, set()).update(origins)
                keep = self._covered_together(combined, earlier.own_terms + own, both_sources, audience)
                old_weight = 0.5
            if keep:
                inherited = True
                for t, w in earlier.focus.items():
                    weights[t] = max(weights.get(t, 0.0), w * old_weight)
                own = list(dict.fromkeys(own + earlier.own_terms))
                for t, origins in earlier.sources.items():
                    sources.setdefault(t, set()).update(origins)
                # "what about in children?" narrows the earlier topic to children's pages
                narrow = population is not None and population != (state.population or None)
                population = population or state.population or None
                if aspect is None and state.intent:
                    aspect = self.qtypes.by_name.get(state.intent)
                    if aspect is not None:
                        weigh_aspect_cue(weights, aspect)
        if not inherited and not own and query.context.population_words:
            # "what are the most common cancers in children?": who it is about is the topic itself
            own = self.index.analyzer.tokens(" ".join(query.context.population_words))
            for t in own:
                weights[t] = max(weights.get(t, 0.0), 1.0)
        phrases = dict(query.phrases)
        if inherited:
            for t, forms in earlier.phrases.items():
                phrases.setdefault(t, forms)
        return Resolved(weights, own, sources, aspect, population, inherited, narrow,
                        in_conversation=bool(state.topic), phrases=phrases, previous_title=state.topic_title)

    def _answer(
        self,
        query: Query,
        state: ConversationState,
        audience: str,
        update_state: bool = True,
        min_coverage: float | None = None,
        with_suggestions: bool = True,
    ) -> Reply:
        topic = self._resolve(query, state, audience)
        if not topic.own_terms and query.context.feelings and not topic.inherited:
            topic = self._feeling_topic(query, topic)
        if not topic.own_terms:
            if topic.aspect is not None and topic.aspect.name != "what_is":
                return self._clarify(topic.aspect, audience)
            return Reply(kind="no_answer", text=self._say("no_answer"))
        if query.other_condition is not None and not topic.in_conversation:
            # "conjunctivitis both eyes, do I need drops?": the library does not cover it (not eye melanoma)
            return Reply(kind="no_answer", text=self.replies["other_condition"].format(
                condition=query.other_condition).strip())
        threshold = self.settings.min_coverage if min_coverage is None else min_coverage
        docs = self._for_the_writer(self._rank(query, topic, audience), query, topic)
        if (not docs or not self.answerable(query, topic, docs[0], audience, threshold)) and query.context.feelings \
                and not topic.feelings_only and not topic.inherited and min_coverage is None \
                and (query.cancer_context or self._covers_all_told(docs, query, topic, audience)):
            # "I'm so scared I'm going to die. My scan is next week ...": the library does not answer the words
            # told around the feeling, so the feeling is answered, with coping material, not a refusal (not when
            # nothing of cancer care is told and the library does not cover all else that is: "feeling low since I
            # lost my job, is this depression?" is a general health question)
            topic = self._feeling_topic(query, topic)
            docs = self._for_the_writer(self._rank(query, topic, audience), query, topic)
        if not docs or not self.answerable(query, topic, docs[0], audience, threshold):
            return self._no_answer(topic, audience)

        answer_type = topic.aspect
        if answer_type is None and not query.context.feelings and len(query.question.split()) <= BARE_TOPIC_WORDS:
            answer_type = self.qtypes.by_name.get("what_is")  # "LCH?": a bare topic asks what it is
        reply = self._compose(docs, topic.weights, answer_type, audience, query=query,
                              with_suggestions=with_suggestions,
                              population=topic.population,
                              topic_title=state.topic_title if self._follows_up(query, topic, state) else None,
                              topic_words=state.topic)
        if update_state and reply.kind == "answer":
            if not topic.inherited:
                state.topic = " ".join(query.focus_words + [a for a in query.acronyms])
            # the page the answer was quoted from, which may not be the best-ranked one (a page with the
            # aspect's section): its follow-ups and suggestions are about it
            state.topic_title = reply.citations[0].title if reply.citations else docs[0].title
            state.population = topic.population or ""
            if query.aspect is not None:
                state.intent = query.aspect.name
        return reply

    def _rank(self, query: Query, topic: Resolved, audience: str) -> list[DocumentHit]:
        """The pages for the topic, ranked with the aspect, population and stage asked."""
        stage = query.context.stage
        staged_treatment = bool(stage) and topic.aspect is not None and topic.aspect.name == "treatment"
        return self.ranker.rank(topic.weights, audience=audience, k_docs=self.settings.top_k,
                                population=topic.population, narrow=topic.narrow,
                                concepts=self._concepts(topic, audience),
                                aspect_terms=self._aspect_terms(topic.aspect)
                                | self._population_terms(topic.population) | ({"stage"} if stage else set()),
                                aspect=topic.aspect.name if topic.aspect else None,
                                aspect_title_terms=self._aspect_title_terms(topic.aspect)
                                | ({"stage"} if stage and not staged_treatment else set())
                                | (self._side_effect_title_terms if query.blames_treatment else set()),
                                drug_terms=self.expander.drug_terms(topic.own_terms),
                                # "treatment for stage 3": a "Treatment by Stage" page, not the stages page
                                title_all={"treatment", "stage"} if staged_treatment else ())

    def _covers_all_told(self, docs: list[DocumentHit], query: Query, topic: Resolved, audience: str) -> bool:
        """The best page is about all the message tells besides the feeling, with no cancer word in it: it is a
        coping page named by all it names ("I can't stop crying ... how do I know if this is depression?"), or
        it holds nearly all of it ("so scared about his surgery next week": Surgery for Cancer)."""
        if not docs or not self.anchored(query, topic, docs[0], audience):
            return False
        named = {t for t in topic.own_terms if topic.weights.get(t, 0.0) >= 1.0}
        if COPING_PAGE in (docs[0].url or "") and named <= self.ranker.page_names(docs[0].doc_path, audience):
            return True
        return self.coverage(docs[0], topic, audience) >= WHOLE_COVERAGE

    @staticmethod
    def _for_someone_else(doc: DocumentHit, query: Query) -> bool:
        """A page for a spouse, a carer or children, when the writer names nobody else ("I'm so scared")."""
        return not query.context.people and bool(FOR_OTHERS_TITLE.search(doc.title))

    def _for_the_writer(self, docs: list[DocumentHit], query: Query, topic: Resolved) -> list[DocumentHit]:
        """A feeling told with nothing else named: the pages for the person with cancer first."""
        if not topic.feelings_only:
            return docs
        return sorted(docs, key=lambda d: self._for_someone_else(d, query))

    def _feeling_topic(self, query: Query, topic: Resolved) -> Resolved:
        """"I feel so angry", "I'm so scared", with nothing else named: the feeling is the topic, answered from
        the library's coping material (by the library's names for it too: "angry" is under "Anger")."""
        own = self.index.analyzer.tokens(" ".join([*query.context.feelings, *query.context.feeling_names]))
        weights = {t: 1.0 for t in own}
        for t in self.index.analyzer.tokens("cope feelings"):
            weights.setdefault(t, COPING_WORD_WEIGHT)
        return replace(topic, weights=weights, own_terms=list(dict.fromkeys(own)), aspect=None, feelings_only=True)

    def _names_other_disease(self, new: list[str], old: list[str]) -> bool:
        """Both turns name a disease ("mouth cancer" after "skin cancer"), and not the same one."""
        heads, tokens = self._disease_heads, self.index.analyzer.tokens
        new_terms = {t for term in new for t in tokens(term)}  # a lay phrase ("mouth cancer") is one own term
        old_terms = {t for term in old for t in tokens(term)}
        return bool(heads & new_terms) and bool(heads & old_terms) and bool(new_terms - heads - old_terms)

    def _follows_up(self, query: Query, topic: Resolved, state: ConversationState) -> bool:
        """The turn asks another aspect of the conversation's topic: it names no new topic, only an
        aspect ("what are the side effects?", "how long does it last?", "is it curable?")."""
        if not state.topic_title or query.new_topic:
            return False
        return not (set(query.own_terms) - self.qtypes.cue_terms)

    def _concepts(self, topic: Resolved, audience: str) -> list[Concept]:
        """Each focus term with the terms it was expanded to, weighted by its idf."""
        alternatives: dict[str, set[str]] = {t: {t} for t in topic.own_terms}
        for term, origins in topic.sources.items():
            for origin in origins:
                if origin in alternatives:
                    alternatives[origin].add(term)
        idf = self.ranker.idf_of
        weights, vocab = topic.weights, self.index.vocab
        concepts = []
        for t, alts in alternatives.items():
            # a phrase ("back passage") is weighed by the rarest library term standing for it
            weight = idf(t, audience) if t in vocab else max((idf(a, audience) for a in alts if a in vocab), default=0)
            phrases = tuple(frozenset(p) for p in topic.phrases.get(t, ()))
            # "MDS" is found in a title by its whole long form, not by one of its words
            alts = {a for a in alts if not any(a in p and len(p) > 1 for p in phrases)} or alts
            concepts.append(Concept(frozenset(alts), weight * min(weights.get(t, 1.0), 1.0), phrases))
        return [c for c in concepts if c.weight > 0]

    def _aspect_title_terms(self, aspect: QuestionType | None) -> set[str]:
        """Title words of pages written about the aspect asked ("... Screening", "... Prevention").
        Not for "what is" and treatment questions: the comprehensive page is the default for those."""
        if aspect is None or aspect.name in ("what_is", "treatment"):
            return set()
        return {t for phrase in aspect.sections for t in phrase} - GENERIC_ASPECT_TERMS

    def _population_terms(self, population: str | None) -> set[str]:
        """Title words that fit who the question is about ("Talking to Children about Cancer")."""
        return set(self._population_title_terms.get(population or "", ()))

    def _aspect_terms(self, aspect: QuestionType | None) -> set[str]:
        if aspect is None:
            return set()
        return {t for phrase in aspect.cues + aspect.sections for t in phrase}

    def _covered_together(self, weights: dict[str, float], own: list[str], sources: dict[str, set[str]],
                          audience: str) -> bool:
        docs = self.ranker.rank(weights, audience=audience, k_docs=1)
        together = Resolved(weights, own, sources, None, None, False)
        return bool(docs) and self.coverage(docs[0], together, audience) >= 0.75

    # --- abstention -----------------------------------------------------------------------
    def answerable(self, query: Query, topic: Resolved, doc: DocumentHit, audience: str, threshold: float) -> bool:
        """Answer only when the library covers the focus: not on context words, not on a graze.

        - most focus words must be words the library uses ("routers" are not);
        - the message must name something of cancer care (a cancer word, a drug, an acronym the
          library defines): the side-effect page on flu-like symptoms does not answer "what are the
          symptoms of the flu";
        - the best page must contain enough of the focus (idf-weighted coverage);
        - the page must be *about* part of the focus: a focus concept (or, for a message about
          feelings, the library's words for them) is in its title. "diabetes" mentioned in one
          paragraph of a long page is a graze, not an answer.
        """
        if not topic.inherited:
            if query.unknown_share > self.settings.max_unknown_share:
                return False
            if not query.cancer_context and not topic.in_conversation and not topic.feelings_only:
                # a general health question: "symptoms of the flu", "lower my cholesterol" (a feeling told to a
                # cancer-care service with nothing else named, "I'm so scared", is answered with coping material)
                return False
        # "I feel angry all the time, I snap at everyone": feelings, and only everyday words besides, are
        # answered from coping material when a page about feelings is found (anchored below)
        feelings_only = bool(query.context.feelings) and all(
            topic.weights.get(t, 0.0) <= PLAIN_WEIGHT for t in topic.own_terms)
        if not feelings_only and self.coverage(doc, topic, audience) < threshold:
            return False
        # a follow-up answered from the page the conversation is already on needs no new anchor
        if self.anchored(query, topic, doc, audience):
            return True
        return topic.in_conversation and doc.title == topic.previous_title

    def anchored(self, query: Query, topic: Resolved, doc: DocumentHit, audience: str) -> bool:
        """A focus concept, or the steering words of a message about feelings, names the page: it is
        in the page's title or in one of its short headings ("Polycythemia Vera" inside the page on
        chronic myeloproliferative neoplasms)."""
        names = self.ranker.page_names(doc.doc_path, audience)
        generic = self.ranker.partition(audience).generic
        if any(c.found_in(names, generic) for c in self._concepts(topic, audience)):
            return True
        # "the most common cancers in children and teenagers": the people asked about name the page
        population = {self.index.analyzer.term(w) for w in query.context.population_words}
        if population & names:
            return True
        return bool(query.context.feelings) and bool(set(query.steer) & names)

    def coverage(self, doc: DocumentHit, topic: Resolved, audience: str = "patient") -> float:
        """Weighted share of the focus concepts that the page's best passages contain.

        A concept is found through any of its terms ("liver damage" is answered by "liver injury",
        "ALL" by "acute lymphoblastic leukemia"); plain words weigh less than topic words.
        """
        return self.ranker.concept_coverage([h.index for h in doc.passages], self._concepts(topic, audience))

    def _no_answer(self, topic: Resolved, audience: str) -> Reply:
        if audience == "patient" and topic.own_terms:
            professional = self.ranker.rank(topic.weights, audience="clinician", k_docs=1)
            if professional and self.coverage(professional[0], topic, "clinician") >= 0.75:
                return Reply(kind="no_answer", text=self._say("clinician_only"))
        return Reply(kind="no_answer", text=self._say("no_answer"))

    def _clarify(self, qtype: QuestionType, audience: str) -> Reply:
        cues = " ".join(" ".join(c) for c in qtype.cues[:3])
        docs = self.ranker.rank(self.expander.expand(cues), audience=audience, k_docs=8)
        # (not "cancer", a word of the cue "cancer check": "Cervical Cancer" is the name, not "Cervical")
        aspect = {t for cue in qtype.cues + qtype.sections for t in cue} - {"cancer"}
        names: list[str] = []
        analyzer = self.index.analyzer
        for d in docs:
            # the title without the aspect's words at either end ("Stomach Cancer Diagnosis and Staging" names
            # "Stomach Cancer"); one inside it ("Chemotherapy to Treat Cancer") leaves no name
            words = [w for w in self.topic_name(d.title).split() if w.lower() not in ("understanding", "the")]
            while words and (not analyzer.tokens(words[-1]) or analyzer.term(words[-1].lower()) in aspect):
                words.pop()
            while words and (not analyzer.tokens(words[0]) or analyzer.term(words[0].lower()) in aspect):
                words.pop(0)
            if any(analyzer.term(w.lower()) in aspect for w in words):
                continue
            name = " ".join(words)
            if set(analyzer.tokens(name)) - {"cancer"} and name.lower() not in (n.lower() for n in names):
                names.append(name)
        names = names[:3]
        return Reply(
            kind="clarify",
            text=self._say("clarify") + " " + ", ".join(names) + ".",
            suggestions=[qtype.suggestion.format(topic=n) for n in names],
        )

    # --- composing ------------------------------------------------------------------------
    def _page_hit(self, doc_path: str, audience: str) -> DocumentHit | None:
        """A page as a DocumentHit with all its passages (reading order, score 0)."""
        try:
            indices = self.ranker.doc_passages(doc_path, audience)
        except KeyError:
            return None
        if not indices:
            return None
        return DocumentHit(doc_path, 0.0, [Hit(self.index.passages[g], 0.0, g) for g in indices])

    def _page_by_title(self, title: str, audience: str) -> DocumentHit | None:
        if not title:
            return None
        paths = self._title_paths.get(audience)
        if paths is None:
            paths = {}
            for p in self.index.passages:
                if audience != "patient" or p.audience == "patient":
                    paths.setdefault(p.title, p.doc_path)
            self._title_paths[audience] = paths
        path = paths.get(title)
        return self._page_hit(path, audience) if path else None

    def _aspect_passages(self, doc: DocumentHit, qtype: QuestionType, audience: str) -> Iterator[int]:
        """The page's passages in a section on the aspect (lazily: callers may stop at the first)."""
        return (g for g in self.ranker.doc_passages(doc.doc_path, audience)
                if self.qtypes.section_score(qtype, self.index.passages[g].section) == 2
                and not is_boilerplate(self.index.passages[g].section))

    def _has_section(self, doc: DocumentHit, qtype: QuestionType, audience: str) -> bool:
        return next(self._aspect_passages(doc, qtype, audience), None) is not None

    def _about_topic(self, doc: DocumentHit, words: str) -> bool:
        """The page's title names the conversation's topic ("Side Effects of Immunotherapy" for immunotherapy)."""
        generic = self.ranker.partition("patient").generic
        terms = set(self.index.analyzer.tokens(words)) - generic - self.qtypes.cue_terms
        return bool(terms) and terms <= set(self.index.analyzer.tokens(doc.title))

    def _page_for_whom(self, docs: list[DocumentHit], main: DocumentHit, topic: set[str],
                       fits: Callable[[DocumentHit], bool]) -> DocumentHit | None:
        """The first of the pages after the best one (`main`, first of `docs`), within FOR_WHOM_NEAR of its score,
        that is for the people the question is about (`fits`) and whose title names all of its `topic`."""
        if not topic:
            return None
        tokens = self.index.analyzer.tokens
        return next((doc for doc in docs[1:FOR_WHOM_PAGES] if doc.score >= FOR_WHOM_NEAR * main.score
                     and fits(doc) and topic <= set(tokens(doc.title))), None)

    def _page_says(self, doc: DocumentHit, terms: AbstractSet[str], audience: str) -> bool:
        """Some passage of the page holds one of the terms."""
        return any(not terms.isdisjoint(self.ranker.passage_terms(g))
                   for g in self.ranker.doc_passages(doc.doc_path, audience))

    def _main_page(self, docs: list[DocumentHit], weights: dict[str, float], qtype: QuestionType | None,
                   audience: str, topic_title: str | None, topic_words: str = "",
                   ages: Sequence[int] = (), sex: str | None = None, treatment_told: bool = True,
                   asked: AbstractSet[str] = frozenset(),
                   sources: Mapping[str, AbstractSet[str]] | None = None) -> DocumentHit:
        """The page the answer is quoted from: normally the best page; a follow-up's aspect comes from the
        conversation's page when that page has a section for it ("what are the side effects?" after colon
        cancer); a rare word of the question that only another top page has as a heading ("grapefruit")
        moves the answer to that page. `asked`: the terms the question's own clause names; `sources`: the
        library's words read from the question's, with the words they stand for."""
        sources = sources or {}
        analyzer = self.index.analyzer
        main = docs[0]
        # The question's own clause asks about something the best page never says ("I have an ovarian germ cell
        # tumour, can I still have children after treatment?": fertility, which the tumour's page never mentions):
        # a page nearly as good whose title names it answers (the story's words matched the best page).
        # (said in the library's words for it too: "myelogenous" as "myeloid")
        specific = {t for t, idf in self._patient_idf(asked).items()
                    if idf >= ASKED_WORD_IDF and weights.get(t, 0.0) >= 1.0} if topic_title is None else set()
        words_for = {t: {t} | read_from(sources, {t}) for t in specific}
        unsaid = {t for t in specific if not self._page_says(main, words_for[t], audience)}
        if unsaid:
            saying = next((doc for doc in docs[1:3] if doc.score >= ASKED_NEAR * main.score
                           and all(words_for[t] & set(analyzer.tokens(doc.title)) for t in unsaid)), None)
            if saying is not None:
                return saying
        if topic_title and qtype is not None and qtype.name != "what_is" and main.title != topic_title \
                and not self._about_topic(main, topic_words):
            earlier = next((d for d in docs if d.title == topic_title), None) or self._page_by_title(
                topic_title, audience)
            if earlier is not None and self._has_section(earlier, qtype, audience):
                return earlier
        # Pages that match the words almost equally (the next two within NEAR_SCORE): the one with a section on the
        # aspect asked answers it ("skin gone red from radiation, what can I put on it?": the skin changes page's
        # tips, not skin cancer prevention).
        near = [doc for doc in docs[1:3] if doc.score >= NEAR_SCORE * main.score]
        named = {t for t, w in weights.items() if w >= 0.5}  # with expansions: "cml" names "chronic myeloid ..."
        if qtype is not None and qtype.name != "what_is" and not self._has_section(main, qtype, audience):
            section_page = next((doc for doc in near if self._has_section(doc, qtype, audience)), None)
            if section_page is not None:
                return section_page
        # A page whose title names the aspect asked and the topic ("Radiation Therapy Side Effects") answers
        # it more fully than a page on the topic with one short passage on it ("Radiation Therapy for Cancer").
        if qtype is not None and qtype.name != "what_is" and not self.qtypes.section_score(qtype, main.title) \
                and len(list(islice(self._aspect_passages(main, qtype, audience), 2))) <= 1:  # one passage at most
            main_named = named & set(analyzer.tokens(main.title))
            for doc in docs[1:3]:
                title_terms = set(analyzer.tokens(doc.title))
                if doc.score >= TITLE_ASPECT_NEAR * main.score and self.qtypes.section_score(qtype, doc.title) == 2 \
                        and named & title_terms and main_named <= title_terms:
                    return doc
        # A page not for children gives way to a children's page as good a match when a child's age is told ("can a
        # 16 year old girl get cervical cancer?": childhood cervical and vaginal cancers; not "Wilms tumor and other
        # childhood kidney tumors", a children's disease named), or to the children's page on the same disease a
        # little further behind ("my 11 year old ... thyroid cancer, how is it treated in kids?": "Childhood Thyroid
        # Cancer", not the adults' "Thyroid Cancer Treatment")
        if any(a < ADULT_AGE for a in ages) and population_of(main.title) != "child":
            disease = named & set(analyzer.tokens(TITLE_NOISE.sub(" ", main.title)))
            childrens = next((doc for doc in near if population_of(doc.title) == "child"), None) or self._page_for_whom(
                docs, main, disease, lambda doc: population_of(doc.title) == "child")
            if childrens is not None:
                return childrens
        # ... and a page for the other sex to the page for the one the words say, on the same topic ("can I freeze
        # sperm before chemo?": Male Fertility and Cancer, not Female Fertility and Cancer at 1.04 of its score)
        if sex is not None and page_sex(main.title) not in (None, sex):
            sex_words = set(analyzer.tokens(" ".join(w for names in SEX_TITLE_WORDS.values() for w in names)))
            same = self._page_for_whom(docs, main, (named & set(analyzer.tokens(main.title))) - sex_words,
                                       lambda doc: page_sex(doc.title) == sex)
            if same is not None:
                return same
        # ... and a page on a treatment's side effect to a page on the signs asked about, as good a match, when no
        # treatment is told ("blood in my wee but no pain, could it be bladder cancer?": Bladder Cancer Symptoms, not
        # urinary problems after cancer treatment)
        if not treatment_told and qtype is not None and qtype.name == "symptoms" \
                and SIDE_EFFECT_PAGE.search(main.url or ""):
            other = next((doc for doc in near if self.qtypes.section_score(qtype, doc.title) == 2
                          and not SIDE_EFFECT_PAGE.search(doc.url or "")), None)
            if other is not None:
                return other
        # ... and a page on one cancer whose name the question does not say ("every twinge I panic that it's come
        # back. how do people live with this fear?": breast cancer survivorship) to a general page as good a match
        # (life after treatment)
        cancer = CANCER_TYPE_URL.search(main.url or "")
        if cancer and not set(analyzer.tokens(cancer.group(1).replace("-", " "))) & set(weights):
            general = next((doc for doc in near if not is_cancer_page(doc.url)), None)
            if general is not None:
                return general
        # "bile duct cancer?": the page titled "What Is Bile Duct Cancer?" says what it is, before its treatment page
        # (not for a follow-up, nor over a page for children: "can children get it?" after "what is stomach cancer")
        own = {t for t, w in weights.items() if w >= 0.9}
        if qtype is not None and qtype.name == "what_is" and not self.qtypes.section_score(qtype, main.title) \
                and topic_title is None and population_of(main.title) is None:
            for doc in docs[1:WHAT_IS_PAGES]:
                if self.qtypes.section_score(qtype, doc.title) == 2 and own <= set(analyzer.tokens(doc.title)):
                    return doc
        # A page chosen without any of the question's words in its title ("Nutrition During Cancer" for
        # "can I eat grapefruit on chemo") gives way to a top page with a section named by the question's
        # rarest word ("Questions and Answers About Grapefruit").
        if not own or named & set(analyzer.tokens(main.title)):
            return main
        if any(len(named & heading) >= len(own) for heading in self.ranker.page_headings(main.doc_path, audience)):
            return main  # a short heading names it all ("Atypical Chronic Myeloid Leukemia" for "... myelogenous ...")
        idf = self._patient_idf(own)
        if not idf:
            return main
        rarest = max(idf, key=lambda t: idf[t])

        def in_headings(doc: DocumentHit) -> bool:
            for g in self.ranker.doc_passages(doc.doc_path, audience):
                headings = self.index.passages[g].section.split(" > ")
                if any(len(h.split()) <= 6 and rarest in analyzer.tokens(h) for h in headings):
                    return True
            return False

        if in_headings(main) or any(t.startswith(rarest) for g in self.ranker.doc_passages(main.doc_path, audience)
                                    for t in self.ranker.passage_terms(g)):
            # (a page that speaks of it answers: "photos" are the "flash photographs" of the retinoblastoma page)
            return main
        for doc in docs[1:3]:
            if in_headings(doc):
                return doc
        return main

    def _heading_overlap(self, section: str, focus: dict[str, float]) -> float:
        """Share (idf-weighted) of the focus terms named by a passage's headings."""
        if not focus:
            return 0.0
        idf = self._patient_idf(focus)
        heading = set(self.index.analyzer.tokens(section.replace(" > ", " ")))
        total = sum(idf.values()) or 1.0
        return round(sum(v for t, v in idf.items() if t in heading) / total, 1)

    def _topic_words(self, weights: Mapping[str, float]) -> dict[str, float]:
        """The question's words and the library's words read from them, without those every page uses."""
        generic = self.ranker.partition("patient").generic
        return {t: w for t, w in weights.items() if w >= SYNONYM_WEIGHT and t not in generic}

    @staticmethod
    def _section_words_said(qtype: QuestionType | None, asked: str) -> list[re.Pattern]:
        """The aspect's heading stopwords ("during") that the question says, as patterns to find in headings."""
        if qtype is None:
            return []
        lowered = asked.lower()
        return [said for w in qtype.section_words if (said := re.compile(rf"\b{re.escape(w)}")).search(lowered)]

    def _candidates(self, main: DocumentHit, qtype: QuestionType | None, audience: str,
                    population: str | None, stage: str | None, feelings: bool,
                    focus: dict[str, float] | None = None, recurrence: bool = True,
                    answer_words: AnswerCues = NO_CUES, ages: Sequence[int] = (), asked: str = "") -> list[tuple]:
        """Passages of the page to choose units from: the aspect's section first; never another population
        or stage than the one asked, nor cancer that came back unless `recurrence` was said (when the page
        has other passages); for a message about feelings, never a disorder's symptoms list. `asked`: the
        question as written, whose own aspect words a heading may echo."""
        hit_scores = {h.index: h.score for h in main.passages}
        page = self._allowed_passages(main, qtype, audience, population, stage, feelings, recurrence, ages)
        if stage is not None:
            base = numeral(stage)  # ("stage 1B" is of stage I, as headings are read)
            staged = [g for g in page if base in stages_named(self.index.passages[g].section)]
            # "stage 1B": the section on IB, not the one on IA, when the page parts them
            exact = [g for g in staged if names_substage(self.index.passages[g].section, stage)]
            staged = exact or staged
            if staged:
                # "stage 3 ..., what happens now?": the treatment of that stage, unless another aspect was asked
                # ("what are the stages" is not asked when the stage is named)
                aspect = qtype if qtype is not None and qtype.name not in ("what_is", "stages") \
                    else self.qtypes.by_name.get("treatment")
                fits = {g: self.qtypes.section_score(aspect, self.index.passages[g].section) for g in staged}
                if any(fits.values()):
                    staged = [g for g in staged if fits[g]]  # only the aspect's section of that stage
                staged.sort(key=lambda g: (-fits[g], self.index.passages[g].order))
                return [(self.index.passages[g], g, hit_scores.get(g, 0.0)) for g in staged[:4]]
        added = self._added_to_title(main.title, focus or {})
        fit: dict[int, int] = {}
        if qtype is not None:
            for g in page:
                section = self.index.passages[g].section
                score = self.qtypes.section_score(qtype, section)
                own_heading = section.rsplit(" > ", 1)[-1]
                if score and qtype.name != "outlook" and PROGNOSIS.search(own_heading):
                    score = 1  # "factors affect prognosis and treatment options" is about the outlook
                if score and qtype.name == "treatment" and (
                        RECURRENCE.search(own_heading) or (self._names_earlier_aspect(own_heading, qtype)
                                                           and not NEWLY_DIAGNOSED.match(own_heading))
                        or (qtype.sentence_exclude is not None and qtype.sentence_exclude.search(own_heading))):
                    # "... can recur (come back) after it has been treated", "Treatment for X may cause side
                    # effects.", "The results of the tests ... are used to plan treatment", and a heading that is a
                    # sentence not answering the question ("... should have their treatment planned by a team of
                    # health care providers"): not how it is treated
                    score = 1
                if score:
                    fit[g] = score
            if not fit and qtype.name != "what_is":
                # No heading names the aspect, but a passage may open with it ("Most anal cancers are related
                # to HPV infection > Risk factors for anal cancer include: ..."): its first sentence is read as
                # its heading.
                fit = {g: 1 for g in page if self._opens_with_aspect(g, qtype)}
            if qtype.name != "what_is" and self.qtypes.section_score(qtype, main.title) == 2 \
                    and not any(under_key_points(self.index.passages[g].section) for g in page):
                # the whole page is the aspect ("Treatment of Stomach Cancer", a page of one section per
                # treatment, with no summary list): a section named by what the question adds to the title ("is
                # surgery the main one?": "Surgery > Gastrectomy") answers it
                analyzer = self.index.analyzer
                for g in page:
                    # ... and its opening says how, before any section ("Talking to Children about Your Cancer":
                    # "It's important to be honest. Telling the truth is better than letting them imagine the worst.");
                    # not for what helps, whose opening says what the problem is
                    if added & set(analyzer.tokens(self.index.passages[g].section)) \
                            or self.index.passages[g].section == OVERVIEW and qtype.name != "self_care":
                        fit.setdefault(g, 1)
        # Among sections that fit the aspect, those whose headings name the question's topic first
        # ("Treatment of Chronic Eosinophilic Leukemia", not "Essential Thrombocythemia > ... treatment options").
        generic = self.ranker.partition("patient").generic
        topic = self._topic_words(focus or {})
        named = {g: self._heading_overlap(self.index.passages[g].section, topic) for g in fit}
        # the aspect's stopwords as the question says them ("what happens during radiotherapy?": "What happens
        # during a treatment session", not "What happens before your first external beam radiation therapy
        # treatment", which names the topic but not the moment asked)
        said = self._section_words_said(qtype, asked)
        echoed = {g: sum(1 for w in said if w.search(self.index.passages[g].section.rsplit(" > ", 1)[-1].lower()))
                  for g in fit} if said else {}
        # "what is it?" is answered where the page starts; other aspects where the words match best
        first = qtype is not None and qtype.name == "what_is"
        by_order = qtype is not None and qtype.name in ("what_is", "diagnosis")

        def labelled(g: int) -> bool:  # "Treatment of Low-Risk Neuroblastoma", not a key-point sentence
            return is_label(self.index.passages[g].section.rsplit(" > ", 1)[-1])

        def headed_by_name(g: int) -> bool:  # "Essential Thrombocythemia > ...": the part named by the topic
            top = set(self.index.analyzer.tokens(self.index.passages[g].section.split(" > ", 1)[0])) - generic
            return bool(top) and top <= set(topic)

        labels_first = qtype is not None and qtype.labels_first
        overview = self._treatment_overview(main, fit, topic, qtype, stage)
        if overview:
            return [(self.index.passages[g], g, hit_scores.get(g, 0.0)) for g in sorted(overview)]
        # "how is hepatoblastoma treated?", with no stage and no recurrence said: the treatment of the newly
        # diagnosed disease, not the description of one of its treatments
        newly = {g for g in fit if NEWLY_DIAGNOSED.match(self.index.passages[g].section.rsplit(" > ", 1)[-1])} \
            if qtype is not None and qtype.name == "treatment" and stage is None and not recurrence else set()
        # ... and for "what is the treatment for ALL in kids?", with no group named, a section for everyone with the
        # disease ("Treatment phases of childhood ALL") before one for a group the question does not name
        # ("Treatment of children with Down syndrome and ALL")
        extra = self._heading_extra_words(main, fit, qtype, focus) \
            if qtype is not None and qtype.name == "treatment" and stage is None else {}
        matched = sorted(fit, key=lambda g: (-fit[g], -echoed.get(g, 0), g not in newly, extra.get(g, 0), -named[g],
                                             labels_first and not labelled(g),
                                             self.index.passages[g].order if by_order else 0,
                                             -hit_scores.get(g, 0.0), self.index.passages[g].order))
        if first:
            # The page's own words on what it is: not its summary list, nor a section on another aspect
            # ("Signs of prostate cancer include ...", "Tests that examine the prostate ..."). On a page of
            # several diseases, the part headed by the one asked about ("Essential Thrombocythemia > ...").
            def heading(g: int) -> str:
                # the untitled opening ("Overview") of a page titled "What Is Bile Duct Cancer?" says what it is
                p = self.index.passages[g]
                return p.title if p.section == OVERVIEW and self.qtypes.section_score(qtype, p.title) == 2 \
                    else p.section

            overlap = {g: self._heading_overlap(heading(g), topic) for g in page
                       if not self._other_aspect(self.index.passages[g].section, qtype)}
            about = [g for g, share in overlap.items() if g in fit or share > 0]
            analyzer = self.index.analyzer

            named_part = [g for g in about if headed_by_name(g)]
            if named_part and not any(overlap[g] for g in about if g in fit):
                about = named_part  # the page's general part names another disease
            about.sort(key=lambda g: (-overlap[g], -fit.get(g, 0), self.index.passages[g].order))
            matched = about or matched
        elif added and (beyond := [g for g in matched if added <= set(self.index.analyzer.tokens(
                self.index.passages[g].section.rsplit(" > ", 1)[-1]))]):
            # a section whose own heading names all the question adds to the title ("burkitt lymphoma in children"
            # on the childhood non-Hodgkin lymphoma page): that section, not the rare types' beside it (all of them:
            # "low grade astrocytoma" is not answered by "high-grade glioma")
            matched = beyond
        elif sum(1 for g in matched if named.get(g)) >= MIN_NAMED_PASSAGES:
            # the sections on the aspect named by the question's topic ("Questions and Answers About Grapefruit >
            # ... drug interactions"), not the same aspect of another topic on the page (antioxidants)
            matched = [g for g in matched if named.get(g)]
            # and of those, the part of a page of several diseases headed by the one asked about ("Atypical
            # Chronic Myeloid Leukemia > ... prognosis", not "Chronic Myelomonocytic Leukemia > ... prognosis")
            by_name = [g for g in matched if headed_by_name(g)]
            if by_name:
                least = min(named[g] for g in by_name)
                matched = [g for g in matched if headed_by_name(g) or named[g] >= least]
        if matched:
            return [(self.index.passages[g], g, hit_scores.get(g, 0.0)) for g in matched[:4]]
        if qtype is not None and qtype.fallback in self.qtypes.by_name:
            return self._candidates(main, self.qtypes.by_name[qtype.fallback], audience, population, stage, feelings,
                                    focus, recurrence, answer_words, ages)
        ok = set(page)
        hits = [(h.passage, h.index, h.score) for h in main.passages if h.index in ok][:6]
        if not hits:  # a page opened by title (no scores): its first passages
            return [(self.index.passages[g], g, 0.0) for g in page[:6]]
        if answer_words and topic:
            # No section fits the question type, and the passages that match the words best may not hold
            # the kind of answer asked ("how long": a list of when nausea starts and stops, further down):
            # the page's passages that name the topic and hold an answer word are read too.
            taken = {g for _, g, _ in hits}
            floor = min(score for _, _, score in hits)

            def weight(g: int) -> float:
                terms = self.ranker.passage_terms(g)
                if not answer_words.matches(terms, self.index.passages[g].text):
                    return 0.0
                return sum(w for t, w in topic.items() if t in terms)

            extra = sorted((g for g in page if g not in taken), key=lambda g: (-weight(g), g))
            hits += [(self.index.passages[g], g, floor) for g in extra[:EXTRA_PASSAGES] if weight(g) > 0]
        return hits

    def _overview_led(self, units: list, main: DocumentHit, docs: list[DocumentHit], query: Query,
                      qtype: QuestionType | None, weights: dict[str, float], scoring: dict[str, float],
                      idf: dict[str, float], audience: str, population: str | None, feelings: bool) -> list:
        """An overview of the treatments that also answers a yes-or-no question asked with it ("treatment options,
        is surgery the main one?"): led by the sentence that says it, from the page or a page ranked after it
        ("Gastrectomy ... is the main treatment for stage II stomach cancer and stage III stomach cancer")."""
        ages = query.context.ages
        for other in query.asked:
            if other is qtype or not other.leads_with_answer or says_answer(other, units):
                continue
            subject = self._subject(weights, main, query, other)
            said = (units, other, scoring, idf, audience, population, None, feelings, query.context.recurrence, ages,
                    subject)
            verdict = self._verdict_unit(main, *said) or self._verdict_elsewhere(docs, main, *said)
            if verdict is not None:
                return self._flatten([verdict]) + units
        return units

    def _from_other_chapter(self, main: DocumentHit, chosen: list, qtype: QuestionType, scoring: dict[str, float],
                            idf: dict[str, float], audience: str, population: str | None, ages: Sequence[int]) -> list:
        """For a type answered from another's sections too (`also_from`): the best unit of the page's top-level
        chapters on that aspect that no chosen unit is from ("Drug Treatment for Hot Flashes ...: Megestrol ...
        are non-estrogen drugs used to control hot flashes", beside "Non-Drug Treatment ... > Comfort measures"),
        not their summary lists."""
        other = self.qtypes.by_name.get(qtype.also_from or "")
        if other is None or not chosen:
            return []
        passages = self.index.passages

        def chapter(g: int) -> str:
            return passages[g].section.split(" > ", 1)[0]

        shown = {chapter(u.passage_index) for u in chosen}
        page = self._allowed_passages(main, other, audience, population, None, False, False, ages)
        fitting = [g for g in page if chapter(g) not in shown and not under_key_points(passages[g].section)
                   and self.qtypes.section_score(other, chapter(g)) == 2]
        hit_scores = {h.index: h.score for h in main.passages}
        fitting.sort(key=lambda g: (-hit_scores.get(g, 0.0), passages[g].order))
        candidates = [(passages[g], g, hit_scores.get(g, 0.0)) for g in fitting[:ALSO_FROM_PASSAGES]]
        # one with the asking type's answer words ("used to control"), not the chapter's heading ("Hot flashes and
        # night sweats may be controlled with estrogen replacement therapy", which the next sentence says many
        # cannot take); else one with the other type's ("preserve" for "will I be able to have kids later?")
        scored = [unit for _value, unit in score_units(candidates, scoring, idf, self.index.analyzer, ages=ages)
                  if not unit.is_item and not unit.text.endswith(":")]
        return next(([unit] for answers in (qtype.answers, other.answers) for unit in scored
                     if answers.matches(unit.terms, unit.text)), [])

    def _added_to_title(self, title: str, weights: Mapping[str, float], least: float = 1.0) -> set[str]:
        """The question's own words (at full weight, or at `least`: with their expansions) that the page's title
        does not say, without those every page uses: what the question adds to the page ("surgery" on a treatment
        page, "burkitt" on the childhood non-Hodgkin lymphoma page)."""
        return {t for t, w in weights.items() if w >= least} - set(self.index.analyzer.tokens(title)) \
            - self.ranker.partition("patient").generic

    def _heading_extra_words(self, main: DocumentHit, fit: Iterable[int], qtype: QuestionType,
                             focus: Mapping[str, float] | None) -> dict[int, int]:
        """How many words of each passage's own heading name neither the page, the question nor the aspect: the
        group or situation a section is for ("down", "syndrom" of "Treatment of children with Down syndrome").
        Empty when the question names a section's group or treatment itself ("... will he need radiation?")."""
        tokens = self.index.analyzer.tokens
        known = set(tokens(main.title)) | {t for phrase in qtype.sections for t in phrase} \
            | self.ranker.partition("patient").generic | set(tokens(USUAL_GROUP))
        own = {g: set(tokens(self.index.passages[g].section.rsplit(" > ", 1)[-1])) for g in fit}
        if any((set(focus or {}) - known) & words for words in own.values()):
            return {}
        return {g: len(words - known) for g, words in own.items()}

    def _allowed_passages(self, main: DocumentHit, qtype: QuestionType | None, audience: str,
                          population: str | None, stage: str | None, feelings: bool, recurrence: bool = True,
                          ages: Sequence[int] = ()) -> list[int]:
        """The page's passages an answer may quote: not furniture, nor another population or stage, nor cancer
        that came back unless `recurrence` was said (when the page has other passages), nor, for a message
        about feelings, a disorder's symptoms unless that is what was asked."""
        def allowed(g: int, recurrent_ok: bool) -> bool:
            p = self.index.passages[g]
            if is_boilerplate(p.section) or conflicts(p, population, stage, recurrent_ok, ages):
                return False
            if feelings and SYMPTOM_SECTION.search(p.section) and (
                    qtype is None or not self.qtypes.section_score(qtype, p.section)):
                return False  # a disorder's symptoms or diagnosis, unless that is what was asked
            return True

        passages = self.ranker.doc_passages(main.doc_path, audience)
        return [g for g in passages if allowed(g, recurrence)] or [g for g in passages if allowed(g, True)]

    def _opens_with_aspect(self, g: int, qtype: QuestionType) -> bool:
        """The passage opens with a lead-in that names the aspect, as a heading would ("Risk factors for anal
        cancer include:" and its list)."""
        first = self.index.passages[g].text.lstrip().split("\n", 1)[0].strip()
        return first.endswith(":") and len(first.split()) <= MAX_LEAD_IN_WORDS \
            and self.qtypes.section_score(qtype, first) == 2

    def _heading_aspects(self, heading: str) -> list[QuestionType]:
        """The question types (but "what is it?") whose section this heading is, in file order."""
        return [t for t in self.qtypes.types if t.name != "what_is" and t.heading_aspect
                and self.qtypes.section_score(t, heading) == 2]

    def _names_earlier_aspect(self, heading: str, qtype: QuestionType) -> bool:
        """The heading fits a more specific question type than the one asked (the types are in order, most
        specific first): "Treatment for X may cause side effects." is the side effects' section."""
        earlier = self.qtypes.types[:self.qtypes.types.index(qtype)]
        # (a stage names which part of the page: "Treatment of Stage I X" is how stage I is treated)
        return any(t in earlier and t.name != "stages" for t in self._heading_aspects(heading))

    def _treatment_overview(self, main: DocumentHit, fit: dict[int, int], topic: dict[str, float],
                            qtype: QuestionType | None, stage: str | None) -> set[int]:
        """For "how is X treated?" with no stage, risk group or situation named: the page's summary list of
        treatment types ("The following types of treatment are used: Surgery, ..."), before the sections on
        one stage ("Treatment of Low-Risk Neuroblastoma" is for some children only)."""
        if qtype is None or qtype.name != "treatment" or stage is not None:
            return set()
        passages, analyzer = self.index.passages, self.index.analyzer
        narrowing = set(topic) - set(analyzer.tokens(main.title))
        if any(narrowing & set(analyzer.tokens(passages[g].section)) for g in fit):
            return set()  # "extensive-stage SCLC": a section is named by what the question adds to the page
        return {g for g in fit if under_key_points(passages[g].section) and any(
            u.items and u.is_item and TREATMENT_TYPES.search(u.text)
            for u in passage_units(passages[g], g, analyzer))}

    def _section_overview(self, main: DocumentHit, query: Query, qtype: QuestionType | None,
                          focus: dict[str, float], audience: str, population: str | None) -> list[Unit]:
        """For "how is it treated?" or "what tests are used to diagnose it?", asked with nothing narrower, on
        a page with one section per treatment or test under the aspect's heading ("Types of treatment for
        hepatoblastoma > Surgery, > Chemotherapy, ..."; or a page titled by the aspect, "Treatment of Stomach
        Cancer", with one section per treatment), or on a PDQ page whose "Key Points" list only names them
        ("Surgery", "Radiation therapy") with a section on each under "The following types of treatment are
        used:": the heading's opening sentence, then the first sentence of each part. The best-matching single
        section would answer with one treatment (radiation therapy) as if it were the only one, and bare names
        say nothing of what each treatment is."""
        if qtype is None or qtype.name not in OVERVIEW_ASPECTS or query.context.stage \
                or query.context.recurrence:
            return []
        passages, analyzer = self.index.passages, self.index.analyzer
        page = self._allowed_passages(main, qtype, audience, population, None, False, False, query.context.ages)
        # a PDQ page: its summary list of treatments names them ("Surgery", "Radiation therapy"), and a heading
        # with that list's lead-in ("The following types of treatment are used:") has a section for each
        summary_page = any(under_key_points(passages[g].section) for g in page)
        by_section: dict[str, list[int]] = {}
        for g in page:
            by_section.setdefault(passages[g].section, []).append(g)
        if summary_page:
            if qtype.name != "treatment":
                return []  # (its tests are a key point's list of their own, already the usual choice)
            heads = [s for s in by_section if TYPES_USED.match(s.rsplit(" > ", 1)[-1])] \
                + list({s.rsplit(" > ", 1)[0] for s in by_section if " > " in s
                        and TYPES_USED.match(s.rsplit(" > ", 1)[0].rsplit(" > ", 1)[-1])})
        else:
            if qtype.name == "treatment" and any(SITUATION.match(s.rsplit(" > ", 1)[-1]) for s in by_section):
                return []  # "Treatment of newly diagnosed X" says what is done: the usual choice quotes it
            heads = [s for s in by_section if self.qtypes.section_score(qtype, s.rsplit(" > ", 1)[-1]) == 2]
            title_terms = set(analyzer.tokens(main.title))
            if ASPECT_TITLE.search(main.title) and self.qtypes.section_score(qtype, main.title) == 2 \
                    and " | " not in main.title and not qtype.answers.matches(title_terms, main.title):
                heads.append("")  # the page is the aspect: its opening section introduces its top-level ones

        def parts_of(head: str) -> list[str]:
            depth = head.count(" > ") + 1 if head else 0
            return [s for s in by_section if s.count(" > ") == depth and (not head or s.startswith(head + " > "))
                    and s != OVERVIEW and not SITUATION.match(s.rsplit(" > ", 1)[-1])
                    and not any(t is not qtype for t in self._heading_aspects(s))]

        parts_by_head = {h: parts_of(h) for h in heads}
        best = max(heads, key=lambda h: len(parts_by_head[h]), default=None)
        if best is None or len(parts_by_head[best]) < MIN_OVERVIEW_PARTS:
            return []
        # the question names a part ("is surgery the main one?", "what happens during a cystoscopy?") or a
        # situation the page treats apart ("if it has spread to the lungs"): the usual choice answers it
        adds = self._added_to_title(main.title, focus) - {t for cue in qtype.cues for t in cue}
        # (a word much of the page's text says is its subject in other words, "skin" on the itching page: not a part
        # named)
        saying = [frozenset().union(*(u.terms for u in passage_units(passages[g], g, analyzer))) for g in page] \
            if adds else []
        adds = {t for t in adds if sum(t in terms for terms in saying) < PAGE_SUBJECT_SHARE * len(page)}
        named = set(parts_by_head[best]) | {s for s in by_section if self.qtypes.section_score(qtype, s)}
        if any(adds & set(analyzer.tokens(s)) for s in named):
            named_parts = [s for s in parts_by_head[best] if adds & set(analyzer.tokens(s))]
            if not named_parts or qtype.every_one is None or not qtype.every_one.search(query.question.lower()):
                return []
            # ... unless every one is asked for too ("treatment options, is surgery the main one?"): the
            # overview, the named one first, or left out when the writer asks beyond it ("apart from surgery")
            others = [s for s in parts_by_head[best] if s not in named_parts]
            beyond = [s for s in named_parts if set(analyzer.tokens(s)) & adds <= query.known_terms]
            parts_by_head[best] = [s for s in named_parts if s not in beyond] + others

        def opening(section: str) -> list[Unit]:
            g = by_section.get(section, [None])[0]
            if g is None:
                return []
            units = passage_units(passages[g], g, analyzer)
            at = next((i for i, u in enumerate(units) if not u.is_item and not u.items
                       and not u.text.endswith(":") and shows_whole_thought(u, section)), None)
            # (not "These can help move fluid ...", which leans on its heading)
            if at is None or GOES_ON.search(units[at].text) or REFERS_BACK.search(units[at].text):
                return []
            after = units[at + 1] if at + 1 < len(units) else None
            if after is not None and after.text.endswith(":") and 0 < len(after.items) <= OVERVIEW_LIST_ITEMS \
                    and LIST_SAYS_WHICH.match(after.text):
                # "Other steps may be taken to help you keep from scratching. These may include:" names none
                # of them: the short list says which
                return [units[at], after]
            return [units[at]]

        parts = [opening(s) for s in parts_by_head[best][:OVERVIEW_PARTS]]
        if sum(bool(p) for p in parts) < MIN_OVERVIEW_PARTS:
            return []
        # the heading's own opening ("There are different types of treatment for ..."); a PDQ list's heading
        # is a lead-in with no text of its own
        return self._flatten([*opening(best or OVERVIEW), *(u for part in parts for u in part)])

    def _other_aspect(self, section: str, qtype: QuestionType) -> bool:
        """A passage under a summary list, or under a heading of another aspect than the one asked ("Treatment
        Option Overview > Immunotherapy" is not where a page says what the disease is)."""
        return under_key_points(section) or any(
            t is not qtype for heading in section.split(" > ") for t in self._heading_aspects(heading))

    def _asks_what_it_is(self, qtype: QuestionType | None, query: Query | None) -> bool:
        """"What is X?", a bare topic, or "is gleevec chemo?" inside a question of another type."""
        if qtype is None or qtype.name == "what_is":
            return True
        what_is = self.qtypes.by_name.get("what_is")
        return bool(query is not None and what_is is not None and what_is.pattern is not None
                    and what_is.pattern.search(" ".join(query.question.lower().split())))

    def _brand_named(self, main: DocumentHit, query: Query, audience: str) -> str | None:
        """The brand name the question calls the drug by ("Tagrisso"), when the drug's page, which uses its own
        name (osimertinib mesylate), lists it under "US Brand Name(s)": a patient may not know they are one."""
        analyzer = self.index.analyzer
        asked = set(analyzer.tokens(query.message))
        title = set(analyzer.tokens(main.title))
        for g in self.ranker.doc_passages(main.doc_path, audience)[:BRAND_PASSAGES]:
            listed = BRAND_NAMES.search(self.index.passages[g].text)
            if listed is None:
                continue
            # (several are one line, "Gleevec Imkeldi": each word is matched on its own)
            for brand in listed.group(1).split():
                terms = set(analyzer.tokens(brand))
                if terms and terms <= asked and not terms <= title:
                    return brand
        return None

    def _drug_class_unit(self, main: DocumentHit, scoring: dict[str, float], audience: str):
        """For "what is Velcade?", answered from a drug page that gives only its approved uses: the sentence
        elsewhere in the library that says what kind of drug it is ("Bortezomib, carfilzomib, and ixazomib are
        proteasome inhibitors used in the treatment of multiple myeloma"), the one nearest the question."""
        part = self.ranker.partition(audience)
        d = part.doc_ids.get(main.doc_path)
        if d is None or not part.drug_page[d]:
            return None
        analyzer = self.index.analyzer
        name = analyzer.term(main.title.split()[0].lower()) if main.title.split() else ""
        if not name:
            return None
        best, best_value = None, 0.0
        for hit in self.index.search({name: 1.0}, audience="patient", k=DRUG_CLASS_PASSAGES):
            if hit.passage.doc_path == main.doc_path or hit.score <= 0 or not DRUG_CLASS.search(hit.passage.text):
                continue  # (checked on the whole passage first: splitting into units is the costly part)
            for unit in passage_units(hit.passage, hit.index, analyzer):
                if name not in unit.terms:
                    continue
                # a sentence of its own, also inside a list item ("Proteasome inhibitor therapy: ... Bortezomib,
                # carfilzomib, and ixazomib are proteasome inhibitors used in the treatment of multiple myeloma.")
                for sentence in split_sentences(unit.text):
                    found = DRUG_CLASS.search(sentence)
                    subject = sentence[:found.start()] if found else ""
                    if subject.rstrip().endswith(", which"):
                        # "... caused by filgrastim or pegfilgrastim, which are granulocyte colony-stimulating
                        # factors that help the body make more white blood cells": the clause's own subject
                        subject = " ".join(subject.rstrip()[:-len(", which")].split()[-MAX_SUBJECT_WORDS:])
                    if name not in analyzer.tokens(subject) or len(subject.split()) > MAX_SUBJECT_WORDS \
                            or not sentence.endswith(".") or not sentence[:1].isupper():
                        continue
                    terms = frozenset(analyzer.tokens(sentence))
                    value = sum(w for t, w in scoring.items() if t in terms)
                    if best is None or value > best_value:
                        # the sentence closes a list item that explains the kind of drug ("Proteasome inhibitor
                        # therapy: This treatment blocks the action of proteasomes in cancer cells. ..."): the item
                        # whole says what the drug is and does
                        said = unit.text if unit.is_item and ITEM_LABEL.match(unit.text) \
                            and not unit.text.startswith(sentence) \
                            and len(unit.text.split()) <= DRUG_CLASS_ITEM_WORDS else sentence
                        best = Unit(said, hit.index, unit.order, terms=frozenset(analyzer.tokens(said)))
                        best_value = value
        return best

    def _coping_page(self, query: Query, audience: str, population: str | None) -> DocumentHit | None:
        """The library's coping and support material that fits the feeling expressed.

        Looked for first by what the message is about, with the feeling's words lighter ("angry at God":
        faith and spirituality); when no coping page is about that ("scared about my BCG treatment"), by the
        feeling itself (the page on fear).
        """
        tokens = self.index.analyzer.tokens
        words = ["coping feelings emotions support", *query.context.feelings,
                 *query.context.feeling_names]
        if not query.context.writer_has_cancer:
            words += query.context.people  # "my sister has leukaemia": a sibling's support page
        feeling = {t: 1.0 for t in tokens(" ".join(words))}
        about = {t: COPING_WORD_WEIGHT for t in feeling}
        for t, w in query.focus.items():
            about[t] = max(about.get(t, 0.0), w)
        for t in tokens(" ".join(query.focus_words)):
            feeling.setdefault(t, 1.0)
        for weights in (about, feeling):
            for doc in self.ranker.rank(weights, audience=audience, k_docs=8, population=population):
                if COPING_TITLE.search(doc.title) and not conflicts(doc.passages[0].passage, population or "adult",
                                                                    None) \
                        and not self._for_someone_else(doc, query):
                    return doc
        return None

    def _acknowledgement(self, feelings: list[str]) -> str:
        families = self.understander.words.feeling_families
        for felt in feelings:  # the first feeling the patient named ("angry ... then guilty": anger)
            for key, words in families.items():
                if felt.lower() in words:
                    return self._say(f"feelings_{key}")
        return self._say("feelings_other")

    def _compose(self, docs: list[DocumentHit], weights: dict[str, float], qtype: QuestionType | None,
                 audience: str, query: Query | None = None, population: str | None = None,
                 topic_title: str | None = None, topic_words: str = "", with_suggestions: bool = True) -> Reply:
        analyzer = self.index.analyzer
        stage = query.context.stage if query is not None else None
        recurrence = query.context.recurrence if query is not None else True
        ages = query.context.ages if query is not None else []
        felt = query.context.feelings if query is not None else []
        feelings = bool(felt) and (qtype is None or qtype.name != "symptoms")
        main = self._main_page(docs, weights, qtype, audience, topic_title, topic_words, ages,
                               query.context.sex if query is not None else None,
                               treatment_told=query is None or query.treatment_told or topic_title is not None,
                               asked=query.asked_focus if query is not None else frozenset(),
                               sources=query.sources if query is not None else None)
        unit_weights = self._question_weights(weights, query, main) if qtype is not None and qtype.from_clause \
            else weights
        if unit_weights is not weights:
            main = self.ranker.rescored(main, unit_weights, audience)
        scoring = with_section_cues(unit_weights, qtype)
        if query is not None and qtype is not None and qtype.name == "causes":
            # a risk question about a relative's cancer: the sentences that speak of a family history answer it
            # ("... or you have a first-degree relative with breast cancer—you may be at higher risk"), though
            # those words only lean retrieval
            scoring.update({t: max(scoring.get(t, 0.0), 1.0) for t in query.family_terms})
        if query is not None and query.known_terms:
            # what the writer already has or knows ("apart from wilms") counts against a sentence
            scoring.update({t: -KNOWN_WEIGHT for t in query.known_terms})
        idf = self._patient_idf(scoring)
        # what a yes-or-no answer must name (the question's words, not the aspect's heading words added to scoring)
        subject = self._subject(weights, main, query, qtype) if qtype is not None else Subject()
        coping = self._coping_page(query, audience, population) if feelings and query is not None else None
        # a practical question was asked too: an aspect, or a page named by the question's own words
        # (none when only a feeling is told: "scared about my mastectomy next week" asks nothing of the mastectomy;
        # a coping page the words name, "I feel so depressed": the page on depression, is support itself)
        statement_only = query is not None and query.asks_nothing and COPING_PAGE not in (main.url or "")
        practical = not (query is not None and query.asks_about_feeling or statement_only) and (
            (qtype is not None and qtype.name != "what_is")
            or bool({t for t, w in weights.items() if w >= 0.9} & set(analyzer.tokens(main.title))))
        units = []
        named = self._conditions_named(main, query)  # a drug's uses shown are those for the condition named
        if coping is None or practical or COPING_TITLE.search(main.title):
            if query is not None and query.parts and not stage:
                units = self._answer_parts(main, query, weights, scoring, audience, population, feelings)
            if not units and query is not None:
                units = self._section_overview(main, query, qtype, weights, audience, population)
                if units:
                    units = self._overview_led(units, main, docs, query, qtype, weights, scoring, idf, audience,
                                               population, feelings)
            if not units:
                asked = query.asked if query is not None and query.asked else ([qtype] if qtype is not None else [])
                answer_words = AnswerCues.combine(t.answers for t in asked)
                candidates = self._candidates(main, qtype, audience, population, stage, feelings, focus=unit_weights,
                                              recurrence=recurrence, answer_words=answer_words, ages=ages,
                                              asked=query.question if query is not None else "")
                defines = defined_terms(weights, qtype)
                avoid = qtype.sentence_exclude if qtype is not None else None
                # a feeling told with nothing else named ("my mum keeps crying and I don't know what to say"): the
                # page's support, not how the feeling shows nor a disorder's signs
                told_only = bool(feelings) and query is not None and not any(w >= 1.0 for w in query.focus.values())
                chosen = select_units(candidates, scoring, idf, analyzer, answer_words, defines, avoid=avoid, ages=ages,
                                      support=told_only,
                                      lead_in_answers=qtype is not None and qtype.answers_in_lead_in)
                other = self._unit_for_missing_word(main, chosen, query, weights, scoring, idf, qtype, audience,
                                                    population, stage, feelings, recurrence, ages)
                verdict = self._verdict_unit(main, chosen, qtype, scoring, idf, audience, population, stage,
                                             feelings, recurrence, ages, subject)
                led = led_by(verdict, chosen)
                if verdict is None and chosen:
                    # the page has no sentence that says it: a following page's section on the page's subject may
                    # ("In some people, CIPN may continue after chemotherapy has ended." on the cancer pain page,
                    # under "Peripheral neuropathy is a type of pain ...", for "will the pins and needles go away?"),
                    # shown after the page's own first unit, which says what the answer is about
                    elsewhere = self._verdict_elsewhere(docs, main, chosen, qtype, scoring, idf, audience,
                                                        population, stage, feelings, recurrence, ages, subject)
                    if elsewhere is not None:
                        led = chosen[:1] + led_by(elsewhere, chosen[1:])
                    elif qtype is not None and qtype.answer_before_tips and query is not None:
                        led = answer_first(led, qtype, set(query.focus) | set(query.aspect_terms),
                                           lambda u: self.index.passages[u.passage_index].section)
                if qtype is not None and qtype.leads_with is not None and not (query is not None and query.parts):
                    led = reason_first(led, qtype.leads_with)
                if qtype is not None and qtype.also_from:
                    led += self._from_other_chapter(main, led, qtype, scoring, idf, audience, population, ages)
                units = self._flatten(led + ([other] if other is not None else []), named, scoring)
                if units and qtype is not None and qtype.bottom_line is not None \
                        and not any(qtype.bottom_line.search(u.text) for u in units):
                    closing = self._bottom_line_unit(main, qtype.bottom_line, scoring, idf, audience, population,
                                                     subject)
                    units += [closing] if closing is not None else []
                if units and query is not None and self._wants_what_helps(query, qtype, main):
                    units += self._what_helps(main, units, audience, population, stage, ages)
                if not units and qtype is not None:
                    # the aspect's section holds nothing to quote (only page furniture): the page's best passages
                    candidates = self._candidates(main, None, audience, population, stage, feelings, focus=unit_weights,
                                                  recurrence=recurrence, ages=ages)
                    units = self._flatten(select_units(candidates, scoring, idf, analyzer, answer_words, defines,
                                                        ages=ages), named)
        if coping is not None and coping.doc_path != main.doc_path:
            feel = {t: 1.0 for t in analyzer.tokens(" ".join(["cope feel", *felt, *query.context.feeling_names]))}
            feel.update({t: 0.5 for t in weights})
            # support that says what helps ("talk with", "try"), not how a feeling shows ("You may notice that you:")
            helps = self.qtypes.by_name.get("self_care")
            # the practical answer, then a little support (the best two units, or one list): whole units only
            candidates = self._candidates(coping, None, audience, population, None, True)
            # the page's section on the feeling told ("Fear and Worry" for "scared"), when it has one
            named = [c for c in candidates if any(re.search(rf"\b{re.escape(name)}\b", c[0].section, re.I)
                                                  for name in query.context.feeling_names)]
            support = select_units(named or candidates, feel,
                                   self._patient_idf(feel), analyzer, helps.answers if helps else NO_CUES,
                                   max_units=SUPPORT_UNITS if units else MAX_UNITS, support=True)
            units = units + self._flatten(support)
            if not practical:
                main = coping
                if not named and not any(u.items for u in support):
                    # the page has no section on the feeling told, and what it says is a few sentences: its section on
                    # what helps after them ("angry at God": "Some ideas that have helped others find comfort and
                    # meaning are: ...", under "Finding comfort and meaning during cancer")
                    units += self._what_helps(coping, units, audience, population, None, ages)
        asks_what = self._asks_what_it_is(qtype, query)
        if units and coping is None and (asks_what or qtype.name in WHAT_IT_DOES) \
                and not any(DRUG_CLASS.search(u.text) for u in units):
            kind_of_drug = self._drug_class_unit(main, scoring, audience)
            does = self.qtypes.by_name.get("mechanism")
            if kind_of_drug is not None and (asks_what or does is not None and does.answers.matches(
                    kind_of_drug.terms, kind_of_drug.text)):
                # after the drug's own page, which stays the first source (for why and how: only a kind of drug said
                # by what it does)
                units = [*units, kind_of_drug]
        if not units:
            return Reply(kind="no_answer", text=self._say("no_answer"))

        reply = Reply(kind="answer", text="")
        intro = []  # the service's own lines, in this order
        if query is not None and query.context.symptom is not None:
            intro.append(self._say("symptom_check" if query.context.symptom == "self" else "symptom_check_other"))
        if feelings:
            intro.append(self._acknowledgement(felt))
        if qtype is not None and qtype.leads_with_answer and f"unanswered_{qtype.name}" in self.replies and (
                coping is None or practical) and not says_answer(qtype, units, subject):
            # nothing shown says it, and the page had no sentence that does (the verdict would lead)
            intro.append(self._say(f"unanswered_{qtype.name}"))
        brand = self._brand_named(main, query, audience) if query is not None else None
        if brand is not None:
            drug = " ".join(w if w.isupper() else w.lower() for w in self.topic_name(main.title).split())
            intro.append(self.replies["brand_name"].format(brand=brand, drug=drug).strip())
        if any(u.items_chosen and USES_LEAD_IN.search(u.text) for u in units):
            intro.append(self._say("other_uses"))
        elif any(u.items_chosen for u in units):
            intro.append(self._say("list_group"))
        group = self._one_group_of_several(units, qtype, query, audience)
        if group is not None:
            intro.append(self.replies["one_group"].format(heading=group).strip())
        twin = self._twin_for_other_sex(main, docs, query)
        if twin is not None:
            # (when the other page says the same, the answer is for either: no sex is assumed)
            key = "both_sex_pages" if self._twin_says_it(twin, main, units, audience) else "one_sex_page"
            intro.append(self.replies[key].format(sex=page_sex(main.title) + "s").strip())
        reply.intro = " ".join(intro)
        numbers: dict[int, int] = {}
        for unit in units:
            if unit.passage_index not in numbers:
                numbers[unit.passage_index] = len(numbers) + 1
                reply.citations.append(Citation.from_passage(numbers[unit.passage_index],
                                                             self.index.passages[unit.passage_index]))
            reply.sentences.append(Sentence(unit.text, numbers[unit.passage_index], shown_as_item(unit)))
        # who the reading is for: as asked, else as the quoted page (a children's cancer), else adults
        reader = population or population_of(main.title) or "adult"
        reply.related = self._related(docs, reply, reader, weights, query,
                                      coping_only=coping is not None and not practical, audience=audience)
        reply.text = " ".join(([reply.intro] if reply.intro else []) + [s.text for s in reply.sentences])
        if with_suggestions:
            reply.suggestions = self._suggestions(main, qtype, audience, query,
                                                  cited=[self.index.passages[u.passage_index] for u in units],
                                                  shown_texts=tuple(u.text for u in units))
        return reply

    @staticmethod
    def _wants_what_helps(query: Query, qtype: QuestionType | None, main: DocumentHit) -> bool:
        """Nothing asked, and a problem told ("my arm has gone swollen and heavy on the side where they took the
        glands out") or a side effect named alone ("chemo brain"): what helps belongs in the answer."""
        if query.clause_terms or "?" in query.question:
            return False
        return qtype is None and query.context.symptom is not None or (
            query.aspect is None and len(query.question.split()) <= BARE_TOPIC_WORDS
            and bool(SIDE_EFFECT_PAGE.search(main.passages[0].passage.url or "")))

    def _what_helps(self, main: DocumentHit, units: list, audience: str, population: str | None,
                    stage: str | None, ages: Sequence[int]) -> list:
        """After what a problem is, a little of what helps: the opening of the page's sections on managing or
        treating it ("How is lymphedema treated?"), units not shown already."""
        helps, treatment = self.qtypes.by_name.get("self_care"), self.qtypes.by_name.get("treatment")
        if helps is None or treatment is None:
            return []
        shown = {(u.passage_index, u.order) for u in units}
        section = {g for g in self.ranker.doc_passages(main.doc_path, audience)
                   if any(self.qtypes.section_score(t, self.index.passages[g].section) for t in (helps, treatment))}
        # in page order, equally scored: the section's opening says what is done, before any one treatment
        allowed = set(self._allowed_passages(main, None, audience, population, stage, False, False, ages))
        candidates = [(self.index.passages[g], g, 1.0) for g in sorted(section & allowed)]
        # by the page's own topic, not by the story told ("after my breast op" is not about surgery for it)
        scoring = with_section_cues({t: 1.0 for t in self.index.analyzer.tokens(self.topic_name(main.title))}, helps)
        picked = select_units(candidates, scoring, self._patient_idf(scoring), self.index.analyzer, helps.answers,
                              max_units=SUPPORT_UNITS, ages=ages)
        return [u for u in self._flatten(picked) if (u.passage_index, u.order) not in shown]

    def _flatten(self, units: list, named: tuple[AbstractSet[str], AbstractSet[str]] = (frozenset(), frozenset()),
                 weights: Mapping[str, float] | None = None) -> list:
        """Units in display order (compose.flatten), each list whole though the page's passages cut it, a list of
        signs with the sentence after it that says what else they may mean, and each unit once (an item shown in
        its list is not shown again on its own); a drug's list of uses cut to the entries for a condition `named`."""
        whole = []
        for unit in units:
            unit = self._uses_named(unit, named) or unit
            whole.append(continued_list(unit, self._list_goes_on(unit)) if unit.items else unit)
            if weights is not None and whole[-1].items:
                whole[-1] = group_asked(whole[-1], weights)  # "Treatment-related effects:" of a list of causes
            if is_label_group(unit):  # with the labelled lists beside it ("Tips on when to eat:")
                beside = self._heading_lists_beside(unit.passage_index) if unit.is_heading_label \
                    else self._units_from(unit.passage_index)
                whole[-1:] = sibling_groups(whole[-1], beside)
            if 0 < len(whole[-1].items) <= MAX_LIST_ITEMS:
                # (after the list, shown whole: flatten shows a lead-in's items right after it; after a list cut
                # short, the tail would close items not shown)
                whole.extend(list_tail(whole[-1], self._units_from(whole[-1].items[-1].passage_index)))
        seen: set[tuple[int, tuple[int, int, int]]] = set()
        out = []
        for unit in flatten(whole):
            key = (unit.passage_index, unit.order)
            if key not in seen:
                seen.add(key)
                out.append(unit)
        return out

    def _section_after(self, g: int, count: int) -> Iterator[tuple[Unit, ...]]:
        """The units of (at most `count`) passages after passage g, while they are in its page and section."""
        passages, analyzer = self.index.passages, self.index.analyzer
        for h in range(g + 1, min(g + 1 + count, len(passages))):
            if passages[h].doc_path != passages[g].doc_path or passages[h].section != passages[g].section:
                return
            yield passage_units(passages[h], h, analyzer)

    def _units_from(self, g: int) -> list[Unit]:
        """The units of passage g, then those of the next passage when it is in the same section."""
        return [*passage_units(self.index.passages[g], g, self.index.analyzer),
                *(u for units in self._section_after(g, 1) for u in units)]

    def _heading_lists_beside(self, g: int) -> list[Unit]:
        """A page of lists under headings ("Clear Liquids": "Soups", "Drinks", "Sweets"): the units of passage g and
        of the passages around it, in its page, whose sections are its section's siblings and hold only a list
        under their heading."""
        passages, analyzer = self.index.passages, self.index.analyzer
        parent = passages[g].section.rpartition(" > ")[0]

        def bare_list(h: int) -> tuple[Unit, ...] | None:
            if not 0 <= h < len(passages) or passages[h].doc_path != passages[g].doc_path \
                    or passages[h].section.rpartition(" > ")[0] != parent:
                return None
            units = passage_units(passages[h], h, analyzer)
            return units if units and units[0].is_heading_label and all(u.is_item for u in units[1:]) else None

        before, after = [], []
        h = g - 1
        while (units := bare_list(h)) is not None:
            before[:0] = units
            h -= 1
        h = g + 1
        while (units := bare_list(h)) is not None:
            after.extend(units)
            h += 1
        return [*before, *passage_units(passages[g], g, analyzer), *after]

    def _one_group_of_several(self, units: list, qtype: QuestionType | None, query: Query | None,
                              audience: str) -> str | None:
        """"what's the treatment for medulloblastoma?", answered from the section on one group of patients
        ("Children older than 3 years with average-risk medulloblastoma", after the page's opening on treatment) of
        a page with sections on others, when the question names no group: that section's heading, so the answer
        says whom it is for."""
        if qtype is None or qtype.name != "treatment" or query is None or query.context.stage \
                or query.context.recurrence or not units:
            return None
        passages = self.index.passages
        shown = {passages[u.passage_index].section for u in units}
        # (one group's section, with no other group's: an answer from several says whom itself)
        labelled = [s for s in shown if " > " in s and is_label(s.rpartition(" > ")[2])]
        doc = passages[units[0].passage_index].doc_path
        if len(labelled) != 1 or any(passages[u.passage_index].doc_path != doc for u in units):
            return None
        group = labelled[0]
        parent, _, heading = group.rpartition(" > ")
        if any(s != group and s.rpartition(" > ")[0] == parent for s in shown):
            return None
        others = {passages[g].section for g in self.ranker.doc_passages(doc, audience)
                  if passages[g].section.rpartition(" > ")[0] == parent and passages[g].section != group}
        tokens = self.index.analyzer.tokens
        # (what the question says beyond the page's title, its aspect and whom it is about)
        said = self._added_to_title(passages[units[0].passage_index].title, query.focus) - self._aspect_terms(qtype) \
            - self._population_words
        if sum(is_label(o.rpartition(" > ")[2]) for o in others) < MIN_OTHER_GROUPS \
                or not PATIENT_GROUP.search(heading) or said & set(tokens(heading)):
            return None  # (the question names the group: "how is high-risk neuroblastoma treated?")
        return heading

    def _twin_for_other_sex(self, main: DocumentHit, docs: list[DocumentHit], query: Query | None
                            ) -> DocumentHit | None:
        """When the question does not say whose body it is about ("I'm 17 and about to have chemo, will I be able to
        have kids later?") and its page is one of a pair, one for each sex ("Male Fertility and Cancer", "Female
        Fertility and Cancer"): the other page of the pair, among those found."""
        sex = page_sex(main.title)
        if query is None or query.context.sex is not None or sex is None:
            return None
        if plain_words(query.message) & ANY_SEX_WORD:
            return None  # (a message that says "in women" says whose)
        rest_of_title = plain_words(main.title) - ANY_SEX_WORD
        return next((d for d in docs if page_sex(d.title) not in (None, sex)
                     and plain_words(d.title) - ANY_SEX_WORD == rest_of_title), None)

    def _twin_says_it(self, twin: DocumentHit, main: DocumentHit, units: list, audience: str) -> bool:
        """Every unit shown is from `main` and its twin page for the other sex says it too, in nearly the same
        words ("... if the tumor is near the reproductive organs" and "... near reproductive organs")."""
        analyzer = self.index.analyzer
        said = [u.terms for g in self.ranker.doc_passages(twin.doc_path, audience)
                for u in passage_units(self.index.passages[g], g, analyzer)]
        shown = [u for unit in units for u in (unit, *unit.items)]
        return bool(shown) and all(
            self.index.passages[u.passage_index].doc_path == main.doc_path
            and any(len(u.terms & t) >= TWIN_SAME_SHARE * len(u.terms | t) for t in said) for u in shown)

    def _conditions_named(self, main: DocumentHit, query: Query | None) -> tuple[set[str], set[str]]:
        """What the question adds to the page's title, not who it is for: the condition a drug is asked about for
        ("cll"), and with its expansions ("chronic", "lymphocyt", "leukemia"; "stomach" by "gastric")."""
        if query is None:
            return set(), set()
        return (self._added_to_title(main.title, query.focus) - self._population_words,
                self._added_to_title(main.title, query.focus, SYNONYM_WEIGHT) - self._population_words)

    def _uses_named(self, lead: Unit, named: tuple[AbstractSet[str], AbstractSet[str]]) -> Unit | None:
        """A drug's list of uses when the question names a condition only some of its entries are for ("revlimid
        for her myeloma"): the lead-in with those entries (named by the question's own words, else by their
        expansions), read from the whole list, which the page's passages may cut and which is often too long to
        show whole; None otherwise."""
        if not any(named) or not lead.items or lead.is_item or not USES_LEAD_IN.search(lead.text):
            return None
        items = list(lead.items)
        for units in self._section_after(lead.passage_index, USES_PASSAGES):
            if any(not u.is_item and u.text.endswith(":") for u in units):
                items.extend(takewhile(lambda u: u.is_item or not u.text.endswith(":"), units))
                break  # another list begins
            items.extend(units)
        items = [u for u in items if u.is_item]
        own, expanded = named
        chosen = entries_named(items, own, self.index.analyzer) \
            or entries_named(items, expanded, self.index.analyzer, clause=False)
        if chosen is None:
            return None
        return replace(lead, items=[replace(u, lead_in=lead) for u in chosen], items_chosen=True)

    def _list_goes_on(self, lead: Unit) -> Iterator[tuple[Unit, ...]]:
        """The units of the passages after a lead-in's own, in its section, when its list ends its passage."""
        g = lead.passage_index
        if passage_units(self.index.passages[g], g, self.index.analyzer)[-1] is lead.items[-1]:
            yield from self._section_after(g, MAX_LIST_ITEMS - 1)

    def _question_weights(self, weights: dict[str, float], query: Query | None, main: DocumentHit) -> dict[str, float]:
        """What the answer's sentences are chosen by: the question's own words, and the story told around it at
        a small share ("I had a lump on my thigh ... now they want radiotherapy before the surgery and I don't
        understand why": why radiotherapy comes first, not what a lump means), for a question type whose clause
        names what it asks about (`from_clause` in question_types.yaml). Only when the question names a topic
        itself; the page's title words stay, as every passage of the page is about them."""
        if query is None or query.parts or not any(weights.get(t, 0.0) >= 1.0 for t in query.asked_focus):
            return weights
        title = set(self.index.analyzer.tokens(main.title))
        story = set(query.focus) - query.asked_focus - title
        return {t: w * STORY_SHARE if t in story else w for t, w in weights.items()}

    def _unit_for_missing_word(self, main: DocumentHit, chosen: list, query: Query | None, weights: dict[str, float],
                               scoring: dict[str, float], idf: dict[str, float], qtype: QuestionType | None,
                               audience: str, population: str | None, stage: str | None, feelings: bool,
                               recurrence: bool, ages: Sequence[int]) -> Unit | None:
        """ "problems later on, like with her heart or growth?": when the answer speaks to some of the things
        the question names but not to one the page covers elsewhere ("growth"), the page's best sentence on it,
        or the one list item on it under its lead-in."""
        # the things named in the question itself, not in the story around it ("chemo has given me the runs,
        # what should I be eating?"): its own clause
        story = qtype is not None and qtype.name == "what_is"  # "what is X?", with a story around it
        if not chosen or query is None or not (query.clause_terms or story):
            return None
        clause = query.clause_terms
        if qtype is not None and qtype.leads_with_answer and not clause & set(weights):
            # "... even after sleeping 10 hours ... is this normal??": a clause that names nothing asks about what
            # the message tells
            clause = frozenset(query.own_terms)
        analyzer = self.index.analyzer
        generic = self.ranker.partition("patient").generic
        # words of the page's title and of the shown sections' headings name the topic, not another thing asked
        # ("What are the symptoms of Ovarian Epithelial, Fallopian Tube, ...?")
        headings = " ".join(self.index.passages[c.passage_index].section for c in chosen)
        topic_words = generic | set(analyzer.tokens(f"{main.title} {headings}"))
        # (and an acronym whose long form they are: "MDS" of "Myelodysplastic Syndromes Treatment")
        topic_words |= {short for short, forms in query.phrases.items() if any(set(f) <= topic_words for f in forms)}
        shown = set().union(*(u.terms for c in chosen for u in (c, *c.items)))
        shown |= {t for term in shown for t in query.sources.get(term, ())}  # "myeloid" shown says "myelogenous"
        # (and the words of a question asked after the last question mark, though the library never uses them in a
        # topic name: "what counts as a clear liquid diet? is jelly and brothe ok")
        named = {t for t, w in weights.items() if (w >= 1.0 or t in query.tail_terms) and t not in topic_words}
        # (a word asked, as written or as the library spells it: "leukaemia" asked is "leukemia" named)
        missing = named_by(named, clause, query.sources, analyzer) - shown
        if missing and not named & shown and (named - missing or not story):
            # (the answer speaks to none of the things named; but "MDS, is that a type of leukaemia?" names
            # only the thing it asks about beside what the page is about)
            return None
        if not missing and story:
            # "what is mesothelioma, my granda worked with asbestoes for years": a specific thing the story names,
            # which the page speaks of, is why it was told ("Being exposed to asbestos can increase the risk ...")
            missing = {t for t in query.own_terms if 0.0 < weights.get(t, 0.0) < 1.0 and t not in topic_words
                       and t not in shown and self.ranker.idf_of(t) >= STORY_WORD_IDF}
        if not missing:
            return None
        # the missing word, or the library's word read from it ("is chemo safe for the baby?": "chemotherapy")
        missing |= {t for t, origins in query.sources.items()
                    if t in scoring and any(analyzer.term(o) in missing for o in origins)}
        page = self._allowed_passages(main, qtype, audience, population, stage, feelings, recurrence, ages)
        holding = [g for g in page if missing & self.ranker.passage_terms(g)]
        if not holding:
            return None
        others = set(self._topic_words(weights)) - missing
        # the missing word leads; the question's other words choose among the sentences that have it (each
        # passage scored on its own: not the page's best-matching passage, which is already shown)
        on_missing = {t: (1.0 if t in missing else 0.3 * w) for t, w in scoring.items()}
        scored = sorted((pair for g in holding for pair in score_units(
            [(self.index.passages[g], g, 0.0)], on_missing, idf, analyzer, ages=ages)), key=lambda pair: -pair[0])
        for _value, unit in scored:
            if not missing & unit.terms or any(unit is c or unit.lead_in is c for c in chosen):
                continue
            listed = unit.is_item and unit.lead_in is not None and unit.lead_in.is_heading_label and len(
                unit.text.split()) <= LISTED_THING_WORDS  # "jelly" in the page's list under "Sweets"
            lead_terms = unit.lead_in.terms if unit.is_item and unit.lead_in is not None else frozenset()
            if not others & (unit.terms | lead_terms) and not listed:
                # "a tiny wireless camera" has the word, but nothing else of the question (an item's lead-in may
                # name the rest: "The types of myelodysplastic syndromes are:")
                continue
            if unit.text.endswith(":"):
                continue  # an item that opens a list of its own
            if unit.is_item and unit.lead_in is not None:
                return replace(unit.lead_in, items=[unit])  # the one item, under its lead-in
            if not unit.items:
                return unit
        return None

    def _verdict_unit(self, main: DocumentHit, chosen: list, qtype: QuestionType | None, scoring: dict[str, float],
                      idf: dict[str, float], audience: str, population: str | None, stage: str | None,
                      feelings: bool, recurrence: bool, ages: Sequence[int], subject: Subject = Subject(),
                      about: DocumentHit | None = None):
        """A yes-or-no question ("is it normal?", "is it cancer?", `leads_with_answer` in question_types.yaml)
        whose chosen sentences do not say it: the page's best sentence that does ("Research has shown that
        off-label use of drugs is very common in cancer treatment"), shown first. Only a plain sentence.
        `about`: the page answered, when `main` is another page, read only in sections whose headings name the
        subject of that page's title."""
        if qtype is None or not qtype.leads_with_answer or not qtype.answers:
            return None
        analyzer = self.index.analyzer
        if says_answer(qtype, chosen, subject):
            return None
        page = self._allowed_passages(main, qtype, audience, population, stage, feelings, recurrence, ages)
        if about is not None:
            named = set(analyzer.tokens(self.topic_name(about.title))) - self.ranker.partition("patient").generic \
                - self.qtypes.cue_terms  # (not "treatment", an aspect's word)
            # (two of its words: "Peripheral neuropathy is a type of pain ...", not "Nerve blocks" for nerve problems)
            page = [g for g in page if len(named & set(analyzer.tokens(self.index.passages[g].section)))
                    >= min(2, len(named))]
        scored = score_units([(self.index.passages[g], g, 0.0) for g in page], scoring, idf, analyzer, ages=ages)
        saying = (unit for _value, unit in scored
                  if not unit.is_item and not unit.items and qtype.answers.matches(unit.terms, unit.text)
                  and not unit.text.endswith(":") and subject.words and subject.named_in(unit.terms))
        # (one that names what was asked: not any sentence on the page that compares); with no stage asked, of those
        # each said of some stages, the one said of the most ("... the main treatment for stage II stomach cancer
        # and stage III stomach cancer", not "... for stage 0")
        first = next(saying, None)
        if first is None or stage is not None or not stages_named(first.text):
            return first
        rest = [first, *saying]
        return max(rest, key=lambda u: len(stages_named(u.text))) if all(stages_named(u.text) for u in rest) \
            else first

    def _verdict_elsewhere(self, docs: list[DocumentHit], main: DocumentHit, chosen: list,
                           qtype: QuestionType | None, scoring: dict[str, float], idf: dict[str, float],
                           audience: str, population: str | None, stage: str | None, feelings: bool,
                           recurrence: bool, ages: Sequence[int], subject: Subject) -> Unit | None:
        """The sentence that says a yes-or-no answer the main page does not, from a page ranked after it, in its
        sections on the main page's subject."""
        return next((found for doc in docs[:VERDICT_PAGES] if doc is not main and (
            found := self._verdict_unit(doc, chosen, qtype, scoring, idf, audience, population, stage, feelings,
                                        recurrence, ages, subject, about=main)) is not None), None)

    def _bottom_line_unit(self, main: DocumentHit, pattern: re.Pattern, scoring: dict[str, float],
                          idf: dict[str, float], audience: str, population: str | None, subject: Subject):
        """The page's sentence that says its bottom line on the question (`pattern`: the type's `bottom_line` in
        question_types.yaml), naming what was asked, from any of its sections."""
        page = self._allowed_passages(main, None, audience, population, None, False, False, ())
        scored = score_units([(self.index.passages[g], g, 0.0) for g in page], scoring, idf, self.index.analyzer)
        return next((u for _value, u in scored if pattern.search(u.text) and not u.is_item
                     and not u.items and shows_whole_thought(u, self.index.passages[u.passage_index].section)
                     and (not subject.words or subject.named_in(u.terms))), None)

    def _subject(self, weights: Mapping[str, float], main: DocumentHit, query: Query | None,
                 qtype: QuestionType) -> Subject:
        """What a yes-or-no answer must name: a topic word of the question (its own words count even when the
        library never uses them in a topic name, "antiperspirant"). For a question about two things
        (`subject_beyond_title`), one that the page's title does not name and that is not an answer word ("does
        antiperspirant cause breast cancer?" on the breast cancer risk page: antiperspirant, not breast cancer,
        which every sentence of the page is about, nor "increase"), or two when the title names neither thing
        ("abortion" and "breast" on the page of a workshop)."""
        generic = self.ranker.partition("patient").generic
        own = {t for t in query.own_terms if t in weights and t in self.index.vocab and t not in generic} \
            if query is not None else set()  # (not a misspelling as written: "hepatitus" is read as "hepatitis")
        topic = set(self._topic_words(weights)) | own
        if qtype.subject_after_pattern and query is not None and qtype.pattern is not None \
                and (named := self._named_after_pattern(query, qtype, weights) - generic):
            return Subject(frozenset(named), 1)
        if not qtype.subject_beyond_title:
            return Subject(frozenset(topic), 1)
        title = set(self.index.analyzer.tokens(main.title))
        beyond_title = frozenset(topic - title - qtype.answer_terms)
        if not beyond_title:
            return Subject(frozenset(topic), 1)
        # the title names neither thing: the sentence names both ("having an abortion ... breast cancer")
        return Subject(beyond_title, 1 if topic & title else min(2, len(beyond_title)))

    def _named_after_pattern(self, query: Query, qtype: QuestionType, weights: Mapping[str, float]) -> set[str]:
        """The question's words for the other thing, named right after its pattern to the clause's end ("is it the
        same as normal pancreatic cancer?": pancreatic, cancer), as the library spells them ("leukaemia": leukemia)."""
        lowered = as_patterns_read(query.question)
        found = qtype.pattern.search(lowered) if qtype.pattern is not None else None
        if found is None:
            return set()
        analyzer = self.index.analyzer
        after = set(analyzer.tokens(QUESTION_CLAUSE_END.split(lowered[found.end():], 1)[0]))
        return named_by(weights, after, query.sources, analyzer)

    def _answer_parts(self, main: DocumentHit, query: Query, weights: dict[str, float], scoring: dict[str, float],
                      audience: str, population: str | None, feelings: bool) -> list:
        """A message that asks two or three things ("what does a low ANC mean and how do I avoid catching
        things?"): a little from the page's section for each, in the order asked."""
        analyzer = self.index.analyzer
        per_part = max(1, PART_UNITS // len(query.parts))
        stages = self.qtypes.by_name.get("stages")
        chosen: list = []
        for text, qtype in query.parts:
            part_scoring = dict(scoring)
            for t in analyzer.tokens(text):
                if t in part_scoring:
                    part_scoring[t] = max(part_scoring[t], 1.0)
            part_scoring = with_section_cues(part_scoring, qtype)
            own = set(analyzer.tokens(text))  # what this part names, not the message's other parts
            overview = self._section_overview(main, query, qtype, {t: w for t, w in scoring.items() if t in own},
                                              audience, population)
            if overview:  # the whole list of treatments or tests, not the part's share of one section
                chosen.extend(u for u in overview if all(u is not c and u.text != c.text for c in chosen))
                continue
            candidates = self._candidates(main, qtype, audience, population, None, feelings, focus=scoring,
                                          recurrence=query.context.recurrence, ages=query.context.ages, asked=text)
            if qtype is None and stages is not None:
                # a part that asks no aspect is not answered from the stages' definitions ("what the chances are
                # that his face will be affected": not "cancer may have spread to ... the facial nerve" of stage IV)
                candidates = [c for c in candidates if not self.qtypes.section_score(stages, c[0].section)]
            part_idf = self._patient_idf(part_scoring)
            pick = partial(select_units, query=part_scoring, idf=part_idf, analyzer=analyzer,
                           answer_words=qtype.answers if qtype is not None else NO_CUES,
                           defines=defined_terms(scoring, qtype),
                           avoid=qtype.sentence_exclude if qtype is not None else None, ages=query.context.ages)
            picked = pick(candidates, max_units=per_part)
            shown = {c.text for c in chosen}
            if qtype is None and all(u.text in shown for u in picked):
                # a part that asks no aspect ("whether he will need radiotherapy afterwards"), whose best sentences
                # another part's answer shows already (what radiotherapy is), or that the passages matching the
                # whole message best do not answer: the page's next sentences that name what it asks about beyond
                # the page's title, not a list that names it among other things (the cancer's signs: "Numbness or
                # weakness in the face" for "the chances that his face will be affected")
                asks = self._added_to_title(main.title, {t: part_scoring[t] for t in own if t in part_scoring})
                asks |= read_from(query.sources, asks)
                have = {g for _, g, _ in candidates}
                naming = [g for g in self._allowed_passages(main, None, audience, population, None, feelings,
                                                            query.context.recurrence, query.context.ages)
                          if g not in have and asks & self.ranker.passage_terms(g)]
                wider = candidates + [(self.index.passages[g], g, 0.0) for g in naming[:EXTRA_PASSAGES]]
                picked = [u for u in pick(wider, max_units=MAX_UNITS, taken=shown)
                          if not u.items and asks & u.terms][:per_part] if asks else []
            subject = self._subject(weights, main, query, qtype) if qtype else Subject()
            if subject.words & own:  # what this part asks about ("will it affect his fertility?": fertility)
                subject = Subject(frozenset(subject.words & own), 1)
            verdict = self._verdict_unit(main, picked, qtype, part_scoring, part_idf, audience, population, None,
                                         feelings, query.context.recurrence, query.context.ages, subject)
            picked = led_by(verdict, picked)
            chosen.extend(u for u in picked if all(u is not c and u.text != c.text for c in chosen))
        return self._flatten(chosen)

    def _related(self, docs: list[DocumentHit], reply: Reply, population: str | None, weights: dict[str, float],
                 query: Query | None, coping_only: bool = False, audience: str = "patient") -> list[Related]:
        """Other pages for further reading (never quoted, so never citations), each with why it is listed:
        the question's words its title or headings name. Pages about another population than the one asked
        (children's pages for an adult) are left out, and for feelings with no practical question, any page that
        is not coping or support material nor named by the question's words."""
        shown = {c.url or c.title for c in reply.citations}
        words = list(query.focus_words) if query is not None else []
        sources = query.sources if query is not None else {}
        generic = self.ranker.partition("patient").generic
        meanings: dict[str, set[str]] = {}
        for w in words:  # a word and what it was read as ("runs" -> diarrhea, "chemotheraphy" -> chemotherapy)
            own = set(self.index.analyzer.tokens(w))
            meant = {t for t, origins in sources.items()
                     if weights.get(t, 0.0) >= SYNONYM_WEIGHT and origins & (own | {w.lower()})}
            meanings[w] = (own | meant) - generic - self.qtypes.cue_terms
        for t, origins in sources.items():
            for phrase in origins:  # a lay phrase read as a library word ("come back" -> recurrence)
                if " " in phrase and weights.get(t, 0.0) >= SYNONYM_WEIGHT and t not in generic:
                    meanings.setdefault(phrase, set()).add(t)
                    if phrase not in words:
                        words.append(phrase)
        out: list[Related] = []
        for doc in docs:
            if len(shown) >= self.settings.top_k:
                break
            key = doc.url or doc.title
            if key in shown:
                continue
            useful = [h for h in doc.passages if not is_boilerplate(h.passage.section)]
            if not useful:
                continue
            other = population_of(doc.title)
            if other is not None and other != population:
                continue  # a children's page is listed only when children were asked about
            if coping_only and not COPING_TITLE.search(doc.title):
                # "scared about my scan results": support to read, not a cancer whose page has scans; a page
                # whose title names what worries them ("worried chemo will leave me unable to have kids") is read
                title = set(self.index.analyzer.tokens(doc.title))
                if not any(meanings[w] & title for w in words):
                    continue
            # what the page is about: title and headings (a nurse's related reading may be a clinical page)
            terms = self.ranker.page_names(doc.doc_path, audience)
            about = [w for w in words if meanings[w] & terms]
            # a phrase whose words are listed already says nothing more ("freeze, sperm", not "freeze sperm")
            about = [w for w in about if " " not in w or not set(w.split()) <= set(about)]
            if not about:
                continue  # a page that names none of the question's words is only loosely related
            reason = "Also about " + ", ".join(dict.fromkeys(about))
            shown.add(key)
            out.append(Related.from_passage(useful[0].passage, reason))
        return out

    def _suggestions(self, doc: DocumentHit, qtype: QuestionType | None, audience: str,
                     query: Query | None = None, cited: list | None = None,
                     shown_texts: tuple[str, ...] = ()) -> list[str]:
        """2 or 3 follow-ups that are real questions about the cited page, each checked: asked on its own,
        it is answered from that same page (service/answer/suggest.py)."""
        passages = [self.index.passages[i] for i in self.ranker.doc_passages(doc.doc_path, audience)]
        passages = [p for p in passages if not is_boilerplate(p.section)]
        sections = list(dict.fromkeys(p.section for p in passages))
        # the questions of the section just answered first, then the rest of the page
        # (a question whose answer was just quoted is not suggested again)
        sections_shown = {p.section for p in cited or ()}
        passages.sort(key=lambda p: (p.section not in sections_shown, p.order))
        cands = suggest.candidates(doc.title, self.topic_name(doc.title), sections, self.qtypes, qtype,
                                   query.message if query is not None else "",
                                   text_questions=self._about_first(
                                       suggest.question_lines((p.text for p in passages), shown_texts), query))
        # A suggestion is asked in the same conversation (the button sends it there): checked the same way.
        words = [*query.focus_words, *query.acronyms] if query is not None else []
        after = ConversationState(topic=" ".join(words) or self.topic_name(doc.title), topic_title=doc.title,
                                  intent=qtype.name if qtype is not None else "", turns=1)
        return suggest.choose(cands, lambda q: self._answered_from(q, doc, audience, after))

    def _about_first(self, questions: list[str], query: Query | None) -> list[str]:
        """Questions that name the topic asked about first ("How is grapefruit given or taken?")."""
        if query is None:
            return questions
        focus = set(query.own_terms)
        return sorted(questions, key=lambda q: not focus & set(self.index.analyzer.tokens(q)))

    def _answered_from(self, question: str, doc: DocumentHit, audience: str, state: ConversationState) -> bool:
        """Asked in the conversation `state`, is the question answered from `doc`? (cached: the same page's
        suggestions come up again and again; the cache lives as long as this responder, i.e. this index)"""
        key = (question, doc.doc_path, audience, state.topic, state.topic_title, state.intent, state.population)
        known = self._suggestion_checks.get(key)
        if known is not None:
            return known
        query = self.understand(question)
        answered = False
        if query.route.kind == "library":  # routed elsewhere (advice, urgent...): not answered from the page
            reply = self._answer(query, ConversationState(**state.to_dict()), audience, update_state=False,
                                 with_suggestions=False)
            answered = reply.kind == "answer" and bool(reply.citations) and reply.citations[0].title == doc.title
        if len(self._suggestion_checks) >= 50_000:
            self._suggestion_checks.clear()
        self._suggestion_checks[key] = answered
        return answered
