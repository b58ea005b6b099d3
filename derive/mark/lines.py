"""A submission as its lines: what a student wrote on paper or pasted from LaTeX, a line per step.

An ``align*`` or ``aligned`` block (and ``align``, ``equation``, ``gather``, ``split``) is read whole: its
rows end at ``\\\\``, its ``&`` are alignment, ``\\notag`` and ``\\nonumber`` say nothing; ``$$`` and
``\\[ \\]`` around a block go too.  Blank lines and ``%`` comments are left out (a ``\\%`` stays).  Each
line keeps its number in the file, so that a verdict points where the student looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINES = 200
MAX_CHARACTERS = 100_000

_ENVIRONMENT = re.compile(
    r"\\(begin|end)\{(align\*?|aligned|alignat\*?|equation\*?|gather\*?|gathered|split|eqnarray\*?)\}(\{\d+\})?"
)
_ALIGNMENT_WORDS = re.compile(r"\\(notag|nonumber|label\{[^}]*\}|tag\{[^}]*\})")
_COMMENT = re.compile(r"(?<!\\)%.*")
_CASES_OPEN = re.compile(r"\\begin\{(cases|dcases|array)\}(?!.*\\end\{\1\})", re.DOTALL)


@dataclass(frozen=True)
class Written:
    """One line as written: its number in the submission (1-based) and its text."""

    number: int
    text: str


_CASES = re.compile(r"\\begin\{(cases|dcases|array)\}.*?\\end\{\1\}", re.DOTALL)
_ARRAY_BLOCK = re.compile(r"(?<!\\left\\\{)(?<!\\\{)\s*\\begin\{array\}\{[^{}]*\}(.*?)\\end\{array\}", re.DOTALL)
"""An array used as a derivation's block (rows with '=' in them), not a piecewise function's after a brace."""
_EQALIGN = re.compile(r"\\(?:eqalign|eqalignno|displaylines)\s*\{")


def _blocks_opened(text: str) -> str:
    """Plain TeX's \\eqalign{... \\cr ...} and an array of equations as rows ending at \\\\."""
    for _ in range(10):  # each pass opens one \eqalign; a bound, not a loop that can run on
        found = _EQALIGN.search(text)
        if found is None:
            break
        depth, end = 1, len(text)
        for i in range(found.end(), len(text)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                end = i
                break
        text = text[: found.start()] + text[found.end() : end] + text[end + 1 :]
    text = re.sub(r"\\cr(?![A-Za-z])", r"\\\\", text)
    return _ARRAY_BLOCK.sub(lambda m: " " + m.group(1) + " " if "=" in m.group(1) else m.group(), text)


def _protected(text: str) -> str:
    """A piecewise function's own rows and cells kept whole: its \\\\ and & are not the block's."""
    return _CASES.sub(lambda m: m.group().replace("\\\\", "\x01").replace("&", "\x02"), text)


def _restored(text: str) -> str:
    return text.replace("\x01", "\\\\").replace("\x02", "&")


def _undelimited(row: str) -> str:
    """A row written as inline mathematics, $...$ or \\(...\\), perhaps ending its sentence: the mathematics."""
    bare = row.rstrip(".,;").strip()
    for left, right in (("$", "$"), ("\\(", "\\)")):
        if bare.startswith(left) and bare.endswith(right) and len(bare) > len(left) + len(right):
            inside = bare[len(left) : -len(right)]
            if left != "$" or "$" not in inside:
                return inside.strip()
    return row


def written_lines(submission: str) -> list[Written]:
    """The submission's lines, each a step: blocks split at their rows, comments and blank lines left out."""
    out: list[Written] = []
    raw_lines = _blocks_opened(submission).splitlines()  # \eqalign{...} may span lines: opened over the whole
    # a piecewise function may span several lines of the file: each such span is read as one line
    joined: list[tuple[int, str]] = []
    for number, raw in enumerate(raw_lines, start=1):
        raw = _COMMENT.sub("", raw)
        if (
            joined
            and joined[-1][1].count("\\begin{") > joined[-1][1].count("\\end{")
            and _CASES_OPEN.search(joined[-1][1])
        ):
            joined[-1] = (joined[-1][0], joined[-1][1] + " " + raw)
        else:
            joined.append((number, raw))
    for number, raw in joined:
        text = _protected(raw)
        text = _ENVIRONMENT.sub(" ", text)
        text = _ALIGNMENT_WORDS.sub(" ", text)
        for row in re.split(r"\\\\(?:\[[^\]]*\])?", text):  # a block's rows: \\ and \\[2pt]
            row = row.replace("&", " ").strip()
            row = row.removeprefix("$$").removesuffix("$$").strip()
            row = row.removeprefix("\\[").removesuffix("\\]").strip()
            row = _undelimited(row)
            row = _restored(row.rstrip(",;").strip())
            row = re.sub(r"(?<!\\)\\\s*$", "", row).strip()  # a trailing \ that ends a row half-typed
            if row and row not in ("$", "$$"):
                out.append(Written(number, row))
    return _continued(out)


def _continued(rows: list[Written]) -> list[Written]:
    """A row ending in '=' goes on in the next row: one line, numbered as the first."""
    out: list[Written] = []
    for row in rows:
        if out and re.search(r"(?<![<>!:=])=\s*$", out[-1].text) and not row.text.lstrip().startswith("="):
            out[-1] = Written(out[-1].number, out[-1].text + " " + row.text)
        else:
            out.append(row)
    return out
