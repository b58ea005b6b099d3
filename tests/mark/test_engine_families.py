"""Issue 29, the marking engine: each notation family the engine reads, as a property.  derive's own right
derivations of the library (their lines printed by derive's LaTeX printer), rewritten in one family at a
time with random choices (the function, the variable, the words, where a line is cut), are never marked
wrong; the family's own claims (a substitution, a helper's derivative, an equation of its own) are judged
right.  Every expectation is proved, not written in: the lines come from derive's derivation."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Expr, diff, preorder_traversal

from derive import derive
from derive.mark.marking import NOT_JUDGED, RIGHT, WRONG, mark
from derive.render.printing.latex import board_latex

FUNCTIONS = ("sigmoid", "tanh", "softplus", "swish", "elu", "arctan", "softsign", "gelu", "mish", "logsigmoid")
VARIABLES = ("x", "t", "v", "a", "z")
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@cache
def steps(name: str, var: str) -> tuple[tuple[str, str], ...]:
    """derive's steps of ``name`` in ``var``: (quantity, the right side in LaTeX), the name's own line left out."""
    d = derive(name, var=var)
    out = [(s.quantity, board_latex(s.expr)) for s in d.steps]
    second_g = len(out) > 1 and out[1][0] == "g"
    return tuple(out[1:]) if d.function.head is not None and second_g else tuple(out)


def lines_of(name: str, var: str, left: dict[str, str] | None = None) -> list[str]:
    """The steps as lines: the first of each quantity with its left side, the rest continuing with '='."""
    left = left or {"g": f"g({var})", "g'": f"g'({var})"}
    out, before = [], None
    for quantity, rhs in steps(name, var):
        out.append(f"{left[quantity]} = {rhs}" if quantity != before else f"= {rhs}")
        before = quantity
    return out


def never_wrong(marking, lines: list[str]) -> None:  # noqa: ANN001
    wrong = [(line.number, line.text, line.reason) for line in marking.lines if line.verdict == WRONG]
    assert not wrong, "\n".join(lines) + "\n---\n" + marking.render("text")


names = st.sampled_from(FUNCTIONS)
variables = st.sampled_from(VARIABLES)


# --- the function from the first line ------------------------------------------------------------


@SETTINGS
@given(names, variables, st.sampled_from(["g", "f", "y", "h"]))
def test_without_a_target_the_first_definition_is_the_function(name, var, letter):
    lines = lines_of(name, var, {"g": f"{letter}({var})", "g'": f"{letter}'({var})"})
    marking = mark(None, lines)
    never_wrong(marking, lines)
    assert marking.target_from == "first line" and marking.derivation.variable.name == var
    from derive.proof.prover import prove_equal

    body = marking.derivation.function.body
    assert prove_equal(body, derive(name, var=var).function.body, marking.derivation.variable, domain=body).ok


def test_a_target_that_is_not_the_function_is_one_line():
    import pytest

    from derive.errors import DeriveError

    lines = lines_of("tanh", "x")
    with pytest.raises(DeriveError) as refused:
        mark("sigmoid", lines)
    assert "\n" not in str(refused.value) and "not the function" in str(refused.value)
    with pytest.raises(DeriveError, match="no function to mark against"):
        mark(None, ["g'(x) = 1 - g(x)^2"])
    # the same function spelled another way, in another variable, is the same function
    assert mark("1/(1 + exp(-t))", lines_of("sigmoid", "x")).first_wrong is None


def test_a_derivation_that_starts_at_the_derivative_is_marked_against_the_target():
    marking = mark("tanh", ["g'(x) = 1 - \\tanh^2 x", "= 1 - g(x)^2"])
    assert marking.target_from == "argument" and marking.all_right


# --- substitutions and helpers ------------------------------------------------------------------


def inner_part(body: Expr, var) -> Expr | None:  # noqa: ANN001
    """A sub-expression of the function that holds the variable and is not the variable: a substitution
    u = ... (the function written in u, and in the variable where u does not reach)."""
    from sympy import Symbol

    for p in preorder_traversal(body):
        if isinstance(p, Expr) and p != body and p.has(var) and p != var and not p.is_Piecewise:
            if body.xreplace({p: Symbol("_u")}).has(Symbol("_u")):
                return p
    return None


@SETTINGS
@given(names.filter(lambda n: n != "elu"), variables, st.sampled_from(["u", "w", "q"]), st.booleans())
def test_a_substitution_and_its_derivative_are_equations_of_their_own(name, var, letter, leibniz):
    d = derive(name, var=var)
    z, body = d.variable, d.function.body
    inner = inner_part(body, z)
    if inner is None:
        return
    from sympy import Symbol

    u = Symbol(letter, positive=True)
    written = body.xreplace({inner: u})
    du = diff(inner, z)
    outer = diff(written, u)
    rest = diff(written, z)  # where u does not reach: the variable's own part of the derivative
    prime = f"\\frac{{d{letter}}}{{d{var}}}" if leibniz else f"{letter}'"
    lines = [
        f"\\text{{let }} {letter} = {board_latex(inner)}",
        f"g({var}) = {board_latex(written)}",
        f"{prime} = {board_latex(du)}",
        f"g'({var}) = \\left({board_latex(outer)}\\right) \\cdot {prime}"
        + (f" + \\left({board_latex(rest)}\\right)" if rest != 0 else ""),
        f"= {steps(name, var)[-1][1]}",
    ]
    marking = mark(name, lines)
    never_wrong(marking, lines)
    judged = [line for line in marking.lines if line.number in (1, 3)]
    assert judged and all(line.verdict == RIGHT for line in judged), marking.render("text")


def test_a_helper_function_and_a_wrong_substitution():
    lines = [
        "m(x) = -x",
        "g(x) = \\frac{1}{1 + e^{m(x)}}",
        "m'(x) = -1",
        "g'(x) = -\\frac{e^{m(x)} m'(x)}{(1+e^{m(x)})^2}",
    ]
    assert mark("sigmoid", lines).all_right
    wrong = mark("sigmoid", ["u = 1 + e^{-x}", "g(x) = 1/u", "u' = e^{-x}", "g'(x) = -u'/u^2"])
    assert wrong.first_wrong == 3 and wrong.first_wrong_line.quantity == "u'"


# --- chains, implications, expression left sides, continued lines, blocks -----------------------


@SETTINGS
@given(names, variables, st.sampled_from(["\\Rightarrow", "\\implies", "⇒", "→", "=>", "\\therefore"]), st.booleans())
def test_chains_and_implications(name, var, arrow, one_line):
    lines = lines_of(name, var)
    if one_line:  # the whole g' chain on one line: g'(x) = A = B = C
        first = next(k for k, line in enumerate(lines) if line.startswith("g'"))
        chained = lines[first] + " " + " ".join(lines[first + 1 :])
        lines = [*lines[:first], chained]
    lines = [f"{arrow} {line}" if line.startswith("g'") else line for line in lines]
    never_wrong(mark(name, lines), lines)


@SETTINGS
@given(names, variables)
def test_a_left_side_that_is_an_expression_continues_the_chain(name, var):
    rows = steps(name, var)
    lines = lines_of(name, var)
    derivative = [rhs for q, rhs in rows if q == "g'"]
    if len(derivative) >= 2:  # "A = B" where A is the line before's right side
        lines.append(f"{derivative[-2]} = {derivative[-1]}")
    marking = mark(name, lines)
    never_wrong(marking, lines)
    assert marking.lines[-1].verdict == RIGHT


@SETTINGS
@given(names, variables, st.sampled_from(["continued", "backslash", "eqalign", "eqnarray", "array"]))
def test_lines_cut_and_blocks(name, var, how):
    lines = lines_of(name, var)
    if how == "continued":  # a line ending in '=', its right side on the next
        cut = []
        for line in lines:
            left, sep, right = line.partition(" = ")
            cut += [f"{left} =", right] if sep and left else [line]
        text = "\n".join(cut)
    elif how == "backslash":
        text = "\n".join(f"{line} \\" for line in lines)
    elif how == "eqalign":
        text = "$$\\eqalign{\n" + "\n".join(line.replace(" = ", " &= ", 1) + " \\cr" for line in lines) + "\n}$$"
    elif how == "eqnarray":
        rows = [line.replace(" = ", " &=& ", 1) + "," for line in lines]
        text = "\\begin{eqnarray*}\n" + " \\\\\n".join(rows)[:-1] + ".\n\\end{eqnarray*}"
    else:
        rows = [line.replace(" = ", " &=& ", 1) for line in lines]
        text = "\\[\\begin{array}{rcl}\n" + " \\\\\n".join(rows) + "\n\\end{array}\\]"
    marking = mark(name, text)
    never_wrong(marking, text.splitlines())
    assert marking.final["right"], text + "\n" + marking.render("text")


# --- words ------------------------------------------------------------------------------------------

WORDS = ("so", "hence", "which is", "donc", "also", "daher", "por lo tanto", "其中", "所以", "因此", "therefore")


@SETTINGS
@given(names, variables, st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), st.booleans())
def test_words_in_any_language_are_words(name, var, words, inside_text):
    lines = lines_of(name, var)
    out = []
    for k, line in enumerate(lines):
        word = words[k % len(words)]
        said = f"\\text{{{word}}}" if inside_text or not word.isascii() else word
        out.append(f"{said} {line}" if k % 2 else line)
        if k % 3 == 2:
            out.append(f"\\text{{{word}}}")
    marking = mark(name, out)
    never_wrong(marking, out)
    assert any(line.words for line in marking.lines), marking.render("text")
    for line in marking.lines:  # words never enter the mathematics
        if line.read_as is not None:
            assert not {s.name for s in line.read_as.free_symbols} & {"so", "hence", "donc", "daher", "also"}


# --- not judged -----------------------------------------------------------------------------------


@SETTINGS
@given(names, variables, st.integers(min_value=1, max_value=3))
def test_a_line_that_cannot_be_read_is_not_judged_and_makes_no_other_line_wrong(name, var, at):
    lines = lines_of(name, var)
    at = min(at, len(lines))
    lines.insert(at, "\\mathcal{Q} \\star \\frac{1}{")
    marking = mark(name, lines)
    never_wrong(marking, lines)
    unread = [line for line in marking.lines if line.number == at + 1]
    assert unread and all(line.verdict == NOT_JUDGED for line in unread)
    assert marking.first_wrong is None and marking.not_judged >= 1


# --- primes and operators on sub-expressions ----------------------------------------------------------

OPERATOR_STYLES = {
    "bracket prime": lambda inner: f"\\left({inner}\\right)'",
    "square bracket prime": lambda inner: f"\\left[{inner}\\right]'",
    "D": lambda inner: f"D\\left({inner}\\right)",
    "d over dx": None,  # as derive prints it
}


def _rewritten(line: str, var: str, style: str) -> str:
    """Each \\frac{d}{d x} \\left(...\\right) of derive's line written in the style."""
    write = OPERATOR_STYLES[style]
    if write is None:
        return line
    opening = f"\\frac{{d}}{{d {var}}} \\left("
    out = line
    for _ in range(10):
        at = out.find(opening)
        if at < 0:
            return out
        start, depth, k = at + len(opening), 1, at + len(opening)
        while k < len(out) and depth:  # the matching \right)
            if out.startswith("\\left(", k):
                depth, k = depth + 1, k + 6
            elif out.startswith("\\right)", k):
                depth, k = depth - 1, k + 7
            else:
                k += 1
        inner = out[start : k - 7]
        out = out[:at] + "{" + write(inner) + "}" + out[k:]
    return out


