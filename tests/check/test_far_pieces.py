"""Never a wrong step (issue 30, point 4): functions whose pieces lie far from the origin (a clip at ±500,
a clamp at 80), drawn by hypothesis, are derived, and every step and the output form are checked by an
oracle of their own: SymPy's evalf, which raises its precision until its digits are right, at a point
inside every piece.  At the 50 digits of an ordinary check, σ(500)(1 - σ(500)) is 0; it is 7·10^-218."""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import Expr, Heaviside, Piecewise, Symbol, lambdify

from derive import DeriveError, derive
from derive.errors import StepCheckError
from derive.knowledge.symbols import G, g_function
from derive.proof.prover import step_value
from derive.verify import reference_quantities

INNER = {
    "sigmoid": "1/(1 + np.exp(-{u}))",
    "tanh": "np.tanh({u})",
    "softplus": "np.log1p(np.exp({u}))",
    "arctan": "np.arctan({u})",
    "cube": "{u}**3 + {u}",
}
"""Activations written as a code base writes them, around a clipped argument u."""


def clipped(inner: str, low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        u = f"np.clip(x, {low}, {high})"
    elif low is not None:
        u = f"np.maximum(x, {low})"
    else:
        u = f"np.minimum(x, {high})"
    return INNER[inner].format(u=u)


def piece_points(low: int | None, high: int | None) -> list[float]:
    """A point inside every piece: beyond each breakpoint, between them, and near the origin."""
    cuts = sorted(c for c in (low, high) if c is not None)
    points = [cuts[0] - 7.25, cuts[-1] + 7.25, 0.375]
    if len(cuts) == 2:
        points.append((cuts[0] + cuts[1]) / 2 + 0.125)
    return points


def differs(left: Expr, right: Expr, var: Symbol, at: float) -> bool:
    """Whether left - right is not 0 at the point, with mpmath at the digits the point's size needs (e^-2|x|
    must still show: tanh(-130) is -1 + 10^-113), relative to their size."""
    digits = 60 + 3 * int(abs(at))
    sides = lambdify(
        [var],
        [
            left.replace(Heaviside, lambda u, *_: Piecewise((1, u > 0), (0, True))),
            right.replace(Heaviside, lambda u, *_: Piecewise((1, u > 0), (0, True))),
        ],
        modules="mpmath",
    )
    with mpmath.workdps(digits):
        a, b = (mpmath.mpmathify(v) for v in sides(mpmath.mpf(at)))
        size = abs(a) + abs(b)
        return abs(a - b) > mpmath.mpf(10) ** -40 * size if size else False


def check_every_piece(text: str, low: int | None, high: int | None) -> None:
    try:
        d = derive(text)
    except StepCheckError:
        raise  # derive caught a wrong step of its own: a bug, never an answer
    except DeriveError:
        return  # refused in one line: allowed, never wrong
    references, substitutions = reference_quantities(d)
    z = d.variable
    for at in piece_points(low, high):
        for k, step in enumerate(d.steps):
            value = step_value(step.expr, substitutions)
            assert not differs(value, references[step.quantity], z, at), f"step {k + 1} of {text} at {at}"
        if d.output_form is not None:
            through_g = d.output_form.subs(G, g_function(z)).xreplace(substitutions)
            assert not differs(through_g, references["g'"], z, at), f"the output form of {text} at {at}"


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("1 / (1 + np.exp(-np.clip(x, -500, 500)))", -500, 500),
        ("np.tanh(np.clip(x, -300, 40))", -300, 40),
        ("np.log1p(np.exp(np.minimum(x, 80)))", None, 80),
    ],
)
def test_a_clipped_activation_has_no_wrong_step(text, low, high):
    check_every_piece(text, low, high)
    d = derive(text)
    assert d.verdict.status in ("found", "not found", "none exists")
    if d.output_form is not None:  # g(1 - g) alone would be wrong beyond the clip: per piece, or none
        assert d.output_form.has(G) and "Piecewise" in str(d.output_form) or d.output_form == 0


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same functions every run
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    inner=st.sampled_from(sorted(INNER)),
    low=st.one_of(st.none(), st.integers(min_value=-900, max_value=-20)),
    high=st.one_of(st.none(), st.integers(min_value=20, max_value=900)),
)
def test_pieces_far_from_the_origin_are_checked_in_every_piece(inner, low, high):
    if low is None and high is None:
        low = -600
    check_every_piece(clipped(inner, low, high), low, high)
