"""Finished answers kept on disk, so that a command asked again answers without loading SymPy.

Loading SymPy takes about 0.3 s and a first derivation in a new process about 0.1 s more (most of
it SymPy's own imports on first use); a script or a build step that regenerates the same output
pays that on every call.  An answer is a pure function of the command's arguments and of the
code that computes it, so it is stored under a key made of both: the arguments, and a
fingerprint of derive's source files (their bytes), SymPy's and mpmath's versions and Python's.
Any change to one of them is a different key; an entry that cannot be read, or whose stored
key is not the one asked for, is a miss, and the answer is computed again.

Where: ``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``.
Off: ``DERIVE_NO_CACHE=1`` or ``derive --no-cache``.  A cache that cannot be written (read-only,
out of space or inodes) is skipped silently: it only ever saves time.  Errors are never stored.
Bounded in entries and in bytes; the oldest go first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from derive.errors import DeriveError
from derive.files import write_atomic

MAX_ENTRIES = 2000  # about 10 MB for typical answers; the oldest go first
MAX_BYTES = 256 << 20  # and at most this on disk (a reveal deck is over a megabyte)
LARGEST = 8 << 20  # an answer larger than this is not kept
LARGE = 256 << 10  # an answer larger than this has the cache's bytes counted at once
PACKAGE = Path(__file__).resolve().parents[1]  # derive/: the fingerprint is of every source file of derive


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

    if len(answer) > LARGEST:
        return
    path, identity = _entry(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"id": identity, "answer": answer}, ensure_ascii=False))
        # the bytes are counted (a stat an entry) after a large answer, and after one store in 16 (the entry's
        # first hex digit), so that the disk stays within MAX_BYTES and a small answer costs no 2000 stats
        _prune(count_bytes=len(answer) > LARGE or path.name[0] == "0")
    except (OSError, DeriveError):  # write_atomic's OutputError: no space, no inode, no right to write
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


def _prune(count_bytes: bool = True) -> None:
    """The oldest entries removed until at most MAX_ENTRIES remain, in at most MAX_BYTES (counted only
    with ``count_bytes``)."""
    try:
        listing = [item for item in os.scandir(directory()) if item.name.endswith(".json") and len(item.name) == 69]
    except OSError:
        return
    if len(listing) <= MAX_ENTRIES and not count_bytes:
        return
    found = []
    for item in listing:
        try:
            stat = item.stat()
        except OSError:  # removed meanwhile by another process
            continue
        found.append((stat.st_mtime_ns, stat.st_size, item.path))
    total = sum(size for _, size, _ in found)
    if len(found) <= MAX_ENTRIES and total <= MAX_BYTES:
        return
    found.sort()
    count = len(found)
    for _, size, path in found:
        if count <= MAX_ENTRIES and total <= MAX_BYTES:
            break
        Path(path).unlink(missing_ok=True)
        count, total = count - 1, total - size
