"""derive's own derivations of the library, printed in the styles people write (issue 29): the variable
renamed, the function called y, f or σ, the derivative's left side spelled dy/dx, y', f’(x) or ∂g/∂x, arrows
and annotations in words, a boxed last line; and (point 7) one generator per family of notation: chains,
substitutions, primes on sub-expressions, markup, blocks ($$ aligned, eqnarray, eqalign, gather), lines
continued after '=', words in several languages, delimiters, the function's own name, Unicode and plain text.
Every line is right, so none may be marked wrong; how many could not be read is counted, and kept small
(under 3% of the thousands of lines)."""

from __future__ import annotations

import re

import pytest

from derive import derive
from derive.knowledge.activations import LIBRARY
from derive.mark.marking import mark

AMBIGUOUS_HEADS = ("softplus_beta", "gelu_tanh")
"""Left out: derive prints their heads as softplus(z) and GELU(z), which read back as the functions at β = 1
and the exact GELU: a line copied from derive would then name another function (noted for issue 29)."""
FUNCTIONS = tuple(a.name for a in LIBRARY if a.name not in AMBIGUOUS_HEADS)


def rows(name: str, var: str) -> list[str]:
    """derive's steps of name in var as LaTeX rows, each 'left = right' with the left side written out."""
    block = derive(name, var=var).render("latex")
    lines = [row.strip().rstrip("\\").strip() for row in block.splitlines()[1:-1]]
    out, left = [], ""
    for line in lines:
        lhs, _, rhs = line.partition("&=")
        left = lhs.strip() or left
        out.append(f"{left} = {rhs.strip()}" if lhs.strip() else f"= {rhs.strip()}")
    return out


STYLES = {
    "y and dy/dx, arrows": {"g": "y", "g'": r"\frac{dy}{d{v}}", "before": r"\Rightarrow ", "after": ""},
    "f with a typographic prime": {"g": "f({v})", "g'": "f’({v})", "before": "", "after": r" \quad [\text{so}]"},
    "y prime, annotated": {"g": "y", "g'": "y'", "before": "", "after": r" \qquad (\text{by the rules})"},
    "partial derivative, dollars": {"g": "g({v})", "g'": r"\frac{\partial g}{\partial {v}}", "dollars": True},
}


def styled(name: str, var: str, style: dict) -> list[str]:
    out = []
    lines = rows(name, var)
    for k, line in enumerate(lines):
        line = line.replace(f"g'({var})", "\x00")
        line = line.replace(f"g({var})", style["g"].replace("{v}", var))
        line = line.replace("\x00", style["g'"].replace("{v}", var))
        if k == len(lines) - 1:  # the answer boxed
            left, _, right = line.rpartition("= ")
            line = f"{left}= \\boxed{{{right}}}"
        line = style.get("before", "") + line + style.get("after", "")
        out.append(f"${line}$." if style.get("dollars") else line)
    return out


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("name", FUNCTIONS)
def test_derives_own_derivation_in_peoples_styles_is_never_marked_wrong(name, style):
    var = {"sigmoid": "x", "tanh": "t", "softplus": "x", "arctan": "u"}.get(name, "x")
    lines = styled(name, var, STYLES[style])
    marking = mark(name, lines)
    wrong = [(line.number, line.text, line.reason) for line in marking.lines if line.verdict == "wrong"]
    assert not wrong, marking.render("text")
    unread = [line for line in marking.lines if line.verdict != "right"]
    assert len(unread) <= len(marking.lines) // 4, marking.render("text")  # not judged stays the exception
    assert re.search(rf"g\({var}\)", marking.render("text").splitlines()[0])  # its own variable


# --- issue 29, point 7: the generator in every family of notation --------------------------------------------
#
# derive's own derivation of each library function, printed again in one style at a time: LaTeX rows from
# render("latex"), Unicode and plain-text rows from render("text").  Every line stays right (only its spelling
# changes, and the lines added are true: a substitution u = ..., words), so none may be marked wrong; the
# share not judged is counted over all of them and kept under 3%.

VARIABLES = ("x", "t", "h", "v", "a")
WORDS = (
    r"\text{so}",
    "hence",
    r"\text{donc}",
    "also",
    r"\text{por lo tanto}",
    r"\text{所以}",
    r"\text{следовательно}",
    "d'où",
    r"\text{daher}",
    "portanto",
)
ARROWS = (r"\Rightarrow ", r"\implies ", "⇒ ", r"\therefore ", r"\rightarrow ", "=> ", "→ ")
ANNOTATIONS = (
    r" \quad [\text{chain rule}]",
    r" \qquad (\text{simplify})",
    r" \quad \text{(par la règle de la chaîne)}",
    r" \quad [\text{链式法则}]",
    r" \qquad \text{(Kettenregel)}",
)
_OPERATOR = re.compile(r"\\frac\{d\}\{d ([a-z])\} \\left\(")


