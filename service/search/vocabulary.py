"""Vocabulary mined from the library itself at index time, so that it follows the library.

- Acronyms defined in the text, "acute lymphoblastic leukemia (ALL)", found with the algorithm of
  Schwartz and Hearst ("A simple algorithm for identifying abbreviation definitions in biomedical
  text", PSB 2003). Written here from the paper: the `abbreviations` package that implements it has
  not been released since 2019, and the algorithm is twenty lines.
- Aliases: "small intestine (small bowel)", "larynx (voice box)", "lymphedema (also called ...)".

The result is plain JSON kept in the index manifest, and shown by `python -m service index -v`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..corpus.models import Passage
from .analyzer import Analyzer

VOCABULARY_VERSION = 2
# "long form (SF)": a parenthesis of 2-10 characters with a capital letter, not a plain word.
ACRONYM_PAREN = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9-]{1,9})s?\)")
WORD = r"[a-z][a-z'-]*"
# "x y (u v)": lower-case words on both sides, the parenthesis of one to four words.
ALIAS_PAREN = re.compile(rf"\b((?:{WORD} ){{0,3}}{WORD}) \(((?:{WORD} ){{0,3}}{WORD})\)")
ALSO_CALLED = re.compile(
    rf"\b((?:{WORD} ){{0,2}}{WORD}),? \((?:also )?(?:called|known as) (?:an? |the )?((?:{WORD} ){{0,3}}{WORD})\)"
)
NOT_ALIAS = frozenset(
    "see such e.g eg for example including includes include like or and with from which who that this these "
    "those called also known as the a an in on of to by is are was were".split()
)


def best_long_form(short: str, text: str) -> str | None:
    """Schwartz-Hearst: the shortest end of `text` whose letters spell `short` in order.

    Matching runs right to left; the first character of the short form must start a word.
    """
    s, pos = len(short) - 1, len(text) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while pos >= 0 and (text[pos].lower() != ch or (s == 0 and pos > 0 and text[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return None
        pos -= 1
        s -= 1
    start = text.rfind(" ", 0, pos + 1) + 1
    return text[start:].strip()


def _acronyms_in(text: str) -> Iterable[tuple[str, str]]:
    for match in ACRONYM_PAREN.finditer(text):
        short = match.group(1)
        letters = sum(ch.isalpha() for ch in short)
        capitals = sum(ch.isupper() for ch in short)
        if letters < 2 or capitals < 2 or short.isdigit():
            continue
        before = text[: match.start()].rstrip()
        # Stay inside the sentence and within min(|SF| + 5, 2|SF|) words, as in the paper.
        before = re.split(r"[.;:!?()\[\]]", before)[-1]
        words = before.split()
        window = words[-min(len(short) + 5, 2 * len(short)) :]
        if not window:
            continue
        long_form = best_long_form(short, " ".join(window))
        if not long_form:
            continue
        n_words = len(long_form.split())
        if n_words < 2 or len(long_form) <= len(short) or short.lower() in long_form.lower().split():
            continue
        yield short, long_form


def _aliases_in(text: str) -> Iterable[tuple[str, str]]:
    # Lower-case words only: a capitalised parenthesis is an acronym or a name, handled above.
    for pattern in (ALSO_CALLED, ALIAS_PAREN):
        for match in pattern.finditer(text):
            left, right = match.group(1).split(), match.group(2).split()
            if right[0] in NOT_ALIAS or any(w in NOT_ALIAS for w in right[1:]):
                continue
            left = left[-max(len(right), 1) :] if pattern is ALIAS_PAREN else left
            while left and left[0] in NOT_ALIAS:
                left = left[1:]
            if left:
                yield " ".join(left), " ".join(right)


def mine_vocabulary(passages: list[Passage], analyzer: Analyzer) -> dict:
    """Acronyms and aliases defined in the library, with how often each definition occurs."""
    acronym_counts: dict[str, Counter] = defaultdict(Counter)
    alias_counts: Counter = Counter()
    for p in passages:
        text = p.text
        if "(" not in text:
            continue
        weight = 2 if p.audience == "patient" else 1  # patient wording first for patient questions
        for short, long_form in _acronyms_in(text):
            acronym_counts[short.upper().rstrip("S") if short.endswith("s") else short.upper()][
                " ".join(long_form.lower().split())
            ] += weight
        for left, right in _aliases_in(text):
            lt, rt = analyzer.tokens(left), analyzer.tokens(right)
            if lt and rt and lt != rt and len(lt) <= 4 and len(rt) <= 4:
                alias_counts[(" ".join(lt), " ".join(rt))] += 1
    acronyms = {}
    for short, forms in acronym_counts.items():
        long_form, count = forms.most_common(1)[0]
        acronyms[short] = {"long": long_form, "count": count}
    # One sighting is often a coincidence ("evidence (larotrectinib)"); a definition recurs.
    aliases = [[a, b, n] for (a, b), n in alias_counts.items() if n >= 2]
    aliases.sort(key=lambda row: (-row[2], row[0], row[1]))
    return {"version": VOCABULARY_VERSION, "acronyms": acronyms, "aliases": aliases}


def vocabulary_report(vocabulary: dict, sample: int = 12) -> list[str]:
    """Lines for the index report: counts and a sample for review."""
    acronyms = vocabulary.get("acronyms", {})
    aliases = vocabulary.get("aliases", [])
    top = sorted(acronyms.items(), key=lambda kv: -kv[1]["count"])[:sample]
    lines = [f"mined vocabulary: {len(acronyms)} acronyms, {len(aliases)} aliases"]
    lines.append("  acronyms: " + "; ".join(f"{k} = {v['long']}" for k, v in top))
    lines.append("  aliases: " + "; ".join(f"{a} = {b}" for a, b, _ in aliases[:sample]))
    return lines
