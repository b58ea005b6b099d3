"""The torch formulas written in place: the same values as the formula out of place, written only
into tensors they made (or the result's block), never the tensors they read (x, y, grad); pieces
as sums of masked pieces, exact where torch.where would be; blocks as one tensor."""

from __future__ import annotations

import importlib.util
import math
import re

import pytest
import torch
from helpers import LIBRARY_NAMES
from sympy import Eq, Mul, Piecewise, Rational, Symbol, exp, sqrt

from derive.backward import blocks, plan
from derive.backward.code import in_code
from derive.backward.in_place import Statements, _call
from derive.backward.torch_code import DeriveTorchPrinter

TENSORS = ("x", "y", "grad")


def run(lines: list[str], result: str, values: dict) -> torch.Tensor:
    scope = {"torch": torch, **values}
    exec("\n".join(lines), scope)  # the generated statements, as the module runs them
    return scope[result]


def _written_only_where_made(lines: list[str]) -> None:
    for line in lines:
        assert not re.match(r"\s*(x|y|grad)\.\w+_\(", line), line
        assert not re.search(r"out=(x|y|grad)\)", line), line
        assert not re.match(r"\s*(x|y|grad) = ", line), line


@pytest.mark.parametrize("out", [None, "out"], ids=["made", "into-out"])
@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_the_in_place_backward_equals_the_formula_and_writes_only_what_it_made(plans, name, out):
    p = plans[name]
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "y" if p.saves == "output" else "x"})
    symbols = {n: Symbol(n, real=True) for n in TENSORS}
    expr = in_code(p, Mul(symbols["grad"], p.gradient))
    statements = Statements(printer, frozenset(symbols.values()))
    result = statements.result(expr, out)
    _written_only_where_made(statements.lines)
    # no torch.where: eager where takes several times a comparison and a product (pieces are sums)
    assert not any("torch.where" in line for line in statements.lines), statements.lines
    torch.manual_seed(0)
    x = torch.randn(1000, dtype=torch.float64) * 4
    params = {q.name: q.default for q in p.parameters}
    y = p_forward(p, x, params)
    grad = torch.randn(1000, dtype=torch.float64)
    values = {"x": x.clone(), "y": y.clone(), "grad": grad.clone(), "out": torch.empty_like(x), **params}
    have = run(statements.lines, result, values)
    want = eval(printer.doprint(expr), {"torch": torch, "x": x, "y": y, "grad": grad, **params})
    # the same operations, some in another order (a product's factors): rounding apart, the same values
    torch.testing.assert_close(have, want, rtol=1e-12, atol=1e-300, equal_nan=True)
    for n, original in (("x", x), ("y", y), ("grad", grad)):
        assert torch.equal(values[n], original), f"{n} was written"


def p_forward(p, x, params) -> torch.Tensor:
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "x"})
    statements = Statements(printer, frozenset({Symbol("x", real=True)}))
    result = statements.result(in_code(p, p.forward), "out")
    _written_only_where_made(statements.lines)
    return run(statements.lines, result, {"x": x.clone(), "out": torch.empty_like(x), **params})


def test_sigmoids_backward_makes_one_tensor_in_three_operations():
    p = plan("sigmoid")
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "y"})
    statements = Statements(printer, frozenset(Symbol(n, real=True) for n in TENSORS))
    result = statements.result(in_code(p, Mul(Symbol("grad", real=True), p.gradient)))
    assert statements.lines == ["t0 = torch.rsub(y, 1)", "t0.mul_(grad)", "t0.mul_(y)"] and result == "t0"


def test_into_out_the_first_operation_writes_there():
    p = plan("sigmoid")
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": "y"})
    statements = Statements(printer, frozenset(Symbol(n, real=True) for n in TENSORS))
    statements.result(in_code(p, Mul(Symbol("grad", real=True), p.gradient)), "out")
    # rsub has no out=: 1 - y is -y, then + 1 (both exact)
    assert statements.lines == ["torch.neg(y, out=out)", "out.add_(1)", "out.mul_(grad)", "out.mul_(y)"]


