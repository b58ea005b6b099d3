"""A written line as what it claims: its words apart, its implications and chains cut into statements, each
statement a left side and the right sides it says are equal.

``statements(text)`` gives the line's words (annotations, connectives in any language: kept as words, never
mathematics) and its ``Statement``s: ``A \\Rightarrow B`` is two, ``g'(x) = A = B`` one with two right sides,
``= A`` one with no left side (it continues the line before), ``let u = ...`` one whose words are "let".
``head(left)`` tells what a left side names: the function or a helper (``g(x)``, ``\\tanh x``, ``u``), its
derivative (``u'``, ``du/dx``, ``\\frac{d\\sigma}{dx}``), or nothing (an expression, judged as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from derive.mark.writing import SIZES, cleaned

_TEXT = re.compile(r"\\(?:text|textrm|textit|textbf|textsf|mbox|emph|hbox)\s*\{([^{}]*)\}")
_ARROW = re.compile(
    r"\\(?:Rightarrow|implies|Longrightarrow|longrightarrow|rightarrow|therefore|iff|Leftrightarrow|Longleftrightarrow)"
    r"(?![A-Za-z])|⇒|→|⟹|⟶|∴|⇔|=>"
)
_MATH_WORDS = frozenset(
    {
        "exp", "ln", "log", "lg", "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "sech", "csch",
        "coth", "erf", "erfc", "sqrt", "max", "min", "abs", "sign", "sgn", "pi", "arctan", "atan", "arcsin", "asin",
        "arccos", "acos", "arsinh", "arcsinh", "asinh", "artanh", "arctanh", "atanh", "relu", "elu", "selu", "celu",
        "gelu", "silu", "swish", "mish", "sigmoid", "softplus", "softsign", "logistic", "expit", "logit", "cdot",
        "frac", "dfrac", "left", "right", "Phi", "phi", "sigma", "alpha", "beta", "gamma", "lambda", "theta", "mu",
        "tau", "delta", "epsilon", "eta", "kappa", "rho", "omega", "psi", "xi", "nu", "zeta", "chi", "inf", "oo",
        "Max", "Min", "Abs", "Heaviside", "Piecewise", "True", "False", "tanhshrink", "hardtanh", "hardswish",
        "logsigmoid", "prelu", "np", "numpy", "torch", "jnp", "jax", "math", "scipy", "special", "nn", "lax",
    }
)  # fmt: skip
"""Words that are mathematics in plain notation: a run of letters among them is never taken for words."""
_WORD = re.compile(r"(?<![\\\w'])([^\W\d_]{2,})(?![\w'(_^{\[])")
_BLOCK = re.compile(r"\\begin\{(cases|dcases|array)\}.*?\\end\{\1\}", re.DOTALL)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
"""Words of the scripts written without spaces (Chinese, Japanese, Korean): a character is a word."""
_FULL_WIDTH = str.maketrans({"，": ", ", "；": "; ", "：": ": ", "。": ". ", "（": "(", "）": ")", "＝": "="})
_CONDITION = re.compile(r"<=|>=|[<>≤≥≠]|\\(?:le|ge|leq|geq|lt|gt|neq|ne)(?![A-Za-z])")
_NUMBERED = re.compile(r"(?:\\q?quad|\s{2,}|\\hfill)\s*(\(\s*[0-9]+[a-z]?\s*\))\s*[.,]?\s*$")
"""An equation's number at the end of its line, after a space: (2) is no factor."""
_END_MARKS = re.compile(r"\\(?:blacksquare|square|Box|qed|checkmark|blacktriangleleft)(?![A-Za-z])|∎|□|✓|✔")
_LABEL = re.compile(r"^\s*(?:\(?[0-9]+[a-z]?[.:)]|\([a-z]\)|[a-z]\))\s+")
"""1. 2: 3) (a) b) before a line: the step's number."""


