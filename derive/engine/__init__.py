"""The steps at the board: the rule tree (``rules``: each differentiation rule a dataclass), the steps
it gives (``steps``), the forms lines are written in (``board``), their reasons (``reasons``), the
simplest form (``simplest``), piecewise functions (``piecewise``) and the algebra they share
(``compute``).  It imports only ``derive.knowledge`` and ``derive.errors``."""
