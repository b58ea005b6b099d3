"""reveal.js decks that build like the Beamer ones: the same frames, columns and builds, offline.

A frame is a slide with a column per derivation (two a slide, as in derive.render.beamer); each
line that Beamer shows from build n on is a fragment with index n - 1 (build 1 shows without a
fragment), so ``Reveal.next()`` steps through exactly the Beamer deck's builds.  The lines are
aligned on '=' and typeset by KaTeX when the page loads, every column of a slide at one size (the
largest at which each fits); the verdict's notes appear under a column
with its last line; each line's rule and reason are the speaker notes.  reveal.js, its white theme
(fonts inlined) and KaTeX are inlined, so the file works offline.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from derive.render import register, walk
from derive.render.beamer import PER_FRAME, builds, default_title
from derive.render.html import RENDER as KATEX
from derive.render.html import SPEAK, inline, katex_css, katex_js, math_cells, speech_scripts

STYLE = """
.reveal .columns { display: flex; gap: 2%; align-items: flex-start; }
.reveal .column { flex: 1 1 0; min-width: 0; }
.reveal .column h3 { font-size: 0.7em; margin: 0 0 0.4em 0; }
.reveal table.steps { border-collapse: collapse; margin: 0 auto; font-size: 0.55em; }
.reveal table.steps td { border: none; padding: 0.1em 0.2em; vertical-align: middle; }
.reveal td.lhs { text-align: right; white-space: nowrap; }
.reveal td.rhs { text-align: left; }
.reveal td .katex-display { margin: 0.15em 0; }
.reveal td.lhs .katex-display, .reveal td.lhs .katex-display > .katex { text-align: right; }
.reveal td.rhs .katex-display, .reveal td.rhs .katex-display > .katex { text-align: left; }
.reveal p.note { font-size: 0.4em; margin: 0.3em 0; }
.reveal h2.frame-title, .reveal .column h3 { text-transform: none; }
.reveal h2.frame-title { font-size: 0.9em; }
"""

RENDER = (
    KATEX
    + """
// one scale per slide: every column's lines at the size at which the widest of them fits its column
// (measured again after each change: KaTeX's layout does not shrink exactly in proportion)
function fit(slide) {
  const tables = [...slide.querySelectorAll("table.steps")];
  let size = 0.55;
  for (let pass = 0; pass < 5; pass++) {
    tables.forEach(t => { t.style.fontSize = size + "em"; });
    const room = Math.min(...tables.map(t => t.parentElement.clientWidth / t.scrollWidth));
    if (room >= 1) break;
    size *= room * 0.99;
  }
}
// once the fonts are in (KaTeX's, inlined, load asynchronously): widths measured before would be wrong
Reveal.on("ready", () => document.fonts.ready.then(() => {
  document.querySelectorAll(".reveal .slides > section").forEach(fit);
  Reveal.layout();
  document.body.dataset.fitted = "true";
}));
Reveal.initialize({hash: true, history: false, transition: "none", controls: true, progress: true,
                   width: WIDTH, height: HEIGHT, margin: 0.04});
"""
)


def _reveal_asset(name: str) -> str:
    from importlib import resources

    return resources.files("derive.assets.reveal").joinpath(name).read_text(encoding="utf-8")


def _fragment(build: int) -> str:
    """The attributes of something Beamer shows from ``build`` on: nothing on the first build."""
    return "" if build <= 1 else f' class="fragment" data-fragment-index="{build - 1}"'


def column(derivation: Any, first: int) -> tuple[str, list[str]]:
    """A derivation's column, its lines from build ``first`` on, and its speaker notes."""
    shown = builds(derivation)
    rows, notes = [], []
    for line, build in zip(walk(derivation), shown, strict=True):
        at = first + build - 1
        rows.append(f'<tr{_fragment(at)} data-build="{at}">{math_cells(line)}</tr>')
        why = line.why.fill(inline, html.escape)
        notes.append(f"<li>{html.escape(line.step.rule)}: {why}</li>")
    last = first + shown[-1] - 1
    verdict = "".join(
        f'<p class="note"{_fragment(last)}>{note.reason.fill(inline, html.escape)}</p>' for note in derivation.notes()
    )
    heading = f"<h3{_fragment(first)}>{html.escape(derivation.function.title)}</h3>"
    body = '<table class="steps">\n' + "\n".join(rows) + "\n</table>"
    return f'<div class="column">{heading}\n{body}\n{verdict}</div>', notes


def slide(derivations: Sequence[Any], title: str) -> str:
    columns, notes, first = [], [], 1
    for d in derivations:
        tex, said = column(d, first)
        columns.append(tex)
        notes += said
        first += builds(d)[-1]
    return (
        f'<section>\n<h2 class="frame-title">{html.escape(title)}</h2>\n<div class="columns">\n'
        + "\n".join(columns)
        + f'\n</div>\n<aside class="notes"><ul>{"".join(notes)}</ul></aside>\n</section>'
    )


SIZES = {"4:3": (1024, 768), "16:9": (1280, 720)}
"""The slide's size in reveal.js's units, by aspect (4:3, the lecture's, by default)."""


@register(
    "reveal",
    ".html",
    "a reveal.js deck: Beamer's frames and builds as fragments (offline)",
    ("title", "aspect"),
    True,
    media_type="text/html",
    label="reveal.js",
    rank=7,
    deck=True,
)
def render(derivations: Sequence[Any], title: str | None = None, aspect: str = "4:3") -> str:
    order = max(d.order for d in derivations)
    plain = (title if title is not None else default_title(order)).replace("$", "")
    slides = [slide(derivations[i : i + PER_FRAME], plain) for i in range(0, len(derivations), PER_FRAME)]
    reveal_js = _reveal_asset("reveal.js").replace("</script", "<\\/script")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(plain)}</title>\n"
        f"<style>{_reveal_asset('reveal.css')}</style>\n<style>{_reveal_asset('white.css')}</style>\n"
        f"<style>{katex_css()}</style>\n<style>{STYLE}</style>\n"
        f"<script>{katex_js()}</script>\n{speech_scripts()}<script>{reveal_js}</script>\n</head>\n<body>\n"
        '<div class="reveal"><div class="slides">\n' + "\n".join(slides) + "\n</div></div>\n"
        f"<script>{RENDER.replace('WIDTH', str(SIZES[aspect][0])).replace('HEIGHT', str(SIZES[aspect][1]))}{SPEAK}"
        "</script>\n"
        "</body>\n</html>\n"
    )
