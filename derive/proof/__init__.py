"""Proving two expressions equal (``prover``: ``prove_equal`` and its tactics, symbolic first, then
numbers at points drawn in every piece) and how formulas round in floating point (``numerics``): the
bottom every later stage may use."""
