"""One code path from a patient's message to a reply (API, CLI and evaluation all use it).

route (safety) -> resolve the topic (conversation) -> expand the query -> rank pages ->
abstain or compose -> cite -> suggest follow-ups.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..search.index import SearchIndex
from ..search.rank import DocumentHit, DocumentRanker, RankWeights
from ..store.base import ConversationStore, StoreUnavailable
from .compose import flatten, is_boilerplate, select_units
from .conversation import ConversationState, continues, points_back
from .expand import QueryExpander
from .intent import QuestionType, QuestionTypes
from .response import Citation, Reply, Sentence
from .safety import Route, route

DATA = Path(__file__).resolve().parent.parent / "data"
INTENT_WEIGHT = 0.3  # question-type words say what aspect, not which page
TITLE_NOISE = re.compile(
    r"\(PDQ®?\)|[—–-]\s*Patient Version|\s[-|]\s.*$|\b(Treatment|Prevention|Screening|Research)$", re.I
)


@dataclass
class ResponderSettings:
    emergency_number: str = "911"
    crisis_line: str = "988"
    top_k: int = 5  # pages cited at most: the answer's sources first, then related reading
    conversation_ttl: int = 30 * 60
    min_coverage: float = 0.5  # share of the question's topic words a page must contain
    rank: RankWeights = RankWeights()


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
        self._terms_cache: dict[int, frozenset[str]] = {}

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
        """Index terms of a passage with its title and headings (cached per passage)."""
        cache = self._terms_cache
        terms = cache.get(passage_index)
        if terms is None:
            p = self.index.passages[passage_index]
            terms = frozenset(self.index.analyzer.tokens(f"{p.title} {p.section} {p.text}"))
            if len(cache) >= 20_000:
                cache.clear()  # bounded: a simple reset is enough for a cache this cheap to refill
            cache[passage_index] = terms
        return terms

    def topic_terms(self, text: str) -> list[str]:
        """The patient's words that name a topic (not the question-type words)."""
        return [t for t in self.index.analyzer.tokens(text) if t not in self.qtypes.cue_terms]

    def topic_words(self, text: str) -> str:
        analyzer = self.index.analyzer
        return " ".join(w for w in analyzer.words(text) if analyzer.term(w) not in self.qtypes.cue_terms)

    @staticmethod
    def topic_name(title: str) -> str:
        name = " ".join(TITLE_NOISE.sub(" ", title).split()).strip(" -–")
        return name or title

    # --- main path ------------------------------------------------------------------------
    def respond(self, message: str, conversation_id: str | None = None, audience: str = "patient") -> Reply:
        conversation_id = conversation_id or uuid.uuid4().hex
        state, store_ok = self._load_state(conversation_id)
        decision = route(message)
        reply = self._dispatch(decision, state, audience)
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

    def _dispatch(self, decision: Route, state: ConversationState, audience: str) -> Reply:
        if decision.kind == "urgent":
            text = self._say("urgent")
            if decision.also_crisis:
                text += " " + self._say("crisis_other" if decision.about_other else "crisis")
            reply = Reply(kind="urgent", text=text)
            if decision.other_question:
                # A mixed message: the emergency first, then the library's answer to the other question.
                other = self._answer(decision.other_question, state, audience, update_state=False)
                if other.kind == "answer":
                    reply.text += " " + self._say("urgent_other_question")
                    reply.sentences, reply.citations = other.sentences, other.citations
                    return reply
            # Background only when the library clearly covers what was described.
            background = self._answer(decision.question, state, audience, update_state=False, min_coverage=0.99)
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
            general = self._answer(decision.question, state, audience)
            reply = Reply(kind="advice", text=self._say("advice"))
            if general.kind == "answer":
                reply.sentences, reply.citations = general.sentences, general.citations
            reply.suggestions = list(self.replies["advice_questions"])[:3]
            return reply
        return self._answer(decision.question, state, audience)

    def _answer(
        self,
        message: str,
        state: ConversationState,
        audience: str,
        update_state: bool = True,
        min_coverage: float | None = None,
    ) -> Reply:
        qtype = self.qtypes.detect(message)
        own_topic = self.topic_terms(message)
        query_text = message
        inherited = False
        if state.topic and (points_back(message) or continues(message) or not own_topic):
            combined = f"{message} {state.topic}"
            # "and for children?" narrows the topic; "what about melanoma?" replaces it: keep the
            # earlier topic only if one page covers the old and the new words together.
            keep_topic = points_back(message) or not own_topic or self._covered_together(combined, audience)
            query_text = combined if keep_topic else message
            inherited = keep_topic
            if qtype is None and state.intent:
                query_text += f" {state.intent}"
                qtype = self.qtypes.detect(state.intent)
        elif not own_topic and qtype is not None:
            return self._clarify(qtype, audience)

        expansion = self.expander.expand_with_sources(query_text)
        weights = {t: w * INTENT_WEIGHT if t in self.qtypes.cue_terms else w for t, w in expansion[0].items()}
        docs = self.ranker.rank(weights, audience=audience, k_docs=self.settings.top_k)
        threshold = self.settings.min_coverage if min_coverage is None else min_coverage
        if not docs or self.coverage(docs[0], query_text, audience, expansion) < threshold:
            return self._no_answer(weights, query_text, audience, expansion)

        reply = self._compose(docs, weights, qtype, audience)
        if update_state and reply.kind == "answer":
            if not inherited:
                state.topic = self.topic_words(message)
            state.topic_title = docs[0].title
            intent_words = [w for w in self.index.analyzer.words(message)
                            if self.index.analyzer.term(w) in self.qtypes.cue_terms]
            if intent_words:
                state.intent = " ".join(intent_words)
        return reply

    def _covered_together(self, text: str, audience: str) -> bool:
        docs = self.ranker.rank(self.expander.expand(text), audience=audience, k_docs=1)
        return bool(docs) and self.coverage(docs[0], text, audience) >= 0.75

    # --- abstention -----------------------------------------------------------------------
    def coverage(
        self,
        doc: DocumentHit,
        query_text: str,
        audience: str = "patient",
        expansion: tuple[dict[str, float], dict[str, set[str]]] | None = None,
    ) -> float:
        """idf-weighted share of the question's topic words that the page's best passages contain.

        A word also counts as found when a term it was expanded to is found ("liver damage"
        is answered by "liver injury").
        """
        weights, sources = expansion or self.expander.expand_with_sources(query_text)
        own = set(self.topic_terms(query_text)) or {t for t in weights if t not in sources}
        if not own:
            return 0.0
        present: set[str] = set()
        for hit in doc.passages[:10]:
            present |= self._passage_terms(hit.index)
        found_via = {origin for term, origins in sources.items() if term in present for origin in origins}
        idf = self.ranker.idf_of
        total = sum(idf(t, audience) for t in own)
        found = sum(idf(t, audience) for t in own if t in present or t in found_via)
        return found / total if total else 0.0

    def _no_answer(
        self,
        weights: dict[str, float],
        query_text: str,
        audience: str,
        expansion: tuple[dict[str, float], dict[str, set[str]]],
    ) -> Reply:
        if audience == "patient":
            professional = self.ranker.rank(weights, audience="clinician", k_docs=1)
            if professional and self.coverage(professional[0], query_text, "clinician", expansion) >= 0.75:
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
