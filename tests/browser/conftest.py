"""Headless Chromium (Debian's, through Playwright) against a live server on 127.0.0.1.

The network is closed for the page: every request that is not to the live server is aborted and
recorded, and the test fails if any was attempted. Without /usr/bin/chromium these tests skip
locally and fail in CI (``CI=true``).
"""
from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from models import db as _db
from tests.conftest import REQUIRE_ALL, make_test_app

CHROMIUM = os.environ.get("SENIM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


CLIENT_ERROR_LOG = "Failed to load resource: the server responded with a status of 4"


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()
        gc.collect()  # close dropped file responses now, inside the browser test (see below)


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if REQUIRE_ALL:
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} does not exist")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Any]:
    """An app on its own SQLite file with the regions loaded (tests add what else they need)."""
    from surveyapp.services.regions import load_regions

    app = make_test_app(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path)
    with app.app_context():
        _db.create_all()
        load_regions()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def live_server(live_app: Any) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


class Page:
    """A Playwright page plus what it tried to fetch from outside and what its console said."""

    def __init__(self, page: Any, blocked: list[str], console_errors: list[str]) -> None:
        self.page = page
        self.blocked = blocked
        self.console_errors = console_errors

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_page(browser: Any, server: LiveServer, *, locale: str = "en-US",
              viewport: dict[str, int] | None = None) -> tuple[Any, Page]:
    context = browser.new_context(locale=locale, viewport=viewport or {"width": 1280, "height": 900})
    blocked: list[str] = []
    errors: list[str] = []

    def _route(route: Any) -> None:
        if route.request.url.startswith(server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", _route)
    page = context.new_page()
    def _console(msg: Any) -> None:
        # A 4xx page (a form re-rendered with errors is 422) is logged by Chromium as a failed
        # resource; tests assert statuses themselves. Script errors and 5xx still count.
        if msg.type == "error" and not msg.text.startswith(CLIENT_ERROR_LOG):
            errors.append(msg.text)

    page.on("console", _console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, Page(page, blocked, errors)


@pytest.fixture
def browser_page(playwright_browser: Any, live_server: LiveServer) -> Iterator[Page]:
    context, page = open_page(playwright_browser, live_server)
    yield page
    context.close()
    assert page.blocked == [], f"the page tried to reach the network: {page.blocked}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The in-process werkzeug server streams static files from its own threads; when Chromium drops
    a connection early, the file is closed by the garbage collector later, inside whichever test is
    running then ("unraisable" ResourceWarning). That is the development server's housekeeping,
    not the app's (gunicorn serves production), so browser tests ignore exactly that warning."""
    here = Path(__file__).parent
    mark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(mark)
