"""From a derivation tree to the lines on the board.

A step says which quantity it equals (``g``, ``g'``, ``g''``, ...), the board
expression of its right-hand side (unevaluated ``Derivative`` where it still
shows d/dz), the rules applied, and why (a ``Reason``: words with mathematical
slots, which each format prints in its own way).

The derivative's lines come from the tree level by level, as a teacher works:
the first line applies the top rule with the inner derivatives still written
d/dz(u); each next line replaces every such d/dz(u) by what its own rule
gives: its value at once when the teacher would write it down at once
(``Rule.immediate``: sums and constant multiples of functions of a z + b),
except a composition f(u) whose derivative is the step itself: its line shows the chain rule,
f'(u)·d/dz(u), and the next evaluates d/dz(u) (σ(3z) → σ(3z)(1 - σ(3z))·d/dz(3z) → ... · 3),
otherwise that rule's formula with its own inner derivatives left as d/dz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Derivative, Expr, Symbol

from derive.engine import board, piecewise
from derive.engine.compute import larger_than
from derive.engine.reasons import Reason, equation
from derive.engine.rules import ConstantMultipleRule, ConstantRule, OuterRule, Rule, VariableRule
from derive.engine.simplest import MOVES, SIMPLEST_MAX_NODES, improves, simplest
from derive.knowledge.symbols import quantity_name


@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``quantity = expr``."""

    quantity: str
    expr: Expr
    rules: tuple[str, ...]
    why: Reason
    proof: str | None = field(default=None, compare=False)

    @property
    def rule(self) -> str:
        """The rules applied, as one string."""
        return ", ".join(self.rules)


def derivative_steps(tree: Rule, order: int = 1) -> list[Step]:
    """The lines of d/dz of the tree's expression, from the top rule to the evaluated result."""
    quantity = quantity_name(order)
    pending: dict[Expr, Rule] = {}
    folded: list[str] = []
    first = tree.formula(_parts(tree, pending, folded)) if not _at_once(tree) else _value(tree)
    first = board.flatten_piecewise(first)
    steps = [Step(quantity, first, tuple(dict.fromkeys([*tree.rule_names, *folded])), tree.reason())]
    expr = first
    while pending:
        expanding, pending = pending, {}
        mapping = {}
        names: list[str] = []
        whys: list[Reason] = []
        for placeholder, rule in expanding.items():
            if _at_once(rule):
                mapping[placeholder] = _value(rule)
                whys.append(Reason.of("{rule}", rule=equation(placeholder, mapping[placeholder])))
                names.extend(n for r in rule.walk() for n in r.rule_names if n not in ("constant", "variable"))
            else:
                mapping[placeholder] = rule.formula(_parts(rule, pending, names))
                whys.append(rule.reason())
                names.extend(rule.rule_names)
        expr = board.tidy(board.substitute(expr, mapping))
        reason = Reason.of("evaluate the inner derivatives: {each}", each=Reason.join(whys))
        steps.append(Step(quantity, expr, tuple(dict.fromkeys(names)), reason))
    return steps


def _at_once(rule: Rule) -> bool:
    """Whether the rule's derivative is written down without a line of its own: never a chain rule itself."""
    return rule.immediate and not (isinstance(rule, OuterRule) and rule.chained)


def _parts(rule: Rule, pending: dict[Expr, Rule], folded: list[str]) -> list[Expr]:
    """The parts for a rule's formula: d/dz(u) placeholders, or the value of a trivial one; a constant
    multiple inside a sum or a product is written c·d/dz(u) at once (its rule's name in ``folded``)."""
    parts = []
    for child in rule.children():
        if isinstance(child, (ConstantRule, VariableRule)):
            parts.append(child.derivative)
        elif (
            isinstance(child, ConstantMultipleRule)
            and not isinstance(rule, ConstantMultipleRule)
            and not _at_once(child)
        ):
            placeholder = Derivative(child.inner.shown, child.var)
            pending[placeholder] = child.inner
            parts.append(child.formula([placeholder]))
            folded.append(child.name)
        else:
            placeholder = Derivative(child.shown, child.var)
            pending[placeholder] = child
            parts.append(placeholder)
    return parts


def _value(rule: Rule) -> Expr:
    return board.board_form(piecewise.interval_first(rule.derivative))


def simplest_steps(last: Step, derivative: Expr, thorough: bool) -> list[Step]:
    """The derivative's simplest form as one more line, when it is shorter than the last line.

    ``thorough`` (no output form follows) tries every move of derive.engine.simplest; before an output
    form only the cheap ones, so the lecture's lines run on to g(1 - g) as they are.
    """
    if larger_than(derivative, SIMPLEST_MAX_NODES):
        return []  # nothing is tried on so large a derivative: no need to measure the line either
    shortest, move = simplest(derivative, thorough)
    if not improves(shortest, last.expr, thorough):
        return []
    rule, says = MOVES[move]
    return [Step(last.quantity, board.board_form(shortest), (rule,), Reason(says))]


def without_repeats(lines: list[Step]) -> list[Step]:
    """The lines, a line that repeats the one before (the same quantity, written the same) left out."""
    out: list[Step] = []
    for line in lines:
        if out and out[-1].quantity == line.quantity and out[-1].expr == line.expr:
            continue
        out.append(line)
    return out


def definition_steps(head: Expr | None, body: Expr, var: Symbol) -> list[Step]:
    """g(z) = name(z), then = the written-out form (one line when they are the same)."""
    shown = board.board_form(body)
    steps = []
    if head is not None and head != body:
        steps.append(Step("g", head, ("definition",), Reason("the function, by name")))
        steps.append(Step("g", shown, ("definition",), Reason("written out in elementary functions")))
    else:
        steps.append(Step("g", shown, ("definition",), Reason("the function")))
    return steps
