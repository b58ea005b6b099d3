"""The stages keep their layers (issue 28): import-linter's contracts of pyproject.toml hold on derive as it
is, and they do fail where a lower stage imports a higher one, where backward and mark meet, or where two
modules import each other."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint(cwd: Path) -> subprocess.CompletedProcess:
    """lint-imports from the running interpreter, with the configuration of ``cwd``'s pyproject.toml,
    on the derive package found there first."""
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_the_stages_keep_their_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, line, broken",
    [
        ("derive/engine/rules.py", "from derive.render import text", "a lower stage never imports a higher one"),
        ("derive/knowledge/symbols.py", "import derive.pipeline", "a lower stage never imports a higher one"),
        ("derive/backward/names.py", "from derive.mark import lines", "know nothing of each other"),
        ("derive/knowledge/functions.py", "from derive.knowledge import registry", "No import circles"),
    ],
)
def test_a_broken_layer_is_caught(tmp_path, module, line, broken):
    shutil.copytree(ROOT / "derive", tmp_path / "derive", ignore=shutil.ignore_patterns("__pycache__", "assets"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + "\n\n" + textwrap.dedent(f"def _late():\n    {line}\n"))
    result = lint(tmp_path)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
