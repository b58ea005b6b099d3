"""The web tests' shared server (tests/web/webserver.py starts it) and browser (the system Chromium)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from tools import need
from webserver import Server


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server("--workers", "2", "--timeout", "60")  # a backward module on a busy machine takes seconds
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium():  # noqa: ANN201 - a Playwright browser
    """One system Chromium for a test module's pages (never `playwright install`'s); closed at the module's end,
    so that no Playwright instance is running when another folder's tests start their own."""
    need("chromium")
    from playwright.sync_api import sync_playwright

    from derive.render.pictures import CHROMIUM_FLAGS

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=shutil.which("chromium"), args=list(CHROMIUM_FLAGS))
        try:
            yield launched
        finally:
            launched.close()
