"""Text to and from people: sizes in words, safe excerpts of untrusted input, control
characters refused in what people type."""

from __future__ import annotations

import re
from collections.abc import Iterable


def size_in_words(n_bytes: int) -> str:
    """``5 MB`` for 5 MiB, ``12 KB``, ``300 bytes``: how sizes are told to people."""
    megabytes = n_bytes / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"
    if n_bytes >= 1024:
        return f"{round(n_bytes / 1024)} KB"
    return f"{n_bytes} bytes"


def excerpt(text: str, limit: int = 60) -> str:
    """A printable excerpt of untrusted text for an error message."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 3] + "..."


CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_characters(text: str | None, *, allow_newlines: bool = False) -> bool:
    """Whether ``text`` holds characters no person types in a name (NUL, escapes, ...)."""
    if not text:
        return False
    if allow_newlines:
        text = text.replace("\r\n", "\n").replace("\n", " ")
    return CONTROL_CHARS.search(text) is not None


def has_nul(items: Iterable[tuple[str, str]]) -> bool:
    """Whether a submitted form's (name, value) pairs hold a NUL byte: no person types one,
    and PostgreSQL cannot store it, so such a request is answered 400 with its field errors."""
    return any("\x00" in name or "\x00" in value for name, value in items)
