"""The output form as lines on the board, at every order.

At order 1 the lecture's last two lines: g' written through the pieces of g = N/D (each factor
of F put over D, so 1 - g becomes (D - N)/D, the lecture's (1 + e^{-z} - 1)/(1 + e^{-z})), then
F(g(z)).  At order k > 1 the line above is differentiated as a function of g(z), whose derivative
F is known, and the result collected as a function of g.
"""

from __future__ import annotations

from sympy import Add, Derivative, Dummy, Expr, Function, Integer, Pow, S, Symbol, diff, expand

from derive.engine import board, rules
from derive.engine.compute import expanded_terms, larger_than
from derive.engine.reasons import Reason, equation
from derive.engine.steps import Step, derivative_steps
from derive.knowledge.symbols import G, g_function, in_g, quantity_name
from derive.output_form.display import display_form
from derive.output_form.method import OutputForm

_SLOPE, _F, _N, _D = Symbol("g'"), Function("F")(G), Symbol("N"), Symbol("D")
"""The notation of the reasons: g' = F(g), g = N/D."""


def output_steps(form: OutputForm, body: Expr, var: Symbol) -> list[Step]:
    """The lecture's last two lines: g' through the pieces of g, then F(g(z))."""
    quantity = quantity_name(1)
    shown_f = board.board_form(form.expr)
    steps = []
    pieces = _as_fraction(board.board_form(body))
    # only a g that is a fraction in z has pieces to write through (3·tanh(z/2)/2 is no N/D)
    if pieces is not None and pieces[1].has(var) and form.expr.is_polynomial(G):
        rearranged = _through_pieces(shown_f, *pieces)
        fraction = board.quotient(_N, _D)
        why = Reason.of("write the result through the pieces of {g}", g=equation(G, fraction))
        steps.append(Step(quantity, rearranged, ("rearrange",), why))
    why = Reason.of(
        "substitute {g} for its definition ({method} found {form})",
        g=g_function(var),
        method=form.method,
        form=equation(_SLOPE, _F),
    )
    steps.append(Step(quantity, shown_in_g(form.expr, var), ("output form",), why))
    return steps


def _as_fraction(shown: Expr) -> tuple[Expr, Expr] | None:
    """(N, D) when the written-out g is N/D."""
    quotient = board.as_quotient(shown)
    if quotient is not None:
        return quotient
    if board.is_reciprocal(shown) and shown.exp == -1:
        return S.One, shown.base
    return None


def _through_pieces(shown_f: Expr, num: Expr, den: Expr) -> Expr:
    """F with g = N/D put in: sums inside products over D^k, powers of g as N^k/D^k."""

    def put(e: Expr, in_product: bool) -> Expr:
        if e == G:
            return board.quotient(num, den)
        if e.is_Pow and e.base == G and e.exp.is_Integer and e.exp > 0:
            return board.quotient(_power(num, e.exp), den, int(e.exp))
        if e.is_Add and in_product and e.is_polynomial(G):
            return _over_denominator(e, num, den)
        if not e.args:
            return e
        inside = e.is_Mul and board.as_negation(e) is None
        return board.rebuild(e, tuple(put(a, inside) for a in e.args))

    return put(shown_f, False)


def _power(e: Expr, k: Integer) -> Expr:
    if k == 0:
        return S.One
    return e if k == 1 or e == S.One else Pow(e, k, evaluate=False)


def _over_denominator(poly: Expr, num: Expr, den: Expr) -> Expr:
    """Σ c_i g^{k_i} as one fraction over D^K, D's own terms written out where D stands alone."""
    terms = [board.evaluate(t).as_coeff_exponent(G) for t in poly.args]
    top = max(int(k) for _, k in terms)
    written: list[Expr] = []
    for coefficient, k in terms:
        c = coefficient.as_coeff_Mul()[0] if coefficient.is_Number else coefficient
        magnitude = board.product(
            *([] if abs(c) == 1 else [abs(c)]), _power(num, k) if k else S.One, _power(den, top - k)
        )
        if magnitude == den and den.is_Add and c > 0:
            written.extend(den.args)
        else:
            written.append(board.neg(magnitude) if c < 0 else magnitude)
    return board.quotient(Add(*written, evaluate=False), den, top)


EXPAND_MAX_NODES = 150
EXPAND_MAX_TERMS = 64
"""g^(k) = F_(k-1)'(g)·F(g) is expanded when it has at most this many nodes and would give at most this
many terms (the library's have under 60 nodes)."""


def higher_steps(
    k: int, previous: Expr, previous_form: Expr | None, first_form: Expr | None, var: Symbol
) -> tuple[list[Step], Expr, Expr | None]:
    """The lines of g^(k) from g^(k-1): through g when g' = F(g) is known, else in z."""
    g_of_var = g_function(var)
    quantity = quantity_name(k)
    if previous_form is not None:
        source = in_g(previous_form, var)
        known = {g_of_var: in_g(first_form, var)}
        why = Reason.of(
            "differentiate the line above; {g} is a function of {z} with {form}",
            g=g_of_var,
            z=var,
            form=equation(_SLOPE, _F),
        )
    else:
        source, known, why = previous, None, Reason("differentiate the line above")
    tree = rules.rule_tree(source, var, known)
    lines = [Step(quantity, Derivative(board.board_form(source), var), ("derivative",), why)]
    lines += derivative_steps(tree, order=k)
    form = None
    if previous_form is not None:
        real = Dummy("g", real=True)  # g is real: d|g|/dg = sign(g), not SymPy's complex form
        slope = diff(previous_form.subs(G, real), real).subs(real, G)
        product = slope * first_form
        # expanded only while small: a cubic's inverse (Cardano's cube roots, z(27 + z²)/(27 + 9z²)) expands
        # inside its radicals into hundreds of thousands of terms; there F' F stays a product
        small = not larger_than(product, EXPAND_MAX_NODES) and expanded_terms(product) <= EXPAND_MAX_TERMS
        form = display_form(expand(product) if small else product)
        shown = shown_in_g(form, var)
        if shown != lines[-1].expr:
            lines.append(Step(quantity, shown, ("collect",), Reason.of("collect the result as a function of {g}", g=G)))
    return lines, diff(previous, var), form


def shown_in_g(form: Expr, var: Symbol) -> Expr:
    """F(g(z)) on the board: F's board form with g(z) for g."""
    return board.substitute(board.board_form(form), {G: g_function(var)})