@SETTINGS
@given(names, variables, st.sampled_from(list(OPERATOR_STYLES)))
def test_primes_and_operators_on_sub_expressions_are_their_derivatives(name, var, style):
    lines = [_rewritten(line, var, style) for line in lines_of(name, var)]
    marking = mark(name, lines)
    never_wrong(marking, lines)
    assert marking.final["right"], "\n".join(lines) + "\n" + marking.render("text")


# --- a function in pieces, each under its condition ------------------------------------------------


@SETTINGS
@given(st.sampled_from(["elu", "relu", "leaky_relu", "celu", "selu", "relu6", "hard_tanh"]), variables, st.booleans())
def test_a_function_in_pieces_written_a_condition_at_a_time(name, var, words):
    from sympy import Interval, Piecewise, S, Union, latex

    d = derive(name, var=var)
    derivative = d.derivatives[0]
    assert isinstance(derivative, Piecewise)
    lines, taken = [], S.EmptySet
    for value, condition in derivative.args:  # each piece where the ones before it do not hold, as an interval
        where = (S.Reals if condition == True else condition.as_set()) - taken  # noqa: E712 - SymPy's true
        taken = taken | where
        for interval in where.args if isinstance(where, Union) else [where]:
            if isinstance(interval, Interval):
                said = latex(interval.as_relational(d.variable))
                prefix = "\\text{for } " if words else ""
                lines.append(f"{prefix}{said}: g'({var}) = {board_latex(value)}")
    marking = mark(name, lines)
    never_wrong(marking, lines)
    assert all(line.verdict == RIGHT for line in marking.lines), "\n".join(lines) + "\n" + marking.render("text")
