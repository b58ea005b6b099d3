"""Issue 31, point 2: the Speech Rule Engine that the web page, the HTML page and the reveal.js deck carry is
the npm package pinned by tests/katex/package-lock.json, with its licence, and every export that typesets
mathematics asks KaTeX for MathML and carries the engine's English rules (read by Chromium in
tests/web/test_web_trust.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools import KATEX_DIR

from derive import derive
from derive.render.html import SPEECH_RULES

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "derive" / "assets" / "sre"


def test_the_vendored_engine_is_the_pinned_package():
    package = KATEX_DIR / "node_modules" / "speech-rule-engine"
    if not package.is_dir():
        pytest.fail("speech-rule-engine not installed: run bash tests/setup-tools.sh")
    lock = json.loads((KATEX_DIR / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/speech-rule-engine"]["version"] == "4.1.5"
    assert (ASSETS / "sre.js").read_bytes() == (package / "lib" / "sre.js").read_bytes()
    for name in SPEECH_RULES:
        assert (ASSETS / "mathmaps" / f"{name}.json").read_bytes() == (
            package / "lib" / "mathmaps" / f"{name}.json"
        ).read_bytes()
    assert "Apache License" in (ASSETS / "LICENSE").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"derive.assets.sre" = ["sre.js", "LICENSE", "mathmaps/*.json"]' in pyproject  # installed with derive


@pytest.mark.parametrize("fmt", ["html", "reveal"])
def test_each_export_asks_for_mathml_and_carries_the_rules(fmt):
    page = derive("sigmoid").render(fmt)
    assert 'output: "htmlAndMathml"' in page
    for name in SPEECH_RULES:
        assert f'<script type="application/json" id="sre-rules-{name}">' in page
    assert "SRE.toSpeech" in page and "cdn.jsdelivr" not in page.split("<body>")[1]
