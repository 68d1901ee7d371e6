"""Fault tests: a bad index file at start, an unreadable library file, the library rebuilt while serving,
and the same under gunicorn with several workers and Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service import create_app
from service.config import ConfigError
from service.search.store import ensure_index

from .conftest import front_matter, make_unreadable, write
from .ops_fixtures import REPO, Gunicorn, wait_until

NEW_PAGE_TERM = "zorbaflexitinib"  # a made-up drug name that only the added page contains


def build(corpus: Path, index_path: Path, **settings):
    return create_app({"TESTING": True, "CORPUS_DIR": str(corpus), "INDEX_PATH": str(index_path), **settings})


def rebuild_with_new_page(corpus: Path, index_path: Path) -> None:
    """Add a page and rebuild the index file with the CLI, as an operator would."""
    add_page(corpus)
    cmd = [sys.executable, "-m", "service", "index", "--corpus", str(corpus), "--index-path", str(index_path)]
    subprocess.run(cmd, cwd=REPO, check=True, timeout=120, capture_output=True)


def every_worker_cites_new_page(base: str) -> bool:
    """Every worker has swapped in the new index when 20 answers in a row cite the new page."""
    return wait_until(
        lambda: all(cites_new_page(_post(base, f"What is {NEW_PAGE_TERM}?")[1]) for _ in range(20)),
        attempts=100,
        pause=0.1,
    )


def add_page(corpus: Path) -> None:
    fields = dict(
        title="Zorbaflexitinib - NCI",
        url="https://www.cancer.gov/about-cancer/treatment/drugs/zorbaflexitinib",
        audienceLevel="patient",
        source="NCI",
        status="active",
        lastReviewed="'2025-12-30'",
    )
    body = "# Zorbaflexitinib\n\nZorbaflexitinib is a drug studied for testing the reload of the library.\n"
    write(corpus / "zorbaflexitinib.md", front_matter(**fields) + body)


def cites_new_page(body: dict) -> bool:
    return any("zorbaflexitinib" in (c["url"] or "") for c in body.get("citations", []))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_index_file_at_start_is_rebuilt_never_half_loaded(seed_corpus, tmp_path, damage):
    index_path = tmp_path / "index.npz"
    good = build(seed_corpus, index_path).extensions["index"]
    data = index_path.read_bytes()
    damaged = {"garbage": os.urandom(len(data)), "truncated": data[: len(data) // 2], "empty": b""}[damage]
    index_path.write_bytes(damaged)
    app = build(seed_corpus, index_path)
    assert len(app.extensions["index"].passages) == len(good.passages)
    assert index_path.read_bytes() != damaged  # rebuilt and rewritten
    body = app.test_client().post("/api/v1/chat", json={"message": "What is Reblozyl used for?"}).get_json()
    assert body["kind"] == "answer"


def test_damaged_index_file_is_refused_clearly_when_building_is_off(seed_corpus, tmp_path):
    index_path = tmp_path / "index.npz"
    build(seed_corpus, index_path)
    index_path.write_bytes(index_path.read_bytes()[:1000])
    with pytest.raises(ConfigError, match="refusing to start: index file .* is unreadable.*python -m service index"):
        build(seed_corpus, index_path, INDEX_BUILD_ON_START=False)


def test_unreadable_library_file_is_skipped_and_the_rest_served(seed_corpus, tmp_path, monkeypatch):
    """Tests run as root, so chmod would not stop a read: the read itself is made to fail."""
    locked = seed_corpus / "004_355141efc37d04b9.txt"  # the luspatercept page
    make_unreadable(monkeypatch, locked)
    app = build(seed_corpus, tmp_path / "index.npz")
    report = app.extensions["index"].manifest["report"]
    assert {"path": locked.name, "reason": "unreadable: Permission denied"} in report["bad_files"]
    client = app.test_client()
    body = client.post("/api/v1/chat", json={"message": "What is Reblozyl used for?"}).get_json()
    assert all("luspatercept" not in (c["url"] or "") for c in body["citations"])
    assert client.get("/readyz").get_json()["status"] == "ready"


def test_library_rebuilt_while_requests_flow_in_process(seed_corpus, tmp_path):
    index_path = tmp_path / "index.npz"
    app = build(seed_corpus, index_path, INDEX_RELOAD_SECONDS=0, RATE_LIMIT_ENABLED=False)  # reload by hand below
    old_fingerprint = app.extensions["index"].fingerprint
    statuses: list[int] = []
    stop = threading.Event()

    def traffic() -> None:
        client = app.test_client()
        for _ in range(5000):  # bounded; normally stopped much earlier
            if stop.is_set():
                return
            resp = client.post("/api/v1/chat", json={"message": "What is Reblozyl used for?"})
            statuses.append(resp.status_code)

    threads = [threading.Thread(target=traffic) for _ in range(3)]
    for t in threads:
        t.start()
    add_page(seed_corpus)
    ensure_index(seed_corpus, index_path)  # what `python -m service index` does: new file, atomic rename
    assert app.extensions["index_reloader"].check(wait=True)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert statuses and set(statuses) == {200}
    assert app.extensions["index"].fingerprint != old_fingerprint
    body = app.test_client().post("/api/v1/chat", json={"message": f"What is {NEW_PAGE_TERM}?"}).get_json()
    assert cites_new_page(body)


def test_bad_new_index_file_is_refused_and_the_old_one_kept(seed_corpus, tmp_path):
    index_path = tmp_path / "index.npz"
    app = build(seed_corpus, index_path, INDEX_RELOAD_SECONDS=0)
    before = app.extensions["index"]
    tmp = tmp_path / "garbage.tmp"
    tmp.write_bytes(b"PK\x03\x04 not really a zip")
    os.replace(tmp, index_path)
    assert app.extensions["index_reloader"].check(wait=True)
    assert app.extensions["index"] is before
    ready = app.test_client().get("/readyz").get_json()
    assert ready["status"] == "ready" and "unreadable" in ready["index"]["last_reload_error"]


def _post(base: str, message: str) -> tuple[int, dict]:
    req = urllib.request.Request(
        base + "/api/v1/chat",
        data=json.dumps({"message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:
        return 0, {}


def test_gunicorn_workers_with_redis_serve_reload_and_report(seed_corpus, tmp_path, redis_server):
    """Smoke test of the production server: 2 workers, Redis state, the library rebuilt while requests flow."""
    index_path = tmp_path / "index.npz"
    env = {
        "CQA_CORPUS_DIR": str(seed_corpus),
        "CQA_INDEX_PATH": str(index_path),
        "CQA_REDIS_URL": redis_server.url,
        "CQA_RATE_LIMIT_ENABLED": "false",
        "CQA_INDEX_RELOAD_SECONDS": "0.2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    server = Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log")
    server.env["PROMETHEUS_MULTIPROC_DIR"] = env["PROMETHEUS_MULTIPROC_DIR"]
    server.start()
    try:
        with urllib.request.urlopen(server.base + "/readyz", timeout=5) as resp:
            ready = json.loads(resp.read())
        assert ready["status"] == "ready" and ready["store"] == {"backend": "redis", "ok": True}

        results: list[int] = []
        stop = threading.Event()
        threads = start_traffic(server.base, results, stop)
        rebuild_with_new_page(seed_corpus, index_path)
        # Every worker has swapped in the new index when 20 answers in a row cite the new page.
        seen = every_worker_cites_new_page(server.base)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert seen, (tmp_path / "gunicorn.log").read_text()[-3000:]
        assert len(results) > 0 and set(results) == {200}, f"failed requests during the rebuild: {results.count(0)}"

        with urllib.request.urlopen(server.base + "/metrics", timeout=5) as resp:
            metrics = resp.read().decode()
        assert 'route="/api/v1/chat",status="200"' in metrics and 'cqa_index_reloads_total{result="ok"}' in metrics
    finally:
        server.stop()
    log_lines = (tmp_path / "gunicorn.log").read_text().splitlines()
    access = [json.loads(line) for line in log_lines if line.startswith("{") and '"service.access"' in line]
    assert access and all("Reblozyl" not in json.dumps(line) for line in access)


def start_traffic(base: str, results: list[int], stop: threading.Event, clients: int = 3) -> list[threading.Thread]:
    """Clients asking in a loop (bounded) until stop is set; each response status goes into results."""

    def traffic() -> None:
        for _ in range(3000):
            if stop.is_set():
                return
            results.append(_post(base, "What is Reblozyl used for?")[0])

    threads = [threading.Thread(target=traffic) for _ in range(clients)]
    for t in threads:
        t.start()
    return threads


def test_gunicorn_hup_reloads_the_index_in_the_master_without_failed_requests(seed_corpus, tmp_path):
    """The other reload path: watchers off, `kill -HUP` after the rebuild; the master loads the new index and
    forks new workers from it while the old ones finish their requests."""
    index_path = tmp_path / "index.npz"
    env = {
        "CQA_CORPUS_DIR": str(seed_corpus),
        "CQA_INDEX_PATH": str(index_path),
        "CQA_RATE_LIMIT_ENABLED": "false",
        "CQA_INDEX_RELOAD_SECONDS": "0",
    }
    server = Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log")
    server.start()
    try:
        results: list[int] = []
        stop = threading.Event()
        threads = start_traffic(server.base, results, stop)
        rebuild_with_new_page(seed_corpus, index_path)
        assert not cites_new_page(_post(server.base, f"What is {NEW_PAGE_TERM}?")[1])  # watchers are off
        os.kill(server.proc.pid, signal.SIGHUP)
        seen = every_worker_cites_new_page(server.base)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        log = (tmp_path / "gunicorn.log").read_text()
        assert seen, log[-3000:]
        assert "index reloaded in the master" in log
        assert len(results) > 0 and set(results) == {200}, f"failed requests during the reload: {results.count(0)}"
    finally:
        server.stop()