def _trailing_note(text: str) -> str:
    """(chain rule, the derivative of e^(-v)), [divide through by cosh²(x)]: a note in brackets at the end of a
    line, after a wide space, with a word in it."""
    body = text.rstrip().rstrip(".,").rstrip()
    if not body.endswith((")", "]")):
        return text
    depth = 0
    for k in range(len(body) - 1, -1, -1):
        depth += {")": 1, "]": 1, "(": -1, "[": -1}.get(body[k], 0)
        if depth == 0:
            break
    else:
        return text
    before, note = body[:k], body[k + 1 : -1]
    if _is_condition(note) and before.strip():  # g'(z) = 1 (z > 0): the claim's condition
        return f"{before} \x04 {note} "
    if not re.search(r"(?:\s{2,}|\\q?quad\s*)$", before):
        return text
    if not [w for w in re.findall(r"[^\W\d_]{3,}", note) if not _is_mathematics(w)]:
        return text
    return f"{before} \x04\x05{note.strip()}\x04 "


def _unbraced(text: str) -> str:
    """{\\Large y = ...}: a line wrapped whole in braces, for its markup."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        depth = 0
        for k, ch in enumerate(stripped):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if depth == 0:
                return stripped[1:-1] if k == len(stripped) - 1 else text
    return text


_VULGAR = {"½": "(1/2)", "¼": "(1/4)", "¾": "(3/4)", "⅓": "(1/3)", "⅔": "(2/3)"}
_WORDS_IN_BRACKETS = re.compile(r"[(\[]\s*((?:[^\W_]+[\s,.:;'-]*){1,12})[)\]]")
"""(quotient rule), [chain rule]: words in brackets, at the end of a line in plain text."""
_D_OPERATOR = re.compile(r"d[a-zA-Z]|∂[a-zA-Z]")


@dataclass(frozen=True)
class Statement:
    """One claim of a line: its left side (None: it continues the quantity before) and its right sides."""

    left: str | None
    rights: tuple[str, ...]
    defining: bool = False  # ":=", or "let": the left side is defined here, not claimed
    condition: str | None = None  # "x > 0" of "for x > 0: f(x) = ...": the claim holds where it does


_CONDITIONAL = re.compile(
    r"(?P<before>(?<![<>!=])[=:](?!=)\s*)(?P<a>[^=]+?)\s+if\s+(?P<c>(?:[^=]|[<>!]=)+?)\s+else\s+(?P<b>[^=]+)$"
)
"""x if x > 0 else alpha*(exp(x) - 1): a conditional expression, as in Python."""


_NAMED_IN_TEXT = re.compile(r"\\(?:text|textrm|mbox|mathrm|rm)\s*\{\s*([A-Za-z]+)\s*\}")
"""\\text{tanh}(x), \\text{sech}^2: a function's name set upright, not words."""
_IN_WORDS = re.compile(
    r"(?P<before>(?<![<>!=])[=:](?!=)\s*)(?P<a>[^=]+?)\s+(?:for|if|when)\s+(?P<c>(?:[^=,;]|[<>!]=)+?)\s*[,;]\s*"
    r"(?:and\s+|else\s+)?(?P<b>[^=]+?)\s+(?:otherwise|else)\s*\.?$"
)
"""λ·t for t > 0, and λ·α·(e^t − 1) otherwise: a function of two pieces, in words."""


_SUBSCRIPTED_NAME = re.compile(r"\\operatorname\{([A-Za-z]+)\}_\{?([0-9]+)\}?")
"""\\operatorname{ReLU}_{6}: the name ReLU6, as derive prints it."""
_ELISION = re.compile(r"(?<![\\\w'])(?:d|l|qu|j|n|s|c|m|t)['’][^\W\d_]{2,}(?![\w'(])")
"""d'où, l'on, qu'il: a word with its elided article (never a prime: u'v is a product)."""


def _joined_name(found: re.Match) -> str:
    from derive.knowledge import activations

    joined = found.group(1) + found.group(2)
    return f"\\operatorname{{{joined}}}" if joined.lower() in activations.names() else found.group()


def _is_name(word: str) -> bool:
    """A function's name set upright (\\text{GELU}, \\text{tanh}), not a word of the sentence."""
    from derive.knowledge import activations

    return word in _MATH_WORDS or word.lower() in _MATH_WORDS or word.lower() in activations.names()


def _operator(found: re.Match) -> str:
    return f"\\operatorname{{{found.group(1)}}}"


