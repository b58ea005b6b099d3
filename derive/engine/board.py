"""Board forms: SymPy expressions shaped the way a teacher writes them.

SymPy's canonical (evaluated) expressions reorder and merge their terms; the
board keeps the order it was written in.  A board form is an unevaluated
expression in which

- a sum lists its terms in order (for a converted canonical sum: SymPy's
  printing order, so ``1 + e^{-z}``, ``e^z - e^{-z}``);
- a negative quantity is ``Mul(-1, X)``: a negation;
- a quotient is ``Mul(N, Pow(D, -k))``: two factors, the numerator first;
- any other product lists its factors in the order they are written, a
  reciprocal ``Pow(D, -k)`` among them standing for ``1/D^k``;
- ``Group(X)`` is a bracket written around ``X`` for emphasis.

The printers in ``derive.render.printing`` print these shapes as they stand; the
helpers below classify them so that every printer reads them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sympy import Add, Derivative, Expr, Function, Integer, Mul, Piecewise, Pow, S, piecewise_fold


class Group(Function):  # noqa: N801
    """An explicit bracket on the board; mathematically the identity."""

    nargs = 1

    def doit(self, **hints) -> Expr:
        inner = self.args[0]
        return inner.doit(**hints) if hints.get("deep", True) else inner

    def _eval_evalf(self, prec):
        return self.args[0]._eval_evalf(prec)


# --- shapes ---------------------------------------------------------------


def is_reciprocal(e: Expr) -> bool:
    """``Pow(D, -k)`` with a negative number k: written 1/D^k."""
    return e.is_Pow and e.exp.is_Number and e.exp.is_negative


def as_negation(e: Expr) -> Expr | None:
    """X when e is the negation ``Mul(-1, X)``, else None."""
    if e.is_Mul and len(e.args) == 2 and e.args[0] == S.NegativeOne:
        return e.args[1]
    return None


def as_quotient(e: Expr) -> tuple[Expr, Expr] | None:
    """(numerator, denominator) when e is the quotient shape, else None."""
    if e.is_Mul and len(e.args) == 2:
        num, den = e.args
        if is_reciprocal(den) and not is_reciprocal(num) and as_negation(e) is None:
            return num, reciprocal_base(den)
    return None


def signed_terms(e: Expr) -> list[tuple[str, Expr]]:
    """A sum's terms as (sign, magnitude), in order: the sign is '+' or '-'."""
    out = []
    for term in e.args:
        negated = as_negation(term)
        if negated is None and term.is_Number and term.is_negative:
            negated = -term
        out.append(("-", negated) if negated is not None else ("+", term))
    return out


def join_signed(parts: list[tuple[str, str]]) -> str:
    """'a + b - c' from [('+', 'a'), ('+', 'b'), ('-', 'c')], a leading '+' left out."""
    return "".join(
        (sign if sign == "-" else "") + text if i == 0 else f" {sign} {text}" for i, (sign, text) in enumerate(parts)
    )


def reciprocal_base(e: Expr) -> Expr:
    """D^k for the reciprocal ``Pow(D, -k)``."""
    k = -e.exp
    return e.base if k == 1 else Pow(e.base, k, evaluate=False)


# --- building -------------------------------------------------------------


def neg(e: Expr) -> Expr:
    """The negation of a board expression, without evaluating it."""
    inner = as_negation(e)
    if inner is not None:
        return inner
    if e.is_Number:
        return -e
    return Mul(S.NegativeOne, e, evaluate=False)


def product(*factors: Expr) -> Expr:
    """An unevaluated product that drops factors of 1."""
    kept = [f for f in factors if f != S.One]
    if not kept:
        return S.One
    if len(kept) == 1:
        return kept[0]
    return Mul(*kept, evaluate=False)


def total(*terms: Expr) -> Expr:
    """An unevaluated sum that drops zero terms and splices nested sums."""
    kept: list[Expr] = []
    for t in terms:
        if t == S.Zero:
            continue
        kept.extend(t.args if t.is_Add else (t,))
    if not kept:
        return S.Zero
    if len(kept) == 1:
        return kept[0]
    return Add(*kept, evaluate=False)


