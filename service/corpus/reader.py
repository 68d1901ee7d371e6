"""Read a library folder: Markdown with YAML front matter, or text with a sidecar."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
SIDECAR_SUFFIX = ".meta.yaml"
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class BadFile:
    """A library file that could not be read; reported and skipped."""

    path: str
    reason: str


class FrontMatterError(ValueError):
    pass


def library_files(root: Path) -> list[Path]:
    """Every document file below root, sorted, skipping hidden folders and sidecars."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            if name.lower().endswith(DOCUMENT_SUFFIXES):
                found.append(Path(dirpath) / name)
    return found


def split_front_matter(text: str) -> tuple[dict, str]:
    """Return (metadata, body). Text without a leading '---' block has no metadata."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            raw = "\n".join(lines[1:i])
            try:
                meta = yaml.safe_load(raw) if raw.strip() else {}
            except yaml.YAMLError as exc:
                raise FrontMatterError(f"broken YAML front matter: {_first_line(exc)}") from None
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise FrontMatterError("front matter is not a mapping")
            return meta, "\n".join(lines[i + 1 :])
    raise FrontMatterError("front matter is not closed by '---'")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def decode_text(data: bytes) -> str:
    """Decode library bytes strictly: binary or non-UTF-8 files are refused."""
    if not data.strip():
        raise ValueError("empty file")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        meta = yaml.safe_load(decode_text(sidecar.read_bytes()))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise FrontMatterError(f"bad sidecar {sidecar.name}: {_first_line(exc)}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError(f"bad sidecar {sidecar.name}: not a mapping")
    return meta


def read_library(root: Path) -> Iterator[tuple[Path, dict, str] | BadFile]:
    """Yield (path, metadata, body) per readable file, or a BadFile."""
    for path in library_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                yield BadFile(rel, f"larger than {MAX_FILE_BYTES} bytes")
                continue
            text = decode_text(path.read_bytes())
            meta, body = split_front_matter(text)
            sidecar = read_sidecar(path)
        except OSError as exc:
            yield BadFile(rel, f"unreadable: {exc.strerror or exc}")
            continue
        except ValueError as exc:  # includes FrontMatterError
            yield BadFile(rel, str(exc))
            continue
        merged = {**sidecar, **meta}
        if not body.strip():
            yield BadFile(rel, "no text after the front matter")
            continue
        yield path, merged, body
