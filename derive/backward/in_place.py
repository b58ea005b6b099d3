"""A formula as PyTorch statements that work in place on the tensors they create.

Eager PyTorch allocates a tensor for every operation of ``grad * (y*(1 - y))``: three arrays the
size of the activation, each one's pages faulted in on first touch, then written and read again.
Written as ``t = torch.rsub(y, 1)``, ``t.mul_(y)``, ``t.mul_(grad)``, the formula allocates one;
given ``out`` (a block of the result, derive.backward.blocks), the first operation writes there
(``torch.neg(y, out=out)``, ``out.add_(1)``, ...) and the formula allocates nothing that large.
A term c·a·b of a sum is added by ``addcmul``, one pass where a product and a sum are two, and
(1 + c·a·b)·s as s + c·s·(a·b) (swish's σ(βx)(1 + βx·σ(-βx))).

``Statements`` walks a SymPy expression and prints each node with a torch operation: out of place
where none of its operands is a tensor it made (one allocation), in place on one it made
otherwise. Only tensors it made are written to, never ``x``, ``y`` or ``grad``; numbers and
parameters stay Python scalars. Nodes it has no in-place operation for are printed whole by the
framework's printer (a SymPy code printer), their result then being a tensor it made.

Pieces are sums, not ``torch.where``: eager ``where`` and arithmetic on boolean tensors take
several times as long as arithmetic on floats. {a if c; b otherwise} is written a([c])·[c] +
b([not c])·[not c], where [c] is a tensor of 0s and 1s that a comparison writes (``torch.gt(y,
0, out=t)``) and a([c]) is a evaluated with its variable clamped into c's interval, so that an
unused piece is finite (0·∞ would be nan) and the sum is exact: at every point all terms but one
are 0. A piece that is exactly 0 at the finite ends of its interval needs no mask (ELU's
max(x, 0) + α·expm1(min(x, 0))), and an interval (-r, r) is one comparison of |v| (hard tanh's
backward: ``torch.abs(y)``, ``.lt_(1)``, ``.mul_(grad)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sympy import Add, Expr, Float, Function, Interval, Mul, Piecewise, Pow, S, Symbol, Union, sstr
from sympy.logic.boolalg import Boolean, BooleanTrue

from derive.engine.piecewise import condition_set, pieces
from derive.knowledge import registry

IN_PLACE_FUNCTIONS = registry.in_place_methods()
"""SymPy's function (by class name) -> the torch function with a method of the same name and an
in-place variant (``t.exp_()``): the registry entries' ``in_place``."""

ZERO_AT_ZERO = registry.zero_at_zero()
"""Functions that are exactly 0 at 0 in floating point (f(0) = 0, rounding or not): the entries' ``zero_at_zero``."""


