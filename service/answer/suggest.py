"""Follow-up suggestions that are real questions, each answerable from the page it came from.

Sources, in order: the cited page's own headings that are questions ("What is grapefruit?" is a
heading of the food-interactions page), then questions phrased by the kind of page (a drug page:
"What is Luspatercept-aamt used for?"; a cancer-type page: the aspects it has sections for).
The wording lives in service/data/suggestions.yaml for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .intent import QuestionType, QuestionTypes

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class SuggestionRules:
    drug_sections: tuple[str, ...]
    drug: tuple[str, ...]
    disease_words: tuple[str, ...]
    not_disease_words: tuple[str, ...]
    max_heading_question_words: int
    max_suggestions: int
    disease_types: tuple[tuple[str, str], ...] = ()  # (question type, wording or "" for the type's own)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> SuggestionRules:
        raw = yaml.safe_load((DATA / "suggestions.yaml").read_text(encoding="utf-8"))
        return cls(
            drug_sections=tuple(s.lower() for s in raw["drug_sections"]),
            drug=tuple(raw["drug"]),
            disease_words=tuple(s.lower() for s in raw["disease_words"]),
            not_disease_words=tuple(s.lower() for s in raw["not_disease_words"]),
            max_heading_question_words=int(raw["max_heading_question_words"]),
            max_suggestions=int(raw["max_suggestions"]),
            disease_types=tuple((str(k), str(v or "")) for k, v in (raw.get("disease_types") or {}).items()),
        )


def page_kind(title: str, sections: Iterable[str], rules: SuggestionRules) -> str:
    """"drug", "disease" (a cancer type, which is diagnosed, staged and treated) or "other"."""
    headings = {h.strip().lower() for s in sections for h in s.split(" > ")}
    if headings & set(rules.drug_sections):
        return "drug"
    lowered = title.lower()

    def has(words: tuple[str, ...]) -> bool:
        return any(re.search(r"\b" + re.escape(w) + r"\b", lowered) for w in words)

    if title.rstrip().endswith("?"):
        return "other"  # "How Is Breast Cancer Diagnosed?": a page that is a question itself
    return "disease" if has(rules.disease_words) and not has(rules.not_disease_words) else "other"


def heading_questions(sections: Iterable[str], rules: SuggestionRules) -> list[str]:
    """The page's headings that are questions already, in reading order."""
    out: list[str] = []
    for section in sections:
        for heading in section.split(" > "):
            heading = " ".join(heading.split())
            if (heading.endswith("?") and heading[:1].isupper()
                    and 3 <= len(heading.split()) <= rules.max_heading_question_words and heading not in out):
                out.append(heading)
    return out


def candidates(
    title: str,
    topic: str,
    sections: list[str],
    qtypes: QuestionTypes,
    asked: QuestionType | None,
    asked_text: str = "",
    text_questions: Iterable[str] = (),
) -> list[str]:
    """Suggestion candidates for a page, best first (not yet checked for answerability)."""
    rules = SuggestionRules.load()
    kind = page_kind(title, sections, rules)
    out: list[str] = []
    if kind == "drug":
        out += [t.format(topic=topic) for t in rules.drug]
    elif kind == "disease":
        wording = dict(rules.disease_types)
        for qtype in qtypes.types:
            if qtype is asked or qtype.name not in wording:
                continue
            if any(qtypes.section_matches(qtype, s) for s in sections):
                out.append((wording[qtype.name] or qtype.suggestion).format(topic=topic))
    questions = heading_questions(sections, rules) + [
        q for q in text_questions if 3 <= len(q.split()) <= rules.max_heading_question_words]
    # Headings first on pages that are not about a disease: they are the page's own questions.
    out = questions + out if kind == "other" else out + questions
    asked_key = asked_text.strip().lower()
    return [q for q in dict.fromkeys(out) if q.strip().lower() != asked_key]


def question_lines(texts: Iterable[str], shown: Iterable[str] = ()) -> list[str]:
    """Lines of a page that are a question on their own: the questions of NCI's question-and-answer
    summaries ("What is grapefruit?"), which are headings in the text. A question whose answer (the next
    line) was just shown is left out."""
    shown = [s for s in shown if s]
    out: list[str] = []
    for text in texts:
        lines = text.split("\n")
        for i, raw in enumerate(lines):
            line = re.sub(r"^(\d+\.|-)\s*", "", raw.strip())
            if not (line.endswith("?") and line[:1].isupper() and "?" not in line[:-1]) or line in out:
                continue
            answer = lines[i + 1] if i + 1 < len(lines) else ""
            if any(s in answer for s in shown):
                continue
            out.append(line)
    return out


def choose(cands: list[str], answered_from_page: Callable[[str], bool], limit: int | None = None,
           tries: int = 6) -> list[str]:
    """The first candidates that are answered from the same page when asked (at most `tries` checked)."""
    limit = limit or SuggestionRules.load().max_suggestions
    out: list[str] = []
    for q in cands[:tries]:
        if answered_from_page(q):
            out.append(q)
        if len(out) == limit:
            break
    return out
