"""Issue 30, point 1: frameworks and their paths, as real code bases import them.

TensorFlow (tf., tf.math., tf.nn., tf.keras.activations., tf.pow, tf.convert_to_tensor, tf.cast), Keras 3
(keras.ops, keras.activations), JAX's own sources (from jax._src import numpy as jnp, lax, ensure_arraylike),
math and NumPy aliases, functools.partial, @torch.jit.script, @custom_jvp and @jax.jit decorators, and classes
with __call__ as from-scratch frameworks write them.  The snippets are written here in those styles.  PyTorch
and JAX are installed in the tests: a snippet in their style is run by the test itself and compared with derive's
reading; TensorFlow and Keras are not, so their spellings are compared with what the same function is in PyTorch
or JAX (each framework's documented default).
"""

from __future__ import annotations

import textwrap

import jax
import numpy as np
import pytest
import torch
from helpers import load_snippet as load
from helpers import value_at as value
from sympy import Symbol

from derive import ParseError
from derive.reading.code import read_code, read_file

jax.config.update("jax_enable_x64", True)

POINTS = [-6.5, -2.0, -0.75, -0.1, 0.3, 1.25, 2.5, 5.0]


# --- TensorFlow and Keras: read as the same function of PyTorch or JAX ---------------------------------------

F = torch.nn.functional
T = torch.tensor

SAME = [
    ("tf.nn.relu(x)", lambda x: F.relu(x)),
    ("tf.math.sigmoid(x) * x", lambda x: torch.sigmoid(x) * x),
    ("tf.nn.silu(x)", lambda x: F.silu(x)),
    ("tf.nn.swish(x, beta=2.0)", lambda x: x * torch.sigmoid(2 * x)),
    ("tf.nn.leaky_relu(x)", lambda x: F.leaky_relu(x, 0.2)),  # TensorFlow's default slope is 0.2
    ("tf.nn.leaky_relu(x, alpha=0.1)", lambda x: F.leaky_relu(x, 0.1)),
    ("tf.nn.gelu(x)", lambda x: F.gelu(x)),  # TensorFlow's default is exact
    ("tf.nn.gelu(x, approximate=True)", lambda x: F.gelu(x, approximate="tanh")),
    ("tf.nn.elu(x)", lambda x: F.elu(x)),
    ("tf.nn.softplus(x) + tf.math.softplus(-x)", lambda x: F.softplus(x) + F.softplus(-x)),
    ("tf.math.log_sigmoid(x)", lambda x: F.logsigmoid(x)),
    ("tf.nn.relu6(x)", lambda x: F.relu6(x)),
    ("tf.pow(x, 3) + tf.math.square(x)", lambda x: x**3 + x**2),
    ("tf.maximum(x, 0.0) * tf.cast(x > 1, tf.float32)", lambda x: torch.clamp(x, min=0) * (x > 1)),
    ("tf.clip_by_value(tf.convert_to_tensor(x), -1.0, 1.0)", lambda x: torch.clamp(x, -1, 1)),
    ("tf.where(x > 0, x, tf.math.exp(x) - 1)", lambda x: torch.where(x > 0, x, torch.exp(x) - 1)),
    ("tf.keras.activations.swish(x)", lambda x: F.silu(x)),
    ("tf.keras.activations.gelu(x)", lambda x: F.gelu(x)),
    ("keras.activations.leaky_relu(x)", lambda x: F.leaky_relu(x, 0.2)),
    ("keras.activations.hard_sigmoid(x)", lambda x: F.hardsigmoid(x)),  # Keras 3's
    ("keras.ops.gelu(x)", lambda x: F.gelu(x, approximate="tanh")),  # keras.ops' default is the tanh one
    ("keras.ops.hard_silu(x)", lambda x: F.hardswish(x)),
    ("keras.ops.multiply(x, keras.ops.sigmoid(1.702 * x))", lambda x: x * torch.sigmoid(1.702 * x)),
    ("keras.ops.elu(x, alpha=0.5)", lambda x: F.elu(x, 0.5)),
    ("keras.ops.where(x > 0, x, keras.ops.zeros_like(x))", lambda x: F.relu(x)),
]


