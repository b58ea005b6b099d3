"""Tokens of what people type: math notation (with SymPy syntax as a special case) and LaTeX.

Both tokenizers turn text into the same small set of tokens, each with its column, for the one
parser in ``derive.parse``.  Nothing here builds an expression or evaluates anything.

- ``num``: a decimal number (``2``, ``0.5``, ``1e-3``); ``name``: a word or a letter;
- ``op``: an operator or bracket, written in one spelling: ``+ - * / ^ ( ) { } , | & < <= > >=``
  (``**``, ``·``, ``×``, ``−``, ``≤``, ``\\cdot``, ``\\left(`` ... are read as these);
- ``sqrt``, ``frac``: √ and ``\\frac``; ``cases``, ``endcases``, ``row``, ``cell``: a LaTeX
  ``cases`` environment; ``otherwise``: its last condition;
- ``end``: the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.errors import ParseError

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
"""Greek letters, read as the names of the parameters they stand for (the printers write them back)."""

GREEK_NAMES = frozenset(GREEK.values()) | {"varepsilon", "vartheta", "varphi"}

_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_SYMBOLS = {
    "·": "*", "×": "*", "∗": "*", "⋅": "*", "÷": "/", "−": "-", "–": "-", "≤": "<=", "≥": ">=", "**": "^",
    "√": "sqrt",
}  # fmt: skip
_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("<=", ">=", "**", "+", "-", "*", "/", "^", "(", ")", "{", "}", ",", "|", "&", "<", ">")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    column: int  # 1-based, in the text as typed


def where(text: str, column: int) -> str:
    """'in "1/(1+e^-" at column 9', for an error message."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f'in "{shown}" at column {column}'


def math_tokens(text: str) -> list[Token]:
    """Tokens of math notation: 2z, x e^x, sin 2x, |z|, z², √(1+z²), σ(z), and SymPy syntax."""
    out: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        col = i + 1
        if c.isspace():
            i += 1
            continue
        number = _NUMBER.match(text, i)
        if number:
            out.append(Token("num", number.group(), col))
            i = number.end()
            continue
        word = _WORD.match(text, i)
        if word:
            out.append(Token("name", word.group(), col))
            i = word.end()
            continue
        if c in GREEK:
            out.append(Token("name", GREEK[c], col))
            i += 1
            continue
        if c in _SUPERSCRIPTS or c == "⁻":
            j = i
            while j < len(text) and (text[j] in _SUPERSCRIPTS or text[j] == "⁻"):
                j += 1
            run = text[i:j]
            digits = "".join(_SUPERSCRIPTS.get(ch, "") for ch in run)
            if not digits or "⁻" in run[1:]:
                raise ParseError(f"cannot read the superscript {run!r} {where(text, col)}")
            out.append(Token("op", "^", col))
            if run[0] == "⁻":
                out.append(Token("op", "-", col))
            out.append(Token("num", digits, col))
            i = j
            continue
        two = text[i : i + 2]
        if two in _SYMBOLS or two in _OPERATORS:
            spelled = _SYMBOLS.get(two, two)
            out.append(Token("sqrt" if spelled == "sqrt" else "op", spelled, col))
            i += 2
            continue
        if c in _SYMBOLS:
            spelled = _SYMBOLS[c]
            out.append(Token("sqrt" if spelled == "sqrt" else "op", spelled, col))
            i += 1
            continue
        if c in _OPERATORS:
            out.append(Token("op", c, col))
            i += 1
            continue
        raise ParseError(f"unexpected character {c!r} {where(text, col)}")
    out.append(Token("end", "", len(text) + 1))
    return out


# --- LaTeX ------------------------------------------------------------------

_LATEX_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh", "arcsinh": "asinh",
    "artanh": "atanh", "arctanh": "atanh", "arcosh": "acosh", "arccosh": "acosh",
    "exp": "exp", "log": "log", "ln": "log", "max": "Max", "min": "Min", "sgn": "sign", "erf": "erf",
}  # fmt: skip
_LATEX_OPERATORS = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "le": "<=", "leq": "<=", "ge": ">=", "geq": ">=",
    "lt": "<", "gt": ">", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|", "land": "&", "wedge": "&",
}  # fmt: skip
_LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle"}
_LATEX_SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"}
_LATEX_WORDS = {"operatorname", "mathrm", "text", "textrm", "mathit", "textit", "mathsf"}
_OTHERWISE = {"otherwise", "else"}
_FILLERS = {"if", "for", "when", ""}  # \text{if } z > 0: the words around a condition


