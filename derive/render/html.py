"""A self-contained HTML page: the steps typeset by KaTeX from the copy inside the package.

KaTeX's script, its style sheet and its fonts (as data: URIs) are inlined, so
the page is one file that renders offline, with no CDN.  Each step is a row:
the math on the left, the rule and its reason on the right.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

from derive.render import walk
from derive.render.latex import line_latex

if TYPE_CHECKING:
    from derive.pipeline import Derivation

_FONT_SRC = re.compile(
    r"src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\(\"woff2\"\)(,url\([^)]*\) format\(\"[a-z]+\"\))*"
)

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table.steps { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
table.steps td { padding: 0.2em 0.6em; vertical-align: middle; border-bottom: 1px solid #eee; }
td.math { width: 60%; }
td.why { color: #555; font-size: 0.9em; }
td.why .rule { font-weight: 600; color: #333; }
p.verdict { font-weight: 600; }
"""

# an error is shown in the cell, marked katex-error (with throwOnError: false an unknown macro is only red text)
RENDER = """
for (const cell of document.querySelectorAll("td.math")) {
  try {
    katex.render(cell.dataset.tex, cell, {displayMode: true, throwOnError: true, strict: "error"});
  } catch (err) {
    const shown = document.createElement("span");
    shown.className = "katex-error";
    shown.textContent = String(err.message || err) + ": " + cell.dataset.tex;
    cell.replaceChildren(shown);
  }
}
"""


def _asset(name: str) -> bytes:
    return resources.files("derive.assets.katex").joinpath(name).read_bytes()


def katex_css() -> str:
    """KaTeX's style sheet with its woff2 fonts inlined (the other formats dropped)."""

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode(_asset(f"fonts/{match.group(1)}.woff2")).decode("ascii")
        return f'src:url(data:font/woff2;base64,{data}) format("woff2")'

    return _FONT_SRC.sub(inline, _asset("katex.min.css").decode("utf-8"))


def section(derivation: Derivation) -> str:
    rows = []
    for line in walk(derivation):
        tex = html.escape(line_latex(line), quote=True)
        why = f'<span class="rule">{html.escape(line.step.rule)}</span>: {html.escape(line.step.why)}'
        rows.append(f'<tr><td class="math" data-tex="{tex}"></td><td class="why">{why}</td></tr>')
    notes = []
    if derivation.verdict.status != "found":
        notes.append(f'<p class="verdict">{html.escape(derivation.verdict.reason)}</p>')
    notes += [f"<p>Note: g is {html.escape(str(kink))}.</p>" for kink in derivation.verdict.kinks]
    title = html.escape(derivation.function.title)
    return (
        f'<section>\n<h2>{title}</h2>\n<table class="steps">\n'
        + "\n".join(rows)
        + "\n</table>\n"
        + "\n".join(notes)
        + "\n</section>"
    )


def render(derivations: Sequence[Derivation], title: str = "Derivatives of activation functions") -> str:
    script = _asset("katex.min.js").decode("utf-8").replace("</script", "<\\/script")
    body = "\n".join(section(d) for d in derivations)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{katex_css()}</style>\n<style>{STYLE}</style>\n"
        f"<script>{script}</script>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n{body}\n"
        f"<script>{RENDER}</script>\n</body>\n</html>\n"
    )
