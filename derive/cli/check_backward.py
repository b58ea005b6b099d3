"""``derive check-backward FILE.py:NAME``: a hand-written backward pass proved right, or shown wrong at a point."""

from __future__ import annotations

import json
import sys

import click

from derive.cli import VAR, fail, main
from derive.errors import DeriveError


@main.command(name="check-backward")
@click.argument("target")
@click.option(
    "--backward", "backward", default=None, help="The def computing NAME's derivative (default: found by its name)."
)
@VAR
@click.option("--json", "as_json", is_flag=True, help="The verdict as JSON.")
def check_backward(target: str, backward: str | None, var: str | None, as_json: bool) -> None:
    """Prove the hand-written backward of TARGET (FILE.py:NAME: an autograd.Function, a jax.custom_vjp or custom_jvp
    function, a class with backward or gradient, or a def and its derivative NAME_grad, d_NAME, ...) equal to the
    derivative of its forward; exit status 0 when it is, 1 when it differs (a point, both values, the mistake)."""
    from derive.backward.check import check

    try:
        verdict = check(target, backward, var)
    except DeriveError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), indent=2))
    else:
        click.echo(verdict.report(), nl=False)
    sys.exit(0 if verdict.holds else 1)