def _conditional(text: str) -> str:
    found = _CONDITIONAL.search(text) or _IN_WORDS.search(text)
    if found is None:
        return text
    a, c, b = found.group("a").strip(), found.group("c").strip(), found.group("b").strip()
    return text[: found.start()] + found.group("before") + f"Piecewise(({a}, {c}), ({b}, True))"


def words_and_math(text: str) -> tuple[list[str], list[str]]:
    """The line's words, and its mathematics cut where words stand between formulas (each a piece)."""
    text = _NAMED_IN_TEXT.sub(lambda m: _operator(m) if _is_name(m.group(1)) else m.group(), text)
    text = _SUBSCRIPTED_NAME.sub(_joined_name, text)
    text = _ELISION.sub(lambda m: f" \\text{{{m.group()}}} ", text)
    if "\\" not in text:
        text = _conditional(text)
    blocks: list[str] = []

    def kept(found: re.Match) -> str:  # a piecewise function's block, its own words in it, kept whole
        blocks.append(SIZES.sub(" ", found.group()))
        return f"\x03{len(blocks) - 1}\x03"

    text = _BLOCK.sub(kept, text)
    text = re.sub(r"^\s*[-*•]\s+(?=\\?[A-Za-zσ][^=]*=)", "", text)  # a bullet before the line
    text = _NUMBERED.sub(lambda m: f" \x04\x05{m.group(1)}\x04 ", text)
    text = _trailing_note(text)
    text = re.sub(r"\\frac\s+\{", r"\\frac{", text)
    text = re.sub(r"(\\frac\{[^{}]*\})\s+\{", r"\1{", text)
    text = _unbraced(text)
    text = _END_MARKS.sub(" ", text)
    text = re.sub(r"\$+|\\[()\[\]]", " ", text)  # inline mathematics inside a sentence: its delimiters go
    text = text.translate(_FULL_WIDTH)
    for fraction, spelled in _VULGAR.items():
        text = text.replace(fraction, spelled)
    text = _WORDS_IN_BRACKETS.sub(_bracketed_words, text)
    words = _CJK.findall(text)
    text = _CJK.sub(" , ", text)
    words += [w.strip() for w in _TEXT.findall(text) if w.strip()]
    math = _TEXT.sub(" \x04 ", cleaned(text))  # words in \text{} end a piece of mathematics
    math = re.sub(r"\\left\s*[(\[]\s*\\right\s*[)\]]|\(\s*\)|\[\s*\]", " ", math)  # brackets emptied of words
    pieces: list[str] = []
    for chunk in math.split("\x04"):
        if chunk.startswith("\x05"):  # (step 3), (quotient rule): one phrase
            words.append(chunk[1:].strip())
            continue
        last = 0
        for found in _WORD.finditer(chunk):
            word = found.group(1)
            if _is_mathematics(word) or _inside_braces(chunk, found.start()):
                continue
            words.append(word)
            pieces.append(chunk[last : found.start()])
            last = found.end()
        pieces.append(chunk[last:])
    restored = (re.sub("\x03(\\d+)\x03", lambda m: blocks[int(m.group(1))], p) for p in pieces)
    return [w for w in words if w], [p for p in (_trimmed(p) for p in restored) if p]


def _bracketed_words(found: re.Match) -> str:
    if all(_is_mathematics(w) for w in re.findall(r"[^\W\d_]+", found.group(1))):
        return found.group()
    return f" \x04\x05{found.group(1)}\x04 "


_SHORT_WORDS = frozenset(
    "so as is it of to in on at by if or an be we do no de la le et en un il ou où si es el da se su di al em um na "
    "ne je ja er es om og ma mi tu yo".split()
)
"""Two-letter words of several languages: any other pair of letters (kx, ax) is a product."""


def _is_mathematics(word: str) -> bool:
    if len(word) < 2 or (len(word) == 2 and word.lower() not in _SHORT_WORDS):
        return True
    if any("\u0370" <= ch <= "\u03ff" for ch in word):  # βx: Greek letters are mathematics
        return True
    return not word.isalpha() or word in _MATH_WORDS or word.lower() in _MATH_WORDS or bool(_D_OPERATOR.fullmatch(word))


def _inside_braces(text: str, at: int) -> bool:
    return text[:at].count("{") > text[:at].count("}")


