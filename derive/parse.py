"""Parsing user text into SymPy through a whitelist: never eval, exec, sympify or parse_expr.

The text is parsed by Python's ``ast`` (which only builds a tree; it runs
nothing) and the tree is walked node by node.  Only numbers, names, the
arithmetic operators, comparisons (for Piecewise conditions), tuples (for
Piecewise pieces) and calls of whitelisted functions by name are accepted;
everything else (attributes, subscripts, lambdas, strings, keywords, ...) is
rejected with a one-line message.  Limits on length, nesting and exponent
size make hostile input fail fast.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import sympy
from sympy import Expr, Rational

from derive import registry
from derive.errors import ParseError
from derive.symbols import parameter, variable

LibraryLookup = Callable[[str], Callable[..., Expr] | None]
"""A library activation called by name (softplus(z)), or None: derive.resolve supplies it."""

MAX_LENGTH = 10_000
MAX_DEPTH = 100
MAX_EXPONENT = 1_000
MAX_DIGITS = 100

CONSTRUCTS = ("Piecewise", "diff")
"""Names the parser builds itself: the functions it reads are derive.registry's."""

CONSTANTS: dict[str, Expr] = {"pi": sympy.pi, "E": sympy.E, "oo": sympy.oo, "True": sympy.true}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
    ast.BitAnd: lambda a, b: sympy.And(a, b),
    ast.BitOr: lambda a, b: sympy.Or(a, b),
}
_COMPARE = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
}


def parse_expression(text: str, var: str = "z", library: LibraryLookup | None = None) -> Expr:
    """The SymPy expression for ``text``; names other than ``var`` are positive constants.

    ``library`` gives the library's activations called as functions (derive.resolve passes it).
    """
    if not isinstance(text, str):
        raise ParseError("the expression must be text")
    if "\x00" in text:
        raise ParseError("the expression contains a NUL byte")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ParseError("the expression is empty")
    if text.count("(") > MAX_DEPTH * 20 or _paren_depth(text) > MAX_DEPTH:
        raise ParseError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    # SELU's λ is typed "lambda", a Python keyword: read it as the name "lamda" (SymPy's spelling), then as λ
    source = re.sub(r"\blambda\b", "lamda", text.strip().replace("^", "**"))
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        raise ParseError(f"cannot parse {_quote(text)}: {_syntax_reason(exc)}") from None
    return _Builder(var, library).build(tree.body, 0)


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]":
            depth -= 1
    return deepest


def _quote(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _syntax_reason(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError) and exc.msg:
        return exc.msg
    return type(exc).__name__


class _Builder:
    def __init__(self, var: str, library: LibraryLookup | None) -> None:
        self.var = var
        self.library = library or (lambda name: None)

    def build(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise ParseError(f"the expression is nested more than {MAX_DEPTH} levels deep")
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ParseError(f"{_describe(node)} is not allowed in an expression")
        return method(node, depth + 1)

    def _Constant(self, node: ast.Constant, depth: int) -> Expr:
        value = node.value
        if value is True:  # the last condition of a Piecewise
            return sympy.true
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(f"{_describe(node)} is not allowed in an expression")
        if isinstance(value, int):
            if len(str(value)) > MAX_DIGITS:
                raise ParseError(f"a number has more than {MAX_DIGITS} digits")
            return sympy.Integer(value)
        text = repr(value)
        if "inf" in text or "nan" in text:
            raise ParseError("the number is too large")
        return Rational(text)

    def _Name(self, node: ast.Name, depth: int) -> Expr:
        name = node.id
        if name == self.var:
            return variable(name)
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in registry.by_name() or name in CONSTRUCTS:
            raise ParseError(f"{name} is a function: write {name}(...)")
        if name.startswith("_"):
            raise ParseError(f"the name {name!r} is not allowed")
        return parameter("lambda" if name == "lamda" else name)

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Expr:
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ParseError(f"the operator {type(node.op).__name__} is not allowed")

    def _BinOp(self, node: ast.BinOp, depth: int) -> Expr:
        op = _BINARY.get(type(node.op))
        if op is None:
            raise ParseError(f"the operator {type(node.op).__name__} is not allowed")
        left = self.build(node.left, depth)
        right = self.build(node.right, depth)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ParseError("division by zero")
        return op(left, right)

    def _Compare(self, node: ast.Compare, depth: int) -> Expr:
        left = self.build(node.left, depth)
        parts = []
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            rel = _COMPARE.get(type(op))
            if rel is None:
                raise ParseError(f"the comparison {type(op).__name__} is not allowed")
            right = self.build(right_node, depth)
            parts.append(rel(left, right))
            left = right
        return sympy.And(*parts)

    def _Tuple(self, node: ast.Tuple, depth: int) -> Expr:
        return sympy.Tuple(*[self.build(e, depth) for e in node.elts])

    def _Call(self, node: ast.Call, depth: int) -> Expr:
        if not isinstance(node.func, ast.Name):
            raise ParseError("only functions called by name are allowed (no attributes or calls of calls)")
        name = node.func.id
        known = registry.by_name().get(name)
        func = known.function if known is not None else self.library(name)
        if func is None and name not in CONSTRUCTS:
            names = sorted([*registry.by_name(), *CONSTRUCTS])
            raise ParseError(f"unknown function {name!r}; known: {', '.join(names)}")
        if node.keywords:
            raise ParseError(f"{name}() takes no keyword arguments")
        args = [self.build(a, depth) for a in node.args]
        if not args:
            raise ParseError(f"{name}() needs an argument")
        if name == "Piecewise":
            if not all(isinstance(a, sympy.Tuple) and len(a) == 2 for a in args):
                raise ParseError("Piecewise takes pairs (expression, condition)")
            return sympy.Piecewise(*[tuple(a) for a in args])
        if name == "diff":
            if len(args) != 2 or not args[1].is_Symbol:
                raise ParseError("diff takes an expression and a variable: diff(expr, z)")
            # left unevaluated: carrying it out is a step of the derivation
            return sympy.Derivative(args[0], args[1])
        if any(isinstance(a, sympy.Tuple) for a in args):
            raise ParseError(f"{name}() takes expressions, not tuples")
        try:
            return func(*args)
        except (TypeError, ValueError) as exc:
            raise ParseError(f"{name}(): {exc}") from None


def _check_power(base: Expr, exponent: Expr) -> None:
    if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
        raise ParseError(f"an exponent is larger than {MAX_EXPONENT}")
    if base.is_Number and exponent.is_Number and abs(base) > 1:
        digits = float(abs(exponent)) * float(sympy.log(abs(base), 10).evalf(5))
        if digits > MAX_DIGITS * 10:
            raise ParseError("a power is too large")


def _describe(node: ast.AST) -> str:
    names = {
        "Attribute": "attribute access",
        "Subscript": "a subscript",
        "Lambda": "a lambda",
        "ListComp": "a comprehension",
        "GeneratorExp": "a comprehension",
        "SetComp": "a comprehension",
        "DictComp": "a comprehension",
        "List": "a list",
        "Dict": "a dict",
        "Set": "a set",
        "Starred": "unpacking",
        "NamedExpr": "an assignment",
        "IfExp": "a conditional expression",
        "BoolOp": "and/or (use & and | in conditions)",
        "JoinedStr": "a string",
        "Await": "await",
    }
    if isinstance(node, ast.Constant):
        return "a string" if isinstance(node.value, (str, bytes)) else f"the constant {node.value!r}"
    return names.get(type(node).__name__, type(node).__name__)
