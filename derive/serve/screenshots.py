"""The pictures of the web page in docs/web.md: a desktop, a phone and the present mode (Playwright on the
system Chromium).

``python -m derive.serve.screenshots`` starts ``derive serve`` on a free loopback port and writes
outputs/web-desktop.png, outputs/web-phone.png and outputs/web-present.png; the web tests take them again
and compare.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}
WORK = "g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}"


def until(page, condition: str, seconds: float = 60) -> None:  # noqa: ANN001 - a Playwright page
    """Poll ``condition`` (a JavaScript function) until it holds: wait_for_function compiles its predicate
    with eval, which the page's Content-Security-Policy refuses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page never had {condition}")
        time.sleep(0.05)


def spoken(page) -> None:  # noqa: ANN001 - a Playwright page
    """Wait until the steps' formulas have their spoken text (the page is then complete)."""
    until(
        page,
        "() => { const all = document.querySelectorAll('#steps .katex-mathml math');"
        " return all.length > 0 && [...all].every(m => m.hasAttribute('aria-label')) }",
    )


def take(base: str, folder: Path, browser=None) -> tuple[Path, ...]:  # noqa: ANN001 - a Playwright browser
    """The pictures of the page served at ``base``, written into ``folder`` (with ``browser``, else its own)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        from derive.render.pictures import CHROMIUM_FLAGS

        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=shutil.which("chromium"), args=list(CHROMIUM_FLAGS))
            try:
                return take(base, folder, launched)
            finally:
                launched.close()
    desktop, phone, present = folder / "web-desktop.png", folder / "web-phone.png", folder / "web-present.png"
    plotted = "() => { const img = document.getElementById('plot'); return img.complete && img.naturalWidth > 0 }"
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base + "/?f=sigmoid")
    page.wait_for_selector("#steps tbody tr")
    spoken(page)
    page.fill("#submission", WORK)
    page.click("#check")
    page.wait_for_selector("ol.marks li")
    page.click("#hint")
    until(page, plotted)
    page.screenshot(path=str(desktop), full_page=True)
    page.close()
    small = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    small.goto(base + "/?f=mish")
    small.wait_for_selector("#steps tbody tr")
    spoken(small)
    small.evaluate("document.getElementById('title').scrollIntoView()")
    small.screenshot(path=str(phone))
    small.close()
    wall = browser.new_page(viewport=PROJECTOR)
    wall.goto(base + "/?f=sigmoid&order=1&step=3")
    until(wall, "() => document.getElementById('present-count').textContent.startsWith('Build 3 of')")
    maths = "document.querySelectorAll('#present .katex-mathml math')"
    all_spoken = f"[...{maths}].every(m => m.hasAttribute('aria-label'))"
    until(wall, f"() => {all_spoken}")
    wall.screenshot(path=str(present))
    wall.close()
    return desktop, phone, present


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "derive", "serve", "--port", str(port), "--workers", "2"])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for path in take(base, Path("outputs")):
            print(f"wrote {path}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