def _trimmed(piece: str) -> str:
    piece = _LABEL.sub("", piece)
    piece = piece.strip().strip(",;:").strip()
    piece = re.sub(r"^[\s.,;:]+|[\s,;:]+$", "", piece)
    piece = piece.rstrip(".").strip()
    return piece if re.search(r"[\w\\=()]", piece) else ""


def statements(text: str) -> tuple[list[str], list[Statement]]:
    """The line's words and its statements, in the order written."""
    words, pieces = words_and_math(text)
    out: list[Statement] = []
    defining = "let" in (w.lower() for w in words)
    sides: list[tuple[str, bool]] = []  # each side, and whether it is a condition said before its claim
    for whole in pieces:
        for part in _commas(whole):
            split = _colons(part)
            for k, piece in enumerate(split):
                for side in _ARROW.split(piece):
                    side, remark = _approximate(side)
                    if remark:
                        words.append(remark)
                    first, comma, rest = side.partition(",")
                    if comma and _is_condition(first) and "(" not in first:  # x > 0, 0.01x: a condition, a piece
                        sides.append((first.strip(), False))
                        side = rest
                    side = side.strip().strip(",;:").strip()
                    if side:
                        sides.append((side, len(split) == 2 and k == 0))
    condition = None
    for k, (side, forward) in enumerate(sides):
        if _is_condition(side):
            if not forward and out and out[-1].condition is None and condition is None:
                out[-1] = replace(out[-1], condition=side)  # f(x) = x for x > 0: the claim before it
            else:
                condition = side  # for x > 0: the statements after it on this line hold where it does
            continue
        parts, colon = _cut(side)
        if not parts:
            continue
        if len(parts) == 1:
            after = k + 1 < len(sides) and _is_condition(sides[k + 1][0]) and not sides[k + 1][1]
            if out and out[-1].condition is not None and out[-1].left is not None and after:
                out.append(Statement(out[-1].left, (parts[0],)))  # f(x) = x for x > 0, 0.01x for x <= 0
            elif words:  # mathematics inside a sentence ("multiply by e^x:"): part of its words
                words.append(parts[0])
            elif parts[0]:
                out.append(Statement(None, (parts[0],), condition=condition))
            continue
        left = parts[0].strip() or None
        rights = tuple(p.strip() for p in parts[1:] if p.strip())
        if rights or left:
            out.append(Statement(left, rights, defining=colon or defining, condition=condition))
    return words, [s for s in out if s.rights or s.left]


def _is_condition(side: str) -> bool:
    """x > 0, 0 \\le x < 6: a comparison outside any bracket (one inside is a piecewise function's own)."""
    top, depth = [], 0
    for ch in side:
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        top.append(ch if depth == 0 and ch not in ")]}" else " ")
    outside = "".join(top)
    return bool(_CONDITION.search(outside)) and "=" not in _CONDITION.sub("", outside) and "\\begin" not in side


def _approximate(side: str) -> tuple[str, str]:
    """A claim and its remark after ≈ (a number, never judged): \\approx 0.25 at x = 0."""
    found = re.search(r"\\approx(?![A-Za-z])|≈", side)
    if found is None:
        return side, ""
    return side[: found.start()], side[found.start() :].strip()


def _colons(text: str) -> list[str]:
    """A condition before a colon: x > 0: f(x) = ... (never the ':' of ':=')."""
    found = re.match(r"([^:{}]*?):(?!=)\s*(.*)$", text)
    if found is None or not _CONDITION.search(found.group(1)):
        return [text]
    return [found.group(1), found.group(2)]


