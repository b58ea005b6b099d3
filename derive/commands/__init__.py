"""What each command writes, as text: the CLI prints it and the web server (``derive serve``) sends it,
so that the two are the same bytes for the same input.  Each function computes; none prints."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from derive import render


def with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def steps_key(
    target: str, var: str | None, notation: str, fmt: str, standalone: bool, reasons: bool, order: int
) -> dict:
    """The cache's key for ``derive steps``: the CLI and the server share answers."""
    return {
        "command": "steps",
        "target": target,
        "var": var,
        "input": notation,
        "format": fmt,
        "standalone": standalone,
        "reasons": reasons,
        "order": order,
    }


def steps_output(
    target: str,
    var: str | None = None,
    notation: str = "auto",
    fmt: str = "text",
    standalone: bool = False,
    reasons: bool = False,
    order: int = 1,
    files: bool = True,
) -> str:
    """What ``derive steps`` prints."""
    from derive.pipeline import derive

    options: dict = {"standalone": True} if standalone else {}
    if reasons:
        options["reasons"] = True
    return with_newline(derive(target, var=var, order=order, notation=notation, files=files).render(fmt, **options))


def derivations(
    targets: Sequence[str], var: str | None, order: int, notation: str = "auto", files: bool = True
) -> list:
    from derive.pipeline import derive

    return [derive(t, var=var, order=order, notation=notation, files=files) for t in targets]


def slides_output(
    targets: Sequence[str],
    deck: str = "beamer",
    title: str | None = None,
    var: str | None = None,
    notation: str = "auto",
    order: int = 1,
    reasons: bool = False,
    aspect: str = "4:3",
    files: bool = True,
) -> str:
    """The deck ``derive slides`` writes (its .tex for Beamer, its .html for reveal.js), without plots."""
    items = derivations(targets, var, order, notation, files)
    if deck == "reveal":
        return render.render(items, "reveal", title=title, aspect=aspect)
    return render.render(items, "beamer", title=title, reasons=reasons, plots=None, aspect=aspect)


def backward_command(targets: Sequence[str], framework: str) -> str:
    """The command line a generated module says it was made by."""
    return " ".join(["derive backward", *(shlex.quote(t) for t in targets), "--framework", framework])


def backward_output(
    targets: Sequence[str],
    framework: str,
    names: Sequence[str] = (),
    var: str | None = None,
    notation: str = "auto",
    files: bool = True,
) -> str:
    """The module ``derive backward`` writes; ``names`` the Python names of the expression targets, in order."""
    from derive.backward import module_source, plan
    from derive.errors import DeriveError
    from derive.knowledge.activations import lookup

    given = list(names)
    plans = []
    for target in targets:
        name = None if lookup(target) is not None else (given.pop(0) if given else None)
        plans.append(plan(target, name, var, notation, files=files))
    if given:
        raise DeriveError(f"{len(given)} --name more than there are expression targets")
    return module_source(plans, framework, backward_command(targets, framework))


def prove_output(lhs: str, rhs: str, var: str | None = None, fmt: str = "text") -> tuple[str, bool]:
    """What ``derive prove`` prints, and whether the identity holds."""
    from derive.identity import prove

    identity = prove(lhs, rhs, var=var)
    return with_newline(identity.render(fmt)), identity.holds
