"""The project as a user meets it: style, the committed outputs, the README's commands."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the test extra")
def test_ruff_clean():
    r = subprocess.run(["ruff", "check", "derive", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
@pytest.mark.parametrize("fmt, suffix", [("json", "json"), ("latex", "tex")])
def test_committed_outputs_are_fresh(name, fmt, suffix):
    fresh = CliRunner().invoke(main, ["steps", name, "--format", fmt]).output
    committed = (ROOT / "outputs" / f"{name}.{suffix}").read_text()
    assert committed == fresh, f"outputs/{name}.{suffix} is stale: regenerate it (README, Outputs)"


def test_readme_opens_with_the_two_commands_and_shows_real_output():
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```sh\n")[1:3]
    assert blocks[0].startswith("python3 -m pip install . && derive steps sigmoid")
    assert blocks[1].startswith('python3 -m pip install -e ".[test]" && python3 -m pytest -q')
    assert "python3 -m pytest -q" in (ROOT / ".ci" / "run").read_text()
    shown = CliRunner().invoke(main, ["steps", "sigmoid"]).output
    assert shown in readme


def test_console_script_installed():
    exe = shutil.which("derive")
    assert exe is not None, "pip install gives a derive command"
    r = subprocess.run([exe, "steps", "sigmoid", "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0 and '"steps"' in r.stdout
