"""How people write a derivation's line, read before its mathematics: the words around it, the arrows
that begin it, the left sides that say "the derivative", and the variable the whole derivation uses.

A line keeps its mathematics; its annotations (``\\quad [\\text{chain rule}]``, ``\\text{so}``) are its
words, never parameters.  A left side that names the derivative in any of the usual ways (``dy/dx``,
``\\frac{d\\sigma}{dx}``, ``\\frac{\\partial g}{\\partial z}``, ``y'``, ``\\sigma’(x)``, ``f^{\\prime}(x)``)
is written ``g'(x)`` for the reader, which knows that one.
"""

from __future__ import annotations

import re

from derive.reading.resolve import USUAL_VARIABLES

_WORDS = re.compile(
    r"\\q?quad\s*[\[(]\s*\\(?:text|textrm|mbox|mathrm|textit)\{[^{}]*\}[^()\[\]]*[\])]"  # \quad [\text{chain rule}]
    r"|\\q?quad\s*\\(?:text|textrm|mbox|mathrm|textit)\{[^{}]*\}"  # \quad \text{by the chain rule}
    r"|[\[(]\s*\\(?:text|textrm|mbox|textit)\{[^{}]*\}[^()\[\]]*[\])]"  # (\text{in terms of } h)
    r"|\\(?:text|textrm|mbox|textit)\{[^{}]*\}"  # \text{so}, \text{where}
)
_BLOCKS = re.compile(r"(\\begin\{(?:cases|dcases|array)\}.*?\\end\{(?:cases|dcases|array)\})", re.DOTALL)
_ARROWS = re.compile(r"^\s*(?:\\Rightarrow|\\implies|\\therefore|\\Longrightarrow|⇒|→|=>|∴)\s*")
_SPACING = re.compile(r"\\(?:displaystyle|textstyle|[,;:!]|q?quad)(?![A-Za-z])")
_PRIMES = (("’", "'"), ("′", "'"), ("^{\\prime}", "'"), ("^\\prime", "'"), ("^{'}", "'"), ("\\dfrac", "\\frac"))

_WRAPPERS = re.compile(
    r"\\(?:boxed|cancel|bcancel|xcancel|underbrace|overbrace|bm|boldsymbol)\{|\\(?:color|textcolor)\{[^{}]*\}\{"
)
"""Markup around a part of a formula that keeps its value: the braces go with it."""
SIZES = re.compile(r"\\(?:Large|LARGE|large|small|normalsize|huge|Huge|bf|rm|it)(?![A-Za-z])")
_PRODUCT_DOT = re.compile(
    r"(?<=[)}\]])\.(?=\s*[(\\A-Za-z])|(?<=(?<![A-Za-z\\])[A-Za-z])\.(?=\s*[(\\])|(?<=[\w)}\]])\s+\.\s+(?=[\w(\\])"
)
"""σ(x).(1 - σ(x)): a full stop between brackets is the product dot."""

_VAR = r"([A-Za-z])"


def cleaned(text: str) -> str:
    """The line's mathematics without its annotations, arrows, markup and typographic primes (its $...$
    went with the line's other delimiters: derive.mark.lines)."""
    math = text
    for typed, plain in _PRIMES:
        math = math.replace(typed, plain)
    # words outside a piecewise function's block: its own \text{otherwise} is part of it
    math = "".join(part if part.startswith("\\begin") else _WORDS.sub(" \x04 ", part) for part in _BLOCKS.split(math))
    math = _ARROWS.sub("", math)
    math = _unwrapped(math)
    math = SIZES.sub(" ", math)
    math = _over(math)
    math = re.sub(r"(\\[A-Za-z]+)\.(?=\s*[(\\])", r"\1 \\cdot ", math)  # \sigma.(1-\sigma)
    math = _PRODUCT_DOT.sub(r" \\cdot " if "\\" in math else " * ", math)
    math = _SPACING.sub(" ", math)
    return math.strip().rstrip(".,;").strip()  # a sentence's full stop


def _unwrapped(math: str) -> str:
    """\\boxed{X}, \\color{red}{X}, \\cancel{X} as X: the markup goes, the group it held stays a group."""
    for _ in range(20):  # each pass takes one; a bound, not a loop that can run on
        found = _WRAPPERS.search(math)
        if found is None:
            return math
        rest = math[found.end() :]
        if rest.lstrip()[:1] in ("-", "+"):  # \color{red}{- e^{2x}}: a term of the sum, not a factor
            depth, end = 1, None
            for i, ch in enumerate(rest):
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if depth == 0:
                    end = i
                    break
            if end is not None:
                math = math[: found.start()] + " " + rest[:end] + " " + rest[end + 1 :]
                continue
        math = math[: found.start()] + "{" + rest
    return math


