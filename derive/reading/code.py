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
import keyword
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy
from sympy import Expr, Rational
from sympy.core.sympify import SympifyError

from derive.errors import ParseError
from derive.knowledge import registry
from derive.knowledge.activations import LIBRARY, Activation, Default, Keyword, Spelling, require
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
}
"""The usual import names, for an expression typed alone (a file's own imports come first)."""

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
        return _at(read, values, arguments[spelling.input])

    def says(**arguments: Any) -> str | None:
        read, _ = _reading(entry, spelling, arguments)
        line = dict(spelling.says).get(read.name)
        return None if line is None else line.format(**(dict(read.defaults) | arguments))

    return CodeFunction(params, build, says if spelling.says else None)


def _default(entry: Activation, argument: Keyword) -> Any:
    return entry.value(argument.sets) if argument.default is Default.ENTRY else argument.default


def _reading(entry: Activation, spelling: Spelling, arguments: dict[str, Any]) -> tuple[Activation, dict[str, Expr]]:
    """The activation a call reads as (a keyword may pick another: approximate="tanh"), and the values its
    arguments give; softplus with β ≠ 1 is the entry it is a case of, softplus with β."""
    read, values = entry, {}
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
for _name in ("softmax", "log_softmax", "glu", "normalize", "softmin", "gumbel_softmax", "rrelu", "dropout"):
    _add(
        f"torch.nn.functional.{_name} jax.nn.{_name} torch.{_name}",
        CodeFunction((), Expr, refusal=f"{_name} {_NOT_ELEMENTWISE}"),
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
_add("torch.maximum torch.max torch.fmax numpy.maximum numpy.fmax jax.numpy.maximum jax.numpy.fmax",
     CodeFunction(_TWO, lambda input, other: sympy.Max(_number(input), _number(other))))  # fmt: skip
_add("torch.minimum torch.min torch.fmin numpy.minimum numpy.fmin jax.numpy.minimum jax.numpy.fmin",
     CodeFunction(_TWO, lambda input, other: sympy.Min(_number(input), _number(other))))  # fmt: skip
_add("torch.pow numpy.power jax.numpy.power math.pow torch.float_power numpy.float_power",
     CodeFunction((("input", REQUIRED), ("exponent", REQUIRED)),
                  lambda input, exponent: _number(input) ** _number(exponent)))  # fmt: skip
_add("torch.square numpy.square jax.numpy.square", _one(lambda input: input**2))
_add("torch.rsqrt jax.lax.rsqrt", _one(lambda input: 1 / sympy.sqrt(input)))
_add("torch.reciprocal numpy.reciprocal jax.numpy.reciprocal", _one(lambda input: 1 / input))
_add("torch.neg torch.negative numpy.negative jax.numpy.negative", _one(lambda input: -input))
_add(
    "torch.mul torch.multiply numpy.multiply jax.numpy.multiply", CodeFunction(_TWO, lambda input, other: input * other)
)
_add("torch.add numpy.add jax.numpy.add", CodeFunction(_TWO, lambda input, other: input + other))
_add(
    "torch.sub torch.subtract numpy.subtract jax.numpy.subtract", CodeFunction(_TWO, lambda input, other: input - other)
)
_add("torch.div torch.true_divide numpy.divide numpy.true_divide jax.numpy.divide",
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
_add("torch.tensor torch.as_tensor numpy.float32 numpy.float64 numpy.array jax.numpy.array numpy.asarray float",
     CodeFunction((("data", REQUIRED),), lambda data, **_: _number(data),
                  ignored=("dtype", "device", "requires_grad")))  # fmt: skip
_add("torch.zeros_like numpy.zeros_like jax.numpy.zeros_like", _one(lambda input: sympy.Integer(0)))
_add("torch.ones_like numpy.ones_like jax.numpy.ones_like", _one(lambda input: sympy.Integer(1)))
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
    ("torch.gt torch.greater numpy.greater jax.numpy.greater", sympy.Gt),
    ("torch.ge torch.greater_equal numpy.greater_equal jax.numpy.greater_equal", sympy.Ge),
    ("torch.lt torch.less numpy.less jax.numpy.less", sympy.Lt),
    ("torch.le torch.less_equal numpy.less_equal jax.numpy.less_equal", sympy.Le),
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
    (numpy.tanh), or torch's and NumPy's name for a function registered under its plain name."""
    found = FRAMEWORK.get(qualified)
    if found is not None:
        return found
    entry = registry.by_code_name().get(qualified)
    module, _, short = qualified.rpartition(".")
    if entry is None and module in ("torch", "numpy", "jax.numpy", "math", "scipy.special", "torch.special"):
        entry = registry.by_name().get(short)
    if entry is None:
        return None
    known = build.function(entry.names[0])
    return CodeFunction((("input", REQUIRED),), lambda input: build.call(known, [input], short))


# --- the syntax tree ----------------------------------------------------------------


@dataclass
class _Module:
    """What a file defines: its import names, its constants, its functions and classes."""

    aliases: dict[str, str] = field(default_factory=lambda: dict(ALIASES))
    constants: dict[str, Expr] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


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


class _Reader:
    """Reads one expression's syntax tree into SymPy through the whitelist."""

    def __init__(self, text: str, build: Whitelist, module: _Module, names: dict[str, Any], depth: int = 0) -> None:
        self.text = text
        self.build = build
        self.module = module
        self.names = names  # local names: arguments and assignments
        self.depth = depth

    def fail(self, node: ast.AST, message: str) -> None:
        column = getattr(node, "col_offset", 0) + 1
        line = getattr(node, "lineno", 1)
        several = "\n" in self.text.strip()
        place = f"at line {line}, column {column}" if several else f"at column {column}"
        # one line always: of a file or a function written over several lines, the line refused
        shown = self.text.splitlines()[line - 1].strip() if several and line <= len(self.text.splitlines()) else ""
        shown = shown or self.text.strip().replace("\n", " ")
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ParseError(f'cannot read the code "{shown}" {place}: {message}')

    def value(self, node: ast.AST) -> Any:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            self.fail(node, f"Python's {type(node).__name__} is not part of an activation's formula")
        try:
            return method(node)
        except (TypeError, ValueError, SympifyError) as exc:  # SymPy refused what the construct builds
            self.fail(node, f"{ast.unparse(node)[:40]} does not give a number or a tensor ({type(exc).__name__})")

    def expr(self, node: ast.AST) -> Expr:
        found = self.value(node)
        if isinstance(found, bool):
            return sympy.true if found else sympy.false
        if isinstance(found, (int, float)):
            return _number(found)
        if not isinstance(found, sympy.Basic):
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
            return self.names[name]
        if name in self.module.constants:
            return self.module.constants[name]
        if name in self.module.aliases:
            return _Reference(self.module.aliases[name])
        if name in self.module.functions or name in self.module.classes:
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
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            return self.names.get(f"self.{node.attr}", self.build.symbol(node.attr))
        base = self.value(node.value)
        if isinstance(base, _Reference):
            qualified = f"{base.name}.{node.attr}"
            return CONSTANTS.get(qualified, _Reference(qualified))
        if isinstance(base, sympy.Basic):
            return _Reference(f"<method>.{node.attr}")  # x.sigmoid: the method, called below
        self.fail(node, f"cannot read .{node.attr} here")

    # --- operators -----------------------------------------------------------------

    def _BinOp(self, node: ast.BinOp) -> Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        op = type(node.op).__name__
        if op == "Add":
            return left + right
        if op == "Sub":
            return left - right
        if op == "Mult":
            return left * right
        if op == "Div":
            return self.build.divide(left, right)
        if op == "Pow":
            return self.build.power(left, right)
        if op == "BitAnd":
            return sympy.And(left, right)
        if op == "BitOr":
            return sympy.Or(left, right)
        self.fail(node, f"the operator {op} is not part of an activation's formula")

    def _UnaryOp(self, node: ast.UnaryOp) -> Expr:
        value = self.expr(node.operand)
        op = type(node.op).__name__
        if op == "USub":
            return -value
        if op == "UAdd":
            return value
        if op in ("Not", "Invert") and isinstance(value, sympy.logic.boolalg.Boolean):
            return sympy.Not(value)
        self.fail(node, f"the operator {op} is not part of an activation's formula")

    def _Compare(self, node: ast.Compare) -> Expr:
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

    def _BoolOp(self, node: ast.BoolOp) -> Expr:
        values = [self.expr(v) for v in node.values]
        return sympy.And(*values) if isinstance(node.op, ast.And) else sympy.Or(*values)

    def _IfExp(self, node: ast.IfExp) -> Expr:
        return sympy.Piecewise((self.expr(node.body), self.expr(node.test)), (self.expr(node.orelse), True))

    def _List(self, node: ast.List) -> list:
        return [self.value(e) for e in node.elts]

    _Tuple = _List

    # --- calls ---------------------------------------------------------------------

    def _Call(self, node: ast.Call) -> Any:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.fail(node, "*args and **kwargs are not read")
        if isinstance(node.func, ast.Lambda):
            return self._lambda(node.func, node.args, node)
        func = self.value(node.func)
        args = [self.value(a) for a in node.args]
        keywords = {k.arg: self.value(k.value) for k in node.keywords}
        if isinstance(func, _Layer):
            return self._apply(func.function, [*args, *func.args], dict(func.keywords) | keywords, node)
        if isinstance(func, _Reference) and func.name.startswith("<method>."):
            receiver = self.expr(node.func.value)
            return self._apply(f"torch.{func.name.removeprefix('<method>.')}", [receiver, *args], keywords, node)
        if isinstance(func, _Reference) and func.name.startswith("<file>."):
            return self._inline(func.name.removeprefix("<file>."), args, keywords, node)
        if isinstance(func, _Reference) and func.name.startswith("torch.nn.") and func.name.count(".") == 2:
            layer = func.name.rpartition(".")[2]
            if layer in NN_MODULES:
                return _Layer(NN_MODULES[layer], tuple(args), tuple(keywords.items()))
        if isinstance(func, _Reference):
            return self._apply(func.name, args, keywords, node)
        if isinstance(func, CodeFunction):
            return self._bind(func, "function", args, keywords, node)
        if isinstance(node.func, ast.Name):
            self.fail(node, f"{node.func.id} is not a function derive knows")
        self.fail(node, "cannot call this")

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
        params = [a.arg for a in func.args.args]
        if len(params) != len(args) or func.args.vararg or func.args.kwarg or func.args.kwonlyargs:
            self.fail(node, "a lambda is read applied to as many arguments as it takes")
        names = {**self.names, **{p: self.expr(a) for p, a in zip(params, args, strict=True)}}
        return _Reader(self.text, self.build, self.module, names, self.depth).expr(func.body)

    def _inline(self, name: str, args: list, keywords: dict, node: ast.AST) -> Expr:
        if self.depth >= MAX_INLINE_DEPTH:
            self.fail(node, f"functions call each other more than {MAX_INLINE_DEPTH} deep")
        definition = self.module.functions.get(name)
        if definition is None:
            self.fail(node, f"{name} is a class: call an instance's forward through a def")
        params = [a.arg for a in definition.args.args]
        bound = dict(zip(params, args, strict=False)) | keywords
        defaults = definition.args.defaults
        for param, default in zip(params[len(params) - len(defaults) :], defaults, strict=True):
            bound.setdefault(param, _Reader(self.text, self.build, self.module, {}, self.depth).value(default))
        missing = [p for p in params if p not in bound]
        if missing:
            self.fail(node, f"{name} needs its argument {missing[0]}")
        return _body(definition, self.text, self.build, self.module, bound, self.depth + 1)


def _body(definition: ast.FunctionDef, text: str, build: Whitelist, module: _Module, names: dict, depth: int) -> Expr:
    """A function's body, assignments and one return, read with ``names`` bound."""
    reader = _Reader(text, build, module, dict(names), depth)
    statements = list(definition.body)
    if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
        statements = statements[1:]  # the docstring
    for i, statement in enumerate(statements):
        last = i == len(statements) - 1
        if isinstance(statement, ast.Return) and last and statement.value is not None:
            return reader.expr(statement.value)
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            reader.names[_target(statement.targets[0], reader)] = reader.value(statement.value)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            reader.names[_target(statement.target, reader)] = reader.value(statement.value)
        elif isinstance(statement, ast.AugAssign):
            target = _target(statement.target, reader)
            if target not in reader.names:
                reader.fail(statement, f"{target} is updated before it is assigned")
            operation = ast.BinOp(ast.Name(target), statement.op, statement.value)
            reader.names[target] = reader.expr(ast.copy_location(operation, statement))
        elif not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
            reader.fail(statement, f"{definition.name}'s body must be assignments and one return at the end")
    reader.fail(definition, f"{definition.name} must end with a return")


def _target(node: ast.AST, reader: _Reader) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return f"self.{node.attr}"
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
    expr = _Reader(text, build, _Module(), {}).expr(tree.body)
    named = guess if guess in _plain_names(tree) else None
    return Reading(expr, var or named, None, 0, tuple(build.conventions), "code")


def read_file(path: str, name: str, var: str | None = None, library: LibraryLookup | None = None):
    """A function of a Python file (a def, or an nn.Module's forward), read by its syntax tree."""
    from derive.reading.result import Reading

    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(f"{path} is {size} bytes; derive reads files up to {MAX_FILE_BYTES}")
        source = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read {path}: {exc}") from None
    tree = _parsed(source, "exec", path)
    module = _module(tree, source)
    if name in module.functions:
        definition, names = module.functions[name], {}
    elif name in module.classes:
        definition, names = _forward(module.classes[name], source, module)
    else:
        known = ", ".join(sorted([*module.functions, *module.classes])) or "none"
        raise ParseError(f"{path} defines no function or class {name!r} (it defines: {known})")
    params = [a.arg for a in definition.args.args if a.arg != "self"]
    if not params:
        raise ParseError(f"{path}:{name} takes no argument to differentiate in")
    chosen = var or params[0]
    if chosen not in params:
        raise ParseError(f"{path}:{name} has no argument {chosen} (its arguments: {', '.join(params)})")
    build = Whitelist(chosen, library)
    expr = _body(definition, source, build, module, names, 0)
    return Reading(expr, chosen, name, 0, tuple(build.conventions), "code")


def _parsed(source: str, mode: str, path: str | None = None) -> ast.AST:
    try:
        return ast.parse(source, filename=path or "<expression>", mode=mode)
    except SyntaxError as exc:
        where = f"{path}, line {exc.lineno}" if path else f'"{source.strip()[:60]}" at column {exc.offset}'
        raise ParseError(f"cannot read the code in {where}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("the code is nested too deeply to read") from None


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
    module = _Module()
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                module.aliases[alias.asname or alias.name.partition(".")[0]] = (
                    alias.name if alias.asname else alias.name.partition(".")[0]
                )
        elif isinstance(statement, ast.ImportFrom) and statement.module:
            for alias in statement.names:
                qualified = f"{statement.module}.{alias.name}"
                if qualified in CONSTANTS:
                    module.constants[alias.asname or alias.name] = CONSTANTS[qualified]
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
                value = _Reader(source, Whitelist("_"), module, {}).expr(statement.value)
            except ParseError:
                continue  # not a constant of the formula: left out unless a formula uses it
            if value.is_number:
                module.constants[statement.targets[0].id] = value
    return module


def _forward(cls: ast.ClassDef, source: str, module: _Module) -> tuple[ast.FunctionDef, dict]:
    """An nn.Module's forward, and what its __init__ sets on self (numbers; anything else a parameter)."""
    methods = {s.name: s for s in cls.body if isinstance(s, ast.FunctionDef)}
    if "forward" not in methods:
        raise ParseError(f"the class {cls.name} has no forward method")
    names: dict[str, Any] = {}
    init = methods.get("__init__")
    for statement in init.body if init is not None else []:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    names[f"self.{target.attr}"] = _attribute_value(target.attr, statement.value, source, module)
    return methods["forward"], names


def _attribute_value(attr: str, node: ast.AST | None, source: str, module: _Module) -> Expr:
    """self.alpha = 0.2 is 0.2; self.alpha = alpha, nn.Parameter(...) or anything else: the parameter alpha."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return _number(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -_number(node.operand.value)
    return parameter(attr)
