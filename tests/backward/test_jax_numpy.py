"""The generated JAX and NumPy modules (issue 14): JAX's own gradient checks, and every module
importable, ruff-clean and agreeing with derive's proved derivative."""

from __future__ import annotations

import subprocess
import sys

import jax
import numpy as np
import pytest
from helpers import keywords
from jax.test_util import check_grads

from derive.knowledge.activations import LIBRARY
from derive.testing import assert_backward

jax.config.update("jax_enable_x64", True)  # before any array is made: check_grads compares in float64

NAMES = [a.name for a in LIBRARY]


@pytest.mark.parametrize("name", NAMES)
def test_jax_check_grads_of_order_two(generated, name):
    module, _ = generated["jax"]
    x = jax.numpy.linspace(-4.0, 4.0, 23, dtype=jax.numpy.float64) + 0.0123  # no kink among them
    check_grads(module.FUNCTIONS[name], (x,), order=2, modes=["rev"])


@pytest.mark.parametrize("framework", ["torch", "jax", "numpy"])
def test_the_generated_module_is_ruff_clean(generated, framework):
    _, path = generated[framework]
    # ruff from this interpreter's environment (the test extra installs it), never from a PATH only a shell has
    r = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", str(path)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("framework", ["torch", "jax", "numpy"])
def test_every_module_has_functions_and_saves(generated, plans, framework):
    module, _ = generated[framework]
    assert set(module.FUNCTIONS) == set(module.SAVES) == set(plans)
    for name, plan in plans.items():
        assert module.SAVES[name] == ("output" if plan.form is not None else "input")
        assert "Proved:" in module.FUNCTIONS[name].__doc__


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_numpy_backward_agrees_with_the_proved_derivative(generated, plans, name, dtype):
    module, _ = generated["numpy"]
    forward, backward = module.FUNCTIONS[name], getattr(module, f"{name}_backward")
    x = np.linspace(-5, 5, 41, dtype=dtype) + np.asarray(0.0123, dtype=dtype)
    y, saved = forward(x)
    assert y.dtype == np.dtype(dtype) and backward(np.ones_like(x), saved).dtype == np.dtype(dtype)
    assert (
        assert_backward(backward, name, saves=module.SAVES[name], dtype=dtype, params=keywords(plans[name])) > 300
    )  # exp overflows float32 past 88
