"""Every derivation ends on its simplest form (issue 13, points 2 to 4 and 7).

Without an output form the last line is no longer than SymPy's factor and simplify of the same
derivative; an output form is the shortest of its candidates that still equal g'; the lines
between say one move each, none repeating the one before.
"""

from __future__ import annotations

import random

import mpmath
import pytest
from sympy import (
    Derivative,
    I,
    Mul,
    Piecewise,
    Pow,
    Rational,
    Symbol,
    count_ops,
    diff,
    exp,
    factor,
    lambdify,
    simplify,
    solve,
    sqrt,
)

from derive import derive
from derive.engine.board import evaluate, strip_groups
from derive.engine.compute import FACTOR_MAX_DEGREE, factored, larger_than, root_degree
from derive.engine.simplest import SIMPLIFY_MAX_NODES
from derive.knowledge.activations import LIBRARY
from derive.knowledge.functions import cbrt, sigmoid
from derive.knowledge.symbols import G, parameter, variable
from derive.output_form.display import display_candidates, simplicity

z = variable("z")

# no output form: linear and non-linear inner functions, library functions inside expressions
WITHOUT_FORM = [
    "z*sigmoid(beta*z)",
    "swish",
    "gelu",
    "mish",
    "z*tanh(exp(z))",
    "z*exp(-z^2/2)",
    "(z^2 - 1)/(z^2 + 1)",
    "z^2*sin(z)",
    "z + sin(z)^2",
    "log(cosh(z))",
    "softplus(z)*sigmoid(2*z)",
    "z/(1 + e^(-4.21 z))",  # a decimal: factor would work on (e^{z/100})^421, and is not tried
]
# an output form longer than g' itself (a cubic's cube roots, the bent identity's radical): g' is
# written at its simplest first, as where there is none
LONG_FORM = ["z*(3 + z^2)/(1 + 3*z^2)", "bent_identity"]


def _last_in_z(d):
    """The last line of g' before the output form, as a value."""
    lines = [s for s in d.steps if s.quantity == "g'" and "output form" not in s.rules]
    return evaluate(strip_groups(lines[-1].expr))


@pytest.mark.parametrize("text", WITHOUT_FORM + LONG_FORM)
def test_the_last_line_is_no_longer_than_factor_and_simplify(text):
    d = derive(text)  # every step proved: derive() raises otherwise
    last = _last_in_z(d)
    assert not last.has(Derivative)
    assert count_ops(last) <= count_ops(factor(d.derivative))
    assert not larger_than(d.derivative, SIMPLIFY_MAX_NODES), "simplify is run on derivatives this small only"
    assert count_ops(last) <= count_ops(simplify(d.derivative))


@pytest.mark.parametrize(
    "e, degree",
    [
        (sigmoid(z), 1),
        (1 / (1 + exp(-2 * z)), 2),
        (1 / (1 + exp(-Rational(421, 100) * z)), 421),  # e^{-4.21z}: (e^{z/100})^421 to SymPy's polys
        (z ** Rational(7, 3) + sqrt(z), 7),  # (z^{1/3})^7
        (z**5 + 1, 1),  # an integer power is a polynomial's own degree, not a root's
    ],
)
def test_the_degree_factor_would_work_at(e, degree):
    assert root_degree(e) == degree
    if degree <= FACTOR_MAX_DEGREE:
        assert factored(e) == factor(e)
    else:
        assert factored(e) == e  # left as it is: factor's cyclotomic pieces are longer
        assert count_ops(factor(e)) > count_ops(e)


@pytest.mark.parametrize(
    "text, factored",
    [
        ("(z^2 - 1)/(z^2 + 1)", 4 * z / (z**2 + 1) ** 2),
        ("z*(3 + z^2)/(1 + 3*z^2)", 3 * (z - 1) ** 2 * (z + 1) ** 2 / (3 * z**2 + 1) ** 2),
    ],
)
def test_a_rational_derivative_ends_factored_so_its_zeros_show(text, factored):
    assert _last_in_z(derive(text)) == factored


def test_swish_with_sigma_ends_on_sigma_times_one_plus_beta_z_times_one_minus_sigma():
    beta = parameter("beta")
    s = sigmoid(beta * z)
    assert _last_in_z(derive("z*sigmoid(beta*z)")) == s * (beta * z * (1 - s) + 1)


def test_log_sigmoid_shows_one_minus_sigma_before_its_output_form():
    d = derive("log(sigmoid(z))")
    raw, cancelled, final = d.steps[-3:]
    assert strip_groups(raw.expr).count(sigmoid(z)) == 3  # 1/σ(z)·σ(z)(1 - σ(z)) as the rules give it
    assert strip_groups(cancelled.expr).count(sigmoid(z)) == 1
    assert evaluate(strip_groups(cancelled.expr)) == 1 - sigmoid(z)
    assert (cancelled.rules, final.rules) == (("collect",), ("output form",))


