"""Make larger libraries by copying a library with perturbed text, so postings grow realistically.

A library of scale s is the original plus s - 1 perturbed copies, each copy in its own sub-folder.
Per copy and document:
- the front matter is kept (audience, status, title), except that the url gains a '#copy-N' fragment;
- headings are kept, so the passage structure and audience checks behave as on the original;
- each prose line (not a list item, table row or image) is, with probability LINE_SWAP, replaced by a
  random prose line of another document (text moves across documents, so postings spread over new passages);
- in every non-heading line, each word of four or more letters is, with probability WORD_SWAP, replaced by
  one of a few synthetic variants (word + syllable) specific to the copy, so the vocabulary grows with the
  library (Heaps' law) while the variants inherit the original words' frequencies (Zipf). Link targets are kept.
Copies are written to a scratch folder, never into the repository or the shared library.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import zlib
from pathlib import Path

from service.corpus.reader import library_files, split_front_matter

WORD_SWAP = 0.25
LINE_SWAP = 0.10
VARIANTS_PER_WORD = 3
SYLLABLES = ("ba", "ko", "ri", "tel", "mun", "sav", "lio", "dex", "pra", "vun", "zo", "quel", "fim", "nor", "gat")
WORD = re.compile(r"\b[A-Za-z]{4,}\b")
LINK_TARGET = re.compile(r"(\]\([^)]*\))")  # Markdown link targets are kept as they are


def _variant(word: str, copy: int, pick: int) -> str:
    h = zlib.crc32(f"{word.lower()}|{copy}|{pick}".encode())
    return word + SYLLABLES[h % len(SYLLABLES)]


def _perturb_line(line: str, copy: int, rng: random.Random) -> str:
    def swap(m: re.Match[str]) -> str:
        if rng.random() >= WORD_SWAP:
            return m.group(0)
        return _variant(m.group(0), copy, rng.randrange(VARIANTS_PER_WORD))

    parts = LINK_TARGET.split(line)
    return "".join(p if i % 2 else WORD.sub(swap, p) for i, p in enumerate(parts))


def _is_body(line: str) -> bool:
    """Plain prose lines only: headings, list items, tables and blank lines keep the document's structure."""
    s = line.strip()
    return bool(s) and not s.startswith(("#", "|", "-", "*", "!", "[", ">")) and not s[0].isdigit()


def _split_raw(text: str) -> tuple[str, str]:
    """(front matter block with its fences, body), byte-for-byte; ('', text) without front matter."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            cut = text.find("\n", end + 4)
            cut = len(text) if cut == -1 else cut + 1
            return text[:cut], text[cut:]
    return "", text


def make_copy(source: Path, target: Path, copy: int, pool: list[str]) -> int:
    """Write perturbed copy number `copy` of every document under source to target; returns files written."""
    written = 0
    for path in library_files(source):
        rel = path.relative_to(source)
        text = path.read_text(encoding="utf-8")
        front, body = _split_raw(text)
        rng = random.Random(zlib.crc32(f"{rel.as_posix()}|{copy}".encode()))
        if front:
            meta, _ = split_front_matter(text)
            url = meta.get("url")
            if isinstance(url, str) and url:
                front = front.replace(f"url: {url}", f"url: {url}#copy-{copy}", 1)
        lines = []
        for line in body.split("\n"):
            if pool and _is_body(line) and rng.random() < LINE_SWAP:
                line = rng.choice(pool)
            if line.strip() and not line.lstrip().startswith(("#", "[Go to")):
                line = _perturb_line(line, copy, rng)
            lines.append(line)
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(front + "\n".join(lines), encoding="utf-8")
        sidecar = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.yaml")
        if sidecar.exists():
            shutil.copyfile(sidecar, out.with_name(sidecar.name))
        written += 1
    return written


def body_line_pool(source: Path, limit: int = 200_000) -> list[str]:
    pool: list[str] = []
    for path in library_files(source):
        _, body = _split_raw(path.read_text(encoding="utf-8"))
        pool.extend(line for line in body.split("\n") if _is_body(line) and len(line.split()) >= 8)
        if len(pool) >= limit:
            break
    return pool


def scaled_library(source: Path, workdir: Path, scale: int, log=print) -> Path:
    """A folder holding the original library and scale - 1 perturbed copies (hard links to cached copies)."""
    if scale <= 1:
        return source
    copies = workdir / "copies"
    pool: list[str] | None = None
    for c in range(1, scale):
        done = copies / f"copy{c:02d}"
        if not (done / ".complete").exists():
            if pool is None:
                pool = body_line_pool(source)
            log(f"  writing perturbed copy {c} to {done}")
            shutil.rmtree(done, ignore_errors=True)
            make_copy(source, done, c, pool)
            (done / ".complete").touch()
    lib = workdir / f"library-{scale}x"
    shutil.rmtree(lib, ignore_errors=True)
    shutil.copytree(source, lib / "copy00")
    for c in range(1, scale):
        # Hard links: a 10x library costs the disk of its copies once, whatever scales are run.
        shutil.copytree(
            copies / f"copy{c:02d}",
            lib / f"copy{c:02d}",
            copy_function=os.link,
            ignore=shutil.ignore_patterns(".complete"),
        )
    return lib
