"""LaTeX: each step as ``g(z) = ...`` / ``= ...``, and the steps as an align* block or a document."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from derive.render import Line, register, walk


def line_latex(line: Line) -> str:
    """The lecture's form of a line: 'g(z) = rhs' on the first line of a quantity, '= rhs' after."""
    from derive.render.printing.latex import board_latex

    rhs = board_latex(line.step.expr)
    if not line.relation:
        return rhs
    return f"{line.lhs} = {rhs}" if line.lhs else f"= {rhs}"


def aligned_row(line: Line, reasons: bool = False, rhs: str | None = None) -> str:
    """A line as a row of an alignment: 'g(z) &= rhs', or '&= rhs' after the first line of a quantity;
    with ``reasons``, its rule and reason typeset small in a column of their own; ``rhs``, the right side
    as the caller sets it (Beamer's choice of one row or two)."""
    from derive.render.printing.latex import board_latex

    rhs = board_latex(line.step.expr) if rhs is None else rhs
    row = f"{rhs} &" if not line.relation else f"{line.lhs or ''} &= {rhs}"  # an identity's side: left of '='
    return f"{row} && {reason_latex(line)}" if reasons else row


_TEXT_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def latex_text(text: str) -> str:
    """Words set as LaTeX text, its special characters escaped and Greek letters set as mathematics
    (pdflatex has no β in text: 'Softplus with β'); line breaks and other control characters are spaces
    (a blank line would end the paragraph inside a \\textbf)."""
    text = _CONTROL.sub(" ", text)
    return re.sub("[\u03b1-\u03c9\u0391-\u03a9]", _greek, text.translate(_TEXT_ESCAPES))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

TITLE_COMMANDS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho sigma "
    "tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
    "prime cdot times frac dfrac tfrac sqrt left right tanh sinh cosh exp log ln sin cos tan arctan "
    "operatorname mathrm mathit mathbf text quad qquad approx le ge leq geq ne neq to infty partial".split()
)
"""What the mathematics of a title (``$g'$``) may use: typesetting commands, none that reads, writes or
defines anything."""

_TITLE_MATH = re.compile(r"(?:[A-Za-z0-9 +\-*/=()\[\].,;:'|<>!_^{}]|\\[A-Za-z]+|\\[,;! ])*")


def title_latex(title: str) -> str:
    """A title given by the user as LaTeX: its words escaped, its ``$...$`` mathematics kept where it only
    typesets (TITLE_COMMANDS, balanced braces, no ^^ character codes), else refused in one line."""
    from derive.errors import DeriveError

    parts = title.split("$")
    if len(parts) % 2 == 0:  # an unpaired $: all of it words
        return latex_text(title)
    out = []
    for k, part in enumerate(parts):
        if k % 2 == 0:
            out.append(latex_text(part))
            continue
        commands = set(re.findall(r"\\([A-Za-z]+)", part))
        if _TITLE_MATH.fullmatch(part) is None or "^^" in part or not commands <= TITLE_COMMANDS or not _balanced(part):
            raise DeriveError(
                f"the title's mathematics ${part[:40]}$ is not allowed: letters, digits, operators, balanced braces "
                "and typesetting commands (\\frac, \\sigma, \\prime, ...) only"
            )
        out.append(f"${part}$")
    return "".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _greek(match: re.Match) -> str:
    name = unicodedata.name(match.group()).split()[-1].lower().replace("lamda", "lambda")
    if match.group().isupper():
        name = name.capitalize()  # \Gamma ... \Omega; a capital LaTeX writes as Latin (A, B) is left as it is
        return f"$\\{name}$" if name in _GREEK_CAPITALS else match.group()
    return f"$\\{name}$" if name != "omicron" else "o"


_GREEK_CAPITALS = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}


def inline(expr: Any) -> str:
    """Mathematics inside words: $...$ (LaTeX text, Markdown)."""
    from derive.render.printing.latex import board_latex

    return f"${board_latex(expr)}$"


def reason_text(line: Line) -> str:
    """A line's rule and reason as small LaTeX text, its mathematics typeset."""
    return f"\\footnotesize [{latex_text(line.step.rule)}] {line.why.fill(inline, latex_text)}"


def reason_latex(line: Line) -> str:
    """A line's rule and reason, small, as text inside mathematics (a column of an alignment)."""
    return f"\\text{{{reason_text(line)}}}"


def notes_latex(item: Any) -> list[str]:
    """The verdict's notes as LaTeX paragraphs: the verdict in bold, the others as notes."""
    out = []
    for note in item.notes():
        text = note.reason.fill(inline, latex_text)
        out.append(f"\\textbf{{{text}}}" if note.emphasis else f"Note: {text}.")
    return out


def block(item: Any, environment: str = "align*", reasons: bool = False) -> str:
    rows = [aligned_row(line, reasons) for line in walk(item)]
    return f"\\begin{{{environment}}}\n" + " \\\\\n".join(rows) + f"\n\\end{{{environment}}}"


@register(
    "latex",
    ".tex",
    "an align* block (--standalone: a complete document)",
    options=("standalone", "environment", "reasons"),
    media_type="application/x-latex",
    label="LaTeX",
    rank=2,
)
def render(items: Sequence[Any], environment: str = "align*", standalone: bool = False, reasons: bool = False) -> str:
    """An ``align*`` fragment (or ``aligned``) per item, or with ``standalone`` a complete document with
    the verdict's notes under each derivation; ``reasons`` sets each step's rule and reason beside it."""
    if not standalone:
        return "\n\n".join(block(item, environment, reasons) for item in items)
    sections = "\n".join(
        f"\\section*{{{latex_text(item.section_title)}}}\n{block(item, environment, reasons)}\n"
        + "\n\n".join(notes_latex(item))
        for item in items
    )
    return (
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage[margin=2cm]{geometry}\n"
        f"\\begin{{document}}\n{sections}\n\\end{{document}}\n"
    )
