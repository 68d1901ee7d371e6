"""Text analyzer shared by indexing and querying.

Lower-casing, Unicode folding, a tokenizer that keeps medical tokens such as
"HER2", "5-FU" and "BRCA1" whole, stopwords from service/data/stopwords.txt,
and nltk's Snowball stemmer (which needs no downloaded data).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from nltk.stem.snowball import SnowballStemmer

from ..corpus.sentences import read_word_list

DATA = Path(__file__).resolve().parent.parent / "data"
ANALYZER_VERSION = 3

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa", "λ": "lambda", "μ": "mu"}
RAW_TOKEN = re.compile(r"[a-z0-9]+(?:[-./'][a-z0-9]+)*")
SEPARATOR = re.compile(r"[-./']")


def fold(text: str) -> str:
    """Lower-case and strip accents; Greek letters become their names."""
    text = text.lower()
    if not text.isascii():
        text = "".join(GREEK.get(ch, ch) for ch in text)
        text = text.replace("’", "'").replace("‘", "'")
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text


class Analyzer:
    """Turns text into index terms. Instances are cheap to share; stemming is cached."""

    def __init__(self, stopwords_path: Path | None = None, language: str = "english") -> None:
        path = stopwords_path or DATA / "stopwords.txt"
        self.stopwords = frozenset(read_word_list(path))
        self.language = language
        self._stemmer = SnowballStemmer(language)
        self.stem = lru_cache(maxsize=200_000)(self._stemmer.stem)
        self.fingerprint = hashlib.sha256(
            json.dumps(
                {"version": ANALYZER_VERSION, "language": language, "stopwords": sorted(self.stopwords)},
                sort_keys=True,
            ).encode()
        ).hexdigest()[:16]

    def words(self, text: str) -> list[str]:
        """Surface words before stemming (stopwords removed), medical tokens kept whole."""
        out: list[str] = []
        for raw in RAW_TOKEN.findall(fold(text)):
            if raw.endswith("'s"):
                raw = raw[:-2]
            raw = raw.strip(".'")
            if not raw or raw in self.stopwords:
                continue  # ("they've" whole: its parts "they" and "ve" would join as "theyve")
            if SEPARATOR.search(raw):
                parts = [p for p in SEPARATOR.split(raw) if p]
                if re.fullmatch(r"\d+(\.\d+)?", raw):  # a plain number such as 1.5
                    out.append(raw)
                    continue
                # "5-FU" -> "5fu"; "non-small-cell" -> "nonsmallcell" + parts
                if any(ch.isdigit() for ch in raw) or any(len(p) <= 3 for p in parts):
                    out.append("".join(parts))
                out.extend(p for p in parts if (len(p) > 1 or p.isdigit()) and p not in self.stopwords)
            elif (len(raw) > 1 or raw.isdigit()) and raw not in self.stopwords:
                out.append(raw)
        return out

    def term(self, word: str) -> str:
        return self.stem(word) if word.isalpha() else word

    def tokens(self, text: str) -> list[str]:
        """Index terms of a text, in order, duplicates kept (BM25 needs term counts)."""
        # A joined form ("s-o" -> "so") or a stem ("hims" -> "him") can be a stopword too: drop it here.
        return [t for t in map(self.term, self.words(text)) if t not in self.stopwords]
