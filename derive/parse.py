"""Reading what people type: math notation, SymPy syntax and LaTeX, through one grammar and a whitelist.

User text is never given to ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  It is split into
tokens (``derive.tokens``: math notation, or LaTeX when the text has a backslash), read by the
recursive-descent parser below, and every node is built by ``_Builder``, which knows only numbers,
the variable, parameters, the constants and the functions of ``derive.registry`` (plus the
library's activations, Piecewise and diff): anything else is refused with a ``ParseError`` that
says what and where.  Limits on length, nesting, exponents and digits make hostile input fail fast.

The grammar (tokens in capitals):

    input      = condition END
    condition  = conjunct { "|" conjunct }                 "or", between conditions only
    conjunct   = comparison { "&" comparison }
    comparison = sum { ("<" | "<=" | ">" | ">=") sum }     a chain is an "and"
    sum        = term { ("+" | "-") term }
    term       = signed { ("*" | "/") signed | power }     a power right after an operand: implicit ·
    signed     = ("-" | "+") signed | power
    power      = primary [ "^" exponent ]
    exponent   = ("-" | "+") exponent | power              right to left: 2^x^2 is 2^(x^2)
    primary    = NUM | "(" condition { "," condition } ")" | "{" condition "}" | "|" condition "|"
               | SQRT [ "[" NUM "]" ] primary | FRAC primary primary | CASES rows ENDCASES | word
    word       = FUNCTION [ "^" exponent ] ( "(" condition { "," condition } ")" | argument )
               | CONSTANT | VARIABLE | PARAMETER
    argument   = power { power }                           stops before a function's name

How ambiguities are decided (the README's "Accepted input" gives an example of each):

- implicit multiplication has the precedence of ``*`` and ``/``, left to right: ``1/2x`` is x/2;
- a function without parentheses takes the implicit product after it: ``sin 2x y`` is sin(2xy),
  ``sin x cos x`` is sin(x)·cos(x), ``sin x^2`` is sin(x²), ``sin x/2`` is sin(x)/2;
- ``f^2(x)`` is f(x)²; ``f^-1`` is refused (write asin, atan, ...);
- ``e`` is Euler's number unless it is the variable; ``E`` always is;
- a word is read whole when it is known (a function, a library name, a Greek letter's name, pi,
  e, the variable); an unknown word that holds the variable is split into known words and
  letters (``xe^x``, ``ax``, ``sinx``); any other word is one parameter (``temp``); an unknown word
  before ``(`` is an unknown function, with a suggestion;
- ``|`` opens an absolute value where an operand is expected and closes the one that is open;
  between two conditions it is "or";
- √ applies to what follows it directly: ``√2z`` is √2·z, ``√(1+z)`` the root of 1 + z.
"""

from __future__ import annotations

import difflib
import keyword
from collections.abc import Callable

import sympy
from sympy import Expr, Rational

from derive import registry
from derive.errors import ParseError, UnknownFunctionError
from derive.symbols import parameter, variable
from derive.tokens import GREEK_NAMES, Token, latex_tokens, math_tokens, where

LibraryLookup = Callable[[str], Callable[..., Expr] | None]
"""A library activation called by name (softplus(z)), or None: derive.resolve supplies it."""

MAX_LENGTH = 10_000
MAX_DEPTH = 100
MAX_EXPONENT = 1_000
MAX_DIGITS = 100

CONSTRUCTS = ("Piecewise", "diff")
"""Names the parser builds itself: the functions it reads are derive.registry's."""

CONSTANTS: dict[str, Expr] = {"pi": sympy.pi, "E": sympy.E, "e": sympy.E, "oo": sympy.oo, "True": sympy.true}

_COMPARE = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}


