"""Finished answers kept on disk, so that a command asked again answers without loading SymPy.

Loading SymPy takes about 0.3 s and a first derivation in a new process about 0.1 s more (most of
it SymPy's own imports on first use); a script or a build step that regenerates the same output
pays that on every call.  An answer is a pure function of the command's arguments and of the
code that computes it, so it is stored under a key made of both: the arguments, and a
fingerprint of derive's source files (their bytes), SymPy's and mpmath's versions and Python's.
Any change to one of them is a different key; an entry that cannot be read, or whose stored
key is not the one asked for, is a miss, and the answer is computed again.

Where: ``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``.
Off: ``DERIVE_NO_CACHE=1`` or ``derive --no-cache``.  A cache that cannot be written is
skipped silently: it only ever saves time.  Errors are never stored.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from derive.files import write_atomic

MAX_ENTRIES = 2000  # about 10 MB for typical answers; the oldest go first
PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    return os.environ.get("DERIVE_NO_CACHE", "") in ("", "0")


def directory() -> Path:
    if os.environ.get("DERIVE_CACHE_DIR"):
        return Path(os.environ["DERIVE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "derive"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of everything an answer depends on besides its arguments."""
    import hashlib  # here, not at the top: a command computed without the cache never needs it

    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    for module, file in (("sympy", "release.py"), ("mpmath", "__init__.py")):
        digest.update(_dependency_bytes(module, file))
    return digest.hexdigest()


def _dependency_bytes(module: str, file: str) -> bytes:
    import importlib.util

    # find_spec locates the package without importing it: importing SymPy is what we avoid.
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return module.encode() + b" missing"
    return (Path(spec.origin).parent / file).read_bytes()


def _entry(key: dict) -> tuple[Path, str]:
    import hashlib
    import json

    text = json.dumps({"key": key, "fingerprint": fingerprint()}, sort_keys=True)
    return directory() / f"{hashlib.sha256(text.encode()).hexdigest()}.json", text


def lookup(key: dict) -> str | None:
    """The stored answer for key, or None."""
    if not enabled():
        return None
    import json

    path, expected = _entry(key)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["id"] == expected and isinstance(stored["answer"], str):
            return stored["answer"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # absent, unreadable or not ours: a miss
    return None


def store(key: dict, answer: str) -> None:
    """Keep answer under key; never fails (a cache that cannot be written is skipped)."""
    if not enabled():
        return
    import json

    path, identity = _entry(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"id": identity, "answer": answer}, ensure_ascii=False))
        _prune()
    except OSError:
        pass


def answer(key: dict, compute: Callable[[], str], use: bool = True) -> str:
    """The stored answer for key, or compute() stored under it; use=False: just compute()."""
    found = lookup(key) if use else None
    if found is None:
        found = compute()
        if use:
            store(key, found)
    return found


def entries() -> list[Path]:
    try:
        return [p for p in directory().iterdir() if p.suffix == ".json" and len(p.stem) == 64]
    except OSError:
        return []


def clear() -> int:
    """Remove every entry; the number removed."""
    removed = 0
    for path in entries():
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def _prune() -> None:
    paths = entries()
    if len(paths) <= MAX_ENTRIES:
        return
    paths.sort(key=lambda p: p.stat().st_mtime_ns)
    for path in paths[: len(paths) - MAX_ENTRIES]:
        path.unlink(missing_ok=True)
