"""A formula as PyTorch statements that work in place on the tensors they create.

Eager PyTorch allocates a tensor for every operation of ``grad * (y*(1 - y))``: three arrays the
size of the activation, each written and read again. Written as ``t = torch.rsub(y, 1)``,
``t.mul_(y)``, ``t.mul_(grad)``, the formula allocates one and makes fewer passes over memory,
which is most of its time (the activation is larger than any cache).

``Statements`` walks a SymPy expression and prints each node with a torch operation: out of place
where none of its operands is a tensor it made (one allocation), in place on one it made
otherwise. Only tensors it made are written to, never ``x``, ``y`` or ``grad``; numbers and
parameters stay Python scalars. Nodes it has no in-place operation for are printed whole by the
framework's printer (a SymPy code printer), their result then being a tensor it made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sympy import Add, Expr, Float, Mul, Piecewise, Pow, S, Symbol, sstr
from sympy.logic.boolalg import BooleanTrue

IN_PLACE_FUNCTIONS = {
    "exp": "exp",
    "expm1": "expm1",
    "log": "log",
    "log1p": "log1p",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "erf": "erf",
    "erfc": "erfc",
    "Abs": "abs",
    "cos": "cos",
    "sin": "sin",
    "cosh": "cosh",
    "sinh": "sinh",
    "atan": "atan",
}
"""SymPy's function (by class name) -> the torch function with a method of the same name and an
in-place variant (``t.exp_()``)."""


@dataclass
class Value:
    """A node's printed value: ``code`` is a name or an expression; ``made`` says it is a tensor these
    statements created (so it may be written in place); ``tensor`` that it is a tensor at all."""

    code: str
    tensor: bool
    made: bool = False


@dataclass
class Statements:
    """The statements computing one formula; ``printer`` prints what has no in-place form and the
    scalars; ``tensors`` are the names of the tensors the formula reads (never written)."""

    printer: object
    tensors: frozenset[Symbol]
    lines: list[str] = field(default_factory=list)
    count: int = 0

    def result(self, expr: Expr, name: str | None = None) -> str:
        """The statements for expr, ending in the name of a tensor that holds it (made here); with
        ``name``, that tensor is called so (y for the forward's output)."""
        value = self.value(expr)
        made = value.code if value.made else self._new(value.code)
        if name is None:
            return made
        self.lines = [re.sub(rf"\b{made}\b", name, line) for line in self.lines]
        return name

    # --- nodes ---------------------------------------------------------------

    def value(self, e: Expr) -> Value:
        if not e.free_symbols & self.tensors:
            return Value(self._scalar(e), tensor=False)  # a number, or parameters only
        if e in self.tensors:
            return Value(self.printer._print(e), tensor=True)
        if e.is_Add:
            return self._add(e)
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            return self._pow(e)
        if isinstance(e, Piecewise):
            return self._where(e)
        name = IN_PLACE_FUNCTIONS.get(type(e).__name__)
        if name is not None and len(e.args) == 1:
            return self._apply(name, self.value(e.args[0]))
        return self._made(self.printer._print(e))

    def _split(self, args: tuple) -> tuple[list[Expr], list[Expr]]:
        """The operands without a tensor (numbers, parameters) and those with one."""
        scalars = [a for a in args if not a.free_symbols & self.tensors]
        return scalars, [a for a in args if a not in scalars]

    def _add(self, e: Expr) -> Value:
        # the terms without a tensor summed first, as one scalar: one pass over memory for all of them
        scalars, terms = self._split(e.args)
        signed: list = [("+", Add(*scalars))] if scalars else []
        signed += [("-", -t) if t.as_coeff_Mul()[0].is_negative else ("+", t) for t in terms]
        return self._fold(signed, {"+": ("add", "add_"), "-": ("sub", "sub_")}, reverse={"-": "rsub"})

    def _mul(self, e: Expr) -> Value:
        # the factors without a tensor multiplied first, as one scalar (-√2/2, not -1/2 then √2); a
        # factor {c where condition; 0 otherwise} is c times the condition's mask (a boolean tensor),
        # which the product reads as 0 and 1 (ReLU's grad·[y > 0]: no tensor of 0s and 1s made)
        scalars, factors = self._split(e.args)
        masks = {f: m for f in factors if (m := _mask(f)) is not None and not m[0].free_symbols & self.tensors}
        factors = [f for f in factors if f not in masks]
        if masks and not factors:  # nothing but masks and scalars: a tensor of their values must be made
            return self._made(self.printer._print(e))
        coefficient = Mul(*scalars, *(c for c, _ in masks.values()))
        signed: list = [("*", coefficient)] if coefficient != 1 else []
        signed += [("*", Value(self.printer._print(condition), tensor=True)) for _, condition in masks.values()]
        signed += [("/", f.base) if f.is_Pow and f.exp == -1 else ("*", f) for f in factors]
        return self._fold(signed, {"*": ("mul", "mul_"), "/": ("div", "div_")}, reverse={})

    def _fold(self, signed: list, ops: dict, reverse: dict) -> Value:
        """Operands combined left to right by their operations, a tensor made here first where there is
        one (sums and products commute), every later operation in place on it."""
        values = [(op, operand if isinstance(operand, Value) else self.value(operand)) for op, operand in signed]
        values.sort(key=lambda pair: (not pair[1].made, not pair[1].tensor))  # stable: order kept otherwise
        first_op = next(iter(ops))
        (op0, acc), rest = values[0], values[1:]
        if op0 != first_op:  # the first is subtracted or divided by
            if rest and rest[0][0] == first_op and reverse.get(op0):  # -a + b is rsub(a, b): one pass
                acc, rest = self._made(f"torch.{reverse[op0]}({acc.code}, {rest[0][1].code})"), rest[1:]
            else:
                acc = self._apply("neg" if op0 == "-" else "reciprocal", acc)
        for op, v in rest:
            out_of_place, in_place = ops[op]
            if acc.made:
                self.lines.append(f"{acc.code}.{in_place}({v.code})")
            else:  # a node with a tensor has one among its operands: this makes the tensor
                acc = self._made(f"torch.{out_of_place}({acc.code}, {v.code})")
        return acc

    def _pow(self, e: Pow) -> Value:
        base = self.value(e.base)
        if not base.tensor or not e.exp.is_number:
            return self._made(self.printer._print(e))
        methods = {2: "square", -1: "reciprocal", S.Half: "sqrt", -S.Half: "rsqrt"}
        name = methods.get(e.exp)
        if name is not None:
            return self._apply(name, base)
        exponent = self.printer._print(e.exp)
        if base.made:
            self.lines.append(f"{base.code}.pow_({exponent})")
            return base
        return self._made(f"torch.pow({base.code}, {exponent})")

    def _apply(self, name: str, arg: Value) -> Value:
        if arg.made:
            self.lines.append(f"{arg.code}.{name}_()")
            return arg
        return self._made(f"torch.{name}({arg.code})")

    def _where(self, e: Piecewise) -> Value:
        """A clamp where the pieces are one (ReLU6, hard sigmoid); else where(c, a, b) for two pieces,
        written into b when b was made here (torch.where's out=)."""
        bounds = _clamp(e, self.tensors)
        if bounds is not None:
            inner, low, high = bounds
            value = self.value(inner)
            limits = ", ".join(
                f"{name}={self._scalar(v)}" for name, v in (("min", low), ("max", high)) if v is not None
            )
            if value.made:
                self.lines.append(f"{value.code}.clamp_({limits})")
                return value
            return self._made(f"torch.clamp({value.code}, {limits})")
        if len(e.args) != 2 or not isinstance(e.args[1][1], BooleanTrue):
            return self._made(self.printer._print(e))
        (a, condition), (b, _) = e.args
        left, right = self.value(a), self.value(b)
        if not left.tensor:
            left = Value(self.printer._constant_like(left.code), True)
        if not right.tensor:
            right = Value(self.printer._constant_like(right.code), True)
        test = self.printer._print(condition)
        if right.made:
            self.lines.append(f"torch.where({test}, {left.code}, {right.code}, out={right.code})")
            return right
        return self._made(f"torch.where({test}, {left.code}, {right.code})")

    def _scalar(self, e: Expr) -> str:
        """A number or a formula in the parameters, as Python arithmetic on floats (the parameters are
        Python numbers: the framework's printer would write torch.pow(alpha, -1))."""
        if e.is_number or not e.is_rational_function():
            return self.printer._print(e)
        floats = e.replace(lambda a: a.is_number and not a.is_Rational, lambda a: Float(a, 17))
        return sstr(floats)  # always an argument of a call: no brackets needed

    def _made(self, code: str) -> Value:
        return Value(self._new(code), tensor=True, made=True)

    def _new(self, code: str) -> str:
        name = f"t{self.count}"
        self.count += 1
        self.lines.append(f"{name} = {code}")
        return name


def _mask(f: Expr) -> tuple[Expr, Expr] | None:
    """(c, condition) for a piece {c where condition; 0 otherwise}, else None."""
    if isinstance(f, Piecewise) and len(f.args) == 2:
        (c, condition), (zero, otherwise) = f.args
        if zero == 0 and isinstance(otherwise, BooleanTrue) and c != 0:
            return c, condition
    return None


def _clamp(e: Piecewise, tensors: frozenset) -> tuple[Expr, Expr | None, Expr | None] | None:
    """(u, low, high) when e is clamp(u, low, high): its last piece u increasing and linear in one
    tensor t, every other piece a constant c where t ≤ a (or <) with c = u(a), or where t ≥ b with
    c = u(b) (ReLU's {0 if x ≤ 0; x}, hard sigmoid's {0 if x ≤ -3; 1 if x ≥ 3; x/6 + 1/2})."""
    *bounded, (inner, otherwise) = e.args
    variables = inner.free_symbols & tensors
    if not isinstance(otherwise, BooleanTrue) or len(variables) != 1 or not bounded:
        return None
    (t,) = variables
    slope = inner.diff(t)
    if not inner.is_polynomial(t) or not slope.is_number or not slope.is_positive:
        return None
    low = high = None
    for value, condition in bounded:
        if value.free_symbols & tensors or not condition.is_Relational or condition.lhs != t:
            return None
        at = condition.rhs
        if at.free_symbols & tensors or (inner.subs(t, at) - value).simplify() != 0:
            return None
        if condition.rel_op in ("<", "<=") and low is None:
            low = value
        elif condition.rel_op in (">", ">=") and high is None:
            high = value
        else:
            return None
    return inner, low, high
