"""The real tools the rendering tests run: KaTeX (node), pdftotext, headless Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

KATEX_DIR = Path(__file__).parent / "katex"


def need(*programs: str) -> None:
    """Fail (not skip) when a tool is missing: tests/setup-tools.sh installs them, and CI runs it."""
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run bash tests/setup-tools.sh")


def katex_failures(strings: list[str]) -> dict:
    need("node")
    if not (KATEX_DIR / "node_modules" / "katex").is_dir():
        pytest.fail("KaTeX not installed: run bash tests/setup-tools.sh")
    result = subprocess.run(
        ["node", str(KATEX_DIR / "render.js")], input=json.dumps(strings), capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def pdf_page_text(pdf: Path, page: int) -> str:
    need("pdftotext")
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True)
    return out.stdout


def pdf_words(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """Each word on a page as pdftotext -bbox finds it: (x, y, width, text), in points."""
    need("pdftotext")
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True, text=True
    )
    found = re.findall(
        r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>', out.stdout
    )
    return [(float(x0), float(y0), float(x1) - float(x0), html.unescape(text)) for x0, y0, x1, text in found]


def browser_page(url: str):
    """A Playwright page on the system Chromium (never `playwright install`), opened at url; every
    request the page makes is listed in ``page.requests``.  A context manager."""
    import contextlib

    need("chromium")
    from playwright.sync_api import sync_playwright

    from derive.render.pictures import CHROMIUM_FLAGS

    @contextlib.contextmanager
    def opened():
        with sync_playwright() as p:
            flags = list(CHROMIUM_FLAGS)  # derive's own, for its screenshots
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=flags)
            try:
                page = browser.new_page()
                page.requests = []
                page.on("request", lambda request: page.requests.append(request.url))
                page.goto(url)
                page.wait_for_load_state("load")
                yield page
            finally:
                browser.close()

    return opened()
