"""Query expansion for the vocabulary gap between patients and the library.

(a) brand <-> generic drug names read from the library's own drug pages ("US Brand Name(s)"),
(b) the reviewed lay vocabulary service/data/lay_vocabulary.yaml ("gullet" -> esophagus),
(c) acronyms and aliases mined from the library at index time (service/search/vocabulary.py):
    "ALL" -> acute lymphoblastic leukemia, "voice box" <-> larynx,
(d) spelling correction against the index vocabulary.
Expanded terms get a lower weight than the patient's own words, so they cannot flood the query;
an acronym's long form is the patient's topic itself and gets full weight.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml

from ..search.analyzer import Analyzer, fold
from ..search.index import SearchIndex
from ..search.vocabulary import mine_vocabulary

DATA = Path(__file__).resolve().parent.parent / "data"
SYNONYM_WEIGHT = 0.5
BRAND_WEIGHT = 0.7
SPELLING_WEIGHT = 0.8
ACRONYM_WEIGHT = 1.0  # "ALL" in capitals names acute lymphoblastic leukemia
LOWER_ACRONYM_WEIGHT = 0.7  # "aml" in lower case: very likely, not certain
ALIAS_WEIGHT = 0.4  # mined aliases are unreviewed: helpful, never decisive
MIN_ALIAS_COUNT = 3  # a definition seen a few times is a real alias; rarer ones are mostly noise
COMMON_SHARE = 0.02  # an alias target in more than 2 % of patient passages says nothing
BRAND_BLOCK = re.compile(r"US Brand Name\(s\)\n(.+?)(?:\nFDA Approved|\n\S+ is approved|$)", re.DOTALL)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class QueryExpander:
    def __init__(self, index: SearchIndex, vocabulary_path: Path | None = None) -> None:
        self.analyzer: Analyzer = index.analyzer
        self.vocab = index.vocab
        raw = yaml.safe_load((vocabulary_path or DATA / "lay_vocabulary.yaml").read_text(encoding="utf-8")) or {}
        # Lay phrases are matched on the message's words (stopwords kept: "off my food" is not "food").
        self.lay: dict[str, list[str]] = {}
        for lay, clinical in raw.items():
            key = " ".join(fold(str(lay)).split())
            targets = [t for c in clinical for t in self.analyzer.tokens(str(c))]
            if key and targets:
                self.lay[key] = list(dict.fromkeys(targets))
        keys = sorted(self.lay, key=len, reverse=True)
        alternatives = "|".join(re.escape(k) for k in keys)
        self._lay_pattern = re.compile(rf"(?<![a-z0-9])({alternatives})(?:s|es)?(?![a-z0-9])")
        # a two-word phrase of two content words is also said apart or the other way round ("swollen leg": "my leg
        # is swollen", "a swollen left leg")
        self._split_pairs: list[tuple[str, tuple[str, ...], re.Pattern]] = []
        for key in keys:
            words = key.split()
            if len(words) == 2 and all(self.analyzer.tokens(w) for w in words):
                first, second = (re.escape(w) for w in words)
                self._split_pairs.append((key, tuple(words), re.compile(
                    rf"(?<![a-z0-9])(?:{first}(?: [a-z']+)? {second}(?:s|es)?|{second}(?:s|es)?(?: [a-z']+){{1,2}} "
                    rf"{first})(?![a-z0-9])")))
        self.brands, self._generics = self._read_brand_names(index)
        self._spelling = self._spelling_table(index)
        mined = index.manifest.get("vocabulary") or mine_vocabulary(index.passages, self.analyzer)
        n_patient = max(index.partitions["patient"].n_passages, 1)
        common = {t for t, tid in self.vocab.items()
                  if tid < len(self._df) and self._df[tid] > COMMON_SHARE * n_patient}
        self.acronyms: dict[str, list[str]] = {}
        for short, entry in mined.get("acronyms", {}).items():
            terms = [t for t in self.analyzer.tokens(entry["long"]) if t != short.lower()]
            if terms:
                self.acronyms[short] = terms
        # lower-case forms only where they cannot be an English word: no vowel ("cll", "nhl") or a
        # digit ("her2"); "aml" is indexed as it is, and "cat" or "car" must stay animals and cars
        self._lower_acronyms = {
            short.lower(): terms for short, terms in self.acronyms.items()
            if len(short) >= 3 and short.lower() not in common
            and (not re.search(r"[aeiouy]", short.lower()) or re.search(r"\d", short))
        }
        self.aliases: dict[tuple[str, ...], list[str]] = {}
        for left, right, count in mined.get("aliases", []):
            if count < MIN_ALIAS_COUNT:
                continue
            lt, rt = tuple(left.split()), tuple(right.split())
            for key, target in ((rt, lt), (lt, rt)):
                useful = [t for t in target if t not in common and t not in key]
                if useful and not all(t in common for t in key):
                    self.aliases.setdefault(key, [])
                    self.aliases[key].extend(t for t in useful if t not in self.aliases[key])

    def lay_phrases(self, text: str) -> list[str]:
        """The lay vocabulary's phrases found in a text ("back passage", "chemo")."""
        lowered = " ".join(fold(text).split())  # fold straightens curly apostrophes
        found = [m.group(1) for m in self._lay_pattern.finditer(lowered)]
        found += [key for key, words, pattern in self._split_pairs  # (both words in the text first: cheap)
                  if key not in found and all(w in lowered for w in words) and pattern.search(lowered)]
        return list(dict.fromkeys(found))

    def is_acronym(self, word: str) -> bool:
        return word.upper() in self.acronyms

    def unambiguous_acronyms(self) -> list[str]:
        """Acronyms (lower case) that cannot be an English word: "cml", "her2"; not "cat" or "pass"."""
        return list(self._lower_acronyms)

    @property
    def generics(self) -> frozenset[str]:
        """The first term of each drug page's generic name ("luspatercept" of "Luspatercept-aamt")."""
        return self._generics

    def drug_names(self) -> list[str]:
        """Brand and generic drug names the library knows (index terms, so stems: "lupron")."""
        return [name for name in (*self.brands, *self._generics) if len(name) >= 5 and name.isalpha()]

    def drug_terms(self, terms: list[str]) -> set[str]:
        """The generic drug names (index terms) that these terms name: "opdivo" -> nivolumab."""
        found: set[str] = set()
        for t in terms:
            if t in self._generics:
                found.add(t)
            elif t in self.brands:
                found.update(g for g in self.brands[t] if g in self._generics)
        return found

    def _read_brand_names(self, index: SearchIndex) -> tuple[dict[str, list[str]], frozenset[str]]:
        """brand term -> generic name terms, from patient drug pages; and the
        generic names themselves (the first term of each drug page's title)."""
        generics: dict[str, set[tuple[str, ...]]] = {}  # brand -> generic names of the pages listing it
        table: dict[str, list[str]] = {}
        for p in index.passages:
            if p.audience != "patient" or "US Brand Name(s)" not in p.text:
                continue
            match = BRAND_BLOCK.search(p.text)
            if not match:
                continue
            generic = tuple(self.analyzer.tokens(p.title))
            if not generic:
                continue
            # Brand names sit one per line, but cleaning joins the lines: every word is a name.
            # (a generic name said is not expanded to its brands: the library's pages use the generic name, and a
            # drug with twenty brands, dexamethasone, would outweigh the rest of the question)
            for brand in set(self.analyzer.tokens(match.group(1))) - set(generic):
                generics.setdefault(brand, set()).add(generic)
        for brand, names in generics.items():
            # "Femara" is letrozole; the co-pack "Kisqali Femara" lists it too, but ribociclib is not Femara:
            # a combination's name is dropped when a single drug's name within it lists the brand as well.
            kept = [g for g in names if not any(set(other) < set(g) for other in names)]
            table.setdefault(brand, []).extend(t for g in sorted(kept) for t in g)
        generic_firsts = frozenset(g[0] for names in generics.values() for g in names)
        return {k: list(dict.fromkeys(v)) for k, v in table.items()}, generic_firsts

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
        """A known term with the same first letter, sharing a deletion with an unknown term (one edit, a
        transposition, or a letter dropped and another added)."""
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
        # typos rarely touch the first letter ("sesion" is "session", not "lesion"; "lipoma" is not "vipoma"), and
        # words sharing a deletion can be two edits apart ("treted" is "treated", "lipoma" and "glioma" share "lioma")
        candidates = {c for c in candidates if c != term and c[0] == term[0]}
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda t: self._df[self.vocab[t]])  # the commoner word

    def expand(self, text: str, own_weight: float = 1.0) -> dict[str, float]:
        """Weighted query terms: the patient's words, then expansions at lower weights."""
        return self.expand_with_sources(text, own_weight)[0]

    def expand_with_sources(
        self, text: str, own_weight: float = 1.0, acronyms: list[str] = (), lay_phrases: list[str] | None = None,
        corrections: dict[str, str] | None = None,
    ) -> tuple[dict[str, float], dict[str, set[str]]]:
        """Weights, and for each expanded term the patient's terms it stands for.

        `text` holds the words to weight (the focus); `acronyms` are the capitalised acronyms the patient
        wrote; `lay_phrases` are the lay vocabulary's phrases found in the whole question (looked for in
        `text` when not given). Spelling corrections made are put in `corrections` when given.
        """
        terms = self.analyzer.tokens(text)
        weights: dict[str, float] = {}
        sources: dict[str, set[str]] = {}
        for t in terms:
            weights[t] = weights.get(t, 0.0) + own_weight

        def add(term: str, w: float, origin: tuple[str, ...]) -> None:
            # An expansion the patient also wrote keeps its own weight, but still records what it explains.
            if term not in terms:
                weights[term] = max(weights.get(term, 0.0), w)
            sources.setdefault(term, set()).update(origin)

        found = self.lay_phrases(text) if lay_phrases is None else lay_phrases
        # a word the lay vocabulary explains ("peely") is corrected only to what it means ("leukaemia" to
        # "leukemia"), never to another word ("pelvis")
        meanings: dict[str, set[str]] = {}
        for phrase in found:
            targets = {t for target in self.lay[phrase] for t in self.analyzer.tokens(target)}
            for w in self.analyzer.tokens(phrase):
                meanings.setdefault(w, set()).update(targets)
        for t in terms:
            fixed = self.correct(t)
            if fixed and t in meanings and fixed not in meanings[t]:
                fixed = None
            if fixed:
                add(fixed, SPELLING_WEIGHT, (t,))
                if corrections is not None:
                    corrections[t] = fixed
            for source in (t, fixed):
                for generic in self.brands.get(source or "", ()):
                    add(generic, BRAND_WEIGHT, (t,))
        for short in acronyms:
            # An acronym the index knows ("egfr") is its own best term; one it cannot index ("ALL" is a
            # stopword) is only its long form, at full weight.
            indexed = short.lower() in terms
            for target in self.acronyms.get(short.upper(), ()):
                if indexed:
                    # the long form's words help ranking, but one of them ("chronic") does not stand
                    # for "CML": they are recorded as explaining nothing
                    if target not in terms:
                        weights[target] = max(weights.get(target, 0.0), SYNONYM_WEIGHT)
                else:
                    add(target, ACRONYM_WEIGHT, (short.lower(),))
        for t in terms:
            if t in self._lower_acronyms and t.upper() not in acronyms:
                for target in self._lower_acronyms[t]:
                    add(target, LOWER_ACRONYM_WEIGHT, (t,))
        for phrase in found:
            origin = tuple(self.analyzer.tokens(phrase)) or (phrase,)
            for target in self.lay[phrase]:
                add(target, SYNONYM_WEIGHT, origin + (phrase,))
        for key, targets in self.aliases.items():
            n = len(key)
            if any(tuple(terms[i : i + n]) == key for i in range(len(terms) - n + 1)):
                for target in targets:
                    add(target, ALIAS_WEIGHT, key)
        return weights, sources
