"""The real tools the rendering tests run: KaTeX (node), pdftotext, headless Chromium."""

from __future__ import annotations

import json
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
