"""The library of activation functions: data, one entry per function.

Each entry gives the function by name (the lecture's first line, σ(z)) and
written out in elementary functions (its second line, 1/(1 + e^{-z})); for σ
and tanh the written-out form is SymPy's own rewrite in exponentials.
Parameters are positive real constants.

An entry also holds what the frameworks know of it, each fact once: how their code spells it
(``code``: PyTorch's ``torch.``, ``F.`` and ``nn.`` names, ``jax.nn``'s, SciPy's), each keyword
argument with what it sets and its default; the parameters' usual values (``defaults``); the fixed
numbers of its formula that a keyword may change (``constants``: hard tanh's bounds); the entry it
is a case of (SiLU is swish at β = 1); and which spelling is PyTorch's own kernel for it. The code
reader's tables (derive.reading.code) and the generated PyTorch forward (derive.backward) are
built from these.
"""

from __future__ import annotations

import enum
import math
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

PARAMETER_DEFAULT = 1.0
"""A parameter's value where neither the entry nor a framework gives another (ELU's α)."""


class Default(enum.Enum):
    """A keyword's default that is not a value of its own."""

    ENTRY = "the entry's value of what the keyword sets"
    REQUIRED = "none: the argument must be given"


@dataclass(frozen=True)
class Keyword:
    """An argument of a framework's function after its input: its name, what derive makes of it, its default."""

    name: str
    sets: str | None = None  # the entry's parameter or constant it gives a value; None: read and left (a threshold)
    default: object = Default.ENTRY  # the framework's default, when not the entry's value of what it sets
    picks: tuple[tuple[object, str], ...] = ()  # (a value, the activation read with it): F.gelu's approximate
    # the parameter that scales the input (softplus's beta) when, past this keyword's value of the scaled
    # input, the function returns its input itself: PyTorch's softplus threshold, read as a piece of its own
    # unless no float32 value could tell (THRESHOLD_UNSEEN)
    input_above: str | None = None


@dataclass(frozen=True)
class Spelling:
    """A framework's function computing the activation, as code calls it."""

    names: tuple[str, ...]  # qualified, as imported: torch.nn.functional.relu, torch.relu, jax.nn.relu
    keywords: tuple[Keyword, ...] = ()  # the arguments after the input, in their order
    input: str = "input"  # the input's own keyword: PyTorch's input, JAX's and SciPy's x
    module: str | None = None  # torch.nn's class that calls it: nn.LeakyReLU(0.2)(x) is F.leaky_relu(x, 0.2)
    # (the activation read, the line that says how), formatted with the arguments and the parameters' defaults
    says: tuple[tuple[str, str], ...] = ()
    kernel: bool = False  # PyTorch's own kernel for g: the generated forward calls it (one pass, no formula)
    reads: bool = True  # False: derive writes it but does not read it (an ATen operator, never in a model's code)
    fixed: tuple[tuple[str, float], ...] = ()  # values it fixes with no keyword to change them: tf.nn.elu's α = 1


