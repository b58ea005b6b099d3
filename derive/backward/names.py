"""The names a generated module gives its functions and parameters, and the text of its docstrings.

Whatever the input says, a generated module is code derive wrote: every function and parameter name
is an ASCII identifier that is no keyword, no builtin, no module the code uses, and none of the names
the writers emit themselves (``FUNCTIONS``, ``grad``, ``in_blocks``, ``_<name>_backward``, ...); and
no text from the input can leave the docstring it is put in (``docstring_text``).

A function's name is the user's choice (``--name``, a definition's f, a file's function): a name that
breaks these rules is refused, with what is allowed.  A parameter's name is what the input happened
to call it: it is renamed, deterministically (``_`` appended until free), and the function's
docstring says so.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable, Sequence

MODULES = frozenset({"functools", "math", "numpy", "jax", "jaxlib", "torch", "scipy", "np", "jnp"})
"""What the writers import (and SymPy's printers may), with the aliases a reader would take them for."""

MODULE_NAMES = frozenset({"FUNCTIONS", "SAVES", "BLOCK", "in_blocks"})
"""The module-level names every generated module (or the torch one) defines besides its functions."""

LOCALS = frozenset({"x", "y", "grad", "saved", "out", "ctx"})
"""The arguments and locals of the functions a parameter is an argument of (numpy_code, jax_code,
torch_code); ``in_blocks``' own locals are left out: no parameter is ever a name in its scope."""

TEMPORARY = re.compile(r"t[0-9]+")
"""The tensors a torch kernel makes (derive.backward.in_place: t0, t1, ...), which it also finds by name."""

CONTEXT_ATTRIBUTES = frozenset(
    {
        "apply",
        "apply_boxed",
        "apply_jvp",
        "dirty_tensors",
        "mark_dirty",
        "mark_non_differentiable",
        "mark_shared_storage",
        "materialize_grads",
        "maybe_clear_saved_tensors",
        "metadata",
        "name",
        "needs_input_grad",
        "next_functions",
        "non_differentiable",
        "register_hook",
        "register_prehook",
        "requires_grad",
        "save_for_backward",
        "save_for_forward",
        "saved_for_forward",
        "saved_tensors",
        "saved_variables",
        "set_materialize_grads",
        "to_save",
    }
)
"""PyTorch's own attributes of an autograd Function's ctx (2.x): the torch module keeps a parameter
the backward needs as ``ctx.<parameter>``, which must not overwrite one of them."""

BUILTINS = frozenset(dir(builtins))

_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

FUNCTION_NAMES = (
    "a function name is an ASCII letter or _, then ASCII letters, digits or _, and no Python keyword, "
    "builtin, __special__ name or name the generated module uses (x, y, grad, saved, out, ctx, "
    "FUNCTIONS, SAVES, in_blocks, numpy, torch, jax, ...)"
)
"""What --name allows, for the one line that refuses a name."""


def class_name(name: str) -> str:
    """The torch module's autograd Function for the function ``name``: hard_tanh's is HardTanhFunction."""
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def defined(name: str) -> tuple[str, ...]:
    """The module-level names a function called ``name`` brings into a generated module, in any of the
    three frameworks: itself, NumPy's twin, JAX's custom_vjp and its rules, torch's kernels and class."""
    return (
        name,
        f"{name}_backward",
        f"_{name}",
        f"_{name}_forward",
        f"_{name}_backward",
        class_name(name),
    )


def _reserved(name: str) -> str | None:
    """Why a name is none the generated module can use for a function or parameter; None if it can."""
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name in BUILTINS:
        return "is a Python builtin"
    if name in MODULES:
        return "is a module the generated code uses"
    if name in MODULE_NAMES or name in LOCALS or TEMPORARY.fullmatch(name):
        return "is a name the generated module uses"
    return None


def function_name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as a generated function's name ("is a Python keyword"), or None."""
    if not name.isidentifier():
        return "is not a Python name"
    if not _ASCII_NAME.fullmatch(name):
        return "is not ASCII"
    if name.startswith("__") and name.endswith("__"):
        return "is a __special__ name"
    return _reserved(name)


def clashes(names: Sequence[str]) -> tuple[str, str, str] | None:
    """(one function, another, the module-level name both would define) for the first two of ``names``
    whose functions would overwrite each other's (act and act_backward both define act_backward; a_b
    and A_b both ABFunction); None when there are none.  Equal names are the caller's to refuse."""
    owner: dict[str, str] = {}
    for name in names:
        for each in dict.fromkeys(defined(name)):
            if each in owner and owner[each] != name:
                return owner[each], name, each
            owner[each] = name
    return None


def _free(name: str, taken: set[str]) -> bool:
    return (
        bool(_ASCII_NAME.fullmatch(name))
        and not name.startswith("__")
        and _reserved(name) is None
        and name not in CONTEXT_ATTRIBUTES
        and name not in taken
    )


def _ascii(name: str) -> str:
    """``name`` in ASCII letters, digits and _: any other character as u<its code point> (é: u00e9)."""
    text = "".join(c if c.isascii() and (c.isalnum() or c == "_") else f"u{ord(c):04x}" for c in name)
    return text if text[:1].isalpha() or text[:1] == "_" else f"p{text}"


def parameter_names(names: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """The code's name for each of the parameters ``names`` (in order): the name itself where it is free,
    else its ASCII form with _ appended until it is free (class: class_, x: x_, é: u00e9); never one of
    ``taken`` (the module's functions and theirs), nor one another.  The names kept are claimed first,
    so that a renamed one cannot take a name the input uses (x and x_: x__ and x_)."""
    used = set(taken)
    kept = [name if _free(name, used) and name not in names[:i] else None for i, name in enumerate(names)]
    used.update(name for name in kept if name is not None)
    out = []
    for name, keep in zip(names, kept, strict=True):
        if keep is None:
            keep = _ascii(name)
            while not _free(keep, used):
                keep += "_"
            used.add(keep)
        out.append(keep)
    return out


def conventional(name: str, code: str) -> bool:
    """Whether ``code`` is ``name`` as any Python programmer writes it: itself, or a keyword with the
    trailing _ of PEP 8 (lambda_, which the readers read as λ): no note in the docstring for those."""
    return code == name or (keyword.iskeyword(name) and code == f"{name}_")


_QUOTED = {"\\": "\\\\", '"': '\\"'}


def docstring_text(text: str) -> str:
    """``text`` as it is written inside a "-quoted (and triple-quoted) string literal so that the string's
    value is ``text``: backslashes doubled, ``"`` as ``\\"`` and every character Python does not print
    (controls, line and paragraph separators, bidirectional overrides, NUL) as its escape.  No input
    can then end the docstring or the line, and text without those characters is left as it is."""
    return "".join(_QUOTED.get(c) or (c if c.isprintable() else _escape(c)) for c in text)


def _escape(c: str) -> str:
    code = ord(c)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
