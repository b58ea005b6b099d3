"""A self-contained HTML page: the steps typeset by KaTeX from the copy inside the package.

KaTeX's script, its style sheet and its fonts (as data: URIs) are inlined, so
the page is one file that renders offline, with no CDN.  Each step is a row:
the math on the left, the rule and its reason on the right.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from derive.render import register, walk

_FONT_SRC = re.compile(
    r"src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\(\"woff2\"\)(,url\([^)]*\) format\(\"[a-z]+\"\))*"
)

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table.steps { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
table.steps td { padding: 0.2em 0.6em; vertical-align: middle; border-bottom: 1px solid #eee; }
td.lhs { text-align: right; white-space: nowrap; padding-right: 0; }
td.rhs { text-align: left; padding-left: 0.25em; }
td.lhs .katex-display, td.lhs .katex-display > .katex { text-align: right; margin: 0.3em 0; }
td.rhs .katex-display, td.rhs .katex-display > .katex { text-align: left; margin: 0.3em 0; }
td.why { color: #555; font-size: 0.9em; }
td.why .rule { font-weight: 600; color: #333; }
p.verdict { font-weight: 600; }
figure.plot { margin: 1em 0; } figure.plot svg { max-width: 100%; height: auto; }
"""

# an error is shown in the cell, marked katex-error (with throwOnError: false an unknown macro is only red text)
RENDER = """
for (const cell of document.querySelectorAll("[data-tex]")) {
  try {
    const display = cell.classList.contains("math");
    katex.render(cell.dataset.tex, cell, {displayMode: display, throwOnError: true, strict: "error",
                                          output: "htmlAndMathml"});
  } catch (err) {
    const shown = document.createElement("span");
    shown.className = "katex-error";
    shown.textContent = String(err.message || err) + ": " + cell.dataset.tex;
    cell.replaceChildren(shown);
  }
}
"""


SPEAK = """
// each formula's spoken text, from the Speech Rule Engine inlined above with its English rules: the name
// of its MathML in the accessibility tree (without it, the MathML alone is read)
if (typeof SRE !== "undefined") SRE.engineReady().then(() => {
  for (const math of document.querySelectorAll(".katex-mathml math")) {
    const copy = math.cloneNode(true);
    copy.querySelectorAll("annotation").forEach(a => a.remove());
    try { math.setAttribute("aria-label", SRE.toSpeech(copy.outerHTML)); } catch (err) { /* MathML alone */ }
  }
  document.body.dataset.spoken = "true";
});
"""

SPEECH_CONFIG = """
var SREfeature = {locale: "en", domain: "clearspeak", modality: "speech",
  custom: function (locale) {  // the rules are in this file, never fetched
    var found = document.getElementById("sre-rules-" + locale);
    return Promise.resolve(found ? found.textContent : "{}");
  }};
"""

SPEECH_RULES = ("base", "en")
"""The Speech Rule Engine's rule files a page carries: the shared ones and English."""


def speech_scripts() -> str:
    """The Speech Rule Engine (4.1.5, inside the package) and its English rules as scripts of the page, so
    that each formula gets its spoken text offline (SPEAK, after KaTeX has typeset them)."""
    from importlib import resources

    folder = resources.files("derive.assets.sre")
    rules = "".join(
        f'<script type="application/json" id="sre-rules-{name}">'
        + folder.joinpath("mathmaps", f"{name}.json").read_text(encoding="utf-8").replace("</", "<\\/")
        + "</script>\n"
        for name in SPEECH_RULES
    )
    engine = folder.joinpath("sre.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    return f"{rules}<script>{SPEECH_CONFIG}</script>\n<script>{engine}</script>\n"


def _asset(name: str) -> bytes:
    from importlib import resources  # here: the CLI imports every format module to list it

    return resources.files("derive.assets.katex").joinpath(name).read_bytes()


def katex_css() -> str:
    """KaTeX's style sheet with its woff2 fonts inlined (the other formats dropped)."""

    import base64

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode(_asset(f"fonts/{match.group(1)}.woff2")).decode("ascii")
        return f'src:url(data:font/woff2;base64,{data}) format("woff2")'

    return _FONT_SRC.sub(inline, _asset("katex.min.css").decode("utf-8"))


def inline(expr: Any) -> str:
    """Mathematics inside a reason: a span KaTeX typesets in line."""
    from derive.render.printing.latex import board_latex

    return f'<span class="tex" data-tex="{html.escape(board_latex(expr), quote=True)}"></span>'


def katex_js() -> str:
    """KaTeX's script, safe inside a page's <script> element."""
    return _asset("katex.min.js").decode("utf-8").replace("</script", "<\\/script")


def math_cells(line: Any) -> str:
    """A line's two cells, aligned on '=': the quantity right-aligned in one (g(z); empty on a
    continuation line), '= ...' left-aligned in the next; KaTeX typesets each from its data-tex."""
    from derive.render.printing.latex import board_latex

    rhs = board_latex(line.step.expr)
    lhs, rhs = (str(line.lhs or ""), f"= {rhs}") if line.relation else ("", rhs)
    left = f'<td class="lhs math" data-tex="{html.escape(lhs, quote=True)}"></td>' if lhs else '<td class="lhs"></td>'
    return f'{left}<td class="rhs math" data-tex="{html.escape(rhs, quote=True)}"></td>'


def plot_svg(item: Any) -> str:
    """The plot of g and g' (and g' against g) as inline SVG: the page stays one offline file."""
    from derive.render import plot

    svg = plot.image([item], "svg").decode("utf-8")
    return '<figure class="plot">' + svg[svg.index("<svg") :] + "</figure>"


def section(item: Any, plots: bool = False) -> str:
    rows = []
    for line in walk(item):
        why = f'<span class="rule">{html.escape(line.step.rule)}</span>: {line.why.fill(inline, html.escape)}'
        rows.append(f'<tr>{math_cells(line)}<td class="why">{why}</td></tr>')
    notes = []
    for note in item.notes():
        text = note.reason.fill(inline, html.escape)
        notes.append(f'<p class="verdict">{text}</p>' if note.emphasis else f"<p>Note: {text}.</p>")
    title = html.escape(item.title)
    return (
        f'<section>\n<h2>{title}</h2>\n<table class="steps">\n'
        + "\n".join(rows)
        + "\n</table>\n"
        + "\n".join(notes)
        + (plot_svg(item) if plots else "")
        + "\n</section>"
    )


@register(
    "html",
    ".html",
    "one self-contained page, typeset by KaTeX from inside it (offline)",
    ("title", "plots"),
    True,
    media_type="text/html",
    label="HTML",
    rank=5,
)
def render(items: Sequence[Any], title: str = "Derivatives of activation functions", plots: bool = False) -> str:
    body = "\n".join(section(d, plots) for d in items)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{katex_css()}</style>\n<style>{STYLE}</style>\n"
        f"<script>{katex_js()}</script>\n{speech_scripts()}</head>\n<body>\n<h1>{html.escape(title)}</h1>\n{body}\n"
        f"<script>{RENDER}{SPEAK}</script>\n</body>\n</html>\n"
    )
