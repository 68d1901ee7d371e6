"""One code path from a patient's message to a reply (API, CLI and evaluation all use it).

understand (safety route, focus, aspect, context; service/answer/understand.py) -> resolve the topic
(conversation) -> rank pages on the focus -> decide: answer or abstain -> compose -> cite -> suggest.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from ..search.index import SearchIndex
from ..search.rank import Concept, DocumentHit, DocumentRanker, RankWeights
from ..store.base import ConversationStore, StoreUnavailable
from .compose import flatten, is_boilerplate, select_units
from .conversation import ConversationState
from .expand import QueryExpander
from .intent import QuestionType, QuestionTypes
from .response import Citation, Reply, Sentence
from .safety import Route
from .understand import ASPECT_WEIGHT, Query, Understander, topic_vocabulary

DATA = Path(__file__).resolve().parent.parent / "data"
GENERIC_ASPECT_TERMS = frozenset({"side", "late", "new", "type", "of"})  # parts of aspect phrases that name nothing
POINTED_WEIGHT = 0.7  # "can it be used for kidney cancer?": the new words weigh less than "it"
TITLE_NOISE = re.compile(
    r"\(PDQ®?\)|[—–-]\s*Patient Version|\s[-|]\s.*$|\b(Treatment|Prevention|Screening|Research)$", re.I
)


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
        vocab, patient_df = index.vocab, np.diff(index.partitions["patient"].matrix.indptr)
        self.understander = Understander(
            index.analyzer, self.qtypes, self.expander,
            known=lambda t: (tid := vocab.get(t)) is not None and tid < len(patient_df) and patient_df[tid] > 0,
            **topic_vocabulary(index, self.expander),
            idf=self.ranker.idf_of,
        )

    # --- text helpers -------------------------------------------------------------------
    def _say(self, key: str) -> str:
        return self.replies[key].format(
            emergency=self.settings.emergency_number, crisis_line=self.settings.crisis_line
        ).strip()

    def _patient_idf(self, terms: Iterable[str]) -> dict[str, float]:
        """Patient-partition idf of the given terms that the index knows (others are left out)."""
        part, vocab = self.ranker.partition("patient"), self.index.vocab
        return {t: float(part.idf[vocab[t]]) for t in terms if t in vocab}

    def _passage_terms(self, passage_index: int) -> frozenset[str]:
        return self.ranker.passage_terms(passage_index)

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
        if state.topic and not query.new_topic and (query.points_back or query.continues or not query.has_focus):
            earlier = self.understander.analyse(state.topic, state.topic, query.route)
            if not query.has_focus:
                keep, old_weight = True, 1.0  # "what are its side effects?", "what about in children?"
            elif query.keeps_subject:
                keep, old_weight = True, 1.0  # "can it be used for stomach cancer too?": "it" is the subject
                weights = {t: w * POINTED_WEIGHT if t in query.focus else w for t, w in weights.items()}
            elif query.points_back and not query.continues:
                keep, old_weight = True, 0.5  # "does that matter?": both, the new words first
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
                        for cue in aspect.cues[:1]:
                            for t in cue:
                                weights[t] = max(weights.get(t, 0.0), ASPECT_WEIGHT)
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
    ) -> Reply:
        topic = self._resolve(query, state, audience)
        if not topic.own_terms:
            if topic.aspect is not None and topic.aspect.name != "what_is":
                return self._clarify(topic.aspect, audience)
            return Reply(kind="no_answer", text=self._say("no_answer"))
        docs = self.ranker.rank(topic.weights, audience=audience, k_docs=self.settings.top_k,
                                population=topic.population, narrow=topic.narrow,
                                concepts=self._concepts(topic, audience),
                                aspect_terms=self._aspect_terms(topic.aspect)
                                | self._population_terms(topic.population),
                                aspect=topic.aspect.name if topic.aspect else None,
                                aspect_title_terms=self._aspect_title_terms(topic.aspect)
                                | ({"stage"} if query.context.stage else set()))  # "Treatment by Stage" pages
        threshold = self.settings.min_coverage if min_coverage is None else min_coverage
        if not docs or not self.answerable(query, topic, docs[0], audience, threshold):
            return self._no_answer(topic, audience)

        reply = self._compose(docs, topic.weights, topic.aspect, audience)
        if update_state and reply.kind == "answer":
            if not topic.inherited:
                state.topic = " ".join(query.focus_words + [a for a in query.acronyms])
            state.topic_title = docs[0].title
            state.population = topic.population or ""
            if query.aspect is not None:
                state.intent = query.aspect.name
        return reply

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
        words = {"child": "child children childhood kids pediatric teens adolescents", "adult": "adult adults"}
        return set(self.index.analyzer.tokens(words.get(population or "", "")))

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
            if not query.cancer_context and not topic.in_conversation:
                return False  # a general health question: "symptoms of the flu", "lower my cholesterol"
        if self.coverage(doc, topic, audience) < threshold:
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
        aspect = {t for cue in qtype.cues + qtype.sections for t in cue}
        names: list[str] = []
        for d in docs:
            words = [w for w in self.topic_name(d.title).split() if self.index.analyzer.term(w.lower()) not in aspect]
            name = " ".join(w for w in words if w.lower() not in ("of", "understanding", "the"))
            if name and name.lower() not in (n.lower() for n in names):
                names.append(name)
        names = names[:3]
        return Reply(
            kind="clarify",
            text=self._say("clarify") + " " + ", ".join(names) + ".",
            suggestions=[qtype.suggestion.format(topic=n) for n in names],
        )

    # --- composing ------------------------------------------------------------------------
    def _compose(self, docs: list[DocumentHit], weights: dict[str, float], qtype: QuestionType | None,
                 audience: str) -> Reply:
        main = docs[0]
        analyzer = self.index.analyzer
        # Pages are chosen by topic; inside the page, the section that fits the question type
        # answers it ("stages" from the Stages section), best-matching passages first.
        hit_scores = {h.index: h.score for h in main.passages}
        fit: dict[int, int] = {}
        if qtype is not None:
            for g in self.ranker.doc_passages(main.doc_path, audience):
                section = self.index.passages[g].section
                score = self.qtypes.section_score(qtype, section)
                if score and not is_boilerplate(section):
                    fit[g] = score
        matched = sorted(fit, key=lambda g: (-fit[g], -hit_scores.get(g, 0.0), self.index.passages[g].order))
        if matched:
            candidates = [(self.index.passages[g], g, hit_scores.get(g, 0.0)) for g in matched[:4]]
        else:
            candidates = [(h.passage, h.index, h.score) for h in main.passages[:6]]
        scoring = dict(weights)
        if qtype is not None:
            for cue in qtype.sections:
                for term in cue:
                    scoring[term] = max(scoring.get(term, 0.0), 0.5)
        units = flatten(select_units(candidates, scoring, self._patient_idf(scoring), analyzer))
        if not units:
            return Reply(kind="no_answer", text=self._say("no_answer"))

        reply = Reply(kind="answer", text="")
        numbers: dict[int, int] = {}
        for unit in units:
            if unit.passage_index not in numbers:
                numbers[unit.passage_index] = len(numbers) + 1
                reply.citations.append(Citation.from_passage(numbers[unit.passage_index],
                                                             self.index.passages[unit.passage_index]))
            reply.sentences.append(Sentence(unit.text, numbers[unit.passage_index], unit.is_item))
        # Related reading: the best passage of the next pages, so the patient can compare sources.
        cited_pages = {c.url or c.title for c in reply.citations}
        for doc in docs[1:]:
            if len(cited_pages) >= self.settings.top_k:
                break
            key = doc.url or doc.title
            if key in cited_pages:
                continue
            useful = [h for h in doc.passages if not is_boilerplate(h.passage.section)]
            if not useful:
                continue
            cited_pages.add(key)
            reply.citations.append(Citation.from_passage(len(reply.citations) + 1, useful[0].passage))
        reply.text = " ".join(s.text for s in reply.sentences)
        reply.suggestions = self._suggestions(main, qtype, audience, related=docs[1:])
        return reply

    def _suggestions(
        self, doc: DocumentHit, qtype: QuestionType | None, audience: str, related: list[DocumentHit] = ()
    ) -> list[str]:
        """2 or 3 follow-ups: aspects the cited page has sections for, then the related pages' topics."""
        sections = {self.index.passages[i].section for i in self.ranker.doc_passages(doc.doc_path, audience)}
        topic = self.topic_name(doc.title)
        out: list[str] = []
        for candidate in self.qtypes.types:
            if candidate is qtype or candidate.name == "what_is":
                continue
            if any(self.qtypes.section_matches(candidate, s) for s in sections):
                out.append(candidate.suggestion.format(topic=topic))
            if len(out) == 3:
                break
        for other in related:
            if len(out) >= 2:
                break
            name = self.topic_name(other.title)
            if name.lower() != topic.lower():
                out.append(f"Tell me about {name}")
        return list(dict.fromkeys(out))[:3]
