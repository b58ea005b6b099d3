"""Tokens of what people type: math notation (SymPy syntax included) and LaTeX.

Both tokenizers turn text into the same small set of tokens, each with its column, for the one
grammar in ``derive.reading.grammar``; the spellings they read are the tables of
``derive.knowledge.spellings``.  Nothing here builds an expression or evaluates anything.

- ``num``: a decimal number (``2``, ``0.5``, ``1e-3``); ``name``: a word or a letter (``∂`` too);
- ``op``: an operator or bracket in one spelling: ``+ - * / ^ ( ) [ ] { } , ; | & or < <= > >= != = := ' _``;
- ``sqrt``, ``cbrt``, ``frac``: √, ∛ and ``\\frac``; ``cases``, ``endcases``, ``row``, ``cell``: a LaTeX
  ``cases`` environment (or an array); ``if``, ``otherwise``: the words of a piecewise function;
- ``end``: the end of the text.

A token knows whether white space came before it (``spaced``: ``f(x)`` applies f, ``a (x + 1)`` is
a product) and, in LaTeX, whether it is a letter of its own (``letter``: t, a, n, h of a ``tanh``
written without its backslash).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from derive.errors import ParseError
from derive.knowledge import spellings as sp


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    column: int  # 1-based, in the text as typed
    spaced: bool = False  # white space before it
    letter: bool = False  # a LaTeX letter that is a symbol of its own


def where(text: str, column: int) -> str:
    """'in "1/(1+e^-" at column 9', for an error message."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f'in "{shown}" at column {column}'


