"""Code as ML engineers write activations, read by its syntax tree, never run.

``read_code("x * torch.sigmoid(1.702 * x)")`` reads a Python expression; ``read_file("act.py", "swish")``
reads a ``def`` (or an ``nn.Module``'s ``forward``) of a file whose body is assignments and one
return.  Both go through Python's own parser (``ast.parse``), and every node is built by the
whitelist (``derive.reading.whitelist``): a name of PyTorch, NumPy, JAX, ``math`` or SciPy is one of
``FRAMEWORK`` below, or a function whose code names the registry gives (``torch.tanh``,
``numpy.arctan``); anything else is refused.  Nothing is imported or executed.  The library's
activations are in ``FRAMEWORK`` as their entries spell them (``Activation.code``,
derive.knowledge.activations: names, keywords, defaults, torch.nn's classes); what is here besides
is the frameworks' arithmetic and the functions the library does not have.

Keyword arguments are read as the libraries define them (``F.leaky_relu(x, 0.2)``,
``F.gelu(x, approximate="tanh")``, ``torch.clamp(x, min=0)``), with their defaults: ``F.elu(x)`` is
ELU with α = 1, ``jax.nn.gelu(x)`` the tanh approximation (JAX's default).
"""

from __future__ import annotations

import ast
import builtins
import collections
import itertools
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy
from sympy import Expr, Rational
from sympy.core.sympify import SympifyError

from derive.errors import ParseError
from derive.knowledge import registry
from derive.knowledge.activations import LIBRARY, THRESHOLD_UNSEEN, Activation, Default, Keyword, Spelling, require
from derive.knowledge.readback import own_name
from derive.knowledge.spellings import GREEK, VECTOR_FUNCTIONS, VECTOR_REFUSAL
from derive.knowledge.symbols import parameter, variable
from derive.reading.whitelist import LibraryLookup, Whitelist

MAX_FILE_BYTES = 1_000_000
MAX_INLINE_DEPTH = 8

ALIASES = {
    "torch": "torch",
    "numpy": "numpy",
    "jax": "jax",
    "math": "math",
    "scipy": "scipy",
    "functools": "functools",
    "lax": "jax.lax",
    "F": "torch.nn.functional",
    "nn": "torch.nn",
    "np": "numpy",
    "onp": "numpy",
    "jnp": "jax.numpy",
    "special": "scipy.special",
    "tf": "tensorflow",
    "tensorflow": "tensorflow",
    "keras": "keras",
}
"""The usual import names, for an expression typed alone (a file's own imports come first)."""

PATHS = (
    ("tensorflow.keras.activations.hard_sigmoid", "tensorflow.keras.activations.hard_sigmoid"),  # Keras 2 or 3
    ("tensorflow.keras.", "keras."),
    ("tensorflow.math.", "tensorflow."),
    ("tensorflow.compat.v2.", "tensorflow."),
    ("keras.src.activations.activations.", "keras.activations."),
    ("keras.src.activations.", "keras.activations."),
    ("keras.src.ops.", "keras.ops."),
    ("keras.src.backend.", "keras.ops."),  # its backends' core, nn and numpy: the same functions (BACKENDS)
    ("keras.ops.nn.", "keras.ops."),
    ("keras.ops.numpy.", "keras.ops."),
    ("keras.ops.math.", "keras.ops."),
    ("jax._src.numpy.", "jax.numpy."),
    ("jax._src.nn.functions.", "jax.nn."),
    ("jax._src.lax.lax.", "jax.lax."),
    ("jax._src.lax.", "jax.lax."),
    ("jax.scipy.special.", "scipy.special."),
    ("torch._C._nn.", "torch.nn.functional."),
    ("torch.nn.modules.activation.", "torch.nn."),
    ("torch._refs.nn.functional.", "torch.nn.functional."),
    ("torch._refs.", "torch."),
)
"""Where a framework's function lives under another path, the path derive reads it by: tf.math.exp is tf.exp,
tf.keras.activations are Keras 3's (but hard_sigmoid, which Keras 2 computes otherwise), jax's own sources
import ``jax._src.numpy`` as jnp, PyTorch's F.relu calls torch._C._nn's."""

NAMESPACES = ("tensorflow", "tensorflow.nn", "keras.ops", "keras.activations", "jax.lax")
"""Namespaces whose elementwise functions are NumPy's by the same short name (tf.maximum, keras.ops.where,
lax.exp), or the registry's (tf.nn.sigmoid, keras.ops.tanh)."""


BACKENDS = re.compile(r"^keras\.src\.backend\.(?:numpy|jax|torch|tensorflow|openvino)\.(?:core|nn|numpy|math)\.")
"""Keras 3's backends: keras.src.backend.numpy.core.convert_to_tensor is keras.ops.convert_to_tensor."""


def canonical(qualified: str) -> str:
    """The path derive reads a qualified name by (PATHS)."""
    qualified = BACKENDS.sub("keras.ops.", qualified)
    for prefix, path in PATHS:
        if qualified.startswith(prefix):
            return path + qualified[len(prefix) :]
    return qualified


CONSTANTS = {
    "math.pi": sympy.pi, "numpy.pi": sympy.pi, "torch.pi": sympy.pi, "jax.numpy.pi": sympy.pi,
    "math.e": sympy.E, "numpy.e": sympy.E, "torch.e": sympy.E, "jax.numpy.e": sympy.E,
    "math.inf": sympy.oo, "numpy.inf": sympy.oo, "torch.inf": sympy.oo, "jax.numpy.inf": sympy.oo,
    "numpy.nan": sympy.nan, "math.nan": sympy.nan, "torch.nan": sympy.nan,
}  # fmt: skip


@dataclass(frozen=True)
class CodeFunction:
    """A framework's function: its parameters in order with their defaults, and what it computes."""

    params: tuple[tuple[str, Any], ...]  # (name, default); a default of REQUIRED must be given
    build: Callable[..., Expr]  # keyword arguments by parameter name: the values read
    convention: Callable[..., str | None] | None = None  # the line saying how it was read, from the arguments
    ignored: tuple[str, ...] = ("inplace", "out", "dtype")
    refusal: str | None = None  # why derive does not read it (softmax: not elementwise)


REQUIRED = Default.REQUIRED


def _spelled(entry: Activation, spelling: Spelling) -> CodeFunction:
    """A framework's spelling of a library activation: the entry's formula at the input, its parameters and
    constants set by the keywords (at their defaults when not given); a parameter no keyword sets stays
    a parameter (F.selu: α and λ)."""
    params = ((spelling.input, REQUIRED), *((a.name, _default(entry, a)) for a in spelling.keywords))
    names = [name for name, _ in params]

    def build(*args: Any, **arguments: Any) -> Expr:
        arguments = dict(zip(names, args, strict=False)) | arguments  # positional from functools.reduce
        missing = [n for n in names if n not in arguments]
        if len(args) > len(names) or missing:
            raise TypeError(f"{spelling.names[0]} takes {len(names)} arguments")
        read, values = _reading(entry, spelling, arguments)
        x = arguments[spelling.input]
        value = _at(read, values, x)
        for argument in spelling.keywords:
            past = _past(argument, arguments)
            if past is not None:  # PyTorch's softplus: the input itself where β·x > threshold
                scale = values.get(argument.input_above, _number(read.value(argument.input_above)))
                value = sympy.Piecewise((x, scale * x > past), (value, True))
        return value

    def says(**arguments: Any) -> str | None:
        read, _ = _reading(entry, spelling, arguments)
        line = dict(spelling.says).get(read.name)
        if line is None:
            return None
        line = line.format(**(dict(read.defaults) | arguments))
        for argument in spelling.keywords:
            if argument.input_above:
                t = arguments[argument.name]
                if _past(argument, arguments) is None:
                    line += (
                        f" (its {argument.name}={t!r} changes no float32 value: past it the formula and the input"
                        f" differ by less than 2^-24, value and derivative)"
                    )
                else:
                    scale = {name: letter for letter, name in GREEK.items()}.get(
                        argument.input_above, argument.input_above
                    )
                    line += (
                        f", and as the input itself where {scale}·x > {t!r} (its {argument.name}, "
                        f"below {THRESHOLD_UNSEEN:.2f}, changes the function there)"
                    )
        return line

    return CodeFunction(params, build, says if spelling.says else None)


def _default(entry: Activation, argument: Keyword) -> Any:
    return entry.value(argument.sets) if argument.default is Default.ENTRY else argument.default


def _past(argument: Keyword, arguments: dict[str, Any]) -> Expr | None:
    """The threshold past which the code returns its input, when float32 values see it (below
    THRESHOLD_UNSEEN, or a parameter); None when it is not such a keyword or no float32 value could tell."""
    if not argument.input_above:
        return None
    t = _number(arguments[argument.name])
    return None if t.is_number and t >= THRESHOLD_UNSEEN else t


def _reading(entry: Activation, spelling: Spelling, arguments: dict[str, Any]) -> tuple[Activation, dict[str, Expr]]:
    """The activation a call reads as (a keyword may pick another: approximate="tanh"), and the values its
    arguments give; softplus with β ≠ 1 is the entry it is a case of, softplus with β."""
    read, values = entry, {name: _number(v) for name, v in spelling.fixed}
    for argument in spelling.keywords:
        value = arguments[argument.name]
        if argument.picks:
            read = require(_picked(argument, value, spelling.names[0].rpartition(".")[2]))
        elif argument.sets is not None:
            values[argument.sets] = _number(value)
    case = read.case
    if case is not None and any(name in values for name, _ in case.at):
        if all(values[name] == _number(at) for name, at in case.at if name in values):
            values = {name: v for name, v in values.items() if name not in dict(case.at)}
        else:
            read = require(case.of)
    return read, values


def _picked(argument: Keyword, value: Any, function: str) -> str:
    """The activation an argument's value picks; the refusal names the values as strings (truth values are
    read too)."""
    for key, name in argument.picks:
        if value is key or value == key:
            return name
    spelled = " or ".join(repr(key) for key, _ in argument.picks if isinstance(key, str))
    raise ParseError(f"{function}'s {argument.name} is {spelled}, not {value!r}")


def _at(entry: Activation, values: dict[str, Expr], x: Expr) -> Expr:
    """The entry's formula at x, its constants and parameters set to values: written out, but σ and tanh
    as the registry's functions (what torch.sigmoid reads as)."""
    u = variable("_u")
    fixed = dict(entry.constants)
    named, body = entry.build(u, **{name: v for name, v in values.items() if name in fixed})
    formula = named if registry.entry(type(named)) is not None else body
    return formula.subs({parameter(name): v for name, v in values.items() if name not in fixed} | {u: x})


def _number(v: Any) -> Expr:
    if isinstance(v, Expr):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ParseError(f"expected a number, not {v!r}")
    return sympy.Integer(v) if isinstance(v, int) else Rational(repr(v))


def is_condition(v: Any) -> bool:
    """A truth value or a condition (x > 0, (x >= -3) & (x <= 3)), not a number (SymPy's symbols are Booleans too)."""
    return isinstance(v, sympy.logic.boolalg.Boolean) and not isinstance(v, Expr)


def number_of(v: Any) -> Expr:
    """A value as a number: a condition is its Iverson bracket, 1 where it holds and 0 elsewhere (what
    ``(x > 0).float()`` and ``x * (x > 0)`` compute); a truth value 1 or 0."""
    if isinstance(v, bool):
        return sympy.Integer(int(v))
    if is_condition(v):
        return sympy.Piecewise((1, v), (0, True))
    return _number(v)


def _one(build: Callable[[Expr], Expr]) -> CodeFunction:
    return CodeFunction((("input", REQUIRED),), lambda input: build(input))


