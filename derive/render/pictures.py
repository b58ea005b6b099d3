"""Pictures of the outputs for the README and docs/: a PDF page (pdftoppm) and the HTML page (headless Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from derive.errors import DeriveError

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ToolMissingError(DeriveError):
    """A program the command needs is not installed."""


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissingError(f"{name} not found on PATH (Debian package {package})")
    return found


def pdf_pages(pdf: Path) -> int:
    """The number of pages, by pdfinfo."""
    info = subprocess.run([_tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:")))


def pdf_page_png(pdf: Path, png: Path, page: int | None = None, dpi: int = 80) -> Path:
    """A PNG of one page (the last by default), written atomically."""
    page = page or pdf_pages(pdf)
    with tempfile.TemporaryDirectory(prefix="derive-png-") as work:
        stem = Path(work) / "page"
        command = [_tool("pdftoppm", "poppler-utils"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        subprocess.run([*command, "-singlefile", str(pdf), str(stem)], check=True, capture_output=True)
        tmp = png.with_name(f".{png.name}.tmp")
        shutil.copy(stem.with_suffix(".png"), tmp)
        os.replace(tmp, png)
    return png


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with a fresh profile and no network chatter."""
    binary = shutil.which("chromium") or _tool("chromium-browser", "chromium")
    with tempfile.TemporaryDirectory(prefix="derive-chromium-") as profile:
        command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def page_png(page: Path, png: Path, size: str = "1000,900", fragment: str = "") -> Path:
    """A screenshot of an HTML page (at ``fragment``: "#/0/0/9" is a reveal deck's tenth build), written atomically."""
    tmp = png.with_name(f".{png.name}.tmp.png")
    url = page.resolve().as_uri() + fragment
    chromium(f"--window-size={size}", f"--screenshot={tmp.resolve()}", "--virtual-time-budget=5000", url)
    os.replace(tmp, png)
    return png
