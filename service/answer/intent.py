"""Question types (symptoms, treatment, stages, ...) from service/data/question_types.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..search.analyzer import Analyzer

DATA = Path(__file__).resolve().parent.parent / "data"


MAX_LABEL_WORDS = 10  # a heading this short, not a sentence, is a label ("Younger children with medulloblastoma")


def is_label(heading: str) -> bool:
    """A short heading that names a part ("Younger children"), not a key-point sentence or a lead-in."""
    return len(heading.split()) <= MAX_LABEL_WORDS and not heading.rstrip().endswith((".", "?", ":"))


@dataclass(frozen=True)
class AnswerCues:
    """What shows a sentence answers a type of question: analyzed words ("weeks" for "how long?"), and phrases
    of words the analyzer drops, matched as written ("because" for "why?", "you will" for "what is it like?")."""

    terms: tuple[tuple[str, ...], ...] = ()
    phrases: tuple[re.Pattern, ...] = ()  # on the sentence's text, case-insensitive

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    def matches(self, terms: AbstractSet[str], text: str) -> bool:
        return any(all(t in terms for t in words) for words in self.terms) or any(
            p.search(text) for p in self.phrases)

    @classmethod
    def parse(cls, answers: Iterable[str], analyzer: Analyzer, as_written: Iterable[str] = (),
              patterns: Iterable[str] = ()) -> AnswerCues:
        """`as_written`: phrases whose stopwords matter ("is common", not the "common" of "Some common ways");
        `patterns`: regular expressions, for what is not a word ("95%")."""
        terms, phrases = [], [re.compile(p, re.I) for p in patterns]
        for answer in answers:
            words = tuple(analyzer.tokens(answer))
            if words:
                terms.append(words)
            else:  # stopwords only
                as_written = [*as_written, answer]
        for answer in as_written:
            phrases.append(re.compile(r"\b" + r"\s+".join(map(re.escape, answer.lower().split())) + r"\b", re.I))
        return cls(tuple(terms), tuple(phrases))

    @classmethod
    def combine(cls, cues: Iterable[AnswerCues]) -> AnswerCues:
        cues = list(cues)
        return cls(tuple(words for c in cues for words in c.terms), tuple(p for c in cues for p in c.phrases))


NO_CUES = AnswerCues()


@dataclass(frozen=True)
class QuestionType:
    name: str
    cues: tuple[tuple[str, ...], ...]  # analyzed cue phrases
    sections: tuple[tuple[str, ...], ...]  # analyzed section-heading cue phrases
    suggestion: str
    answers: AnswerCues = NO_CUES  # words of a sentence that answers this type
    pattern: re.Pattern | None = None  # wordings the analyzer cannot see ("why", "what can I do"), on lower case
    fallback: str | None = None  # the type whose sections answer when a page has none for this one
    # another type whose sections answer too, from the page's other chapters ("what helps with the flushes?": the
    # drugs for them, beside the comfort measures)
    also_from: str | None = None
    section_pattern: re.Pattern | None = None  # headings made of stopwords ("What is delirium?"), on lower case
    labels_first: bool = False  # sections under a label ("Treatment of Low-Risk X") before key-point sentences
    section_exclude: re.Pattern | None = None  # heading words that look like the aspect's but are not ("high-risk")
    sentence_exclude: re.Pattern | None = None  # sentences on the aspect's subject that do not answer it
    # the question's own clause names what is to be explained ("... they want radiotherapy before the surgery and I
    # don't understand why"): the story told around it chooses the sentences only a little
    from_clause: bool = False
    # section cue words that analysis drops as stopwords ("during"), as written: "what happens during
    # radiotherapy?" asks about the heading "What happens during a treatment session", not "What happens before ..."
    section_words: tuple[str, ...] = ()
    leads_with_answer: bool = False  # a yes-or-no question: the sentence with an answer word leads the answer
    answer_before_tips: bool = False  # "how long ...?": a sentence that says it comes before a list of tips
    # a question about two things, one of them usually the page's own subject ("does antiperspirant cause breast
    # cancer?"): the sentence that answers must name the other, not only the page's title words or the answer's
    # own words ("increase", "risk")
    subject_beyond_title: bool = False
    # the other thing is named right after the question's pattern ("is it the same as normal pancreatic cancer?"):
    # the sentence that answers names one of those words, even a word of the page's title ("pancreatic")
    subject_after_pattern: bool = False
    # a list answers only when its lead-in has the type's answer word ("... have been linked to a higher risk of
    # breast cancer:"), not when only its items have ("Genetic counselors ... can help people ... understand:")
    answers_in_lead_in: bool = False
    # a heading that fits this type is not read as another aspect's section when a different one is asked: false
    # for a type whose sections are another type's (`sections_from`), and for "how does it work?", whose section
    # also says what a treatment is (`heading_aspect: false`)
    heading_aspect: bool = True
    # the type whose sections answer it: its own name, or its `sections_from` ("does it hurt?" after "what happens
    # during it?" asks one thing of the same sections, not a second question)
    family: str = ""
    answer_terms: frozenset[str] = frozenset()  # the analyzed words of `answers` and `answer_phrases`
    # words that ask for every one ("what are the options, is surgery the main one?"), on lower case
    every_one: re.Pattern | None = None
    # a sentence that says the page's bottom line on the question ("The FDA has not approved the use of IV vitamin C
    # as a treatment for cancer."), shown last when the answer has none
    bottom_line: re.Pattern | None = None
    # a chosen sentence that says the answer in these words ("because", "for the following reasons:") leads it
    leads_with: re.Pattern | None = None


def _any_of(patterns: list[str], flags: int = 0) -> re.Pattern | None:
    """One regular expression matching any of `patterns` (None for none)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None


