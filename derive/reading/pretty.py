"""SymPy's pretty printing (``pretty(e, use_unicode=True)``, several lines) as one line of math notation.

What a SymPy session prints is a picture: exponents on the row above their base, fractions over a
bar of ``─``, tall brackets of ``⎛⎜⎝``, roots drawn with ``╲╱`` under a bar of ``_``, a piecewise
function's rows beside a brace of ``⎧⎨⎩``.  ``linear`` reads the picture back into the text the math
grammar reads (``derive.reading.grammar``), from left to right along its baseline, each structure by
the characters that draw it; it builds nothing and evaluates nothing.

The baseline is the row every item of the picture shares: where each run of columns without a
blank column between them (an item: ``z²``, ``+``, a fraction) has its first column drawn; a
fraction's bar when the picture is one fraction.
"""

from __future__ import annotations

import re

from derive.errors import ParseError

OPENERS = {"⎛": "⎞", "⎡": "⎤", "⎧": "⎫"}
PAREN_PARTS = {"⎛": "open", "⎜": "open", "⎝": "open", "⎞": "close", "⎟": "close", "⎠": "close",
               "⎡": "open", "⎢": "open", "⎣": "open", "⎤": "close", "⎥": "close", "⎦": "close"}  # fmt: skip
BRACE = set("⎧⎨⎩⎪")
BAR = "─"
_PIECE = re.compile(r"(?<=\s\s)(for\s|otherwise)")

MAX_ROWS = 400


class _Box:
    """A rectangle of the picture: rows of equal width."""

    def __init__(self, rows: list[str]) -> None:
        width = max((len(r) for r in rows), default=0)
        self.rows = [r.ljust(width) for r in rows]
        self.width = width
        self.height = len(rows)

    def column(self, c: int) -> str:
        return "".join(r[c] for r in self.rows)

    def blank_column(self, c: int) -> bool:
        return not self.column(c).strip()

    def filled(self, c: int) -> list[int]:
        return [i for i, r in enumerate(self.rows) if r[c] != " "]

    def lstripped(self) -> _Box:
        """Without its blank columns on the left (its rows as they are)."""
        left = min((len(r) - len(r.lstrip()) for r in self.rows if r.strip()), default=0)
        return _Box([r[left:] for r in self.rows])

    def part(self, top: int, bottom: int, left: int, right: int) -> _Box:
        """Rows top..bottom and columns left..right (inclusive), trimmed of blank rows and columns."""
        return _trimmed([r[left : right + 1] for r in self.rows[top : bottom + 1]])


def _trimmed(rows: list[str]) -> _Box:
    rows = [r.rstrip() for r in rows]
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and not rows[-1].strip():
        rows.pop()
    if not rows:
        return _Box([])
    left = min(len(r) - len(r.lstrip()) for r in rows if r.strip())
    return _Box([r[left:] for r in rows])


def linear(text: str) -> str:
    """The picture SymPy's pretty printer drew, as one line of math notation."""
    rows = _unwrapped(text.replace("\t", " ").split("\n"))
    if len(rows) > MAX_ROWS:
        raise ParseError(f"the picture has more than {MAX_ROWS} rows")
    box = _trimmed(rows)
    if not box.height:
        raise ParseError("the expression is empty")
    return _read(box)


def _unwrapped(rows: list[str]) -> list[str]:
    """A picture wider than the terminal, as SymPy wraps it: blocks of rows ending in ↪, the next block's
    rows beginning with ↪, a blank line between blocks; put side by side again."""
    if not any(r.rstrip().endswith("↪") for r in rows):
        return rows
    blocks: list[list[str]] = [[]]
    for row in rows:
        if row.strip():
            blocks[-1].append(row)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if len({len(b) for b in blocks}) != 1:
        raise ParseError("cannot read the wrapped picture: its parts have different heights")
    joined = []
    for parts in zip(*blocks, strict=True):
        line = ""
        for i, piece in enumerate(parts):
            if i:
                piece = piece[2:] if piece.startswith("↪ ") else piece.removeprefix("↪")
            if i < len(parts) - 1:
                piece = piece.rstrip("\r")
                piece = piece[:-2] if piece.endswith(" ↪") else piece.removesuffix("↪")
            line += piece
        joined.append(line)
    return joined


