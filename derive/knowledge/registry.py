"""What derive knows about each function it reads, differentiates, inverts and prints: one entry each.

An entry gives the function's names (what the parser reads), its SymPy object, its derivative
rule (the rule's name, f'(u), where it holds), its inverse (for the output form's inversion and
for the checker), its names for the text and LaTeX printers, its names in NumPy, PyTorch and
JAX code, and what the PyTorch backward writer may do with it (run it in place, leave a piece of
it unmasked where it is exactly 0 at 0).  The parser's whitelist, the rule table, the inverses,
the printers and the in-place writer all read this table; adding a function is one entry here
(and its test).

A function's reason is not written here: it is derived from ``derivative`` (d/du f(u) = f'(u)), so
what a rule computes and what it says cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import sympy
from sympy import Expr, Ne, S
from sympy.codegen.cfunctions import expm1, log1p

from derive.knowledge.functions import cbrt, erfc, logit, sigmoid, softplus


@dataclass(frozen=True)
class KnownFunction:
    """One function derive knows."""

    name: str
    function: Callable[..., Expr]  # the SymPy class (sqrt: a function that builds a power)
    names: tuple[str, ...] = ()  # what the parser reads; empty: printed only (sech from simplify)
    rule: str | None = None  # the name of its derivative rule; None: handled by another rule (sqrt, Max)
    derivative: Callable[[Expr], Expr] | None = None  # f'(u)
    condition: Callable[[Expr], Expr] | None = None  # where f'(u) holds, when not everywhere (u ≠ 0)
    inverse: type | None = None  # one-to-one on its real domain: f⁻¹ on the range (derive peels through it)
    text: str | None = None  # its name in text, when not the SymPy name (σ)
    latex: str | None = None  # its LaTeX name, when not SymPy's \name
    sympy_prints: bool = False  # printed by SymPy's own printer (Max, Piecewise-like notation)
    by_pieces: str | None = None  # defined piece by piece: "corners" (|u|, max) or "jumps" (sign, H(u))
    numpy: str | None = None
    torch: str | None = None
    jax: str | None = None
    arc: str | None = None  # the entry that f^{-1} names in notation (tan^{-1} is atan), when f has one
    read_as: Callable[[Expr], Expr] | None = None  # the formula the parser writes for it (log1p(u): log(1 + u))
    spelled: tuple[tuple[str, str], ...] = ()  # (a name, the line that says how it was read: "θ(u) as the step")
    # what the torch backward writer (derive.backward.in_place) may do with it:
    in_place: bool = False  # its torch function is also a tensor method with an in-place variant (t.exp_())
    zero_at_zero: bool = False  # f(0) is exactly 0 in floating point too: a piece of it clamped to 0 needs no mask


def _fdiff(f: type) -> Callable[[Expr], Expr]:
    """f'(u) from the class's own fdiff: for the functions derive defines, written once there."""
    return lambda u: f(u).fdiff()


def _nonzero(u: Expr) -> Expr:
    return Ne(u, 0)


FUNCTIONS: tuple[KnownFunction, ...] = (
    KnownFunction(
        "exp",
        sympy.exp,
        ("exp",),
        "exponential",
        sympy.exp,
        inverse=sympy.log,
        numpy="numpy.exp",
        torch="torch.exp",
        jax="jax.numpy.exp",
        in_place=True,
    ),
    KnownFunction(
        "log",
        sympy.log,
        ("log", "ln"),
        "logarithm",
        lambda u: 1 / u,
        inverse=sympy.exp,
        latex=r"\log",
        numpy="numpy.log",
        torch="torch.log",
        jax="jax.numpy.log",
        in_place=True,
    ),
    KnownFunction("sqrt", sympy.sqrt, ("sqrt",), numpy="numpy.sqrt", torch="torch.sqrt", jax="jax.numpy.sqrt"),
    KnownFunction(
        "sigmoid",
        sigmoid,
        ("sigmoid", "sigma", "expit", "logistic"),
        "sigmoid",
        _fdiff(sigmoid),
        inverse=logit,
        text="σ",
        latex=r"\sigma",
        numpy="scipy.special.expit",
        torch="torch.sigmoid",
        jax="jax.nn.sigmoid",
        arc="logit",
        in_place=True,
    ),
    KnownFunction(
        "logit",
        logit,
        ("logit",),
        "logit",
        _fdiff(logit),
        text="logit",
        latex=r"\operatorname{logit}",
        numpy="scipy.special.logit",
        torch="torch.logit",
        jax="jax.scipy.special.logit",
        arc="sigmoid",
    ),
    # in code, e^u - 1 and log(1 + u) without cancellation near u = 0; read as the formulas they compute
    KnownFunction(
        "expm1",
        expm1,
        ("expm1",),
        text="expm1",
        numpy="numpy.expm1",
        torch="torch.expm1",
        jax="jax.numpy.expm1",
        read_as=lambda u: sympy.exp(u) - 1,
        spelled=(("expm1", "expm1(u) as e^u - 1"),),
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(
        "log1p",
        log1p,
        ("log1p",),
        text="log1p",
        numpy="numpy.log1p",
        torch="torch.log1p",
        jax="jax.numpy.log1p",
        read_as=lambda u: sympy.log(1 + u),
        spelled=(("log1p", "log1p(u) as log(1 + u)"),),
        in_place=True,
        zero_at_zero=True,
    ),
    # logarithms to a base, read as log(u)/log(b) (the parser reads log_b u and \log_{b} too)
    KnownFunction(
        "log2",
        lambda u: sympy.log(u, 2),
        ("log2",),
        numpy="numpy.log2",
        torch="torch.log2",
        jax="jax.numpy.log2",
        read_as=lambda u: sympy.log(u, 2),
        spelled=(("log2", "log2(u) as log(u)/log(2)"),),
    ),
    KnownFunction(
        "log10",
        lambda u: sympy.log(u, 10),
        ("log10",),
        numpy="numpy.log10",
        torch="torch.log10",
        jax="jax.numpy.log10",
        read_as=lambda u: sympy.log(u, 10),
        spelled=(("log10", "log10(u) as log(u)/log(10)"),),
    ),
    # the standard normal CDF and density, as papers write them (GELU is x·Φ(x)), read as their formulas
    KnownFunction(
        "normcdf",
        lambda u: (1 + sympy.erf(u / sympy.sqrt(2))) / 2,
        ("Phi", "normcdf", "ndtr"),
        numpy="scipy.special.ndtr",
        torch="torch.special.ndtr",
        jax="jax.scipy.special.ndtr",
        read_as=lambda u: (1 + sympy.erf(u / sympy.sqrt(2))) / 2,
        spelled=tuple(
            (n, "Φ(u) as the standard normal CDF, (1 + erf(u/sqrt(2)))/2") for n in ("Phi", "normcdf", "ndtr")
        ),
    ),
    KnownFunction(
        "normpdf",
        lambda u: sympy.exp(-(u**2) / 2) / sympy.sqrt(2 * sympy.pi),
        ("phi", "normpdf"),
        read_as=lambda u: sympy.exp(-(u**2) / 2) / sympy.sqrt(2 * sympy.pi),
        spelled=tuple((n, "φ(u) as the standard normal density, e^(-u^2/2)/sqrt(2π)") for n in ("phi", "normpdf")),
    ),
    # printed only, in code: 1 + erf(u) as erfc(-u), which keeps its digits where erf(u) is near -1
    KnownFunction(
        "erfc (for code)",
        erfc,
        text="erfc",
        latex=r"\operatorname{erfc}",
        numpy="scipy.special.erfc",
        torch="torch.erfc",
        jax="jax.scipy.special.erfc",
        in_place=True,
    ),
    # the real cube root (Cardano's formula; the printers set it as a radical, ∛u): what ∛u, \sqrt[3]{u},
    # numpy.cbrt and math.cbrt compute, below 0 too
    KnownFunction(
        "cbrt",
        cbrt,
        ("cbrt",),
        "cube root",
        lambda u: 1 / (3 * cbrt(u) ** 2),
        _nonzero,
        text="∛",
        latex=r"\sqrt[3]",
        numpy="numpy.cbrt",
        jax="jax.numpy.cbrt",
    ),
    KnownFunction(  # printed only: code's stable log(1 + e^u) (the parser's softplus is the library's)
        "softplus",
        softplus,
        text="softplus",
        latex=r"\operatorname{softplus}",
        jax="jax.nn.softplus",
    ),
    KnownFunction(
        "tanh",
        sympy.tanh,
        ("tanh",),
        "tanh",
        lambda u: 1 - sympy.tanh(u) ** 2,
        inverse=sympy.atanh,
        numpy="numpy.tanh",
        torch="torch.tanh",
        jax="jax.numpy.tanh",
        arc="atanh",
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(
        "sinh",
        sympy.sinh,
        ("sinh",),
        "sinh",
        sympy.cosh,
        inverse=sympy.asinh,
        numpy="numpy.sinh",
        torch="torch.sinh",
        jax="jax.numpy.sinh",
        arc="asinh",
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(
        "cosh",
        sympy.cosh,
        ("cosh",),
        "cosh",
        sympy.sinh,
        numpy="numpy.cosh",
        torch="torch.cosh",
        jax="jax.numpy.cosh",
        arc="acosh",
        in_place=True,
    ),
    KnownFunction(
        "sin",
        sympy.sin,
        ("sin",),
        "sine",
        sympy.cos,
        numpy="numpy.sin",
        torch="torch.sin",
        jax="jax.numpy.sin",
        arc="asin",
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(
        "cos",
        sympy.cos,
        ("cos",),
        "cosine",
        lambda u: -sympy.sin(u),
        numpy="numpy.cos",
        torch="torch.cos",
        jax="jax.numpy.cos",
        arc="acos",
        in_place=True,
    ),
    KnownFunction(
        "tan",
        sympy.tan,
        ("tan",),
        "tangent",
        lambda u: 1 + sympy.tan(u) ** 2,
        numpy="numpy.tan",
        torch="torch.tan",
        jax="jax.numpy.tan",
        arc="atan",
    ),
    # the reciprocal functions, as textbooks write them (SymPy's own classes, printed \sec, \operatorname{sech})
    KnownFunction("sec", sympy.sec, ("sec",), "secant", lambda u: sympy.sec(u) * sympy.tan(u)),
    KnownFunction("csc", sympy.csc, ("csc", "cosec"), "cosecant", lambda u: -sympy.csc(u) * sympy.cot(u)),
    KnownFunction("cot", sympy.cot, ("cot", "cotan"), "cotangent", lambda u: -1 - sympy.cot(u) ** 2),
    KnownFunction(
        "atan",
        sympy.atan,
        ("atan", "arctan"),
        "arctan",
        lambda u: 1 / (1 + u**2),
        inverse=sympy.tan,
        latex=r"\arctan",
        numpy="numpy.arctan",
        torch="torch.atan",
        jax="jax.numpy.arctan",
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(
        "asin",
        sympy.asin,
        ("asin", "arcsin"),
        "arcsin",
        lambda u: 1 / sympy.sqrt(1 - u**2),
        inverse=sympy.sin,
        latex=r"\arcsin",
        numpy="numpy.arcsin",
        torch="torch.asin",
        jax="jax.numpy.arcsin",
    ),
    KnownFunction(
        "acos",
        sympy.acos,
        ("acos", "arccos"),
        "arccos",
        lambda u: -1 / sympy.sqrt(1 - u**2),
        inverse=sympy.cos,
        latex=r"\arccos",
        numpy="numpy.arccos",
        torch="torch.acos",
        jax="jax.numpy.arccos",
    ),
    KnownFunction(
        "asinh",
        sympy.asinh,
        ("asinh", "arcsinh", "arsinh", "argsinh"),
        "arsinh",
        lambda u: 1 / sympy.sqrt(u**2 + 1),
        inverse=sympy.sinh,
        latex=r"\operatorname{arsinh}",
        numpy="numpy.arcsinh",
        torch="torch.asinh",
        jax="jax.numpy.arcsinh",
        zero_at_zero=True,
    ),
    KnownFunction(
        "atanh",
        sympy.atanh,
        ("atanh", "arctanh", "artanh", "argtanh"),
        "artanh",
        lambda u: 1 / (1 - u**2),
        inverse=sympy.tanh,
        latex=r"\operatorname{artanh}",
        numpy="numpy.arctanh",
        torch="torch.atanh",
        jax="jax.numpy.arctanh",
    ),
    KnownFunction(
        "acosh",
        sympy.acosh,
        ("acosh", "arccosh", "arcosh", "argcosh"),
        "arcosh",
        lambda u: 1 / sympy.sqrt(u**2 - 1),
        latex=r"\operatorname{arcosh}",
        numpy="numpy.arccosh",
        torch="torch.acosh",
        jax="jax.numpy.arccosh",
    ),
    KnownFunction(
        "erf",
        sympy.erf,
        ("erf",),
        "erf",
        lambda u: 2 / sympy.sqrt(sympy.pi) * sympy.exp(-(u**2)),
        inverse=sympy.erfinv,
        latex=r"\operatorname{erf}",
        arc="erfinv",
        numpy="scipy.special.erf",
        torch="torch.erf",
        jax="jax.scipy.special.erf",
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(  # SymPy's erfc (the printed-only one below keeps a negative argument for code)
        "erfc",
        sympy.erfc,
        ("erfc",),
        "erfc",
        lambda u: -2 / sympy.sqrt(sympy.pi) * sympy.exp(-(u**2)),
        latex=r"\operatorname{erfc}",
        numpy="scipy.special.erfc",
        torch="torch.erfc",
        jax="jax.scipy.special.erfc",
        in_place=True,
    ),
    KnownFunction(
        "Abs",
        sympy.Abs,
        ("Abs", "abs", "fabs"),
        "absolute value",
        sympy.sign,
        _nonzero,
        by_pieces="corners",
        numpy="numpy.abs",
        torch="torch.abs",
        jax="jax.numpy.abs",
        in_place=True,
        zero_at_zero=True,
    ),
    KnownFunction(
        "sign",
        sympy.sign,
        ("sign", "sgn", "signum"),
        "sign",
        lambda u: S.Zero,
        _nonzero,
        sympy_prints=True,
        by_pieces="jumps",
        numpy="numpy.sign",
        torch="torch.sign",
        jax="jax.numpy.sign",
    ),
    KnownFunction(
        "Heaviside",
        sympy.Heaviside,
        ("Heaviside", "heaviside", "theta"),
        "step",
        lambda u: S.Zero,
        _nonzero,
        sympy_prints=True,
        by_pieces="jumps",
        spelled=(("theta", "θ(u) as the Heaviside step H(u), as SymPy and physics write it"),),
        numpy="numpy.heaviside",
        torch="torch.heaviside",
        jax="jax.numpy.heaviside",
    ),
    # differentiated through their pieces (the piecewise rule), not by a derivative of their own
    KnownFunction(
        "Max",
        sympy.Max,
        ("Max", "max"),
        text="max",
        sympy_prints=True,
        by_pieces="corners",
        numpy="numpy.maximum",
        torch="torch.maximum",
        jax="jax.numpy.maximum",
    ),
    KnownFunction(
        "Min",
        sympy.Min,
        ("Min", "min"),
        text="min",
        sympy_prints=True,
        by_pieces="corners",
        numpy="numpy.minimum",
        torch="torch.minimum",
        jax="jax.numpy.minimum",
    ),
    # read, and printed where they appear in output forms (inverses, simplify's results)
    KnownFunction(
        "erfinv",
        sympy.erfinv,
        ("erfinv",),
        "erfinv",
        lambda u: sympy.sqrt(sympy.pi) / 2 * sympy.exp(sympy.erfinv(u) ** 2),
        inverse=sympy.erf,
        numpy="scipy.special.erfinv",
        torch="torch.erfinv",
        jax="jax.scipy.special.erfinv",
        arc="erf",
    ),
    KnownFunction(
        "sech", sympy.sech, ("sech",), "sech", lambda u: -sympy.sech(u) * sympy.tanh(u), latex=r"\operatorname{sech}"
    ),
    KnownFunction(
        "csch", sympy.csch, ("csch",), "csch", lambda u: -sympy.csch(u) * sympy.coth(u), latex=r"\operatorname{csch}"
    ),
    KnownFunction(
        "coth", sympy.coth, ("coth",), "coth", lambda u: 1 - sympy.coth(u) ** 2, latex=r"\operatorname{coth}"
    ),
    KnownFunction("DiracDelta", sympy.DiracDelta, sympy_prints=True),
)


def _give_code_names() -> None:
    """derive's own SymPy classes learn their PyTorch name from their entry, its one home: SymPy's
    PyTorch printer asks the class (functions cannot import this module, which imports them)."""
    for known in FUNCTIONS:
        if isinstance(known.function, type) and hasattr(known.function, "torch_name"):
            known.function.torch_name = known.torch


_give_code_names()


@cache
def by_name() -> dict[str, KnownFunction]:
    """Every name the parser reads, to its entry."""
    return {name: entry for entry in FUNCTIONS for name in entry.names}


@cache
def by_name_any_case() -> dict[str, KnownFunction]:
    """Every name the parser reads, in lower case; a Greek letter's name only as written (φ is not Φ)."""
    from derive.knowledge.spellings import GREEK_NAMES

    return {name.lower(): entry for name, entry in by_name().items() if name not in GREEK_NAMES}