def quotient(num: Expr, den: Expr, power: int = 1) -> Expr:
    """num / den^power in the quotient shape (1/den^power when num is 1)."""
    if den.is_Pow and not is_reciprocal(den) and den.exp.is_Integer:
        den, power = den.base, den.exp * power
    recip = Pow(den, -Integer(power), evaluate=False)
    return recip if num == S.One else Mul(num, recip, evaluate=False)


def board_form(e: Expr) -> Expr:
    """Convert a canonical SymPy expression into its board form."""
    if not e.args or isinstance(e, Derivative):
        return e
    if e.is_Add:
        terms = e.as_ordered_terms()
        if terms[0].could_extract_minus_sign():  # a positive term first, as people write: 1 - αg², not -αg² + 1
            first = next((t for t in terms if not t.could_extract_minus_sign()), None)
            if first is not None:
                terms = [first, *(t for t in terms if t is not first)]
        if terms[-1].is_Number and terms[-1].is_positive and not any(t.is_polynomial() for t in terms[:-1]):
            # beside functions a constant comes first, as in 1 + e^{-z} and 1 + βz(1 - σ(βz)); beside
            # powers of the variable it keeps its place in descending degrees (z² + 1, 4g² + 4g + 5)
            terms = [terms[-1], *terms[:-1]]
        return Add(*[board_form(t) for t in terms], evaluate=False)
    if e.is_Mul:
        return _board_mul(e)
    if e.is_Pow:
        base, ex = board_form(e.base), e.exp
        if ex.is_Number and ex.is_negative:
            return Pow(base, ex, evaluate=False)
        return Pow(base, board_form(ex), evaluate=False)
    if isinstance(e, Function):
        return e.func(*[board_form(a) for a in e.args], evaluate=False)
    return e.func(*[board_form(a) for a in e.args])


def _board_mul(e: Expr) -> Expr:
    coeff, rest = e.as_coeff_Mul()
    negative = coeff.is_negative
    coeff = abs(coeff)
    num: list[Expr] = []
    den: list[Expr] = []
    if coeff.is_Rational:
        if coeff.p != 1:
            num.append(Integer(coeff.p))
        if coeff.q != 1:
            den.append(Integer(coeff.q))
    elif coeff != 1:
        num.append(coeff)
    # as written by hand: numbers, then plain factors, then bracketed sums (g(1 - g))
    factors = sorted(rest.as_ordered_factors() if rest != 1 else (), key=lambda f: f.is_Add)
    for f in factors:
        if is_reciprocal(f):
            den.append(board_form(f.base) if f.exp == -1 else Pow(board_form(f.base), -f.exp, evaluate=False))
        else:
            num.append(board_form(f))
    numerator = product(*num)
    if not den:
        shaped = numerator
    elif len(den) == 1:
        shaped = quotient(numerator, den[0])
    else:
        shaped = quotient(numerator, Mul(*den, evaluate=False))
    return neg(shaped) if negative else shaped


# --- rewriting unevaluated expressions --------------------------------------


def rebuild(e: Expr, args: tuple) -> Expr:
    """e with new args, without evaluating e's own head."""
    if e.is_Add or e.is_Mul or e.is_Pow:
        return e.func(*args, evaluate=False)
    if isinstance(e, Function):
        return e.func(*args, evaluate=False)
    return e.func(*args)


def substitute(e: Expr, mapping: Mapping[Expr, Expr]) -> Expr:
    """Replace whole sub-expressions by ``mapping``, keeping the board shape."""
    if e in mapping:
        return mapping[e]
    if not e.args:
        return e
    args = tuple(substitute(a, mapping) for a in e.args)
    if all(a is b for a, b in zip(args, e.args, strict=True)):
        return e
    return rebuild(e, args)