def _read(box: _Box) -> str:
    if box.height == 0:
        raise ParseError("cannot read an empty part of the picture")
    if box.height == 1:
        return box.rows[0].strip()
    base = _baseline(box)
    out: list[str] = []
    c = 0
    top = base  # the top row of the item before: what is wholly above it is its exponent
    while c < box.width:
        if box.blank_column(c):
            out.append(" ")
            c += 1
            continue
        rows = box.filled(c)
        chars = {box.rows[i][c] for i in rows}
        ch = box.rows[base][c]
        if max(rows) < top and out and out[-1] != " ":
            c = _exponent(box, c, top, out)
        elif ch == BAR:
            c, top = _fraction(box, c, base, out)
        elif PAREN_PARTS.get(ch) == "open":
            c, top = _bracketed(box, c, _extent(box, c, base, PAREN_PARTS), out)
        elif ch in BRACE:
            out.append(_piecewise(box, c, _extent(box, c, base, BRACE)))
            return "".join(out)
        elif ch == "│" and len(_extent(box, c, base, {"│"})) > 1:
            c, top = _bars(box, c, _extent(box, c, base, {"│"}), out)
        elif "╲" in chars:
            c, top = _root(box, c, out)
        elif ch == " ":
            raise ParseError(f"cannot read the picture at row {rows[0] + 1}, column {c + 1}: nothing on its baseline")
        else:
            out.append(ch)
            top = base
            c += 1
    return "".join(out).strip()


def _extent(box: _Box, c: int, base: int, parts: object) -> list[int]:
    """The rows of column c around the baseline drawn with ``parts`` (a tall bracket's pieces)."""
    top = bottom = base
    while top > 0 and box.rows[top - 1][c] in parts:
        top -= 1
    while bottom < box.height - 1 and box.rows[bottom + 1][c] in parts:
        bottom += 1
    return list(range(top, bottom + 1))


def _baseline(box: _Box) -> int:
    """The row the picture's items share: where its first item has its own (see the module's docstring)."""
    rows = box.filled(0)
    chars = [box.rows[i][0] for i in rows]
    if BAR in chars and len(rows) > 1:  # a fraction: its bar (the longest, when a numerator holds a d/dz of its own)
        bars = [i for i in rows if box.rows[i][0] == BAR]
        return max(bars, key=lambda i: (len(box.rows[i]) - len(box.rows[i].lstrip(BAR)), -i))
    if "╲" in chars:  # a root: its radicand's baseline
        bottom = rows[chars.index("╲")]
        k = 0
        while bottom - k >= 0 and 1 + k < box.width and box.rows[bottom - k][1 + k] == "╱":
            k += 1
        radicand = _Box([r[k + 1 :] for r in box.rows[bottom - k + 1 : bottom + 1]])
        return bottom - k + 1 + _baseline(radicand.lstripped()) if k and radicand.rows[0].strip() else bottom
    if len(rows) == 1:
        return rows[0]
    if "⎨" in chars:
        return rows[chars.index("⎨")]
    if chars[0] in PAREN_PARTS or chars[0] == "│":
        top, bottom = rows[0], rows[-1]
        close = _closing(box, 0, top, bottom)
        if close is not None and close > 1:
            return top + _baseline(_Box([r[1:close] for r in box.rows[top : bottom + 1]]).lstripped())
        return bottom
    return rows[-1]


def _closing(box: _Box, c: int, top: int, bottom: int) -> int | None:
    """The column closing the tall bracket (or bars) that opens at column c over rows top..bottom."""
    opening = box.rows[top][c]
    depth = 0
    for k in range(c, box.width):
        column = [box.rows[i][k] for i in range(top, bottom + 1)]
        if opening == "│":
            if all(ch == "│" for ch in column) and k > c:
                return k
            continue
        kinds = [PAREN_PARTS.get(ch) for ch in column]
        if all(kind == "open" for kind in kinds):
            depth += 1
        elif all(kind == "close" for kind in kinds):
            depth -= 1
            if depth == 0:
                return k
    return None


def _exponent(box: _Box, c: int, top: int, out: list[str]) -> int:
    """Columns wholly above the item before (blank columns between them too): its exponent, as ^(...)."""
    end = last = c
    while end < box.width and (box.blank_column(end) or max(box.filled(end)) < top):
        if not box.blank_column(end):
            last = end
        end += 1
    out.append(f"^({_read(box.part(0, top - 1, c, last))})")
    return last + 1


