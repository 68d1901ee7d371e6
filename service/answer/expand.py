"""Query expansion for the vocabulary gap between patients and the library.

(a) brand <-> generic drug names read from the library's own drug pages ("US Brand Name(s)"),
(b) the reviewed lay-to-clinical synonym file service/data/synonyms.yaml,
(c) spelling correction against the index vocabulary.
Expanded terms get a lower weight than the patient's own words, so they cannot flood the query.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml

from ..search.analyzer import Analyzer
from ..search.index import SearchIndex

DATA = Path(__file__).resolve().parent.parent / "data"
SYNONYM_WEIGHT = 0.5
BRAND_WEIGHT = 0.7
SPELLING_WEIGHT = 0.8
BRAND_BLOCK = re.compile(r"US Brand Name\(s\)\n(.+?)(?:\nFDA Approved|\n\S+ is approved|$)", re.DOTALL)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class QueryExpander:
    def __init__(self, index: SearchIndex, synonyms_path: Path | None = None) -> None:
        self.analyzer: Analyzer = index.analyzer
        self.vocab = index.vocab
        raw = yaml.safe_load((synonyms_path or DATA / "synonyms.yaml").read_text(encoding="utf-8")) or {}
        self.synonyms: dict[tuple[str, ...], list[str]] = {}
        for lay, clinical in raw.items():
            key = tuple(self.analyzer.tokens(str(lay)))
            if key:
                self.synonyms[key] = [t for c in clinical for t in self.analyzer.tokens(str(c))]
        self.brands = self._read_brand_names(index)
        self._spelling = self._spelling_table(index)

    def _read_brand_names(self, index: SearchIndex) -> dict[str, list[str]]:
        """brand term -> generic name terms (and generic -> brand), from patient drug pages."""
        table: dict[str, list[str]] = {}
        for p in index.passages:
            if p.audience != "patient" or "US Brand Name(s)" not in p.text:
                continue
            match = BRAND_BLOCK.search(p.text)
            if not match:
                continue
            generic = self.analyzer.tokens(p.title)
            if not generic:
                continue
            # Brand names sit one per line, but cleaning joins the lines: every word is a name.
            for brand in set(self.analyzer.tokens(match.group(1))) - set(generic):
                table.setdefault(brand, []).extend(generic)
                table.setdefault(generic[0], []).append(brand)
        return {k: list(dict.fromkeys(v)) for k, v in table.items()}

    def _spelling_table(self, index: SearchIndex) -> dict[str, list[str]]:
        """Deletion index (SymSpell style) over patient terms seen at least twice."""
        part = index.partitions["patient"]
        df = np.diff(part.matrix.indptr)
        table: dict[str, list[str]] = {}
        for term, tid in index.vocab.items():
            if tid < len(df) and df[tid] >= 2 and len(term) >= 5 and term.isalpha():
                for key in _deletes(term) | {term}:
                    table.setdefault(key, []).append(term)
        self._df = df
        return table

    def correct(self, term: str) -> str | None:
        """A known term within one edit (or a transposition) of an unknown term."""
        if len(term) < 5 or not term.isalpha():
            return None
        tid = self.vocab.get(term)
        if tid is not None and tid < len(self._df) and self._df[tid] >= 2:
            return None  # a word patient pages use is not a typo
        candidates: set[str] = set()
        for key in _deletes(term) | {term}:
            candidates.update(self._spelling.get(key, ()))
        if not candidates:
            return None
        candidates.discard(term)
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda t: self._df[self.vocab[t]])

    def expand(self, text: str, own_weight: float = 1.0) -> dict[str, float]:
        """Weighted query terms: the patient's words, then expansions at lower weights."""
        return self.expand_with_sources(text, own_weight)[0]

    def expand_with_sources(self, text: str, own_weight: float = 1.0) -> tuple[dict[str, float], dict[str, set[str]]]:
        """Weights, and for each expanded term the patient's terms it stands for."""
        terms = self.analyzer.tokens(text)
        weights: dict[str, float] = {}
        sources: dict[str, set[str]] = {}
        for t in terms:
            weights[t] = weights.get(t, 0.0) + own_weight

        def add(term: str, w: float, origin: tuple[str, ...]) -> None:
            if term not in terms:
                weights[term] = max(weights.get(term, 0.0), w)
                sources.setdefault(term, set()).update(origin)

        for t in terms:
            fixed = self.correct(t)
            if fixed:
                add(fixed, SPELLING_WEIGHT, (t,))
            for source in (t, fixed):
                for generic in self.brands.get(source or "", ()):
                    add(generic, BRAND_WEIGHT, (t,))
        for key, targets in self.synonyms.items():
            n = len(key)
            if any(tuple(terms[i : i + n]) == key for i in range(len(terms) - n + 1)):
                for target in targets:
                    add(target, SYNONYM_WEIGHT, key)
        return weights, sources
