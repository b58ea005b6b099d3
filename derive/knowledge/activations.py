"""The library of activation functions: data, one entry per function.

Each entry gives the function by name (the lecture's first line, σ(z)) and
written out in elementary functions (its second line, 1/(1 + e^{-z})); for σ
and tanh the written-out form is SymPy's own rewrite in exponentials.
Parameters are positive real constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import (
    Abs,
    Expr,
    Function,
    Max,
    Min,
    Piecewise,
    Rational,
    S,
    Symbol,
    asinh,
    atan,
    erf,
    exp,
    log,
    pi,
    sin,
    sqrt,
    tanh,
)

from derive.errors import UnknownActivationError
from derive.knowledge.functions import sigmoid
from derive.knowledge.symbols import parameter


@dataclass(frozen=True)
class Builtin:
    """A framework's own function computing the same g: its code name, and its keywords for derive's
    parameters (PyTorch's leaky_relu takes α as negative_slope)."""

    name: str
    keywords: tuple[tuple[str, str], ...] = ()  # (the framework's keyword, derive's parameter)
    when: tuple[tuple[str, float], ...] = ()  # the parameters' values where it is g (SiLU: swish at β = 1)


@dataclass(frozen=True)
class Activation:
    """An activation function: ``build(z)`` gives (the named form, the written-out form)."""

    name: str
    title: str
    build: Callable[[Symbol], tuple[Expr, Expr]]
    aliases: tuple[str, ...] = ()
    defaults: tuple[tuple[str, float], ...] = ()  # parameters' usual values where not 1 (PyTorch's, a paper's)
    torch: Builtin | None = None  # PyTorch's kernel for g, the generated forward's (one pass, no formula)


def _functional(name: str, *keywords: tuple[str, str]) -> Builtin:
    return Builtin(f"torch.nn.functional.{name}", keywords)


def _named(name: str) -> Callable[[Symbol], Expr]:
    return Function(name)


def _exp_rewrite(f: Callable[[Symbol], Expr]) -> Callable[[Symbol], tuple[Expr, Expr]]:
    return lambda z: (f(z), f(z).rewrite(exp))


def _by_name(name: str, body: Callable[[Symbol], Expr]) -> Callable[[Symbol], tuple[Expr, Expr]]:
    return lambda z: (_named(name)(z), body(z))


def _p(name: str) -> Symbol:
    return parameter(name)


def _elu(z: Symbol, scale: Expr = S.One, inner: Expr = S.One) -> Expr:
    alpha = _p("alpha")
    return Piecewise((scale * z, z > 0), (scale * alpha * (exp(z / inner) - 1), True))


LIBRARY: tuple[Activation, ...] = (
    Activation("sigmoid", "Logistic function", _exp_rewrite(sigmoid), ("logistic", "sigma", "σ")),
    Activation("tanh", "tanh", _exp_rewrite(tanh), ("hyperbolic_tangent",)),
    Activation("softplus", "Softplus", _by_name("softplus", lambda z: log(1 + exp(z)))),
    Activation(
        "softplus_beta",
        "Softplus with β",
        _by_name("softplus", lambda z: log(1 + exp(_p("beta") * z)) / _p("beta")),
        ("softplus-beta",),
    ),
    Activation("exp", "Exponential", lambda z: (exp(z), exp(z)), ("exponential",)),
    Activation("elu", "ELU", _by_name("ELU", _elu), torch=_functional("elu", ("alpha", "alpha"))),
    Activation(
        "celu",
        "CELU",
        _by_name("CELU", lambda z: _elu(z, inner=_p("alpha"))),
        torch=_functional("celu", ("alpha", "alpha")),
    ),
    Activation(
        "selu",
        "SELU",
        _by_name("SELU", lambda z: _elu(z, scale=_p("lambda"))),
        defaults=(("alpha", 1.6732632423543772), ("lambda", 1.0507009873554805)),  # self-normalising
        # torch.selu fixes α and λ; ATen's elu takes them (its scale) with the same formula
        torch=Builtin("torch.ops.aten.elu", (("alpha", "alpha"), ("scale", "lambda"))),
    ),
    Activation("softsign", "Softsign", _by_name("softsign", lambda z: z / (1 + Abs(z)))),
    Activation("arctan", "Arctangent", lambda z: (atan(z), atan(z)), ("atan",)),
    Activation("arcsinh", "Inverse hyperbolic sine", lambda z: (asinh(z), asinh(z)), ("asinh", "arsinh")),
    Activation(
        "logsigmoid",
        "Log-sigmoid",
        _by_name("logsigmoid", lambda z: -log(1 + exp(-z))),
        ("log_sigmoid", "log-sigmoid"),
        torch=_functional("logsigmoid"),
    ),
    Activation(
        "hard_sigmoid",
        "Hard sigmoid",
        _by_name("hardsigmoid", lambda z: Piecewise((0, z <= -3), (1, z >= 3), (z / 6 + S.Half, True))),
        ("hardsigmoid", "hard-sigmoid", "h_sigmoid", "hsigmoid"),
        torch=_functional("hardsigmoid"),
    ),
    Activation(
        "hard_tanh",
        "Hard tanh",
        _by_name("hardtanh", lambda z: Piecewise((-1, z < -1), (1, z > 1), (z, True))),
        ("hardtanh", "hard-tanh"),
        torch=_functional("hardtanh"),
    ),
    Activation("relu", "ReLU", _by_name("ReLU", lambda z: Max(0, z)), torch=_functional("relu")),
    Activation("relu6", "ReLU6", _by_name("ReLU6", lambda z: Min(Max(0, z), 6)), torch=_functional("relu6")),
    Activation(
        "prelu",
        "PReLU",
        _by_name("PReLU", lambda z: Piecewise((z, z > 0), (_p("a") * z, True))),
        ("parametric_relu",),
        defaults=(("a", 0.25),),
    ),
    Activation(
        "leaky_relu",
        "Leaky ReLU",
        _by_name("LeakyReLU", lambda z: Piecewise((z, z > 0), (_p("alpha") * z, True))),
        ("leakyrelu", "leaky-relu", "lrelu"),
        defaults=(("alpha", 0.01),),
        torch=_functional("leaky_relu", ("negative_slope", "alpha")),
    ),
    Activation(
        "hard_swish",
        "Hard swish",
        _by_name("hardswish", lambda z: z * Min(Max(0, z + 3), 6) / 6),
        ("hardswish", "hard-swish", "h_swish", "h-swish", "hswish"),
        torch=_functional("hardswish"),
    ),
    Activation(
        "swish",
        "Swish",
        _by_name("swish", lambda z: z / (1 + exp(-_p("beta") * z))),
        torch=Builtin("torch.nn.functional.silu", when=(("beta", 1.0),)),
    ),
    # swish at β = 1, as PyTorch, JAX and the GELU paper name it: no β to choose
    Activation(
        "silu",
        "SiLU",
        _by_name("SiLU", lambda z: z / (1 + exp(-z))),
        ("swish1", "swish-1", "sil"),
        torch=_functional("silu"),
    ),
    Activation("mish", "Mish", _by_name("mish", lambda z: z * tanh(log(1 + exp(z)))), torch=_functional("mish")),
    # no torch=: PyTorch's gelu is 0.5·x·(1 + erf(x/√2)), which cancels to nothing for x ≪ 0
    Activation("gelu", "GELU", _by_name("GELU", lambda z: z / 2 * (1 + erf(z / sqrt(2))))),
    Activation(
        "gelu_tanh",
        "GELU, tanh approximation",
        _by_name(
            "GELU",
            lambda z: z / 2 * (1 + tanh(sqrt(2 / pi) * (z + Rational("0.044715") * z**3))),
        ),
        ("gelu-tanh",),
    ),
    Activation("lisht", "LiSHT", _by_name("LiSHT", lambda z: z * tanh(z))),
    Activation("isru", "Inverse square root unit", _by_name("ISRU", lambda z: z / sqrt(1 + _p("alpha") * z**2))),
    Activation("bent_identity", "Bent identity", _by_name("bent", lambda z: (sqrt(z**2 + 1) - 1) / 2 + z), ("bent",)),
    Activation(
        "squareplus",
        "Squareplus",
        _by_name("squareplus", lambda z: (z + sqrt(z**2 + _p("b"))) / 2),
        defaults=(("b", 4.0),),
    ),
    Activation("gaussian", "Gaussian", _by_name("gaussian", lambda z: exp(-(z**2))), ("gauss",)),
    Activation("sine", "Sine", lambda z: (sin(z), sin(z)), ("sin",)),
)

_BY_NAME: dict[str, Activation] = {key: a for a in LIBRARY for key in (a.name, *a.aliases)}


def names() -> tuple[str, ...]:
    """Every name and alias of the library."""
    return tuple(_BY_NAME)


def lookup(name: str) -> Activation | None:
    """The activation called ``name`` (or one of its aliases), or None."""
    return _BY_NAME.get(name.strip().lower())


def require(name: str) -> Activation:
    """The activation called ``name``; an UnknownActivationError listing the known ones otherwise."""
    found = lookup(name)
    if found is None:
        known = ", ".join(a.name for a in LIBRARY)
        raise UnknownActivationError(f"unknown activation {name!r}; known: {known}")
    return found
