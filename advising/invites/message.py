"""E-mail messages carrying calendar invites (iMIP, RFC 6047). Pure: stdlib ``email``.

:func:`build_invite_message` gives::

    multipart/mixed
        multipart/alternative
            text/plain; charset=utf-8
            text/html; charset=utf-8
            text/calendar; charset=utf-8; method=REQUEST|CANCEL|PUBLISH
        application/ics; name=invite.ics   (Content-Disposition: attachment)

the layout calendar clients (Gmail, Outlook, Apple Mail) recognise as an
invitation. :func:`build_text_message` is a plain text (+ optional HTML)
message for reminders and notifications. Reminders deliberately do *not*
re-send the REQUEST: a repeated REQUEST with an unchanged SEQUENCE makes
some clients ask the visitor to accept again; the calendar event already
carries its own VALARM.

Header values built from user input never add a header or a recipient:
control characters (CR, LF, NUL, other C0/C1) are removed, ``=?`` is
broken up so nothing decodes as an RFC 2047 encoded word, and display
names lose the characters that delimit addresses (``, ; : < > @ " ( ) [ ] \\``)
and are capped in length, which also keeps them clear of header folding
bugs in :mod:`email`. Addresses are validated with
:func:`advising.invites.ical.clean_email`. Messages use ``email.policy.SMTP``
(CRLF line endings); serialize with ``msg.as_bytes()``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from icalendar import Calendar

from advising.invites.ical import InvalidInviteData, clean_email, clean_line

__all__ = [
    "ATTACHMENT_FILENAME",
    "METHODS",
    "build_invite_message",
    "build_text_message",
    "clean_display_name",
    "clean_header_text",
]

ATTACHMENT_FILENAME = "invite.ics"
METHODS = frozenset({"REQUEST", "CANCEL", "PUBLISH"})
MAX_DISPLAY_NAME = 64
MAX_SUBJECT = 200

# Characters with a meaning inside address headers (RFC 5322 "specials").
_ADDRESS_SPECIALS = str.maketrans(dict.fromkeys(',;:<>@()[]\\"', " "))


def clean_header_text(value: str | None) -> str:
    """Text safe for an unstructured header such as Subject.

    One line (see :func:`advising.invites.ical.clean_line`: no CR, LF, NUL
    or other control characters, whitespace collapsed) and no ``=?``, so it
    cannot be decoded as an RFC 2047 encoded word by the :mod:`email`
    package or by a mail client.
    """
    return clean_line(value).replace("=?", "= ?")


def clean_display_name(value: str | None) -> str:
    """A display name for an address header: :func:`clean_header_text` minus specials.

    Address delimiters become spaces, whitespace is collapsed and the result
    is cut to :data:`MAX_DISPLAY_NAME` characters.
    """
    text = clean_header_text(value).translate(_ADDRESS_SPECIALS)
    return " ".join(text.split())[:MAX_DISPLAY_NAME].rstrip()


def _clean_body(value: str | None) -> str:
    """Bodies may span lines; they only lose NUL and other non-text controls."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text if ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)
    )


def _address(email: str, name: str | None = None) -> Address:
    return Address(display_name=clean_display_name(name), addr_spec=clean_email(email))


def _headers(
    *,
    sender: str,
    sender_name: str,
    to_email: str,
    to_name: str,
    subject: str,
    reply_to: str | None,
) -> EmailMessage:
    from_address = _address(sender, sender_name)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = from_address
    msg["To"] = _address(to_email, to_name)
    if reply_to:
        msg["Reply-To"] = _address(reply_to)
    msg["Subject"] = clean_header_text(subject)[:MAX_SUBJECT].rstrip()
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=from_address.domain)
    msg["Auto-Submitted"] = "auto-generated"
    return msg


def _drop_nested_mime_version(msg: EmailMessage) -> None:
    # email adds MIME-Version to parts it creates; it belongs on the top level only.
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]


def _ics_method(ics: bytes) -> str:
    try:
        cal = Calendar.from_ical(ics)
    except ValueError as exc:
        raise InvalidInviteData(f"ics does not parse: {exc}")
    return str(cal.get("METHOD", "")).upper()


def build_invite_message(
    *,
    sender: str,
    sender_name: str,
    to_email: str,
    to_name: str,
    subject: str,
    text_body: str,
    html_body: str,
    ics: bytes,
    method: str,
    reply_to: str | None = None,
) -> EmailMessage:
    """An invitation e-mail with ``ics`` inline (text/calendar) and as ``invite.ics``.

    ``method`` must be REQUEST, CANCEL or PUBLISH and equal the METHOD inside
    ``ics``; otherwise, or if an address is invalid, :class:`InvalidInviteData`
    (a ``ValueError``) is raised.
    """
    method = (method or "").upper()
    if method not in METHODS:
        raise InvalidInviteData(f"unsupported iTIP method {method!r}")
    if not isinstance(ics, bytes):
        raise InvalidInviteData("ics must be bytes")
    if _ics_method(ics) != method:
        raise InvalidInviteData(f"method {method!r} does not match the METHOD in the ics")

    msg = _headers(
        sender=sender,
        sender_name=sender_name,
        to_email=to_email,
        to_name=to_name,
        subject=subject,
        reply_to=reply_to,
    )
    msg.set_content(_clean_body(text_body), subtype="plain", charset="utf-8")
    msg.add_alternative(_clean_body(html_body), subtype="html", charset="utf-8")
    # base64 keeps the CRLF line endings and folded UTF-8 lines of the ics exactly.
    msg.add_alternative(ics, maintype="text", subtype="calendar", cte="base64")
    calendar_part = msg.get_payload()[-1]
    calendar_part.set_param("charset", "utf-8")
    calendar_part.set_param("method", method)
    msg.add_attachment(
        ics,
        maintype="application",
        subtype="ics",
        cte="base64",
        filename=ATTACHMENT_FILENAME,
        params={"name": ATTACHMENT_FILENAME},
    )
    _drop_nested_mime_version(msg)
    return msg


def build_text_message(
    *,
    sender: str,
    sender_name: str,
    to_email: str,
    to_name: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    reply_to: str | None = None,
) -> EmailMessage:
    """A notification or reminder without calendar data.

    ``text/plain``, or ``multipart/alternative`` (text/plain + text/html)
    when ``html_body`` is given. Same header cleaning as
    :func:`build_invite_message`.
    """
    msg = _headers(
        sender=sender,
        sender_name=sender_name,
        to_email=to_email,
        to_name=to_name,
        subject=subject,
        reply_to=reply_to,
    )
    msg.set_content(_clean_body(text_body), subtype="plain", charset="utf-8")
    if html_body is not None:
        msg.add_alternative(_clean_body(html_body), subtype="html", charset="utf-8")
    _drop_nested_mime_version(msg)
    return msg
