"""Issue 30, point 1: the shapes of real modules and functions.

Guards before the return (``assert``, ``torch._check``, an ``if`` that raises, ``has_torch_function`` dispatch),
an ``if`` with two returns (a piecewise function, or a flag's branch, said), ``if inplace:`` (both branches read,
taken when they compute the same function, refused when not), a submodule built in ``__init__`` and called in
``forward``, an inherited ``forward``, a module-level function whose first argument is ``self`` (as PyTorch's
decompositions write them), attributes named like builtins (``self.min``), and ``torch.autograd.Function``,
whose forward is the activation.  Each snippet is written here in those styles and run by the test with
PyTorch; derive reads it and the values are compared.
"""

from __future__ import annotations

import importlib.util
import textwrap

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from helpers import load_snippet as load
from helpers import value_at as value
from sympy import Symbol

from derive import ParseError, derive
from derive.cli import main
from derive.reading.code import read_file

POINTS = [-7.0, -3.5, -3.0, -1.2, -0.4, 0.0, 0.6, 1.0, 2.9, 3.0, 5.5, 6.5]

MODULES = """
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import has_torch_function_unary, handle_torch_function


def relu(input, inplace: bool = False):
    if has_torch_function_unary(input):
        return handle_torch_function(relu, (input,), input, inplace=inplace)
    if inplace:
        result = torch.relu_(input)
    else:
        result = torch.relu(input)
    return result


def checked_softsign(x):
    assert x is not None, "an input"
    torch._check(x.dtype.is_floating_point, lambda: "a float tensor")
    if x.dim() > 8:
        raise ValueError("too many dimensions")
    return x / (1 + x.abs())


def hard_swish(x, inplace: bool = False):
    inner = F.relu6(x + 3.0).div_(6.0)
    return x.mul_(inner) if inplace else x.mul(inner)


def leaky(x, negative_slope: float = 0.1):
    if x > 0:
        return x
    return negative_slope * x


def hardswish(self):
    return self * torch.clamp(torch.clamp(self + 3, min=0), max=6) / 6


def hardsigmoid(self):
    return torch.clamp(torch.clamp(self + 3, min=0), max=6) / 6


class HardSwishModule(nn.Module):
    def __init__(self, inplace: bool = False):
        super().__init__()
        self.act = nn.ReLU6(inplace=inplace)

    def forward(self, x):
        return x * self.act(x + 3.0) / 6.0


class Clamp(nn.Module):
    def __init__(self, min_val: float = -1.0, max_val: float = 1.0):
        super().__init__()
        self.min = min_val
        self.max = max_val

    def forward(self, x):
        return torch.clamp(x, self.min, self.max)


class ReLU6Like(Clamp):
    def __init__(self):
        super().__init__(0.0, 6.0)


class GELUTanh(nn.Module):
    def __init__(self, approximate: str = "tanh"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)


class SwishFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * s * (1 + x * (1 - s))


def swish_or_tanh(x, inplace: bool = False):
    if inplace:
        return x.sigmoid_()
    return torch.tanh(x)
"""

READ = [
    "relu",
    "checked_softsign",
    "hard_swish",
    "hardswish",
    "hardsigmoid",
    "HardSwishModule",
    "ReLU6Like",
    "GELUTanh",
    "SwishFunction",
]


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    return load(tmp_path_factory.mktemp("modules"), MODULES, "layers_for_derive")


def run(module, name: str, at: float) -> float:
    thing = getattr(module, name)
    x = torch.tensor([at], dtype=torch.float64)
    if isinstance(thing, type) and issubclass(thing, torch.autograd.Function):
        return float(thing.apply(x)[0])
    if isinstance(thing, type):
        return float(thing()(x)[0])
    return float(thing(x)[0])


@pytest.mark.parametrize("name", READ)
def test_each_shape_reads_as_torch_computes_it(modules, name):
    path, module = modules
    reading = read_file(str(path), name)
    for at in POINTS:
        assert value(reading.expr, reading.variable, at) == pytest.approx(run(module, name, at), rel=1e-12), (name, at)


def test_an_if_on_the_variable_is_a_piecewise_function(modules):
    path, module = modules
    reading = read_file(str(path), "leaky")
    for at in POINTS:
        theirs = module.leaky(at, 0.25)  # plain Python numbers: the code's own if
        assert value(reading.expr, "x", at, negative_slope=0.25) == pytest.approx(theirs)


def test_a_builtin_named_attribute_is_a_parameter_of_its_own(modules):
    path, module = modules
    reading = read_file(str(path), "Clamp")
    lo, hi = Symbol("min_", positive=True), Symbol("max_", positive=True)
    assert {lo, hi} <= reading.expr.free_symbols
    clamp = module.Clamp(0.5, 2.0)
    for at in POINTS:
        theirs = float(clamp(torch.tensor([at], dtype=torch.float64))[0])
        assert value(reading.expr, "x", at, min_=0.5, max_=2.0) == pytest.approx(theirs)
    derive(f"{path}:Clamp")  # derived, not "a bug in derive"


