"""`derive backward`: a module to stdout or to a .py file, one line and status 2 for bad input."""

from __future__ import annotations

import importlib.util

import pytest
from click.testing import CliRunner

from derive.cli import main


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_module_written_to_a_file_imports_and_names_what_it_saves(tmp_path):
    out = tmp_path / "acts.py"
    r = CliRunner().invoke(
        main, ["backward", "sigmoid", "x*tanh(x)", "--name", "lisht_x", "--framework", "numpy", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert r.output == f"wrote {out}\n"
    module = _load(out)
    assert module.SAVES == {"sigmoid": "output", "lisht_x": "input"}
    y, saved = module.sigmoid(0.0)
    assert float(module.sigmoid_backward(1.0, saved)) == pytest.approx(0.25)


def test_without_output_the_module_goes_to_stdout():
    r = CliRunner().invoke(main, ["backward", "tanh", "--framework", "torch"])
    assert r.exit_code == 0
    assert "class TanhFunction(torch.autograd.Function):" in r.output
    assert 'FUNCTIONS = {"tanh": tanh}' in r.output


@pytest.mark.parametrize(
    "args, says",
    [
        (["backward", "x^2", "--framework", "jax"], "needs a Python name"),
        (["backward", "sigmoid", "--framework", "numpy", "-o", "{tmp}/acts.txt"], "must be a .py file"),
        (["backward", "sigmoid", "--name", "extra", "--framework", "numpy"], "--name more than"),
        (["backward", "sigmoid", "sigmoid", "--framework", "numpy"], "two targets are named sigmoid"),
        (["backward", "nosuch(x)", "--name", "f", "--framework", "numpy"], "nosuch"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, args, says):
    r = CliRunner().invoke(main, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert r.exit_code == 2
    assert says in r.output and r.output.count("\n") == 1, r.output
    assert list(tmp_path.iterdir()) == []  # nothing written