def _clamp(input: Expr, min: Any = None, max: Any = None) -> Expr:  # noqa: A002 - torch's names
    if min is None and max is None:
        raise ParseError("clamp needs min= or max=")
    value = input if min is None else sympy.Max(_number(min), input)
    return value if max is None else sympy.Min(value, _number(max))


def _where(condition: Expr, x: Expr, y: Expr) -> Expr:
    return sympy.Piecewise((_number(x), condition), (_number(y), True))


def _select(condlist: list, choicelist: list, default: Any = 0) -> Expr:
    if not isinstance(condlist, list) or not isinstance(choicelist, list) or len(condlist) != len(choicelist):
        raise ParseError("select takes a list of conditions and a list of values of the same length")
    conditions = [_condition(c) for c in condlist]
    if any(
        isinstance(_condition(v), sympy.logic.boolalg.Boolean) and not isinstance(v, sympy.Symbol) for v in choicelist
    ):
        # a condition chosen by conditions (SymPy prints a step of a piecewise argument so): one condition
        chosen = _condition(default) if isinstance(default, bool) else sympy.false
        for c, v in reversed(list(zip(conditions, choicelist, strict=True))):
            chosen = sympy.Or(sympy.And(c, _condition(v)), sympy.And(sympy.Not(c), chosen))
        return chosen
    pieces = [(_number(v), c) for c, v in zip(conditions, choicelist, strict=True)]
    if not any(c == sympy.true for _, c in pieces):
        pieces.append((_number(default), sympy.true))
    return sympy.Piecewise(*pieces)


def _condition(c: Any) -> Any:
    return sympy.true if c is True else sympy.false if c is False else c


def _reduce(function: Any, items: list) -> Expr:
    if not isinstance(items, list) or not items or not isinstance(function, CodeFunction):
        raise ParseError("functools.reduce takes a function of two arguments and a list")
    value = _number(items[0])
    for item in items[1:]:
        value = function.build(value, _number(item))
    return value


def _softshrink(input: Expr, lambd: Any) -> Expr:
    lam = _number(lambd)
    return sympy.Piecewise((input - lam, input > lam), (input + lam, input < -lam), (0, True))


def _hardshrink(input: Expr, lambd: Any) -> Expr:
    lam = _number(lambd)
    return sympy.Piecewise((input, input > lam), (input, input < -lam), (0, True))


def _threshold(input: Expr, threshold: Any, value: Any) -> Expr:
    return sympy.Piecewise((input, input > _number(threshold)), (_number(value), True))


_NOT_ELEMENTWISE = "is not an elementwise function of one variable: derive differentiates activations"

FRAMEWORK: dict[str, CodeFunction] = {}
"""Every framework name derive reads that is not simply a registry function's code name."""


def _add(names: str, function: CodeFunction) -> None:
    for name in names.split():
        FRAMEWORK[name] = function


# the library's activations as PyTorch, JAX and SciPy spell them, from their entries; their modules (nn.ReLU())
# call these
for _entry in LIBRARY:
    for _spelling in _entry.code:
        if _spelling.reads:
            _add(" ".join(_spelling.names), _spelled(_entry, _spelling))

# PyTorch's activations the library does not have
_add("torch.nn.functional.tanhshrink", _one(lambda input: input - sympy.tanh(input)))
_SHRINK = (("input", REQUIRED), ("lambd", 0.5))  # softshrink's and hardshrink's, the same default
_add("torch.nn.functional.softshrink", CodeFunction(_SHRINK, _softshrink))
_add("torch.nn.functional.hardshrink", CodeFunction(_SHRINK, _hardshrink))
_add(
    "torch.nn.functional.threshold",
    CodeFunction((("input", REQUIRED), ("threshold", REQUIRED), ("value", REQUIRED)), _threshold),
)
RANDOM = frozenset({"rrelu", "dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d"})
"""Functions of random draws (a slope or a mask drawn in training): refused as random."""


def refusal(name: str) -> str | None:
    """Why a function or an nn.Module derive does not read is refused, by its name: random, or a vector function
    (``spellings.VECTOR_FUNCTIONS``, the math reader's refusal word for word); None for any other."""
    short = name.rpartition(".")[2]
    key = short.lower() if short.lower() in RANDOM | VECTOR_FUNCTIONS else _snake(short)
    if key in RANDOM:
        return f"{short} is random (it draws numbers in training): derive differentiates functions of one variable"
    if key in VECTOR_FUNCTIONS:
        return f"{short} {VECTOR_REFUSAL}"
    return None


def _snake(name: str) -> str:
    """nn.LogSoftmax as log_softmax, nn.AlphaDropout as alpha_dropout."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


for _name in ("softmax", "log_softmax", "glu", "normalize", "softmin", "gumbel_softmax", "rrelu", "dropout"):
    _add(
        f"torch.nn.functional.{_name} jax.nn.{_name} torch.{_name}",
        CodeFunction((), Expr, refusal=refusal(_name) or f"{_name} {_NOT_ELEMENTWISE}"),
    )

# elementwise arithmetic, as each library spells it
_CLAMP = CodeFunction((("input", REQUIRED), ("min", None), ("max", None)), _clamp)
_add("torch.clamp torch.clip", _CLAMP)
_add(
    "numpy.clip jax.numpy.clip",
    CodeFunction((("a", REQUIRED), ("a_min", None), ("a_max", None)), lambda a, a_min, a_max: _clamp(a, a_min, a_max)),
)
_add("torch.clamp_min", CodeFunction((("input", REQUIRED), ("min", REQUIRED)), lambda input, min: _clamp(input, min)))  # noqa: A006
_add(
    "torch.clamp_max", CodeFunction((("input", REQUIRED), ("max", REQUIRED)), lambda input, max: _clamp(input, max=max))
)  # noqa: A006
_add(
    "torch.where numpy.where jax.numpy.where",
    CodeFunction((("condition", REQUIRED), ("x", REQUIRED), ("y", REQUIRED)), _where),
)
_add(
    "numpy.select jax.numpy.select",
    CodeFunction((("condlist", REQUIRED), ("choicelist", REQUIRED), ("default", 0)), _select),
)
_TWO = (("input", REQUIRED), ("other", REQUIRED))
_add("torch.maximum torch.max torch.fmax numpy.maximum numpy.fmax jax.numpy.maximum jax.numpy.fmax jax.lax.max",
     CodeFunction(_TWO, lambda input, other: sympy.Max(_number(input), _number(other))))  # fmt: skip
_add("torch.minimum torch.min torch.fmin numpy.minimum numpy.fmin jax.numpy.minimum jax.numpy.fmin jax.lax.min",
     CodeFunction(_TWO, lambda input, other: sympy.Min(_number(input), _number(other))))  # fmt: skip
_add("torch.pow numpy.power jax.numpy.power math.pow torch.float_power numpy.float_power tensorflow.pow jax.lax.pow",
     CodeFunction((("input", REQUIRED), ("exponent", REQUIRED)),
                  lambda input, exponent: _number(input) ** _number(exponent)))  # fmt: skip
_add("torch.square numpy.square jax.numpy.square", _one(lambda input: input**2))
_add("torch.rsqrt jax.lax.rsqrt", _one(lambda input: 1 / sympy.sqrt(input)))
_add("torch.reciprocal numpy.reciprocal jax.numpy.reciprocal", _one(lambda input: 1 / input))
_add("torch.neg torch.negative numpy.negative jax.numpy.negative jax.lax.neg", _one(lambda input: -input))
_add(
    "torch.mul torch.multiply numpy.multiply jax.numpy.multiply jax.lax.mul",
    CodeFunction(_TWO, lambda input, other: input * other),
)
_add("torch.add numpy.add jax.numpy.add jax.lax.add", CodeFunction(_TWO, lambda input, other: input + other))
_add(
    "torch.sub torch.subtract numpy.subtract jax.numpy.subtract jax.lax.sub",
    CodeFunction(_TWO, lambda input, other: input - other),
)
_add("torch.div torch.true_divide numpy.divide numpy.true_divide jax.numpy.divide jax.lax.div",
     CodeFunction(_TWO, lambda input, other: input / other))  # fmt: skip
_add("numpy.logaddexp jax.numpy.logaddexp torch.logaddexp",
     CodeFunction(_TWO, lambda input, other: sympy.log(sympy.exp(input) + sympy.exp(other))))  # fmt: skip
_add("numpy.exp2 torch.exp2 jax.numpy.exp2", _one(lambda input: 2**input))
_add("numpy.cbrt jax.numpy.cbrt math.cbrt", _one(lambda input: _registry("cbrt")(input)))
_add(
    "torch.heaviside numpy.heaviside jax.numpy.heaviside",
    CodeFunction(
        (("input", REQUIRED), ("values", REQUIRED)), lambda input, values: sympy.Heaviside(input, _number(values))
    ),
)
_add(
    "math.log",
    CodeFunction(
        (("x", REQUIRED), ("base", None)), lambda x, base: sympy.log(x) if base is None else sympy.log(x, _number(base))
    ),
)
_KEEPS = ("dtype", "device", "requires_grad", "dtype_hint", "name", "copy", "order", "ndmin", "like", "shape")
_add("torch.tensor torch.as_tensor numpy.float32 numpy.float64 numpy.array jax.numpy.array numpy.asarray "
     "jax.numpy.asarray float tensorflow.constant tensorflow.convert_to_tensor keras.ops.convert_to_tensor "
     "tensorflow.cast keras.ops.cast jax.lax.convert_element_type numpy.float16 numpy.float_ jax.numpy.float32",
     CodeFunction((("data", REQUIRED), ("dtype", None)), lambda data, dtype: number_of(data),
                  ignored=_KEEPS))  # fmt: skip
_add("torch.zeros_like numpy.zeros_like jax.numpy.zeros_like", _one(lambda input: sympy.Integer(0)))
_add("torch.ones_like numpy.ones_like jax.numpy.ones_like", _one(lambda input: sympy.Integer(1)))
_add("torch.full_like numpy.full_like jax.numpy.full_like jax.lax.full_like keras.ops.full_like tensorflow.fill",
     CodeFunction((("input", REQUIRED), ("fill_value", REQUIRED)), lambda input, fill_value: _number(fill_value),
                  ignored=_KEEPS))  # fmt: skip
_add("jax.numpy.util.ensure_arraylike jax.numpy.util.check_arraylike",
     CodeFunction((("fun_name", REQUIRED), ("x", REQUIRED)), lambda fun_name, x: x))  # fmt: skip
_add("tensorflow.clip_by_value",
     CodeFunction((("t", REQUIRED), ("clip_value_min", REQUIRED), ("clip_value_max", REQUIRED)),
                  lambda t, clip_value_min, clip_value_max: _clamp(t, clip_value_min, clip_value_max)))  # fmt: skip
_add("jax.lax.select", CodeFunction((("pred", REQUIRED), ("on_true", REQUIRED), ("on_false", REQUIRED)),
                                    lambda pred, on_true, on_false: _where(pred, on_true, on_false)))  # fmt: skip
_add("jax.lax.integer_pow", CodeFunction((("x", REQUIRED), ("y", REQUIRED)), lambda x, y: _number(x) ** _number(y)))
_add(
    "tensorflow.keras.activations.hard_sigmoid",
    CodeFunction(
        (),
        Expr,
        refusal="tf.keras.activations.hard_sigmoid is Keras 2's max(0, min(1, 0.2x + 0.5)) up to TensorFlow 2.15 "
        "and Keras 3's relu6(x + 3)/6 after: write keras.activations.hard_sigmoid (Keras 3) or the formula",
    ),
)
_add("torch.detach", CodeFunction((), Expr, refusal="detach() stops the gradient: its derivative is not the value's"))
_add(
    "functools.reduce",
    CodeFunction(
        (("function", REQUIRED), ("iterable", REQUIRED)), lambda function, iterable: _reduce(function, iterable)
    ),
)
_add(
    "numpy.logical_and.reduce jax.numpy.logical_and.reduce",
    CodeFunction((("array", REQUIRED),), lambda array: sympy.And(*array)),
)
_add(
    "numpy.logical_or.reduce jax.numpy.logical_or.reduce",
    CodeFunction((("array", REQUIRED),), lambda array: sympy.Or(*array)),
)
_add("math.fabs numpy.fabs numpy.absolute abs", _one(lambda input: sympy.Abs(input)))
for _names, _relation in (
    ("torch.gt torch.greater numpy.greater jax.numpy.greater jax.lax.gt", sympy.Gt),
    ("torch.ge torch.greater_equal numpy.greater_equal jax.numpy.greater_equal jax.lax.ge", sympy.Ge),
    ("torch.lt torch.less numpy.less jax.numpy.less jax.lax.lt", sympy.Lt),
    ("torch.le torch.less_equal numpy.less_equal jax.numpy.less_equal jax.lax.le", sympy.Le),
    ("torch.eq numpy.equal jax.numpy.equal", sympy.Eq),
    ("torch.ne torch.not_equal numpy.not_equal jax.numpy.not_equal", sympy.Ne),
):
    _add(_names, CodeFunction(_TWO, lambda input, other, _r=_relation: _r(_number(input), _number(other))))
_add(
    "torch.logical_and numpy.logical_and jax.numpy.logical_and",
    CodeFunction(_TWO, lambda input, other: sympy.And(input, other)),
)
_add(
    "torch.logical_or numpy.logical_or jax.numpy.logical_or",
    CodeFunction(_TWO, lambda input, other: sympy.Or(input, other)),
)
_add("torch.logical_not numpy.logical_not jax.numpy.logical_not", _one(lambda input: sympy.Not(input)))

NN_MODULES = {
    spelling.module: spelling.names[0] for entry in LIBRARY for spelling in entry.code if spelling.module is not None
} | {name: f"torch.nn.functional.{name.lower()}" for name in ("Tanhshrink", "Softshrink", "Hardshrink", "Threshold")}
"""torch.nn's modules, to the function they call: nn.LeakyReLU(0.2)(x) is F.leaky_relu(x, 0.2)."""


