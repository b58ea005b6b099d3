"""Issue 28, point 5: no constant is written twice.  Every number the library's entries hold (a default such as
leaky ReLU's 0.01 or SELU's α and λ, a framework's keyword default such as softplus's threshold, a decimal of a
formula such as GELU's 0.044715) is written once in the stages that know activations: the knowledge, the
readers and the backward writer.  Small integers (ReLU6's 6, hard sigmoid's 3) and 1/2 are every formula's
and are not counted; numbers of other stages (a plot's margin of 0.25) are theirs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sympy import Rational, Symbol

from derive.knowledge.activations import LIBRARY

ROOT = Path(__file__).resolve().parents[2] / "derive"
STAGES = ("knowledge", "reading", "backward")
DECIMAL = re.compile(r"-?\d+\.\d+(e-?\d+)?")


def _written() -> dict[float, list[str]]:
    """Every number written in the stages' source as a float literal or a decimal string (Rational("0.044715")),
    by value, with where it is written (an int literal counts, a number of digits: not a constant's)."""
    found: dict[float, list[str]] = {}
    for stage in STAGES:
        for path in sorted((ROOT / stage).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
                    continue
                if isinstance(node.value, float):
                    value = node.value
                elif isinstance(node.value, str) and DECIMAL.fullmatch(node.value):
                    value = float(node.value)
                else:
                    continue
                found.setdefault(value, []).append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def _distinctive(value: float) -> bool:
    return abs(value) != 0.5 and (value != int(value) or abs(value) > 10)


def _decimal(r: Rational) -> bool:
    """A rational a source writes as a decimal: its denominator has no prime but 2 and 5."""
    q = int(r.q)
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def _held() -> dict[float, str]:
    """The numbers the library's entries hold, each with the entry that holds it."""
    z = Symbol("z", real=True)
    held: dict[float, str] = {}
    for entry in LIBRARY:
        values = [v for _, v in (*entry.defaults, *entry.constants, *(entry.case.at if entry.case else ()))]
        values += [k.default for s in entry.code for k in s.keywords]
        values += [a for form in entry.build(z) for a in form.atoms(Rational) if _decimal(a)]
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | float | Rational):
                continue
            if _distinctive(float(value)):
                held.setdefault(float(value), entry.name)
    return held


HELD = _held()


def test_the_library_holds_its_constants():
    selu = dict(next(a for a in LIBRARY if a.name == "selu").defaults)
    assert {selu["alpha"], selu["lambda"], 0.01, 0.044715, 20.0} <= set(HELD)


@pytest.mark.parametrize("value", sorted(HELD), ids=lambda v: f"{HELD[v]}-{v!r}")
def test_each_constant_is_written_once(value):
    where = _written().get(value, [])
    assert len(where) == 1, f"{value!r} ({HELD[value]}) is written {len(where)} times: {where}"
