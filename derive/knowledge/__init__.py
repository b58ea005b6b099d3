"""What derive knows before it reads anything: the functions (``registry``: names, rules, inverses,
spellings), the SymPy classes it adds (``functions``), the library of activations (``activations``), the
symbols every stage shares (``symbols``), the letters and LaTeX commands of the readers (``spellings``),
and the names a JSON expression is read back with (``readback``).  It imports no other stage."""
