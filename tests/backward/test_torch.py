"""The generated PyTorch module against autograd's checks and PyTorch's own activations (issue 14)."""

from __future__ import annotations

import inspect
import math

import mpmath
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - PyTorch's own spelling
from sympy import Symbol

from derive.backward.stable import stable
from derive.engine.compute import compiled
from derive.knowledge.activations import LIBRARY
from derive.knowledge.symbols import G
from derive.proof.numerics import exact_value

Y = Symbol("y", real=True)

NAMES = [a.name for a in LIBRARY]

BUILTINS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softplus": F.softplus,
    "softplus_beta": lambda x: F.softplus(x, beta=1.0),
    "exp": torch.exp,
    "elu": lambda x: F.elu(x, alpha=1.0),
    "celu": lambda x: F.celu(x, alpha=1.0),
    "selu": F.selu,
    "softsign": F.softsign,
    "arctan": torch.atan,
    "arcsinh": torch.asinh,
    "logsigmoid": F.logsigmoid,
    "hard_sigmoid": F.hardsigmoid,
    "hard_tanh": F.hardtanh,
    "relu": F.relu,
    "relu6": F.relu6,
    "prelu": lambda x: F.prelu(x, torch.tensor([0.25], dtype=x.dtype)),
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "hard_swish": F.hardswish,
    "swish": F.silu,
    "mish": F.mish,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "sine": torch.sin,
}
"""PyTorch's activation for each library function that has one, at derive's default parameters."""

BUILTIN_LESS_EXACT = {
    # softplus returns x, and its gradient 1, above its threshold (20): σ(x) differs from 1 by e^{-x}
    "softplus": "threshold",
    "softplus_beta": "threshold",
    # 2.13's hardsigmoid backward uses a float32 constant (1/6) even in float64
    "hard_sigmoid": "float32 constant",
    # 0.5·x·(1 + erf(x/√2)) and 0.5·x·(1 + tanh(u)) cancel to nothing for x ≪ 0; erfc(-x/√2), σ(2u) do not
    "gelu": "1 + erf cancels",
    "gelu_tanh": "1 + tanh cancels",
}
"""Where PyTorch's built-in is itself less exact than 1e-12: there derive's must be the exact one (mpmath)."""

OUTPUT_LOSES = {"elu", "celu", "selu"}
"""Where keeping the output costs digits: for x ≪ 0 the output α(e^x - 1) rounds to -α, and α + y keeps
only what is left of e^x (4e-4 relative at x = -30 in float64).  PyTorch's in-place elu_ has the same
loss; its out-of-place ELU keeps the input instead.  derive's value there is F(y) for the y it kept."""


def _points(dtype=torch.float64) -> torch.Tensor:
    # -30 to 30 by 1/16, offset so that no point is a kink (0, ±1, ±3, 6), where g' does not exist
    return (torch.arange(-480, 481, dtype=dtype) / 16 + 1 / 32).requires_grad_()


