"""Persist the index as one .npz file (NumPy arrays and JSON text; no pickle).

The file is written to a temporary name beside the target and renamed into place,
so readers see the old index or the new one, never half of one. Loading checks the
format version, the library and analyzer fingerprints, and the array shapes; any
fault raises IndexFileError and the caller rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..corpus.ingest import PASSAGE_RULES_VERSION
from ..corpus.models import Passage
from ..corpus.reader import SIDECAR_SUFFIX, library_files
from .analyzer import Analyzer
from .bm25 import ImpactMatrix
from .index import IndexSettings, SearchIndex, build_index

FORMAT_VERSION = 3
PASSAGE_FIELDS = ("id", "doc_path", "title", "section", "text", "url", "source", "last_reviewed", "audience", "order")
# Values repeated across a page's passages: one shared string each after loading, not one per passage.
SHARED_FIELDS = ("doc_path", "title", "section", "url", "source", "last_reviewed", "audience")
REPO_ROOT = Path(__file__).resolve().parents[2]


class IndexFileError(Exception):
    """The index file is missing, corrupt, partial or built for other inputs."""


def library_fingerprint(root: Path, settings: IndexSettings, analyzer: Analyzer) -> str:
    """Hash of every library file's path and bytes, the index settings and the analyzer."""
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {
                "format": FORMAT_VERSION,
                "passages": PASSAGE_RULES_VERSION,  # cleaning and splitting rules
                "settings": settings.to_dict(),
                "analyzer": analyzer.fingerprint,
            }
        ).encode()
    )
    for path in library_files(root):
        for file in (path, path.with_name(path.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)):
            if file.exists():
                h.update(file.relative_to(root).as_posix().encode() + b"\x00")
                try:
                    h.update(hashlib.sha256(file.read_bytes()).digest())
                except OSError as exc:  # unreadable files still change the fingerprint
                    h.update(f"unreadable:{exc.errno}".encode())
    return h.hexdigest()[:32]


def default_index_path(corpus: Path) -> Path:
    """Where the index of a library lives: never inside the (possibly read-only) library."""
    base = Path(os.environ.get("CQA_INDEX_DIR") or REPO_ROOT / ".cache" / "index")
    resolved = corpus.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return base / f"{resolved.name or 'library'}-{tag}.npz"


