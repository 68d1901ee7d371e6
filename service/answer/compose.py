"""Compose a short extractive answer: 2 to 4 sentences (or one list) copied from passages.

Every unit shown is a verbatim piece of one passage (a sentence or a whole list item) and
carries that passage's citation number. Lists stay lists, with their lead-in sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..corpus.models import Passage
from ..corpus.sentences import read_word_list, split_sentences
from ..search.analyzer import Analyzer

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_LIST_ITEMS = 10
SENTENCE_END = ('.', '!', '?', ':', '."', '.)', ".'")
MAX_UNITS = 4


@dataclass
class Unit:
    """A sentence or list item of one passage, with the list it belongs to."""

    text: str
    passage_index: int  # global passage index
    order: tuple[int, int, int]  # (passage order in page, line, position in line)
    is_item: bool = False
    lead_in: Unit | None = None  # the sentence that introduces this item's list
    items: list[Unit] = field(default_factory=list)  # for a lead-in: its list items
    terms: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[str, ...]:
    return tuple(read_word_list(DATA / "boilerplate_sections.txt"))


def is_boilerplate(section: str) -> bool:
    """Page furniture (reuse permissions, link lists) is never an answer."""
    lowered = section.lower()
    return any(b in lowered for b in _boilerplate())


@lru_cache(maxsize=8192)
def passage_units(passage: Passage, passage_index: int, analyzer: Analyzer) -> tuple[Unit, ...]:
    """Sentences and list items of a passage (cached: splitting is the costly part of composing).

    Callers must not change the units; selection only reads them.
    """
    return tuple(_split_units(passage, passage_index, analyzer))


def _split_units(passage: Passage, passage_index: int, analyzer: Analyzer) -> list[Unit]:
    units: list[Unit] = []
    lead: Unit | None = None
    for line_no, line in enumerate(passage.text.split("\n")):
        if line.startswith("- "):
            item = Unit(line[2:].strip(), passage_index, (passage.order, line_no, 0), is_item=True, lead_in=lead)
            if lead is not None:
                lead.items.append(item)
            units.append(item)
            continue
        lead = None
        if " | " in line:  # table rows are not shown as answer sentences
            continue
        for pos, sentence in enumerate(split_sentences(line)):
            if not sentence.endswith(SENTENCE_END):
                continue  # a run of link titles or a caption, not a sentence
            unit = Unit(sentence, passage_index, (passage.order, line_no, pos))
            units.append(unit)
            lead = unit if sentence.endswith(":") else None
    for u in units:
        u.terms = frozenset(analyzer.tokens(u.text))
    return units


def _idf_weighted_overlap(terms: frozenset[str], query: Mapping[str, float], idf: Mapping[str, float]) -> float:
    return sum(w * idf.get(t, 1.0) for t, w in query.items() if t in terms)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) > 0.6


def select_units(
    candidates: list[tuple[Passage, int, float]],
    query: Mapping[str, float],
    idf: Mapping[str, float],
    analyzer: Analyzer,
) -> list[Unit]:
    """Pick the units that best answer the query from ranked (passage, index, score) candidates."""
    if not candidates:
        return []
    top_score = max(score for _, _, score in candidates) or 1.0
    scored: list[tuple[float, Unit]] = []
    query_mass = sum(w * idf.get(t, 1.0) for t, w in query.items()) or 1.0
    for rank, (passage, pidx, score) in enumerate(candidates):
        if is_boilerplate(passage.section):
            continue
        units = passage_units(passage, pidx, analyzer)
        for i, unit in enumerate(units):
            words = len(unit.text.split())
            if words < 3 and not unit.is_item:
                continue
            coverage = _idf_weighted_overlap(unit.terms, query, idf) / query_mass
            value = (
                coverage
                + 0.6 * score / top_score
                + (0.15 if i == 0 else 0.0)  # a passage's first sentence usually states its point
                - 0.1 * rank
                - (0.2 if words > 60 else 0.0)
            )
            if unit.items:
                value += 0.2  # a lead-in brings its whole list: a complete answer
            scored.append((value, unit))
    scored.sort(key=lambda x: -x[0])

    chosen: list[Unit] = []
    shown = 0
    for _value, unit in scored:
        if shown >= MAX_UNITS:
            break
        if unit.is_item and unit.lead_in is not None:
            unit = unit.lead_in  # show the list with its lead-in
        if any(unit is c or _similar(unit.terms, c.terms) for c in chosen):
            continue
        chosen.append(unit)
        shown += 1
        if unit.items:
            shown += 2  # a list fills most of an answer
    return sorted(chosen, key=lambda u: u.order)


def flatten(units: list[Unit]) -> list[Unit]:
    """Units in display order, lists expanded after their lead-in (at most MAX_LIST_ITEMS items)."""
    out: list[Unit] = []
    for unit in units:
        out.append(unit)
        out.extend(unit.items[:MAX_LIST_ITEMS])
    return out
