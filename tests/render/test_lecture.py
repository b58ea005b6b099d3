"""The lecture (Module 4.9), line by line: the CLI's JSON against a copy of its expected lines."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import normalise_latex

from derive.cli import main


@pytest.fixture(scope="module")
def cli_steps() -> dict[str, list[dict]]:
    runner = CliRunner()
    out = {}
    for name in ("sigmoid", "tanh"):
        result = runner.invoke(main, ["steps", name, "--format", "json"])
        assert result.exit_code == 0, result.output
        out[name] = json.loads(result.output)["steps"]
    return out


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
@pytest.mark.parametrize("line", range(6))
def test_line_matches_lecture(cli_steps, lecture, name, line):
    want = lecture["steps"][name][line]
    have = cli_steps[name][line]["latex"]
    assert normalise_latex(have) == normalise_latex(want)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_exactly_the_lecture_lines(cli_steps, lecture, name):
    assert len(cli_steps[name]) == len(lecture["steps"][name])
    starts = [s["latex"].split("=")[0].strip() for s in cli_steps[name] if not s["latex"].startswith("=")]
    assert starts == ["g(z)", "g'(z)"]
    assert [s["quantity"] for s in cli_steps[name]] == ["g", "g", "g'", "g'", "g'", "g'"]


def test_normalisation_is_the_lectures():
    assert normalise_latex(r"e^{- z}") == normalise_latex("e^{-z}")
    assert normalise_latex(r"\left(1 + e^{-z}\right)^{2}") == normalise_latex("(1 + e^{-z})^2")
    assert normalise_latex("e^{-z} + 1") != normalise_latex("1 + e^{-z}")


def test_no_lecture_line_is_stored_in_the_package(lecture):
    from pathlib import Path

    import derive

    package = Path(derive.__file__).parent
    source = "".join(p.read_text() for p in package.rglob("*.py"))
    flat = normalise_latex(source)
    for lines in lecture["steps"].values():
        for line in lines:
            body = line.lstrip("= ").split("= ", 1)[-1]
            if len(normalise_latex(body)) > 12:
                assert normalise_latex(body) not in flat, line
