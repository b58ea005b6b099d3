"""Reading one side of a claim as its author means it: the variable, the function's names (g, y, σ, its
own name with a parameter after a semicolon), the author's helpers (u = ..., m(x) = ..., read where first
used even before the line that defines them), and derivatives written as primes (u', σ'(x), (e^{-x})'),
operators (D(...), \\frac{d e^{a}}{da}) or fractions (dy/du by the author's own u).  ``Scope.read`` gives the
expression through derive's reader (never eval); ``Scope.value`` writes it in the variable alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sympy import Derivative, Dummy, Expr, Function, Piecewise, Symbol, diff
from sympy.core.function import AppliedUndef

from derive.errors import DeriveError, ParseError
from derive.knowledge import activations, registry
from derive.knowledge.symbols import parameter, variable
from derive.mark.statements import Head
from derive.mark.writing import called


def library_names() -> frozenset[str]:
    """Every name of a function derive knows: the registry's and the library's."""
    return frozenset(registry.by_name()) | frozenset(activations.names())


@dataclass
class _Helper:
    """A name the author defined: u = ... (``argument`` None) or m(v) = ... (a function of ``argument``)."""

    value: Expr
    argument: Symbol | None = None


_PRIMED_GROUP = re.compile(r"(\\right\s*)?[)\]}]\s*'")


class Scope:
    """What a side is read with: the variable, the function's names, the author's helpers."""

    def __init__(self, z: Symbol, names: set[str], body: Expr | None = None, derivative: Expr | None = None) -> None:
        self.z = z
        self.names = names
        self.body = body
        self.derivative = derivative
        self.helpers: dict[str, _Helper] = {}
        self.later: dict[str, tuple[Head, str]] = {}  # the author's definitions anywhere, read when first used
        self.raw: dict[str, Expr] = {}  # a definition as written, its helpers kept (y = 1/u: for dy/du)
        self._opening: set[str] = set()
        self.claimed: dict[str, tuple[Expr, int]] = {}  # a helper's derivative the author got wrong, and where
        self.as_claimed = False  # read with the author's own derivatives (to tell what follows from them)
        self.own: str | None = None  # the name the definition line gives the function (σ of σ(x; s) = ...)
        self.aliases: set[str] = set()  # every name of the function: its own, the library's (sigma, tanh)

    def define_later(self, name: str) -> bool:
        """A name used before the line that defines it (y = e^u, u = -x^2): defined now, from that line."""
        if name in self.helpers or name not in self.later or name in self._opening:
            return False
        self._opening.add(name)
        try:
            h, text = self.later[name]
            self.define(h, self.definition_value(h, text))
            return True
        except DeriveError:
            return False
        finally:
            self._opening.discard(name)

    def define(self, h: Head, value: Expr) -> None:
        argument = None
        if h.argument is not None and h.argument != self.z.name:
            argument = variable(h.argument)
        self.helpers[h.name] = _Helper(value, argument)

    def definition_value(self, h: Head, text: str) -> Expr:
        """A definition's right side: in its own argument when it is not the variable (f(u) = 1/(1+e^{-u}))."""
        if h.argument is not None and h.argument != self.z.name and re.fullmatch(r"[A-Za-z]", h.argument):
            own = Scope(variable(h.argument), set(), None, None)
            own.helpers = dict(self.helpers)
            return own.value(own.read(text))
        expr = self.read(text)
        self.raw[h.name] = expr
        return self.value(expr)

    def derivative_of(self, name: str) -> Callable[[Expr], Expr] | None:
        """The derivative of a name, as a function of its argument: the function's, a helper's, the library's
        (or, reading as the author did, the author's own wrong u' where there is one)."""
        if self.as_claimed and name in self.claimed:
            claimed = self.claimed[name][0]
            return lambda arg: claimed.subs(self.z, arg)
        if name in self.names and self.derivative is not None:
            d = self.derivative
            return lambda arg: d.subs(self.z, arg)
        if name in self.helpers:
            helper = self.helpers[name]
            at = helper.argument or self.z
            d = diff(helper.value, at)
            return lambda arg: d.subs(at, arg)
        from derive.reading.resolve import library_function

        known = library_function(name) or registry_function(name)
        if known is None:
            return None
        t = Dummy("t", real=True)
        d = diff(known(t), t)
        return lambda arg: d.subs(t, arg)

    def read(self, text: str) -> Expr:
        from derive.reading import read
        from derive.reading.resolve import library_function

        math = called(text, self.names | {n for n, h in self.helpers.items() if h.argument is None}, self.z.name)
        # a helper's bare name stays a name: called() gave it an argument; take it back
        plain = [n for n, h in self.helpers.items() if h.argument is None]
        plain += [n for n, (h, _) in self.later.items() if n not in self.helpers and h.argument in (None, self.z.name)]
        for name in plain:
            math = re.sub(rf"(?<![A-Za-z\\]){re.escape(name)}\s*\(\s*{self.z.name}\s*\)", name, math)
        math = self._aliased(math)
        math, placeholders = self._primed(math)
        functions: dict[str, Callable[..., Expr]] = {name: self._applied(name) for name in self.names}
        for name, (h, _) in self.later.items():
            if name not in self.helpers and h.argument not in (None, self.z.name) and name not in self.names:
                functions[name] = self._lazy(name)
        for name, helper in self.helpers.items():
            if helper.argument is not None:
                functions[name] = _substituting(helper)
        functions.update(placeholders)
        reading = read(math, self.z.name, "auto", library_function, activations.names(), functions)
        if reading.name is not None:
            raise ParseError(f"{text.strip()} is read as a definition, not an expression")
        return reading.expr

    def condition(self, text: str) -> Any:
        """A condition as the reader reads a piece's: x > 0 (through a piecewise function of one piece)."""
        read = self.read(rf"\begin{{cases}} 1 & {text} \\ 0 & \text{{otherwise}} \end{{cases}}")
        if not isinstance(read, Piecewise):
            raise ParseError(f"{text} is not a condition")
        return read.args[0][1]

    def _aliased(self, math: str) -> str:
        """The function's own names as g: \\mathrm{GELU}(x), σ(x; s) (its parameter after the semicolon), a bare
        \\sigma for σ(x) where σ is the function."""
        spelled = sorted(self.aliases | self.names, key=lambda n: (-len(n), n))
        if not spelled:
            return math
        alternatives = "|".join(re.escape(n) for n in spelled)
        math = re.sub(
            rf"\\(?:mathrm|operatorname|text|textrm|rm|mathit)\s*\{{\s*({alternatives})\s*\}}",
            "g",
            math,
            flags=re.IGNORECASE,  # \mathrm{GELU} of gelu
        )
        math = re.sub(rf"(?<![A-Za-z])\\?(?:{alternatives})\s*\(\s*([^;()]*?)\s*;[^()]*\)", r"g(\1)", math)
        for name in ("sigma", "σ"):
            if name in self.aliases or (name == "σ" and "sigma" in self.aliases):
                bare = r"\\sigma" if name == "sigma" else "σ"
                math = re.sub(
                    rf"(?<![d∂]){bare}(?![A-Za-z])(?!\s*[(\['_])", lambda m: f"{m.group()}({self.z.name})", math
                )
        return math

    def _function_names(self) -> set[str]:
        return self.names | self.aliases | set(self.helpers) | set(library_names())

    def _fraction_operators(self, math: str) -> str:
        """\\frac{d e^{a}}{da}, \\frac{d\\tanh(x)}{dx}: the derivative of what the numerator holds after its d."""
        opening = re.compile(r"\\frac\s*\{\s*(?:d|\\partial|\\mathrm\{d\})(?![A-Za-z]\s*\})")
        names = self.names | self.aliases | set(self.helpers) | set(self.later)
        at = 0
        for _ in range(10):
            found = opening.search(math, at)
            if found is None:
                return math
            start = math.index("{", found.start() + len("\\frac"))
            close = _matching_close(math, start)
            if close is None:
                return math
            below = re.match(rf"\s*\{{\s*(?:d|\\partial|\\mathrm\{{d\}})\s*{self.z.name}\s*\}}", math[close + 1 :])
            inner = math[found.end() : close].strip()
            named = re.fullmatch(rf"\\?([A-Za-z]+)\s*(?:\(\s*{self.z.name}\s*\))?", inner)
            if below is None or not inner or (named is not None and named.group(1) in names):
                at = close  # dσ/dx, dy/dx: a name's derivative, read as one below
                continue
            taken = rf"{{\frac{{d}}{{d{self.z.name}}}\left({inner}\right)}}"
            math = math[: found.start()] + taken + math[close + 1 + below.end() :]
        return math

    def _operator_d(self, math: str, latex: bool) -> str:
        """D(u), D\\left(u\\right): the derivative of the bracket."""
        for _ in range(10):
            found = re.search(r"(?<![A-Za-z\\])D\s*(?=\\left\s*[(\[]|[(\[])", math)
            if found is None or "D" in self.helpers or "D" in self.later:
                return math
            opened = found.end()
            close = _matching_close(math, opened)
            if close is None:
                return math
            inner = math[opened : close + 1]
            operator = rf"{{\frac{{d}}{{d{self.z.name}}}{inner}}}" if latex else f"(d/d{self.z.name}{inner})"
            math = math[: found.start()] + operator + math[close + 1 :]
        return math

    def _primed(self, math: str) -> tuple[str, dict[str, Callable[..., Expr]]]:
        """Primes as derivatives: (e^{-x})' as d/dx of the bracket; u', u'(x), σ'(x), f'(g(x)) as the
        derivative of that name at its argument (a name of the reader's own for each)."""
        latex = "\\" in math
        placeholders: dict[str, Callable[..., Expr]] = {}
        math = self._operator_d(math, latex)
        math = self._fraction_operators(math)
        math = _operand_bracketed(math)
        for _ in range(10):  # each pass takes one bracket; a bound
            found = _PRIMED_GROUP.search(math)
            if found is None:
                break
            close = len(math[: found.end() - 1].rstrip()) - 1  # the bracket the prime follows
            opened = _matching_open(math, close)
            if opened is None:
                break
            tail = re.search(r"(\\[A-Za-z]+|(?<![A-Za-z\\])[A-Za-z]+|[0-9)}\]])\s*$", math[:opened])
            named = tail is not None and tail.group(1).lstrip("\\") in self._function_names()
            if named:  # \sinh(x)': the function at its bracket, differentiated
                opened = tail.start()
            inner = math[opened : close + 1].strip()
            if latex:  # braced: the operator takes the bracket, not the product after it
                taken = (
                    rf"{{\frac{{d}}{{d{self.z.name}}}\left({inner}\right)}}"
                    if named
                    else rf"{{\frac{{d}}{{d{self.z.name}}}{inner}}}"
                )
            else:
                taken = f"(d/d{self.z.name}({inner}))" if named else f"(d/d{self.z.name}{inner})"
            product = tail is not None and not named and not tail.group(1).startswith("\\")
            if product:  # sinh x (cosh x)': a product, never sinh's argument
                taken = (r" \cdot " if latex else " * ") + taken
            math = math[:opened] + taken + math[found.end() :]
        letters = "abcdefghijklmnopqrstuvwxyz"
        known = sorted(self.names | set(self.helpers) | set(self.later) | self.aliases, key=lambda n: (-len(n), n))
        if known:
            spelled = "|".join(rf"\\?{re.escape(n)}" for n in known)
            fraction = re.compile(
                rf"\\frac\{{\s*(?:d|\\mathrm\{{d\}})\s*({spelled})\s*\}}\{{\s*(?:d|\\mathrm\{{d\}})\s*([A-Za-z])\s*\}}"
                rf"|(?<![A-Za-z\\])d({spelled})\s*/\s*d([A-Za-z])(?![A-Za-z])"
            )
            for k, found in enumerate(fraction.finditer(math)):
                name = (found.group(1) or found.group(3)).lstrip("\\")
                by = found.group(2) or found.group(4)
                value = self.leibniz(name, by)
                placeholder = "LEIBNIZ" + letters[k % 26] + letters[k // 26 % 26]
                placeholders[placeholder] = lambda *args, v=value: v
            counter = iter(range(1000))

            def numbered(found: re.Match) -> str:
                k = next(counter)
                return (
                    ("\\" if latex else "") + "LEIBNIZ" + letters[k % 26] + letters[k // 26 % 26] + f"({self.z.name})"
                )

            math = fraction.sub(numbered, math)
        names = sorted(self.names | set(self.helpers) | library_names(), key=lambda n: (-len(n), n))
        primed = [name for name in names if "'" in math and name in math]  # only names the text primes
        for k, name in ((names.index(name), name) for name in primed):
            before = r"(?:\\|(?<![A-Za-z\\]))" if len(name) > 1 else r"(?<![A-Za-z\\])"
            pattern = re.compile(rf"{before}{re.escape(name)}\s*'(\s*\()?")
            if pattern.search(math) is None:
                continue
            derivative = self.derivative_of(name)
            if derivative is None:
                continue
            placeholder = "PRIME" + letters[k % 26] + letters[k // 26 % 26]
            placeholders[placeholder] = _one_argument(derivative)
            call = ("\\" if latex else "") + placeholder
            math = pattern.sub(lambda m, c=call: f"{c}(" if m.group(1) else f"{c}({self.z.name})", math)
        return math, placeholders

    def _lazy(self, name: str) -> Callable[..., Expr]:
        def call(*args: Expr) -> Expr:
            if not self.define_later(name) and name not in self.helpers:
                raise ParseError(f"{name} is used before it can be read")
            return _substituting(self.helpers[name])(*args)

        return call

    def leibniz(self, name: str, by: str) -> Expr:
        """dN/dV written as a fraction: by the variable, N's derivative; by a helper V, N as written in V
        (y = 1/u gives dy/du = -1/u²), differentiated in V."""
        if by == self.z.name:
            derivative = self.derivative_of(name)
            if derivative is None:
                raise ParseError(f"d{name}/d{by}: {name} is not defined")
            return derivative(self.z)
        raw = self.raw.get(name)
        if raw is None:
            raise ParseError(f"d{name}/d{by}: {name} is not written in {by} on a line before")
        at = next((s for s in raw.free_symbols if s.name == by), None)
        if at is None:
            raise ParseError(f"d{name}/d{by}: {name} is not written in {by} on a line before")
        return diff(raw, at)

    def _applied(self, name: str) -> Callable[..., Expr]:
        """g(z) is the function at z; g(1 - g), g(1 + z) in a line of the output form, g times the bracket."""

        def call(*args: Expr) -> Expr:
            (arg,) = args
            g = parameter(name)
            if (
                arg.has(g)
                or not arg.has(self.z)
                or any(type(f).__name__ in self.names for f in arg.atoms(AppliedUndef))
            ):
                return g * arg
            return Function(name)(arg)

        return call

    def value(self, expr: Expr) -> Expr:
        """A side's value in z: the function's names as the function, helpers as their values, derivatives
        carried out."""
        mapping: dict[Expr, Expr] = {}
        if self.body is not None:
            for f in expr.atoms(AppliedUndef):
                if type(f).__name__ in self.names and len(f.args) == 1:
                    mapping[f] = self.body.subs(self.z, f.args[0])
            for name in self.names:
                mapping[parameter(name)] = self.body
                mapping[Symbol(name, real=True)] = self.body
        if any(self.define_later(s.name) for s in expr.free_symbols if s.name not in self.helpers):
            return self.value(expr)
        for name, helper in self.helpers.items():
            if helper.argument is None:
                mapping[parameter(name)] = helper.value
                mapping[Symbol(name, real=True)] = helper.value
        out = expr.xreplace(mapping)
        if any(s.name in self.helpers for s in out.free_symbols):  # a helper written in another helper
            out = out.xreplace(mapping)
        return out.doit() if out.has(Derivative) else out


def registry_function(name: str) -> Callable[[Expr], Expr] | None:
    entry = registry.by_name().get(name)
    if entry is None:
        return None
    return entry.function


def _one_argument(f: Callable[[Expr], Expr]) -> Callable[..., Expr]:
    def call(*args: Expr) -> Expr:
        if len(args) != 1:
            raise ParseError("a derivative written with a prime takes one argument")
        return f(args[0])

    return call


def _substituting(helper: _Helper) -> Callable[..., Expr]:
    def call(*args: Expr) -> Expr:
        if len(args) != 1:
            raise ParseError("a helper function takes one argument")
        return helper.value.subs(helper.argument, args[0])

    return call


_OPERATOR = re.compile(
    r"\\frac\s*\{\s*d\s*\}\s*\{\s*d\s*[A-Za-z]\s*\}\s*(?=\\left\s*[(\[]|\\[Bb]ig+[lr]?\s*[(\[]|[(\[])"
)


def _operand_bracketed(math: str) -> str:
    """\\frac{d}{dx}\\left[x\\right]\\sigma(x): the bracket after d/dx is all it takes, as people mean it."""
    at = 0
    for _ in range(20):
        found = _OPERATOR.search(math, at)
        if found is None:
            return math
        if found.start() > 0 and math[found.start() - 1] == "{":
            at = found.end()  # already braced with its operand
            continue
        close = _matching_close(math, found.end())
        if close is None:
            return math
        if not re.match(r"\s*[\\A-Za-z0-9({]", math[close + 1 :]):
            at = close  # (1+e^{-x})^{-1}, or nothing multiplied after: the reader's own reading is the same
            continue
        math = math[: found.start()] + "{" + math[found.start() : close + 1] + "}" + math[close + 1 :]
        at = close + 2
    return math


def _matching_close(text: str, start: int) -> int | None:
    """The index of the bracket that closes the one opened at ``start`` (a \\left before it skipped), its \\right
    taken with it."""
    left = re.match(r"\\left\s*", text[start:])
    i = start + (left.end() if left else 0)
    if i >= len(text) or text[i] not in "([{":
        return None
    depth = 0
    for j in range(i, len(text)):
        if text[j] in "([{":
            depth += 1
        elif text[j] in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return None


def _matching_open(text: str, close: int) -> int | None:
    """The index of the bracket that the one at ``close`` closes (with \\left before it, that too)."""
    pairs = {")": "(", "]": "[", "}": "{"}
    closing = text[close]
    if closing not in pairs:
        return None
    depth = 0
    for i in range(close, -1, -1):
        ch = text[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            depth -= 1
            if depth == 0:
                start = i
                left = re.search(r"\\left\s*$", text[:start])
                return left.start() if left else start
    return None
