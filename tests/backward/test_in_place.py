"""The torch backward written in place: the same values as the formula out of place, one tensor made
and written, never the tensors it reads (x, y, grad)."""

from __future__ import annotations

import re

import pytest
import torch
from conftest import LIBRARY_NAMES
from sympy import Mul, Piecewise, Rational, Symbol

from derive.backward import plan
from derive.backward.code import in_code
from derive.backward.in_place import Statements
from derive.backward.torch_code import DeriveTorchPrinter

TENSORS = ("x", "y", "grad")


def run(lines: list[str], result: str, values: dict) -> torch.Tensor:
    scope = {"torch": torch, **values}
    exec("\n".join(lines), scope)  # the generated statements, as the module runs them
    return scope[result]


@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_the_in_place_backward_equals_the_formula_and_writes_only_what_it_made(plans, name):
    p = plans[name]
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "y" if p.saves == "output" else "x"})
    symbols = {n: Symbol(n, real=True) for n in TENSORS}
    expr = in_code(p, Mul(symbols["grad"], p.gradient))
    statements = Statements(printer, frozenset(symbols.values()))
    result = statements.result(expr)
    # nothing it reads is written: no in-place method, no out= on x, y or grad
    for line in statements.lines:
        assert not re.match(r"\s*(x|y|grad)\.\w+_\(", line), line
        assert not re.search(r"out=(x|y|grad)\)", line), line
        assert not re.match(r"\s*(x|y|grad) = ", line), line
    torch.manual_seed(0)
    x = torch.randn(1000, dtype=torch.float64) * 4
    params = {q.name: q.default for q in p.parameters}
    y = p_forward(p, x, params)
    grad = torch.randn(1000, dtype=torch.float64)
    values = {"x": x.clone(), "y": y.clone(), "grad": grad.clone(), **params}
    have = run(statements.lines, result, values)
    want = eval(printer.doprint(expr), {"torch": torch, "x": x, "y": y, "grad": grad, **params})
    # the same operations, some in another order (a product's factors): rounding apart, the same values
    torch.testing.assert_close(have, want, rtol=1e-12, atol=1e-300, equal_nan=True)
    for n, original in (("x", x), ("y", y), ("grad", grad)):
        assert torch.equal(values[n], original), f"{n} was written"


def p_forward(p, x, params) -> torch.Tensor:
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "x"})
    statements = Statements(printer, frozenset({Symbol("x", real=True)}))
    result = statements.result(in_code(p, p.forward), "y")
    return run(statements.lines, result, {"x": x.clone(), **params})


def test_sigmoids_backward_makes_one_tensor_in_three_operations():
    p = plan("sigmoid")
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "y"})
    statements = Statements(printer, frozenset(Symbol(n, real=True) for n in TENSORS))
    result = statements.result(in_code(p, Mul(Symbol("grad", real=True), p.gradient)))
    assert statements.lines == ["t0 = torch.rsub(y, 1)", "t0.mul_(grad)", "t0.mul_(y)"] and result == "t0"


def statements_of(expr, like: str = "x") -> list[str]:
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": like})
    statements = Statements(printer, frozenset(Symbol(n, real=True) for n in TENSORS))
    statements.result(expr)
    return statements.lines


def test_pieces_that_are_a_clamp_are_one():
    x, y, grad = (Symbol(n, real=True) for n in TENSORS)
    relu6 = Piecewise((0, x <= 0), (6, x >= 6), (x, True))
    assert statements_of(relu6) == ["t0 = torch.clamp(x, min=0, max=6)"]
    hard_sigmoid = Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + Rational(1, 2), True))
    assert statements_of(hard_sigmoid)[-1] == "t0.clamp_(min=0, max=1)"
    # a jump is no clamp: {1 if x ≤ 0; x} is written with where
    assert "clamp" not in "".join(statements_of(Piecewise((1, x <= 0), (x, True))))


def test_a_zero_piece_is_a_mask_the_product_reads():
    x, y, grad = (Symbol(n, real=True) for n in TENSORS)
    relu_backward = grad * Piecewise((1, y > 0), (0, True))
    assert statements_of(relu_backward, "y") == ["t0 = torch.mul(torch.gt(y, 0), grad)"]