@pytest.mark.parametrize("text, same", SAME, ids=[s[0] for s in SAME])
def test_tensorflow_and_keras_read_as_the_same_function_of_pytorch(text, same):
    reading = read_code(text, "x")
    for at in POINTS:
        theirs = float(same(T([at], dtype=torch.float64))[0])
        assert value(reading.expr, "x", at) == pytest.approx(theirs, rel=1e-12, abs=1e-14), (text, at)


def test_the_defaults_that_differ_between_frameworks_are_said():
    assert any("Keras' default" in c for c in read_code("keras.ops.gelu(x)", "x").conventions)
    assert not read_code("tf.nn.gelu(x)", "x").conventions  # exact, as PyTorch's: nothing to say


def test_tf_keras_hard_sigmoid_is_a_version_switch_and_is_refused_in_one_line():
    """Keras 2 (TensorFlow up to 2.15) computes 0.2x + 0.5 clipped, Keras 3 relu6(x + 3)/6: derive does not guess."""
    with pytest.raises(ParseError, match="Keras 2's .* Keras 3's") as caught:
        read_code("tf.keras.activations.hard_sigmoid(x)", "x")
    assert "\n" not in str(caught.value)


# --- JAX's own sources, lax, decorators, partial: run by the test with JAX ------------------------------------

JAX_STYLE = """
import functools
from functools import partial

import numpy as np
import jax
from jax import custom_jvp, lax
from jax._src import numpy as jnp
from jax._src.numpy.util import ensure_arraylike


@custom_jvp
@jax.jit
def relu(x):
    return jnp.maximum(x, 0)


relu.defjvps(lambda g, ans, x: lax.select(x > 0, g, lax.full_like(g, 0)))


@jax.jit
def sigmoid(x):
    return lax.logistic(x)


@jax.jit
def silu(x):
    x_arr = ensure_arraylike("silu", x)
    return x_arr * sigmoid(x_arr)


@partial(jax.jit, static_argnames=("approximate",))
def gelu(x, approximate: bool = True):
    x_arr = ensure_arraylike("gelu", x)
    if approximate:
        sqrt_2_over_pi = np.sqrt(2 / np.pi).astype(x_arr.dtype)
        cdf = 0.5 * (1.0 + jnp.tanh(sqrt_2_over_pi * (x_arr + 0.044715 * (x_arr**3))))
        return x_arr * cdf
    else:
        sqrt_half = np.sqrt(0.5).astype(x_arr.dtype)
        return jnp.array(0.5 * x_arr * (lax.erfc(-x_arr * sqrt_half)), dtype=x_arr.dtype)


def squareplus(x, b=4):
    y = x + jnp.sqrt(jnp.square(x) + b)
    return y / 2


gelu_exact = functools.partial(gelu, approximate=False)
"""


@pytest.fixture(scope="module")
def jax_style(tmp_path_factory):
    return load(tmp_path_factory.mktemp("jax"), JAX_STYLE, "jax_style_functions")


@pytest.mark.parametrize("name", ["relu", "sigmoid", "silu", "gelu", "gelu_exact"])
def test_jax_sources_read_as_jax_computes_them(jax_style, name):
    path, module = jax_style
    reading = read_file(str(path), name)
    for at in POINTS:
        theirs = float(getattr(module, name)(jax.numpy.float64(at)))
        assert value(reading.expr, reading.variable, at) == pytest.approx(theirs, rel=1e-12, abs=1e-14), (name, at)


def test_a_flag_reads_its_branch_and_says_so(jax_style):
    path, _ = jax_style
    said = read_file(str(path), "gelu").conventions
    assert any("approximate = True" in c for c in said), said
    assert any("approximate = False" in c for c in read_file(str(path), "gelu_exact").conventions)


def test_a_numeric_argument_stays_a_parameter(jax_style):
    path, _ = jax_style
    b = Symbol("b", positive=True)
    assert b in read_file(str(path), "squareplus").expr.free_symbols


