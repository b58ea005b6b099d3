"""Issue 30, point 1: the idioms of real code, read as the value they compute.

Iverson brackets (``x * (x > 0)``, ``(x > 0).float()``), ``torch.where``, ``ones_like``/``zeros_like``/
``full_like``, casts that keep the value (``.float()``, ``.type_as(x)``, ``.to(dtype=x.dtype)``, ``np.array(6.0,
x.dtype)``, ``.astype``), and in-place forms (``x.mul_``, ``sigmoid_``, ``clamp_``, ``F.relu(x, inplace=True)``).
Each snippet is written here in the style of a model's code; derive reads it by its syntax tree, and the test
runs the same snippet with PyTorch (or NumPy) itself and compares the values at points.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
import torch
from helpers import load_snippet as load
from helpers import value_at as value
from sympy import Symbol

from derive import ParseError
from derive.reading.code import read_code, read_file

POINTS = [-7.25, -3.0, -2.5, -1.0, -0.25, 0.0, 0.5, 1.5, 2.999, 3.0, 4.75, 8.0]


def agrees(path, module, name: str, points=POINTS, rel: float = 1e-12) -> None:
    """derive's reading of ``name`` equals what PyTorch computes with the snippet, at every point."""
    reading = read_file(str(path), name)
    for at in points:
        x = torch.tensor([at], dtype=torch.float64)
        theirs = getattr(module, name)(x.clone())
        theirs = float(theirs[0]) if hasattr(theirs, "shape") else float(theirs)
        assert value(reading.expr, reading.variable, at) == pytest.approx(theirs, rel=rel, abs=rel), (name, at)


IDIOMS = """
import torch
import torch.nn.functional as F
import numpy as np


def relu_by_mask(x):
    return x * (x > 0)


def step_float(x):
    return (x > 0).float()


def boxed(x):
    return x * ((x >= -3) & (x <= 3))


def boxed_cast(x):
    mask = ((x >= -3) & (x <= 3)).to(x.dtype)
    return x * mask + (x > 3).type_as(x) * 3.0


def leaky_where(x):
    return torch.where(x >= 0, x, torch.full_like(x, 0.2) * x)


def one_minus(x):
    return torch.ones_like(x) - torch.sigmoid(x) + torch.zeros_like(x)


def casts(x):
    y = x.float().double().to(dtype=x.dtype).type_as(x)
    six = torch.tensor(6.0, dtype=x.dtype, device=x.device)
    return torch.minimum(torch.relu(y), six) * x.new_tensor(0.5) + x.new_zeros(())


def numpy_casts(x):
    x = np.asarray(x)
    six = np.array(6.0, x.dtype)
    return np.minimum(np.maximum(x, 0.0), six).astype(x.dtype)


def swish_in_place(x):
    return x.mul_(torch.sigmoid(x))


def hard_sigmoid_in_place(x):
    return x.add_(3.0).clamp_(0.0, 6.0).div_(6.0)


def sigmoid_in_place(x):
    y = x.clone()
    return y.sigmoid_()


def relu_then_use(x):
    y = F.relu(x, inplace=True)
    return x + y


def augmented(x):
    y = x
    y += 1.0
    return x * y
"""

IDIOM_NAMES = [
    "relu_by_mask",
    "step_float",
    "boxed",
    "boxed_cast",
    "leaky_where",
    "one_minus",
    "casts",
    "swish_in_place",
    "hard_sigmoid_in_place",
    "sigmoid_in_place",
    "relu_then_use",
    "augmented",
]


@pytest.fixture(scope="module")
def idioms(tmp_path_factory):
    return load(tmp_path_factory.mktemp("idioms"), IDIOMS)


@pytest.mark.parametrize("name", IDIOM_NAMES)
def test_each_idiom_reads_as_the_value_torch_computes(idioms, name):
    agrees(*idioms, name, rel=1e-7 if name == "casts" else 1e-12)  # .float() rounds to float32 on the way


def test_numpy_casts_read_as_the_value_numpy_computes(idioms):
    path, module = idioms
    reading = read_file(str(path), "numpy_casts")
    for at in POINTS:
        assert value(reading.expr, "x", at) == pytest.approx(float(module.numpy_casts(np.float64(at))))


def test_an_iverson_bracket_is_a_piecewise_function_not_a_traceback():
    x = Symbol("x", real=True)
    assert read_code("x * (x > 0)", "x").expr == sympy.Piecewise((x, x > 0), (0, True))
    assert read_code("(x > 0).float()", "x").expr == sympy.Piecewise((1, x > 0), (0, True))
    both = read_code("x * ((x >= -3) & (x <= 3))", "x").expr
    assert [value(both, "x", a) for a in (-4, -3, 0.5, 3, 3.5)] == [0, -3, 0.5, 3, 0]


def test_in_place_changes_every_name_bound_to_the_tensor(idioms):
    """y = x; y += 1 changes x too: x·y is (x + 1)², as PyTorch computes it."""
    path, _ = idioms
    x = Symbol("x", real=True)
    assert sympy.expand(read_file(str(path), "augmented").expr - (x + 1) ** 2) == 0


def test_detach_is_refused_in_one_line():
    with pytest.raises(ParseError, match=r"at column \d+: detach\(\) stops the gradient") as caught:
        read_code("x * torch.sigmoid(x).detach()", "x")
    assert "\n" not in str(caught.value)
