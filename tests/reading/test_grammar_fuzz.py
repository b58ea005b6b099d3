"""Point 8 of issue 21: nothing breaks on the documented grammar.

Hypothesis draws 1,000 distinct trees of the grammar (every function the registry reads, the library's
names as functions, |.|, sign, the step, max and min, Piecewise with parameters), and each is derived:
a derivation, or a DeriveError in one line, never another exception.  The trees are drawn with a fixed
seed and derived by two processes (the machine's two cores; spawned, not forked: the suite has
loaded threaded libraries).
"""

from __future__ import annotations

import multiprocessing
import traceback
from concurrent.futures import ProcessPoolExecutor

from grammar_trees import expressions
from hypothesis import HealthCheck, given, settings

TREES = 1000


def outcome(text: str) -> tuple[str, str]:
    """("ok" | "refused" | "crashed", what): a crash carries its traceback's last lines."""
    from derive import DeriveError, derive

    try:
        derive(text)
        return "ok", ""
    except DeriveError as exc:
        message = str(exc)
        return ("refused", message) if message and "\n" not in message else ("crashed", f"bad message {message!r}")
    except Exception:  # noqa: BLE001 - what this test looks for
        return "crashed", "".join(traceback.format_exc().splitlines(keepends=True)[-4:])


def drawn_trees() -> list[str]:
    texts: list[str] = []

    @settings(
        max_examples=TREES * 3 // 2,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(expressions(2))
    def collect(text: str) -> None:
        texts.append(text)

    collect()
    return list(dict.fromkeys(texts))[:TREES]


def test_a_thousand_trees_derive_or_are_refused():
    trees = drawn_trees()
    assert len(trees) == TREES
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(outcome, trees, chunksize=20))
    crashed = [(text, what) for text, (kind, what) in zip(trees, results, strict=True) if kind == "crashed"]
    assert not crashed, crashed[:3]
    derived = sum(kind == "ok" for kind, _ in results)
    assert derived >= TREES * 3 // 4  # most trees derive; the rest are refused for a stated reason
