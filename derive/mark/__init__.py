"""Marking a derivation someone wrote by hand, line by line, as a teacher does.

``marking.mark(target, text)`` judges each line (``marking``), with the lines split by ``lines`` and a wrong
line's mistake named from the catalogue of ``mistakes``; ``render`` writes a marking in each of its formats,
which register themselves there.  This package imports nothing at its top: the CLI and the server list the
marking formats (``render.formats()``) without SymPy; ``derive.mark(...)`` is ``marking.mark``.
"""

import sys
import types
from typing import Any


class _Package(types.ModuleType):
    """This package, callable as ``derive.mark(...)``: the name ``derive.mark`` is both the function of
    derive's API and this package, and Python binds the package to it once a module of it is imported."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from derive.mark.marking import mark

        return mark(*args, **kwargs)


sys.modules[__name__].__class__ = _Package