def _json_array(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _json_value(array: np.ndarray) -> object:
    return json.loads(array.tobytes().decode("utf-8"))


def save_index(index: SearchIndex, path: Path) -> None:
    arrays: dict[str, np.ndarray] = {
        "manifest": _json_array({**index.manifest, "format": FORMAT_VERSION}),
        # One member per column, not one object per passage: smaller, faster to parse, and loaded one
        # column at a time so that the loading peak stays near the final size.
        **{f"passages.{f}": _json_array([getattr(p, f) for p in index.passages]) for f in PASSAGE_FIELDS},
        "passages.links": _json_array([[list(pair) for pair in p.links] for p in index.passages]),
        "passages.entries": _json_array([list(p.entries) for p in index.passages]),
        "vocab": _json_array(sorted(index.vocab, key=index.vocab.__getitem__)),
    }
    for name, part in index.partitions.items():
        m = part.matrix
        arrays[f"{name}.data"] = m.data
        arrays[f"{name}.indices"] = m.indices.astype(np.int32)
        arrays[f"{name}.indptr"] = m.indptr.astype(np.int64)
        arrays[f"{name}.shape"] = np.array(m.shape, dtype=np.int64)
        arrays[f"{name}.columns"] = part.columns
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _read_passages(npz) -> list[Passage]:
    columns: dict[str, list] = {}
    for field in (*PASSAGE_FIELDS, "links", "entries"):
        values = _json_value(npz[f"passages.{field}"])
        if not isinstance(values, list):
            raise IndexFileError(f"passage column {field} is not a list")
        if field in SHARED_FIELDS:
            pool: dict = {}
            values = [pool.setdefault(v, v) for v in values]
        columns[field] = values
    n = len(columns["id"])
    if any(len(values) != n for values in columns.values()):
        raise IndexFileError("passage columns differ in length")
    links = [tuple(tuple(pair) for pair in row) for row in columns.pop("links")]
    entries = [tuple(row) for row in columns.pop("entries")]
    rows = zip(*(columns[f] for f in PASSAGE_FIELDS), strict=True)
    return [Passage(*row, links=lk, entries=names) for row, lk, names in zip(rows, links, entries, strict=True)]


def _read_partition(npz, name: str, n_terms: int, n_passages: int) -> ImpactMatrix:
    shape = tuple(int(x) for x in npz[f"{name}.shape"])
    columns = npz[f"{name}.columns"]
    indptr, indices, data = npz[f"{name}.indptr"], npz[f"{name}.indices"], npz[f"{name}.data"]
    if shape != (n_terms, len(columns)) or len(indptr) != shape[0] + 1:
        raise IndexFileError(f"partition {name}: inconsistent shape")
    if indptr[-1] != len(indices) or len(data) != len(indices) or np.any(np.diff(indptr) < 0):
        raise IndexFileError(f"partition {name}: inconsistent postings")
    if len(indices) and (indices.min() < 0 or indices.max() >= shape[1]):
        raise IndexFileError(f"partition {name}: posting out of range")
    if len(columns) and (columns.min() < 0 or columns.max() >= n_passages):
        raise IndexFileError(f"partition {name}: column out of range")
    return ImpactMatrix(sp.csr_matrix((data, indices, indptr), shape=shape), columns.astype(np.int32))


def load_index(path: Path, expected_fingerprint: str | None = None, analyzer: Analyzer | None = None) -> SearchIndex:
    """Load and validate an index file; raise IndexFileError on any fault."""
    if not path.exists():
        raise IndexFileError(f"no index file at {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:  # reading a member checks its CRC
            manifest = _json_value(npz["manifest"])
            if manifest.get("format") != FORMAT_VERSION:
                raise IndexFileError(f"index format {manifest.get('format')} is not {FORMAT_VERSION}")
            if expected_fingerprint and manifest.get("fingerprint") != expected_fingerprint:
                raise IndexFileError("index was built from another library or analyzer")
            passages = _read_passages(npz)
            vocab = {t: i for i, t in enumerate(_json_value(npz["vocab"]))}
            partitions = {name: _read_partition(npz, name, len(vocab), len(passages)) for name in ("patient", "all")}
        if any(passages[c].audience != "patient" for c in partitions["patient"].columns):
            raise IndexFileError("patient partition holds a non-patient passage")
    except IndexFileError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise IndexFileError(f"index file {path} is unreadable or corrupt: {exc!r}") from None
    return SearchIndex(passages, vocab, partitions, manifest, analyzer or Analyzer())


def ensure_index(
    corpus: Path,
    index_path: Path | None = None,
    settings: IndexSettings | None = None,
    rebuild: bool = False,
    log: Callable[[str], None] | None = None,
) -> tuple[SearchIndex, bool]:
    """Load the up-to-date index of a library, building it when needed. Returns (index, built)."""
    settings = settings or IndexSettings()
    analyzer = Analyzer()
    if not corpus.is_dir():
        raise FileNotFoundError(f"library folder not found: {corpus}")
    index_path = index_path or default_index_path(corpus)
    fingerprint = library_fingerprint(corpus, settings, analyzer)
    if not rebuild:
        try:
            return load_index(index_path, fingerprint, analyzer), False
        except IndexFileError as exc:
            if log and index_path.exists():
                log(f"index needs a rebuild: {exc}")
    if log:
        log(f"building the index of {corpus} ...")
    index = build_index(corpus, fingerprint, settings, analyzer, progress=log)
    save_index(index, index_path)
    return index, True
