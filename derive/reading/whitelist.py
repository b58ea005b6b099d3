"""The whitelist: the only place where SymPy objects are made from what was read.

It knows numbers, the variable, parameters, the constants, the functions of ``derive.knowledge.registry``, the
library's activations (through ``derive.reading.resolve``), the functions a caller defines (g in a marked
derivation), Piecewise and derivatives.  Every reader (math notation, LaTeX, code, SymPy's pretty
printing) builds through one ``Whitelist``, which also keeps the conventions it applied (the
lines that say how a spelling was read) and the variables the text declared (f(x) = ..., d/dx).
"""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy
from sympy import Expr, Rational

from derive.errors import ParseError, UnknownFunctionError
from derive.knowledge import registry
from derive.knowledge.spellings import GREEK_NAMES
from derive.knowledge.symbols import parameter, variable

LibraryLookup = Callable[[str], Callable[..., Expr] | None]
"""A library activation called by name (softplus(z)), or None: derive.reading.resolve supplies it."""

MAX_EXPONENT = 1_000
MAX_DIGITS = 100
MAX_ORDER = 4  # of a derivative written in the text: d^4/dz^4 at most, as derive computes

CONSTRUCTS = ("Piecewise", "diff", "Derivative")
"""Names the reader builds itself: the functions it reads are derive.knowledge.registry's."""

CONSTANTS: dict[str, Expr] = {"pi": sympy.pi, "E": sympy.E, "e": sympy.E, "oo": sympy.oo, "True": sympy.true}


@dataclass(frozen=True)
class Known:
    """A function a word names: how to call it, and its registry entry when it has one."""

    name: str
    call: Callable[..., Expr]
    entry: registry.KnownFunction | None = None


