"""Backward passes from the output form: what to save, which formula to run, proved and measured.

``plan`` decides, per activation: save the output when an output form g' = F(g) exists (the
backward then needs only y = g(x), as PyTorch's sigmoid and tanh do), else the input; among the
equal ways of writing the gradient it takes the one that rounds best in float32, then float64
(derive.proof.numerics: 1 - y² and (1 - y)(1 + y) are equal, the second is exact to an ulp), never one
that divides by the output; and it proves the chosen formula equal to g'.  A framework module
(``torch_code``, ``jax_code``, ``numpy_code``) prints the plans as one importable module with
SymPy's code printer for its library; ``module_source`` picks it from the registry.

The frameworks are one table, ``FRAMEWORKS`` (``frameworks()``): the CLI's ``--framework`` choices, the web
API's ``framework`` parameter, the page's exports and docs/backward.md's table are built from it.  This module
imports no SymPy at its top (``plan`` and the framework modules load it): the CLI and the server list the
frameworks without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from derive.backward.names import FUNCTION_NAMES, clashes, defined, function_name_problem, parameter_names
from derive.errors import DeriveError

if TYPE_CHECKING:
    from sympy import Expr, Symbol

    from derive.knowledge.activations import Builtin
    from derive.proof import prover
    from derive.proof.numerics import Precision


@dataclass(frozen=True)
class Parameter:
    symbol: Symbol
    name: str  # its name in the code (derive.backward.names: lambda is lambda_, x is x_)
    default: float


@dataclass(frozen=True)
class Plan:
    """One activation's forward and backward, as data for a framework module to print."""

    name: str
    title: str
    variable: Symbol  # x in the code
    parameters: tuple[Parameter, ...]
    forward: Expr  # g(x), rewritten for floating point (derive.backward.stable)
    saves: str  # "output" or "input"
    gradient: Expr  # dg/dx: in G (the output y) when the output is saved, else in x
    form: Expr | None  # the output form F as derive writes it
    definition: Expr  # g as derive writes it
    derivative: Expr  # g'(x)
    condition: str  # when saving what is saved is valid
    proof: prover.Proof
    precision: tuple[Precision, ...]  # how the gradient's formula rounds, float32 and float64
    kept: tuple[Precision, ...] = ()  # from the output: against the true g'(x), what keeping y costs
    torch: Builtin | None = None  # PyTorch's own kernel for g, from the library's entry


def plan(
    target: str, name: str | None = None, var: str | None = None, notation: str = "auto", files: bool = True
) -> Plan:
    """The backward pass of one activation: a library name, or an expression with ``name``."""
    from sympy import Piecewise, diff
    from sympy.core.function import AppliedUndef

    from derive import derive
    from derive.backward.stable import stable, written_out
    from derive.engine.compute import factored
    from derive.knowledge import registry
    from derive.knowledge.activations import lookup
    from derive.knowledge.symbols import G
    from derive.proof import prover

    given = bool(name)  # --name, else the library's or the input's own name
    d = derive(target, var, notation=notation, files=files)
    function = d.function
    x = function.variable
    library = lookup(target) if isinstance(target, str) else None
    name = name or (library.name if library is not None else None)
    if name is None and function.symbol != "g":  # f(x) = ..., act.py:swish: the function's own name
        name = function.symbol
    if name is None:
        raise DeriveError(f"{target!r} needs a Python name: --name NAME ({FUNCTION_NAMES})")
    _check_function_name(name, target, given)
    defaults = dict(library.defaults) if library is not None else {}
    symbols = sorted(function.body.free_symbols - {x}, key=lambda s: s.name)
    parameters = tuple(
        Parameter(s, code, defaults.get(s.name, 1.0))
        for s, code in zip(symbols, parameter_names([s.name for s in symbols], defined(name)), strict=True)
    )
    values = {p.symbol: p.default for p in parameters}
    head = function.head
    known_head = head is not None and not isinstance(head, AppliedUndef) and registry.entry(type(head)) is not None
    forward = stable(head if known_head else function.body)
    form = d.output_form
    if form is not None:
        saves = "output"
        candidates = [form] if form.has(Piecewise) else _output_candidates(form)
        points = _outputs(function.body, x, values)
        chosen, precision = _best(candidates, G, points, values, stable(form))
        proof = prover.prove_equal(written_out(chosen).subs(G, function.body), d.derivative, x, domain=function.body)
        condition = _condition(parameters, form)
        kept = _kept(chosen, function.body, d.derivative, x, values)
    else:
        from derive.engine.simplest import simplest
        from derive.proof.numerics import grid

        saves = "input"
        # g' as derive ends it, and g' of the stable forward: x·σ(βx) gives σ(βx)(1 + βx(1 - σ(βx))), which
        # neither overflows nor cancels where the exponential form of the same g' does
        from_forward = diff(forward, x)
        ways = (simplest(d.derivative)[0], d.derivative, factored(d.derivative))
        ways += (from_forward, simplest(from_forward)[0])
        candidates = list(dict.fromkeys(stable(c) for c in ways))
        # measured against g' in its stable form: mpmath cancels too (GELU-tanh's 1 - tanh² is 0 at
        # x = -21 even at 200 digits, where g' is -6e-299)
        chosen, precision = _best(candidates, x, grid(), values, stable(d.derivative))
        proof = prover.prove_equal(written_out(chosen), d.derivative, x, domain=function.body)
        condition = "saving the input is valid for every input"
        kept = ()
    if not proof.ok:
        raise DeriveError(f"the backward formula of {name} could not be proved ({proof.detail}): a bug in derive")
    return Plan(
        name,
        function.title,
        x,
        parameters,
        forward,
        saves,
        chosen,
        form,
        function.body,
        d.derivative,
        condition,
        proof,
        precision,
        kept,
        library.torch if library is not None else None,
    )


