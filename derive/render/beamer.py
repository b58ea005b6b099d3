r"""Beamer slides that build one line at a time, as the lecture's frame does.

Each target is a column; two columns make a frame.  Within a column the
definition (the lines of g) appears at once, then one line a build; the
second column starts building when the first is complete.  Every row is
wrapped in ``\onslide<n->{...}`` (``\pause`` inside an alignment drops
lines).  Every column of a frame is set at one scale, never below a
readable size; TeX measures and chooses the layout (``frame``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from string import ascii_lowercase
from typing import Any

from derive.render import Line, register, walk
from derive.render.latex import aligned_row, latex_text, notes_latex, reason_text, title_latex

PREAMBLE = r"""\documentclassASPECT{beamer}
\usepackage{amsmath}
\usepackage{graphicx}
\setbeamertemplate{navigation symbols}{}
\setbeamersize{text margin left=0.4cm, text margin right=0.4cm}
\makeatletter
% One scale per frame. Before a frame, each column's lines are measured as they will be set
% (\derivemeasure); \derivescale becomes the largest scale at which every column fits its width and
% the frame's height. Never below \deriveminimum, the readable size (footnotesize, 8 pt, of the
% 11 pt body): a line that would need less is set over two rows, broken at a top-level + or -
% (\derivechoice), and two columns that still would are given a frame each.
\newsavebox{\derivetrial}
\newsavebox{\derivemeasured}
\newdimen\derivelimit
\newdimen\derivewidth
\newdimen\deriveneeds
\newdimen\derivescale
\newdimen\deriveheight \deriveheight=0.72\textheight
\newdimen\deriveminimum \deriveminimum=MINIMUMpt
\def\deriveoffset{0}
\def\derivebuild#1{\the\numexpr\deriveoffset+#1\relax}
\def\derivefactor{\strip@pt\derivescale}
% \derivesetlimit{column width}{widest left side}: how wide a right side may be at the readable size
\newcommand{\derivesetlimit}[2]{%
  \derivewidth=#1\relax
  \sbox{\derivetrial}{$\displaystyle #2 = {}$}%
  \derivelimit=\dimexpr\derivewidth*1000/MILLES-\wd\derivetrial\relax}
% \derivechoice{one row}{two rows}: a right side on one row, unless it is too wide at the readable size
% (the two are chosen as braced arguments: an & skipped by a conditional inside an alignment is an error)
\newcommand{\derivechoice}[2]{%
  \sbox{\derivetrial}{$\displaystyle #1$}%
  \ifdim\wd\derivetrial>\derivelimit\expandafter\@firstoftwo\else\expandafter\@secondoftwo\fi{#2}{#1}}
% \derivereason{text}: a line's rule and reason under it, wrapped where wider than a right side may be
% at the readable size (so a long reason never sets the frame's scale below it)
\newcommand{\derivereason}[1]{%
  \sbox{\derivetrial}{#1}%
  \ifdim\wd\derivetrial>\derivelimit\expandafter\@firstoftwo\else\expandafter\@secondoftwo\fi
  {\parbox[t]{\derivelimit}{\raggedright #1}}{\usebox{\derivetrial}}}
% \derivefits{length}{room}: \derivescale lowered (globally) to room/length where the length exceeds the room
\newcommand{\derivefits}[2]{%
  \deriveneeds=#1\relax
  \ifdim\deriveneeds>#2\relax
    \deriveneeds=\dimexpr 1pt*#2/\deriveneeds\relax
    \ifdim\deriveneeds<\derivescale \global\derivescale=\deriveneeds\fi
  \fi}
% \derivemeasure{column width}{widest left side}{lines}{notes}: the lines measured as the frame sets
% them (\onslide keeps a hidden line's room), in the frame's height less what the notes under them take
\newcommand{\derivemeasure}[4]{\begingroup
  \derivesetlimit{#1}{#2}%
  \sbox{\derivemeasured}{#3}%
  \sbox{\derivetrial}{\parbox{\derivewidth}{\centering #4}}%
  \derivefits{\wd\derivemeasured}{\derivewidth}%
  \derivefits{\dimexpr\ht\derivemeasured+\dp\derivemeasured\relax}{\dimexpr\deriveheight-\ht\derivetrial-\dp\derivetrial\relax}%
  \endgroup}
\makeatother
"""

MINIMUM = 0.727
r"""The readable minimum, as a scale of the 11 pt body: \footnotesize's 8 pt."""

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


COLUMN_NAMES = ("i", "ii")
r"""The TeX names of a frame's columns' lines (\derivecolumni, \derivecolumnii): one per PER_FRAME."""

MOST_PARTS = 4
"""A column too tall for its frame at the readable size continues on up to this many frames."""

_COUNTS = ("one", "two", "three", "four", "five", "six")
r"""Counts as words, for the TeX names of a column's parts (\derivecolumnithreeb: the second of three)."""


@dataclass(frozen=True)
class Piece:
    """A column's lines on one frame: the whole column, or one part of a column that continues."""

    derivation: Any
    name: str  # its lines are the TeX macro \derivecolumn<name>
    lines: tuple[tuple[Line, int], ...]  # each line with its build, counted from the piece's first
    continued: bool = False  # a part after the first: its heading says so
    last: bool = True  # the verdict's notes go under the last part
    column: str = ""  # the column's TeX name: its lines' right sides are \deriveline<column><letters>
    first: int = 0  # the index in the column of the piece's first line

    @property
    def builds(self) -> int:
        return self.lines[-1][1]

    @property
    def left_side(self) -> str:
        """The widest left side (g'(z) beside g(z)), for the room left to the right sides."""
        return max((str(line.lhs or "") for line, _ in self.lines), key=len)


def whole(derivation: Any, name: str) -> Piece:
    return Piece(derivation, name, tuple(zip(walk(derivation), builds(derivation), strict=True)), column=name)


def parts(column: Piece, count: int) -> list[Piece] | None:
    """The whole ``column`` in ``count`` parts, split between builds into runs of about as many lines;
    None when it has fewer builds than that."""
    derivation, name = column.derivation, column.name
    by_build: dict[int, list[Line]] = {}
    for line, build in column.lines:
        by_build.setdefault(build, []).append(line)
    groups = list(by_build.values())
    if len(groups) < count:
        return None
    total = sum(map(len, groups))
    runs: list[list[list[Line]]] = [[]]
    seen = 0
    for i, group in enumerate(groups):
        left = len(groups) - i  # builds still to place, runs still to open: every run gets one
        if runs[-1] and (seen >= total * len(runs) / count or left == count - len(runs)):
            runs.append([])
        runs[-1].append(group)
        seen += len(group)
    label = _COUNTS[count - 1]
    firsts = [sum(len(group) for run in runs[:k] for group in run) for k in range(len(runs))]
    return [
        Piece(
            derivation,
            f"{name}{label}{ascii_lowercase[k]}",
            tuple((line, b) for b, group in enumerate(run, start=1) for line in group),
            continued=k > 0,
            last=k == len(runs) - 1,
            column=name,
            first=firsts[k],
        )
        for k, run in enumerate(runs)
    ]


def _line_name(column: str, index: int) -> str:
    """The TeX name of a line's right side: \\derivelineia, ...ib, ..., ...iz, ...iaa (letters only)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return f"deriveline{column}{letters}"


def _right_sides(piece: Piece) -> str:
    r"""Each line's right side, defined once for the column and its parts: a right side that can break
    at a top-level + or - offers each setting, widest first, to \derivechoice."""
    from derive.render.printing.latex import line_choices

    out = []
    for k, (line, _) in enumerate(piece.lines):
        *wider, rhs = line_choices(line.step.expr)
        for choice in reversed(wider):  # \derivechoice{one row}{\derivechoice{two rows}{three rows}}
            rhs = f"\\derivechoice{{{choice}}}{{{rhs}}}"
        out.append(f"\\def\\{_line_name(piece.column, k)}{{{rhs}}}\n")
    return "".join(out)


def _lines(piece: Piece, reasons: bool) -> str:
    """A piece's lines as one aligned block, each on its build (counted from the piece's first, so the
    same lines serve beside another column and on a frame of their own)."""
    rows = []
    for k, (line, build) in enumerate(piece.lines, start=piece.first):
        row = aligned_row(line, rhs="\\" + _line_name(piece.column, k))
        rows.append(f"\\onslide<\\derivebuild{{{build}}}->{{{row}}}")
        if reasons:
            rows.append(f"\\onslide<\\derivebuild{{{build}}}->{{& \\derivereason{{{reason_text(line)}}}}}")
    return "$\\displaystyle\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$"


def _define(pieces: Sequence[Piece], reasons: bool) -> str:
    return "".join(f"\\def\\derivecolumn{p.name}{{{_lines(p, reasons)}}}\n" for p in pieces)


def _notes(piece: Piece) -> list[str]:
    """What goes under the piece: the verdict's notes, small, under the column's last part."""
    return [f"\\par\\footnotesize {n}\\par" for n in notes_latex(piece.derivation)] if piece.last else []


def _column(piece: Piece, width: str, offset: int) -> str:
    """A column of a frame: its heading, its lines at the frame's scale, the verdict's notes once complete."""
    below = "".join(f"\n\\onslide<\\derivebuild{{{piece.builds}}}->{{{n}}}" for n in _notes(piece))
    heading = latex_text(piece.derivation.function.title) + (" (continued)" if piece.continued else "")
    return (
        f"\\begin{{column}}{{{width}\\textwidth}}\n\\def\\deriveoffset{{{offset}}}\\centering\n"
        f"\\onslide<\\derivebuild{{1}}->{{\\textbf{{{heading}}}}}\\\\[1ex]\n"
        # inside a column \textwidth is the column's own width
        f"\\derivesetlimit{{\\linewidth}}{{{piece.left_side}}}%\n"
        f"\\scalebox{{\\derivefactor}}{{\\derivecolumn{piece.name}}}{below}\n\\end{{column}}"
    )


def _frame(pieces: Sequence[Piece], title: str) -> str:
    """A frame of the pieces side by side at the scale last measured; the log says which (tests read it)."""
    width = f"{0.98 / len(pieces):.2f}"
    offsets = [sum(p.builds for p in pieces[:i]) for i in range(len(pieces))]
    names = ", ".join(log_text(p.derivation.name) + (" (continued)" if p.continued else "") for p in pieces)
    return (
        f"\\typeout{{derive: frame scale \\derivefactor\\space for {names}}}\n"
        f"\\begin{{frame}}{{{title}}}\n\\begin{{columns}}[T,onlytextwidth]\n"
        + "\n".join(_column(p, width, offset) for p, offset in zip(pieces, offsets, strict=True))
        + "\n\\end{columns}\n\\end{frame}"
    )


def log_text(text: str) -> str:
    r"""Text for \typeout, which expands what it is given: letters, digits and the punctuation TeX reads as
    plain characters pass (not \ { } % # ~ ^ $ &), every other character is a ?."""
    return re.sub(r"[^A-Za-z0-9 .,:;()*+/='_<>!?|@\[\]-]", "?", text)


def _measure(pieces: Sequence[Piece], width: str) -> str:
    r"""TeX that sets \derivescale: the largest at which each piece fits a column of ``width``."""
    return "\\global\\derivescale=1pt\n" + "\n".join(
        f"\\derivemeasure{{{width}\\textwidth}}{{{p.left_side}}}{{\\derivecolumn{p.name}}}{{{''.join(_notes(p))}}}"
        for p in pieces
    )


def _alone(column: Piece, title: str, reasons: bool, count: int = 1) -> str:
    """The whole ``column`` on frames of its own: whole if it fits at the readable size, else continued
    over two frames, and so on up to MOST_PARTS (at the largest scale at which they fit, the log saying
    so). One measure decides each count and sets the scale of its frames."""
    pieces = [column] if count == 1 else parts(column, count)
    if pieces is None:  # too few builds to split further
        return ""
    defined = _define(pieces, reasons) if count > 1 else ""
    frames = "\n".join(_frame([p], title) for p in pieces)
    more = _alone(column, title, reasons, count + 1) if count < MOST_PARTS else ""
    chosen = f"\\ifdim\\derivescale<\\deriveminimum\n{more}\n\\else\n{frames}\n\\fi" if more else frames
    return f"{defined}{_measure(pieces, '0.98')}\n{chosen}"


def frame(derivations: Sequence[Any], title: str, reasons: bool = False) -> str:
    r"""The frames of up to PER_FRAME derivations: a column each, each building after the one before,
    all at one scale, the largest at which they fit; the verdict's notes under a column once it is
    complete; with ``reasons`` each line's rule and reason in small type below it, on the same build.

    TeX measures the lines and decides, so that nothing is set below the readable minimum: a line too
    wide is broken at a top-level + or - (\derivechoice); columns that still would not fit side by side
    get a frame each; a column too tall for one frame continues on the next."""
    columns = [whole(d, name) for d, name in zip(derivations, COLUMN_NAMES, strict=False)]
    alone = "\n".join(_alone(p, title, reasons) for p in columns)
    lines = "".join(_right_sides(p) for p in columns)
    if len(columns) == 1:
        return f"{lines}{_define(columns, reasons)}{alone}"
    together = _frame(columns, title)
    return (
        f"{lines}{_define(columns, reasons)}{_measure(columns, '0.49')}\n"
        f"\\ifdim\\derivescale<\\deriveminimum\n{alone}\n\\else\n{together}\n\\fi"
    )


def plot_frame(derivations: Sequence[Any], image: str) -> str:
    """A frame with the plots of a frame's derivations (a PDF beside the deck)."""
    names = " and ".join(latex_text(d.function.title) for d in derivations)
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
    media_type="application/x-latex",
    label="Beamer",
    rank=6,
    deck=True,
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
    title = title_latex(title) if title is not None else default_title(order)
    frames = []
    for n, i in enumerate(range(0, len(derivations), PER_FRAME)):
        frames.append(frame(derivations[i : i + PER_FRAME], title, reasons))
        if plots:
            frames.append(plot_frame(derivations[i : i + PER_FRAME], plots[n]))
    preamble = PREAMBLE.replace("ASPECT", ASPECTS[aspect]).replace("MINIMUM", str(MINIMUM))
    preamble = preamble.replace("MILLES", str(round(MINIMUM * 1000)))
    return preamble + "\\begin{document}\n" + "\n\n".join(frames) + "\n\\end{document}\n"
