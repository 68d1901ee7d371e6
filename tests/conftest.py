from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service import create_app
from service.config import EMBEDDED_CORPUS, TestConfig

from .ops_fixtures import redis_server  # noqa: F401 (a fixture for the Redis tests)

REPO = Path(__file__).resolve().parent.parent
KB = REPO.parent / "shared" / "kb"


@pytest.fixture
def seed_corpus(tmp_path: Path) -> Path:
    """A writable copy of the embedded library."""
    target = tmp_path / "corpus"
    shutil.copytree(EMBEDDED_CORPUS, target)
    return target


@pytest.fixture
def app(seed_corpus: Path, tmp_path: Path):
    class Cfg(TestConfig):
        CORPUS_DIR = str(seed_corpus)
        INDEX_PATH = str(tmp_path / "index" / "seeds.npz")

    return create_app(Cfg)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def kb_path() -> Path:
    if not KB.is_dir():
        pytest.skip(f"the real library is not at {KB}; these tests need ../shared/kb beside the repository")
    return KB


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def make_unreadable(monkeypatch, locked: Path) -> None:
    """Reading this file fails with EACCES. Tests run as root, where chmod would not stop a read."""
    real_read = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def front_matter(**fields) -> str:
    lines = ["---"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def kb_index_path(kb_path, tmp_path_factory) -> Path:
    """One index of the real library per test session, shared by the tests that need it."""
    from service.search.store import ensure_index

    path = tmp_path_factory.mktemp("kb-index") / "kb.npz"
    ensure_index(kb_path, path)
    return path


@pytest.fixture(scope="session")
def kb_app(kb_path, kb_index_path):
    class Cfg(TestConfig):
        CORPUS_DIR = str(kb_path)
        INDEX_PATH = str(kb_index_path)

    return create_app(Cfg)