# --- PyTorch styles: jit.script, partial, math and numpy aliases, __call__ classes -----------------------------

TORCH_STYLE = """
import math
import functools
import numpy as onp
import torch
import torch.nn as nn
from torch.nn import functional as F


@torch.jit.script
def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


@torch.jit.script
def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


gelu_tanh = functools.partial(F.gelu, approximate="tanh")
silu = nn.SiLU()


class Sigmoid:
    def __call__(self, x):
        return 1 / (1 + onp.exp(-x))


class SoftPlus:
    def __call__(self, x):
        return onp.log(1 + onp.exp(x))
"""


@pytest.fixture(scope="module")
def torch_style(tmp_path_factory):
    return load(tmp_path_factory.mktemp("torchstyle"), TORCH_STYLE, "torch_style_acts")


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", ["gelu_new", "quick_gelu", "gelu_tanh", "silu"])
def test_torch_styles_read_as_torch_computes_them(torch_style, name):
    path, module = torch_style
    reading = read_file(str(path), name)
    for at in POINTS:
        theirs = float(getattr(module, name)(T([at], dtype=torch.float64))[0])
        assert value(reading.expr, reading.variable, at) == pytest.approx(theirs, rel=1e-12, abs=1e-14), (name, at)


@pytest.mark.parametrize("name", ["Sigmoid", "SoftPlus"])
def test_a_class_with_call_reads_as_numpy_computes_it(torch_style, name):
    path, module = torch_style
    reading = read_file(str(path), name)
    instance = getattr(module, name)()
    for at in POINTS:
        assert value(reading.expr, reading.variable, at) == pytest.approx(float(instance(np.float64(at))), rel=1e-12)


KERAS_STYLE = """
import numpy as np
from keras.src import backend
from keras.src import ops
from keras.src.api_export import keras_export
from keras.src.backend.numpy.core import convert_to_tensor


@keras_export("keras.activations.sigmoid")
def sigmoid(x):
    output = ops.sigmoid(x)
    try:
        output._keras_logits = x
    except AttributeError:
        pass
    return output


@keras_export("keras.activations.hard_silu")
def hard_silu(x):
    x = backend.convert_to_tensor(x)
    return ops.hard_silu(x)


def relu6(x):
    x = convert_to_tensor(x)
    return np.minimum(np.maximum(x, np.array(0.0, x.dtype)), np.array(6.0, x.dtype))


def gelu(x, approximate=True):
    x = convert_to_tensor(x)
    if approximate:
        sqrt_2_over_pi = np.sqrt(2 / np.pi).astype(x.dtype)
        inner = sqrt_2_over_pi * (x + np.array(0.044715, x.dtype) * (x**3).astype(x.dtype))
        return x * np.array(0.5, x.dtype) * (np.array(1.0, x.dtype) + np.tanh(inner))
    return x


@keras_export("keras.activations.elu")
def elu(x, alpha=1.0):
    return ops.elu(x, alpha=alpha)
"""

KERAS_SAME = [
    ("sigmoid", jax.nn.sigmoid),
    ("hard_silu", jax.nn.hard_silu),
    ("relu6", jax.nn.relu6),
    ("gelu", lambda v: jax.nn.gelu(v, approximate=True)),
    ("elu", jax.nn.elu),
]


@pytest.mark.parametrize("name, same", KERAS_SAME, ids=[k[0] for k in KERAS_SAME])
def test_keras_sources_and_backends_read_as_the_same_function_of_jax(tmp_path, name, same):
    """Keras 3's own files (keras.src.ops, its backends' convert_to_tensor, a try that tags the output); Keras is
    not installed, so the value is compared with JAX's function of the same name."""
    path = tmp_path / "activations.py"
    path.write_text(textwrap.dedent(KERAS_STYLE))
    reading = read_file(str(path), name)
    values = {Symbol("alpha", positive=True): 1}
    for at in POINTS:
        theirs = float(same(jax.numpy.float64(at)))
        assert value(reading.expr.subs(values), reading.variable, at) == pytest.approx(theirs, rel=1e-12, abs=1e-14)
