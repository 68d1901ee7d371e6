"""Browser-test fixtures: a real server in a thread, two portal pages on other origins, headless Chromium."""

from __future__ import annotations

import functools
import hashlib
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from service import create_app
from service.config import EMBEDDED_CORPUS, TestConfig

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
EXAMPLE_PORTAL = REPO / "examples" / "portal"
EXAMPLE_HOST = "http://127.0.0.1:8000"  # the service address written in the example page
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

NURSE_USER = "nina"
NURSE_PASSWORD = "browser-test-password"  # generated for the tests only; hashed before the app sees it
API_TOKEN = "browser-test-token"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: ./run test")


@dataclass
class Servers:
    service: str  # http://127.0.0.1:PORT of the chat service
    portal: str  # an origin configured in EMBED_ORIGINS, serving the example portal page
    stranger: str  # an origin that is not configured, serving the same page


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


def _static_server(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("browser")
    corpus = tmp / "corpus"
    shutil.copytree(EMBEDDED_CORPUS, corpus)
    portal_dir = tmp / "portal"
    # The portal servers start first so that the service can be configured with one of their origins.
    portal = _static_server(_mkdir(portal_dir))
    stranger = _static_server(portal_dir)
    portal_origin = f"http://127.0.0.1:{portal.server_port}"

    class Cfg(TestConfig):
        CORPUS_DIR = str(corpus)
        INDEX_PATH = str(tmp / "index.npz")
        EMBED_ORIGINS = portal_origin
        STAFF_ACCOUNTS = {NURSE_USER: generate_password_hash(NURSE_PASSWORD)}
        STAFF_TOKEN_HASHES = hashlib.sha256(API_TOKEN.encode()).hexdigest()
        # As behind ./run prod's nginx: a test may stand for several patients by sending X-Forwarded-For
        # (feedback is counted once per answer and client address). Without the header the client is 127.0.0.1.
        TRUSTED_PROXIES = 1

    app = create_app(Cfg)
    service = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    service_url = f"http://127.0.0.1:{service.server_port}"
    # The example page, pointed at this test's service instead of the default address.
    for item in EXAMPLE_PORTAL.iterdir():
        text = item.read_text(encoding="utf-8").replace(EXAMPLE_HOST, service_url)
        (portal_dir / item.name).write_text(text, encoding="utf-8")
    try:
        yield Servers(service_url, portal_origin, f"http://127.0.0.1:{stranger.server_port}")
    finally:
        for server in (service, portal, stranger):
            server.shutdown()


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed; ./run test installs it")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)  # a ceiling for waits on events, not a timing assertion
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.console_errors = []  # every test's page: the CSP must never have to block anything of ours
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    return page


PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def new_page(browser):
    """new_page(viewport, js=True, timeout=15_000, **context options): a page in a fresh context (a phone's
    when the viewport is narrow), closed after the test. `timeout` is a ceiling for waits, not a timing check."""
    contexts = []

    def make(viewport=DESKTOP, js=True, timeout=15_000, **options):
        phone = viewport["width"] < 500
        ctx = browser.new_context(
            viewport=viewport, is_mobile=phone, has_touch=phone, java_script_enabled=js, **options
        )
        ctx.set_default_timeout(timeout)
        contexts.append(ctx)
        page = ctx.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def axe_page(browser):
    # axe-core is injected as an inline script, which our CSP rightly blocks; only this audit context bypasses it.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    ctx.set_default_timeout(15_000)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}; ./run test installs it with npm")
    return AXE


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `pytest -m "not browser"` runs the fast suite only.
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