def _registry(name: str) -> Callable[..., Expr]:
    return registry.by_name()[name].function


def code_function(qualified: str, build: Whitelist) -> CodeFunction | None:
    """The function a qualified code name denotes: FRAMEWORK's, a registry entry's code name
    (numpy.tanh), or torch's and NumPy's name for a function registered under its plain name; in
    TensorFlow, Keras and lax (NAMESPACES) NumPy's by the same name."""
    found = FRAMEWORK.get(qualified)  # its own path first: tf.keras' hard_sigmoid is not Keras 3's
    if found is not None:
        return found
    qualified = canonical(qualified)
    found = FRAMEWORK.get(qualified)
    if found is not None:
        return found
    entry = registry.by_code_name().get(qualified)
    module, _, short = qualified.rpartition(".")
    if entry is None and module in NAMESPACES:
        found = FRAMEWORK.get(f"numpy.{short}")
        if found is not None:
            return found
        entry = registry.by_code_name().get(f"numpy.{short}") or registry.by_name().get(short)
        module = "numpy"
    if entry is None and module in ("torch", "numpy", "jax.numpy", "math", "scipy.special", "torch.special"):
        entry = registry.by_name().get(short)
    if entry is None:
        return None
    known = build.function(entry.names[0])
    return CodeFunction((("input", REQUIRED),), lambda input: build.call(known, [input], short))


# --- the syntax tree ----------------------------------------------------------------


@dataclass
class _Module:
    """What a file defines: its import names, its constants, its functions and classes, and the functions it
    names at its top level (``gelu = functools.partial(F.gelu, approximate="tanh")``, ``act = nn.SiLU()``)."""

    aliases: dict[str, str] = field(default_factory=lambda: dict(ALIASES))
    constants: dict[str, Expr] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    values: dict[str, tuple[Any, ast.AST]] = field(default_factory=dict)
    statements: list[ast.stmt] = field(default_factory=list)  # its top level: f.defvjp(f_fwd, f_bwd) ...
    flags: dict[str, Any] = field(default_factory=dict)  # FUSED = False: a truth value or a string, set once


@dataclass(frozen=True)
class _Reference:
    """A dotted name that is not a value: a module, a function, or an nn.Module's class."""

    name: str


@dataclass(frozen=True)
class _Layer:
    """An nn.Module made in the code (nn.LeakyReLU(0.2)): called, it is its functional form."""

    function: str
    args: tuple
    keywords: tuple


@dataclass(frozen=True)
class _Partial:
    """functools.partial(f, *args, **keywords): called, f with those arguments first."""

    function: Any
    args: tuple
    keywords: tuple


@dataclass(frozen=True)
class _Class:
    """A class of the file as a value: called, an instance (``args`` given to its __init__); ``Cls.apply(x)`` of an
    autograd.Function is its forward."""

    cls: ast.ClassDef
    args: tuple = ()
    keywords: tuple = ()
    instance: bool = False


@dataclass(frozen=True)
class _Bound:
    """A method of the class read (self.gradient, self.__call__): called, its def read in place."""

    definition: ast.FunctionDef


@dataclass(frozen=True)
class _Lambda:
    """A lambda as a value (``mish = lambda x: ...``, np.piecewise's pieces): called, its body read with its
    arguments bound, and the names it saw where it was written."""

    node: ast.Lambda
    names: tuple = ()


@dataclass(frozen=True)
class _Changed:
    """A name whose tensor an in-place operation changed on one path and not on another: no value to read."""

    why: str


CASTS = frozenset(
    "float double half bfloat16 type_as to type astype contiguous clone cpu cuda view_as expand_as item "
    "numpy as_subclass conj conj_physical resolve_conj resolve_neg".split()
)
"""Tensor methods that keep the value (a dtype, a device, a copy, a layout): x.float() is x, (x > 0).float() 1
where x > 0 and 0 elsewhere."""

GUARDS = frozenset({"warn", "save_for_backward", "mark_dirty", "mark_non_differentiable", "set_materialize_grads"})
"""Calls that stand alone as statements and do not change the value: checks, warnings, autograd's bookkeeping."""

DISPATCH = ("has_torch_function", "is_scripting", "is_tracing", "is_compiling", "is_torchdynamo_compiling")
"""Tests that choose a path by the kind of tensor or the compiler, not by its value: plain tensors' path is read."""

_TENSORS = itertools.count(1)
"""Tokens of the tensors names are bound to (y = x binds y to x's): only compared, never shown."""

MAX_PATHS = 64
"""The most paths through a function's ``if`` statements derive reads (each is read to its return)."""


def _guard(name: str) -> bool:
    short = name.rpartition(".")[2]
    return short in GUARDS or short.startswith(("_check", "_assert", "check_", "assert_"))


