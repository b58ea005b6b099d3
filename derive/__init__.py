"""derive: differentiate activation functions step by step, as a teacher does at the board."""

from __future__ import annotations

from derive.errors import (
    CannotDifferentiateError,
    DeriveError,
    NoVariableError,
    ParseError,
    StepCheckError,
    UnknownActivationError,
)
from derive.pipeline import Derivation, derive
from derive.prove import Identity, prove

__version__ = "0.1.0"

__all__ = [
    "CannotDifferentiateError",
    "Derivation",
    "DeriveError",
    "NoVariableError",
    "ParseError",
    "StepCheckError",
    "UnknownActivationError",
    "__version__",
    "derive",
    "Identity",
    "prove",
]
