"""A nested class as a file target, FILE.py:Outer.Inner, is read by every command, as check-backward
already read it (before, steps refused the ':' as an unexpected character)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sympy import Piecewise, Symbol

from derive import derive
from derive.cli import main

NESTED = """\
class Activations:
    class Clipped:
        @staticmethod
        def forward(x):
            return x * (x > 0)
"""


@pytest.fixture
def nested(tmp_path):
    path = tmp_path / "acts.py"
    path.write_text(NESTED, encoding="utf-8")
    return path


def test_a_nested_class_is_a_file_target(nested):
    d = derive(f"{nested}:Activations.Clipped")
    x = Symbol("x", real=True)
    body = d.function.body.subs(d.variable, x)
    for at in (-1.5, -0.25, 0.75, 2):
        assert body.subs(x, at) == Piecewise((x, x > 0), (0, True)).subs(x, at)


@pytest.mark.parametrize("command", ["steps", "check"])
def test_the_cli_reads_it(nested, command):
    result = CliRunner().invoke(main, [command, f"{nested}:Activations.Clipped"])
    assert result.exit_code == 0, result.stderr


def test_a_missing_nested_name_is_one_line(nested):
    result = CliRunner().invoke(main, ["steps", f"{nested}:Activations.Missing"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
