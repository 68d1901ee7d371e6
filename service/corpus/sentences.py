"""Sentence splitting with nltk's Punkt algorithm, untrained (no data download).

Known abbreviations come from service/data/abbreviations.txt.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

DATA = Path(__file__).resolve().parent.parent / "data"


def read_word_list(path: Path) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(read_word_list(DATA / "abbreviations.txt"))
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each stripped; text is never altered inside a sentence."""
    text = text.strip()
    if not text:
        return []
    spans = _tokenizer().span_tokenize(text)
    sentences = [text[a:b].strip() for a, b in spans]
    # Punkt can leave a lone closing bracket or quote as a "sentence"; glue it back.
    merged: list[str] = []
    for s in sentences:
        if merged and (len(s) < 3 or not re.search(r"\w", s)):
            merged[-1] = f"{merged[-1]} {s}"
        else:
            merged.append(s)
    return merged