def _contains(seq: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return n > 0 and any(tuple(seq[i : i + n]) == phrase for i in range(len(seq) - n + 1))


def as_patterns_read(text: str) -> str:
    """The text as question types' patterns read it: lower case, straight apostrophes, single spaces."""
    return " ".join(text.lower().replace("’", "'").split())


class QuestionTypes:
    def __init__(self, analyzer: Analyzer, path: Path | None = None) -> None:
        raw = yaml.safe_load((path or DATA / "question_types.yaml").read_text(encoding="utf-8"))
        self.analyzer = analyzer
        self.types: list[QuestionType] = []
        for name, spec in raw.items():
            # `sections_from`: another type's headings answer this one ("is there a link?" from the sections on risk)
            lender = raw[spec["sections_from"]] if spec.get("sections_from") else spec
            self.types.append(
                QuestionType(
                    name=name,
                    cues=tuple(t for t in (tuple(analyzer.tokens(c)) for c in spec.get("cues", [])) if t),
                    sections=tuple(t for t in (tuple(analyzer.tokens(s)) for s in lender["sections"]) if t),
                    heading_aspect=lender is spec and bool(spec.get("heading_aspect", True)),
                    family=spec.get("sections_from") or name,
                    suggestion=spec["suggestion"],
                    answers=AnswerCues.parse(spec.get("answers", []), analyzer, spec.get("answer_phrases", []),
                                             spec.get("answer_patterns", [])),
                    pattern=_any_of(spec.get("patterns", [])),
                    fallback=spec.get("fallback"),
                    also_from=spec.get("also_from"),
                    labels_first=bool(spec.get("labels_first", False)),
                    leads_with_answer=bool(spec.get("leads_with_answer", False)),
                    answer_before_tips=bool(spec.get("answer_before_tips", False)),
                    subject_beyond_title=bool(spec.get("subject_beyond_title", False)),
                    subject_after_pattern=bool(spec.get("subject_after_pattern", False)),
                    answers_in_lead_in=bool(spec.get("answers_in_lead_in", False)),
                    answer_terms=frozenset(term for a in [*spec.get("answers", []), *spec.get("answer_phrases", [])]
                                           for term in analyzer.tokens(str(a))),
                    from_clause=bool(spec.get("from_clause", False)),
                    section_words=tuple(str(w).lower() for w in lender["sections"] if not analyzer.tokens(str(w))),
                    section_pattern=_any_of(lender.get("section_patterns", [])),
                    section_exclude=_any_of(lender.get("section_excludes", []), re.I),
                    sentence_exclude=_any_of(spec.get("sentence_excludes", []), re.I),
                    every_one=re.compile(r"\b(" + "|".join(map(re.escape, spec["every_one"])) + r")\b")
                    if spec.get("every_one") else None,
                    bottom_line=_any_of(spec.get("bottom_line", []), re.I),
                    leads_with=_any_of(spec.get("leads_with", []), re.I),
                )
            )
        self.by_name = {t.name: t for t in self.types}
        self._sections: dict[str, tuple[str, list[str], list[str], list[str], list[str]]] = {}
        self._scores: dict[tuple[str, str], int] = {}
        # Cue words tell what aspect is asked about, not which topic: weighted down in retrieval.
        # (with the words of cue patterns, listed as `aspect_words`: "stop" in "stop it" names no topic)
        self.cue_terms = frozenset(term for t in self.types if t.name != "what_is" for c in t.cues for term in c) \
            | frozenset(term for spec in raw.values() for w in spec.get("aspect_words", [])
                        for term in analyzer.tokens(w))

    def detect(self, text: str, terms: list[str] | None = None) -> QuestionType | None:
        """The first question type the text asks; `terms` are its index terms when already analysed."""
        terms = self.analyzer.tokens(text) if terms is None else terms
        lowered = as_patterns_read(text)
        for qtype in self.types:
            if qtype.name == "what_is":
                # "what is ...", also after filler: "just asking generally, what is a checkpoint inhibitor?"
                if lowered.startswith(("what is", "what are", "what's", "define", "tell me about", "explain")) or (
                        qtype.pattern is not None and qtype.pattern.search(lowered)):
                    return qtype
                continue
            if self._asks(qtype, terms, lowered):
                return qtype
        return None

    def matching(self, terms: list[str], text: str = "") -> list[QuestionType]:
        """Every question type whose cue the terms (or pattern the text) contain, in file order, not "what is"."""
        lowered = as_patterns_read(text)
        return [q for q in self.types if q.name != "what_is" and self._asks(q, terms, lowered)]

    @staticmethod
    def _asks(qtype: QuestionType, terms: list[str], lowered: str) -> bool:
        return any(_contains(terms, cue) for cue in qtype.cues) or (
            bool(lowered) and qtype.pattern is not None and qtype.pattern.search(lowered) is not None)

    def section_matches(self, qtype: QuestionType | None, section: str) -> bool:
        return self.section_score(qtype, section) > 0

    def section_score(self, qtype: QuestionType | None, section: str) -> int:
        """2 when the passage's own heading fits the question type, 1 when only a parent heading does."""
        if qtype is None:
            return 0
        key = (qtype.name, section)
        score = self._scores.get(key)
        if score is None:  # cached: the same headings are scored again for every answer and suggestion
            if qtype.section_exclude is not None:  # "Treatment of High-Risk X" names no risk factor
                section = qtype.section_exclude.sub(" ", section)
            score = self._score(qtype, section)
            if len(self._scores) >= 200_000:
                self._scores.clear()
            self._scores[key] = score
        return score

    def _score(self, qtype: QuestionType, section: str) -> int:
        own, own_terms, parent_terms, label_under, lead_under = self._section_terms(section)
        if not qtype.labels_first:
            # "The following risk factors may increase the risk of X: > Age"; but "The following types of
            # treatment are used: > Surgery" describes a treatment, and "Treatment of X" says how X is treated
            label_under = label_under or lead_under
        if any(_contains(own_terms, cue) for cue in qtype.sections) or (
                qtype.section_pattern is not None and qtype.section_pattern.search(own)):
            # "Stages of X > After X has been diagnosed, tests are done to find out if it has spread" names
            # diagnosis, but it is the staging section's: the parent's aspect, named again, comes first
            return 1 if self._parents_aspect(qtype, own_terms, parent_terms) else 2
        if any(_contains(parent_terms, cue) for cue in qtype.sections):
            # a short label under the fitting heading ("Treatment of Medulloblastoma > Younger children",
            # "The following risk factors may increase the risk of prostate cancer: > Age") is that section's
            # part; a key-point sentence under it is not
            return 2 if label_under and any(_contains(label_under, cue) for cue in qtype.sections) else 1
        return 0

    def _parents_aspect(self, qtype: QuestionType, own_terms: list[str], parent_terms: list[str]) -> bool:
        """Another question type names both the parent headings and this one, and the asked type does not
        name the parents."""
        if not parent_terms or any(_contains(parent_terms, cue) for cue in qtype.sections):
            return False
        return any(other is not qtype and any(_contains(parent_terms, c) for c in other.sections)
                   and any(_contains(own_terms, c) for c in other.sections) for other in self.types)

    def _section_terms(self, section: str) -> tuple[str, list[str], list[str], list[str], list[str]]:
        """A section's own heading in lower case, its terms, the terms of its parents, and those of the parent
        heading when both are short labels, and when the own is a short label under a lead-in ("...: > Age")
        (cached: a library has few distinct headings)."""
        cached = self._sections.get(section)
        if cached is None:
            *parents, own = section.split(" > ")
            label = bool(parents) and is_label(own) and is_label(parents[-1])
            lead = bool(parents) and is_label(own) and parents[-1].endswith(":")
            cached = (own.lower(), self.analyzer.tokens(own), self.analyzer.tokens(" ".join(parents)),
                      self.analyzer.tokens(parents[-1]) if label else [],
                      self.analyzer.tokens(parents[-1]) if lead else [])
            if len(self._sections) >= 100_000:
                self._sections.clear()
            self._sections[section] = cached
        return cached