def _check_function_name(name: str, target: str, given: bool) -> None:
    """A function's name is the user's choice: one the generated module cannot use is refused, in one line
    that says what is allowed (never renamed: the module's users call it by that name)."""
    problem = function_name_problem(name)
    if problem is None:
        return
    if given:
        raise DeriveError(f"--name {name!r} {problem}: {FUNCTION_NAMES}")
    raise DeriveError(
        f"{target!r} is named {name!r}, which {problem}: give it another with --name NAME ({FUNCTION_NAMES})"
    )


def _kept(gradient: Expr, body: Expr, derivative: Expr, x: Symbol, values: dict) -> tuple:
    """F at the rounded output against the true g'(x), over the grid, float32 and float64."""
    from derive.backward.stable import stable
    from derive.engine.compute import compiled
    from derive.knowledge.symbols import G
    from derive.proof.numerics import grid, through_output

    # both in their stable forms: mpmath's log(1 + e^x) at 50 digits is 0 for x < -115
    g = compiled(stable(body.subs(values)), x, "mpmath")
    slope = compiled(stable(derivative.subs(values)), x, "mpmath")
    form = gradient.subs(values)
    return through_output(form, G, g, slope, grid())


def _output_candidates(form: Expr) -> list[Expr]:
    """The equal ways of writing F, rewritten for floating point, none dividing by the output."""
    from derive.backward.stable import stable
    from derive.knowledge.symbols import G
    from derive.output_form.display import display_candidates

    ways = [stable(w) for w in (form, *display_candidates(form))]
    safe = [w for w in dict.fromkeys(ways) if not _divides_by(w, G)]
    return safe or [stable(form)]


def _divides_by(e: Expr, y: Symbol) -> bool:
    """Whether e divides by a power of y itself (y can be 0: ELU's, tanh's outputs are)."""
    from sympy import Pow

    return any(p.base == y and p.exp.is_negative for p in e.atoms(Pow))


def _outputs(body: Expr, x: Symbol, values: dict) -> list[float]:
    """g at the grid's points, exactly, where it is a finite real: the outputs a backward pass sees."""
    import mpmath

    from derive.engine.compute import compiled, real_at
    from derive.proof.numerics import DIGITS, grid

    with mpmath.workdps(DIGITS):
        g = compiled(body.subs(values), x, "mpmath")
        outputs = [real_at(g, mpmath.mpf(p)) for p in grid()]
    return [float(v) for v in outputs if v is not None and abs(v) < 1e300]