class Clamp(Function):
    """clamp(v, low, high), an infinite bound for none: a piece's variable kept in the piece's interval."""

    nargs = 3


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

    def result(self, expr: Expr, out: str | None = None) -> str:
        """The statements for expr, ending in the name of a tensor that holds it (made here); with
        ``out``, they write it into that tensor instead (the block of the result in_blocks made):
        the operation that would have made it writes there (``out=``)."""
        value = self.value(expr)
        if out is None:
            return value.code if value.made else self._new(value.code)
        return self.into(value, out)

    def into(self, value: Value, out: str) -> str:
        """The statements rewritten so that ``value`` (what ``value()`` returned) is written into ``out``."""
        if not value.made:  # x itself, or a number
            self.lines.append(f"{out}.copy_({value.code})" if value.tensor else f"{out}.fill_({value.code})")
            return out
        made = value.code
        (at,) = [i for i, line in enumerate(self.lines) if line.startswith(f"{made} = ")]
        code = self.lines[at].split(" = ", 1)[1]
        call = _call(code)
        if call is not None and call[0] == "torch.empty_like":  # a mask: out is already there
            written = []
        elif call is not None and call[0] == "torch.rsub":  # b - a, which has no out=
            (a, b) = call[1]
            written = [f"torch.neg({a}, out={out})", f"{out}.add_({b})"]
        elif call is not None and call[0].startswith("torch.") and not call[0].startswith("torch.nn."):
            written = [f"{call[0]}({', '.join([*call[1], f'out={out}'])})"]
        else:  # printed whole (a formula, not one call): made, then copied
            self.lines.append(f"{out}.copy_({made})")
            return out
        rest = [re.sub(rf"\b{made}\b", out, line) for line in self.lines[at + 1 :]]
        self.lines = [*self.lines[:at], *written, *rest]
        return out

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
        if isinstance(e, Clamp):
            return self._clamped(self.value(e.args[0]), e.args[1], e.args[2])
        name = IN_PLACE_FUNCTIONS.get(type(e).__name__)
        if name is not None and len(e.args) == 1:
            return self._apply(name, self.value(e.args[0]))
        return self._made(self.printer._print(e))

    def _split(self, args: tuple) -> tuple[list[Expr], list[Expr]]:
        """The operands without a tensor (numbers, parameters) and those with one."""
        scalars = [a for a in args if not a.free_symbols & self.tensors]
        return scalars, [a for a in args if a not in scalars]

    def _add(self, e: Expr) -> Value:
        # the terms without a tensor summed first, as one scalar: one pass over memory for all of them;
        # a term c·a·b is added by addcmul, one pass where a product then a sum are two
        scalars, terms = self._split(e.args)
        products = {t: split for t in terms if (split := self._product_of_two(t)) is not None}
        others = [t for t in terms if t not in products]
        if not others:  # nothing to add a product to but numbers: the first product makes the tensor
            others, products = terms[:1], {t: products[t] for t in terms[1:]}
        signed: list = [("+", Add(*scalars))] if scalars else []
        signed += [("-", -t) if t.as_coeff_Mul()[0].is_negative else ("+", t) for t in others]
        acc = self._fold(signed, {"+": ("add", "add_"), "-": ("sub", "sub_")}, reverse={"-": "rsub"})
        for coefficient, a, b in products.values():
            acc = self._addcmul(acc, self.value(a), self.value(b), coefficient)
        return acc

    def _one_plus(self, e: Expr) -> tuple[Expr, Expr] | None:
        """(c, m) for 1 + c·m, m a product with a tensor and c without one."""
        if not e.is_Add or len(e.args) != 2 or S.One not in e.args:
            return None
        term = e - 1
        scalars, factors = self._split(Mul.make_args(term))
        return (Mul(*scalars), Mul(*factors)) if factors else None

    def _product_of_two(self, e: Expr) -> tuple[Expr, Expr, Expr] | None:
        """(c, a, b) for a term c·a·b with a and b tensors and c without one (no quotient)."""
        if not e.is_Mul:
            return None
        scalars, factors = self._split(e.args)
        if len(factors) != 2 or any(f.is_Pow and f.exp.is_negative for f in factors):
            return None
        return Mul(*scalars), factors[0], factors[1]

    def _addcmul(self, acc: Value, a: Value, b: Value, coefficient: Expr) -> Value:
        """acc + c·a·b in one pass; acc itself when it was made here."""
        value = "" if coefficient == 1 else f", value={self._scalar(coefficient)}"
        if acc.made:
            self.lines.append(f"{acc.code}.addcmul_({a.code}, {b.code}{value})")
            return acc
        return self._made(f"torch.addcmul({acc.code}, {a.code}, {b.code}{value})")

    def _mul(self, e: Expr) -> Value:
        # the factors without a tensor multiplied first, as one scalar (-√2/2, not -1/2 then √2); a
        # factor {c where condition; 0 otherwise} is c times the condition's mask, 0s and 1s the
        # product reads (ReLU's grad·[y > 0])
        scalars, factors = self._split(e.args)
        masks = {f: m for f in factors if (m := _mask(f)) is not None and not m[0].free_symbols & self.tensors}
        factors = [f for f in factors if f not in masks]
        coefficient = Mul(*scalars, *(c for c, _ in masks.values()))
        signed: list = [("*", coefficient)] if coefficient not in (1, -1) else []
        signed += [("*", self._indicator(condition)) for _, condition in masks.values()]
        # (1 + c·m)·s is s + c·s·m: one addcmul where a sum and a product are two passes (swish's
        # σ(βx)(1 + βx·σ(-βx)))
        sum_, split = next(((f, split) for f in factors if (split := self._one_plus(f)) is not None), (None, None))
        other = next((f for f in factors if f is not sum_ and not f.is_Symbol and not f.is_Pow), None)
        if sum_ is not None and other is not None:
            coefficient_of_m, m = split
            factors = [f for f in factors if f is not sum_ and f is not other]
            s = self.value(other)
            signed.append(("*", self._addcmul(s, s, self.value(m), coefficient_of_m)))
        signed += [("/", f.base) if f.is_Pow and f.exp == -1 else ("*", f) for f in factors]
        product = self._fold(signed, {"*": ("mul", "mul_"), "/": ("div", "div_")}, reverse={})
        return self._apply("neg", product) if coefficient == -1 else product  # -t: neg, not a product by -1

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
        """A clamp where the pieces are one (ReLU6, hard sigmoid); else the sum of each piece times its
        mask, the piece evaluated on its own interval; printed whole (where) when the conditions are
        not intervals of one tensor with numeric ends."""
        bounds = _clamp(e, self.tensors)
        if bounds is not None:
            inner, low, high = bounds
            return self._clamped(self.value(inner), low, high)
        found = _intervals(e, self.tensors)
        if found is None:
            return self._made(self.printer._print(e))
        terms: list = []
        for value, v, interval in found:
            if value == 0:
                continue
            ends = [end for end in (interval.inf, interval.sup) if end.is_finite]
            # 0 at each end it is clamped to: 0 outside its interval without a mask
            vanishes = value.has(v) and all(end == 0 for end in ends) and _zero_at_zero(value, v)
            if value.has(v) and ends:
                value = value.xreplace({v: Clamp(v, interval.inf, interval.sup)})
            factors: list = [] if value == 1 and ends else [("*", value)]
            if ends and not vanishes:
                factors.append(("*", self._mask_of(v, interval)))
            terms.append(("+", self._fold(factors, {"*": ("mul", "mul_")}, reverse={})))
        if not terms:
            return Value("0", tensor=False)
        return self._fold(terms, {"+": ("add", "add_")}, reverse={})

    def _clamped(self, value: Value, low: Expr | None, high: Expr | None) -> Value:
        limits = ", ".join(
            f"{name}={self._scalar(v)}"
            for name, v in (("min", low), ("max", high))
            if v is not None and v.is_finite is not False
        )
        if value.made:
            self.lines.append(f"{value.code}.clamp_({limits})")
            return value
        return self._made(f"torch.clamp({value.code}, {limits})")

    def _indicator(self, condition: Boolean) -> Value:
        """The condition as a tensor of 0s and 1s in the tensors' dtype, made here."""
        v = _variable(condition, self.tensors)
        intervals = _as_intervals(condition_set(condition).intersect(S.Reals)) if v is not None else None
        if intervals:  # disjoint: their masks add up to the condition's
            return self._fold([("+", self._mask_of(v, i)) for i in intervals], {"+": ("add", "add_")}, reverse={})
        like = self.printer._settings["like"]
        return self._made(f"({self.printer._print(condition)}).to({like}.dtype)")

    def _mask_of(self, v: Symbol, interval: Interval) -> Value:
        """[v in interval], written by one comparison an end (into a tensor made here), the two
        multiplied for an interval with two ends."""
        tensor = self.printer._print(v)
        if interval.inf.is_finite and interval.inf == -interval.sup and interval.left_open == interval.right_open:
            # (-r, r) is |v| < r: two passes where two comparisons and their product are three
            mask = self._new(f"torch.abs({tensor})")
            self.lines.append(f"{mask}.{'lt' if interval.left_open else 'le'}_({self._scalar(interval.sup)})")
            return Value(mask, tensor=True, made=True)
        tests = []
        if interval.inf.is_finite:
            tests.append(("gt" if interval.left_open else "ge", interval.inf))
        if interval.sup.is_finite:
            tests.append(("lt" if interval.right_open else "le", interval.sup))
        masks = []
        for op, end in tests:
            mask = self._new(f"torch.empty_like({tensor})")
            self.lines.append(f"torch.{op}({tensor}, {self._scalar(end)}, out={mask})")
            masks.append(mask)
        for other in masks[1:]:
            self.lines.append(f"{masks[0]}.mul_({other})")
        return Value(masks[0], tensor=True, made=True)

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


