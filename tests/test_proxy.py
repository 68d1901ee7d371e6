"""The production set-up (`./run prod` = python -m service.prod): nginx on the public address, gunicorn behind it.

Issue 13, finding 1: two slow clients used to hold both gunicorn workers. Here 60 slow connections (partial
headers, partial bodies) are held open while /healthz and POST /api/v1/chat must keep answering quickly.
Everything listens on free loopback ports; the slow connections are bounded in number and time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service.config import EMBEDDED_CORPUS

from .ops_fixtures import REPO, Gunicorn, free_port, wait_until

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (./run test installs it with apt-get)")


def request(base: str, path: str, body: dict | None = None, headers: dict | None = None, timeout: float = 5):
    """(status, headers, body bytes, seconds)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers or {})
    if body is not None:
        req.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read(), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read(), time.perf_counter() - started


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    """python -m service.prod on a free loopback port, 2 gthread workers (as shipped), the seed library."""
    work = tmp_path_factory.mktemp("prod")
    corpus = work / "corpus"
    shutil.copytree(EMBEDDED_CORPUS, corpus)
    port = free_port()
    env = {
        **os.environ,
        "CQA_BIND": f"127.0.0.1:{port}",
        "CQA_CORPUS_DIR": str(corpus),
        "CQA_INDEX_PATH": str(work / "index" / "seeds.npz"),
        "CQA_RUN_DIR": str(work / "run"),
        "CQA_WORKERS": "2",
        "CQA_RATE_LIMIT_ENABLED": "false",  # all test traffic comes from one address
        "CQA_SECRET_KEY": "test-only-secret",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = open(work / "prod.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "service.prod"], cwd=REPO, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("the production set-up exited; see " + str(work / "prod.log"))
        try:
            return request(base, "/healthz", timeout=1)[0] == 200
        except OSError:
            return False

    try:
        if not wait_until(ready, attempts=600, pause=0.1):
            raise RuntimeError("the production set-up did not start; see " + str(work / "prod.log"))
        yield base, port, work
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def open_slow_connections(port: int, n: int) -> list[socket.socket]:
    """n connections that never finish their request: half stop inside the headers, half inside the body."""
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        if i % 2:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        else:
            s.sendall(
                b"POST /api/v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 200\r\n\r\n" + b'{"message": "what is'
            )
        socks.append(s)
    return socks


def test_slow_clients_cannot_stall_the_workers(prod):
    base, port, _ = prod
    socks = open_slow_connections(port, 60)
    try:
        worst_health = worst_chat = 0.0
        deadline = time.monotonic() + 8  # hold the slow connections 8 s, trickling a byte now and then
        rounds = 0
        while time.monotonic() < deadline or rounds < 3:
            for s in socks:
                try:
                    s.sendall(b"a")  # inside a header value or the JSON string: never completes the request
                except OSError:
                    pass
            status, _, _, seconds = request(base, "/healthz", timeout=5)
            assert status == 200
            worst_health = max(worst_health, seconds)
            status, _, body, seconds = request(base, "/api/v1/chat", {"message": "What is Reblozyl used for?"})
            assert status == 200 and json.loads(body)["kind"] == "answer"
            worst_chat = max(worst_chat, seconds)
            rounds += 1
            time.sleep(0.5)
        assert worst_health < 1.0, worst_health
        assert worst_chat < 2.0, worst_chat
    finally:
        for s in socks:
            s.close()


def test_proxy_refuses_large_chunked_bodies_and_overwrites_forwarded_headers(prod):
    base, port, _ = prod
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        chunk = b"a" * 70_000
        s.sendall(
            b"POST /api/v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + f"{len(chunk):x}\r\n".encode() + chunk
        )
        assert s.recv(64).startswith(b"HTTP/1.1 413")
    # A client's own X-Forwarded-Proto does not reach the app through nginx: no HSTS over plain HTTP.
    status, headers, _, _ = request(base, "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert status == 200 and "Strict-Transport-Security" not in headers


def test_production_session_cookie_is_secure(prod):
    base, _, _ = prod
    status, headers, _, _ = request(base, "/")
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_gunicorn_ignores_forwarded_proto_without_trusted_proxies(tmp_path):
    """Finding 8: gunicorn believed X-Forwarded-Proto from 127.0.0.1 with TRUSTED_PROXIES=0 (HSTS over HTTP)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(EMBEDDED_CORPUS, corpus)
    server = Gunicorn(
        {"CQA_CORPUS_DIR": str(corpus), "CQA_INDEX_PATH": str(tmp_path / "seeds.npz"), "CQA_TRUSTED_PROXIES": "0"},
        workers=1,
        log_path=tmp_path / "gunicorn.log",
    )
    server.start()
    try:
        status, headers, _, _ = request(server.base, "/healthz", headers={"X-Forwarded-Proto": "https"})
        assert status == 200 and "Strict-Transport-Security" not in headers
    finally:
        server.stop()
    assert wait_until(lambda: True)