def transform(e: Expr, visit: Callable[[Expr], Expr]) -> Expr:
    """Rebuild e bottom-up, applying ``visit`` to every rebuilt node.

    Each distinct sub-expression is visited once: a chain's lines repeat the same sub-trees
    many times (tanh∘softplus of depth 20 has 150,000 nodes and a few thousand distinct ones).
    """
    done: dict[Expr, Expr] = {}

    def walk(node: Expr) -> Expr:
        if node in done:
            return done[node]
        if not node.args or isinstance(node, Derivative):
            out = visit(node)
        else:
            args = tuple(walk(a) for a in node.args)
            out = visit(node if all(a is b for a, b in zip(args, node.args, strict=True)) else rebuild(node, args))
        done[node] = out
        return out

    return walk(e)


def merge_equal_factors(e: Expr) -> Expr:
    """In every product, write a factor repeated k times as its k-th power."""

    def visit(node: Expr) -> Expr:
        if not node.is_Mul or as_negation(node) is not None or as_quotient(node) is not None:
            return node
        counts: dict[Expr, int] = {}
        order: list[Expr] = []
        for f in node.args:
            if f not in counts:
                order.append(f)
            counts[f] = counts.get(f, 0) + 1
        if len(order) == len(node.args) or any(f.is_Number for f in order if counts[f] > 1):
            return node
        merged = [f if counts[f] == 1 else Pow(f, counts[f], evaluate=False) for f in order]
        # numbers first, as written by hand: z·2z is 2z², not z²·2
        return product(*[f for f in merged if f.is_Number], *[f for f in merged if not f.is_Number])

    return transform(e, visit)


def flatten_products(e: Expr) -> Expr:
    """Splice a plain sub-product into the product around it: a·(b·c) is written a·b·c."""

    def plain(f: Expr) -> bool:
        return f.is_Mul and as_negation(f) is None and as_quotient(f) is None

    def visit(node: Expr) -> Expr:
        if not plain(node) or not any(plain(f) for f in node.args):
            return node
        return product(*[g for f in node.args for g in (f.args if plain(f) else (f,))])

    return transform(e, visit)


def fold_double_negation(e: Expr) -> Expr:
    """-((-1) a b) is written a b, and -(-x) is written x."""

    def visit(node: Expr) -> Expr:
        inner = as_negation(node)
        if inner is None:
            return node
        if inner.is_Mul and inner.args[0] == S.NegativeOne:
            return product(*inner.args[1:])
        return neg(inner) if as_negation(inner) is not None else node

    return transform(e, visit)


def tidy(e: Expr) -> Expr:
    """The light clean-up after a substitution: no step of algebra, only of writing."""
    e = drop_settled_groups(e)
    e = fold_double_negation(flatten_products(e))
    return flatten_piecewise(merge_equal_factors(e))


def flatten_piecewise(e: Expr) -> Expr:
    """A Piecewise whose piece is a Piecewise written as one, a condition to a piece (no Piecewise in a Piecewise)."""
    if not e.has(Piecewise):
        return e

    def visit(node: Expr) -> Expr:
        if not isinstance(node, Piecewise) or not any(isinstance(p, Piecewise) for p, _ in node.args):
            return node
        if any(p.has(Derivative) for p, _ in node.args):
            return node  # still to be carried out: flattened when it is
        folded = piecewise_fold(Piecewise(*[(evaluate(p), c) for p, c in node.args]))
        if not isinstance(folded, Piecewise):
            return board_form(folded)
        return Piecewise(*[(board_form(p), c) for p, c in folded.args], evaluate=False)

    return transform(e, visit)


def drop_settled_groups(e: Expr) -> Expr:
    """Remove the brackets around what holds no unevaluated derivative any more."""

    def visit(node: Expr) -> Expr:
        if isinstance(node, Group) and not node.has(Derivative):
            return node.args[0]
        return node

    return transform(e, visit)


def strip_groups(e: Expr) -> Expr:
    """The same board expression with every Group bracket removed."""
    return transform(e, lambda n: n.args[0] if isinstance(n, Group) else n)


def evaluate(e: Expr) -> Expr:
    """The canonical SymPy value of a board expression (derivatives left as they are)."""

    def visit(node: Expr) -> Expr:
        if isinstance(node, Group):
            return node.args[0]
        if node.args and not isinstance(node, Derivative):
            return node.func(*node.args)
        return node

    return transform(e, visit)