class _Reader:
    """Reads one expression's syntax tree into SymPy through the whitelist."""

    def __init__(self, text: str, build: Whitelist, module: _Module, names: dict[str, Any], depth: int = 0) -> None:
        self.text = text
        self.build = build
        self.module = module
        self.names = names  # local names: arguments and assignments
        self.depth = depth
        self.groups: dict[str, int] = {}  # names bound to one tensor (y = x): an in-place change reaches each
        self.mutated: set[str] = set()  # names an in-place operation changed
        self.paths = [1]  # shared by the forks of one function: the paths read so far
        self.mask: tuple[str, Any] | None = None  # t[m] = f(x[m]): the mask m (its syntax, its value) being set

    def fork(self) -> _Reader:
        """A reader of another path from here: its own names, the same whitelist and file."""
        other = _Reader(self.text, self.build, self.module, dict(self.names), self.depth)
        other.groups, other.mutated, other.paths = dict(self.groups), set(self.mutated), self.paths
        return other

    def fail(self, node: ast.AST, message: str) -> None:
        column = getattr(node, "col_offset", 0) + 1
        line = getattr(node, "lineno", 1)
        several = "\n" in self.text.strip()
        place = f"at line {line}, column {column}" if several else f"at column {column}"
        # one line always: of a file or a function written over several lines, the line refused
        shown = self.text.splitlines()[line - 1].strip() if several and line <= len(self.text.splitlines()) else ""
        shown = shown or self.text.strip().replace("\n", " ")
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        message = " ".join(message.split())
        raise ParseError(f'cannot read the code "{shown}" {place}: {message}')

    def value(self, node: ast.AST) -> Any:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            self.fail(node, f"Python's {type(node).__name__} is not part of an activation's formula")
        try:
            return method(node)
        except ParseError as exc:  # a refusal from below (the whitelist's): at this construct, in one line
            if str(exc).startswith("cannot read the code"):
                raise
            self.fail(node, str(exc))
        except (TypeError, ValueError, SympifyError, AttributeError) as exc:  # SymPy refused what the construct builds
            self.fail(node, f"{ast.unparse(node)[:40]} does not give a number or a tensor ({type(exc).__name__})")

    def expr(self, node: ast.AST) -> Expr:
        found = self.value(node)
        if isinstance(found, bool):
            return sympy.true if found else sympy.false
        if isinstance(found, (int, float)):
            return _number(found)
        if not isinstance(found, sympy.Basic):
            if isinstance(found, _Reference) and not found.name.startswith("<method>"):
                said = ast.unparse(node)
                self.fail(node, refusal(found.name) or f"{said} is a function not applied to a value: {said}(x)")
            if isinstance(found, _Layer | _Partial | _Lambda | _Bound | CodeFunction | _Class):
                self.fail(node, f"{ast.unparse(node)} is a function not applied to a value: apply it to x")
            self.fail(node, "expected a number or a tensor here")
        return found

    # --- leaves --------------------------------------------------------------------

    def _Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, bool) or node.value is None or isinstance(node.value, str):
            return node.value
        if isinstance(node.value, complex):
            self.fail(
                node, f"the code computes with complex numbers ({node.value!r}): derive differentiates real functions"
            )
        if isinstance(node.value, (int, float)):
            return self.build.number(repr(node.value)) if isinstance(node.value, int) else Rational(repr(node.value))
        self.fail(node, f"the constant {node.value!r} is not a number")

    def _Name(self, node: ast.Name) -> Any:
        name = node.id
        if name in self.names:
            found = self.names[name]
            if isinstance(found, _Changed):
                self.fail(node, found.why)
            return found
        if name in self.module.constants:
            return self.module.constants[name]
        if name in self.module.flags:
            return self.module.flags[name]
        if name in self.module.values:
            return self.module.values[name][0]
        if name in self.module.aliases:
            return _Reference(self.module.aliases[name])
        if name in self.module.classes:
            return _Class(self.module.classes[name])
        if name in self.module.functions:
            return _Reference(f"<file>.{name}")
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        if name.endswith("_") and keyword.iskeyword(name[:-1]):  # SymPy's code printers write λ as lambda_
            return self.build.symbol(name[:-1])
        if name in ("e", "pi", "inf"):
            self.fail(node, f"in code {name} is a name: write math.{name} or np.{name}")
        if name in ("abs", "float", "max", "min", "pow"):
            return _Reference({"max": "numpy.fmax", "min": "numpy.fmin", "pow": "math.pow"}.get(name, name))
        return self.build.symbol(name)

    def _Attribute(self, node: ast.Attribute) -> Any:
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "ctx") and node.value.id not in self.names:
            key = f"{node.value.id}.{node.attr}"
            if key in self.names:
                return self.names[key]
            return self.build.symbol(node.attr if node.attr not in _TAKEN else f"{node.attr}_")
        base = self.value(node.value)
        if isinstance(base, _Class) and node.attr == "apply" and not base.instance:
            return _Class(base.cls, instance=True)  # an autograd.Function's apply: its forward
        if isinstance(base, _Reference):
            qualified = f"{base.name}.{node.attr}"
            return CONSTANTS.get(canonical(qualified), _Reference(qualified))
        if isinstance(base, sympy.Basic | bool | int | float):
            return _Reference(f"<method>.{node.attr}")  # x.sigmoid: the method, called below
        self.fail(node, f"cannot read .{node.attr} here")

    def _Subscript(self, node: ast.Subscript) -> Any:
        base = self.value(node.value)
        index = node.slice
        if (
            isinstance(base, list)
            and isinstance(index, ast.Constant)
            and type(index.value) is int
            and -len(base) <= index.value < len(base)
        ):
            return base[index.value]
        if self.mask is not None and isinstance(base, sympy.Basic) and not is_condition(base):
            if ast.dump(index) != self.mask[0] or self.value(index) != self.mask[1]:
                self.fail(node, "t[m] = ... reads an index on the right only when it is the mask m of the left")
            return base  # out[x < 0] = 0.2 * x[x < 0]: where the mask holds, x's own value
        self.fail(node, "an index of a tensor is not part of an elementwise formula")

    # --- operators -----------------------------------------------------------------

    def _BinOp(self, node: ast.BinOp) -> Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        op = type(node.op).__name__
        if op == "BitAnd":
            return sympy.And(left, right)
        if op == "BitOr":
            return sympy.Or(left, right)
        bracket = any(is_condition(v) for v in (left, right))
        if bracket:  # x * (x > 0): a condition in arithmetic is 1 where it holds, 0 elsewhere
            left, right = number_of(left), number_of(right)
        if op == "Add":
            value = left + right
        elif op == "Sub":
            value = left - right
        elif op == "Mult":
            value = left * right
        elif op == "Div":
            value = self.build.divide(left, right)
        elif op == "Pow":
            value = self.build.power(left, right)
        else:
            self.fail(node, f"the operator {op} is not part of an activation's formula")
        return sympy.piecewise_fold(value) if bracket else value

    def _UnaryOp(self, node: ast.UnaryOp) -> Expr:
        value = self.expr(node.operand)
        op = type(node.op).__name__
        if op in ("Not", "Invert") and is_condition(value):
            return sympy.Not(value)
        if op == "USub":
            return -number_of(value)
        if op == "UAdd":
            return value
        self.fail(node, f"the operator {op} is not part of an activation's formula")

    def _Compare(self, node: ast.Compare) -> Any:
        flag = self._flag_test(node)
        if flag is not None:
            return flag
        ops = {"Lt": sympy.Lt, "LtE": sympy.Le, "Gt": sympy.Gt, "GtE": sympy.Ge, "NotEq": sympy.Ne, "Eq": sympy.Eq}
        parts, left = [], self.expr(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            name = type(op).__name__
            if name not in ops:
                self.fail(node, f"the comparison {name} is not a condition on a number")
            right = self.expr(right_node)
            parts.append(ops[name](left, right))
            left = right
        return sympy.And(*parts)

    def _flag_test(self, node: ast.Compare) -> bool | None:
        """A comparison of flags and strings the code gives (approximate == "tanh", act is None): its truth."""
        plain = (str, bool, type(None))
        if len(node.ops) != 1:
            return None
        left, right = self.value(node.left), self.value(node.comparators[0])
        if (
            not (isinstance(left, plain) or isinstance(right, plain))
            or isinstance(left, sympy.Basic | float | int)
            and (isinstance(right, sympy.Basic | float | int))
        ):
            return None
        tests = {"Eq": left == right, "NotEq": left != right, "Is": left is right, "IsNot": left is not right}
        name = type(node.ops[0]).__name__
        if name == "In" or name == "NotIn":
            inside = isinstance(right, list) and left in right
            return inside if name == "In" else not inside
        return tests.get(name)

    def _BoolOp(self, node: ast.BoolOp) -> Expr:
        values = [self.expr(v) for v in node.values]
        return sympy.And(*values) if isinstance(node.op, ast.And) else sympy.Or(*values)

    def _IfExp(self, node: ast.IfExp) -> Any:
        test = self.value(node.test)
        return self._branches(node, node.test, test, lambda r: r.value(node.body), lambda r: r.value(node.orelse))

    def _Lambda(self, node: ast.Lambda) -> _Lambda:
        return _Lambda(node, tuple(self.names.items()))

    def _List(self, node: ast.List) -> list:
        return [self.value(e) for e in node.elts]

    _Tuple = _List

    # --- choices -------------------------------------------------------------------

    def _branches(
        self,
        node: ast.AST,
        test_node: ast.AST,
        test: Any,
        then: Callable[[_Reader], Any],
        other: Callable[[_Reader], Any],
    ) -> Any:
        """Both ways of an ``if`` (or ``a if c else b``), each read by its own fork to its value: a condition
        on the variable is a piecewise function; a flag (a truth value the code gives) picks its branch, and an
        ``inplace`` flag reads both and takes them only when they compute the same function."""
        self.paths[0] += 1
        if self.paths[0] > MAX_PATHS:
            self.fail(node, f"more than {MAX_PATHS} paths through the function's if statements")
        said = ast.unparse(test_node)
        flag = test if isinstance(test, bool | str | int | float | type(None)) else None
        if isinstance(test, sympy.logic.boolalg.BooleanAtom):
            flag = bool(test)
        if flag is None and isinstance(test, sympy.Basic) and not is_condition(test):
            self.fail(node, f"the test {said} is a number, not a condition or a flag")
        if flag is None and variable(self.build.var) not in getattr(test, "free_symbols", {variable("_")}):
            self.fail(node, f"the test {said} depends on parameters, not on the variable: say which branch")
        inplace = "inplace" in said or "in_place" in said
        if flag is not None and not inplace:  # a flag the code gives: its branch
            chosen = self.fork()
            value = (then if flag else other)(chosen)
            self._adopt(chosen)
            self.build.note(f"`if {said}` as its branch for {said} = {bool(flag)}, the value the code gives it")
            return value
        first, second = self.fork(), self.fork()
        a, b = then(first), other(second)
        if flag is not None:  # inplace: both branches must compute one function
            if not _same(a, b):
                self.fail(
                    node,
                    f"the branches of `if {said}` compute different functions ({_short(a)} and {_short(b)}): "
                    "derive reads them only when they agree",
                )
            self._adopt(first if flag else second)
            self.build.note(f"`if {said}` as either branch: both compute the same function (equal once read)")
            return a
        for name in sorted(first.mutated | second.mutated):
            if _same(first.names.get(name), second.names.get(name)):
                self.names[name] = first.names.get(name)  # changed alike both ways
            else:
                self.names[name] = _Changed(
                    f"{name} is changed in place on one side of `if {said}` and not the same way on the other"
                )
            self.mutated.add(name)
        if not all(isinstance(v, sympy.Basic) for v in (a, b)):
            self.fail(node, f"the branches of `if {said}` must each give a number or a tensor")
        return sympy.Piecewise((number_of(a), test), (number_of(b), True))

    def _adopt(self, other: _Reader) -> None:
        """The state a fork reached, as this reader's own (its in-place changes)."""
        for name in other.mutated:
            self.names[name] = other.names.get(name)
        self.mutated |= other.mutated

    def _mutate(self, node: ast.AST, value: Any) -> None:
        """An in-place operation on ``node``: a local name (and each name bound to the same tensor) now holds
        ``value``."""
        if not isinstance(node, ast.Name) or node.id not in self.names:
            return
        group = self.groups.get(node.id)
        names = [n for n, g in self.groups.items() if g == group] if group is not None else []
        for name in {node.id, *names}:
            self.names[name] = value
            self.mutated.add(name)

    # --- calls ---------------------------------------------------------------------

    def _Call(self, node: ast.Call) -> Any:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.fail(node, "*args and **kwargs are not read")
        if isinstance(node.func, ast.Lambda):
            return self._lambda(node.func, node.args, node)
        receiver = None
        if isinstance(node.func, ast.Attribute) and not (
            isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("self", "ctx")
            and node.func.value.id not in self.names
        ):
            base = self.value(node.func.value)  # once: an in-place call in it changes a tensor once
            if isinstance(base, _Class) and node.func.attr == "apply" and not base.instance:
                args = [self.value(a) for a in node.args]
                return self._instance(base, args, {k.arg: self.value(k.value) for k in node.keywords}, node)
            if isinstance(base, _Reference):
                qualified = f"{base.name}.{node.func.attr}"
                func = CONSTANTS.get(canonical(qualified), _Reference(qualified))
            elif isinstance(base, sympy.Basic | bool | int | float):
                func, receiver = _Reference(f"<method>.{node.func.attr}"), base
            else:
                self.fail(node, f"cannot call .{node.func.attr} here")
        else:
            func = self.value(node.func)
        args = [self.value(a) for a in node.args]
        keywords = {k.arg: self.value(k.value) for k in node.keywords}
        if receiver is not None:
            return self._method(node, func.name.removeprefix("<method>."), receiver, args, keywords)
        return self._call(func, args, keywords, node)

    def _call(self, func: Any, args: list, keywords: dict, node: ast.Call) -> Any:
        """``func(*args, **keywords)``, read; an in-place form (``torch.relu_(x)``, ``inplace=True``) changes its
        first argument's tensor too."""
        first = node.args[0] if node.args else None
        if isinstance(func, _Partial):
            return self._call(func.function, [*func.args, *args], dict(func.keywords) | keywords, node)
        if isinstance(func, _Layer):
            value = self._apply(func.function, [*args, *func.args], dict(func.keywords) | keywords, node)
            if dict(func.keywords).get("inplace") is True and first is not None:
                self._mutate(first, value)
            return value
        if isinstance(func, _Reference) and func.name.startswith("<file>."):
            return self._inline(func.name.removeprefix("<file>."), args, keywords, node)
        if isinstance(func, _Bound):
            return self._inline_def(func.definition, args, keywords, node, 1)
        if isinstance(func, _Lambda):
            if keywords:
                self.fail(node, "a lambda is read applied to its arguments by position")
            return self._lambda_of(func, args, node)
        if isinstance(func, _Reference) and canonical(func.name) == "numpy.piecewise":
            return self._piecewise(args, keywords, node)
        if isinstance(func, _Class):
            if not func.instance:  # Cls(...): an instance, its __init__ given these
                return _Class(func.cls, tuple(args), tuple(keywords.items()), True)
            return self._instance(func, args, keywords, node)
        if isinstance(func, _Reference) and canonical(func.name) == "functools.partial":
            if not args:
                self.fail(node, "functools.partial needs the function it fixes arguments of")
            return _Partial(self._function_value(args[0]), tuple(args[1:]), tuple(keywords.items()))
        if isinstance(func, _Reference) and func.name.rpartition(".")[2].startswith(DISPATCH):
            self.build.note(f"{func.name.rpartition('.')[2]}() as False, the path of plain tensors")
            return False
        layer_name = canonical(func.name) if isinstance(func, _Reference) else ""
        if layer_name.startswith("torch.nn.") and layer_name.count(".") == 2:
            layer = layer_name.rpartition(".")[2]
            if layer in NN_MODULES:
                return _Layer(NN_MODULES[layer], tuple(args), tuple(keywords.items()))
            if refusal(layer) is not None:  # nn.Softmax(dim=-1), nn.Dropout(0.1)
                self.fail(node, refusal(layer))
        if isinstance(func, _Reference):
            name = func.name
            in_place = name.endswith("_") and not name.endswith("__") and code_function(name, self.build) is None
            value = self._apply(name[:-1] if in_place else name, args, keywords, node)
            if (in_place or keywords.get("inplace") is True) and first is not None:
                self._mutate(first, value)
            out = next((k.value for k in node.keywords if k.arg == "out"), None)
            if out is not None:  # np.tanh(x, out=x), np.maximum(X, 0, out=X): the tensor written
                self._mutate(out, value)
            return value
        if isinstance(func, CodeFunction):
            return self._bind(func, "function", args, keywords, node)
        if isinstance(node.func, ast.Name):
            self.fail(node, f"{node.func.id} is not a function derive knows")
        self.fail(node, "cannot call this")

    def _method(self, node: ast.Call, method: str, receiver: Any, args: list, keywords: dict) -> Any:
        """``receiver.method(*args)``: a cast keeps the value, x.new_zeros(()) is 0, an in-place form (x.mul_)
        computes what its plain form does and changes the receiver's tensor."""
        if method in CASTS:
            return number_of(receiver)
        if method in ("new_zeros", "new_ones", "new_empty"):
            if method == "new_empty":
                self.fail(node, "new_empty has no value to read")
            return sympy.Integer(0 if method == "new_zeros" else 1)
        if method in ("new_full", "new_tensor"):
            given = args[-1] if args else keywords.get("fill_value", keywords.get("data"))
            return number_of(given)
        in_place = method.endswith("_") and not method.endswith("__")
        name = method[:-1] if in_place else method
        value = self._apply(f"torch.{name}", [receiver, *args], keywords, node)
        if in_place:
            self._mutate(node.func.value, value)
        return value

    def _apply(self, name: str, args: list, keywords: dict, node: ast.AST) -> Expr:
        function = code_function(name, self.build)
        if function is None:
            short = name.rpartition(".")[2]
            self.fail(node, f"derive does not know {name}" + (f" ({short})" if short != name else ""))
        return self._bind(function, name, args, keywords, node)

    def _bind(self, function: CodeFunction, name: str, args: list, keywords: dict, node: ast.AST) -> Expr:
        if function.refusal is not None:
            self.fail(node, function.refusal)
        names = [p for p, _ in function.params]
        if len(args) > len(names):
            self.fail(node, f"{name} takes at most {len(names)} arguments")
        args = [self._function_value(a) for a in args]
        keywords = {k: self._function_value(v) for k, v in keywords.items()}
        bound = dict(zip(names, args, strict=False))
        for key, value in keywords.items():
            if key in function.ignored:
                continue
            if key not in names or key in bound:
                self.fail(node, f"{name} has no argument {key}=" if key not in names else f"{key} given twice")
            bound[key] = value
        for key, default in function.params:
            if key not in bound:
                if default is REQUIRED:
                    self.fail(node, f"{name} needs its argument {key}")
                bound[key] = default
        try:
            value = function.build(**bound)
        except ParseError as exc:
            self.fail(node, str(exc))
        if function.convention is not None:
            said = function.convention(**bound)
            if said:
                self.build.note(said)
        return value

    def _function_value(self, value: Any) -> Any:
        """A function passed as a value (functools.reduce(numpy.maximum, ...)): the one it names."""
        if isinstance(value, _Reference) and not value.name.startswith("<"):
            return code_function(value.name, self.build) or value
        return value

    def _lambda(self, func: ast.Lambda, args: list[ast.AST], node: ast.AST) -> Expr:
        return self._lambda_of(_Lambda(func, tuple(self.names.items())), [self.expr(a) for a in args], node)

    def _lambda_of(self, func: _Lambda, args: list, node: ast.AST) -> Expr:
        """A lambda applied to values: its body read with its arguments bound over the names it saw."""
        spec = func.node.args
        params = [a.arg for a in spec.args]
        if len(params) != len(args) or spec.vararg or spec.kwarg or spec.kwonlyargs or spec.posonlyargs:
            self.fail(node, "a lambda is read applied to as many arguments as it takes")
        if self.depth >= MAX_INLINE_DEPTH:
            self.fail(node, f"functions call each other more than {MAX_INLINE_DEPTH} deep")
        seen = dict(func.names)
        for name in sorted(_free_names(func.node) & set(seen)):  # Python reads them when called: the same still?
            if name not in self.names or not _identical_or_same_object(self.names[name], seen[name]):
                self.fail(node, f"the lambda uses {name}, which is not the value it had where the lambda was written")
        names = {**seen, **dict(zip(params, args, strict=True))}
        return _Reader(self.text, self.build, self.module, names, self.depth + 1).expr(func.node.body)

    def _piecewise(self, args: list, keywords: dict, node: ast.AST) -> Expr:
        """np.piecewise(x, condlist, funclist): funclist's lambdas of one argument applied to x where their
        conditions hold, a later condition over an earlier one (NumPy's order); one more function is the value
        where none holds, else 0."""
        if keywords or len(args) != 3:
            self.fail(node, "np.piecewise is read as np.piecewise(x, [conditions], [lambdas of one argument])")
        x, conditions, functions = args
        if not isinstance(conditions, list) or not isinstance(functions, list) or not conditions:
            self.fail(node, "np.piecewise is read with a list of conditions and a list of functions")
        if not all(is_condition(c) for c in conditions):
            self.fail(node, "np.piecewise's conditions must be conditions on the variable")
        if len(functions) not in (len(conditions), len(conditions) + 1):
            self.fail(node, "np.piecewise takes one function per condition (and one more for the rest)")
        if not all(isinstance(f, _Lambda) and len(f.node.args.args) == 1 for f in functions):
            self.fail(node, "np.piecewise is read with lambdas of one argument as its pieces")
        values = [number_of(self._lambda_of(f, [x], node)) for f in functions]
        rest = values[len(conditions)] if len(values) > len(conditions) else sympy.Integer(0)
        pieces = [(v, c) for v, c in zip(values, conditions, strict=False)][::-1]  # the last that holds wins
        return sympy.Piecewise(*pieces, (rest, True))

    def _inline(self, name: str, args: list, keywords: dict, node: ast.Call) -> Expr:
        if self.depth >= MAX_INLINE_DEPTH:
            self.fail(node, f"functions call each other more than {MAX_INLINE_DEPTH} deep")
        definition = self.module.functions.get(name)
        if definition is None:
            self.fail(node, f"{name} is a class: call an instance's forward through a def")
        return self._inline_def(definition, args, keywords, node, 0)

    def _instance(self, value: _Class, args: list, keywords: dict, node: ast.Call) -> Expr:
        """An instance of a class of the file called (or an autograd.Function's apply): its forward read in place,
        with what its __init__ set from the arguments it was made with."""
        forward, names = _forward(value.cls, self.text, self.module, value.args, dict(value.keywords))
        return self._inline_def(forward, args, keywords, node, _skip(forward), names)

    def _inline_def(
        self,
        definition: ast.FunctionDef,
        args: list,
        keywords: dict,
        node: ast.Call,
        skip: int,
        own: dict | None = None,
    ) -> Expr:
        """A def of the file (or a method of the class read: ``skip`` its self) called: its body read in place."""
        if self.depth >= MAX_INLINE_DEPTH:
            self.fail(node, f"functions call each other more than {MAX_INLINE_DEPTH} deep")
        name = definition.name
        params = [a.arg for a in definition.args.args][skip:]
        nodes = dict(zip(params, node.args, strict=False)) | {k.arg: k.value for k in node.keywords}
        bound = dict(zip(params, args, strict=False)) | keywords
        defaults = definition.args.defaults
        for param, default in zip(params[len(params) - len(defaults) :], defaults, strict=False):
            bound.setdefault(param, _Reader(self.text, self.build, self.module, {}, self.depth).value(default))
        missing = [p for p in params if p not in bound]
        if missing:
            self.fail(node, f"{name} needs its argument {missing[0]}")
        if own is None:
            own = {k: v for k, v in self.names.items() if k.startswith("self.")} if skip else {}
        fallback = params[0] if params else None
        value, callee = _body(definition, self.text, self.build, self.module, own | bound, self.depth + 1, fallback)
        for param in callee.mutated & set(params):  # an argument's tensor changed in place: the caller's too
            if param in nodes:
                self._mutate(nodes[param], callee.names.get(param))
        return value

    # --- statements ------------------------------------------------------------------

    def run(self, statements: list[ast.stmt], function: str) -> Any:
        """Statements read in order to the return: assignments, in-place calls, checks and guards (left out,
        they do not change the value), and ``if`` statements, each way read to its own return."""
        for i, statement in enumerate(statements):
            if isinstance(statement, ast.Return):
                if statement.value is None:
                    self.fail(statement, f"{function} returns nothing")
                return self.value(statement.value)
            if isinstance(statement, ast.If):
                return self._if(statement, statements[i + 1 :], function)
            self._statement(statement, function)
        return None

    def _statement(self, statement: ast.stmt, function: str) -> None:
        target = statement.targets[0] if isinstance(statement, ast.Assign) and len(statement.targets) == 1 else None
        target = statement.target if isinstance(statement, ast.AugAssign) else target
        if isinstance(target, ast.Subscript):
            self._masked(statement, target)
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            self._assign(statement.targets[0], statement.value)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            self._assign(statement.target, statement.value)
        elif isinstance(statement, ast.AugAssign):
            target = _target(statement.target, self)
            if target not in self.names:
                self.fail(statement, f"{target} is updated before it is assigned")
            operation = ast.BinOp(statement.target, statement.op, statement.value)
            value = self.expr(ast.copy_location(operation, statement))
            if isinstance(statement.target, ast.Name):  # x += 1 on a tensor is in place: every name bound to it
                self._mutate(statement.target, value)
            self.names[target] = value
        elif isinstance(statement, ast.Try) and all(
            isinstance(s, ast.Assign) and all(isinstance(t, ast.Attribute) for t in s.targets) for s in statement.body
        ):
            pass  # try: output._keras_logits = x: a tag on the tensor, not its value
        elif isinstance(statement, ast.Assert | ast.Pass | ast.Import | ast.ImportFrom):
            pass  # a check: the value is the same where it passes
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            pass  # a docstring
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            if _guard(ast.unparse(statement.value.func)):
                if ast.unparse(statement.value.func).endswith("save_for_backward"):
                    self.names["ctx.saved_tensors"] = [self.value(a) for a in statement.value.args]
                return
            self.value(statement.value)  # x.mul_(2), torch.relu_(x): read for the tensor it changes
        else:
            self.fail(statement, f"{function}'s body must be assignments, checks, if statements and a return")

    def _masked(self, statement: ast.Assign | ast.AugAssign, target: ast.Subscript) -> None:
        """``t[x < 0] = 0``, ``t[x < 0] *= slope``: t changed in place where the mask holds, a piecewise value."""
        if not isinstance(target.value, ast.Name) or target.value.id not in self.names:
            self.fail(target, "only a name's tensor is changed under a mask")
        mask = self.value(target.slice)
        if not is_condition(mask):
            self.fail(target.slice, "an index of a tensor is not part of an elementwise formula: a mask is (t[x < 0])")
        old = self.expr(target.value)
        if isinstance(statement, ast.AugAssign):
            operation = ast.copy_location(ast.BinOp(target.value, statement.op, statement.value), statement)
            new = self.expr(operation)
        else:
            self.mask = (ast.dump(target.slice), mask)
            try:
                new = self.expr(statement.value)
            finally:
                self.mask = None
        self._mutate(target.value, sympy.Piecewise((number_of(new), mask), (old, True)))

    def _assign(self, target: ast.AST, node: ast.AST) -> None:
        value = self.value(node)
        if isinstance(target, ast.Tuple | ast.List):
            if not isinstance(value, list):
                self.fail(target, f"a tensor is not unpacked into {len(target.elts)} names")
            if len(value) != len(target.elts):
                self.fail(target, f"{len(target.elts)} names for {len(value)} values")
            for element, item in zip(target.elts, value, strict=True):
                self.names[_target(element, self)] = item
                if isinstance(element, ast.Name):
                    self.groups[element.id] = next(_TENSORS)
            return
        name = _target(target, self)
        self.names[name] = value
        if isinstance(node, ast.Name) and node.id in self.names:  # y = x: one tensor, two names
            self.groups.setdefault(node.id, next(_TENSORS))
            self.groups[name] = self.groups[node.id]
        else:
            self.groups[name] = next(_TENSORS)  # a tensor of its own

    def _keeps(self, statement: ast.If) -> bool:
        """Whether an ``if`` without else only binds names again to the values they hold (``x = torch.tensor(x)``,
        ``x = x.float()`` under a test of the type or the dtype): then its test does not matter."""
        effects = any(  # a test that changes a tensor (x.mul_(2) > 0, out=, :=) is read, not left out
            isinstance(n, ast.NamedExpr)
            or isinstance(n, ast.keyword)
            and n.arg in ("out", "inplace")
            or isinstance(n, ast.Call)
            and ast.unparse(n.func).endswith("_")
            and not ast.unparse(n.func).endswith("__")
            for n in ast.walk(statement.test)
        )
        if (
            effects
            or statement.orelse
            or not all(
                isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                for s in statement.body
            )
        ):
            return False
        other = self.fork()
        other.paths = [0]
        try:
            for s in statement.body:
                other._statement(s, "")
        except ParseError:
            return False
        shared = {g for n, g in self.groups.items() if list(self.groups.values()).count(g) > 1}
        return other.mutated == self.mutated and all(
            s.targets[0].id in self.names
            and _identical(other.names[s.targets[0].id], self.names[s.targets[0].id])
            and self.groups.get(s.targets[0].id) not in shared  # y = x before: a copy would part them
            for s in statement.body
        )

    def _if(self, statement: ast.If, rest: list[ast.stmt], function: str) -> Any:
        """An ``if`` and what follows it: a guard (its branch raises) or a dispatch to another kind of tensor is
        left out; else each way is read with what follows to its return (``_branches``)."""
        body = list(statement.body) + rest
        orelse = list(statement.orelse) + rest
        raises = all(isinstance(s, ast.Raise | ast.Expr) for s in statement.body) and any(
            isinstance(s, ast.Raise) for s in statement.body
        )
        said = ast.unparse(statement.test)
        if raises:  # a guard: where it passes, the value is what follows
            return self.run(orelse, function)
        dispatch = next((word for word in DISPATCH if word in said), None)
        if dispatch is not None:
            self.build.note(f"{dispatch}() as False, the path of plain tensors")
            return self.run(orelse, function)
        if self._keeps(statement):  # if not torch.is_tensor(x): x = torch.tensor(x): the value either way
            self.build.note(f"`if {said}` as no change: its branch only casts, the values stay the same")
            return self.run(rest, function)
        test = self.value(statement.test)
        value = self._branches(
            statement, statement.test, test, lambda r: r.run(body, function), lambda r: r.run(orelse, function)
        )
        if value is None:
            self.fail(statement, f"{function} must end with a return")
        return value


_TAKEN = frozenset(dir(builtins)) | frozenset(registry.by_name())
"""Names of a module's attributes (self.min) that are Python's, NumPy's or SymPy's functions too: the parameter is
written min_, so that nothing reads it back as the function."""


def _same(a: Any, b: Any) -> bool:
    """Two values read from two branches compute the same: identical, or their difference simplifies to 0."""
    if a == b:
        return True
    if not (isinstance(a, sympy.Basic) and isinstance(b, sympy.Basic)):
        return False
    if is_condition(a) or is_condition(b):
        return False
    try:
        return sympy.simplify(sympy.piecewise_fold(a - b)) == 0
    except (TypeError, ValueError, RecursionError):
        return False


def _free_names(node: ast.Lambda) -> set[str]:
    """The names a lambda's body reads that are not its own arguments."""
    own = {a.arg for a in node.args.args}
    return {n.id for n in ast.walk(node.body) if isinstance(n, ast.Name)} - own


def _identical_or_same_object(a: Any, b: Any) -> bool:
    return a is b or _identical(a, b) or (type(a) is type(b) and not isinstance(a, sympy.Basic) and a == b)


def _identical(a: Any, b: Any) -> bool:
    """The same value, as read (no simplification): a number or a tensor."""
    return isinstance(a, sympy.Basic) and isinstance(b, sympy.Basic) and a == b


def _short(value: Any) -> str:
    said = str(value)
    return said if len(said) <= 40 else said[:37] + "..."


def _body(
    definition: ast.FunctionDef,
    text: str,
    build: Whitelist,
    module: _Module,
    names: dict,
    depth: int,
    fallback: str | None = None,
) -> tuple[Expr, _Reader]:
    """A function's body, read with ``names`` bound, and the reader that read it (its in-place changes); a function
    without a return is its argument ``fallback``, changed in place (``np.tanh(X, out=X)``) or left as it is."""
    reader = _Reader(text, build, module, dict(names), depth)
    for name in names:
        reader.groups[name] = next(_TENSORS)
    value = reader.run(list(definition.body), definition.name)
    if value is None and fallback is not None and _in_place(definition, reader, fallback):
        value = reader.names[fallback]
        how = "changes in place" if fallback in reader.mutated else "leaves as it is"
        build.note(f"{definition.name}, which returns nothing, as its argument {fallback}, which it {how}")
    if value is None:
        reader.fail(definition, f"{definition.name} must end with a return")
    if is_condition(value):
        value = number_of(value)
    if not isinstance(value, sympy.Basic):
        reader.fail(definition, f"{definition.name} must return a number or a tensor")
    return value, reader


def _in_place(definition: ast.FunctionDef, reader: _Reader, argument: str) -> bool:
    """Whether a def without a return computes its value into ``argument``: it changes it in place
    (``np.tanh(X, out=X)``), or it is an in-place function that has nothing to do (scikit-learn's
    ``inplace_identity``, a docstring alone). Any other def without a return returns None: refused."""
    if argument not in reader.names or any(isinstance(n, ast.Return) for n in ast.walk(definition)):
        return False
    if argument in reader.mutated:
        return True
    empty = all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
                for s in definition.body)  # fmt: skip
    return empty and "inplace" in definition.name.replace("_", "").lower()


