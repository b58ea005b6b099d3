"""Issue 30, point 2: `derive check-backward FILE.py:NAME` and derive.check_backward.

Five hand-written backward passes of our own, each right and with a planted mistake: a torch.autograd.Function, a
jax.custom_vjp pair, a jax.custom_jvp rule, a NumPy forward with its backward(dout, x), and a plain Python
function with its derivative.  derive proves the right ones (exit status 0) and shows the wrong ones at a point
(exit status 1), naming the mistake where one of its catalogue reproduces it.  The test runs each snippet with
PyTorch, JAX or NumPy itself: at derive's point, the value derive says the backward gives is what the framework's
backward gives, and derive's g' is what the framework's autograd of the forward gives.
"""

from __future__ import annotations

import importlib.util
import json
import textwrap

import jax
import numpy as np
import pytest
import torch
from click.testing import CliRunner

import derive
from derive import DeriveError
from derive.backward.check import check
from derive.cli import main

jax.config.update("jax_enable_x64", True)

TORCH = '''
import torch


class SquareplusFunction(torch.autograd.Function):
    """Squareplus with b = 4, keeping its input for the backward pass."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (x + torch.sqrt(x * x + 4.0))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 0.5 * (1.0 + x * torch.rsqrt(x * x + 4.0))


class SquareplusHalfLost(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * (x + torch.sqrt(x * x + 4.0))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (1.0 + x * torch.rsqrt(x * x + 4.0))
'''

JAX_VJP = """
import jax
import jax.numpy as jnp


@jax.custom_vjp
def tanh_act(x):
    return jnp.tanh(x)


def tanh_act_fwd(x):
    y = jnp.tanh(x)
    return y, (y,)


def tanh_act_bwd(res, g):
    (y,) = res
    return (g * (1 - y**2),)


tanh_act.defvjp(tanh_act_fwd, tanh_act_bwd)


@jax.custom_vjp
def tanh_slip(x):
    return jnp.tanh(x)


def tanh_slip_fwd(x):
    return jnp.tanh(x), x


def tanh_slip_bwd(x, g):
    return (g * (1 - x**2),)


tanh_slip.defvjp(tanh_slip_fwd, tanh_slip_bwd)
"""

JAX_JVP = """
import jax
import jax.numpy as jnp
from jax import custom_jvp


@custom_jvp
def softplus(x):
    return jnp.logaddexp(x, 0.0)


@softplus.defjvp
def softplus_jvp(primals, tangents):
    (x,) = primals
    (x_dot,) = tangents
    return softplus(x), x_dot * jax.nn.sigmoid(x)


@custom_jvp
def softplus_flipped(x):
    return jnp.logaddexp(x, 0.0)


@softplus_flipped.defjvp
def softplus_flipped_jvp(primals, tangents):
    x, = primals
    x_dot, = tangents
    y = softplus_flipped(x)
    return y, -x_dot * jax.nn.sigmoid(x)
"""

NUMPY = """
import numpy as np

SLOPE = 0.01


def leaky_relu(x):
    return np.where(x > 0, x, SLOPE * x)


def leaky_relu_backward(dout, x):
    dx = np.ones_like(x)
    dx = np.where(x > 0, dx, SLOPE)
    return dout * dx


def leaky_relu_nodout(x):
    return np.maximum(x, SLOPE * x)


def leaky_relu_nodout_backward(dout, x):
    return np.where(x > 0, 1.0, SLOPE)
"""

PLAIN = """
import math


def swish(x, beta=1.0):
    return x / (1.0 + math.exp(-beta * x))


def swish_grad(x, beta=1.0):
    s = 1.0 / (1.0 + math.exp(-beta * x))
    return s + beta * x * s * (1.0 - s)


def swish_chain(x, beta=1.0):
    return x / (1.0 + math.exp(-beta * x))


def swish_chain_grad(x, beta=1.0):
    s = 1.0 / (1.0 + math.exp(-beta * x))
    return s + x * s * (1.0 - s)
"""


