"""The command line, through click's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import assert_equal_functions
from sympy import Derivative, Function, Symbol, simplify, sympify
from sympy.core.function import AppliedUndef

from derive import __version__, derive
from derive.cli import main
from derive.knowledge.functions import sigmoid

runner = CliRunner()


def test_version_and_help():
    assert runner.invoke(main, ["--version"]).output.strip().endswith(__version__)
    for flag in ("-h", "--help"):
        result = runner.invoke(main, [flag])
        assert result.exit_code == 0 and "steps" in result.output and "list" in result.output


def test_text_shows_rule_and_reason():
    out = runner.invoke(main, ["steps", "sigmoid"]).output
    assert "σ(z)" in out and "g′(z)" in out
    assert "[chain, power]" in out and "d/dz(1/u) = -1/u²·du/dz, with u = 1 + e^(-z)" in out
    assert "g(z)·(1 - g(z))" in out


def test_latex_is_an_align_fragment_or_a_document():
    frag = runner.invoke(main, ["steps", "tanh", "--format", "latex"]).output
    assert frag.startswith(r"\begin{align*}") and frag.strip().endswith(r"\end{align*}")
    assert frag.count(r"\\") == 5
    doc = runner.invoke(main, ["steps", "tanh", "--format", "latex", "--standalone"]).output
    assert r"\documentclass" in doc and r"\end{document}" in doc


def test_list_names_the_library():
    out = runner.invoke(main, ["list"]).output
    for name in ("sigmoid", "tanh", "softplus", "swish"):
        assert name in out


@pytest.mark.parametrize("target", ["sigmoid", "tanh", "softplus", "z*tanh(log(1+exp(z)))", "1/(1+exp(-a*z))"])
def test_json_reads_back(target):
    data = json.loads(runner.invoke(main, ["steps", target, "--format", "json"]).output)
    assert set(data) >= {"name", "variable", "definition", "derivative", "output_form", "steps"}
    z = Symbol(data["variable"])
    ns = {"sigmoid": sigmoid, "g": Function("g"), "Derivative": Derivative}
    definition = sympify(data["definition"], locals=ns)
    derivative = sympify(data["derivative"], locals=ns)
    assert simplify(derivative - definition.diff(z)) == 0
    for step in data["steps"]:
        assert set(step) >= {"quantity", "expr", "rule", "why", "latex"}
        value = sympify(step["expr"], locals=ns).subs(Function("g")(z), definition)
        value = value.replace(lambda e: isinstance(e, AppliedUndef), lambda e: definition).doit()
        assert_equal_functions(value, derivative if step["quantity"] == "g'" else definition, z)
    if data["output_form"] is not None:
        form = sympify(data["output_form"], locals=ns).subs(Function("g")(z), definition)
        assert_equal_functions(form, derivative, z)


def test_json_matches_python_api():
    data = json.loads(runner.invoke(main, ["steps", "sigmoid", "--format", "json"]).output)
    assert data == json.loads(derive("sigmoid").render("json")) == derive("sigmoid").to_dict()


BAD = [
    (["steps", "foo"], "unknown activation 'foo'"),
    (["steps", "sigmod"], "did you mean sigmoid?"),
    (["steps", "1/(1+"], 'cannot read it in "1/(1+" at column 6'),
    (["steps", "1/(1+e^-"], 'at column 9: expected a number, a name or "(" for the exponent'),
    (["steps", "x^2 + y^2"], "the expression uses x and y: choose the variable with --var"),
    (["steps", "sigmod(z)"], "unknown function 'sigmod' in \"sigmod(z)\" at column 1; did you mean sigmoid?"),
    (["steps", "3 + 4*pi"], "does not depend on the variable z"),
    (["steps", "a*b"], "does not depend on the variable z"),
    (["steps", "exp(z)", "--var", "x"], "does not depend on the variable x"),
    (["steps", "__import__('os').system('echo hacked')"], "the name '__import__' is not allowed"),
    (["steps", "z**z"], "cannot differentiate"),
    (["steps", "sigmoid", "--format", "pdf"], "Invalid value"),
]


@pytest.mark.parametrize("args, message", BAD)
def test_bad_input_is_one_line_exit_2(args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert message in result.stderr
    if "Invalid value" not in message:
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_python_m_and_console_script_agree():
    via_module = subprocess.run(
        [sys.executable, "-m", "derive", "steps", "sigmoid", "--format", "latex"], capture_output=True, text=True
    )
    assert via_module.returncode == 0
    assert via_module.stdout == runner.invoke(main, ["steps", "sigmoid", "--format", "latex"]).output
    bad = subprocess.run([sys.executable, "-m", "derive", "steps", "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
