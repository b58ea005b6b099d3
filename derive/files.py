"""Writing files atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from derive.errors import DeriveError


class OutputError(DeriveError):
    """A file that cannot be written."""


def write_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write text to path so that a failed run never leaves a half-written file."""
    return write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write bytes to path so that a failed run never leaves a half-written file."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a written output gets the usual mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_TARGET = re.compile(r"(?P<path>.+\.py):(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
"""A function of a Python file as a target: act.py:swish."""


def file_fingerprint(target: str) -> str | None:
    """A digest of the file a ``file.py:name`` target reads (None for other targets): the cache's key.
    Here, not in derive.reading.resolve: a command answered from the cache never loads SymPy."""
    found = FILE_TARGET.fullmatch(target.strip())
    if found is None:
        return None
    import hashlib

    try:
        return hashlib.sha256(Path(found["path"]).read_bytes()).hexdigest()
    except OSError:
        return None
