"""What issue 6 asks of the code (no timings here: those are in bench/): lean imports, caches that change nothing."""

from __future__ import annotations

import subprocess
import sys

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
        "unused = ['numpy', 'derive.numerics', 'derive.tex', 'derive.pictures', 'derive.testing', 'hypothesis',\n"
        "          'derive.identity']\n"
        "print([m for m in unused if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_formats_are_listed_without_sympy():
    # the CLI builds its --format choices from the format registry before it knows what it will compute
    code = "import sys\nfrom derive import render\nprint(sorted(render.formats()), 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['beamer', 'html', 'json', 'latex', 'markdown', 'text'] False"


def test_importing_derive_does_no_sympy_work():
    # an import builds no derivation: nothing of derive's in the caches until derive() runs
    code = (
        "from derive import output_form, check\n"
        "print(output_form.analyse.cache_info().currsize, check.prove_equal.cache_info().currsize)"
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
    code = (
        "import sys\n"
        "from derive.cli import main\n"
        "for args in (['--version'], ['-h'], ['steps', '-h'], ['cache']):\n"
        "    try:\n"
        "        main(args, prog_name='derive')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('sympy' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "False"
    assert "derive, version" in result.stdout and "Derive TARGET step by step" in result.stdout


def test_time_budgets_hold_under_the_callers_own_alarm():
    # derive's budgets (a tactic's 2 s, the search's) used to be switched off while a caller's
    # timer ran: under the caller's alarm this derivation, 0.5 s alone, ran on for minutes
    code = (
        "import signal, time\n"
        "from derive import derive\n"
        "class Late(Exception): pass\n"
        "def late(*args): raise Late\n"
        "signal.signal(signal.SIGALRM, late)\n"
        "signal.setitimer(signal.ITIMER_REAL, 8)\n"
        "start = time.monotonic()\n"
        "derive('2*z + a*z/(2 + z**2) - z')\n"
        "spent, left = time.monotonic() - start, signal.getitimer(signal.ITIMER_REAL)[0]\n"
        "assert 0 < left and abs(left - (8 - spent)) < 0.5, (spent, left)\n"
        "assert signal.getsignal(signal.SIGALRM) is late\n"
        "print('the caller alarm is still set')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "the caller alarm is still set"