def variable_for(name: str, index: int) -> str:
    """A variable for this style: one of VARIABLES in turn, never a parameter's name of the function."""
    params = {s.name for s in derive(name).function.body.free_symbols}
    choices = [v for v in VARIABLES if v not in params]
    return choices[index % len(choices)]


def split_rows(lines: list[str]) -> list[tuple[str, str]]:
    """Each row as (left side, right side); a continuation's left side is ''."""
    out = []
    for line in lines:
        lhs, _, rhs = line.partition("= ")
        out.append((lhs.strip(), rhs.strip()))
    return out


def joined(rows_: list[tuple[str, str]]) -> list[str]:
    return [f"{lhs} = {rhs}" if lhs else f"= {rhs}" for lhs, rhs in rows_]


def _group_end(text: str, start: int) -> int:
    """The index just past the \\right) that closes the \\left( opening at start (len('\\left(') = 6)."""
    depth, i = 0, start
    while i < len(text):
        if text.startswith(r"\left(", i):
            depth += 1
            i += 6
        elif text.startswith(r"\right)", i):
            depth -= 1
            i += 7
            if depth == 0:
                return i
        else:
            i += 1
    return -1


def operator_parts(text: str) -> tuple[int, int, str] | None:
    """The first \\frac{d}{d v} \\left(X\\right) in text: its span and X."""
    found = _OPERATOR.search(text)
    if found is None:
        return None
    open_at = found.end() - 6
    end = _group_end(text, open_at)
    if end < 0:
        return None
    return found.start(), end, text[open_at + 6 : end - 7].strip()


def named(lines: list[str], var: str, g: str, dg: str) -> list[str]:
    return [line.replace(f"g'({var})", "\x00").replace(f"g({var})", g).replace("\x00", dg) for line in lines]


def latex_chain(name: str, var: str) -> list[str]:
    """y = \\sigma(x) = \\frac{1}{1+e^{-x}} on one line, then dy/dx = ...: a chain of '='."""
    r = split_rows(rows(name, var))
    first = f"y = {r[0][1]} = {r[1][1]}" if len(r) > 1 and not r[1][0] else f"y = {r[0][1]}"
    rest = r[2:] if len(r) > 1 and not r[1][0] else r[1:]
    return [first, *named(joined(rest), var, "y", rf"\frac{{dy}}{{d{var}}}")]


def latex_substitution(name: str, var: str) -> list[str]:
    """The inner function of the first d/dx(...) named u on a line of its own, and u' (or du/dx) used for it."""
    out: list[str] = []
    r = split_rows(rows(name, var))
    left = ""
    done = False
    for lhs, rhs in r:
        left = lhs or left
        parts = None if done else operator_parts(rhs)
        if parts is None:
            out.append(f"{lhs} = {rhs}" if lhs else f"= {rhs}")
            continue
        start, end, inner = parts
        prime = f"u'({var})" if len(out) % 2 else rf"\frac{{du}}{{d{var}}}"
        out.append(rf"\text{{Let }} u = {inner}")
        out.append(f"{left} = {rhs[:start]}{prime}{rhs[end:]}")
        done = True
    return out


def latex_primes(name: str, var: str) -> list[str]:
    """d/dx(X) written (X)': primes on sub-expressions."""
    out = []
    for line in rows(name, var):
        for _ in range(10):
            parts = operator_parts(line)
            if parts is None:
                break
            start, end, inner = parts
            line = f"{line[:start]}\\left({inner}\\right)'{line[end:]}"
        out.append(line)
    return out


def latex_markup(name: str, var: str) -> list[str]:
    """\\dfrac, \\displaystyle, \\mathrm{e}, \\Big brackets, a coloured right side, the answer boxed."""
    lines = rows(name, var)
    out = []
    for k, line in enumerate(lines):
        line = line.replace(r"\frac", r"\dfrac").replace("e^{", r"\mathrm{e}^{")
        lhs, _, rhs = line.partition("= ")
        if k == len(lines) - 1:
            rhs = rf"\boxed{{{rhs}}}"
        elif k == 1:
            rhs = rf"\color{{red}}{{{rhs}}}"
        out.append(rf"{lhs}= \displaystyle {rhs} \,")
    return out


