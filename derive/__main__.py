"""``python -m derive``: the same as the ``derive`` command."""

from derive.cli import main

main(prog_name="derive")
