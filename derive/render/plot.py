"""Plots of g and g' (and of g' against g where an output form exists), drawn by matplotlib.

One figure per target, side by side: g(z) and g'(z) over a range of z chosen from where the
function changes, kinks marked; then g'(z) against g(z), with the output form F drawn as the curve
g' = F(g) over the range of g (the points (g(z), g'(z)) lie on it).  The format follows the file's
extension (PDF, SVG, PNG); the file is written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from derive.errors import DeriveError

FORMATS = {".pdf": "pdf", ".svg": "svg", ".png": "png"}
SAMPLES = 801
WIDEST = 12.0
"""The widest half-range of z drawn (ReLU's kink at 0 is drawn on [-3, 3]; σ on about [-7, 7])."""


def z_range(derivation: Any) -> tuple[float, float]:
    """Where g changes: the z where |g''| is above 1% of its largest value on [-WIDEST, WIDEST], and
    every kink, padded by a quarter; never narrower than [-3, 3]."""
    import numpy as np

    from derive.engine.compute import over_array

    z = derivation.variable
    values = _parameters(derivation)
    zs = np.linspace(-WIDEST, WIDEST, 2 * SAMPLES)
    second = over_array(derivation.derivative.diff(z).subs(values), z, zs)
    kinks = [float(k.at.subs(values)) for k in derivation.verdict.kinks]
    bending = np.where(np.isfinite(second), np.abs(second), 0.0)
    where = list(zs[bending > 0.01 * bending.max()]) if bending.max() > 0 else []
    lo, hi = min([*where, *kinks, -1.0]), max([*where, *kinks, 1.0])
    pad = 0.25 * (hi - lo)
    lo, hi = min(lo - pad, -3.0), max(hi + pad, 3.0)
    return max(lo, -WIDEST), min(hi, WIDEST)


def _parameters(derivation: Any) -> dict:
    return dict.fromkeys(derivation.function.body.free_symbols - {derivation.variable}, 1.0)


NARROW = (4.2, 3.3)
"""A panel's size in inches when the panels are stacked (``narrow``): a phone's width at the text's own size."""


def figure(derivations: Sequence[Any], narrow: bool = False):
    """A matplotlib figure: a row per derivation, g and g' in one panel, g' against g in the next (with
    ``narrow``, the panels one under the other, for a phone's width)."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    matplotlib.rcParams["svg.hashsalt"] = "derive"  # the SVG's ids the same on every run
    import matplotlib.pyplot as plt
    import numpy as np

    from derive.engine.board import board_form
    from derive.engine.compute import over_array
    from derive.knowledge.symbols import G
    from derive.render.printing.latex import board_latex
    from derive.render.printing.text import board_text

    rows = len(derivations)
    if narrow:
        fig, stacked = plt.subplots(2 * rows, 1, figsize=(NARROW[0], NARROW[1] * 2 * rows), squeeze=False)
        axes = [(stacked[2 * i][0], stacked[2 * i + 1][0]) for i in range(rows)]
    else:
        fig, axes = plt.subplots(rows, 2, figsize=(10, 3.6 * rows), squeeze=False)
    for (left, right), d in zip(axes, derivations, strict=True):
        z = d.variable
        values = _parameters(d)
        lo, hi = z_range(d)
        zs = np.linspace(lo, hi, SAMPLES)
        g = over_array(d.function.body.subs(values), z, zs)
        slope = over_array(d.derivative.subs(values), z, zs)
        name = board_latex(z)
        left.plot(zs, g, label=f"$g({name})$", color="tab:blue")
        left.plot(zs, slope, label=f"$g'({name})$", color="tab:orange")
        for kink in d.verdict.kinks:
            at = float(kink.at.subs(values))
            left.axvline(at, color="gray", linestyle=":", linewidth=1)
            left.plot([at], [float(d.function.body.subs(values).subs(z, at))], "o", color="tab:red", markersize=4)
        left.set_title(d.function.title)
        left.set_xlabel(f"${name}$")
        left.axhline(0, color="black", linewidth=0.5)
        left.legend(loc="best", fontsize="small")
        right.plot(g, slope, ".", markersize=2, color="tab:orange", label=f"$(g({name}), g'({name}))$")
        form = d.output_form
        if form is not None and not form.has(z):
            finite = g[np.isfinite(g)]
            gs = np.linspace(finite.min(), finite.max(), SAMPLES)
            curve = over_array(form.subs(values), G, gs)
            # in words, as the steps write it: matplotlib's mathtext has no cases environment
            label = f"g′ = {board_text(board_form(form.subs(values)))}"
            right.plot(gs, curve, color="tab:green", linewidth=1.5, label=label)
            right.set_title("g' against g: the output form")
        else:
            right.set_title("g' against g: no output form" if d.verdict.status == "none exists" else "g' against g")
        right.set_xlabel("$g$")
        right.set_ylabel("$g'$")
        right.legend(loc="best", fontsize="small")
    fig.tight_layout()
    return fig


def image(derivations: Sequence[Any], fmt: str, narrow: bool = False) -> bytes:
    """The figure as the bytes of a PDF, SVG or PNG file (PDF and SVG without a creation date)."""
    import matplotlib.pyplot as plt

    fig = figure(derivations, narrow)
    buffer = io.BytesIO()
    metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt)
    fig.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def write(derivations: Sequence[Any], path: str | Path) -> Path:
    """The plot written to path, in the format its extension names."""
    from derive.files import write_atomic_bytes

    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise DeriveError(f"{target}: a plot is a .pdf, .svg or .png file, not {target.suffix or 'no extension'}")
    return write_atomic_bytes(target, image(derivations, fmt))
