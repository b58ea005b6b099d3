"""The grammar of math notation, SymPy syntax and LaTeX: one recursive-descent parser, a method per rule.

Tokens come from ``derive.reading.tokens`` (the same kinds for both notations), every node is built
by ``derive.reading.whitelist``; nothing is evaluated as Python.  The grammar (tokens in capitals):

    statement  = [ head ("=" | ":=") ] condition END         f(x) = ..., y = ..., g(z) := ...
    head       = NAME { "'" } [ "(" NAME ")" ]                f(x), y, σ(z), g'(z)
               | derivative-operator [ NAME [ "(" NAME ")" ] ]    d/dz g(z), dy/dx
    condition  = conjunct { ("|" | "or") conjunct }          "or", between conditions only
    conjunct   = comparison { "&" comparison }
    comparison = sum { ("<" | "<=" | ">" | ">=" | "!=") sum }  a chain is an "and"
    sum        = term { ("+" | "-") term }
    term       = signed { ("*" | "/") signed | power }        a power right after an operand: implicit ·
    signed     = ("-" | "+") signed | power
    power      = primary [ "^" exponent ]
    exponent   = ("-" | "+") exponent | power                 right to left: 2^x^2 is 2^(x^2)
    primary    = NUM | group | pieces | "|" condition "|" | ABSOPEN condition ABSCLOSE
               | SQRT [ "[" condition "]" ] primary
               | CBRT primary | derivative | FRAC primary primary | cases | word
    group      = ("(" | "[" | "{") condition { "," condition } (")" | "]" | "}")
    pieces     = "{" condition IF condition { ";" condition (IF condition | OTHERWISE) } "}"
    derivative = derivative-operator ( group | term )         d/dz(...), \\frac{d}{dz} f, d^2/dz^2 f
    cases      = CASES row { ROW row } ENDCASES
    row        = condition [","] CELL { CELL } (OTHERWISE | condition) ["," | "."]   x, & x > 0 \\
    word       = FUNCTION [ "_" primary ] [ "^" exponent ] ( group | argument )
               | CONSTANT | VARIABLE | PARAMETER
    argument   = power { power }                              stops before a function's name

A derivative operator is ``d/dz``, ``d^n/dz^n``, ``∂/∂z`` (``d²/dz²``) or ``\\frac{d}{dz}`` with
``\\mathrm{d}``, ``\\partial`` and ``\\frac{d^n}{dz^n}``; with a name after its d (``dy/dx``) it names a
derivative, as a head.

How ambiguities are decided (docs/input.md gives an example of each):

- implicit multiplication has the precedence of ``*`` and ``/``, left to right: ``1/2x`` is x/2;
- a function without parentheses takes the implicit product after it: ``sin 2x y`` is sin(2xy),
  ``sin x cos x`` is sin(x)·cos(x), ``sin x^2`` is sin(x²), ``sin x/2`` is sin(x)/2;
- ``f^2(x)`` is f(x)²; ``f^{-1}`` is the inverse function (``tan^{-1}``: arctan), ``(f(x))^{-1}``
  the reciprocal; another negative power of a function's name is refused;
- a name directly followed by ``(`` is a function applied: a known one is applied, an unknown one
  refused with a suggestion; a single letter, the variable or a Greek letter before a bracket is a
  product (``a(z + 1)``), except f, g, h, functions by convention, and σ, φ, Φ, θ, which derive
  knows; a name that is both a letter and a function derive does not know (``gamma(z)``) is refused;
- ``e`` is Euler's number unless it is the variable; ``E`` always is;
- a word is read whole when it is known (a function, a library name, a Greek letter's name, pi,
  e, the variable); an unknown word that holds the variable is split into known words and
  letters (``xe^x``, ``ax``, ``sinx``); any other word is one parameter (``temp``); in LaTeX,
  letters written together that spell a function (``tanh`` without its backslash) are refused;
- ``|`` opens an absolute value where an operand is expected and closes the one that is open;
  between two conditions it is "or";
- √ applies to what follows it directly: ``√2z`` is √2·z, ``√(1+z)`` the root of 1 + z; ∛ and
  ``\\sqrt[3]`` are the real cube root;
- a derivative operator applies to the product after it, as SymPy's LaTeX writes it (``d/dx x sin x``,
  ``\\frac{d}{dz} (u) v`` is d/dz(u·v)); a ``+`` or ``-`` after that product, where no brackets end it, is
  refused as ambiguous, except after LaTeX's ``\\frac{d}{dz}``, which SymPy's printer writes as a factor.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

import sympy
from sympy import Expr

from derive.errors import ParseError
from derive.knowledge import spellings as sp
from derive.knowledge.functions import cbrt
from derive.reading.tokens import Token, where
from derive.reading.whitelist import Known, Whitelist

MAX_DEPTH = 100

_COMPARE = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "!=": sympy.Ne}
_OPENING = {"(": ")", "[": "]", "{": "}"}
_STARTS_OPERAND = {"num", "name", "sqrt", "cbrt", "frac", "cases", "absopen"}


def _is_condition(e: Expr) -> bool:
    """A comparison or a combination of them (a symbol is a Boolean to SymPy too, but not a condition)."""
    return isinstance(
        e, (sympy.core.relational.Relational, sympy.logic.boolalg.BooleanFunction, sympy.logic.boolalg.BooleanAtom)
    )


@dataclass(frozen=True)
class Head:
    """The left side of a definition: its name, its variable, and which derivative it is (0: the function)."""

    name: str | None
    variable: str | None
    order: int = 0


@dataclass(frozen=True)
class Operator:
    """d^order/dvar^order, and the name after its d when it names a derivative (dy/dx); ``length`` tokens."""

    var: str
    order: int
    of: str | None
    length: int


class Grammar:
    """Recursive descent over the tokens, one method per rule of the grammar in the module's docstring."""

    def __init__(self, text: str, tokens: list[Token], build: Whitelist, latex: bool) -> None:
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

    def peek(self, ahead: int) -> Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

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

    def refuse(self, message: str, token: Token) -> None:
        """An ambiguity or an unknown name: one line saying what and how to write it."""
        raise ParseError(f"{message} {where(self.text, token.column)}")

    def starts_operand(self, allow_bar: bool = True) -> bool:
        token = self.token
        if token.kind in _STARTS_OPERAND:
            return True
        if token.kind == "op" and token.text in _OPENING:
            return True
        return allow_bar and token.kind == "op" and token.text == "|" and self.open_bars == 0

    # --- statement and head ---------------------------------------------------------

    def statement(self) -> tuple[Head | None, Expr]:
        equals = self._top_level_equals()
        head = None
        if equals is not None:
            head = self.head(equals)
            self.at = equals + 1
            if head.name is not None and head.variable is not None and head.name not in self.build.functions:
                # the defined name is a function on its right side (f'(x) = f(x)(1 - f(x))): known, not refused
                self.build.functions[head.name] = sympy.Function(head.name)
        result = self.condition()
        while self.is_op(".", ",") and self.peek(1).kind == "end":  # a sentence's full stop
            self.take()
        if self.token.kind != "end":
            self.fail("expected an operator or the end")
        return head, result

    def _top_level_equals(self) -> int | None:
        depth, found = 0, []
        for i, t in enumerate(self.tokens):
            if t.kind == "op" and t.text in _OPENING or t.kind == "cases":
                depth += 1
            elif t.kind == "op" and t.text in _OPENING.values() or t.kind == "endcases":
                depth -= 1
            elif t.kind == "op" and t.text in ("=", ":=") and depth == 0:
                found.append(i)
        if len(found) > 1:
            self.refuse(
                "more than one '=': give one definition (f(x) = ...), or prove an identity with derive prove",
                self.tokens[found[1]],
            )
        return found[0] if found else None

    def head(self, equals: int) -> Head:
        """The left side of '=': f(x), y, σ(z), g'(z), d/dz g(z), dy/dx."""
        start = self.token
        operator = self.operator_at(self.at)
        order = 0
        var = None
        if operator is not None:
            self.at += operator.length
            order, var = operator.order, operator.var
            if operator.of is not None:
                name = operator.of
                if self.at != equals:
                    self.fail('expected "=" after the derivative it names')
                return Head(name, var, order)
        if self.token.kind != "name":
            self._not_a_head(start)
        name = self.take().text
        order += self.primes()
        if self.is_op("("):
            self.take()
            if self.token.kind != "name":
                self._not_a_head(start)
            inner = self.take().text
            if var is not None and inner != var:
                self.refuse(f"the derivative is in {var} but the function is of {inner}", start)
            var = inner
            self.expect(")", "after the variable of the function")
        if self.at != equals:
            self._not_a_head(start)
        if name in sp.GREEK_NAMES and name == var:
            self._not_a_head(start)
        return Head(name, var, order)

    def primes(self) -> int:
        r"""', '', ^{\prime} and ^' after a head's name: how many."""
        count = 0
        while True:
            if self.is_op("'"):
                self.take()
                count += 1
            elif self.is_op("^") and self._is_op_at(self.at + 1, "'"):
                self.at += 2
                count += 1
            elif self.is_op("^") and self._is_op_at(self.at + 1, "{") and self._is_op_at(self.at + 2, "'"):
                self.at += 2
                while self.is_op("'"):
                    self.take()
                    count += 1
                self.expect("}", "after the primes")
            else:
                return count

    def _not_a_head(self, token: Token) -> None:
        self.refuse(
            "the left side of '=' must name the function: f(x) = ..., y = ..., g(z) := ... (an identity: derive prove)",
            token,
        )

    # --- derivative operators -------------------------------------------------------

    def operator_at(self, i: int) -> Operator | None:
        """A derivative operator starting at token i: d/dz, d^2/dz^2, ∂/∂z, dy/dx, \\frac{d}{dz}, \\frac{dy}{dx}."""
        tokens = self.tokens
        t = tokens[i]
        if t.kind == "frac":
            return self._frac_operator(i)
        if t.kind != "name":
            return None
        # the numerator: d or ∂, its power, and the name it is of (dy/dx, d²z/dz²); or dy, math's word
        of = None
        if t.text in ("d", "∂"):
            top, j = self._order_at(i + 1)
            if tokens[j].kind == "name" and not tokens[j].spaced and self._is_op_at(j + 1, "/"):
                of, j = tokens[j].text, j + 1
        elif len(t.text) > 1 and t.text[0] == "d" and t.text[1:].isalpha() and self._is_op_at(i + 1, "/"):
            of, top, j = t.text[1:], 1, i + 1
        else:
            return None
        if not self._is_op_at(j, "/"):
            return None
        j += 1
        var, j = self._differential_at(j)
        if var is None:
            return None
        bottom, j = self._order_at(j)
        if top != bottom and not (top == 1 or bottom == 1):
            return None
        return Operator(var, max(top, bottom), of, j - i)

    def _frac_operator(self, i: int) -> Operator | None:
        tokens = self.tokens
        if not self._is_op_at(i + 1, "{"):
            return None
        d = tokens[i + 2]
        if d.kind != "name" or d.text not in ("d", "∂"):
            return None
        top, j = self._order_at(i + 3)
        of = None
        if tokens[j].kind == "name" and not self._is_op_at(j, "}"):
            of, j = tokens[j].text, j + 1
        if not (self._is_op_at(j, "}") and self._is_op_at(j + 1, "{")):
            return None
        var, k = self._differential_at(j + 2)
        if var is None:
            return None
        bottom, k = self._order_at(k)
        if not self._is_op_at(k, "}") or top != bottom and not (top == 1 or bottom == 1):
            return None
        return Operator(var, max(top, bottom), of, k + 1 - i)

    def _differential_at(self, j: int) -> tuple[str | None, int]:
        """dz, d z, ∂z: the variable, and the index after it."""
        tokens = self.tokens
        t = tokens[j]
        if t.kind != "name":
            return None, j
        if t.text in ("d", "∂") and tokens[j + 1].kind == "name":
            return tokens[j + 1].text, j + 2
        if len(t.text) > 1 and t.text[0] == "d" and not self.latex:
            return t.text[1:], j + 1
        return None, j

    def _order_at(self, j: int) -> tuple[int, int]:
        """^2 or ^{2} at j: the order and the index after it; else 1."""
        tokens = self.tokens
        if not self._is_op_at(j, "^"):
            return 1, j
        if tokens[j + 1].kind == "num" and tokens[j + 1].text.isdigit():
            return int(tokens[j + 1].text), j + 2
        if self._is_op_at(j + 1, "{") and tokens[j + 2].kind == "num" and self._is_op_at(j + 3, "}"):
            return int(tokens[j + 2].text), j + 4
        return 1, j

    def _is_op_at(self, j: int, text: str) -> bool:
        t = self.tokens[min(j, len(self.tokens) - 1)]
        return t.kind == "op" and t.text == text

    def operand(self) -> Expr:
        """What a derivative operator applies to: the product after it, up to another operator (d/dz u d/dz v
        is the product of two derivatives, as a function's argument stops before the next function)."""
        left = self.signed()
        while True:
            after = 1 if self.is_op("*", "/") else 0
            if self.operator_at(self.at + after) is not None:
                return left
            if self.is_op("*", "/"):
                op = self.take().text
                right = self.signed()
                self._arithmetic(left, right)
                left = left * right if op == "*" else self.build.divide(left, right)
            elif self.starts_operand(allow_bar=not _is_condition(left)):
                right = self.power()
                self._arithmetic(left, right)
                left = left * right
            else:
                return left

    def _group_end(self, i: int) -> int:
        """The index of the bracket closing the one opening at token i."""
        depth = 0
        for k in range(i, len(self.tokens)):
            t = self.tokens[k]
            if t.kind == "op" and t.text in _OPENING:
                depth += 1
            elif t.kind == "op" and t.text in _OPENING.values():
                depth -= 1
                if depth == 0:
                    return k
        return len(self.tokens)

    def derivative(self, operator: Operator) -> Expr:
        self.at += operator.length
        if operator.of is not None:  # du/dz: the derivative of the name u (derive writes a rule's formula so)
            return self.build.derivative(self.build.symbol(operator.of), operator.var, operator.order)
        frac = self.tokens[self.at - operator.length].kind == "frac"
        group_end = self._group_end(self.at) if self.is_op(*_OPENING) else None
        operand = self.operand()  # the product after the operator, as SymPy writes \frac{d}{dz} (u) v
        bracketed = group_end is not None and self.at == group_end + 1
        if group_end is not None and not bracketed:
            self.build.note("d/dz(u)·v as d/dz(u·v): a derivative operator applies to the product after it")
        if self.is_op("+", "-") and not bracketed:
            if not frac:
                self.refuse(
                    f"d/d{operator.var} without brackets before '{self.token.text}' is ambiguous: "
                    f"write d/d{operator.var}(...) around all it applies to",
                    self.token,
                )
            # LaTeX's \frac{d}{dz} f + c, as SymPy's printer writes d/dz(f) + c: the operator is a factor
            self.build.note("\\frac{d}{dz} f + c as d/dz(f) + c: it applies to the product after it")
        return self.build.derivative(operand, operator.var, operator.order)

    # --- the grammar ----------------------------------------------------------------

    def condition(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the expression is nested more than {MAX_DEPTH} levels deep")
        left = self.conjunct()
        while (self.is_op("|") and self.open_bars == 0) or self.is_op("or"):
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
            self._arithmetic(left, right)
            left = left + right if op == "+" else left - right
        return left

    def term(self) -> Expr:
        left = self.signed()
        while True:
            if self.is_op("*", "/"):
                op = self.take().text
                right = self.signed()
                self._arithmetic(left, right)
                left = left * right if op == "*" else self.build.divide(left, right)
            elif self.starts_operand(allow_bar=not _is_condition(left)):
                if self.is_op("[") and not self.token.spaced and not self.latex:
                    self.refuse(
                        "a [ right after a value reads as an index, as in code: write (...) for a product", self.token
                    )
                right = self.power()
                self._arithmetic(left, right)
                left = left * right  # implicit multiplication: 2z, x e^x, (1+x)(1-x)
            else:
                return left

    def _arithmetic(self, *operands: Expr) -> None:
        """A comparison is no number: x * (x > 0), as code writes an Iverson bracket, is refused here."""
        if any(_is_condition(e) for e in operands):
            self.refuse(
                "a comparison used as a number (as code writes 1 where it holds, else 0): give it as code "
                "(--input code), or write the function by pieces",
                self.tokens[max(self.at - 1, 0)],
            )

    def signed(self) -> Expr:
        return self.sign_of(self.signed, self.power)

    def power(self) -> Expr:
        base = self.primary()
        if self.is_op("^"):
            self.take()
            exponent = self.exponent()
            self._arithmetic(base, exponent)
            return self.build.power(base, exponent)
        return base

    def exponent(self) -> Expr:
        return self.sign_of(self.exponent, self.power, 'expected a number, a name or "(" for the exponent')

    def sign_of(self, again, operand, expected: str | None = None) -> Expr:  # noqa: ANN001
        """A leading - or + (any number of them), then the operand."""
        if self.is_op("-"):
            self.take()
            value = again()
            self._arithmetic(value)
            return -value
        if self.is_op("+"):
            self.take()
            return again()
        if expected is not None and not self.starts_operand():
            self.fail(expected)
        return operand()

    def primary(self) -> Expr:
        token = self.token
        operator = self.operator_at(self.at) if token.kind in ("name", "frac") else None
        if operator is not None:
            return self.derivative(operator)
        if token.kind == "num":
            self.take()
            return self.build.number(token.text)
        if token.kind == "name":
            return self.word()
        if token.kind in ("sqrt", "cbrt"):
            return self.root()
        if token.kind == "frac":
            self.take()
            num = self.primary()
            return self.build.divide(num, self.primary())
        if token.kind == "cases":
            return self.cases()
        if self.is_op(*_OPENING):
            return self.group()
        if token.kind == "absopen":  # \left| ... \right|
            self.take()
            saved, self.open_bars = self.open_bars, 0
            inside = self.condition()
            self.open_bars = saved
            if self.token.kind != "absclose":
                self.fail(f"expected \\right| to close the \\left| at column {token.column}")
            self.take()
            return sympy.Abs(inside)
        if self.is_op("|"):
            self.take()
            self.open_bars += 1
            inside = self.condition()
            self.open_bars -= 1
            self.expect("|", f"to close the absolute value opened at column {token.column}")
            return sympy.Abs(inside)
        self.fail("expected a number, a name or an opening bracket")

    def root(self) -> Expr:
        """√u, ∛u (the real cube root), \\sqrt{u}, \\sqrt[n]{u} (\\sqrt[3] the real cube root)."""
        token = self.take()
        index = sympy.Integer(3) if token.kind == "cbrt" else sympy.Integer(2)
        if self.is_op("["):
            self.take()
            index = self.condition()
            self.expect("]", "after the index of a root")
        if not self.starts_operand():
            self.fail("expected what the root is of")
        radicand = self.primary()
        if index == 3:
            return cbrt(radicand)
        return sympy.sqrt(radicand) if index == 2 else sympy.root(radicand, index)

    def group(self) -> Expr:
        """(...), [...], {...}: one expression, a list (a function's arguments, a Piecewise pair), or a
        piecewise function as derive's text writes it, {z if z > 0; 0 otherwise}."""
        start = self.take()
        closing = _OPENING[start.text]
        items = [self.condition()]
        if start.text == "{" and self.token.kind == "if":
            return self.pieces(start, items[0])
        while self.is_op(","):
            self.take()
            items.append(self.condition())
        self.expect(closing, f"to close the {start.text!r} at column {start.column}")
        return items[0] if len(items) == 1 else sympy.Tuple(*items)

    def pieces(self, start: Token, first: Expr) -> Expr:
        """{a if c; b otherwise}: the pieces of derive's text form, after the first value."""
        pieces, value = [], first
        while True:
            if self.token.kind == "otherwise":
                self.take()
                pieces.append((value, sympy.true))
            elif self.token.kind == "if":
                self.take()
                pieces.append((value, self.condition()))
            else:
                self.fail('expected "if" and a condition, or "otherwise", in a piece')
            if self.is_op(";"):
                self.take()
                value = self.condition()
                continue
            self.expect("}", f"to close the pieces opened at column {start.column}")
            return sympy.Piecewise(*pieces)

    def word(self) -> Expr:
        token = self.token
        name = token.text
        if self.latex and token.letter:
            self._refuse_spelled_letters(token)
        self.take()
        if name.lower() in sp.VECTOR_FUNCTIONS:
            self.refuse(f"{name} {sp.VECTOR_REFUSAL}", token)
        if name.startswith("log_") and len(name) > 4:  # log_2 x, log_b(x): the base is written in the word
            base = name[4:]
            return self.application(token, self.build.function("log"), self._base(base, token))
        known = self.build.function(name)
        letter_like = name in sp.GREEK_NAMES or name in self.build.functions  # g of g(1 - g): the function's value
        if known is not None and not (letter_like and not self.applied()):
            return self.application(token, known)
        constant = self.build.constant(name)
        if constant is not None:
            return constant
        if sp.NOT_REAL.get(name) and name != self.build.var:
            self.refuse(f"{name} is {sp.NOT_REAL[name]}: derive differentiates real functions", token)
        if not self.latex and keyword.iskeyword(name) and name != "lambda":
            raise ParseError(f"{name!r} is a Python keyword, not a name {where(self.text, token.column)}")
        directly = self.is_op("(") and not self.token.spaced
        if directly and name != self.build.var:
            self._refuse_unknown_application(token)
        if name == self.build.var or name in sp.GREEK_NAMES or len(name) == 1 or self.latex or "_" in name:
            return self.build.symbol(name)
        pieces = self.split(name)
        if pieces is not None:
            self.tokens[self.at - 1 : self.at] = [Token("name", piece, token.column) for piece in pieces]
            self.at -= 1
            return self.word()
        if self.starts_operand(allow_bar=False) and self.build.near(name, cutoff=0.8) is not None:
            raise self.build.unknown(name, where(self.text, token.column))  # sigmod z: a typo, not a parameter
        return self.build.symbol(name)

    def _refuse_unknown_application(self, token: Token) -> None:
        """A name directly before "(" that derive cannot apply: refused, unless it is a letter's product."""
        name = token.text
        if name in sp.NAMED_FUNCTIONS_OF_OTHERS:
            self.refuse(
                f"{name}(...) is {sp.NAMED_FUNCTIONS_OF_OTHERS[name]}, which derive does not know, or {name} times "
                f"(...): write {name}*(...) (or {name} (...)) for the product",
                token,
            )
        if name in sp.FUNCTION_LETTERS:
            self.refuse(
                f"{name}(...) is a function that is not defined here: write its definition, {name}(x) = ..., "
                f"or {name}*(...) for a product",
                token,
            )
        if len(name) > 1 and name not in sp.GREEK_NAMES and "_" not in name and self.split(name) is None:
            raise self.build.unknown(name, where(self.text, token.column))

    def _refuse_spelled_letters(self, token: Token) -> None:
        """LaTeX letters written together that spell a function (tanh without its backslash): refused."""
        previous = self.tokens[self.at - 1] if self.at else None
        if previous is not None and previous.letter and previous.column == token.column - 1 and not token.spaced:
            return  # not the first letter of its run
        run, i = token.text, self.at + 1
        while (
            self.tokens[i].letter
            and self.tokens[i].column == self.tokens[i - 1].column + 1
            and not self.tokens[i].spaced
        ):
            run += self.tokens[i].text
            i += 1
        if len(run) > 1 and (self.build.function(run) is not None or run in sp.NAMED_FUNCTIONS_OF_OTHERS):
            self.refuse(
                f"in LaTeX {run} without a backslash is the letters {'·'.join(run)}: write \\{run} or "
                f"\\operatorname{{{run}}}",
                token,
            )

    def applied(self) -> bool:
        """Whether what follows is an argument (σ(z), σ z, σ^{-1}(x)), not an operator (2σ^2 + 1)."""
        if not self.is_op("^"):
            return self.starts_operand(allow_bar=True)
        at, tokens, bars = self.at, list(self.tokens), self.open_bars
        try:  # past the exponent: a bracket right after it is an argument (σ^{-1}(x)), else σ^2 is a power
            self.take()
            self.exponent()
            return self.is_op("(") and not self.token.spaced
        except ParseError:
            return False
        finally:
            self.at, self.tokens, self.open_bars = at, tokens, bars

    def _base(self, text: str, token: Token) -> Expr:
        if text.isdigit():
            return self.build.number(text)
        if len(text) == 1 and text.isalpha() or text in sp.GREEK_NAMES:  # log_b x, log_alpha x: a parameter
            return self.build.symbol(text)
        self.refuse(f"cannot read the base {text!r} of a logarithm: write log_b(x), log_2(x) or log(x)/log(b)", token)

    def application(self, token: Token, known: Known, base: Expr | None = None) -> Expr:
        if self.is_op("_"):  # \log_2 x, \log_{b}(x)
            self.take()
            base = self.primary()
            if known.name != "log":
                self.refuse(f"only a logarithm takes a base, not {token.text}", token)
        power = None
        if self.is_op("^"):  # sin^2 x is (sin x)^2; tan^{-1} x is arctan x
            self.take()
            power = self.exponent()
            if power == -1:
                inverse = self.build.inverse(known, token.text)
                if inverse is None:
                    self.refuse(f"derive knows no inverse of {token.text}: write (...)^-1 for the reciprocal", token)
                known, power = inverse, None
            elif power.is_Number and power.is_negative:
                self.fail(f"{token.text}^{power} is ambiguous: write (...)^{power} for a power of the value")
        if self.is_op(*_OPENING):
            args = self.arguments()
        elif self.starts_operand():
            args = [self.argument()]
        else:
            self.fail(f"{token.text} needs an argument")
        if base is not None:
            if len(args) != 1:
                self.fail("a logarithm to a base takes one argument")
            value = self.build.logarithm(args[0], base)
        else:
            value = self.build.call(known, args, token.text)
        return self.build.power(value, power) if power is not None else value

    def arguments(self) -> list[Expr]:
        """(a, b), [a, b], {a, b}: a function's arguments (LaTeX's \\exp{-z}, \\max\\{0, z\\})."""
        start = self.take()
        closing = _OPENING[start.text]
        args = [self.condition()]
        while self.is_op(","):
            self.take()
            args.append(self.condition())
        self.expect(closing, f"to close the arguments opened at column {start.column}")
        if start.text == "{" and len(args) == 1 and isinstance(args[0], sympy.Tuple):
            return list(args[0])  # \max{\left(a, b\right)}: the braces are a group around the brackets
        return args

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
        known = {w for w in [*self.build.known_words(), *sp.GREEK_NAMES, "e", self.build.var] if w.isalpha()}
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
        # ax, xe, axe: one letter of a product; s·o·f·t·max or m·a·x·o·u·t is a word derive does not know
        if sum(len(p) == 1 and p not in (self.build.var, "e") for p in pieces) > 1:
            return None
        return pieces

    def cases(self) -> Expr:
        """\\begin{cases} expression & condition \\\\ ... \\end{cases}, "otherwise" last; rows as documentation
        writes them: "x, & x > 0", "x & \\text{if } x > 0,", and an array's extra columns."""
        start = self.take()
        pieces = []
        while True:
            value = self.condition()
            if self.is_op(","):
                self.take()
            if self.token.kind != "cell":
                self.fail('expected "&" and a condition in a row of cases')
            while self.token.kind == "cell":
                self.take()
            if self.token.kind == "otherwise":
                self.take()
                when = sympy.true
            else:
                when = self.condition()
            while self.is_op(",", ".", ";"):
                self.take()
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
