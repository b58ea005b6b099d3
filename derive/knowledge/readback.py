"""Reading derive's JSON back into SymPy: ``sympify(s, locals=json_locals(variable))``.

derive's expression strings are SymPy syntax that means the same to ``sympify`` alone (a parameter
named as a SymPy object is written ``Symbol('beta', positive=True)``, the real cube root
``sign(u)*Abs(u)**(1/3)``: derive.render.printing.syntax), but plain sympify does not know derive's own
objects: σ and logit are derive's functions, g(z) is the function itself, the variable is real
and every other name a positive parameter.  ``json_locals`` gives sympify exactly derive's objects.
"""

from __future__ import annotations

import builtins
import keyword
from functools import cache

from sympy import Function

from derive.knowledge import registry
from derive.knowledge.functions import logit, sigmoid
from derive.knowledge.symbols import parameter, variable

_SYMPY_SYNTAX = frozenset(
    {
        "Piecewise", "Derivative", "E", "pi", "oo", "zoo", "nan", "Eq", "Ne", "Lt", "Le", "Gt", "Ge",
        "And", "Or", "Not", "Integer", "Rational", "Float", "Symbol", "Function", "Tuple", "true", "false",
    }
)  # fmt: skip
"""The SymPy names derive's strings use as SymPy means them (and sympify's own: Integer, Symbol, ...)."""


class _Names(dict):
    """derive's functions, g (or the function's own name), the variable; any other name a positive
    parameter (created on first use)."""

    def __init__(self, var: str, function: str) -> None:
        super().__init__(sigmoid=sigmoid, logit=logit, g=Function("g"), lamda=parameter("lambda"))
        self.update(_library_heads())  # softplus(z), ELU(z): the library's functions by name
        self[function] = Function(function)
        self[var] = variable(var)

    def _emitted(self, name: str) -> bool:  # also called as _Names._emitted(None, name): it uses no state
        return name in _SYMPY_SYNTAX or registry.entry_by_class_name(name) is not None

    def __contains__(self, name: object) -> bool:
        if dict.__contains__(self, name):
            return True
        return (
            isinstance(name, str)
            and name.isidentifier()
            and not keyword.iskeyword(name)
            and not hasattr(builtins, name)
            and not self._emitted(name)
        )

    def __missing__(self, name: str) -> object:
        if name not in self:
            raise KeyError(name)
        self[name] = parameter(name)
        return self[name]


def taken(name: str) -> bool:
    """Whether the JSON's strings use ``name`` for something of derive's own (sigmoid is σ, exp and Max are
    SymPy's functions, E Euler's number, lamda λ): a function of a file so named (``def sigmoid(input, eps)``)
    is called ``sigmoid_`` in every output, so that reading the JSON back never turns derive's σ into it."""
    return name in ("sigmoid", "logit", "lamda") or _Names._emitted(None, name) or keyword.iskeyword(name)


def own_name(name: str) -> str:
    """``name``, or ``name_`` (``name__`` ...) where that one is ``taken``."""
    while taken(name):
        name += "_"
    return name


@cache  # the library is fixed: built once, not at every json_locals()
def _library_heads() -> dict[str, object]:
    from sympy.core.function import AppliedUndef

    from derive.knowledge.activations import LIBRARY

    heads = (entry.build(variable("z"))[0] for entry in LIBRARY)
    return {head.func.__name__: head.func for head in heads if isinstance(head, AppliedUndef)}


def json_locals(variable_name: str = "z", function: str = "g") -> dict:
    """The names for ``sympify`` to read derive's JSON expressions back as derive's own objects:
    ``json_locals(data["variable"], data["function"])`` (the function's name, g unless it was defined
    with its own, f(x) = ...)."""
    return _Names(variable_name, function)
