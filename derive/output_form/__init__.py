"""The output form: g'(z) written as F(g(z)), found by an algorithm or proved impossible, shown as steps.

The stage reads top to bottom:

- ``verdict``: the answer (found, none exists, not found), piecewise functions branch by branch;
- ``witness``: the proof that none exists (two inputs, one output, two slopes);
- ``search``: the methods in order (``METHODS``), every candidate checked by ``sampling``;
- ``kernel``, ``elimination``, ``inversion``: one module per method, each a ``Method``;
- ``display``: the one policy for how F is written;
- ``steps``: the lines on the board, at every order.
"""

from derive.output_form.method import Method, OutputForm
from derive.output_form.search import METHODS, find_output_form
from derive.output_form.steps import higher_steps, output_steps, shown_in_g
from derive.output_form.verdict import Verdict, analyse

__all__ = [
    "METHODS",
    "Method",
    "OutputForm",
    "Verdict",
    "analyse",
    "find_output_form",
    "higher_steps",
    "output_steps",
    "shown_in_g",
]
