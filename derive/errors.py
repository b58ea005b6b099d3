"""The errors `derive` raises: every one is a `DeriveError`, so callers catch one class."""

from __future__ import annotations


class DeriveError(Exception):
    """Base class: a message for the user, printed on one line by the CLI."""


class UnknownActivationError(DeriveError):
    """A bare name that is neither the variable nor a library activation."""


class ParseError(DeriveError):
    """Text that is not an expression the whitelist accepts."""


class NoVariableError(DeriveError):
    """An expression that does not depend on the variable."""


class CannotDifferentiateError(DeriveError):
    """An expression no rule of the engine handles."""


class StepCheckError(DeriveError):
    """A step that could not be proved equal to its quantity: a bug in the engine."""


class UnknownFunctionError(ParseError):
    """A name called as a function that derive does not know (with the nearest one it does)."""


class AmbiguousVariableError(DeriveError):
    """An expression in several names that could each be the variable, and no --var to choose."""


class GaveUpError(DeriveError):
    """The derivation ran past the safety limit (its work is bounded by sizes, so this is rare)."""