def test_a_clamp_ends_flat_with_the_interval_first():
    d = derive("Min(1, Max(0, z))")
    (line,) = [strip_groups(s.expr) for s in d.steps if s.quantity == "g'" and "piecewise" in s.rules]
    assert line == Piecewise((1, (z > 0) & (z < 1)), (0, True))
    assert not any(isinstance(p, Piecewise) for p, _ in line.args)


OUTPUT_FORMS = {
    "tanh(2*z/3)": Mul(Rational(2, 3), 1 - G**2, evaluate=False),
    "sigmoid(z)^2": 2 * G * (1 - sqrt(G)),
    "isru": (1 - parameter("alpha") * G**2) ** Rational(3, 2),
    "tanh(a*z)": parameter("a") * (1 - G**2),
}


@pytest.mark.parametrize("text, form", list(OUTPUT_FORMS.items()))
def test_output_forms_are_written_simplest(text, form):
    found = derive(text).output_form
    assert found.equals(form)  # the same function of g ...
    assert simplicity(found) == simplicity(form)  # ... written as short as the form a teacher writes


def _equal_at_points(a, b, symbols) -> bool:
    rng = random.Random(13)
    for _ in range(6):
        point = {s: rng.uniform(0.05, 0.6) for s in symbols}
        x, y = complex(a.evalf(30, subs=point)), complex(b.evalf(30, subs=point))
        if abs(x - y) > 1e-12 * (1 + abs(x)):
            return False
    return True


WITH_FORM = [e.name for e in LIBRARY] + list(OUTPUT_FORMS) + ["z^3 + z", "log(sigmoid(z))", "sigmoid(sigmoid(z))"]


@pytest.mark.parametrize("text", WITH_FORM)
def test_no_line_repeats_the_one_before_and_the_output_form_is_the_shortest_candidate(text):
    d = derive(text)
    for before, line in zip(d.steps, d.steps[1:], strict=False):
        assert (before.quantity, strip_groups(before.expr)) != (line.quantity, strip_groups(line.expr))
    form = d.output_form
    if form is None or form.has(Piecewise):
        return
    symbols = sorted(form.free_symbols, key=str)
    equal = [c for c in display_candidates(form) if _equal_at_points(c, form, symbols)]
    assert simplicity(form) <= min(simplicity(c) for c in equal)


def test_tanhs_triple_angle_is_inverted_through_real_cube_roots():
    """z(3 + z²)/(1 + 3z²) is increasing, so g' = F(g): its cubic's p = 3(1 - y²) changes sign, and the
    root takes two real cube roots (negative radicands for y < -1)."""
    d = derive("z*(3+z**2)/(1+3*z**2)")
    assert d.verdict.status == "found" and d.output_form.has(cbrt)
    assert [p.method for p in d.proofs][-1] == "numeric"  # the cube roots have no algebra: numbers decide
    # F(g(z)) = g'(z) wherever z is, by mpmath at 40 digits, on both sides of z = ±1 (where y = ±1)
    f = lambdify([z], d.output_form.subs(G, d.function.body), "mpmath")
    want = lambdify([z], diff(d.function.body, z), "mpmath")
    with mpmath.workdps(40):
        for point in ("-7.5", "-1.3", "-1", "-0.4", "0", "0.01", "0.9", "1", "2.5", "40"):
            assert abs(f(mpmath.mpf(point)) - want(mpmath.mpf(point))) < mpmath.mpf(10) ** -30, point


def test_the_real_cube_root_is_real_below_zero():
    x = Symbol("x", real=True)
    assert cbrt(-8) == -2 and cbrt(Rational(27, 8)) == Rational(3, 2) and cbrt(x) ** 3 == x
    assert diff(cbrt(x), x) == 1 / (3 * cbrt(x) ** 2)
    assert lambdify([x], cbrt(x), "mpmath")(-27) == -3
    # NumPy's cbrt is the C library's, correctly rounded on some machines and an ulp off on others
    assert lambdify([x], cbrt(x), "numpy")(-27.0) == pytest.approx(-3.0, rel=4e-16)
    assert float(cbrt(x).subs(x, -2).evalf()) == pytest.approx(-(2 ** (1 / 3)))


def test_a_cubic_is_inverted_through_one_named_cube_root():
    form = derive("z^3 + z").output_form
    roots = {p.exp for p in form.atoms(Pow) if p.exp.is_Rational and p.exp.q == 3}
    assert roots, form  # Cardano's cube root ...
    assert not form.has(I)
    # ... shorter than g' at SymPy's own real root
    y = Symbol("y", real=True)
    (real_root,) = [r for r in solve(z**3 + z - y, z) if r.subs(y, 1).evalf().is_real]
    assert count_ops(form) < count_ops(3 * real_root**2 + 1)