@dataclass(frozen=True)
class Case:
    """An activation that is another (``of``) at some of its parameters' values: SiLU is swish at β = 1."""

    of: str
    at: tuple[tuple[str, float], ...]


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
    formula: Callable[..., tuple[Expr, Expr]]  # (z, the constants by name) -> (the named form, the written-out form)
    aliases: tuple[str, ...] = ()
    defaults: tuple[tuple[str, float], ...] = ()  # parameters' usual values where not 1 (PyTorch's, a paper's)
    constants: tuple[tuple[str, Expr], ...] = ()  # numbers of the formula a framework's keyword may change
    code: tuple[Spelling, ...] = ()  # how the frameworks spell it (σ's and tanh's other names: the registry's)
    case: Case | None = None

    def build(self, z: Symbol, **constants: Expr) -> tuple[Expr, Expr]:
        """(the named form, the written-out form) at z, its constants at their values or those given."""
        return self.formula(z, **(dict(self.constants) | constants))

    def value(self, name: str) -> object:
        """What a parameter or constant is unless code says otherwise: the entry's constant or usual
        value, the value where it is a case of another entry (softplus's β is 1), else PARAMETER_DEFAULT."""
        known = dict(self.constants) | dict(self.defaults) | (dict(self.case.at) if self.case is not None else {})
        return known.get(name, PARAMETER_DEFAULT)

    @property
    def torch(self) -> Builtin | None:
        """PyTorch's kernel for g, the generated forward's: the spelling marked ``kernel`` with its keywords
        for derive's parameters; else the kernel of an entry that is this one at some values, at those
        (swish is F.silu where β = 1)."""
        for spelling in self.code:
            if spelling.kernel:
                fixed = dict(self.constants)
                keywords = tuple(
                    (k.name, k.sets) for k in spelling.keywords if k.sets is not None and k.sets not in fixed
                )
                return Builtin(spelling.names[0], keywords)
        for other in LIBRARY:
            kernel = other.torch if other.case is not None and other.case.of == self.name else None
            if kernel is not None and not kernel.keywords:
                return Builtin(kernel.name, when=other.case.at)
        return None


def _torch(name: str, *keywords: Keyword, module: str, also: tuple[str, ...] = (), **fields: object) -> Spelling:
    """torch.nn.functional.name, with the class of torch.nn that calls it and its other names."""
    return Spelling((f"torch.nn.functional.{name}", *also), keywords, module=module, **fields)


def _jax(*names: str, keywords: tuple[Keyword, ...] = (), says: tuple[tuple[str, str], ...] = ()) -> Spelling:
    """jax.nn's names for it, which take the input as x."""
    return Spelling(tuple(f"jax.nn.{n}" for n in names), keywords, input="x", says=says)


def _tf(name: str, *keywords: Keyword, also: tuple[str, ...] = (), **fields: object) -> Spelling:
    """TensorFlow's tf.nn.name (tf.math's are read as tf's: tf.math.softplus is tf.softplus), which takes the
    input as features."""
    return Spelling((f"tensorflow.nn.{name}", *also), keywords, input="features", **fields)


def _keras(*names: str, keywords: tuple[Keyword, ...] = (), ops: bool = True, **fields: object) -> tuple[Spelling]:
    """Keras 3's keras.activations.name (tf.keras.activations' too) and keras.ops.name, which take the input as
    x; ``ops=False``: keras.activations' only."""
    spelled = [f"keras.activations.{n}" for n in names] + ([f"keras.ops.{n}" for n in names] if ops else [])
    return (Spelling(tuple(spelled), keywords, input="x", **fields),)


def _named(name: str) -> Callable[[Symbol], Expr]:
    return Function(name)


def _exp_rewrite(f: Callable[[Symbol], Expr]) -> Callable[..., tuple[Expr, Expr]]:
    return lambda z: (f(z), f(z).rewrite(exp))


def _by_name(name: str, body: Callable[..., Expr]) -> Callable[..., tuple[Expr, Expr]]:
    return lambda z, **constants: (_named(name)(z), body(z, **constants))


def _p(name: str) -> Symbol:
    return parameter(name)


def _elu(z: Symbol, scale: Expr = S.One, inner: Expr = S.One) -> Expr:
    alpha = _p("alpha")
    return Piecewise((scale * z, z > 0), (scale * alpha * (exp(z / inner) - 1), True))


_ALPHA = Keyword("alpha", "alpha")

_SELU = (
    "selu as SELU in its parameters α and λ (the library fixes α = {alpha:.6f}, λ = {lambda:.6f}: "
    "every step holds for those)"
)

_APPROXIMATE = (("none", "gelu"), (False, "gelu"), ("tanh", "gelu_tanh"), (True, "gelu_tanh"))
"""GELU's approximate: PyTorch names the formula, JAX gives a truth value; either library's is read."""
_NOT_APPROXIMATE = Keyword("approximate", default=False, picks=_APPROXIMATE)  # TensorFlow's and keras.activations'
_SAYS_TANH = (("gelu_tanh", "gelu(x, approximate={approximate!r}) as the tanh approximation"),)