class Whitelist:
    """Builds what was read, and remembers the conventions used and the variables declared."""

    def __init__(
        self,
        var: str,
        library: LibraryLookup | None = None,
        library_names: tuple[str, ...] = (),
        functions: Mapping[str, Callable[..., Expr]] | None = None,
    ) -> None:
        self.var = var
        self.library = library or (lambda name: None)
        self.library_names = library_names
        self.functions = dict(functions or {})
        self.conventions: list[str] = []
        self.declared: list[str] = []  # variables named by f(x) = ..., d/dx, diff(f, x), in order

    # --- what was read, besides the expression -------------------------------------

    def note(self, convention: str) -> None:
        """A conventional reading, for the one line the output shows: "tan^-1 as arctan"."""
        if convention not in self.conventions:
            self.conventions.append(convention)

    def declare(self, name: str) -> None:
        self.declared.append(name)

    # --- leaves --------------------------------------------------------------------

    def number(self, text: str) -> Expr:
        mantissa, _, scale = text.lower().partition("e")
        if len(mantissa.replace(".", "")) > MAX_DIGITS or (scale and abs(int(scale)) > MAX_DIGITS):
            raise ParseError(f"a number has more than {MAX_DIGITS} digits")
        return sympy.Integer(text) if text.isdigit() else Rational(text)

    def constant(self, word: str) -> Expr | None:
        if word == self.var:
            return None
        return CONSTANTS.get(word)

    def symbol(self, word: str) -> Expr:
        if word.endswith("_") and keyword.iskeyword(word[:-1]):  # lambda_: λ, as SymPy's code printers write it
            word = word[:-1]
        if word == self.var:
            return variable(word)
        if word.startswith("_") or not word.replace("_", "").isalnum():
            raise ParseError(f"the name {word!r} is not allowed")
        return parameter(word)

    # --- functions -----------------------------------------------------------------

    def function(self, word: str) -> Known | None:
        """The function a word names: a construct, the caller's, the registry's, the library's; any case."""
        if word in CONSTRUCTS:
            return Known(word, getattr(sympy, word))
        if word in self.functions:
            return Known(word, self.functions[word])
        entry = registry.by_name().get(word)
        if entry is None and len(word) > 1:  # ReLU, Tanh: any case, but a single letter is a letter
            entry = registry.by_name_any_case().get(word.lower())
        if entry is not None:
            return Known(entry.name, entry.read_as or entry.function, entry)
        found = self.library(word)
        return Known(word, found) if found is not None else None

    def known_words(self) -> list[str]:
        return [*registry.by_name(), *CONSTRUCTS, *self.library_names, *self.functions, "pi"]

    def near(self, word: str, cutoff: float = 0.6) -> str | None:
        """The known function name nearest to a word, for a suggestion."""
        names = [w for w in self.known_words() if w not in GREEK_NAMES or w == word]
        found = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
        return found[0] if found else None

    def unknown(self, word: str, where: str) -> UnknownFunctionError:
        suggestion = self.near(word)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        return UnknownFunctionError(f"unknown function {word!r} {where}{hint}")

    def inverse(self, known: Known, spelled: str) -> Known | None:
        """The function f^{-1} names (tan^{-1}: atan), when f's entry has one; the reading noted."""
        arc = known.entry.arc if known.entry is not None else None
        if arc is None:
            return None
        found = self.function(arc)
        shown = found.entry.latex.rpartition("{")[2].strip("\\}") if found.entry and found.entry.latex else arc
        self.note(f"{spelled}^-1 as {shown}, the inverse function (as calculators read it); (...)^-1 is the reciprocal")
        return found

    def call(self, known: Known, args: list[Expr], spelled: str) -> Expr:
        """A function applied to its arguments; a spelling with a convention of its own is noted."""
        name = known.name
        if name == "Piecewise":
            if not args or not all(isinstance(a, sympy.Tuple) and len(a) == 2 for a in args):
                raise ParseError("Piecewise takes pairs (expression, condition)")
            return sympy.Piecewise(*[tuple(a) for a in args])
        if name in ("diff", "Derivative"):
            return self._written_derivative(name, args)
        if any(isinstance(a, sympy.Tuple) or not isinstance(a, Expr) for a in args):
            raise ParseError(f"{spelled}() takes expressions, not pairs or conditions")
        if known.entry is not None:
            for word, reading in known.entry.spelled:
                if word == spelled:
                    self.note(reading)
        try:
            return known.call(*args)
        except (TypeError, ValueError) as exc:
            raise ParseError(f"{spelled}(): {exc}") from None

    def _written_derivative(self, name: str, args: list[Expr]) -> Expr:
        """diff(f, z), diff(f, z, 2), diff(f, z, z), Derivative(f, (z, 2)): left unevaluated."""
        usage = f"{name} takes an expression and a variable: {name}(f, z), {name}(f, z, 2)"
        if len(args) < 2:
            raise ParseError(usage)
        expr, rest = args[0], args[1:]
        if len(rest) == 1 and isinstance(rest[0], sympy.Tuple) and len(rest[0]) == 2:
            rest = list(rest[0])
        var = rest[0]
        if not var.is_Symbol:
            raise ParseError(usage)
        if all(r == var for r in rest):
            order = len(rest)
        elif len(rest) == 2 and rest[1].is_Integer:
            order = int(rest[1])
        else:
            raise ParseError(usage)
        return self.derivative(expr, var.name, order)

    def derivative(self, expr: Expr, var: str, order: int = 1) -> Expr:
        """d^n/dvar^n of expr, written and unevaluated: carrying it out is a step of the derivation."""
        if not 1 <= order <= MAX_ORDER:
            raise ParseError(f"the order of a derivative must be from 1 to {MAX_ORDER}, not {order}")
        if isinstance(expr, sympy.Tuple) or not isinstance(expr, Expr):
            raise ParseError("a derivative is taken of an expression, not of a condition or a list")
        self.declare(var)
        return sympy.Derivative(expr, (self.symbol(var), order))

    def logarithm(self, value: Expr, base: Expr) -> Expr:
        """log_b(u) = log(u)/log(b)."""
        if not base.is_positive or base == 1:
            raise ParseError("the base of a logarithm must be a positive number other than 1, or a parameter")
        self.note(f"log_{base}(u) as log(u)/log({base})")
        return sympy.log(value) / sympy.log(base)

    # --- operators -----------------------------------------------------------------

    def power(self, base: Expr, exponent: Expr) -> Expr:
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise ParseError(f"an exponent is larger than {MAX_EXPONENT}")
        if base.is_Number and exponent.is_Number and abs(base) > 1:
            digits = float(abs(exponent)) * float(sympy.log(abs(base), 10).evalf(5))
            if digits > MAX_DIGITS * 10:
                raise ParseError("a power is too large")
        return base**exponent

    def divide(self, num: Expr, den: Expr) -> Expr:
        if den == 0:
            raise ParseError("division by zero")
        return num / den