def _skip(definition: ast.FunctionDef) -> int:
    """The leading arguments of a method that are not inputs: self, or an autograd.Function's ctx; none for a
    @staticmethod forward(x) (as YOLO's modules write it)."""
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in definition.decorator_list)
    first = definition.args.args[0].arg if definition.args.args else None
    return 0 if static and first != "ctx" else 1


def _target(node: ast.AST, reader: _Reader) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "ctx"):
        return f"{node.value.id}.{node.attr}"
    reader.fail(node, "only a name is assigned to")


# --- entry points ---------------------------------------------------------------------


def read_code(
    text: str,
    var: str | None = None,
    library: LibraryLookup | None = None,
    library_names: tuple[str, ...] = (),
    functions: Mapping[str, Callable[..., Expr]] | None = None,
):
    """A Python expression as an activation: x * torch.sigmoid(1.702 * x), F.leaky_relu(x, 0.2)."""
    from derive.reading.result import Reading

    tree = _parsed(text.strip(), "eval")
    guess = var or _guess_variable(tree)
    build = Whitelist(guess, library, library_names, functions)
    expr = number_of(_Reader(text, build, _Module(), {}).expr(tree.body))
    named = guess if guess in _plain_names(tree) else None
    return Reading(expr, var or named, None, 0, tuple(build.conventions), "code")