THRESHOLD_UNSEEN = 24 * math.log(2)
"""The least threshold t of an ``input_above`` keyword that no float32 value can see (about 16.64).  Past it,
with u = β·x > t, PyTorch's softplus returns x where the formula is log(1 + e^u)/β = x + log(1 + e^(-u))/β: the
value differs by a relative log(1 + e^(-u))/u < e^(-u) and the derivative, 1 against σ(u), by σ(-u) < e^(-u);
e^(-u) < e^(-t) ≤ 2^-24, float32's relative rounding, so both round as the formula's would (PyTorch's default
20 does: the threshold then only keeps floating point finite).  Below it the code computes another function
where β·x > t, read as a piece of its own (F.softplus(x, beta=2, threshold=3) is x for x > 1.5)."""

_TF_LEAKY_SLOPE = 0.2
"""TensorFlow's and Keras' default slope of leaky ReLU (PyTorch's and JAX's is 0.01)."""

LIBRARY: tuple[Activation, ...] = (
    # σ and tanh: torch.sigmoid, jax.nn.sigmoid, torch.tanh, ... are the registry's code names of σ and tanh
    Activation(
        "sigmoid",
        "Logistic function",
        _exp_rewrite(sigmoid),
        ("logistic", "sigma", "σ"),
        code=(_torch("sigmoid", module="Sigmoid"),),
    ),
    Activation("tanh", "tanh", _exp_rewrite(tanh), ("hyperbolic_tangent",), code=(_torch("tanh", module="Tanh"),)),
    # no kernel: PyTorch's softplus is x past its threshold, not g
    Activation(
        "softplus",
        "Softplus",
        _by_name("softplus", lambda z: log(1 + exp(z))),
        code=(
            _torch(
                "softplus",
                Keyword("beta", "beta"),
                Keyword("threshold", default=20.0, input_above="beta"),
                module="Softplus",
                says=(
                    ("softplus", "softplus as log(1 + e^x)"),
                    ("softplus_beta", "softplus as log(1 + e^(βx))/β"),
                ),
            ),
            _jax("softplus"),
            _tf("softplus", also=("tensorflow.softplus",)),
            *_keras("softplus"),
        ),
        case=Case("softplus_beta", (("beta", 1.0),)),
    ),
    Activation(
        "softplus_beta",
        "Softplus with β",
        _by_name("softplus", lambda z: log(1 + exp(_p("beta") * z)) / _p("beta")),
        ("softplus-beta",),
    ),
    Activation("exp", "Exponential", lambda z: (exp(z), exp(z)), ("exponential",)),
    Activation(
        "elu",
        "ELU",
        _by_name("ELU", _elu),
        code=(
            _torch("elu", _ALPHA, module="ELU", kernel=True),
            _jax("elu", keywords=(_ALPHA,)),
            _tf("elu", fixed=(("alpha", 1.0),)),
            *_keras("elu", keywords=(_ALPHA,)),
        ),
    ),
    Activation(
        "celu",
        "CELU",
        _by_name("CELU", lambda z: _elu(z, inner=_p("alpha"))),
        code=(_torch("celu", _ALPHA, module="CELU", kernel=True), _jax("celu", keywords=(_ALPHA,))),
    ),
    Activation(
        "selu",
        "SELU",
        _by_name("SELU", lambda z: _elu(z, scale=_p("lambda"))),
        # self-normalising: the values torch.selu and jax.nn.selu fix
        defaults=(("alpha", 1.6732632423543772), ("lambda", 1.0507009873554805)),
        code=(
            _torch("selu", module="SELU", also=("torch.selu",), says=(("selu", _SELU),)),
            _jax("selu", says=(("selu", _SELU),)),
            _tf("selu", says=(("selu", _SELU),)),
            *_keras("selu", says=(("selu", _SELU),)),
            # torch.selu fixes α and λ; ATen's elu takes them (its scale) with the same formula
            Spelling(("torch.ops.aten.elu",), (_ALPHA, Keyword("scale", "lambda")), kernel=True, reads=False),
        ),
    ),
    Activation(
        "softsign",
        "Softsign",
        _by_name("softsign", lambda z: z / (1 + Abs(z))),
        code=(_torch("softsign", module="Softsign"), _jax("soft_sign"), _tf("softsign"), *_keras("softsign")),
    ),
    Activation("arctan", "Arctangent", lambda z: (atan(z), atan(z)), ("atan",)),
    Activation("arcsinh", "Inverse hyperbolic sine", lambda z: (asinh(z), asinh(z)), ("asinh", "arsinh")),
    Activation(
        "logsigmoid",
        "Log-sigmoid",
        _by_name("logsigmoid", lambda z: -log(1 + exp(-z))),
        ("log_sigmoid", "log-sigmoid"),
        code=(
            _torch("logsigmoid", module="LogSigmoid", kernel=True),
            _jax("log_sigmoid"),
            Spelling(("scipy.special.log_expit", "tensorflow.log_sigmoid"), input="x"),
            *_keras("log_sigmoid"),
        ),
    ),
    Activation(
        "hard_sigmoid",
        "Hard sigmoid",
        _by_name("hardsigmoid", lambda z: Piecewise((0, z <= -3), (1, z >= 3), (z / 6 + S.Half, True))),
        ("hardsigmoid", "hard-sigmoid", "h_sigmoid", "hsigmoid"),
        code=(
            _torch("hardsigmoid", module="Hardsigmoid", kernel=True),
            _jax("hard_sigmoid"),
            # Keras 3's; tf.keras' is Keras 2's 0.2x + 0.5 up to TensorFlow 2.15: derive.reading.code refuses it
            *_keras("hard_sigmoid"),
        ),
    ),
    Activation(
        "hard_tanh",
        "Hard tanh",
        _by_name("hardtanh", lambda z, low, high: Piecewise((low, z < low), (high, z > high), (z, True))),
        ("hardtanh", "hard-tanh"),
        constants=(("low", S.NegativeOne), ("high", S.One)),
        code=(
            _torch(
                "hardtanh",
                Keyword("min_val", "low"),
                Keyword("max_val", "high"),
                module="Hardtanh",
                kernel=True,
            ),
            _jax("hard_tanh"),
        ),
    ),
    Activation(
        "relu",
        "ReLU",
        _by_name("ReLU", lambda z: Max(0, z)),
        code=(
            _torch("relu", module="ReLU", also=("torch.relu",), kernel=True),
            _jax("relu"),
            _tf("relu"),
            *_keras("relu"),
        ),
    ),
    Activation(
        "relu6",
        "ReLU6",
        _by_name("ReLU6", lambda z: Min(Max(0, z), 6)),
        code=(_torch("relu6", module="ReLU6", kernel=True), _jax("relu6"), _tf("relu6"), *_keras("relu6")),
    ),
    Activation(
        "prelu",
        "PReLU",
        _by_name("PReLU", lambda z: Piecewise((z, z > 0), (_p("a") * z, True))),
        ("parametric_relu",),
        defaults=(("a", 0.25),),  # nn.PReLU's initial weight
        code=(Spelling(("torch.nn.functional.prelu",), (Keyword("weight", "a", Default.REQUIRED),)),),
    ),
    Activation(
        "leaky_relu",
        "Leaky ReLU",
        _by_name("LeakyReLU", lambda z: Piecewise((z, z > 0), (_p("alpha") * z, True))),
        ("leakyrelu", "leaky-relu", "lrelu"),
        defaults=(("alpha", 0.01),),  # PyTorch's and JAX's negative_slope
        code=(
            _torch(
                "leaky_relu",
                Keyword("negative_slope", "alpha"),
                module="LeakyReLU",
                also=("torch.nn.functional.leaky_relu_",),
                kernel=True,
            ),
            _jax("leaky_relu", keywords=(Keyword("negative_slope", "alpha"),)),
            _tf("leaky_relu", Keyword("alpha", "alpha", default=_TF_LEAKY_SLOPE)),
            *_keras("leaky_relu", keywords=(Keyword("negative_slope", "alpha", default=_TF_LEAKY_SLOPE),)),
        ),
    ),
    Activation(
        "hard_swish",
        "Hard swish",
        _by_name("hardswish", lambda z: z * Min(Max(0, z + 3), 6) / 6),
        ("hardswish", "hard-swish", "h_swish", "h-swish", "hswish"),
        code=(
            _torch("hardswish", module="Hardswish", kernel=True),
            _jax("hard_swish", "hard_silu"),
            *_keras("hard_silu", "hard_swish"),
        ),
    ),
    # its kernel is SiLU's, where β = 1 (SiLU's case)
    Activation("swish", "Swish", _by_name("swish", lambda z: z / (1 + exp(-_p("beta") * z)))),
    # swish at β = 1, as PyTorch, JAX and the GELU paper name it: no β to choose
    Activation(
        "silu",
        "SiLU",
        _by_name("SiLU", lambda z: z / (1 + exp(-z))),
        ("swish1", "swish-1", "sil"),
        code=(
            _torch("silu", module="SiLU", kernel=True),
            _jax("silu", "swish"),
            _tf("silu", Keyword("beta", "beta"), also=("tensorflow.nn.swish",)),  # tf.nn.silu(features, beta=1.0)
            *_keras("silu", "swish"),
        ),
        case=Case("swish", (("beta", 1.0),)),
    ),
    Activation(
        "mish",
        "Mish",
        _by_name("mish", lambda z: z * tanh(log(1 + exp(z)))),
        code=(_torch("mish", module="Mish", kernel=True), _jax("mish"), *_keras("mish", ops=False)),
    ),
    # no kernel: PyTorch's gelu is 0.5·x·(1 + erf(x/√2)), which cancels to nothing for x ≪ 0
    Activation(
        "gelu",
        "GELU",
        _by_name("GELU", lambda z: z / 2 * (1 + erf(z / sqrt(2)))),
        code=(
            _torch(
                "gelu",
                Keyword("approximate", default="none", picks=_APPROXIMATE),
                module="GELU",
                says=(
                    ("gelu", "gelu(x, approximate={approximate!r}) as x·Φ(x), Φ the standard normal CDF"),
                    ("gelu_tanh", "gelu(x, approximate={approximate!r}) as the tanh approximation"),
                ),
            ),
            _tf("gelu", _NOT_APPROXIMATE, says=_SAYS_TANH),
            *_keras("gelu", keywords=(_NOT_APPROXIMATE,), ops=False, says=_SAYS_TANH),
        ),
    ),
    Activation(
        "gelu_tanh",
        "GELU, tanh approximation",
        _by_name(
            "GELU",
            lambda z: z / 2 * (1 + tanh(sqrt(2 / pi) * (z + Rational("0.044715") * z**3))),
        ),
        ("gelu-tanh",),
        code=(
            _jax(  # JAX's default is the tanh approximation
                "gelu",
                keywords=(Keyword("approximate", default=True, picks=_APPROXIMATE),),
                says=(
                    ("gelu_tanh", "jax.nn.gelu as the tanh approximation (approximate=True, JAX's default)"),
                    ("gelu", "jax.nn.gelu as x·Φ(x) (approximate=False)"),
                ),
            ),
            Spelling(  # keras.ops' default is the tanh approximation too (keras.activations' is not)
                ("keras.ops.gelu",),
                (Keyword("approximate", default=True, picks=_APPROXIMATE),),
                input="x",
                says=(
                    ("gelu_tanh", "keras.ops.gelu as the tanh approximation (approximate=True, Keras' default)"),
                    ("gelu", "keras.ops.gelu as x·Φ(x) (approximate=False)"),
                ),
            ),
        ),
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