@cache
def by_code_name() -> dict[str, KnownFunction]:
    """Every entry by its code names (numpy.tanh, torch.sigmoid, jax.nn.sigmoid): how code is read."""
    return {name: e for e in FUNCTIONS if e.names for name in (e.numpy, e.torch, e.jax) if name is not None}


@cache
def _by_function() -> dict[object, KnownFunction]:
    return {entry.function: entry for entry in FUNCTIONS}


def entry(func: object) -> KnownFunction | None:
    """The entry of a SymPy function class (tanh), or None when derive does not know it."""
    return _by_function().get(func)


def _class_name(e: KnownFunction) -> str:
    return getattr(e.function, "__name__", e.name)


@cache
def _by_class_name() -> dict[str, KnownFunction]:
    named = ((_class_name(e), e) for e in FUNCTIONS)
    return {name: e for name, e in named if name != "<lambda>"}


def entry_by_class_name(name: str) -> KnownFunction | None:
    """The entry whose SymPy object prints as ``name`` (exp, Abs, sigmoid), or None."""
    return _by_class_name().get(name)


def differentiable(func: object) -> KnownFunction | None:
    """The entry when it carries a derivative rule of its own."""
    found = entry(func)
    return found if found is not None and found.derivative is not None else None


@cache
def by_pieces(*kinds: str) -> tuple[type, ...]:
    """The functions defined piece by piece, of the given kinds (all by default): Abs, sign, Heaviside, Max, Min."""
    return tuple(e.function for e in FUNCTIONS if e.by_pieces is not None and (not kinds or e.by_pieces in kinds))


@cache
def inverses() -> dict[type, type]:
    """f -> f⁻¹ for the functions one-to-one on their real domain (the output form peels through these)."""
    return {e.function: e.inverse for e in FUNCTIONS if e.inverse is not None}


@cache
def inverse_pairs() -> dict[type, type]:
    """f⁻¹ -> f: f⁻¹(f(x)) = x for real x in f's domain (the checker cancels those SymPy leaves, atanh(tanh x))."""
    return {inv: f for f, inv in inverses().items()}


@cache
def in_place_methods() -> dict[str, str]:
    """SymPy's class name -> the torch function (and tensor method) that has an in-place variant: exp -> exp
    (``t.exp_()``), Abs -> abs."""
    return {_class_name(e): e.torch.rpartition(".")[2] for e in FUNCTIONS if e.in_place and e.torch is not None}


@cache
def zero_at_zero() -> frozenset[str]:
    """The class names of the functions exactly 0 at 0 in floating point (expm1, tanh, |u|)."""
    return frozenset(_class_name(e) for e in FUNCTIONS if e.zero_at_zero)
