"""Marking a derivation someone wrote by hand, line by line, as a teacher does.

``marking.mark(target, text)`` judges each line (``marking``), with the lines split by ``lines`` and a wrong
line's mistake named from the catalogue of ``mistakes``; ``render`` writes a marking in each of its formats,
which register themselves there.  This package imports nothing at its top: the CLI and the server list the
marking formats (``render.formats()``) without SymPy; ``derive.mark(...)`` is ``marking.mark``.
"""
