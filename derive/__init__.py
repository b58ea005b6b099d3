"""derive: differentiate activation functions step by step, as a teacher does at the board."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from derive.errors import (
    AmbiguousVariableError,
    CannotDifferentiateError,
    DeriveError,
    GaveUpError,
    NoVariableError,
    ParseError,
    StepCheckError,
    UnknownActivationError,
    UnknownFunctionError,
)

if TYPE_CHECKING:
    from derive.backward.check import check_backward
    from derive.identity import Identity, prove
    from derive.mark.marking import Marking, mark
    from derive.pipeline import Derivation, derive

__version__ = "0.1.0"

# Loaded on first use: they import SymPy (about 0.3 s), which `derive --version`, `derive -h`
# and an answer from the cache (derive.commands.cache) never need.
_LAZY = {
    "Derivation": "derive.pipeline",
    "derive": "derive.pipeline",
    "Identity": "derive.identity",
    "prove": "derive.identity",
    "json_locals": "derive.knowledge.readback",
    "mark": "derive.mark.marking",
    "Marking": "derive.mark.marking",
    "check_backward": "derive.backward.check",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "AmbiguousVariableError",
    "CannotDifferentiateError",
    "Derivation",
    "DeriveError",
    "GaveUpError",
    "NoVariableError",
    "ParseError",
    "StepCheckError",
    "UnknownActivationError",
    "UnknownFunctionError",
    "__version__",
    "derive",
    "Identity",
    "prove",
    "json_locals",
    "mark",
    "Marking",
    "check_backward",
]