def _variable(condition: Boolean, tensors: frozenset) -> Symbol | None:
    """The one tensor a condition tests, when every other symbol in it is a number."""
    variables = condition.free_symbols
    return next(iter(variables)) if len(variables) == 1 and variables <= tensors else None


def _intervals(e: Piecewise, tensors: frozenset) -> list[tuple[Expr, Symbol, Interval]] | None:
    """(value, variable, interval) for each piece that is not 0, on the points where it is the one that
    holds (piecewise.pieces), when every condition tests one tensor against numbers and each of those
    sets is intervals (a union: an entry for each); else None."""
    variables = {_variable(c, tensors) for _, c in e.args if not isinstance(c, BooleanTrue)}
    if len(variables) != 1 or None in variables:
        return None
    (v,) = variables
    found = pieces(e, v)
    if found is None:
        return None
    out = []
    for value, where in found:
        intervals = [] if value == 0 else _as_intervals(where)  # a zero piece is left out of the sum
        if intervals is None:
            return None
        out += [(value, v, interval) for interval in intervals]
    return out


def _as_intervals(where) -> list[Interval] | None:
    """A set of reals as its disjoint intervals ([] for none); None for one with isolated points."""
    if where is S.EmptySet:
        return []
    if isinstance(where, Interval):
        return [where]
    if isinstance(where, Union) and all(isinstance(a, Interval) for a in where.args):
        return list(where.args)
    return None


