"""The notations a target may be written in, as people choose them: one table.

The CLI's ``--input`` choices, the web API's ``input`` parameter, the page's select and docs/input.md's
table are built from ``NOTATIONS``; ``derive.reading.detect`` checks a notation against it and ``read``
reads each.  No SymPy here: the CLI lists the notations before it knows whether it will compute.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notation:
    name: str  # the value of --input and of the web's input parameter
    label: str  # how the page's select names it
    description: str  # one line: what it reads (docs/input.md's table)


NOTATIONS: dict[str, Notation] = {
    n.name: n
    for n in (
        Notation(
            "auto",
            "auto",
            "LaTeX with a backslash, code with a module's name or a method, SymPy's pretty printing on several "
            "lines; else math",
        ),
        Notation("math", "math", "math notation and SymPy syntax: 1/(1+e^-z), x^2 sin x, f(x) = ..."),
        Notation("latex", "LaTeX", r"LaTeX: \tanh z, z \cdot \sigma(z), \frac{d}{dx} x^2"),
        Notation("code", "code", "a Python expression with PyTorch, NumPy, JAX or math: x * torch.sigmoid(x)"),
    )
}
"""Every notation a person may choose, by name, in the order they are listed; ``auto`` detects the others."""