@dataclass(frozen=True)
class Found:
    """A function of a file as derive reads it: its def (a module's forward, an autograd.Function's forward),
    how many leading arguments are not inputs (self, ctx), and what its class's __init__ set."""

    definition: ast.FunctionDef
    skip: int
    names: dict


def read_file(path: str, name: str, var: str | None = None, library: LibraryLookup | None = None):
    """A function of a Python file (a def, an nn.Module's forward, a class's __call__, an autograd.Function's
    forward, a module-level functools.partial or layer), read by its syntax tree."""
    from derive.reading.result import Reading

    source, module = parse_file(path)
    if name in module.values:
        return _read_value(module, source, name, var, library)
    found = find(module, source, path, name)
    params = [a.arg for a in found.definition.args.args][found.skip :]
    if not params:
        raise ParseError(f"{path}:{name} takes no argument to differentiate in")
    chosen = var or params[0]
    if chosen not in params:
        raise ParseError(f"{path}:{name} has no argument {chosen} (its arguments: {', '.join(params)})")
    build = Whitelist(chosen, library)
    names = {p: build.symbol(p) for p in params} | found.names | _flags(found.definition, source, module, build)
    expr, _ = _body(found.definition, source, build, module, names, 0, chosen)
    return Reading(expr, chosen, _named(name, build), 0, tuple(build.conventions), "code")


def _named(name: str, build: Whitelist) -> str:
    """The function's name in every output: its own, or its own with _ where derive's strings use that name for
    something of its own (def sigmoid is not σ), said in a note."""
    shown = own_name(name)
    if shown != name:
        build.note(f"the file's {name} as {shown}, apart from derive's own {name}")
    return shown


def parse_file(path: str) -> tuple[str, _Module]:
    """A file's text and what it defines, read by its syntax tree (never imported)."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(f"{path} is {size} bytes; derive reads files up to {MAX_FILE_BYTES}")
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read {path}: {' '.join(str(exc).split())}") from None
    if "\x00" in source:
        raise ParseError(f"cannot read {path}: it holds NUL bytes")
    tree = _parsed(source, "exec", path)
    return source, _module(tree, source)


def find(module: _Module, source: str, path: str, name: str) -> Found:
    """The def ``name`` of a file, or the method that computes a class's value."""
    if name in module.functions:
        return Found(module.functions[name], 0, {})
    cls = _class_named(module, name)
    if cls is not None:
        definition, names = _forward(cls, source, module)
        return Found(definition, _skip(definition), names)
    known = ", ".join(sorted([*module.functions, *module.classes, *module.values])) or "none"
    raise ParseError(f"{path} defines no function or class {name!r} (it defines: {known})")


def defined(path: str) -> str:
    """What a file defines that derive reads by name (its functions, classes, and names bound to functions)."""
    _, module = parse_file(path)
    return ", ".join(sorted([*module.functions, *module.classes, *module.values])) or "none"


def _class_named(module: _Module, name: str) -> ast.ClassDef | None:
    """The class ``name`` of the file, or a class inside one: ``MemoryEfficientMish.F``."""
    outer, _, inner = name.partition(".")
    cls = module.classes.get(outer)
    for part in inner.split(".") if inner else []:
        nested = {s.name: s for s in cls.body if isinstance(s, ast.ClassDef)} if cls is not None else {}
        cls = nested.get(part)
    return cls


def _read_value(module: _Module, source: str, name: str, var: str | None, library: LibraryLookup | None):
    """A module-level name bound to a function (functools.partial, nn.SiLU(), F.gelu), applied to the variable."""
    from derive.reading.result import Reading

    value, node = module.values[name]
    chosen = var or "x"
    build = Whitelist(chosen, library)
    reader = _Reader(source, build, module, {})
    call = ast.copy_location(ast.Call(ast.Name(chosen), [ast.Name(chosen)], []), node)
    expr = number_of(reader._call(value, [variable(chosen)], {}, call))
    return Reading(expr, chosen, _named(name, build), 0, tuple(build.conventions), "code")