def latex_aligned(name: str, var: str) -> list[str]:
    """The whole derivation one $$\\begin{aligned} ... \\end{aligned}$$ block, rows ending in \\\\."""
    body = [f"{lhs} &= {rhs} \\\\" for lhs, rhs in split_rows(rows(name, var))]
    return ["$$\\begin{aligned}", *body, "\\end{aligned}$$"]


def latex_eqnarray(name: str, var: str) -> list[str]:
    body = [f"{lhs} &=& {rhs}, \\\\" for lhs, rhs in split_rows(rows(name, var))]
    return ["\\begin{eqnarray*}", *body, "\\end{eqnarray*}"]


def latex_eqalign(name: str, var: str) -> list[str]:
    body = [f"{lhs} &= {rhs} \\cr" for lhs, rhs in split_rows(rows(name, var))]
    return ["$$\\eqalign{", *body, "}$$"]


def latex_continued(name: str, var: str) -> list[str]:
    """Each '= ...' row's '=' at the end of the line before: a line ending in '=' continued on the next."""
    out: list[str] = []
    for lhs, rhs in split_rows(rows(name, var)):
        if lhs:
            out.append(f"{lhs} = {rhs}")
        else:
            out[-1] += " ="
            out.append(rhs)
    return out


def latex_words(name: str, var: str) -> list[str]:
    """Words between the lines, in several languages, on lines of their own."""
    out: list[str] = []
    for k, line in enumerate(rows(name, var)):
        if k:
            out.append(WORDS[(k + len(name)) % len(WORDS)])
        out.append(line)
    return out


def latex_arrows(name: str, var: str) -> list[str]:
    out = []
    for k, (lhs, rhs) in enumerate(split_rows(rows(name, var))):
        out.append(f"{ARROWS[(k + len(name)) % len(ARROWS)]}{lhs} = {rhs}" if lhs and k else f"{lhs} = {rhs}".strip())
    return [line if not line.startswith(" =") else line.strip() for line in out]


def latex_annotated(name: str, var: str) -> list[str]:
    return [line + ANNOTATIONS[(k + len(name)) % len(ANNOTATIONS)] for k, line in enumerate(rows(name, var))]


def latex_delimiters(name: str, var: str) -> list[str]:
    """Each line in $...$, \\(...\\) or \\[...\\], with a trailing comma, the last with a full stop."""
    lines = rows(name, var)
    out = []
    for k, line in enumerate(lines):
        end = "." if k == len(lines) - 1 else ","
        left, right = ((r"\(", r"\)"), ("$", "$"), (r"\[", r"\]"))[k % 3]
        out.append(f"{left}{line}{right}{end}")
    return out


def latex_operator(name: str, var: str) -> list[str]:
    """The derivative's left side d/dx[written-out g] (a left side that is an expression), later dg/dx."""
    r = split_rows(rows(name, var))
    body = r[1][1] if len(r) > 1 and not r[1][0] else None
    out = []
    first = True
    for lhs, rhs in r:
        if lhs == f"g'({var})":
            lhs = (
                rf"\frac{{d}}{{d{var}}}\left[{body}\right]"
                if first and body is not None and "cases" not in body
                else rf"\frac{{dg}}{{d{var}}}"
            )
            first = False
        out.append(f"{lhs} = {rhs}" if lhs else f"= {rhs}")
    return out


def _head(name: str, var: str) -> tuple[str, str, str | None]:
    """The function's own name as derive writes it (\\sigma(x), \\operatorname{GELU}(x)), its derivative's
    name with a prime, and the written-out g (None when piecewise)."""
    r = split_rows(rows(name, var))
    head = r[0][1]
    if head.endswith(f"({var})"):
        prime = f"{head[: -len(var) - 2]}'({var})"
    else:
        prime = rf"\left({head}\right)'"
    body = r[1][1] if len(r) > 1 and not r[1][0] and "cases" not in r[1][1] else None
    return head, prime, body


def latex_own_name(name: str, var: str) -> list[str]:
    """The function's own name as the left side: \\sigma(x) = ..., \\sigma'(x) = ..., and in the lines."""
    head, prime, _ = _head(name, var)
    lines = named(rows(name, var), var, head, prime)
    first = lines[1] if len(lines) > 1 and lines[1].startswith("=") else None
    return [f"{head} {first}", *lines[2:]] if first else lines