def _commas(text: str) -> list[str]:
    """A piece cut at each comma outside brackets that a new equation follows: y = e^u, u = -x^2."""
    depth, cuts = 0, []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0 and text[i - 1 : i] != "\\" and "=" in text[i + 1 :] and "=" in text[:i]:
            cuts.append(i)
    if not cuts:
        return [text]
    bounds = [-1, *cuts, len(text)]
    return [text[a + 1 : b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if text[a + 1 : b].strip()]


def _cut(text: str) -> tuple[list[str], bool]:
    """The text cut at each '=' (and ':=', '\\coloneqq', '≡') outside brackets; whether one was ':='."""
    text = re.sub(r"\\(?:coloneqq|equiv|triangleq|stackrel\{[^{}]*\}\{=\})(?![A-Za-z])|≡|≔", ":=", text)
    depth, cuts, colon = 0, [], False
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth <= 0 and text[i - 1 : i] not in ("<", ">", "!", "=") and text[i + 1 : i + 2] != "=":
            cuts.append(i)
            colon = colon or text[i - 1 : i] == ":"
    if not cuts:
        return [text], False
    starts = [0, *(c + 1 for c in cuts)]
    ends = [*cuts, len(text)]
    parts = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    parts = [p[:-1] if p.endswith(":") else p for p in parts]
    return [p.strip() for p in parts], colon


# --- what a left side names ---------------------------------------------------------------

_NAME = r"(\\(?:operatorname|mathrm|text|rm|mathit)\s*\{\s*[A-Za-z]+\s*\}|\\?[A-Za-z]+|[α-ωΑ-Ω])"
_ARG = r"\(\s*([^()]*?)\s*(?:;[^()]*)?\)"
_D = r"(?:d|\\partial|\\mathrm\{d\}|\\operatorname\{d\})"
_OVER = rf"\}}\{{\s*{_D}\s*([A-Za-z])\s*\}}"
_HEADS = (
    # derivatives: \frac{d y}{d x}, \frac{d}{dx} y(x), dy/dx, y'(x), y', \frac{\partial y}{\partial x}
    (1, rf"\\frac\{{\s*{_D}\s*{_NAME}\s*(?:{_ARG})?\s*{_OVER}"),
    (1, rf"\\frac\{{\s*{_D}\s*{_OVER}\s*{_NAME}\s*(?:{_ARG}|\s+([A-Za-z]))?"),
    (1, rf"(?:d|∂)\s*{_NAME}\s*(?:{_ARG})?\s*/\s*(?:d|∂)([A-Za-z])"),
    (1, rf"{_NAME}\s*'\s*(?:{_ARG})?"),
    (0, rf"{_NAME}\s*(?:{_ARG})?"),
    (0, r"\\(tanh|sigma|sinh|cosh|tan|arctan|sin|cos|log|ln|exp|operatorname\{[A-Za-z]+\})\s+([A-Za-z])"),
    (2, rf"{_NAME}\s*(?:''|\^\{{\(2\)\}}|\"|\^\{{\\prime\\prime\}})\s*(?:{_ARG})?"),
    (1, rf"\\frac\{{\s*{_D}\s*{_OVER}|d\s*/\s*d([A-Za-z])"),  # d/dx alone: the function's derivative
)  # fmt: skip
_COMPILED = tuple((order, re.compile(rf"\s*{pattern}\s*")) for order, pattern in _HEADS)


@dataclass(frozen=True)
class Head:
    """What a left side names: ``name`` (without its backslash), the derivative's ``order``, and the
    argument it is written at (``x`` of g(x); None when bare)."""

    name: str
    order: int
    argument: str | None


def head(left: str) -> Head | None:
    """The function or helper a left side names, or None when it is an expression."""
    for k, (order, pattern) in enumerate(_COMPILED):
        found = pattern.fullmatch(left)
        if found is None:
            continue
        groups = [g for g in found.groups()]
        if k == 7:  # \frac{d}{dx} = ...: the derivative of the function the derivation is of
            return Head("g", 1, next(g for g in groups if g))
        if k == 1:  # \frac{d}{dx} NAME(arg): the variable comes first
            variable, name, argument = groups[0], groups[1], groups[2] or groups[3]
            if argument is not None and argument != variable:
                return None  # \\frac{d}{dx} erf(w): the derivative of an expression, read as one
            argument = variable
        elif k in (0, 2):
            name, argument = groups[0], groups[-1] if k == 2 else (groups[1] or groups[2])
        else:
            name, argument = groups[0], groups[1]
        name = re.sub(r"^\\[a-z]+\s*\{\s*([A-Za-z]+)\s*\}$", r"\1", name).lstrip("\\")
        if name in ("d", "frac", "left", "right", "partial", "mathrm", "operatorname", "e", "D") and k != 5:
            return None
        if k == 4 and len(name) > 1 and not left.lstrip().startswith("\\") and argument is None:
            return None  # a bare word of several letters: a product of letters in plain notation
        return Head(name, order, argument)
    return None