def parse_expression(
    text: str,
    var: str = "z",
    library: LibraryLookup | None = None,
    notation: str = "auto",
    library_names: tuple[str, ...] = (),
) -> Expr:
    """The SymPy expression for ``text``; names other than ``var`` are positive constants.

    ``notation`` is "math" (math notation and SymPy syntax), "latex", or "auto": LaTeX when the
    text holds a backslash.  ``library`` gives the library's activations called as functions
    (``library_names`` their names, for suggestions).
    """
    if not isinstance(text, str):
        raise ParseError("the expression must be text")
    if "\x00" in text:
        raise ParseError("the expression contains a NUL byte")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ParseError("the expression is empty")
    if _nesting(text) > MAX_DEPTH:
        raise ParseError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    latex = notation == "latex" or (notation == "auto" and "\\" in text)
    tokens = latex_tokens(text) if latex else math_tokens(text)
    result = _Parser(text, tokens, _Builder(var, library, library_names), latex).read()
    if not isinstance(result, Expr) or isinstance(result, sympy.Tuple):
        raise ParseError(f'"{text.strip()}" is a condition or a list, not an expression of {var}')
    return result


def _nesting(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


class _Builder:
    """The whitelist: the only place where SymPy objects are made from what was read."""

    def __init__(self, var: str, library: LibraryLookup | None, library_names: tuple[str, ...]) -> None:
        self.var = var
        self.library = library or (lambda name: None)
        self.library_names = library_names

    def number(self, text: str) -> Expr:
        mantissa, _, scale = text.lower().partition("e")
        if len(mantissa.replace(".", "")) > MAX_DIGITS or (scale and abs(int(scale)) > MAX_DIGITS):
            raise ParseError(f"a number has more than {MAX_DIGITS} digits")
        return sympy.Integer(text) if text.isdigit() else Rational(text)

    def function(self, word: str) -> tuple[str, Callable[..., Expr]] | None:
        """The function a word names: the registry's, a library activation's, a construct; any case."""
        if word in CONSTRUCTS:
            return word, getattr(sympy, word)
        known = registry.by_name().get(word)
        if known is None and len(word) > 1:  # ReLU, Tanh: any case, but a single letter is a letter
            known = registry.by_name_any_case().get(word.lower())
        if known is not None:
            return known.name, known.function
        found = self.library(word)
        return (word, found) if found is not None else None

    def constant(self, word: str) -> Expr | None:
        if word == self.var:
            return None
        return CONSTANTS.get(word)

    def symbol(self, word: str) -> Expr:
        if word == self.var:
            return variable(word)
        if word.startswith("_"):
            raise ParseError(f"the name {word!r} is not allowed")
        return parameter(word)

    def known_words(self) -> list[str]:
        return [*registry.by_name(), *CONSTRUCTS, *self.library_names, *GREEK_NAMES, "pi"]

    def call(self, name: str, func: Callable[..., Expr], args: list[Expr]) -> Expr:
        if name == "Piecewise":
            if not args or not all(isinstance(a, sympy.Tuple) and len(a) == 2 for a in args):
                raise ParseError("Piecewise takes pairs (expression, condition)")
            return sympy.Piecewise(*[tuple(a) for a in args])
        if name == "diff":
            if len(args) != 2 or not args[1].is_Symbol:
                raise ParseError("diff takes an expression and a variable: diff(expr, z)")
            # left unevaluated: carrying it out is a step of the derivation
            return sympy.Derivative(args[0], args[1])
        if any(isinstance(a, sympy.Tuple) or not isinstance(a, Expr) for a in args):
            raise ParseError(f"{name}() takes expressions, not pairs or conditions")
        try:
            return func(*args)
        except (TypeError, ValueError) as exc:
            raise ParseError(f"{name}(): {exc}") from None

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


_STARTS_OPERAND = {"num", "name", "sqrt", "frac", "cases"}


class _Parser:
    """Recursive descent over the tokens, one method per rule of the grammar in the module's docstring."""

    def __init__(self, text: str, tokens: list[Token], build: _Builder, latex: bool) -> None:
        self.text = text
        self.tokens = tokens
        self.at = 0
        self.build = build
        self.latex = latex
        self.open_bars = 0  # absolute values opened and not yet closed
        self.depth = 0

    # --- the token stream ---------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def is_op(self, *texts: str) -> bool:
        return self.token.kind == "op" and self.token.text in texts

    def take(self) -> Token:
        token = self.token
        self.at += 1
        return token

    def expect(self, text: str, what: str) -> None:
        if not self.is_op(text):
            self.fail(f'expected "{text}" {what}')
        self.take()

    def fail(self, message: str, token: Token | None = None) -> None:
        token = token or self.token
        found = "the end" if token.kind == "end" else f'"{token.text}"'
        before = self.text[: token.column - 1].rstrip()[-6:]
        after = f' after "{before}"' if before else ""
        raise ParseError(f"cannot read it {where(self.text, token.column)}: {message}{after}, found {found}")

    def starts_operand(self, allow_bar: bool = True) -> bool:
        token = self.token
        if token.kind in _STARTS_OPERAND:
            return True
        if token.kind == "op" and token.text in ("(", "{", "["):
            return True
        return allow_bar and token.kind == "op" and token.text == "|" and self.open_bars == 0

    # --- the grammar ----------------------------------------------------------------

    def read(self) -> Expr:
        result = self.condition()
        if self.token.kind != "end":
            self.fail("expected an operator or the end")
        return result

    def condition(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the expression is nested more than {MAX_DEPTH} levels deep")
        left = self.conjunct()
        while self.is_op("|") and self.open_bars == 0:
            self.take()
            left = sympy.Or(left, self.conjunct())
        self.depth -= 1
        return left

    def conjunct(self) -> Expr:
        left = self.comparison()
        while self.is_op("&"):
            self.take()
            left = sympy.And(left, self.comparison())
        return left

    def comparison(self) -> Expr:
        left = self.sum()
        parts = []
        while self.is_op(*_COMPARE):
            op = self.take().text
            right = self.sum()
            parts.append(_COMPARE[op](left, right))
            left = right
        return sympy.And(*parts) if parts else left

    def sum(self) -> Expr:
        left = self.term()
        while self.is_op("+", "-"):
            op = self.take().text
            right = self.term()
            left = left + right if op == "+" else left - right
        return left

    def term(self) -> Expr:
        left = self.signed()
        while True:
            if self.is_op("*", "/"):
                op = self.take().text
                right = self.signed()
                left = left * right if op == "*" else self.build.divide(left, right)
            elif self.starts_operand(allow_bar=not isinstance(left, sympy.logic.boolalg.Boolean)):
                left = left * self.power()  # implicit multiplication: 2z, x e^x, (1+x)(1-x)
            else:
                return left

    def signed(self) -> Expr:
        return self.sign_of(self.signed, self.power)

    def power(self) -> Expr:
        base = self.primary()
        if self.is_op("^"):
            self.take()
            return self.build.power(base, self.exponent())
        return base

    def exponent(self) -> Expr:
        return self.sign_of(self.exponent, self.power, 'expected a number, a name or "(" for the exponent')

    def sign_of(self, again: Callable[[], Expr], operand: Callable[[], Expr], expected: str | None = None) -> Expr:
        """A leading - or + (any number of them), then the operand."""
        if self.is_op("-"):
            self.take()
            return -again()
        if self.is_op("+"):
            self.take()
            return again()
        if expected is not None and not self.starts_operand():
            self.fail(expected)
        return operand()

    def primary(self) -> Expr:
        token = self.token
        if token.kind == "num":
            self.take()
            return self.build.number(token.text)
        if token.kind == "name":
            return self.word()
        if token.kind == "sqrt":
            self.take()
            if self.is_op("["):
                self.take()
                index = self.condition()
                self.expect("]", "after the index of a root")
                return sympy.root(self.primary(), index)
            if not self.starts_operand():
                self.fail("expected what the square root is of")
            return sympy.sqrt(self.primary())
        if token.kind == "frac":
            self.take()
            num = self.primary()
            return self.build.divide(num, self.primary())
        if token.kind == "cases":
            return self.cases()
        if self.is_op("(", "{", "["):
            opening = self.take().text
            closing = {"(": ")", "{": "}", "[": "]"}[opening]
            items = [self.condition()]
            while self.is_op(","):
                self.take()
                items.append(self.condition())
            self.expect(closing, f"to close the {opening!r} at column {token.column}")
            return items[0] if len(items) == 1 else sympy.Tuple(*items)
        if self.is_op("|"):
            self.take()
            self.open_bars += 1
            inside = self.condition()
            self.open_bars -= 1
            self.expect("|", f"to close the absolute value opened at column {token.column}")
            return sympy.Abs(inside)
        self.fail("expected a number, a name or an opening bracket")

    def word(self) -> Expr:
        token = self.take()
        name = token.text
        function = self.build.function(name)
        if function is not None and not (name in GREEK_NAMES and not self.applied()):
            return self.application(token, *function)
        constant = self.build.constant(name)
        if constant is not None:
            return constant
        if keyword.iskeyword(name) and name != "lambda":
            raise ParseError(f"{name!r} is a Python keyword, not a name {where(self.text, token.column)}")
        if name == self.build.var or name in GREEK_NAMES or len(name) == 1 or self.latex:
            return self.build.symbol(name)
        if self.is_op("("):
            suggestion = difflib.get_close_matches(name, self.build.known_words(), n=1, cutoff=0.6)
            hint = f"; did you mean {suggestion[0]}?" if suggestion else ""
            raise UnknownFunctionError(f"unknown function {name!r} {where(self.text, token.column)}{hint}")
        pieces = self.split(name)
        if pieces is None:
            return self.build.symbol(name)
        self.tokens[self.at - 1 : self.at] = [Token("name", piece, token.column) for piece in pieces]
        self.at -= 1
        return self.word()

    def applied(self) -> bool:
        """Whether what follows is an argument (σ(z), σ z), not an operator (2σ^2 + 1)."""
        return self.starts_operand(allow_bar=True) and not self.is_op("^")

    def application(self, token: Token, name: str, func: Callable[..., Expr]) -> Expr:
        power = None
        if self.is_op("^"):  # sin^2 x is (sin x)^2
            self.take()
            power = self.exponent()
            if power.is_Number and power.is_negative:
                self.fail(f"{name}^{power} is ambiguous: write the inverse by its name (asin, atan) or (...)^{power}")
        if self.is_op("("):
            self.take()
            args = [self.condition()]
            while self.is_op(","):
                self.take()
                args.append(self.condition())
            self.expect(")", f"to close the arguments of {token.text}")
        elif self.starts_operand():
            args = [self.argument()]
        else:
            self.fail(f"{token.text} needs an argument")
        value = self.build.call(name, func, args)
        return self.build.power(value, power) if power is not None else value

    def argument(self) -> Expr:
        """The argument of a function written without parentheses: the implicit product that follows."""
        value = self.power()
        while self.starts_operand(allow_bar=False) and not self.at_function():
            value = value * self.power()
        return value

    def at_function(self) -> bool:
        token = self.token
        return token.kind == "name" and self.build.function(token.text) is not None

    def split(self, word: str) -> list[str] | None:
        """An unknown word as known words and letters, when it holds the variable (xe, ax, sinx); else None."""
        if not word.isalpha():
            return None
        known = {w for w in [*self.build.known_words(), "e", self.build.var] if w.isalpha()}
        # the segmentation with the fewest pieces, known words preferred over letters
        best: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(1, len(word) + 1):
            for start in range(end):
                piece = word[start:end]
                if best[start] is None or (piece not in known and len(piece) > 1):
                    continue
                candidate = [*best[start], piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
        pieces = best[len(word)]
        if pieces is None or self.build.var not in pieces and not any(self.build.function(p) for p in pieces):
            return None
        return pieces

    def cases(self) -> Expr:
        """\\begin{cases} expression & condition \\\\ ... \\end{cases}, "otherwise" last."""
        start = self.take()
        pieces = []
        while True:
            value = self.condition()
            if self.token.kind != "cell":
                self.fail('expected "&" and a condition in a row of cases')
            self.take()
            if self.token.kind == "otherwise":
                self.take()
                when = sympy.true
            else:
                when = self.condition()
            pieces.append((value, when))
            if self.token.kind == "row":
                self.take()
                if self.token.kind == "endcases":
                    break
                continue
            if self.token.kind == "endcases":
                break
            self.fail(f"expected \\\\ or \\end{{cases}} for the cases opened at column {start.column}")
        self.take()
        return sympy.Piecewise(*pieces)
