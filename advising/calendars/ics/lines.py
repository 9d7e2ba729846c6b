"""Content lines (RFC 5545 3.1): unfolding, property names, parameters and values."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from icalendar.parser import Contentline, split_on_unescaped_comma, unescape_backslash

from advising.calendars.ics.types import fail
from advising.shared.text import excerpt

_NAME = re.compile(r"[A-Za-z0-9-]+")
# NAME;KEY=value;KEY=value:value with no quoting in the parameters: nearly every line we read.
_PLAIN_LINE = re.compile(r"[A-Za-z0-9-]+((?:;[A-Za-z0-9-]+=[^\";:]*)*):(.*)", re.DOTALL)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfolded lines with the number of their first physical line; blank lines are skipped.

    A continuation line before any content line has nothing to continue and is dropped.
    """
    pending: list[str] = []
    first = 0
    for number, raw in enumerate(io.StringIO(text, newline=""), 1):
        raw = raw.rstrip("\r\n")
        if not raw:
            continue
        if raw[0] in " \t":
            if pending:
                pending.append(raw[1:])
            continue
        if pending:
            yield first, pending[0] if len(pending) == 1 else "".join(pending)
        pending, first = [raw], number
    if pending:
        yield first, pending[0] if len(pending) == 1 else "".join(pending)


def property_name(line: str) -> str | None:
    """The upper-case name of a ``NAME:value`` or ``NAME;params:value`` line, else None."""
    match = _NAME.match(line)
    end = match.end() if match else 0
    if not end or end == len(line) or line[end] not in ":;":
        return None
    return line[:end].upper()


def value_after_colon(text: str) -> str:
    """The value of a simple ``NAME:value`` line."""
    return text.partition(":")[2]


def split(text: str, line: int, name: str) -> tuple[dict[str, str], str]:
    """Split one property line into parameters (upper-case keys) and unescaped value.

    Plain lines are split here; anything with quoted parameters goes through icalendar's
    content-line parser, which is exact but walks the line one character at a time.
    """
    plain = _PLAIN_LINE.fullmatch(text)
    if plain is not None:
        params: dict[str, str] = {}
        if plain[1]:
            for piece in plain[1][1:].split(";"):
                key, _, value = piece.partition("=")
                params.setdefault(key.upper(), value)
        value = plain[2]
        return params, unescape_backslash(value) if "\\" in value else value
    try:
        _, parsed, value = Contentline(text).parts()
    except (ValueError, TypeError, AssertionError):
        fail(f'the {name} line could not be read: "{excerpt(text)}".', line)
    return {str(key).upper(): str(found) for key, found in parsed.items()}, value


def categories(text: str, line: int) -> list[str]:
    """The values of a CATEGORIES line (commas inside a value are escaped)."""
    try:
        _, _, raw_value = Contentline(text).raw_parts()
    except (ValueError, TypeError, AssertionError):
        fail(f'the CATEGORIES line could not be read: "{excerpt(text)}".', line)
    return [value.strip() for value in split_on_unescaped_comma(raw_value) if value.strip()]
