"""Which of many word-anchored regular expressions can match a text, from the words it holds.

The safety detector matches some 80 concept patterns, each an alternation of many variants, against
every message. Scanning them all costs most of the routing time on long messages. Each pattern starts
at a word, so a match must begin with one of a few literal word prefixes ("sav", "stock", "took"),
which are read from the pattern itself with the standard library's regular-expression parser. A
pattern is scanned only when a word of the text starts with one of its prefixes; a pattern whose
start cannot be read (`\\w+mab`) is always scanned. The result is the same as scanning them all
(tests/test_safety.py checks it over every test message), only faster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PREFIX_CHARS = 4  # longer prefixes filter better ("cant" is not "can"); four letters rule out most patterns
WORD = re.compile(r"\w+")
SHORT_PAIR = re.compile(rf"(?<!\w)(\w{{1,{PREFIX_CHARS - 1}}}) (?=(\w+))")  # a short word, a space, the next
END = "\0"  # marks a prefix that cannot grow (the pattern is no longer literal there)

try:  # the parser behind re.compile; private, so any change there only turns the filter off
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python before 3.11
    _sre = None


def word_prefixes(pattern: str, length: int = PREFIX_CHARS) -> frozenset[str] | None:
    """Literal prefixes (up to `length` characters, within one word) that every match starts with.

    None when some match may start otherwise: with a character class such as \\w, or with a
    character that is not part of a word.
    """
    if _sre is None:
        return None
    try:
        found = _expand(list(_sre.parse(pattern)), length)
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply always scanned
        return None
    if found is None:
        return None
    prefixes = {p.rstrip(END) for p in found}
    if not prefixes or "" in prefixes or any(not p[0].isalnum() and p[0] != "_" for p in prefixes):
        return None
    return frozenset(prefixes)


def _expand(items: Sequence, length: int) -> set[str] | None:
    """Prefixes of a parsed sequence; a prefix ending in END cannot grow. None: not literal at the start."""
    c = _sre
    if not items:
        return {""}
    (op, av), rest = items[0], items[1:]
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return _expand(rest, length)  # consumes nothing
    head: set[str] | None
    if op is c.LITERAL:
        head = {chr(av)}
    elif op is c.IN:
        head = _class_chars(av)
    elif op is c.BRANCH:
        head = set()
        for branch in av[1]:
            sub = _expand(list(branch), length)
            if sub is None:
                return None
            head |= sub
    elif op is c.SUBPATTERN:
        head = _expand(list(av[-1]), length)
    elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
        once = _expand(list(av[2]), length)
        if once is None:
            return None
        head = {p if p.endswith(END) else p + END for p in once}  # after one round the prefix stops
        if av[0] == 0:  # optional: the match may also start with what follows
            skipped = _expand(rest, length)
            return None if skipped is None else head | skipped
        return head
    else:
        return None  # a back-reference or the like
    if head is None:
        return None
    tails: set[str] | None = None
    grown = set()
    for h in head:
        if h.endswith(END) or len(h) >= length:
            grown.add(h)
            continue
        if tails is None:
            tails = _expand(rest, length)
            if tails is None:
                tails = {END}  # the start is known, what follows is not: the prefix stops here
        for t in tails:
            grown.add(_clip(h + t, length))
    return grown


def _clip(prefix: str, length: int) -> str:
    """A prefix cut to `length` characters of its last word. A short first word ("i", "my") may go on
    to a second word after one space ("i hav"), which filters far better than "i" alone."""
    body, ended = prefix.rstrip(END), prefix.endswith(END)
    first, space, second = body.partition(" ")
    if any(not (ch.isalnum() or ch == "_") for ch in first):  # punctuation ends the word
        first = first[: next(i for i, ch in enumerate(first) if not (ch.isalnum() or ch == "_"))]
        return first + END
    if len(first) >= length:
        return first[:length]
    if not space:
        return body + (END if ended else "")
    if not second:  # "a " and then something not literal
        return first + END
    cut = next((i for i, ch in enumerate(second) if not (ch.isalnum() or ch == "_")), None)
    if cut is not None:
        return f"{first} {second[:cut]}"[: len(first) + 1 + length] + END if second[:cut] else first + END
    if len(second) >= length:
        return f"{first} {second[:length]}"
    return f"{first} {second}" + (END if ended else "")


def _class_chars(items: Sequence) -> set[str] | None:
    """The characters of a small class such as [4-9]; None for \\w, negations and wide ranges."""
    c = _sre
    chars: set[str] = set()
    for kind, value in items:
        if kind is c.LITERAL:
            chars.add(chr(value))
        elif kind is c.RANGE and value[1] - value[0] < 16:
            chars.update(chr(v) for v in range(value[0], value[1] + 1))
        elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None
    return chars


class WordPrefilter:
    """Tells which patterns (by position) can match a text, from the word prefixes of each."""

    def __init__(self, patterns: Sequence[str], length: int = PREFIX_CHARS) -> None:
        self.length = length
        self.count = len(patterns)
        self.always: list[int] = []  # patterns whose start could not be read
        self.by_prefix: dict[str, set[int]] = {}
        for i, pattern in enumerate(patterns):
            prefixes = word_prefixes(pattern, length)
            if prefixes is None:
                self.always.append(i)
                continue
            for p in prefixes:
                self.by_prefix.setdefault(p, set()).add(i)

    def candidates(self, text: str) -> list[int]:
        """Positions of the patterns that may match `text`, in order."""
        found = set(self.always)
        table, length = self.by_prefix, self.length
        keys = set()
        words = WORD.findall(text)
        for word in words:
            keys.update(word[:k] for k in range(1, min(len(word), length) + 1))
        for first, second in SHORT_PAIR.findall(text):  # "i have": "i h", "i ha", "i hav"
            keys.update(f"{first} {second[:k]}" for k in range(1, min(len(second), length) + 1))
        for key in keys:
            hit = table.get(key)
            if hit:
                found |= hit
        return sorted(found)