def _flags(definition: ast.FunctionDef, source: str, module: _Module, build: Whitelist) -> dict:
    """A function's arguments whose defaults are flags or names (inplace=False, approximate=True,
    act_layer=nn.GELU): their defaults, which pick the code's branches; a number stays a parameter."""
    args = definition.args
    names: dict[str, Any] = {}
    pairs = list(zip(args.args[len(args.args) - len(args.defaults) :], args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
    for arg, default in pairs:
        try:
            value = _Reader(source, build, module, {}).value(default)
        except ParseError:
            continue
        if not isinstance(value, sympy.Basic) or isinstance(value, sympy.logic.boolalg.BooleanAtom):
            names[arg.arg] = value
    return names


def _parsed(source: str, mode: str, path: str | None = None) -> ast.AST:
    try:
        return ast.parse(source, filename=path or "<expression>", mode=mode)
    except SyntaxError as exc:
        msg = " ".join(str(exc.msg).split())
        where = (
            f"{path}, line {exc.lineno}, column {exc.offset}"
            if path
            else f'"{_one_line(source)}" at column {exc.offset}'
        )
        raise ParseError(f"cannot read the code in {where}: {msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("the code is nested too deeply to read") from None


def _one_line(text: str) -> str:
    said = " ".join(text.split())
    return said if len(said) <= 60 else said[:57] + "..."


def _plain_names(tree: ast.AST) -> set[str]:
    """The names a tree uses as values: not modules, constants, or what it calls."""
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not n.id.startswith("_")}
    return names - called - set(ALIASES) - {"True", "False", "None"}


def _guess_variable(tree: ast.AST) -> str:
    """An expression's variable: z or x when it has one, else its only plain name."""
    names = _plain_names(tree)
    for usual in ("z", "x", "input", "t"):
        if usual in names:
            return usual
    return sorted(names)[0] if len(names) == 1 else "z"


def _module(tree: ast.Module, source: str) -> _Module:
    module = _Module(statements=list(tree.body))
    assigned = collections.Counter(  # a name set more than once (FUSED = True in a try) is no constant flag
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    )
    assigned.update(n for g in ast.walk(tree) if isinstance(g, ast.Global | ast.Nonlocal) for n in g.names)
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                module.aliases[alias.asname or alias.name.partition(".")[0]] = (
                    alias.name if alias.asname else alias.name.partition(".")[0]
                )
        elif isinstance(statement, ast.ImportFrom) and statement.module:
            for alias in statement.names:
                qualified = f"{statement.module}.{alias.name}"
                if canonical(qualified) in CONSTANTS:
                    module.constants[alias.asname or alias.name] = CONSTANTS[canonical(qualified)]
                else:
                    module.aliases[alias.asname or alias.name] = qualified
        elif isinstance(statement, ast.FunctionDef):
            module.functions[statement.name] = statement
        elif isinstance(statement, ast.ClassDef):
            module.classes[statement.name] = statement
        elif (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            try:
                value = _Reader(source, Whitelist("_"), module, {}).value(statement.value)
            except ParseError:
                continue  # not a constant of the formula: left out unless a formula uses it
            name = statement.targets[0].id
            if isinstance(value, Expr) and value.is_number:
                module.constants[name] = value
            elif isinstance(value, bool | str) and assigned[name] == 1:  # FUSED = False: a flag, set once
                module.flags[name] = value
            elif (
                isinstance(value, _Partial | _Layer)
                or (isinstance(value, _Class) and value.instance)
                or isinstance(value, _Lambda)
                or (isinstance(value, _Reference) and not value.name.startswith("<method>"))
            ):
                module.values[name] = (value, statement)
    return module


def _bases(cls: ast.ClassDef, module: _Module) -> list[ast.ClassDef]:
    """The class and the classes of the file it derives from, nearest first."""
    order, queue = [], [cls]
    while queue and len(order) < MAX_INLINE_DEPTH:
        current = queue.pop(0)
        if current in order:
            continue
        order.append(current)
        queue += [module.classes[b.id] for b in current.bases if isinstance(b, ast.Name) and b.id in module.classes]
    return order


def _method(cls: ast.ClassDef, module: _Module, names: tuple[str, ...]) -> ast.FunctionDef | None:
    for current in _bases(cls, module):
        methods = {s.name: s for s in current.body if isinstance(s, ast.FunctionDef)}
        for name in names:
            if name in methods:
                return methods[name]
    return None


def _forward(
    cls: ast.ClassDef, source: str, module: _Module, args: tuple = (), keywords: dict | None = None
) -> tuple[ast.FunctionDef, dict]:
    """What computes a class's value (an nn.Module's forward, its own or inherited; a Keras layer's call; a
    class's __call__; an autograd.Function's forward), and what its __init__ sets on self: numbers, flags,
    submodules (self.act = nn.ReLU6(inplace=True)); anything else a parameter."""
    forward = _method(cls, module, ("forward", "__call__", "call"))
    if forward is None:
        raise ParseError(f"the class {cls.name} has no forward, __call__ or call method")
    init = _method(cls, module, ("__init__",))
    names: dict[str, Any] = {}
    for current in reversed(_bases(cls, module)):  # its methods, the nearest class's last: self.gradient(x)
        names |= {f"self.{s.name}": _Bound(s) for s in current.body if isinstance(s, ast.FunctionDef)}
        names |= {f"self.{s.name}": _Class(s) for s in current.body if isinstance(s, ast.ClassDef)}
    if init is not None:
        params = [a.arg for a in init.args.args][1:]
        given = dict(zip(params, args, strict=False)) | (keywords or {})
        _init(init, cls, source, module, given, names, 0)
    return forward, names


def _init(
    init: ast.FunctionDef, cls: ast.ClassDef, source: str, module: _Module, given: dict, names: dict, depth: int
) -> None:
    """Run an __init__'s assignments to self by the syntax tree: its arguments are what the caller gave (a
    super().__init__(0.0, 6.0)), else their defaults; a number not given stays the parameter of its name."""
    reader = _Reader(source, Whitelist("_"), module, {})
    reader.names |= {k: v for k, v in names.items() if isinstance(v, _Bound | _Class)}  # self._gelu_python
    params = [a.arg for a in init.args.args][1:]
    defaults = dict(zip(params[len(params) - len(init.args.defaults) :], init.args.defaults, strict=True))
    defaults |= {a.arg: d for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True) if d is not None}
    for param in [*params, *(a.arg for a in init.args.kwonlyargs)]:
        if param in given:
            reader.names[param] = given[param]
            continue
        try:
            value = reader.value(defaults[param]) if param in defaults else None
        except ParseError:
            value = None
        numeric = isinstance(value, sympy.Basic) and not isinstance(value, sympy.logic.boolalg.BooleanAtom)
        reader.names[param] = parameter(param) if value is None or numeric else value
    _init_statements(list(init.body), init, cls, source, module, names, depth, reader)


def _init_statements(
    statements: list[ast.stmt],
    init: ast.FunctionDef,
    cls: ast.ClassDef,
    source: str,
    module: _Module,
    names: dict,
    depth: int,
    reader: _Reader,
) -> None:
    """An __init__'s statements: assignments to self, super().__init__(...), and an ``if`` on a flag, whose branch
    is run (a branch that raises is a check, left out)."""
    for statement in statements:
        if isinstance(statement, ast.If):
            if any(isinstance(s, ast.Raise) for s in statement.body):
                _init_statements(list(statement.orelse), init, cls, source, module, names, depth, reader)
                continue
            try:
                test = reader.value(statement.test)
            except ParseError:
                continue
            if isinstance(test, sympy.logic.boolalg.BooleanAtom):
                test = bool(test)
            if isinstance(test, bool | str | int | float | type(None)):
                branch = statement.body if test else statement.orelse
                _init_statements(list(branch), init, cls, source, module, names, depth, reader)
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            parent = _parent_init(call, cls, module)
            if parent is not None and depth < MAX_INLINE_DEPTH:
                base_params = [a.arg for a in parent.args.args][1:]
                try:
                    args = [reader.value(a) for a in call.args if not (isinstance(a, ast.Name) and a.id == "self")]
                    keywords = {k.arg: reader.value(k.value) for k in call.keywords if k.arg}
                except ParseError:
                    continue
                bound = dict(zip(base_params, args, strict=False)) | keywords
                owner = next(c for c in _bases(cls, module)[1:] if parent in c.body)
                _init(parent, owner, source, module, bound, names, depth + 1)
            continue
        if not isinstance(statement, ast.Assign | ast.AnnAssign):
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                names[f"self.{target.attr}"] = _attribute_value(target.attr, statement.value, reader)
                reader.names[f"self.{target.attr}"] = names[f"self.{target.attr}"]


def _parent_init(call: ast.Call, cls: ast.ClassDef, module: _Module) -> ast.FunctionDef | None:
    """The __init__ of a base class of the file that ``super().__init__(...)`` (or ``Base.__init__(self, ...)``)
    calls, or None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return None
    for base in _bases(cls, module)[1:]:
        methods = {s.name: s for s in base.body if isinstance(s, ast.FunctionDef)}
        if "__init__" in methods:
            return methods["__init__"]
    return None


def _attribute_value(attr: str, node: ast.AST | None, reader: _Reader) -> Any:
    """self.alpha = 0.2 is 0.2; a flag, a string or a submodule (nn.ReLU6(inplace=True)) is itself; self.alpha =
    alpha, nn.Parameter(...) or anything else: the parameter alpha (min_ for self.min, a function's name)."""
    own = parameter(attr if attr not in _TAKEN else f"{attr}_")
    if node is None:
        return own
    try:
        value = reader.value(node)
    except ParseError:
        return own
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.logic.boolalg.BooleanAtom):
        return value if value.is_number else own
    if isinstance(value, _Reference) and value.name.startswith("<method>"):
        return own
    return value


# --- hand-written backward passes ----------------------------------------------------------------------

GRADIENT_NAMES = ("{}_grad", "{}_backward", "{}_derivative", "{}_deriv", "{}_prime", "d_{}", "d{}", "grad_{}")
"""How a file names a function's hand-written derivative: swish and swish_grad, d_swish, swish_backward ..."""

DERIVATIVE_METHODS = ("gradient", "derivative", "deriv", "grad", "prime")
"""A class's method that is its function's derivative in x (from-scratch frameworks: Sigmoid.gradient(x))."""

INCOMING = "grad_output"
"""The symbol of the incoming gradient a backward multiplies: dL/dy, set to 1 to compare with g'."""


@dataclass(frozen=True)
class HandWritten:
    """A hand-written backward pass, read: the activation (what every other command reads), the gradient the
    backward gives for the input as a function of the variable and of INCOMING (dL/dy), and where it was."""

    forward: Any  # the Reading of the forward
    gradient: Expr  # dL/dx as the code computes it, in the variable and the symbol INCOMING
    kind: str  # "autograd.Function", "custom_vjp", "custom_jvp", "derivative function", "backward method"
    backward: str  # the name of what computes it: MySwish.backward, swish_bwd, swish_grad
    incoming: Expr  # the symbol INCOMING stands for
    takes_output: bool = False  # a derivative function written for the output y = g(x) (sigmoid_derivative(s))


def read_backward(
    path: str, name: str, var: str | None = None, backward: str | None = None, library: LibraryLookup | None = None
) -> HandWritten:
    """The forward ``name`` of a file and its hand-written backward: an autograd.Function's forward and backward,
    a jax.custom_vjp (f.defvjp(fwd, bwd)) or custom_jvp (f.defjvp, f.defjvps), a class's forward and backward
    (or gradient) methods, or a def with its derivative (``backward``, else name_grad, d_name, ...)."""
    source, module = parse_file(path)
    forward = read_file(path, name, var, library)
    x = variable(forward.variable)
    incoming = sympy.Symbol(INCOMING, real=True)
    build = Whitelist(forward.variable, library)
    if backward is not None:
        if backward not in module.functions:
            known = ", ".join(sorted(module.functions)) or "none"
            raise ParseError(f"{path} defines no function {backward!r} (its functions: {known})")
        return _derivative_function(module, source, build, forward, backward, x, incoming, path)
    if _class_named(module, name) is not None:
        return _class_backward(module, source, build, forward, name, x, incoming, path)
    bound = module.values.get(name, (None,))[0]
    if (
        isinstance(bound, _Class)
        and not bound.args
        and not bound.keywords
        and module.classes.get(bound.cls.name) is bound.cls
    ):  # swish = SwishFn.apply (or SwishFn()): the class's backward, in the name its forward gives the input
        found = find(module, source, path, bound.cls.name)
        params = [a.arg for a in found.definition.args.args][found.skip :]
        if params and params[0] != forward.variable:
            if var is not None:
                raise ParseError(
                    f"{path}:{name} is {bound.cls.name}'s, whose input is {params[0]}: give --var {params[0]}"
                )
            forward = read_file(path, name, params[0], library)
            x, build = variable(params[0]), Whitelist(params[0], library)
        return _class_backward(module, source, build, forward, bound.cls.name, x, incoming, path)
    rules = _jax_rules(module, name)
    if "defvjp" in rules:
        return _custom_vjp(module, source, build, forward, name, rules["defvjp"], x, incoming, path)
    if "defjvp" in rules or "defjvps" in rules:
        return _custom_jvp(module, source, build, forward, name, rules, x, incoming, path)
    for pattern in GRADIENT_NAMES:
        other = pattern.format(name)
        if other in module.functions:
            return _derivative_function(module, source, build, forward, other, x, incoming, path)
    tried = ", ".join(p.format(name) for p in GRADIENT_NAMES)
    raise ParseError(
        f"{path}:{name} has no backward derive can find: no autograd.Function, custom_vjp or custom_jvp rule, "
        f"and no function {tried}; name it with --backward"
    )


def _fail_at(source: str, node: ast.AST, message: str) -> None:
    _Reader(source, Whitelist("_"), _Module(), {}).fail(node, message)


def _first(value: Any, source: str, node: ast.AST, what: str) -> Expr:
    """The input's gradient from what a backward returns: the first of a tuple (grad_x, None, ...)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, sympy.Basic) or is_condition(value):
        _fail_at(source, node, f"{what} must return the input's gradient (a tensor) first")
    return value


def _run(
    definition: ast.FunctionDef,
    source: str,
    build: Whitelist,
    module: _Module,
    names: dict,
    fallback: str | None = None,
) -> tuple[Any, _Reader]:
    reader = _Reader(source, build, module, dict(names), 0)
    for name in names:
        reader.groups[name] = next(_TENSORS)
    value = reader.run(list(definition.body), definition.name)
    if value is None and fallback is not None and _in_place(definition, reader, fallback):
        value = reader.names[fallback]  # scikit-learn's inplace_relu_derivative(Z, delta): delta, changed in place
    if value is None:
        reader.fail(definition, f"{definition.name} must end with a return")
    return value, reader


def _class_backward(module, source, build, forward, name, x, incoming, path) -> HandWritten:  # noqa: ANN001
    """An autograd.Function (forward(ctx, x) and backward(ctx, grad_output)), or a class whose forward keeps
    what its backward(self, grad) reads (self.x = x), or a class with a gradient(self, x) method."""
    cls = _class_named(module, name)
    found = find(module, source, path, name)
    backward = _method(cls, module, ("backward",))
    if backward is None:
        derivative = _method(cls, module, DERIVATIVE_METHODS)
        if derivative is None:
            raise ParseError(f"{path}:{name} has no backward, gradient or derivative method")
        params = [a.arg for a in derivative.args.args][1:]
        if len(params) != 1:
            _fail_at(source, derivative, f"{derivative.name} takes the input alone")
        value, _ = _run(derivative, source, build, module, found.names | {params[0]: x})
        gradient = incoming * _first(value, source, derivative, derivative.name)
        return HandWritten(forward, gradient, "derivative method", f"{name}.{derivative.name}", incoming)
    params = [a.arg for a in found.definition.args.args][found.skip :]
    own = "self" if found.definition.args.args and found.definition.args.args[0].arg == "self" else "ctx"
    _, state = _run(found.definition, source, build, module, {p: build.symbol(p) for p in params} | found.names)
    after = {k: v for k, v in state.names.items() if k.startswith(("ctx.", "self."))}
    back = [a.arg for a in backward.args.args]
    inputs = back[1:] if back and back[0] in ("ctx", "self") else back
    if not inputs:
        _fail_at(source, backward, "backward takes the gradient of the output")
    mine = back[0] if back and back[0] in ("ctx", "self") else own
    names = {mine + k[k.index(".") :]: v for k, v in after.items()}  # forward's ctx is backward's ctx
    names[f"{mine}.needs_input_grad"] = [True] * (len(params) + 1)
    if len(inputs) == 1:
        names[inputs[0]] = incoming
    else:  # backward(self, x, grad): the input by its name, the gradient the other
        first_is_input = inputs[0] == forward.variable
        names[inputs[0]] = x if first_is_input else incoming
        names[inputs[1]] = incoming if first_is_input else x
    value, _ = _run(backward, source, build, module, names)
    kind = "autograd.Function" if own == "ctx" else "backward method"
    return HandWritten(forward, _first(value, source, backward, "backward"), kind, f"{name}.backward", incoming)


def _jax_rules(module: _Module, name: str) -> dict[str, Any]:
    """JAX's rules for ``name`` in the file: f.defvjp(fwd, bwd), f.defjvp(jvp) (a statement or a decorator
    @f.defjvp), f.defjvps(lambda g, ans, x: ...): the arguments' syntax trees by the method's name."""
    rules: dict[str, Any] = {}
    for function in module.functions.values():
        for decorator in function.decorator_list:
            if (
                isinstance(decorator, ast.Attribute)
                and isinstance(decorator.value, ast.Name)
                and decorator.value.id == name
                and decorator.attr in ("defjvp", "defvjp")
            ):
                rules[decorator.attr] = [ast.Name(function.name)]
    for statement in module.statements:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == name
            and call.func.attr in ("defvjp", "defjvp", "defjvps")
        ):
            rules[call.func.attr] = list(call.args) + [k.value for k in call.keywords]
    return rules


def _named_def(module: _Module, node: ast.AST, source: str, what: str) -> ast.FunctionDef:
    if isinstance(node, ast.Name) and node.id in module.functions:
        return module.functions[node.id]
    _fail_at(source, node, f"{what} must be a def of the file")


def _custom_vjp(module, source, build, forward, name, args, x, incoming, path) -> HandWritten:  # noqa: ANN001
    """f.defvjp(f_fwd, f_bwd): f_fwd(x) returns (y, residuals), f_bwd(residuals, g) returns (the input's
    gradient,)."""
    if len(args) != 2:
        raise ParseError(f"{path}: {name}.defvjp takes the forward and the backward rule")
    fwd, bwd = (_named_def(module, a, source, "a custom_vjp rule") for a in args)
    fwd_params = [a.arg for a in fwd.args.args]
    value, _ = _run(fwd, source, build, module, {fwd_params[0]: x} if fwd_params else {})
    if not isinstance(value, list) or len(value) != 2:
        _fail_at(source, fwd, f"{fwd.name} must return (the output, the residuals)")
    residuals = value[1]
    bwd_params = [a.arg for a in bwd.args.args]
    if len(bwd_params) < 2:
        _fail_at(source, bwd, f"{bwd.name} takes the residuals and the output's gradient")
    result, _ = _run(bwd, source, build, module, {bwd_params[-2]: residuals, bwd_params[-1]: incoming})
    gradient = _first(result, source, bwd, bwd.name)
    return HandWritten(forward, gradient, "custom_vjp", f"{fwd.name}, {bwd.name}", incoming)


def _custom_jvp(module, source, build, forward, name, rules, x, incoming, path) -> HandWritten:  # noqa: ANN001
    """f.defjvp(f_jvp), f_jvp(primals, tangents) returning (y, y_dot); or f.defjvps(lambda g, ans, x: ...): the
    tangent's coefficient is the derivative."""
    reader = _Reader(source, build, module, {})
    if "defjvps" in rules:
        rule = rules["defjvps"][0]
        if not isinstance(rule, ast.Lambda) or len(rule.args.args) != 3:
            _fail_at(source, rule, "defjvps is read with a lambda g, ans, x: ...")
        g, ans, arg = (a.arg for a in rule.args.args)
        names = {g: incoming, ans: forward.expr, arg: x}
        value = _Reader(source, build, module, names).expr(rule.body)
        return HandWritten(forward, value, "custom_jvp", f"{name}.defjvps", incoming)
    jvp = _named_def(module, rules["defjvp"][0], source, "a custom_jvp rule")
    params = [a.arg for a in jvp.args.args]
    if len(params) != 2:
        reader.fail(jvp, f"{jvp.name} takes the primals and the tangents")
    primals, tangents = [x], [incoming]
    own = module.functions.get(name)
    if own is not None:  # elu(x, alpha=1.0): primals (x, alpha), the parameters' tangents 0 (a function of x)
        flags = _flags(own, source, module, build)
        given = [a.arg for a in own.args.args]
        primals = [x if p == x.name else flags.get(p, build.symbol(p)) for p in given]
        tangents = [incoming if p == x.name else sympy.Integer(0) for p in given]
    result, _ = _run(jvp, source, build, module, {params[0]: primals, params[1]: tangents})
    if not isinstance(result, list) or len(result) != 2:
        reader.fail(jvp, f"{jvp.name} must return (the output, its tangent)")
    tangent = result[1]
    if not isinstance(tangent, sympy.Basic) or is_condition(tangent):
        reader.fail(jvp, f"{jvp.name}'s tangent must be a tensor")
    return HandWritten(forward, tangent, "custom_jvp", jvp.name, incoming)


_INCOMING_WORDS = ("grad", "dout", "dy", "delta", "upstream", "cotangent", "dvalues", "d_out", "da", "dl")


def _derivative_function(module, source, build, forward, other, x, incoming, path) -> HandWritten:  # noqa: ANN001
    """A def computing the derivative: of the input alone (swish_grad(x)), or with the output's gradient
    (relu_backward(dout, x)): the argument named like a gradient is it, the other the input."""
    definition = module.functions[other]
    every = [a.arg for a in definition.args.args]
    params = every[: len(every) - len(definition.args.defaults)]  # the others are parameters (beta=1.0)
    if len(params) == 1:
        names = {params[0]: x}
    elif len(params) == 2:
        grads = [p for p in params if p.lower().startswith(_INCOMING_WORDS) and p != forward.variable]
        if len(grads) != 1:
            _fail_at(source, definition, f"{other}'s arguments do not say which is the output's gradient")
        names = {p: incoming if p == grads[0] else x for p in params}
    else:
        _fail_at(source, definition, f"{other} must take the input, or the output's gradient and the input")
    names |= {p: build.symbol(p) for p in every if p not in names}
    names |= _flags(definition, source, module, build)
    changed = next((p for p in params if names.get(p) is incoming), params[0])  # what a def without return changes
    value, _ = _run(definition, source, build, module, names, changed)
    gradient = _first(value, source, definition, other)
    if len(params) == 1:
        gradient = incoming * gradient
    return HandWritten(forward, gradient, "derivative function", other, incoming)