def _gradient(fn, x):
    y = fn(x)
    (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
    return y.detach(), grad.detach()


def _exact(plan, expr, symbol):
    """expr (g or g' in x, or F in y) at the plan's parameters, in its stable form, as an mpmath function."""
    values = {p.symbol: p.default for p in plan.parameters}
    return compiled(stable(expr.subs(values)), symbol, "mpmath")


def _nearer_the_truth(name, x, ours, theirs, exact) -> None:
    """At every point where derive and PyTorch differ, derive's value is within 1e-12 of mpmath's and nearer."""
    with mpmath.workdps(50):
        for i in range(len(x)):
            if math.isclose(float(ours[i]), float(theirs[i]), rel_tol=1e-12, abs_tol=1e-300):
                continue
            want = float(exact_value(exact, float(x[i])))
            mine, builtin = abs(float(ours[i]) - want), abs(float(theirs[i]) - want)
            assert mine <= 1e-12 * abs(want) and mine <= builtin, (name, float(x[i]), want, mine, builtin)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_values_and_gradients_equal_pytorchs_builtin(generated, plans, name):
    module, _ = generated["torch"]
    plan = plans[name]
    x = _points()
    ours_y, ours_dy = _gradient(module.FUNCTIONS[name], x)
    theirs_y, theirs_dy = _gradient(BUILTINS[name], x)
    values_close = torch.isclose(ours_y, theirs_y, rtol=1e-12, atol=1e-300)
    close = torch.isclose(ours_dy, theirs_dy, rtol=1e-12, atol=1e-300)
    xs = x.detach()
    if name in BUILTIN_LESS_EXACT:
        assert not (close.all() and values_close.all()), f"{name}: listed as less exact, yet equal to derive's"
        _nearer_the_truth(name, xs, ours_y, theirs_y, _exact(plan, plan.definition, plan.variable))
        _nearer_the_truth(name, xs, ours_dy, theirs_dy, _exact(plan, plan.derivative, plan.variable))
        return
    assert values_close.all(), (name, xs[~values_close][:5])
    if name in OUTPUT_LOSES:
        # the difference is the kept output's rounding: derive's gradient is F(y) at the y it kept
        assert not close.all(), f"{name}: listed as losing digits, yet equal to PyTorch's"
        form = _exact(plan, plan.form.subs(G, Y), Y)
        with mpmath.workdps(50):
            for i in (~close).nonzero().flatten().tolist():
                want = float(exact_value(form, float(ours_y[i])))
                assert abs(float(ours_dy[i]) - want) <= 1e-12 * abs(want), (name, float(xs[i]))
        assert "loses" in module.FUNCTIONS[name].__doc__  # and the docstring says so
        return
    assert close.all(), (name, xs[~close][:5], ours_dy[~close][:5], theirs_dy[~close][:5])


def _saved(fn, x):
    """What an operation keeps for backward: the distinct tensors packed by autograd, named."""
    packed = []

    def pack(t):
        packed.append(t)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = fn(x)
    kinds = {}
    for t in packed:
        kind = "input" if t.data_ptr() == x.data_ptr() else "output" if t.data_ptr() == y.data_ptr() else "buffer"
        kinds[t.data_ptr()] = (kind, t.numel() * t.element_size())
    return sorted(kinds.values())


KEEP_INPUT = ["softplus", "logsigmoid", "softsign", "hard_tanh", "hard_sigmoid", "elu", "celu", "leaky_relu"]


@pytest.mark.parametrize("name", NAMES)
def test_each_function_keeps_only_what_saves_names(generated, name):
    module, _ = generated["torch"]
    x = torch.randn(64, 32, dtype=torch.float32, requires_grad=True) * 1  # not a leaf: kept like any activation
    kept = _saved(module.FUNCTIONS[name], x)
    assert kept == [(module.SAVES[name], x.numel() * 4)]


@pytest.mark.parametrize("name", KEEP_INPUT)
def test_where_the_builtin_keeps_its_input_derive_keeps_nothing_beyond_the_output(generated, name):
    module, _ = generated["torch"]
    x = torch.randn(64, 32, dtype=torch.float32, requires_grad=True) * 1
    theirs = _saved(BUILTINS[name], x)
    ours = _saved(module.FUNCTIONS[name], x)
    beyond = sum(size for kind, size in theirs if kind != "output")
    assert beyond >= x.numel() * 4, theirs  # the built-in keeps at least a whole input tensor
    assert ours == [("output", x.numel() * 4)]  # derive's: the output, which the next layer keeps anyway
    assert module.SAVES[name] == "output"


@pytest.mark.parametrize("name", NAMES)
def test_in_blocks_the_module_computes_what_it_computes_whole(generated, name, monkeypatch):
    # the tests' tensors are smaller than a block: here every formula runs in blocks of 64 elements,
    # the last one short. A multiple of the widest vector: each element goes through the same code
    # (SIMD or scalar tail) as in one call, so the values agree to the bit (logaddexp's differ by an
    # ulp between the two)
    module, _ = generated["torch"]
    torch.manual_seed(2)
    x = (torch.randn(4, 7, 11, dtype=torch.float64) * 4).requires_grad_()
    grad = torch.randn(4, 7, 11, dtype=torch.float64)
    whole = module.FUNCTIONS[name](x)
    (whole_dx,) = torch.autograd.grad(whole, x, grad)
    monkeypatch.setattr(module, "BLOCK", 64)
    blocked = module.FUNCTIONS[name](x)
    (blocked_dx,) = torch.autograd.grad(blocked, x, grad)
    assert torch.equal(blocked, whole) and torch.equal(blocked_dx, whole_dx)
    (from_sum,) = torch.autograd.grad(module.FUNCTIONS[name](x).sum(), x)  # an expanded grad, in blocks
    (from_ones,) = torch.autograd.grad(module.FUNCTIONS[name](x), x, torch.ones_like(whole))
    assert torch.equal(from_sum, from_ones)


TORCH_FORWARD = [a.name for a in LIBRARY if a.torch is not None]


@pytest.mark.parametrize("name", TORCH_FORWARD)
def test_the_builtin_a_forward_calls_computes_derives_g(generated, plans, name):
    # the library names PyTorch's kernel for these forwards: it must be g, to 1e-12 of mpmath's value,
    # from 1e-8 to 700 on both sides and on the kinks
    module, _ = generated["torch"]
    plan = plans[name]
    g = _exact(plan, plan.definition, plan.variable)
    points = [s * m * 10.0**e for s in (1, -1) for e in range(-8, 3) for m in (1, 1.37, 3.3, 7.1)]
    points += [700.0, -700.0, 0.0, 1.0, -1.0, 3.0, -3.0, 6.0]
    x = torch.tensor(points, dtype=torch.float64)
    function = getattr(module, "".join(w.capitalize() for w in name.split("_")) + "Function")
    assert f"y = {plan.torch.name}(x" in inspect.getsource(function.forward)
    y = module.FUNCTIONS[name](x)
    with mpmath.workdps(50):
        for xi, yi in zip(points, y.tolist(), strict=True):
            want = float(exact_value(g, xi))
            assert abs(yi - want) <= 1e-12 * abs(want) + 1e-300, (name, xi, yi, want)
    if plan.torch.when:  # the built-in only at those values: at others, derive's formula computes g
        other = {p.name: 2 * p.default for p in plan.parameters}
        values = {p.symbol: other[p.name] for p in plan.parameters}
        g = compiled(stable(plan.definition.subs(values)), plan.variable, "mpmath")
        y = module.FUNCTIONS[name](x, **other)
        with mpmath.workdps(50):
            for xi, yi in zip(points, y.tolist(), strict=True):
                want = float(exact_value(g, xi))
                assert abs(yi - want) <= 1e-12 * abs(want) + 1e-300, (name, other, xi, yi, want)


def test_a_parameter_outside_what_was_proved_is_refused(generated):
    module, _ = generated["torch"]
    with pytest.raises(ValueError, match="alpha > 0"):
        module.leaky_relu(torch.ones(3), alpha=-0.1)


def test_float32_stays_float32(generated):
    module, _ = generated["torch"]
    for name in NAMES:
        x = _points(torch.float32)
        y, dy = _gradient(module.FUNCTIONS[name], x)
        assert y.dtype == dy.dtype == torch.float32, name
        assert torch.isfinite(dy).all(), name