_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Stream:
    """The tokens as they are found, with white space remembered for the next one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[Token] = []
        self.spaced = False
        self.escaped_brace = -1  # where the last \{ is: \left\{ before \begin{array} is the cases' own brace

    def add(self, kind: str, text: str, column: int, letter: bool = False) -> None:
        self.out.append(Token(kind, text, column, self.spaced, letter))
        self.spaced = False

    def fail(self, message: str, column: int) -> None:
        raise ParseError(f"{message} {where(self.text, column)}")

    def done(self) -> list[Token]:
        self.out.append(Token("end", "", len(self.text) + 1, self.spaced))
        return self.out


def _operator(stream: _Stream, text: str, i: int) -> int | None:
    """A symbol or operator at i (two characters first): its tokens added, the index after it; else None."""
    for size in (2, 1):
        piece = text[i : i + size]
        spelled = sp.SYMBOLS.get(piece, piece if piece in sp.OPERATORS else None)
        if spelled is None:
            continue
        for part in ("'", "'") if spelled == "''" else (spelled,):
            stream.add("op", part, i + 1)
        return i + size
    return None


def _symbol(stream: _Stream, text: str, i: int) -> int:
    """A character both notations read alike at i (a Greek letter, ℯ, √, z², an operator); the index after it."""
    c = text[i]
    if c in sp.GREEK:
        stream.add("name", sp.GREEK[c], i + 1)
        return i + 1
    if c in sp.SYMBOL_NAMES:
        stream.add("name", sp.SYMBOL_NAMES[c], i + 1)
        return i + 1
    if c in sp.ROOTS:
        stream.add(sp.ROOTS[c], c, i + 1)
        return i + 1
    if c in sp.SUPERSCRIPTS or c in sp.SUPERSCRIPT_LETTERS or c == "⁻":
        return _superscript(stream, text, i)
    after = _operator(stream, text, i)
    if after is None:
        stream.fail(f"unexpected character {c!r}", i + 1)
    return after


def _superscript(stream: _Stream, text: str, i: int) -> int:
    """z², e⁻¹, eˣ, e⁻ᶻ, 2ˣ: a run of superscript digits and letters (a leading ⁻) as ^(-? digits letters)."""
    j = i
    while j < len(text) and (text[j] in sp.SUPERSCRIPTS or text[j] in sp.SUPERSCRIPT_LETTERS or text[j] == "⁻"):
        j += 1
    run = text[i:j]
    body = run[1:] if run[0] == "⁻" else run
    if not body or "⁻" in body:
        stream.fail(f"cannot read the superscript {run!r}", i + 1)
    stream.add("op", "^", i + 1)
    if all(ch in sp.SUPERSCRIPTS for ch in body):  # z², e⁻¹, d²z/dz²: ^ -? digits, as the operators expect
        if run[0] == "⁻":
            stream.add("op", "-", i + 1)
        stream.add("num", "".join(sp.SUPERSCRIPTS[ch] for ch in body), i + 1)
        return j
    stream.add("op", "(", i + 1)
    if run[0] == "⁻":
        stream.add("op", "-", i + 1)
    k = 0
    while k < len(body):  # digits as one number, each letter a name of its own (ˣʸ is x·y)
        col = i + 1 + (len(run) - len(body)) + k
        if body[k] in sp.SUPERSCRIPTS:
            digits = ""
            while k < len(body) and body[k] in sp.SUPERSCRIPTS:
                digits += sp.SUPERSCRIPTS[body[k]]
                k += 1
            stream.add("num", digits, col)
        else:
            stream.add("name", sp.SUPERSCRIPT_LETTERS[body[k]], col)
            k += 1
    stream.add("op", ")", i + len(run))
    return j


def math_tokens(text: str) -> list[Token]:
    """Tokens of math notation: 2z, x e^x, sin 2x, |z|, z², √(1+z²), σ(z), f(x) = ..., and SymPy syntax."""
    stream = _Stream(text)
    i = 0
    while i < len(text):
        c = text[i]
        col = i + 1
        if c.isspace():
            stream.spaced = True
            i += 1
            continue
        number = _NUMBER.match(text, i)
        if number:
            stream.add("num", number.group(), col)
            i = number.end()
            continue
        word = _WORD.match(text, i)
        if word:
            name, i = word.group(), word.end()
            braced = re.compile(r"\{\s*([A-Za-z0-9]+)\s*\}").match(text, i) if name.endswith("_") else None
            if braced:  # w_{12}, as LaTeX writes a subscript
                name, i = name + braced.group(1), braced.end()
            while i < len(text) and text[i] in sp.SUBSCRIPTS:  # w₁: w_1
                name += ("_" if "_" not in name else "") + sp.SUBSCRIPTS[text[i]]
                i += 1
            if name in sp.WORDS:
                meaning = sp.WORDS[name]
                stream.add(meaning if meaning in ("if", "otherwise") else "op", meaning, col)
            else:
                stream.add("name", name, col)
            continue
        i = _symbol(stream, text, i)
    return stream.done()


# --- LaTeX ------------------------------------------------------------------

_COMMAND = re.compile(r"\\([A-Za-z]+\*?|.)")
_GROUP = re.compile(r"\s*\{((?:[^{}]|\{[^{}]*\})*)\}")  # {...}, one level of braces inside
_ENVIRONMENT = re.compile(r"\s*\{(\w+\*?)\}")
_COLUMN_SPEC = re.compile(r"\s*\{[lcr|@{}\s]*\}")
_DIMENSION = re.compile(r"\s*\[[^\]]*\]")


def _word(content: str) -> str:
    """The text of \\text{...} or \\operatorname{...}: \\_ as _, ~ and LaTeX spaces as spaces, trimmed."""
    for spacing in ("\\_", "\\,", "\\;", "\\:", "\\!", "\\ ", "~"):
        content = content.replace(spacing, "_" if spacing == "\\_" else " ")
    return " ".join(content.split())


def latex_tokens(text: str, is_function: Callable[[str], bool]) -> list[Token]:
    """Tokens of LaTeX as copied from slides, papers and documentation: \\frac{z}{2}, \\tanh z, z \\cdot \\sigma(z).

    ``is_function`` says whether a command names a function derive reads (\\tanh, \\sech, \\arctanh): any
    other command that is no symbol, operator or layout is refused."""
    stream = _Stream(text)
    i = 0
    single_digits = 0  # \frac12: the two arguments of \frac are one digit each
    while i < len(text):
        c = text[i]
        col = i + 1
        if c.isspace() or c in "$~":
            stream.spaced = True
            i += 1
            continue
        if c == "\\":
            i = _command(stream, text, i, is_function)
            if stream.out and stream.out[-1].kind == "frac" and stream.out[-1].column == col:
                single_digits = 2
            continue
        if c.isdigit() and single_digits:
            stream.add("num", c, col)
            single_digits -= 1
            i += 1
            continue
        single_digits = 0
        number = re.match(r"\d+(\.\d+)?", text[i:])
        if number:
            stream.add("num", number.group(), col)
            i += len(number.group())
            continue
        if c.isascii() and c.isalpha():  # in LaTeX every letter is a symbol of its own: xy is x·y
            stream.add("name", c, col, letter=True)
            i += 1
            continue
        if c == "&":
            stream.add("cell", "&", col)
            i += 1
            continue
        if c == "_":
            i = _subscript(stream, text, i, is_function)
            continue
        i = _symbol(stream, text, i)
    return stream.done()


def _command(stream: _Stream, text: str, i: int, is_function: Callable[[str], bool]) -> int:
    """A backslash command at i: its tokens added; the index after it (and after its argument, if any)."""
    col = i + 1
    command = _COMMAND.match(text, i)
    if command is None:
        stream.fail("a lone backslash", col)
    name = command.group(1)
    i = command.end()
    if name == "\\":  # a row of cases; \\[4pt] sets its spacing
        stream.add("row", "\\\\", col)
        spacing = _DIMENSION.match(text, i)
        return spacing.end() if spacing else i
    if name in sp.LATEX_SIZED:
        following = re.match(r"\s*\.", text[i:])  # \left. and \right.: the empty bracket
        if following:
            return i + len(following.group())
        bar = re.match(r"\s*(\||\\vert\b|\\lvert\b|\\rvert\b)", text[i:])
        if bar and name in ("left", "right"):  # \left| ... \right|: which bar opens is written, nested too
            stream.add("absopen" if name == "left" else "absclose", "|", col)
            return i + len(bar.group())
        return i
    if name in sp.LATEX_IGNORED:
        stream.spaced = True
        return i
    if name in ("{", "}", "|"):
        stream.add("op", name, col)
        if name == "{":
            stream.escaped_brace = len(stream.out) - 1
        return i
    if name in ("lvert", "rvert"):
        stream.add("absopen" if name == "lvert" else "absclose", "|", col)
        return i
    if name in sp.LATEX_OPERATORS:
        stream.add("op", sp.LATEX_OPERATORS[name], col)
        return i
    if name in sp.LATEX_NAMES:
        stream.add("name", sp.LATEX_NAMES[name], col)
        return i
    if name in sp.GREEK_NAMES:
        stream.add("name", sp.GREEK_VARIANTS.get(name, name), col)
        return i
    if name in sp.LATEX_FRACTIONS:
        stream.add("frac", name, col)
        return i
    if name == "sqrt":
        stream.add("sqrt", name, col)
        return i
    if name.rstrip("*") in sp.LATEX_WORDS:
        group = _GROUP.match(text, i) or re.compile(r"\s*()([A-Za-z])").match(text, i)  # \mathrm d: one letter
        if group is None:
            stream.fail(f"\\{name} needs {{...}}", col)
        word = _word(group.group(1) or group.group(2))
        if word.lower() in sp.OTHERWISE:
            stream.add("otherwise", word, col)
        elif word.lower() not in sp.FILLERS:
            stream.add("name", word.replace(" ", ""), col)
        return group.end()
    if name in sp.LATEX_SKIPPED_ARGUMENT:
        group = _GROUP.match(text, i)
        return group.end() if group else i
    if name in ("begin", "end"):
        env = _ENVIRONMENT.match(text, i)
        if env is None or env.group(1) not in sp.LATEX_PIECEWISE:
            found = env.group(1) if env else "?"
            stream.fail(
                f"the {found} environment is not read (only cases, or an array of cases): \\{name}{{{found}}}", col
            )
        i = env.end()
        if name == "begin":
            _drop_brace_before(stream)
            stream.add("cases", env.group(1), col)
            spec = _COLUMN_SPEC.match(text, i) if env.group(1) == "array" else None
            return spec.end() if spec else i
        stream.add("endcases", env.group(1), col)
        return i
    if is_function(name):
        stream.add("name", name, col)
        return i
    stream.fail(f"unknown LaTeX command \\{name}", col)
    return i


def _drop_brace_before(stream: _Stream) -> None:
    """\\left\\{ \\begin{array} ... \\end{array} \\right.: the brace is the cases' own, drawn by the environment."""
    if stream.out and stream.escaped_brace == len(stream.out) - 1:
        stream.out.pop()


def _subscript(stream: _Stream, text: str, i: int, is_function: Callable[[str], bool]) -> int:
    """w_1, w_{12}, \\alpha_0 name a symbol; \\log_2 and \\log_{b} give a base (an "_" the grammar reads)."""
    col = i + 1
    last = stream.out[-1] if stream.out else None
    if last is not None and last.kind == "name" and not last.letter and is_function(last.text):
        if last.text not in sp.GREEK_NAMES:
            stream.add("op", "_", col)
            return i + 1
    sub = re.match(r"_\s*(\{\s*([A-Za-z0-9]+)\s*\}|[A-Za-z0-9])", text[i:])
    if sub is None or last is None or last.kind != "name":
        stream.fail("a subscript needs a letter before it and a letter or digit after", col)
    stream.out.pop()
    stream.out.append(Token("name", f"{last.text}_{sub.group(2) or sub.group(1)}", last.column, last.spaced))
    return i + len(sub.group())