def _load(tmp_path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(f"check_backward_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, module


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backward")
    return {
        name: _load(folder, name, source)
        for name, source in (("torch_fn", TORCH), ("jax_vjp", JAX_VJP), ("jax_jvp", JAX_JVP), ("numpy_pair", NUMPY),
                             ("plain_pair", PLAIN))
    }  # fmt: skip


# --- what the frameworks give at a point: the backward as run, and autograd's derivative of the forward -------


def torch_backward(module, name, at: float, grad: float = 1.0) -> float:
    x = torch.tensor([at], dtype=torch.float64, requires_grad=True)
    y = getattr(module, name).apply(x)
    (dx,) = torch.autograd.grad(y, x, grad_outputs=torch.full_like(y, grad))
    return float(dx[0])


def torch_true(module, name, at: float) -> float:
    class Ctx:
        def save_for_backward(self, *tensors):
            pass

    x = torch.tensor([at], dtype=torch.float64, requires_grad=True)
    y = getattr(module, name).forward(Ctx(), x)  # the forward as plain PyTorch: autograd's own derivative
    (dx,) = torch.autograd.grad(y.sum(), x)
    return float(dx[0])


def jax_backward(module, name, at: float, grad: float = 1.0) -> float:
    _, pullback = jax.vjp(getattr(module, name), jax.numpy.float64(at))
    return float(pullback(jax.numpy.float64(grad))[0])


def jax_true(module, name, at: float) -> float:
    return float(jax.grad(getattr(module, name).fun)(jax.numpy.float64(at)))  # custom_* .fun: the plain forward


def numpy_backward(module, name, at: float, grad: float = 1.0) -> float:
    return float(getattr(module, f"{name}_backward")(np.float64(grad), np.float64(at)))


def numpy_true(module, name, at: float) -> float:
    forward = getattr(module, name)
    return float(jax.grad(lambda v: jax.numpy.where(v > 0, v, module.SLOPE * v))(at)) if forward else 0.0


def plain_backward(module, name, at: float, grad: float = 1.0, beta: float = 1.5) -> float:
    return grad * getattr(module, f"{name}_grad")(at, beta)


def plain_true(module, name, at: float, beta: float = 1.5) -> float:
    return float(jax.grad(lambda v: v / (1.0 + jax.numpy.exp(-beta * v)))(at))


RIGHT = [
    ("torch_fn", "SquareplusFunction", "autograd.Function"),
    ("jax_vjp", "tanh_act", "custom_vjp"),
    ("jax_jvp", "softplus", "custom_jvp"),
    ("numpy_pair", "leaky_relu", "derivative function"),
    ("plain_pair", "swish", "derivative function"),
]

WRONG = [  # (file, name, the framework's functions, the mistake derive names, or None)
    ("torch_fn", "SquareplusHalfLost", torch_backward, torch_true, "constant-factor"),
    ("jax_vjp", "tanh_slip", jax_backward, jax_true, "input-for-output"),
    ("jax_jvp", "softplus_flipped", jax_backward, jax_true, "sign-flipped"),
    ("numpy_pair", "leaky_relu_nodout", numpy_backward, numpy_true, "grad-output-dropped"),
    ("plain_pair", "swish_chain", plain_backward, plain_true, None),
]


@pytest.mark.parametrize("file, name, kind", RIGHT, ids=[r[1] for r in RIGHT])
def test_a_right_backward_is_proved(files, file, name, kind):
    path, _ = files[file]
    verdict = check(f"{path}:{name}")
    assert verdict.holds and verdict.kind == kind, verdict.report()
    assert verdict.proof.startswith("symbolic"), verdict.proof
    assert verdict.point is None and verdict.mistake is None


@pytest.mark.parametrize("file, name, ran, true, mistake", WRONG, ids=[w[1] for w in WRONG])
def test_a_planted_mistake_is_shown_at_a_point_with_both_values(files, file, name, ran, true, mistake):
    path, module = files[file]
    verdict = check(f"{path}:{name}")
    assert not verdict.holds, verdict.report()
    assert verdict.mistake == mistake, verdict.report()
    at = float(verdict.point)
    grad = verdict.incoming
    # what the code's backward gives there, run by the framework, and the forward's true derivative
    assert verdict.code_value == pytest.approx(ran(module, name, at, grad), rel=1e-9)
    assert verdict.derivative_value == pytest.approx(grad * true(module, name, at), rel=1e-9)
    assert f"{verdict.code_value:.4g}" != f"{verdict.derivative_value:.4g}"  # they differ in 4 digits


@pytest.mark.parametrize("file, name, kind", RIGHT, ids=[r[1] for r in RIGHT])
def test_the_frameworks_agree_that_the_right_ones_are_right(files, file, name, kind):
    """The snippets themselves: each right backward gives autograd's derivative (so the test's verdicts are true)."""
    _, module = files[file]
    ran, true = {
        "torch_fn": (torch_backward, torch_true),
        "jax_vjp": (jax_backward, jax_true),
        "jax_jvp": (jax_backward, jax_true),
        "numpy_pair": (numpy_backward, numpy_true),
        "plain_pair": (plain_backward, plain_true),
    }[file]
    for at in (-2.5, -0.5, 0.5, 1.5, 3.0):
        assert ran(module, name, at) == pytest.approx(true(module, name, at), rel=1e-9)


def test_the_cli_exits_0_when_right_and_1_when_it_differs(files):
    path, _ = files["torch_fn"]
    right = CliRunner().invoke(main, ["check-backward", f"{path}:SquareplusFunction"])
    assert right.exit_code == 0 and "right: the backward is g′(x)·grad_output, proved symbolic" in right.output
    wrong = CliRunner().invoke(main, ["check-backward", f"{path}:SquareplusHalfLost"])
    assert wrong.exit_code == 1, wrong.output
    assert "WRONG: at x = 0.5 the backward gives 1.243 per unit of grad_output, g′(x) = 0.6213" in wrong.output
    assert "mistake: constant-factor" in wrong.output
    data = json.loads(CliRunner().invoke(main, ["check-backward", f"{path}:SquareplusHalfLost", "--json"]).output)
    assert data["holds"] is False and data["point"] == 0.5 and data["mistake"] == "constant-factor"


def test_a_derivative_named_on_the_command_line(files):
    path, _ = files["plain_pair"]
    result = CliRunner().invoke(main, ["check-backward", f"{path}:swish_chain", "--backward", "swish_grad"])
    assert result.exit_code == 0, result.output


def test_a_derivative_written_for_the_output_is_right(tmp_path):
    """sigmoid_derivative(s) = s(1 - s) takes s = σ(x), as from-scratch code writes it: right, and said."""
    path = tmp_path / "scratch.py"
    path.write_text(
        "import numpy as np\n\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\n\n"
        "def sigmoid_derivative(s):\n    return s * (1 - s)\n"
    )
    verdict = check(f"{path}:sigmoid")
    assert verdict.holds and verdict.takes_output


def test_the_python_api_is_exported(files):
    path, _ = files["jax_jvp"]
    assert derive.check_backward(f"{path}:softplus").holds


BAD = [
    ("nope.py:f", "cannot read"),
    ("{path}", "is a file: name its function, "),
    ("nope.py", "check-backward takes FILE.py:NAME"),
    ("{path}:missing", "defines no function or class 'missing'"),
    ("{path}:lonely", "has no backward derive can find"),
    ("{path}:Broken", "at line 15, column 9: backward's body must be"),
]


@pytest.mark.parametrize("target, message", BAD, ids=[b[1][:30] for b in BAD])
def test_bad_input_is_one_line_and_status_2(tmp_path, target, message):
    path = tmp_path / "bad.py"
    path.write_text(
        "import torch\n\n\ndef lonely(x):\n    return torch.tanh(x)\n\n\n"
        "class Broken(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        return x * 2\n\n"
        "    @staticmethod\n    def backward(ctx, grad_output):\n        for _ in range(2):\n"
        "            grad_output = grad_output * 2\n        return grad_output\n"
    )
    result = CliRunner().invoke(main, ["check-backward", target.format(path=path)])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and message in result.output, result.output
    with pytest.raises(DeriveError):
        check(target.format(path=path))


SHAPES = '''
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import torch


class ReLU:
    """A from-scratch layer: forward keeps its input, backward(dout) reads it."""

    def forward(self, x):
        self.x = x
        return np.maximum(0, x)

    def backward(self, dout):
        return dout * (self.x > 0)


class Sigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, grad):
        return grad * self.out * (1 - self.out)


class LeakyFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope=0.1):
        ctx.slope = slope
        ctx.save_for_backward(x)
        return torch.where(x > 0, x, slope * x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[x < 0] *= ctx.slope
        return grad_input, None


class ExpFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            return grad_output * y
        return None


@partial(jax.custom_vjp, nondiff_argnums=(1,))
def celu(x, alpha=1.0):
    return jnp.where(x > 0, x, alpha * (jnp.exp(x / alpha) - 1))


def celu_fwd(x, alpha):
    return celu(x, alpha), x


def celu_bwd(alpha, x, g):
    return (g * jnp.where(x > 0, 1.0, jnp.exp(x / alpha)),)


celu.defvjp(celu_fwd, celu_bwd)
'''


@pytest.mark.parametrize(
    "name, kind",
    [
        ("ReLU", "backward method"),
        ("Sigmoid", "backward method"),
        ("LeakyFunction", "autograd.Function"),
        ("ExpFunction", "autograd.Function"),
        ("celu", "custom_vjp"),
    ],
)
def test_more_shapes_of_a_backward_are_read_and_proved(tmp_path, name, kind):
    path, module = _load(tmp_path, "shapes", SHAPES)
    verdict = check(f"{path}:{name}")
    assert verdict.holds and verdict.kind == kind, verdict.report()
    if name == "LeakyFunction":  # the snippet itself: its backward is autograd's derivative at slope 0.1
        for at in (-2.0, 1.0):
            x = torch.tensor([at], dtype=torch.float64, requires_grad=True)
            (dx,) = torch.autograd.grad(module.LeakyFunction.apply(x).sum(), x)
            assert float(dx[0]) == (1.0 if at > 0 else 0.1)


SCIKIT = """
import numpy as np
from scipy.special import expit as logistic_sigmoid


def inplace_logistic(X):
    logistic_sigmoid(X, out=X)


def inplace_logistic_derivative(Z, delta):
    delta *= Z
    delta *= 1 - Z


def inplace_relu(X):
    np.maximum(X, 0, out=X)


def inplace_relu_derivative(Z, delta):
    delta[Z == 0] = 0


def inplace_tanh(X):
    np.tanh(X, out=X)


def inplace_tanh_derivative(Z, delta):
    delta *= 1 - Z
"""


@pytest.mark.parametrize("name, holds", [("inplace_logistic", True), ("inplace_relu", True), ("inplace_tanh", False)])
def test_a_derivative_that_changes_the_gradient_in_place_from_the_output(tmp_path, name, holds):
    """scikit-learn's style: f(X) writes into X, f_derivative(Z, delta) multiplies delta in place, Z the output."""
    path, module = _load(tmp_path, "scikit", SCIKIT)
    verdict = check(f"{path}:{name}")
    assert verdict.holds is holds, verdict.report()
    if holds:
        assert verdict.takes_output
        for at in (-1.5, 0.5, 2.0):  # the snippet itself, run: delta becomes g'(x) for delta = 1
            z = np.array([at])
            getattr(module, name)(z)
            delta = np.array([1.0])
            getattr(module, f"{name}_derivative")(z, delta)
            slope = jax.grad(lambda v: jax.nn.sigmoid(v) if name == "inplace_logistic" else jax.nn.relu(v))(at)
            assert float(delta[0]) == pytest.approx(float(slope))


def test_a_class_inside_a_class_is_named_with_a_dot(tmp_path):
    path, _ = _load(
        tmp_path,
        "nested",
        """
import torch
import torch.nn.functional as F


class LowMemoryMish(torch.nn.Module):
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
""",
    )
    verdict = check(f"{path}:LowMemoryMish.F")
    assert verdict.holds and verdict.kind == "autograd.Function", verdict.report()


REVIEW = """
import jax
import jax.numpy as jnp
import torch


@jax.custom_jvp
def elu(x, alpha=1.0):
    safe = jnp.where(x > 0, 0.0, x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(safe))


@elu.defjvp
def elu_jvp(primals, tangents):
    x, alpha = primals
    t, _ = tangents
    y = elu(x, alpha)
    return y, jnp.where(x > 0, 1.0, y + alpha) * t


@jax.custom_jvp
def elu_slip(x, alpha=1.0):
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x)))


@elu_slip.defjvp
def elu_slip_jvp(primals, tangents):
    x, alpha = primals
    t, _ = tangents
    y = elu_slip(x, alpha)
    return y, jnp.where(x > 0, 1.0, y) * t


class SwishFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, grad_output):
        x, s = ctx.saved_tensors
        return grad_output * (s * (1 + x * (1 - s)))


class SwishLost(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        s = torch.sigmoid(inp)
        ctx.save_for_backward(inp, s)
        return inp * s

    @staticmethod
    def backward(ctx, grad_output):
        inp, s = ctx.saved_tensors
        return grad_output * s


swish = SwishFn.apply
swish_lost = SwishLost.apply
"""


def test_a_custom_jvp_unpacks_its_primals_and_tangents(tmp_path):
    """elu(x, alpha) with ``x, alpha = primals``: alpha is a parameter whose tangent is 0; JAX agrees at alpha = 1."""
    path, module = _load(tmp_path, "review_jvp", REVIEW)
    verdict = check(f"{path}:elu")
    assert verdict.holds and verdict.kind == "custom_jvp", verdict.report()
    for at in (-2.5, -0.5, 0.5, 1.5):  # the snippet, run by JAX: its rule is autograd's derivative
        assert jax_backward(module, "elu", at) == pytest.approx(jax_true(module, "elu", at), rel=1e-9)
    wrong = check(f"{path}:elu_slip")
    assert not wrong.holds, wrong.report()
    at, alpha, grad = float(wrong.point), float(wrong.parameters["alpha"]), wrong.incoming
    ran = jax.jvp(lambda v: module.elu_slip(v, alpha), (jax.numpy.float64(at),), (jax.numpy.float64(grad),))[1]
    true = jax.grad(lambda v: module.elu_slip.fun(v, alpha))(jax.numpy.float64(at))
    assert wrong.code_value == pytest.approx(float(ran), rel=1e-9)
    assert wrong.derivative_value == pytest.approx(grad * float(true), rel=1e-9)


@pytest.mark.parametrize("name, holds", [("swish", True), ("swish_lost", False)])
def test_a_name_bound_to_an_autograd_functions_apply_checks_its_backward(tmp_path, name, holds):
    path, module = _load(tmp_path, "review_apply", REVIEW)
    verdict = check(f"{path}:{name}")
    assert verdict.holds is holds and verdict.kind == "autograd.Function", verdict.report()
    cls = {"swish": "SwishFn", "swish_lost": "SwishLost"}[name]
    assert verdict.backward == f"{cls}.backward"
    if holds:
        for at in (-2.5, -0.5, 0.5, 1.5):
            assert torch_backward(module, cls, at) == pytest.approx(torch_true(module, cls, at), rel=1e-9)
    else:
        at, grad = float(verdict.point), verdict.incoming
        assert verdict.code_value == pytest.approx(torch_backward(module, cls, at, grad), rel=1e-9)
        assert verdict.derivative_value == pytest.approx(grad * torch_true(module, cls, at), rel=1e-9)
