"""Benchmark and figures for `derive mark` on the corpus of derivations as people write them (issue 29).

Marks every derivation of tests/mark/corpus/*.txt (the corpus tests/mark/test_corpus.py checks) and prints:

1. the corpus: derivations, lines, functions, variables, derivations with a mistake;
2. the figures the issue asks for: derivations accepted (a right derivation with no line marked wrong),
   mistakes located (the mistake's line marked wrong, no line before it) and named (with the corpus's
   kind), lines not judged, false alarms (right lines marked wrong, with the derivations' ids), and
   derivations refused (a DeriveError instead of a marking);
3. per family of notation: derivations, false alarms, refused, lines, lines not judged;
4. timing per derivation: its first marking in this process (the derivation new to derive's caches, the
   process warm from the derivations before it), and warm (its median over the repeats after that); each
   as median, min, max and p99 over the corpus (target: p99 under 3 s).

Not a test: no timing is asserted. Run it with `python bench/mark_corpus.py [repeats]`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "mark"))

from test_corpus import ENTRIES, FAMILIES, NOT_JUDGED, RIGHT, WRONG, follows  # noqa: E402

from derive.errors import DeriveError  # noqa: E402
from derive.mark.marking import mark  # noqa: E402

P99_TARGET = 3.0


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(repeats: int = 3) -> None:
    functions = sorted({e.function for e in ENTRIES})
    variables = sorted({e.variable for e in ENTRIES})
    lines_written = sum(len([w for w in e.lines if w.strip()]) for e in ENTRIES)
    mistaken = [e for e in ENTRIES if e.mistake_line is not None]
    print(
        f"corpus: {len(ENTRIES)} derivations, {lines_written} written lines, {len(functions)} functions "
        f"({', '.join(functions)}), variables {', '.join(variables)}, {len(mistaken)} with one mistake"
    )

    times: dict[str, float] = {}
    firsts: dict[str, float] = {}
    results = {}
    errors: dict[str, str] = {}
    for entry in ENTRIES:
        start = time.perf_counter()
        try:
            results[entry.id] = mark(entry.target, entry.text)  # the first marking of each
            firsts[entry.id] = time.perf_counter() - start
        except DeriveError as exc:
            errors[entry.id] = f"{type(exc).__name__}: {exc}"
            continue
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            mark(entry.target, entry.text)
            samples.append(time.perf_counter() - start)
        times[entry.id] = statistics.median(samples)

    marked_lines = not_judged = 0
    false_alarms: dict[str, list[int]] = {}
    accepted = located = named = 0
    family_rows = {f: [0, 0, 0, 0, 0] for f in FAMILIES}  # derivations, false alarms, refused, lines, not judged
    for entry in ENTRIES:
        marking = results.get(entry.id)
        rows = [family_rows[f] for f in entry.families if f in family_rows]
        for row in rows:
            row[0] += 1
        if marking is None:
            for row in rows:
                row[2] += 1
            continue
        end = entry.mistake_line or len(entry.lines) + 1
        wrong_early = sorted({line.number for line in marking.lines if line.number < end and line.verdict == WRONG})
        unread = sum(line.verdict not in (RIGHT, WRONG) for line in marking.lines)
        marked_lines += len(marking.lines)
        not_judged += unread
        for row in rows:
            row[1] += bool(wrong_early)
            row[3] += len(marking.lines)
            row[4] += unread
        if wrong_early:
            false_alarms[entry.id] = wrong_early
        if entry.mistake_line is None:
            accepted += not wrong_early
            continue
        at = [line for line in marking.lines if line.number == entry.mistake_line and line.verdict == WRONG]
        if at and not wrong_early and not follows(at[0]):
            located += 1
            kind = at[0].mistake.kind if at[0].mistake is not None else None
            named += entry.mistake_kind is not None and kind == entry.mistake_kind
    right = len(ENTRIES) - len(mistaken)
    kinds = sum(e.mistake_kind is not None for e in mistaken)
    print(f"\nverdicts ({NOT_JUDGED!r} counts as not judged):")
    print(f"  right derivations accepted   {accepted:4d} of {right}")
    print(f"  mistakes located             {located:4d} of {len(mistaken)}")
    print(f"  mistakes named               {named:4d} of {kinds} that the corpus names")
    share = not_judged / marked_lines if marked_lines else 0.0
    print(f"  lines not judged             {not_judged:4d} of {marked_lines} ({share:.1%}; target under 3%)")
    print(f"  derivations with false alarms {len(false_alarms):3d}" + (" (target 0)" if false_alarms else ""))
    for ident, numbers in false_alarms.items():
        print(f"    {ident}: line {', '.join(map(str, numbers))}")
    if errors:
        print(f"  derivations refused          {len(errors):4d}")
        for ident, why in errors.items():
            print(f"    {ident}: {why[:110]}")

    print(f"\n{'family':<20} {'derivations':>11} {'false alarms':>12} {'refused':>7} {'lines':>6} {'not judged':>10}")
    for family, (n, fa, refused, lines, unread) in family_rows.items():
        print(f"{family:<20} {n:11d} {fa:12d} {refused:7d} {lines:6d} {unread:10d}")

    for label, table in (("first marking", firsts), (f"warm, median of {repeats}", times)):
        if not table:
            continue
        samples = list(table.values())
        p99 = percentile(samples, 99)
        slowest = max(table, key=table.get)
        print(
            f"{'' if label != 'first marking' else chr(10)}time per derivation, {label}: "
            f"median {statistics.median(samples) * 1e3:.1f} ms, min {min(samples) * 1e3:.1f} ms, "
            f"max {max(samples) * 1e3:.1f} ms ({slowest}), p99 {p99 * 1e3:.1f} ms: "
            + ("met" if p99 <= P99_TARGET else f"MISSED by {p99 / P99_TARGET:.2f}x (target p99 {P99_TARGET:g} s)")
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
