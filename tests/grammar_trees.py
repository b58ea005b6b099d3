"""Random trees of derive's documented grammar, as text: the property tests' and the fuzz test's."""

from __future__ import annotations

from hypothesis import strategies as st

from derive.knowledge import registry
from derive.knowledge.activations import LIBRARY

FUNCTIONS = sorted(n for n, e in registry.by_name().items() if e.function not in registry.by_pieces() or n == "abs")
LEAVES = st.sampled_from(["z", "z", "2z", "-z", "a z", "z - a", "3", "1/2", "beta", "z^2"])


def expressions(depth: int) -> st.SearchStrategy[str]:
    """Trees over the grammar: every function of the registry, Max/Min/sign/Heaviside/|.|, Piecewise, library names."""
    if depth == 0:
        return LEAVES
    smaller = expressions(depth - 1)
    unary = st.sampled_from([f"{name}({{}})" for name in FUNCTIONS] + ["|{}|", "sign({})", "Heaviside({})"])
    library = st.sampled_from([f"{a.name}({{}})" for a in LIBRARY])
    binary = st.sampled_from(
        ["({}) + ({})", "({}) - ({})", "({})({})", "({})/(2 + ({})^2)", "Max({}, {})", "Min({}, {})"]
    )
    piecewise = st.builds(
        lambda u, v, c: f"Piecewise(({u}, z > {c}), ({v}, True))", smaller, smaller, st.sampled_from(["0", "a", "-1"])
    )
    return st.one_of(
        LEAVES,
        st.builds(lambda f, u: f.format(u), unary, smaller),
        st.builds(lambda f, u: f.format(u), library, smaller),
        st.builds(lambda f, u, v: f.format(u, v), binary, smaller, smaller),
        piecewise,
    )