def statements_of(expr, like: str = "x", out: str | None = None) -> list[str]:
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": like})
    statements = Statements(printer, frozenset(Symbol(n, real=True) for n in TENSORS))
    statements.result(expr, out)
    return statements.lines


def values_of(expr, x: torch.Tensor, like: str = "x") -> torch.Tensor:
    printer = DeriveTorchPrinter({"fully_qualified_modules": True, "like": like})
    statements = Statements(printer, frozenset(Symbol(n, real=True) for n in TENSORS))
    result = statements.result(expr)
    return run(statements.lines, result, {"x": x.clone()})


def test_pieces_that_are_a_clamp_are_one():
    x, y, grad = (Symbol(n, real=True) for n in TENSORS)
    relu6 = Piecewise((0, x <= 0), (6, x >= 6), (x, True))
    assert statements_of(relu6) == ["t0 = torch.clamp(x, min=0, max=6)"]
    hard_sigmoid = Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + Rational(1, 2), True))
    assert statements_of(hard_sigmoid)[-1] == "t0.clamp_(min=0, max=1)"
    # a jump is no clamp: {1 if x ≤ 0; x} is a mask and a clamp, summed
    assert statements_of(Piecewise((1, x <= 0), (x, True))) == [
        "t0 = torch.empty_like(x)",
        "torch.le(x, 0, out=t0)",
        "t1 = torch.clamp(x, min=0)",
        "t0.add_(t1)",
    ]


def test_a_zero_piece_is_a_mask_the_product_reads():
    x, y, grad = (Symbol(n, real=True) for n in TENSORS)
    relu_backward = grad * Piecewise((1, y > 0), (0, True))
    assert statements_of(relu_backward, "y") == ["t0 = torch.empty_like(y)", "torch.gt(y, 0, out=t0)", "t0.mul_(grad)"]
    assert statements_of(relu_backward, "y", "out") == ["torch.gt(y, 0, out=out)", "out.mul_(grad)"]


def test_a_symmetric_interval_is_one_comparison_of_the_magnitude():
    x, y, grad = (Symbol(n, real=True) for n in TENSORS)
    hard_tanh_backward = grad * Piecewise((1, (y > -1) & (y < 1)), (0, True))
    assert statements_of(hard_tanh_backward, "y") == ["t0 = torch.abs(y)", "t0.lt_(1)", "t0.mul_(grad)"]
    values = torch.tensor([-2.0, -1.0, -1 + 2**-52, 0.0, 1 - 2**-53, 1.0, 3.0, math.nan], dtype=torch.float64)
    mask = run(statements_of(Piecewise((1, (x > -1) & (x < 1)), (0, True))), "t0", {"x": values.clone()})
    assert mask.tolist()[:7] == [0, 0, 1, 1, 1, 0, 0] and mask[7] == 0  # nan is in no interval, as for <


def test_pieces_are_exact_where_the_other_piece_overflows_or_is_not_a_number():
    x = Symbol("x", real=True)
    # e^x overflows for x > 709 and x² for x > 1e154: the piece not taken is evaluated clamped into
    # its own interval, so 0·∞ never makes nan; each point takes exactly its own piece's value
    g = Piecewise((x**2, x > 1), (exp(x), True))
    points = torch.tensor([-math.inf, -800.0, -1.0, 0.0, 1.0, 1 + 2**-52, 800.0, 1e200, math.inf, math.nan])
    points = points.to(torch.float64)
    have = values_of(g, points)
    want = torch.where(points > 1, points**2, torch.exp(points))
    assert torch.equal(have[:-1], want[:-1]) and math.isnan(have[-1])
    elu = Piecewise((x, x > 0), (Rational(3, 2) * (exp(x) - 1), True))
    have = values_of(elu, points)
    want = torch.where(points > 0, points, 1.5 * torch.expm1(points))
    torch.testing.assert_close(have, want, rtol=2e-16, atol=0, equal_nan=True)
    assert have[0] == -1.5 and have[8] == math.inf