def latex_operator_inside(name: str, var: str) -> list[str]:
    """The function inside the operator: \\frac{d\\sigma(x)}{dx} = ..."""
    head, _, _ = _head(name, var)
    inside = head if head.startswith("\\") else f" {head}"
    lines = named(rows(name, var), var, head, rf"\frac{{d{inside}}}{{d{var}}}")
    first = lines[1] if len(lines) > 1 and lines[1].startswith("=") else None
    return [f"{head} {first}", *lines[2:]] if first else lines


def latex_bracket_prime(name: str, var: str) -> list[str]:
    """The first derivative line's left side the written-out g with a prime: \\left[\\frac{1}{1+e^{-x}}\\right]'."""
    _, _, body = _head(name, var)
    out, done = [], False
    for line in rows(name, var):
        if body is not None and not done and line.startswith(f"g'({var}) ="):
            line = rf"\left[{body}\right]'" + line[len(f"g'({var})") :]
            done = True
        out.append(line)
    return out


def latex_d_operator(name: str, var: str) -> list[str]:
    """The first derivative line's left side D(written-out g), the operator D of some textbooks."""
    _, _, body = _head(name, var)
    out, done = [], False
    for line in rows(name, var):
        if body is not None and not done and line.startswith(f"g'({var}) ="):
            line = rf"D\left({body}\right)" + line[len(f"g'({var})") :]
            done = True
        out.append(line)
    return out


def latex_gather_labels(name: str, var: str) -> list[str]:
    """A gather* block, the left side written again on every row, each row labelled \\text{Step k: }."""
    body, left = [], ""
    for k, (lhs, rhs) in enumerate(split_rows(rows(name, var)), start=1):
        left = lhs or left
        body.append(rf"\text{{Step {k}: }} {left} = {rhs} \\")
    return ["\\begin{gather*}", *body, "\\end{gather*}"]


def latex_spacing(name: str, var: str) -> list[str]:
    """Size and spacing commands, \\big( for \\left(, {\\rm e} for e."""
    out = []
    for line in rows(name, var):
        line = line.replace(r"\left(", r"\big(").replace(r"\right)", r"\big)").replace("e^{", r"{\rm e}^{")
        out.append(r"\Large " + line.replace("= ", r"=\; ", 1) + r" \!")
    return out


_REASON = re.compile(r"\s{2,}\[[^\]]*\].*$")


def text_rows(name: str, var: str) -> list[str]:
    """derive's steps as its text format prints them (Unicode: σ, ′, ², ·, √), without the reasons."""
    out = []
    block = derive(name, var=var).render("text").splitlines()
    started = False
    for line in block:
        if not line.strip():
            if started:
                break
            continue
        if line.startswith((" g(", "g′(", "      =")):
            started = True
            out.append(_REASON.sub("", line).rstrip())
    return out


def unicode_rows(name: str, var: str) -> list[str]:
    return text_rows(name, var)


_ASCII = (
    ("′", "'"),
    ("·", "*"),
    ("²", "^2"),
    ("³", "^3"),
    ("−", "-"),
    ("≤", "<="),
    ("≥", ">="),
    ("α", "alpha"),
    ("β", "beta"),
    ("λ", "lambda"),
    ("σ", "sigmoid"),
)


def plain_rows(name: str, var: str) -> list[str]:
    """ASCII: * for the product, ^2, sqrt(...), alpha; the function called f and the derivative f'(x)."""
    out = []
    for line in text_rows(name, var):
        for uni, ascii_ in _ASCII:
            line = line.replace(uni, ascii_)
        line = re.sub(r"√\(", "sqrt(", line)
        line = re.sub(r"√(\w+)", r"sqrt(\1)", line).replace("π", "pi")
        out.append(line.replace(f"g'({var})", f"f'({var})").replace(f"g({var})", f"f({var})"))
    return out


def plain_dydx(name: str, var: str) -> list[str]:
    """Plain text with y and dy/dx, and 'so' on a line of its own."""
    out = []
    for k, line in enumerate(plain_rows(name, var)):
        line = line.replace(f"f'({var})", f"dy/d{var}").replace(f"f({var})", "y")
        if k == 2:
            out.append("so")
        out.append(line.strip())
    return out


def latex_two_steps_a_line(name: str, var: str) -> list[str]:
    """Two steps on each line: g'(x) = A = B, then = C = D (every '=' a claim)."""
    out: list[str] = []
    for lhs, rhs in split_rows(rows(name, var)):
        if lhs or not out or out[-1].count("=") >= 2:
            out.append(f"{lhs} = {rhs}" if lhs else f"= {rhs}")
        else:
            out[-1] += f" = {rhs}"
    return out


