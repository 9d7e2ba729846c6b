"""Bytes to text: the size limit and a strict UTF-8 check, before anything is parsed."""

from __future__ import annotations

from advising.calendars.ics.types import IcsError, Limits
from advising.shared.text import size_in_words

_BOM = b"\xef\xbb\xbf"


#: Files people upload by mistake, known by their first bytes.
_NOT_CALENDARS = (
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
)


def decode(data: bytes, limits: Limits) -> str:
    """Check size and encoding and return the text; never replaces bad bytes silently."""
    if len(data) > limits.max_bytes:
        raise IcsError(
            f"The file is {size_in_words(len(data))}, more than the "
            f"{size_in_words(limits.max_bytes)} we accept. Try exporting a shorter date range."
        )
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """The UTF-8 text of a calendar (BOM dropped); IcsError for empty, UTF-16 or binary data."""
    if not data.strip():
        raise IcsError("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IcsError(
            "The file is UTF-16 text, not UTF-8. Export the calendar again as a standard "
            ".ics file, or save it as UTF-8 in a text editor."
        )
    for magic, kind in _NOT_CALENDARS:
        if data.startswith(magic):
            raise IcsError(
                f"That is {kind}, not a calendar export. In your calendar program, export or "
                "save the calendar as an .ics file and upload that."
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise IcsError(
            f"The file is not text from line {line} on, so it is not a calendar export (.ics). "
            "Export the calendar again as an .ics file.",
            line,
        )
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise IcsError(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} at line {line}). "
            "Export the calendar again as a standard .ics file, or save it as UTF-8 in a "
            "text editor.",
            line,
        ) from None