def test_a_term_that_is_a_product_of_two_is_added_in_one_pass():
    x, y, grad = (Symbol(n, real=True) for n in TENSORS)
    lines = statements_of(x + 3 * x * y, "x")
    assert lines == ["t0 = torch.addcmul(x, x, y, value=3)"]
    # (1 + c·a·b)·s is s + c·s·(a·b): swish's σ(βx)(1 + βx·σ(-βx))
    lines = statements_of(grad * (1 + 2 * x * sqrt(y)) * exp(x), "x")
    assert "t0.addcmul_(t0, t1, value=2)" in lines
    values = {"x": torch.rand(50, dtype=torch.float64), "y": torch.rand(50, dtype=torch.float64)}
    values["grad"] = torch.randn(50, dtype=torch.float64)
    have = run(statements_of(grad * (1 + 2 * x * sqrt(y)) * exp(x), "x"), "t0", dict(values))
    want = values["grad"] * (1 + 2 * values["x"] * values["y"].sqrt()) * values["x"].exp()
    torch.testing.assert_close(have, want, rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    ("code", "call"),
    [
        ("torch.add(y, 1)", ("torch.add", ["y", "1"])),
        ("torch.logaddexp(x, x.new_zeros(()))", ("torch.logaddexp", ["x", "x.new_zeros(())"])),
        ("torch.sign(u)*torch.abs(u)**(1/3)", None),
        ("(torch.gt(y, 0)).to(y.dtype)", None),
        ("x", None),
    ],
)
def test_a_statement_is_one_call_only_when_its_brackets_close_at_the_end(code, call):
    assert _call(code) == call


def _module_in_blocks(block: int):
    """blocks.in_blocks, run where the generated module runs it, with its BLOCK set."""
    spec = importlib.util.spec_from_file_location("derive_blocks_under_test", blocks.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.BLOCK = block
    return module.in_blocks


def _backward_kernel(y, grad, out, alpha):
    # an ELU-like kernel: reads y and grad, writes only out and what it makes
    torch.clamp(y, max=0, out=out)
    out.add_(alpha)
    out.mul_(grad)


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 17])
def test_in_blocks_equals_the_kernel_on_the_whole_tensors(block):
    torch.manual_seed(1)
    y = torch.randn(5, 3, 11, dtype=torch.float64)
    whole = torch.empty_like(y)
    grads = {
        "dense": torch.randn_like(y),
        "expanded": torch.ones((), dtype=torch.float64).expand_as(y),  # what .sum()'s backward passes
        "broadcast": torch.randn(3, 1, dtype=torch.float64),  # to (5, 3, 11)
        "transposed": torch.randn(11, 3, 5, dtype=torch.float64).permute(2, 1, 0),
    }
    in_blocks = _module_in_blocks(block)
    for kind, grad in grads.items():
        _backward_kernel(y, grad, whole, 0.5)
        have = in_blocks(_backward_kernel, (y, grad), 0.5)
        assert have.shape == y.shape and have.dtype == y.dtype, kind
        assert torch.equal(have, whole), kind
    transposed = y.transpose(0, 2)  # the first tensor need not be contiguous either
    _backward_kernel(transposed, 1.0, whole.transpose(0, 2), 0.5)
    assert torch.equal(in_blocks(_backward_kernel, (transposed, torch.ones(())), 0.5), whole.transpose(0, 2))


def test_a_piece_on_a_union_of_intervals_is_a_term_for_each_and_a_point_falls_back_to_where():
    x = Symbol("x", real=True)
    points = torch.tensor([-math.inf, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, math.inf], dtype=torch.float64)
    outside = Piecewise((x, (x < -1) | (x > 1)), (x**2, True))  # |x| > 1: two intervals, two terms
    lines = statements_of(outside)
    assert not any("where" in line for line in lines) and sum("torch.clamp(x" in line for line in lines) == 3
    want = torch.where(points.abs() > 1, points, points**2)
    assert torch.equal(values_of(outside, points), want)
    at_zero = Piecewise((1, Eq(x, 0)), (x, True))  # a set with an isolated point is not intervals
    assert any("torch.where" in line for line in statements_of(at_zero))
    assert torch.equal(values_of(at_zero, points), torch.where(points == 0, 1.0, points))
