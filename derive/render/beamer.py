"""Beamer slides that build one line at a time, as the lecture's frame does.

Each target is a column; two columns make a frame.  Within a column the
definition (the lines of g) appears at once, then one line a build; the
second column starts building when the first is complete.  Every row is
wrapped in ``\\onslide<n->{...}`` (``\\pause`` inside an alignment drops
lines).  A column too wide or too tall for its half of the slide is scaled
down as a whole, so nothing runs off the slide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from derive.render import register, walk
from derive.render.latex import aligned_row, notes_latex, reason_latex

PREAMBLE = r"""\documentclassASPECT{beamer}
\usepackage{amsmath}
\usepackage{graphicx}
\setbeamertemplate{navigation symbols}{}
\setbeamersize{text margin left=0.4cm, text margin right=0.4cm}
% a column wider than its half of the slide, or taller than the frame, is scaled down to fit
\newsavebox{\derivebox}
\newcommand{\derivefit}[2]{%
  \sbox{\derivebox}{#2}%
  \ifdim\wd\derivebox>\linewidth
    \sbox{\derivebox}{\resizebox{\linewidth}{!}{\usebox{\derivebox}}}%
  \fi
  \ifdim\dimexpr\ht\derivebox+\dp\derivebox\relax>#1
    \sbox{\derivebox}{\resizebox{!}{#1}{\usebox{\derivebox}}}%
  \fi
  \usebox{\derivebox}}
"""

PER_FRAME = 2

ASPECTS = {"4:3": "", "16:9": "[aspectratio=169]"}
"""The frame's shape, as Beamer's aspectratio option names it (4:3, the lecture's and Beamer's default)."""


def default_title(order: int = 1) -> str:
    """The frame's title when none is given: what the slide computes."""
    primes = "'" * order
    return f"Now, the only thing we need to figure out is how to compute $g{primes}$"


def builds(derivation: Any) -> list[int]:
    """For each line, the build (counted from 1 in its column) at which it appears: g's lines at once."""
    out, build = [], 0
    for line in walk(derivation):
        if line.step.quantity != "g" or build == 0:
            build += 1
        out.append(build)
    return out


def frame(derivations: Sequence[Any], title: str, reasons: bool = False) -> str:
    """One frame: a column per derivation, each column building after the one before; the verdict's
    notes under a column once it is complete; with ``reasons`` each line's rule and reason in small
    type below it, on the same build."""
    width = f"{0.98 / len(derivations):.2f}"
    columns, first = [], 1
    for d in derivations:
        shown = builds(d)
        rows = []
        for line, build in zip(walk(d), shown, strict=True):
            rows.append(f"\\onslide<{first + build - 1}->{{{aligned_row(line)}}}")
            if reasons:
                rows.append(f"\\onslide<{first + build - 1}->{{& {reason_latex(line)}}}")
        math = "$\\displaystyle\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$"
        last = first + shown[-1] - 1
        notes = "".join(f"\n\\onslide<{last}->{{\\par\\footnotesize {note}\\par}}" for note in notes_latex(d))
        columns.append(
            f"\\begin{{column}}{{{width}\\textwidth}}\n\\centering\n"
            f"\\onslide<{first}->{{\\textbf{{{d.function.title}}}}}\\\\[1ex]\n"
            f"\\derivefit{{0.72\\textheight}}{{{math}}}{notes}\n\\end{{column}}"
        )
        first += shown[-1]
    return (
        f"\\begin{{frame}}{{{title}}}\n\\begin{{columns}}[T,onlytextwidth]\n"
        + "\n".join(columns)
        + "\n\\end{columns}\n\\end{frame}"
    )


def plot_frame(derivations: Sequence[Any], image: str) -> str:
    """A frame with the plots of a frame's derivations (a PDF beside the deck)."""
    names = " and ".join(d.function.title for d in derivations)
    return (
        f"\\begin{{frame}}{{{names}: $g$ and $g'$}}\n\\centering\n"
        f"\\includegraphics[height=0.82\\textheight,width=\\linewidth,keepaspectratio]{{{image}}}\n\\end{{frame}}"
    )


@register(
    "beamer",
    ".tex",
    "Beamer slides: a column per target, two a frame, a line a build",
    ("title", "reasons", "plots", "aspect"),
    True,
)
def render(
    derivations: Sequence[Any],
    title: str | None = None,
    reasons: bool = False,
    plots: Sequence[str] | None = None,
    aspect: str = "4:3",
) -> str:
    """A complete Beamer document: two targets a frame; with ``plots`` (an image file per frame), a frame
    with the plots after each."""
    order = max(d.order for d in derivations)
    title = title if title is not None else default_title(order)
    frames = []
    for n, i in enumerate(range(0, len(derivations), PER_FRAME)):
        frames.append(frame(derivations[i : i + PER_FRAME], title, reasons))
        if plots:
            frames.append(plot_frame(derivations[i : i + PER_FRAME], plots[n]))
    preamble = PREAMBLE.replace("ASPECT", ASPECTS[aspect])
    return preamble + "\\begin{document}\n" + "\n\n".join(frames) + "\n\\end{document}\n"