def _over(math: str) -> str:
    """Plain TeX's {A \\over B} as \\frac{A}{B}, innermost first."""
    for _ in range(20):
        at = math.find("\\over")
        if at < 0 or math[at + 5 : at + 6].isalpha():
            return math
        depth, start = 0, -1
        for i in range(at - 1, -1, -1):
            depth += {"}": 1, "{": -1}.get(math[i], 0)
            if depth < 0:
                start = i
                break
        depth, end = 0, -1
        for i in range(at + 5, len(math)):
            depth += {"{": 1, "}": -1}.get(math[i], 0)
            if depth < 0:
                end = i
                break
        if start < 0 or end < 0:
            return math
        top, bottom = math[start + 1 : at].strip(), math[at + 5 : end].strip()
        math = math[:start] + f"\\frac{{{top}}}{{{bottom}}}" + math[end + 1 :]
    return math


def derivative_left_side(math: str, names: set[str], variable: str) -> str:
    """The line with a left side that names the derivative of the function written g'(variable) =, else as
    it is.  ``names``: what the derivation calls its function (g, y, f, σ, sigma)."""
    spelled = {n.lstrip("\\") for n in names} | {"g", "y", "f"}
    known = "|".join(sorted((re.escape(n) for n in spelled), key=lambda n: (-len(n), n)))
    name = rf"\\?(?:{known})"
    patterns = (
        rf"\\frac\{{\s*(?:d|\\partial|\\mathrm\{{d\}})\s*{name}\s*(?:\(\s*{_VAR}\s*\))?\s*\}}\{{\s*(?:d|\\partial|\\mathrm\{{d\}})\s*{_VAR}\s*\}}",
        rf"(?:d|∂){name}\s*/\s*(?:d|∂){_VAR}",
        rf"{name}\s*'\s*\(\s*{_VAR}\s*\)",
        rf"{name}\s*'",
    )
    for pattern in patterns:
        found = re.match(rf"\s*{pattern}\s*(:?=)(?!=)", math)
        if found is not None:
            named = next((g for g in found.groups()[:-1] if g), variable)
            return f"g'({named}) =" + math[found.end() :]
    return math


def called(math: str, names: set[str], variable: str) -> str:
    """The right side with the function's bare names applied to the variable (|y| as |y(x)|): a bare name
    would be read as a positive parameter, and |y| as y.  A name followed by a bracket is left to the
    reader (g(1 - g) is g times a bracket there)."""
    plain = sorted((n for n in names if re.fullmatch(r"[A-Za-z]", n)), key=lambda n: (-len(n), n))
    if not plain:
        return math
    left, sign, right = math.partition("=")
    if not sign:
        left, right = "", math
    bare = re.compile(rf"(?<![A-Za-z\\])({'|'.join(plain)})(?![A-Za-z'(_]|\s*\()")
    return left + sign + bare.sub(rf"\1({variable})", right)


_LEFT_NAMES = re.compile(r"\s*[A-Za-z\\{}]+'*\(([A-Za-z])(?:\s*;[^()]*)?\)\s*[:=]")
"""A left side that names the variable: g(x) =, \\sigma(x) =."""
_PRIMED_LEFT = re.compile(r"\s*[A-Za-z\\{}]+'+\(([A-Za-z])(?:\s*;[^()]*)?\)\s*[:=]")
"""A derivative's left side that names the variable: g'(x) =, \\sigma'(t) =."""
_OPERATOR_NAMES = re.compile(r"/\s*(?:d|∂)([A-Za-z])\b|\}\s*\{\s*(?:d|\\partial|\\mathrm\{d\}) ?([A-Za-z])\s*\}")
"""A derivative operator that names it: d/dx, dy/dx, the denominator of \\frac{d}{dx} or \\frac{dy}{dx}."""


def variable_of(texts: list[str], defined_names: frozenset[str] = frozenset()) -> str | None:
    """The variable a derivation uses: the one a left side names (g(x) =, d/dx, dy/dx, \\frac{dy}{dt}), else
    the one usual variable name (x, t, z, ...) its right sides use, leaving out the names its left sides
    define (y of y = ...); None when it does not say (the target's)."""
    # a derivative's left side or operator first (g'(x) =, d/dx, dy/dx): a helper f(u) = ... may come before it
    for finds in (lambda t: [_PRIMED_LEFT.match(t), *_OPERATOR_NAMES.finditer(t)], lambda t: [_LEFT_NAMES.match(t)]):
        for text in texts:
            for found in finds(text):
                name = next((g for g in found.groups() if g), None) if found else None
                if name is not None and name not in defined_names:  # dy/du by the author's own u: not the variable
                    return name
    defined: set[str] = set(defined_names)
    used: set[str] = set()
    for text in texts:
        math = cleaned(text)
        left = re.match(r"\s*([A-Za-z])\s*(?::=|=)(?!=)", math)
        if left is not None:
            defined.add(left.group(1))
        right = math.split("=", 1)[1] if "=" in math else math
        without_commands = re.sub(r"\\[A-Za-z]+", " ", right)
        used |= set(re.findall(r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z])", without_commands))
    found = [v for v in USUAL_VARIABLES if v in used and v not in defined]
    return found[0] if len(found) == 1 else None
