"""The tests' environment and the fixtures every folder shares (the helpers are in tests/helpers.py)."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile

import pytest
from helpers import LIBRARY_NAMES

# Every test computes its answers: no stored answer from an earlier run, or from the user's own
# cache, can stand in for the engine. tests/test_cache.py turns the cache on where it tests it.
os.environ["DERIVE_NO_CACHE"] = "1"
os.environ["DERIVE_CACHE_DIR"] = tempfile.mkdtemp(prefix="derive-test-cache-")


@pytest.fixture(scope="session")
def lecture() -> dict:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "data" / "lecture_expected.json").read_text())


@pytest.fixture(scope="session")
def plans():
    """Every library function's plan (each is proved and measured: about 30 s for the library)."""
    from derive.backward import plan

    return {name: plan(name) for name in LIBRARY_NAMES}


@pytest.fixture(scope="session")
def generated(plans, tmp_path_factory):
    """framework -> (the imported module, its path)."""
    from derive.backward import module_source

    out = {}
    folder = tmp_path_factory.mktemp("generated")
    for framework in ("torch", "jax", "numpy"):
        path = folder / f"derive_{framework}_backward.py"
        path.write_text(module_source(list(plans.values()), framework, f"derive backward --framework {framework}"))
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        out[framework] = (module, path)
    return out