def _zero_at_zero(e: Expr, v: Symbol) -> bool:
    """e is exactly 0 where v is 0, in floating point too: v, products with a finite factor of such,
    sums and positive powers of such, and functions that are 0 at 0 (expm1, tanh, ...)."""
    if e == v:
        return True
    if e.is_Mul:
        return any(_zero_at_zero(f, v) for f in e.args) and all(
            f.xreplace({v: S.Zero}).is_finite for f in e.args if not _zero_at_zero(f, v)
        )
    if e.is_Add:
        return all(_zero_at_zero(t, v) for t in e.args)
    if e.is_Pow:
        return bool(e.exp.is_positive) and _zero_at_zero(e.base, v)
    return type(e).__name__ in ZERO_AT_ZERO and len(e.args) == 1 and _zero_at_zero(e.args[0], v)


def _call(code: str) -> tuple[str, list[str]] | None:
    """(function, arguments) when code is one call f(a, b, ...), its arguments split at the top-level
    commas; None for anything else (a product, an attribute after the call)."""
    match = re.match(r"([\w.]+)\(", code)
    if match is None or not code.endswith(")"):
        return None
    depth, arguments, start = 0, [], match.end()
    for i in range(match.end() - 1, len(code)):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(code[i], 0)
        if depth == 0 and i != len(code) - 1:
            return None  # the call closes before the end: f(a)*g(b)
        if depth == 1 and code[i] == ",":
            arguments.append(code[start:i].strip())
            start = i + 1
    arguments.append(code[start:-1].strip())
    return match.group(1), [a for a in arguments if a]
