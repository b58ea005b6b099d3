"""Finding F with g' = F(g): each method in turn, every candidate checked at sample points.

``METHODS`` is the one list of search methods, tried in order, each a ``Method`` (its name, its
candidates, its bound) in a module of its own; a new method is a module and a line here.
"""

from __future__ import annotations

from sympy import Expr, Symbol

from derive.engine.compute import larger_than
from derive.knowledge.symbols import G
from derive.output_form import constant, elimination, inversion, kernel
from derive.output_form.display import display_candidates, simplicity
from derive.output_form.method import Method, OutputForm
from derive.output_form.sampling import holds, sample
from derive.proof import prover

METHODS: tuple[Method, ...] = (constant.METHOD, kernel.METHOD, elimination.METHOD, inversion.METHOD)


def find_output_form(
    body: Expr,
    derivative: Expr,
    var: Symbol,
    interval: tuple[float, float] = (-3.0, 3.0),
    methods: tuple[str, ...] | None = None,
    within: tuple[float, float] | None = None,
) -> OutputForm | None:
    """F with derivative = F(body), or None when no method finds one: sampled on ``interval``, proved
    on ``within`` (a piecewise function's branch: its interval) or else on the whole line."""
    samples = sample(body, derivative, var, interval)
    for method in METHODS:
        if methods is not None and method.name not in methods:
            continue
        if larger_than(body, method.max_nodes) or larger_than(derivative, method.max_nodes):
            continue
        found = method.candidates(body, derivative, var)
        for candidate in found:
            if not holds(candidate, samples):
                continue
            # the shortest way of writing F that still equals g' (tried shortest first: an expanded
            # product can be a thousand times longer, and sampling it costs as much)
            ways = sorted(display_candidates(candidate), key=simplicity)
            chosen = next((w for w in ways if holds(w, samples)), candidate)
            # proved as its step will be: a root of a cubic (Cardano's) can be the right branch at the
            # sample points and another elsewhere; the proof is cached for the step
            if prover.prove_equal(chosen.subs(G, body), derivative, var, domain=body, within=within).ok:
                return OutputForm(chosen, method.name)
    return None
