"""Point 5 of issue 21: code as ML engineers write activations, read by its syntax tree and never run."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner
from sympy import Abs, Max, Min, Piecewise, Rational, Symbol, erf, exp, log, sqrt, tanh

from derive import ParseError, derive
from derive.cli import main
from derive.knowledge.functions import sigmoid
from derive.reading import read
from derive.reading.resolve import resolve

x = Symbol("x", real=True)
alpha, beta = Symbol("alpha", positive=True), Symbol("beta", positive=True)
lam = Symbol("lambda", positive=True)

GELU_TANH = x / 2 * (1 + tanh(sqrt(2 / __import__("sympy").pi) * (x + Rational("0.044715") * x**3)))

CODE = [
    ("x * torch.sigmoid(1.702 * x)", x * sigmoid(Rational("1.702") * x)),
    ("torch.tanh(F.softplus(x)) * x", x * tanh(log(1 + exp(x)))),
    ("np.log(1 + np.exp(x))", log(1 + exp(x))),
    ("numpy.log1p(numpy.exp(x))", log(1 + exp(x))),
    ("jnp.logaddexp(0, x)", log(1 + exp(x))),
    ("jax.nn.relu(x)", Max(0, x)),
    ("F.relu(x, inplace=True)", Max(0, x)),
    ("torch.clamp(x, min=0)", Max(0, x)),
    ("torch.clamp(x, 0, 6)", Min(6, Max(0, x))),
    ("x.clamp(min=0, max=6)", Min(6, Max(0, x))),
    ("np.clip(x, 0, 6)", Min(6, Max(0, x))),
    ("torch.where(x > 0, x, 0.01 * x)", Piecewise((x, x > 0), (x / 100, True))),
    ("np.where(x > 0, x, np.exp(x) - 1)", Piecewise((x, x > 0), (exp(x) - 1, True))),
    ("F.leaky_relu(x, 0.2)", Piecewise((x, x > 0), (x / 5, True))),
    ("F.leaky_relu(x, negative_slope=0.2)", Piecewise((x, x > 0), (x / 5, True))),
    ("F.leaky_relu(x)", Piecewise((x, x > 0), (x / 100, True))),  # PyTorch's default slope
    ("jax.nn.leaky_relu(x)", Piecewise((x, x > 0), (x / 100, True))),
    ("F.elu(x)", Piecewise((x, x > 0), (exp(x) - 1, True))),  # α = 1 by default
    ("F.elu(x, alpha=0.5)", Piecewise((x, x > 0), ((exp(x) - 1) / 2, True))),
    ("F.selu(x)", Piecewise((lam * x, x > 0), (alpha * lam * (exp(x) - 1), True))),
    ("F.gelu(x)", x / 2 * (1 + erf(x / sqrt(2)))),
    ('F.gelu(x, approximate="tanh")', GELU_TANH),
    ("jax.nn.gelu(x)", GELU_TANH),  # JAX's default is the tanh approximation
    ("jax.nn.gelu(x, approximate=False)", x / 2 * (1 + erf(x / sqrt(2)))),
    ("F.silu(x)", x / (1 + exp(-x))),
    ("jax.nn.swish(x)", x / (1 + exp(-x))),
    ("F.softsign(x)", x / (1 + Abs(x))),
    ("F.hardtanh(x, -2, 2)", Piecewise((-2, x < -2), (2, x > 2), (x, True))),
    ("F.softplus(x, beta=2)", log(1 + exp(2 * x)) / 2),
    ("x.sigmoid()", sigmoid(x)),
    ("(2 * x).tanh() * x.exp()", tanh(2 * x) * exp(x)),
    ("x.pow(2) + x.abs()", x**2 + Abs(x)),
    ("math.tanh(x) + math.erf(x)", tanh(x) + erf(x)),
    ("scipy.special.expit(x)", sigmoid(x)),
    ("torch.special.expit(beta * x) * x", x * sigmoid(beta * x)),
    ("nn.LeakyReLU(0.2)(x)", Piecewise((x, x > 0), (x / 5, True))),
    ('nn.GELU(approximate="tanh")(x)', GELU_TANH),
    ("x * torch.sigmoid(x) + np.pi", x * sigmoid(x) + __import__("sympy").pi),
    ("(lambda u: u * torch.sigmoid(u))(x)", x * sigmoid(x)),
    ("torch.minimum(x, torch.zeros_like(x))", Min(0, x)),
]


@pytest.mark.parametrize("text, expected", CODE, ids=[c[0] for c in CODE])
def test_code_reads_as_the_framework_means(text, expected):
    reading = read(text, "x")
    assert reading.notation == "code"
    assert reading.expr == expected or (reading.expr - expected).expand() == 0


def test_the_readings_that_take_a_default_say_so():
    assert any("JAX's default" in c for c in resolve("jax.nn.gelu(x)").conventions)
    assert any("approximate='tanh'" in c for c in resolve('F.gelu(x, approximate="tanh")').conventions)
    assert any("threshold" in c for c in resolve("F.softplus(x)").conventions)
    assert any("α = 1.673263" in c for c in resolve("F.selu(x)").conventions)


REFUSED = [
    ("F.softmax(x, dim=-1)", "softmax is a vector function: derive differentiates functions of one variable"),
    ("torch.cumsum(x, 0)", "derive does not know torch.cumsum"),
    ("x.sigmoid().__class__", "expected a number or a tensor"),
    ("np.exp(x).real", "expected a number or a tensor"),
    ("F.leaky_relu(x, slope=0.2)", "has no argument slope="),
    ("F.threshold(x)", "needs its argument threshold"),
    ("torch.sigmoid(*xs)", "*args and **kwargs are not read"),
    ("x * e + torch.tanh(x)", "in code e is a name: write math.e or np.e"),
    ("numpy.exp(1j*x)", "complex numbers"),
    ("__import__('os').system('echo hacked')", "not allowed"),
]


@pytest.mark.parametrize("text, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_code_derive_cannot_read_is_refused_in_one_line(text, message):
    with pytest.raises(ParseError, match=__import__("re").escape(message)):
        read(text, "x")


ACT = '''
import os
import torch
import torch.nn.functional as F
from torch import nn
from math import pi

os.system("touch {marker}")  # module level: never run by derive
ALPHA = 0.2


def swish(x, beta=1.0):
    """Swish, with its parameter."""
    s = torch.sigmoid(beta * x)
    return x * s


def leaky(x):
    return torch.where(x > 0, x, ALPHA * x)


def twice(x):
    y = swish(x)
    y += 1
    return 2 * y


def gauss(x):
    return torch.exp(-x**2 / 2) / (2 * pi) ** 0.5


class Mish(nn.Module):
    def forward(self, x):
        return x * torch.tanh(F.softplus(x))


class Slope(nn.Module):
    def __init__(self, slope=0.1):
        super().__init__()
        self.slope = 0.1
        self.weight = nn.Parameter(torch.tensor(0.25))

    def forward(self, x):
        return torch.where(x > 0, x, self.slope * x) + self.weight


def loops(x):
    for _ in range(3):
        x = x + 1
    return x
'''


@pytest.fixture
def act(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "act.py"
    path.write_text(textwrap.dedent(ACT.format(marker=marker)))
    yield path
    assert not marker.exists(), "derive ran the file"


def test_a_files_functions_are_read_by_their_syntax_tree(act):
    swish = resolve(f"{act}:swish")
    assert swish.body == x * sigmoid(beta * x) and swish.symbol == "swish" and swish.variable == x
    assert resolve(f"{act}:leaky").body == Piecewise((x, x > 0), (x / 5, True))  # a module's constant
    assert resolve(f"{act}:twice").body == 2 * x * sigmoid(x) + 2  # another def inlined, y += 1 read
    assert (resolve(f"{act}:gauss").body - exp(-(x**2) / 2) / sqrt(2 * __import__("sympy").pi)).simplify() == 0
    assert resolve(f"{act}:Mish").body == x * tanh(log(1 + exp(x)))  # an nn.Module's forward
    weight = Symbol("weight", positive=True)
    assert resolve(f"{act}:Slope").body == Piecewise((x, x > 0), (x / 10, True)) + weight


def test_what_a_file_cannot_say_is_refused(act):
    with pytest.raises(ParseError, match="body must be assignments, checks, if statements and a return"):
        resolve(f"{act}:loops")
    with pytest.raises(ParseError, match="defines no function or class 'nope'"):
        resolve(f"{act}:nope")
    with pytest.raises(ParseError, match="cannot read"):
        resolve(f"{act.parent / 'missing.py'}:swish")
    with pytest.raises(ParseError, match="file"):
        derive(f"{act}:swish", files=False)


def test_the_cli_derives_and_writes_the_backward_of_a_files_function(act, tmp_path, monkeypatch):
    result = CliRunner().invoke(main, ["steps", f"{act}:swish"])
    assert result.exit_code == 0, result.output
    assert "swish(x) = x·σ(β·x)" in result.output and "swish′(x)" in result.output
    module = CliRunner().invoke(main, ["backward", f"{act}:swish", "--framework", "torch"])
    assert module.exit_code == 0 and "def swish(x" in module.output
    # the answer is cached by the file's bytes too: a changed file is derived again
    monkeypatch.setenv("DERIVE_NO_CACHE", "0")
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    first = CliRunner().invoke(main, ["steps", f"{act}:leaky"]).output
    act.write_text(act.read_text().replace("ALPHA = 0.2", "ALPHA = 0.3"))
    second = CliRunner().invoke(main, ["steps", f"{act}:leaky"]).output
    assert "x/5" in first and "3·x/10" in second or "(3·x)/10" in second