def _best(
    candidates: Sequence[Expr], arg: Symbol, points: list[float], values: dict, reference: Expr
) -> tuple[Expr, tuple]:
    """The candidate that rounds best: fewest inf/NaN, then least mean error in float32, then in float64;
    each measured against the exact values of ``reference`` (equal to all of them), computed once."""
    from sympy import count_ops

    from derive.proof.numerics import exact_at, formula_precision

    types = ("float32", "float64")
    exact = {t: exact_at(reference.subs(values), arg, points, t) for t in types}
    measured = []
    for c in candidates:
        precision = tuple(formula_precision(c.subs(values), arg, points, t, exact[t]) for t in types)
        f32, f64 = precision
        score = (f32.count_non_finite, f32.mean_relative_error, f64.count_non_finite, f64.mean_relative_error)
        measured.append((score, count_ops(c), c, precision))
    _, _, chosen, precision = min(measured, key=lambda m: (m[0], m[1]))
    return chosen, precision


def _condition(parameters: tuple[Parameter, ...], form: Expr) -> str:
    """When F(y) is g'(x): derive derives with positive parameters, so for those."""
    from sympy import Piecewise

    if not parameters:
        return "saving the output is valid for every input: g' = F(g) holds on the whole line"
    named = ", ".join(f"{p.name} > 0" for p in parameters)
    return (
        f"saving the output is valid for {named}: derive proved g' = F(g) for positive parameters "
        "(with a negative slope the output no longer tells the pieces apart)"
        if form.has(Piecewise)
        else f"saving the output is valid for {named}: derive proved g' = F(g) for positive parameters"
    )


@dataclass(frozen=True)
class Framework:
    """A library derive writes backward passes for, known without loading the module that writes them."""

    name: str  # the --framework choice and the web's framework parameter
    label: str  # the library's own name, for people (the page's exports)
    module: str  # the module of this package whose writer registers itself under ``name``


FRAMEWORKS: dict[str, Framework] = {
    f.name: f
    for f in (
        Framework("torch", "PyTorch", "torch_code"),
        Framework("jax", "JAX", "jax_code"),
        Framework("numpy", "NumPy", "numpy_code"),
    )
}
"""Every framework, by name, in the order they are listed."""


@dataclass(frozen=True)
class Writer:
    """What a framework module registers: what its module holds, and how it writes it."""

    name: str
    description: str
    write: Callable[[Sequence[Plan], str], str]  # the plans and the command line, to the module's source


_WRITERS: dict[str, Writer] = {}


def register(name: str, description: str) -> Callable:
    """Decorator: a framework module registers its ``write(plans, command)``."""

    def add(write: Callable[[Sequence[Plan], str], str]) -> Callable:
        _WRITERS[name] = Writer(name, description, write)
        return write

    return add


def frameworks() -> dict[str, Framework]:
    """Every framework, by name, in the order they are listed; no module of theirs is loaded."""
    return dict(FRAMEWORKS)


def writer(name: str) -> Writer:
    """The writer of the framework ``name``, loading its module (and SymPy)."""
    if name not in FRAMEWORKS:
        raise DeriveError(f"unknown framework {name!r}; known: {', '.join(FRAMEWORKS)}")
    importlib.import_module(f"derive.backward.{FRAMEWORKS[name].module}")
    return _WRITERS[name]


def module_source(plans: Sequence[Plan], name: str, command: str = "") -> str:
    """One importable module with every plan's functions, ``FUNCTIONS`` and ``SAVES``."""
    names = [p.name for p in plans]
    for n in names:  # plan() refuses these already; a Plan made by hand is refused here
        problem = function_name_problem(n)
        if problem is not None:
            raise DeriveError(f"the function name {n!r} {problem}: {FUNCTION_NAMES}")
    repeated = {n for n in names if names.count(n) > 1}
    if repeated:
        raise DeriveError(f"two targets are named {', '.join(sorted(repeated))}: give each its own --name")
    clash = clashes(names)
    if clash is not None:
        first, second, both = clash
        raise DeriveError(f"{first} and {second} would both define {both} in the module: give one another --name")
    taken = {each for n in names for each in defined(n)}
    return writer(name).write([with_parameter_names(p, taken) for p in plans], command)


def with_parameter_names(plan: Plan, taken: Iterable[str]) -> Plan:
    """The plan with its parameters renamed where they would be one of ``taken``: the names every
    function of the module defines (a parameter is no other function's name either)."""
    names = parameter_names([p.symbol.name for p in plan.parameters], taken)
    if names == [p.name for p in plan.parameters]:
        return plan
    parameters = tuple(replace(p, name=n) for p, n in zip(plan.parameters, names, strict=True))
    condition = _condition(parameters, plan.form) if plan.saves == "output" else plan.condition
    return replace(plan, parameters=parameters, condition=condition)
