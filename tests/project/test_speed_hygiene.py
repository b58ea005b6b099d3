"""What issue 6 asks of the code (no timings here: those are in bench/): lean imports, caches that change nothing."""

from __future__ import annotations

import subprocess
import sys

from helpers import commands_in_a_fresh_process

from derive import derive
from derive.pipeline import clear_caches


def test_steps_command_imports_only_what_it_needs():
    code = (
        "import sys\n"
        "from derive.cli import main\n"
        "try:\n"
        "    main(['steps', 'sigmoid', '--format', 'latex'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "unused = ['numpy', 'derive.proof.numerics', 'derive.render.tex', 'derive.render.pictures', 'derive.testing',\n"
        "          'hypothesis', 'derive.identity']\n"
        "print([m for m in unused if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_formats_are_listed_without_sympy():
    # the CLI builds its --format choices from the format registry before it knows what it will compute
    code = "import sys\nfrom derive import render\nprint(sorted(render.formats()), 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    from derive import render

    assert out.strip() == f"{sorted(render.formats())} False"
    assert {"beamer", "html", "json", "latex", "markdown", "reveal", "text"} <= set(render.formats())


def test_importing_derive_does_no_sympy_work():
    # an import builds no derivation: nothing of derive's in the caches until derive() runs
    code = (
        "from derive import output_form\nfrom derive.proof import prover\n"
        "print(output_form.analyse.cache_info().currsize, prover.prove_equal.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0"]


def test_caches_give_the_same_derivation():
    first = derive("tanh", order=2)
    again = derive("tanh", order=2)
    clear_caches()
    fresh = derive("tanh", order=2)
    for other in (again, fresh):
        assert [s.expr for s in other.steps] == [s.expr for s in first.steps]
        assert other.proofs == first.proofs and other.verdict == first.verdict


def test_version_and_help_do_not_load_sympy():
    result = commands_in_a_fresh_process([["--version"], ["-h"], ["steps", "-h"], ["cache"]])
    assert result.stderr.strip() == "False"
    assert "derive, version" in result.stdout and "Derive TARGET step by step" in result.stdout