def latex_tokens(text: str) -> list[Token]:
    """Tokens of LaTeX as copied from slides and papers: \\frac{z}{2}, \\tanh z, z \\cdot \\sigma(z)."""
    out: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        col = i + 1
        if c.isspace() or c == "$":
            i += 1
            continue
        if c == "\\":
            command = re.match(r"\\([A-Za-z]+|.)", text[i:])
            if command is None:
                raise ParseError(f"a lone backslash {where(text, col)}")
            name = command.group(1)
            i += len(command.group())
            if name == "\\":
                out.append(Token("row", "\\\\", col))
            elif name in _LATEX_SPACES or name in _LATEX_SIZES:
                continue
            elif name in ("{", "}"):
                out.append(Token("op", name, col))
            elif name in _LATEX_FUNCTIONS:
                out.append(Token("name", _LATEX_FUNCTIONS[name], col))
            elif name in _LATEX_OPERATORS:
                out.append(Token("op", _LATEX_OPERATORS[name], col))
            elif name in GREEK_NAMES:
                out.append(Token("name", name.removeprefix("var"), col))
            elif name in ("frac", "dfrac", "tfrac"):
                out.append(Token("frac", name, col))
            elif name == "sqrt":
                out.append(Token("sqrt", "sqrt", col))
            elif name in _LATEX_WORDS:
                word = re.match(r"\s*\{([^{}]*)\}", text[i:])
                if word is None:
                    raise ParseError(f"\\{name} needs {{...}} {where(text, col)}")
                i += len(word.group())
                content = word.group(1).strip()
                if content.lower() in _OTHERWISE:
                    out.append(Token("otherwise", content, col))
                elif content.lower() not in _FILLERS:
                    out.append(Token("name", content.replace(" ", ""), col))
            elif name in ("begin", "end"):
                env = re.match(r"\s*\{(\w+\*?)\}", text[i:])
                if env is None or env.group(1) != "cases":
                    raise ParseError(f"only the cases environment is read, \\{name}{{cases}} {where(text, col)}")
                i += len(env.group())
                out.append(Token("cases" if name == "begin" else "endcases", name, col))
            elif name in ("infty",):
                out.append(Token("name", "oo", col))
            else:
                raise ParseError(f"unknown LaTeX command \\{name} {where(text, col)}")
            continue
        number = re.match(r"\d+(\.\d+)?", text[i:])
        if number:
            out.append(Token("num", number.group(), col))
            i += len(number.group())
            continue
        if c.isascii() and c.isalpha():  # in LaTeX every letter is a symbol of its own: xy is x·y
            out.append(Token("name", c, col))
            i += 1
            continue
        if c == "&":
            out.append(Token("cell", "&", col))
            i += 1
            continue
        if c == "_":  # a subscript names a symbol: w_1, w_{12}
            sub = re.match(r"_(\{([A-Za-z0-9]+)\}|[A-Za-z0-9])", text[i:])
            if sub is None or not out or out[-1].kind != "name":
                raise ParseError(f"a subscript needs a letter before it and a letter or digit after {where(text, col)}")
            last = out.pop()
            out.append(Token("name", f"{last.text}_{sub.group(2) or sub.group(1)}", last.column))
            i += len(sub.group())
            continue
        if c in "[]":  # brackets: a root's index (\sqrt[3]{z}), or brackets as parentheses
            out.append(Token("op", c, col))
            i += 1
            continue
        rest = math_tokens(c)[:-1] if c in _SYMBOLS or c in _OPERATORS or c in GREEK else None
        if rest:
            two = text[i : i + 2]
            if two in ("<=", ">="):
                out.append(Token("op", two, col))
                i += 2
                continue
            out.extend(Token(t.kind, t.text, col) for t in rest)
            i += 1
            continue
        raise ParseError(f"unexpected character {c!r} {where(text, col)}")
    out.append(Token("end", "", len(text) + 1))
    return out
