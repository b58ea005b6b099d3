"""The on-disk cache of answers (derive.commands.cache): a repeat answers without SymPy, and never wrongly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.cli import main
from derive.commands import cache


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.delenv("DERIVE_NO_CACHE", raising=False)
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def counting(text: str):
    calls = []

    def compute() -> str:
        calls.append(1)
        return text

    return compute, calls


RUN = (
    "import sys\n"
    "from derive.cli import main\n"
    "try:\n"
    "    main(['steps', 'sigmoid', '--format', 'latex'], prog_name='derive')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('sympy loaded' if 'sympy' in sys.modules else 'sympy not loaded', file=sys.stderr)\n"
)


def run_steps(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN], capture_output=True, text=True, env=env, check=True)


def test_a_repeated_command_answers_from_the_cache_without_sympy(store):
    env = dict(os.environ)
    first, second = run_steps(env), run_steps(env)
    computed = run_steps(env | {"DERIVE_NO_CACHE": "1"})
    assert first.stderr.strip() == "sympy loaded"
    assert second.stderr.strip() == "sympy not loaded"
    assert second.stdout == first.stdout == computed.stdout
    assert r"g(z) \left(1 - g(z)\right)" in second.stdout


def test_each_argument_is_part_of_the_key(store):
    runner = CliRunner()
    outputs = {}
    for args in (["sigmoid"], ["tanh"], ["sigmoid", "--format", "latex"], ["sigmoid", "--order", "2"]):
        outputs[tuple(args)] = runner.invoke(main, ["steps", *args]).output
        assert runner.invoke(main, ["steps", *args]).output == outputs[tuple(args)]
    assert len(set(outputs.values())) == 4
    assert len(cache.entries()) == 4


def test_a_changed_fingerprint_is_a_miss(store, monkeypatch):
    compute, calls = counting("answer")
    assert cache.answer({"k": 1}, compute) == cache.answer({"k": 1}, compute) == "answer"
    assert len(calls) == 1
    monkeypatch.setattr(cache, "fingerprint", lambda: "another version of derive")
    cache.answer({"k": 1}, compute)
    assert len(calls) == 2


def test_the_fingerprint_is_of_every_source_file_of_derive():
    # not only of the commands' own folder: a changed rule, reader or format is another answer
    import derive

    assert cache.PACKAGE == Path(derive.__file__).resolve().parent


def test_the_fingerprint_follows_the_source_bytes(tmp_path, monkeypatch):
    (tmp_path / "rules.py").write_text("RULES = 1\n")
    monkeypatch.setattr(cache, "PACKAGE", tmp_path)
    cache.fingerprint.cache_clear()
    before = cache.fingerprint()
    (tmp_path / "rules.py").write_text("RULES = 2\n")
    cache.fingerprint.cache_clear()
    assert cache.fingerprint() != before
    cache.fingerprint.cache_clear()


@pytest.mark.parametrize("content", ["not json", json.dumps({"id": "someone else's key", "answer": "wrong"}), "{}"])
def test_an_unreadable_or_foreign_entry_is_a_miss(store, content):
    compute, calls = counting("right")
    cache.answer({"k": 2}, compute)
    [entry] = cache.entries()
    entry.write_text(content)
    assert cache.answer({"k": 2}, compute) == "right"
    assert len(calls) == 2


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.delenv("DERIVE_NO_CACHE", raising=False)
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    result = CliRunner().invoke(main, ["steps", "sigmoid"])
    assert result.exit_code == 0 and "g(z)·(1 - g(z))" in result.output


def test_errors_are_not_stored(store):
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["steps", "1/("])
        assert result.exit_code == 2 and "cannot read" in result.output
    assert cache.entries() == []


def test_no_cache_and_clear(store):
    runner = CliRunner()
    runner.invoke(main, ["steps", "sigmoid"])
    [entry] = cache.entries()
    entry.write_text(json.dumps({"id": json.loads(entry.read_text())["id"], "answer": "stale\n"}))
    assert runner.invoke(main, ["steps", "sigmoid"]).output == "stale\n"  # the entry is what answers
    assert "g(z)·(1 - g(z))" in runner.invoke(main, ["--no-cache", "steps", "sigmoid"]).output
    assert "1 entries" in runner.invoke(main, ["cache"]).output
    assert runner.invoke(main, ["cache", "--clear"]).output.startswith("removed 1 entries")
    assert cache.entries() == []
    assert "g(z)·(1 - g(z))" in runner.invoke(main, ["steps", "sigmoid"]).output


def test_the_oldest_entries_go_first(store, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for k in range(5):
        cache.store({"k": k}, f"answer {k}")
        os.utime(cache.entries()[0].parent / cache._entry({"k": k})[0].name, ns=(k * 10**9, k * 10**9))
    assert len(cache.entries()) == 3
    assert [cache.lookup({"k": k}) for k in range(5)] == [None, None, "answer 2", "answer 3", "answer 4"]