def test_the_inplace_switch_is_said_and_both_branches_agree(modules):
    path, _ = modules
    said = read_file(str(path), "hard_swish").conventions
    assert any("`if inplace` as either branch" in c for c in said), said
    assert any("has_torch_function() as False" in c for c in read_file(str(path), "relu").conventions)


def test_branches_that_differ_are_refused_in_one_line_at_their_if(modules):
    path, _ = modules
    with pytest.raises(ParseError, match=r"line \d+, column 5: the branches of `if inplace` compute different") as e:
        read_file(str(path), "swish_or_tanh")
    assert "\n" not in str(e.value)


def test_a_decomposition_differentiates_in_its_self_argument(modules):
    path, _ = modules
    d = derive(f"{path}:hardsigmoid")
    assert d.variable.name == "self"


def test_the_cli_reads_a_module_and_says_its_choices(modules):
    path, _ = modules
    result = CliRunner().invoke(main, ["steps", f"{path}:hard_swish"])
    assert result.exit_code == 0, result.output
    assert "note: read `if inplace` as either branch" in result.output


FLAGS = """
import torch
import torch.nn.functional as F


def gelu(x, approximate: str = "none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))
    return F.gelu(x)


def act(x, slope=None):
    if slope is None:
        return F.relu(x)
    return F.leaky_relu(x, slope)
"""


@pytest.mark.parametrize("name", ["gelu", "act"])
def test_a_string_or_none_flag_picks_its_branch_as_python_does(tmp_path, name):
    path = tmp_path / "flags.py"
    path.write_text(textwrap.dedent(FLAGS))
    spec = importlib.util.spec_from_file_location("flags_for_derive", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reading = read_file(str(path), name)
    assert any("as its branch for" in c for c in reading.conventions), reading.conventions
    for at in POINTS:
        assert value(reading.expr, "x", at) == pytest.approx(run(module, name, at), rel=1e-12)


SHAPES = '''
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.special import expit as logistic_sigmoid


class GELUActivation(nn.Module):
    """A choice made in __init__: the flag picks the function forward calls."""

    def __init__(self, use_gelu_python: bool = False):
        super().__init__()
        if use_gelu_python:
            self.act = self._gelu_python
        else:
            self.act = nn.functional.gelu

    def _gelu_python(self, input):
        return input * 0.5 * (1.0 + torch.erf(input / math.sqrt(2.0)))

    def forward(self, input):
        return self.act(input)


class PythonGELU(GELUActivation):
    def __init__(self):
        super().__init__(use_gelu_python=True)


class StaticSiLU(nn.Module):
    @staticmethod
    def forward(x):
        return x * torch.sigmoid(x)


class LowMemoryMish(nn.Module):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.mul(torch.tanh(F.softplus(x)))

        @staticmethod
        def backward(ctx, grad_output):
            x = ctx.saved_tensors[0]
            sx = torch.sigmoid(x)
            fx = F.softplus(x).tanh()
            return grad_output * (fx + x * sx * (1 - fx * fx))

    def forward(self, x):
        return self.F.apply(x)


class SwishFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.mul(torch.sigmoid(x))


swish_apply = SwishFn.apply


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = StaticSiLU()

    def forward(self, x):
        return self.inner(x) + 1.0


def inplace_logistic(X):
    logistic_sigmoid(X, out=X)


def inplace_relu(X):
    np.maximum(X, 0, out=X)


def inplace_identity(X):
    """Nothing to do."""


def tanh_from_output(self):
    y = torch.tanh(self)
    return (1 - y * y).conj_physical()
'''

SHAPE_NAMES = [
    "GELUActivation",
    "PythonGELU",
    "StaticSiLU",
    "LowMemoryMish",
    "LowMemoryMish.F",
    "swish_apply",
    "Outer",
    "tanh_from_output",
]


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return load(tmp_path_factory.mktemp("shapes"), SHAPES, "more_layers_for_derive")


def _thing(module, name: str):
    found = module
    for part in name.split("."):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_more_shapes_read_as_torch_computes_them(shapes, name):
    path, module = shapes
    reading = read_file(str(path), name)
    thing = _thing(module, name)
    for at in POINTS:
        x = torch.tensor([at], dtype=torch.float64)
        if isinstance(thing, type) and issubclass(thing, torch.autograd.Function):
            theirs = thing.apply(x)
        elif isinstance(thing, type):
            theirs = thing()(x)
        else:
            theirs = thing(x)
        assert value(reading.expr, reading.variable, at) == pytest.approx(float(theirs[0]), rel=1e-12), (name, at)


@pytest.mark.parametrize("name", ["inplace_logistic", "inplace_relu", "inplace_identity"])
def test_a_function_that_computes_in_place_is_its_argument_changed(shapes, name):
    """scikit-learn's style: no return, the array written with out=X."""
    path, module = shapes
    reading = read_file(str(path), name)
    assert any("which returns nothing" in c for c in reading.conventions)
    for at in POINTS:
        array = np.array([at])
        getattr(module, name)(array)
        assert value(reading.expr, "X", at) == pytest.approx(float(array[0]), rel=1e-12), (name, at)
