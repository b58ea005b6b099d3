"""A request's parameters, checked as the CLI checks its arguments: text within the CLI's limits and valid
UTF-8, choices among the registries'.  No Starlette here: the job table (``derive.serve.jobs``) says how each
job parses its request with these, and the workers import that table too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import unquote_to_bytes

from derive.reading import MAX_LENGTH

MAX_TEXT = MAX_LENGTH  # the CLI's limit on an expression
MAX_QUERY = 64_000  # a query string, percent-encoded


class RefusedError(Exception):
    """Bad input: one line, a 4xx."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Query:
    """A GET request's parameters: ``raw`` the query string as sent, ``values`` as the server parsed it."""

    def __init__(self, raw: bytes, values: Mapping[str, str]) -> None:
        if len(raw) > MAX_QUERY:
            raise RefusedError(f"the query string is {len(raw)} bytes; the limit is {MAX_QUERY}", 414)
        for part in raw.split(b"&"):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                raise RefusedError("the query string is not valid UTF-8") from None
        self.values = dict(values)

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise RefusedError(f"the parameter {name} is missing")
            return None
        if len(value) > MAX_TEXT:
            raise RefusedError(f"{name} is {len(value)} characters long; the limit is {MAX_TEXT}", 413)
        return value

    def choice(self, name: str, choices: Sequence[str], default: str) -> str:
        value = self.values.get(name, default)
        if value not in choices:
            raise RefusedError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    def order(self) -> int:
        value = self.values.get("order", "1")
        if value not in ("1", "2", "3", "4"):
            raise RefusedError(f"order must be from 1 to 4, not {value!r}")
        return int(value)

    def flag(self, name: str) -> bool:
        return self.values.get(name, "0") in ("1", "true", "yes")