def _bracketed(box: _Box, c: int, rows: list[int], out: list[str]) -> tuple[int, int]:
    """A tall bracket ⎛⎜⎝ ... ⎞⎟⎠: its contents, read on their own."""
    top, bottom = rows[0], rows[-1]
    end = _closing(box, c, top, bottom)
    if end is None:
        raise ParseError(f"cannot read the picture: a bracket at column {c + 1} is not closed")
    out.append(f"({_read(box.part(top, bottom, c + 1, end - 1))})")
    return end + 1, top


def _bars(box: _Box, c: int, rows: list[int], out: list[str]) -> tuple[int, int]:
    """A tall absolute value │...│."""
    top, bottom = rows[0], rows[-1]
    end = _closing(box, c, top, bottom)
    if end is not None:
        out.append(f"Abs({_read(box.part(top, bottom, c + 1, end - 1))})")
        return end + 1, top
    raise ParseError(f"cannot read the picture: the absolute value at column {c + 1} is not closed")


def _root(box: _Box, c: int, out: list[str]) -> tuple[int, int]:
    """╲╱ under a bar of _: a square root, or with an index on the left an n-th root."""
    bottom = next(i for i in range(box.height) if box.rows[i][c] == "╲")
    k = 0
    while bottom - k >= 0 and c + 1 + k < box.width and box.rows[bottom - k][c + 1 + k] == "╱":
        k += 1
    overline = bottom - k
    start = c + k + 1
    if k == 0 or overline < 0 or box.rows[overline][start : start + 1] != "_":
        raise ParseError(f"cannot read the root drawn at column {c + 1}")
    end = start
    while end < box.width and box.rows[overline][end] == "_":
        end += 1
    radicand = _read(box.part(overline + 1, bottom, start, end - 1))
    index = _trimmed([r[c : start - 1].replace("╱", " ") for r in box.rows[:bottom]])  # left of the diagonal
    if index.height:
        out.append(f"(({radicand})^(1/({_read(index)})))")
    else:
        out.append(f"sqrt({radicand})")
    return end, overline


def _fraction(box: _Box, c: int, base: int, out: list[str]) -> tuple[int, int]:
    """A bar of ─ on the baseline: numerator over denominator (d/dz: the derivative operator)."""
    end = c
    while end < box.width and box.rows[base][end] == BAR:
        end += 1
    numerator = _read(box.part(0, base - 1, c, end - 1)).replace(" ", "")
    denominator = _read(box.part(base + 1, box.height - 1, c, end - 1)).replace(" ", "")
    operator = re.fullmatch(r"(d|∂)(\^\((\d)\))?", numerator)
    differential = re.fullmatch(r"(d|∂)([A-Za-z]\w*)(\^\((\d)\))?", denominator)
    if operator and differential:
        order = operator.group(3) or differential.group(4) or ""
        power = f"^{order}" if order else ""
        out.append(f" d{power}/d{differential.group(2)}{power}")
    else:
        out.append(f"(({numerator})/({denominator}))")
    return end, 0


def _piecewise(box: _Box, c: int, rows: list[int]) -> str:
    """⎧⎨⎩ and its rows: each "value  for condition" or "value  otherwise", rows apart by a blank row."""
    top, bottom = rows[0], rows[-1]
    content = box.part(top, bottom, c + 1, box.width - 1)
    groups: list[list[int]] = []
    for i, row in enumerate(content.rows):
        if row.strip():
            if groups and groups[-1][-1] == i - 1:
                groups[-1].append(i)
            else:
                groups.append([i])
    pieces = []
    for group in groups:
        found = [(m.start(), i) for i in group for m in _PIECE.finditer(content.rows[i])]
        if not found:
            raise ParseError("cannot read a row of the piecewise function: no 'for' or 'otherwise'")
        split, row = max(found)  # the row's own condition is its rightmost: a piece's inner cases come first
        value = _read(_trimmed([content.rows[i][:split] for i in group]))
        rest = [content.rows[i][split:] for i in group]
        word = rest[row - group[0]].lstrip()
        if word.startswith("otherwise"):
            condition = "True"
        else:
            at = rest[row - group[0]].index("for")
            rest[row - group[0]] = rest[row - group[0]][:at] + "   " + rest[row - group[0]][at + 3 :]
            condition = _read(_trimmed(rest))
        pieces.append(f"({value}, {condition})")
    return f"Piecewise({', '.join(pieces)})"
