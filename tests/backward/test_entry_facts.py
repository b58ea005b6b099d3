"""Issue 28, point 5: the facts the backward writer uses are fields of the registry's and the library's
entries, true of PyTorch: which functions run in place (``KnownFunction.in_place``), which are exactly 0
at 0 (``zero_at_zero``), and which PyTorch kernel computes an activation (its spelling marked ``kernel``,
or the kernel of an entry that is it at some values: swish is F.silu where β = 1)."""

from __future__ import annotations

import ast
import inspect

import pytest
import torch
from sympy import S

from derive.backward import in_place
from derive.knowledge import registry
from derive.knowledge.activations import LIBRARY, require

IN_PLACE = [e for e in registry.FUNCTIONS if e.in_place]
ZERO_AT_ZERO = [e for e in registry.FUNCTIONS if e.zero_at_zero]


def _torch_function(qualified: str):  # noqa: ANN202 - a torch function or an ATen operator
    value = torch
    for part in qualified.split(".")[1:]:
        value = getattr(value, part)
    return value


def test_the_writers_tables_are_the_entries():
    assert in_place.IN_PLACE_FUNCTIONS == registry.in_place_methods()
    assert in_place.ZERO_AT_ZERO == registry.zero_at_zero()
    assert set(in_place.IN_PLACE_FUNCTIONS) >= {"exp", "expm1", "tanh", "sigmoid", "Abs"}
    # and no table of functions is written in the writer itself: no literal collection names one
    names = set(registry.in_place_methods()) | set(registry.zero_at_zero())
    tree = ast.parse(inspect.getsource(in_place))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict | ast.Set | ast.List | ast.Tuple):
            items = [*getattr(node, "keys", []), *getattr(node, "elts", [])]
            written = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
            assert not written & names, written


@pytest.mark.parametrize("entry", IN_PLACE, ids=lambda e: e.name)
def test_an_in_place_function_has_its_method_and_in_place_variant(entry):
    name = in_place.IN_PLACE_FUNCTIONS[getattr(entry.function, "__name__", entry.name)]
    x = torch.linspace(-3, 3, 13, dtype=torch.float64).abs_().add_(0.5)  # in every domain here (log: x > 0)
    want = _torch_function(entry.torch)(x)
    assert torch.equal(getattr(x, name)(), want)
    t = x.clone()
    assert getattr(t, f"{name}_")() is t and torch.equal(t, want)


@pytest.mark.parametrize("entry", ZERO_AT_ZERO, ids=lambda e: e.name)
def test_a_function_zero_at_zero_is_exactly_zero_there(entry):
    assert entry.function(S.Zero) == 0
    if entry.torch is not None:
        for dtype in (torch.float32, torch.float64):
            assert _torch_function(entry.torch)(torch.zeros(1, dtype=dtype)).item() == 0.0


@pytest.mark.parametrize("entry", [a for a in LIBRARY if a.torch is not None], ids=lambda a: a.name)
def test_a_kernel_is_a_spelling_of_the_entry_or_of_the_entry_it_is_at_some_values(entry):
    kernel = entry.torch
    assert callable(_torch_function(kernel.name))
    marked = [s for s in entry.code if s.kernel]
    if marked:
        (spelling,) = marked
        assert kernel.name == spelling.names[0] and not kernel.when
        parameters = {p for p, _ in entry.defaults} | {k.sets for k in spelling.keywords} - set(dict(entry.constants))
        assert {p for _, p in kernel.keywords} <= parameters
        assert [k for k, _ in kernel.keywords] == [k.name for k in spelling.keywords if k.sets in parameters]
        return
    (special,) = [a for a in LIBRARY if a.case is not None and a.case.of == entry.name and a.torch is not None]
    assert (kernel.name, kernel.when) == (special.torch.name, special.case.at)


def test_swish_runs_silus_kernel_at_beta_one():
    assert require("swish").torch.name == "torch.nn.functional.silu"
    assert require("swish").torch.when == (("beta", 1.0),)
    assert require("softplus_beta").torch is None  # softplus has no kernel: PyTorch's has a threshold
