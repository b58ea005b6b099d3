"""Point 9 of issue 21: the JSON means the same to plain sympify (no locals) as to derive."""

from __future__ import annotations

import json
import random

import mpmath
import pytest
from sympy import Rational, Symbol, lambdify, sympify
from sympy.core.function import AppliedUndef

from derive import derive, json_locals
from derive.knowledge.activations import LIBRARY
from derive.render.printing.syntax import clashes

EXPRESSIONS = [
    "z*(3 + z^2)/(1 + 3*z^2)",  # tanh's triple angle
    "beta*z + gamma*tanh(z) + I*z + N + S*z + lambda*z^3",  # parameters named as SymPy's objects
    "x * torch.sigmoid(1.702 * input)",  # a parameter named as a Python builtin
]


def plain_values(text: str, data: dict, points: list) -> list:
    """What plain sympify makes of a string, at the points: its own symbols put to derive's values."""
    expr = sympify(text)
    assert not any(isinstance(f, AppliedUndef) and clashes(type(f).__name__) for f in expr.atoms(AppliedUndef))
    symbols = sorted(expr.free_symbols, key=str)
    values = {s.name: 1.25 for s in symbols if s.name != data["variable"]}
    f = lambdify([Symbol(data["variable"]), *(s for s in symbols if s.name != data["variable"])], expr, "mpmath")
    return [f(p, *values.values()) for p in points]


def derive_values(text: str, data: dict, points: list) -> list:
    expr = sympify(text, locals=json_locals(data["variable"], data["function"]))
    symbols = sorted(expr.free_symbols, key=str)
    var = [s for s in symbols if s.name == data["variable"]]
    others = [s for s in symbols if s.name != data["variable"]]
    f = lambdify([*var, *others], expr, "mpmath") if var else lambdify(others, expr, "mpmath")
    return [f(p, *([1.25] * len(others))) if var else f(*([1.25] * len(others))) for p in points]


@pytest.mark.parametrize("target", [a.name for a in LIBRARY] + EXPRESSIONS)
def test_every_json_expression_means_the_same_to_plain_sympify(target):
    d = derive(target)
    data = json.loads(d.render("json"))
    rng = random.Random(5)
    points = [mpmath.mpf(rng.uniform(-3, 3)) for _ in range(5)]
    for key in ("definition", "read_as", "derivative"):
        text = data[key]
        with mpmath.workdps(30):
            plain, own = plain_values(text, data, points), derive_values(text, data, points)
        for p, o in zip(plain, own, strict=True):
            assert abs(complex(p) - complex(o)) <= 1e-20 * (1 + abs(complex(o))), (key, text)


def test_the_real_cube_root_is_written_so_that_sympify_keeps_it_real():
    data = json.loads(derive("z*(3 + z^2)/(1 + 3*z^2)").render("json"))
    assert "cbrt" not in json.dumps(data) and "sign(" in data["output_form"]
    form = sympify(data["output_form"].replace("g(z)", "y"))
    value = form.subs(Symbol("y"), Rational(1, 2)).evalf()
    assert value.is_real  # the principal root would be complex: one radicand is negative there


def test_names_sympy_means_otherwise_are_written_as_symbols():
    data = json.loads(derive("beta*z + gamma*tanh(z) + I*z + lambda*z^3").render("json"))
    for name in ("beta", "gamma", "I", "lambda"):
        assert f"Symbol('{name}', positive=True)" in data["definition"]
    assert sympify(data["definition"]).free_symbols == {
        Symbol(n, positive=True) for n in ("beta", "gamma", "I", "lambda")
    } | {Symbol("z")}
