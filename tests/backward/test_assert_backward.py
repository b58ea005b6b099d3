"""derive.testing.assert_backward: passes correct backward passes in every form it takes, and names
the point, the values and the error of a wrong or inexact one (issue 14)."""

from __future__ import annotations

import re

import jax
import numpy as np
import pytest
import torch

from derive.testing import DEFAULT_ULPS, assert_backward, backward_points

jax.config.update("jax_enable_x64", True)


def test_points_reach_both_ends_and_both_sides_of_every_kink():
    points = backward_points("relu6", "float64")
    magnitudes = [abs(p) for p in points if p]
    assert min(magnitudes) <= 1e-8 and max(magnitudes) >= 699
    for kink in (0.0, 6.0):
        assert any(kink - 1e-9 < p < kink for p in points) and any(kink < p < kink + 1e-9 for p in points)


def test_a_correct_backward_from_the_output_passes():
    assert assert_backward(lambda grad, y: grad * (1 - y) * (1 + y), "tanh", saves="output") > 300


def test_a_wrong_backward_is_caught_with_the_point_the_values_and_the_ulps():
    # a deliberate bug: tanh' written 1 - y instead of 1 - y²
    with pytest.raises(AssertionError) as caught:
        assert_backward(lambda grad, y: grad * (1 - y), "tanh", saves="output")
    message = str(caught.value)
    assert re.search(
        r"at z = -?[0-9.e+-]+ \(float64\): expected -?[0-9.e+-]+, got -?[0-9.e+-]+, [0-9.e+]+ ULPs off", message
    )


def test_a_float32_cancellation_is_caught():
    # softplus' = 1 - e^{-y}: right in exact arithmetic, but in float32 e^{-y} rounds to 1 for y < 6e-8
    # (x < -16.6), and the gradient comes out 0; -expm1(-y) keeps every digit
    def cancelling(grad, y):
        return grad * (1 - np.exp(-y))

    def exact(grad, y):
        return grad * -np.expm1(-y)

    assert assert_backward(exact, "softplus", saves="output", dtype="float32") > 300
    with pytest.raises(AssertionError, match="float32"):
        assert_backward(cancelling, "softplus", saves="output", dtype="float32")


def test_the_tolerance_is_a_parameter():
    # sigmoid's y(1 - y) rounds to a few ULPs: within the default, not within a tenth of one
    def backward(grad, y):
        return grad * y * (1 - y)

    assert DEFAULT_ULPS == 16
    assert_backward(backward, "sigmoid", saves="output")
    with pytest.raises(AssertionError):
        assert_backward(backward, "sigmoid", saves="output", ulps=0.1)


def test_an_autograd_function_and_a_custom_vjp_are_checked_as_they_run():
    class Sigmoid(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = torch.sigmoid(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y * (1 - y)

    assert assert_backward(Sigmoid, "sigmoid", dtype="float32") > 300

    @jax.custom_vjp
    def sigmoid(x):
        return jax.nn.sigmoid(x)

    def forward(x):
        y = jax.nn.sigmoid(x)
        return y, y

    def backward(y, grad):
        return (grad * y * (1 - y),)

    sigmoid.defvjp(forward, backward)
    assert assert_backward(sigmoid, "sigmoid") > 300

    class Wrong(Sigmoid):
        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    with pytest.raises(AssertionError, match="ULPs off"):
        assert_backward(Wrong, "sigmoid")


def test_saving_the_output_of_a_function_without_an_output_form_is_refused():
    with pytest.raises(AssertionError, match="no output form"):
        assert_backward(lambda grad, y: grad, "gelu", saves="output")


@pytest.mark.parametrize("framework", ["torch", "jax", "numpy"])
def test_a_backward_through_real_cube_roots_keeps_only_the_output(tmp_path, framework):
    """tanh's triple angle: its output form takes two real cube roots (Cardano's, radicands of either
    sign); each framework's code gets the real root (torch has no cbrt, and (-8)**(1/3) is nan)."""
    import importlib.util

    from derive.backward import module_source, plan

    target = "z*(3+z**2)/(1+3*z**2)"
    path = tmp_path / f"triple_{framework}.py"
    path.write_text(module_source([plan(target, name="triple")], framework, "derive backward"))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.SAVES == {"triple": "output"}
    fn = module.triple_backward if framework == "numpy" else module.triple
    saves = {"saves": "output"} if framework == "numpy" else {}
    for dtype in ("float64", "float32"):
        assert assert_backward(fn, target, dtype=dtype, **saves) > 300
