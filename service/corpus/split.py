"""Split a cleaned document into passages along its heading structure.

A document becomes blocks (heading, paragraph, list item, table row); blocks under
one heading path are grouped into passages of a readable size. A list item or a
sentence is never cut; a paragraph that is too long is split between sentences.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .clean import normalize_space
from .sentences import split_sentences

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EMPTY_HEADING = re.compile(r"^(#{1,6})()\s*$")  # "##" alone: the heading's text follows on the next line
LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")

MAX_WORDS = 130
MIN_WORDS = 40
LIST_FACTOR = 2  # a list with its lead-in stays in one passage up to twice the usual size
OVERVIEW = "Overview"  # the section label of a page's text before its first heading


@dataclass
class Block:
    kind: str  # "heading" | "para" | "item" | "row"
    text: str
    level: int = 0

    @property
    def words(self) -> int:
        return len(self.text.split())

    def render(self) -> str:
        if self.kind == "item":
            return f"- {self.text}"
        return self.text


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of Markdown text: hard-wrapped lines are joined into their block."""
    blocks: list[Block] = []
    current: list[str] = []
    kind = "para"
    pending_level = 0  # an empty heading mark ("##") whose text is on the next line (some NCI pages)

    def flush() -> None:
        nonlocal current
        if current:
            joined = normalize_space(" ".join(current))
            if joined:
                blocks.append(Block(kind, joined))
        current = []

    for line in text.split("\n"):
        if not line.strip():
            flush()
            continue
        heading = HEADING.match(line) or EMPTY_HEADING.match(line)
        if heading:
            flush()
            title = normalize_space(heading.group(2))
            if title:
                blocks.append(Block("heading", title, len(heading.group(1))))
                pending_level = 0
            else:
                pending_level = len(heading.group(1))
            continue
        if pending_level:
            level, pending_level = pending_level, 0
            if _is_heading_text(line):
                blocks.append(Block("heading", normalize_space(line), level))
                continue
        if TABLE_RULE.match(line) and "-" in line:
            flush()
            continue
        row = TABLE_ROW.match(line)
        if row:
            flush()
            cells = [normalize_space(c) for c in row.group(1).split("|")]
            blocks.append(Block("row", " | ".join(c for c in cells if c)))
            continue
        item = LIST_ITEM.match(line)
        if item:
            flush()
            kind = "item"
            current = [item.group(1)]
            continue
        if not current:
            kind = "para"
        current.append(line.strip())
    flush()
    return [b for b in blocks if b.text]


def _is_heading_text(line: str) -> bool:
    """The line after an empty heading mark is its text when it reads like a heading, not a sentence."""
    s = line.strip()
    return (0 < len(s) <= 120 and len(s.split()) <= 15 and not s.endswith((".", ":", ";", ","))
            and not LIST_ITEM.match(line) and not TABLE_ROW.match(line))


def _looks_like_plain_heading(line: str, prev: str, nxt: str) -> bool:
    s = line.strip()
    if not s or len(s) > 60 or len(s.split()) > 6:
        return False
    if not nxt.strip() and not s.isupper():  # a title-case line must lead into text
        return False
    if s[-1] in ".,;:!?)-–" or not s[0].isupper():
        return False
    if prev.strip() and prev.rstrip()[-1:] not in ".!?)":
        return False
    return not re.search(r"\d{4}|PMID", s)


def plain_text_to_markdown(text: str) -> str:
    """Give PDF-extracted text Markdown headings: short title-like lines become headings."""
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _looks_like_plain_heading(line, prev, nxt):
            s = line.strip()
            level = 2 if s.isupper() else 3
            out.extend(["", f"{'#' * level} {s.title() if s.isupper() else s}", ""])
        else:
            out.append(line)
    return "\n".join(out)


def _split_long(block: Block, max_words: int) -> list[Block]:
    if block.kind != "para" or block.words <= max_words:
        return [block]
    parts: list[Block] = []
    buf: list[str] = []
    count = 0
    for sentence in split_sentences(block.text):
        n = len(sentence.split())
        if buf and count + n > max_words:
            parts.append(Block("para", " ".join(buf)))
            buf, count = [], 0
        buf.append(sentence)
        count += n
    if buf:
        parts.append(Block("para", " ".join(buf)))
    return parts


@dataclass
class Section:
    path: tuple[str, ...]
    blocks: list[Block]


def is_sentence_heading(text: str) -> bool:
    """PDQ pages state their key points as headings ("Signs of CLL include ... ."): content, not a label."""
    return text.endswith(".") and len(text.split()) >= 5


def sections(blocks: list[Block]) -> list[Section]:
    """Group blocks under their heading path. Level-1 headings are the page title."""
    stack: list[tuple[int, str]] = []
    out: list[Section] = []
    for block in blocks:
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
            continue
        path = tuple(text for level, text in stack if level >= 2)
        if out and out[-1].path == path:
            out[-1].blocks.append(block)
        else:
            lead = [Block("para", path[-1])] if path and is_sentence_heading(path[-1]) else []
            out.append(Section(path, lead + [block]))
    return out


def _lists_kept_whole(pieces: list[Block], max_words: int) -> list[list[Block]]:
    """Runs of blocks that must stay in one passage: a lead-in ("... include:") with its items.

    A list cut in two leaves items without the sentence that says what they are (and a lead-in
    with one item), so a list stays whole up to LIST_FACTOR times the passage size; a longer one
    is cut between items.
    """
    runs: list[list[Block]] = []
    for block in pieces:
        run = runs[-1] if runs else None
        opens_list = run is not None and run[-1].kind == "para" and run[-1].text.endswith(":")
        continues_list = run is not None and run[-1].kind == "item" and len(run) > 1 and run[0].text.endswith(":")
        if block.kind == "item" and (opens_list or continues_list) \
                and sum(b.words for b in run) + block.words <= max_words * LIST_FACTOR:
            run.append(block)
        else:
            runs.append([block])
    return runs


def group_blocks(blocks: list[Block], max_words: int = MAX_WORDS, min_words: int = MIN_WORDS) -> list[list[Block]]:
    """Consecutive blocks packed into groups of at most max_words (a long item or list stands alone)."""
    pieces = [part for block in blocks for part in _split_long(block, max_words)]
    groups: list[list[Block]] = []
    current: list[Block] = []
    count = 0
    for run in _lists_kept_whole(pieces, max_words):
        words = sum(b.words for b in run)
        if current and count + words > max_words and count >= min_words:
            groups.append(current)
            current, count = [], 0
        current.extend(run)
        count += words
    if current:
        # A short tail reads better joined to the group before it.
        if groups and count < min_words // 2 and sum(b.words for b in groups[-1]) + count <= max_words * 1.5:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def passage_id(doc_key: str, section: str, text: str) -> str:
    digest = hashlib.sha256(f"{doc_key}\x00{section}\x00{text}".encode()).hexdigest()
    return digest[:16]


def section_label(path: tuple[str, ...]) -> str:
    return " > ".join(path) if path else OVERVIEW
