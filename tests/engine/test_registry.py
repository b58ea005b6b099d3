"""The function registry: every entry's derivative, inverse, names and code names hold what they say.

Adding a function to derive is one entry in derive/knowledge/registry.py; these tests then check it.
"""

from __future__ import annotations

import importlib
import random

import mpmath
import pytest
from sympy import DiracDelta, Rational, Symbol, diff, lambdify, simplify

from derive.engine.rules import FunctionRule, rule_tree
from derive.knowledge import registry
from derive.reading.resolve import expression as parse_expression

u = Symbol("u", real=True)
z = Symbol("z", real=True)

DIFFERENTIABLE = [e for e in registry.FUNCTIONS if e.derivative is not None]


@pytest.mark.parametrize("entry", DIFFERENTIABLE, ids=lambda e: e.name)
def test_the_derivative_is_sympys_where_it_holds(entry):
    ours = entry.derivative(u)
    theirs = diff(entry.function(u), u).replace(lambda e: isinstance(e, DiracDelta), lambda e: 0)  # u ≠ 0
    if simplify(ours - theirs) == 0:
        return
    # SymPy may write it otherwise (acosh: 1/(√(u - 1)√(u + 1))): compare where both are real
    f, h = lambdify(u, ours, "mpmath"), lambdify(u, theirs, "mpmath")
    rng, compared = random.Random(3), 0
    for _ in range(60):
        x = mpmath.mpf(rng.uniform(-3, 3))
        try:
            a, b = f(x), h(x)
        except (ZeroDivisionError, ValueError):
            continue
        if isinstance(a, mpmath.mpf) and isinstance(b, mpmath.mpf):
            assert abs(a - b) < 1e-12 * (1 + abs(b)), (entry.name, x, a, b)
            compared += 1
    assert compared >= 10


@pytest.mark.parametrize("entry", DIFFERENTIABLE, ids=lambda e: e.name)
def test_the_rule_table_is_the_registry(entry):
    tree = rule_tree(entry.function(z + 1), z)
    assert isinstance(tree, FunctionRule) and tree.rule_names == ("chain", entry.rule)


@pytest.mark.parametrize("entry", [e for e in registry.FUNCTIONS if e.inverse], ids=lambda e: e.name)
def test_the_inverse_undoes_the_function(entry):
    checked = 0
    for x in (Rational(-7, 10), Rational(1, 20), Rational(2, 5), Rational(9, 10)):
        y = entry.function(x).evalf(40)
        if y.is_real:  # x in the function's real domain (log: x > 0)
            assert abs(entry.inverse(y).evalf(40) - x) < 1e-30, (entry.name, x)
            checked += 1
    assert checked >= 2


def test_the_parser_reads_every_name_and_only_those():
    for name, entry in registry.by_name().items():
        args = "z, 1" if entry.function in registry.by_pieces("corners") and name.lower() in ("max", "min") else "z"
        parsed = parse_expression(f"{name}({args})")
        if entry.read_as is not None:  # log1p(z) is read as the formula it computes, log(1 + z)
            assert parsed == entry.read_as(z), name
            continue
        assert parsed.has(entry.function) or parsed.func == entry.function or entry.name == "sqrt", name
    names = [n for e in registry.FUNCTIONS for n in e.names]
    assert len(names) == len(set(names)), "a name belongs to one function"


@pytest.mark.parametrize("entry", [e for e in registry.FUNCTIONS if e.numpy], ids=lambda e: e.name)
def test_numpy_names_exist(entry):
    module, _, name = entry.numpy.rpartition(".")
    try:
        found = importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{module} is not installed")  # SciPy: an optional dependency of generated code
    assert callable(getattr(found, name))