def unicode_mixed(name: str, var: str) -> list[str]:
    """Unicode rows, a typographic prime ’, an arrow before the derivative's rows, words between."""
    out = []
    for k, line in enumerate(text_rows(name, var)):
        line = line.strip().replace(f"g′({var})", f"f’({var})").replace(f"g({var})", f"f({var})")
        if line.startswith("f’"):
            plain_words = [w for w in WORDS if not w.startswith("\\")]
            out.append(plain_words[(k + len(name)) % len(plain_words)])
            line = "⇒ " + line
        out.append(line)
    return out


def plain_mixed(name: str, var: str) -> list[str]:
    """Plain text, each step annotated in parentheses, '=>' before the derivative's first row."""
    out = []
    for k, line in enumerate(plain_rows(name, var), start=1):
        line = line.strip()
        if line.startswith("f'"):
            line = "=> " + line
        out.append(f"{line}    (step {k})")
    return out


def latex_align_column(name: str, var: str) -> list[str]:
    """align*, the reasons in a column after &&, the answer boxed."""
    r = split_rows(rows(name, var))
    body = []
    for k, (lhs, rhs) in enumerate(r):
        if k == len(r) - 1:
            rhs = rf"\boxed{{{rhs}}}"
        body.append(rf"{lhs} &= {rhs} && \text{{({k + 1})}} \\")
    return ["\\begin{align*}", *body, "\\end{align*}"]


GENERATORS = {
    "chain y = g(x) = ...": latex_chain,
    "substitution u, u' or du/dx": latex_substitution,
    "primes on sub-expressions": latex_primes,
    "markup": latex_markup,
    "$$ aligned block": latex_aligned,
    "eqnarray": latex_eqnarray,
    "eqalign and cr": latex_eqalign,
    "lines continued after =": latex_continued,
    "words in many languages": latex_words,
    "arrows": latex_arrows,
    "annotations": latex_annotated,
    "delimiters and punctuation": latex_delimiters,
    "d/dx of the expression, dg/dx": latex_operator,
    "the function's own name": latex_own_name,
    "the function inside the operator": latex_operator_inside,
    "[written-out g]' left side": latex_bracket_prime,
    "D(written-out g) left side": latex_d_operator,
    "gather, step labels, left side repeated": latex_gather_labels,
    "size and spacing commands": latex_spacing,
    "two steps a line": latex_two_steps_a_line,
    "align*, a column of reasons, boxed": latex_align_column,
    "Unicode": unicode_rows,
    "Unicode, ’, arrows and words": unicode_mixed,
    "plain text, => and (step k)": plain_mixed,
    "plain text": plain_rows,
    "plain text, y and dy/dx": plain_dydx,
}

_generated: dict[tuple[str, str], tuple[list[str], object]] = {}


def generated(name: str, style: str):  # noqa: ANN201 - (lines, Marking)
    """The derivation in this style and its marking (each marked once in a session)."""
    key = (name, style)
    if key not in _generated:
        var = variable_for(name, list(GENERATORS).index(style))
        lines = GENERATORS[style](name, var)
        _generated[key] = (lines, mark(name, lines))
    return _generated[key]


@pytest.mark.parametrize("style", list(GENERATORS))
@pytest.mark.parametrize("name", FUNCTIONS)
def test_derives_own_derivation_in_every_family_is_never_marked_wrong(name, style):
    lines, marking = generated(name, style)
    wrong = [(line.number, line.text, line.reason) for line in marking.lines if line.verdict == "wrong"]
    assert not wrong, "\n".join(lines) + "\n---\n" + marking.render("text")


def test_the_generator_prints_thousands_of_lines_none_wrong_and_few_not_judged():
    lines = marked = wrong = not_judged = 0
    which = []
    for name in FUNCTIONS:
        for style in GENERATORS:
            written, marking = generated(name, style)
            lines += len(written)
            marked += len(marking.lines)
            wrong += sum(line.verdict == "wrong" for line in marking.lines)
            unread = [line for line in marking.lines if line.verdict not in ("right", "wrong")]
            not_judged += len(unread)
            which += [(name, style, line.number) for line in unread]
    assert lines >= 2000, lines
    assert wrong == 0, f"{wrong} right lines marked wrong"
    assert not_judged < 0.03 * marked, f"{not_judged} of {marked} lines not judged: {which[:30]}"
