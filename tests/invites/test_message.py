"""Invite e-mails: MIME tree, text/calendar part, header injection resistance."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from advising.invites.ical import (
    InvalidInviteData,
    InviteEvent,
    build_cancel,
    build_publish,
    build_request,
)
from advising.invites.message import (
    MAX_DISPLAY_NAME,
    build_invite_message,
    build_text_message,
    clean_display_name,
    clean_header_text,
)

NOW = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)
EVENT = InviteEvent(
    uid="booking-42@advising.example",
    sequence=0,
    start=datetime(2025, 3, 4, 15, 0, tzinfo=UTC),
    end=datetime(2025, 3, 4, 15, 45, tzinfo=UTC),
    summary="Career consultation with Ann Advisor — CPC prep",
    description="Bring your résumé.",
    location="Room 3",
    organizer_name="Ann Advisor",
    organizer_email="ann@advising.example",
    attendee_name="Bob Visitor",
    attendee_email="bob@example.com",
    status="CONFIRMED",
    manage_url="https://advising.example/bookings/42/manage?token=abc",
    video_url="https://meet.example/ann",
)
ICS = {
    "REQUEST": build_request(EVENT, NOW),
    "CANCEL": build_cancel(EVENT, NOW),
    "PUBLISH": build_publish([EVENT], NOW),
}
INVITE_HEADERS = [
    "From",
    "To",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
]


def invite(**changes) -> EmailMessage:
    kwargs = {
        "sender": "noreply@advising.example",
        "sender_name": "Advising",
        "to_email": "bob@example.com",
        "to_name": "Bob Visitor",
        "subject": "Invitation: Career consultation",
        "text_body": "Your consultation is booked.\nSee you soon.",
        "html_body": "<p>Your consultation is <b>booked</b>.</p>",
        "ics": ICS["REQUEST"],
        "method": "REQUEST",
        "reply_to": "ann@advising.example",
    }
    kwargs.update(changes)
    return build_invite_message(**kwargs)


def reparse(msg: EmailMessage) -> EmailMessage:
    raw = msg.as_bytes(policy=SMTP)
    return message_from_bytes(raw, policy=default)


def header_names(raw: bytes) -> list[str]:
    """Header field names of the top-level header block, from the wire bytes."""
    block = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return [line.split(":", 1)[0] for line in block.split("\r\n") if not line[:1].isspace()]


def assert_crlf_only(raw: bytes) -> None:
    stripped = raw.replace(b"\r\n", b"")
    assert b"\r" not in stripped
    assert b"\n" not in stripped
    assert b"\x00" not in raw


# --------------------------------------------------------------------------
# MIME tree
# --------------------------------------------------------------------------


def test_invite_tree_shape():
    msg = reparse(invite())
    assert [part.get_content_type() for part in msg.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    alternative, attachment = msg.get_payload()
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"


@pytest.mark.parametrize("method", sorted(ICS))
def test_calendar_part_method_charset_and_round_trip(method):
    ics = ICS[method]
    msg = reparse(invite(ics=ics, method=method))
    parts = {part.get_content_type(): part for part in msg.walk()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == method
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None
    assert calendar.get_payload(decode=True) == ics
    assert calendar.get_content().encode("utf-8") == ics
    assert parts["application/ics"].get_payload(decode=True) == ics
    assert parts["application/ics"].get_content() == ics
    assert Calendar.from_ical(calendar.get_payload(decode=True))["METHOD"] == method
    assert parts["text/plain"].get_content_charset() == "utf-8"
    assert parts["text/html"].get_content_charset() == "utf-8"


def test_bodies_round_trip():
    msg = reparse(invite(text_body="Grüße\nline two", html_body="<p>Grüße</p>"))
    parts = {part.get_content_type(): part for part in msg.walk()}
    assert parts["text/plain"].get_content() == "Grüße\r\nline two\r\n"
    assert parts["text/html"].get_content() == "<p>Grüße</p>\r\n"


def test_bodies_lose_nul_and_controls():
    msg = reparse(invite(text_body="a\x00b\x1bc\r\nd"))
    text = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    assert text.get_content() == "abc\r\nd\r\n"


def test_headers():
    msg = invite()
    assert list(msg.keys()) == INVITE_HEADERS
    raw = msg.as_bytes(policy=SMTP)
    assert_crlf_only(raw)
    assert header_names(raw) == INVITE_HEADERS
    parsed = message_from_bytes(raw, policy=default)
    assert [str(a) for a in parsed["To"].addresses] == ["Bob Visitor <bob@example.com>"]
    assert [str(a) for a in parsed["From"].addresses] == ["Advising <noreply@advising.example>"]
    assert [a.addr_spec for a in parsed["Reply-To"].addresses] == ["ann@advising.example"]
    assert parsed["Subject"] == "Invitation: Career consultation"
    assert parsed["Message-ID"].endswith("@advising.example>")
    assert parsed["MIME-Version"] == "1.0"
    for part in parsed.walk():
        if part is not parsed:
            assert "MIME-Version" not in part


def test_reply_to_is_optional():
    assert "Reply-To" not in invite(reply_to=None)


def test_non_ascii_names_and_subject_round_trip():
    msg = reparse(invite(to_name="Zoë Ångström", subject="Einladung: Beratung — Grüße"))
    assert msg["To"].addresses[0].display_name == "Zoë Ångström"
    assert msg["Subject"] == "Einladung: Beratung — Grüße"


@pytest.mark.parametrize(
    ("method", "ics"),
    [
        ("CANCEL", ICS["REQUEST"]),
        ("REQUEST", ICS["PUBLISH"]),
        ("REPLY", ICS["REQUEST"]),
        ("REQUEST\r\nBcc: x@evil.example", ICS["REQUEST"]),
        ("REQUEST", ICS["REQUEST"].decode()),
        ("REQUEST", b"not a calendar"),
    ],
)
def test_method_must_match_the_ics(method, ics):
    with pytest.raises(InvalidInviteData):
        invite(method=method, ics=ics)


def test_method_is_case_insensitive():
    msg = invite(method="cancel", ics=ICS["CANCEL"])
    calendar = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"


# --------------------------------------------------------------------------
# Header injection
# --------------------------------------------------------------------------

HOSTILE = [
    "=?utf-8?q?evil=0D=0ABcc:_x@evil.example?=",
    "=?utf-8?b?ZXZpbA0KQmNjOiB4QGV2aWwuZXhhbXBsZQ==?=",
    "Mallory <x@evil.example>",
    "Mallory <x@evil.example>, y@evil.example",
    "a, b@evil.example",
    "Eve\r\nBcc: x@evil.example",
    "Eve\nBcc: x@evil.example",
    "Eve\rBcc: x@evil.example",
    "Eve\x00\x1b\x7f\x85\u2028Bcc: x@evil.example",
    '"quoted" \\"escape\\" (comment) [x]; group: x@evil.example;',
    "x" * 300 + ", y@evil.example",
    "Zoë, Ångström <x@evil.example> " * 8,
]


def assert_single_recipient(msg: EmailMessage, expected_keys: list[str]) -> None:
    assert list(msg.keys()) == expected_keys
    raw = msg.as_bytes(policy=SMTP)
    assert_crlf_only(raw)
    assert header_names(raw) == expected_keys
    parsed = message_from_bytes(raw, policy=default)
    assert list(parsed.keys()) == expected_keys
    assert [a.addr_spec for a in parsed["To"].addresses] == ["bob@example.com"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["noreply@advising.example"]
    assert "Cc" not in parsed
    assert "Bcc" not in parsed
    for key in expected_keys:
        assert "\r" not in str(parsed[key])
        assert "\n" not in str(parsed[key])


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_and_subject_add_no_header_or_recipient(hostile):
    msg = invite(to_name=hostile, sender_name=hostile, subject=hostile)
    assert_single_recipient(msg, INVITE_HEADERS)
    parsed = reparse(msg)
    name = parsed["To"].addresses[0].display_name
    assert name.replace(" ", "") == clean_display_name(hostile).replace(" ", "")
    assert str(parsed["Subject"]) == clean_header_text(hostile)[:200].rstrip()


def test_encoded_word_is_not_decoded():
    msg = reparse(invite(to_name=HOSTILE[0], subject=HOSTILE[0]))
    assert msg["Subject"] == "= ?utf-8?q?evil=0D=0ABcc:_x@evil.example?="
    assert msg["To"].addresses[0].display_name == "= ?utf-8?q?evil=0D=0ABcc _x evil.example?="


@pytest.mark.parametrize(
    "field", ["to_email", "sender", "reply_to"], ids=["to", "sender", "reply-to"]
)
@pytest.mark.parametrize(
    "address",
    [
        "bob@example.com\r\nBcc: x@evil.example",
        "bob@example.com, x@evil.example",
        "Bob <bob@example.com>",
        "bob@example.com>",
        "=?utf-8?q?x?=@example.com",
        "bob@example.com;x@evil.example",
        "bob",
    ],
)
def test_bad_addresses_are_refused(field, address):
    with pytest.raises(InvalidInviteData):
        invite(**{field: address})


def test_clean_header_text():
    assert clean_header_text(" a\r\nBcc: b\x00c\t d ") == "a Bcc: bc d"
    assert clean_header_text("=?utf-8?q?x?=") == "= ?utf-8?q?x?="
    assert clean_header_text("==?x") == "== ?x"
    assert clean_header_text(None) == ""


def test_clean_display_name():
    assert clean_display_name('Mallory <x@evil>, "y"; z:') == "Mallory x evil y z"
    assert clean_display_name("Dr. O'Neil") == "Dr. O'Neil"
    assert len(clean_display_name("x" * 500)) == MAX_DISPLAY_NAME


# --------------------------------------------------------------------------
# Plain notifications
# --------------------------------------------------------------------------

TEXT_HEADERS = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
]


def text_message(**changes) -> EmailMessage:
    kwargs = {
        "sender": "noreply@advising.example",
        "sender_name": "Advising",
        "to_email": "bob@example.com",
        "to_name": "Bob Visitor",
        "subject": "Reminder: consultation tomorrow",
        "text_body": "See you tomorrow.",
    }
    kwargs.update(changes)
    return build_text_message(**kwargs)


def test_text_message_plain():
    msg = reparse(text_message())
    assert [p.get_content_type() for p in msg.walk()] == ["text/plain"]
    assert msg.get_content() == "See you tomorrow.\r\n"
    assert list(msg.keys()) == TEXT_HEADERS


def test_text_message_with_html_and_reply_to():
    msg = reparse(text_message(html_body="<p>See you</p>", reply_to="ann@advising.example"))
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert [a.addr_spec for a in msg["Reply-To"].addresses] == ["ann@advising.example"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_message_hostile_headers(hostile):
    msg = text_message(to_name=hostile, sender_name=hostile, subject=hostile)
    assert_single_recipient(msg, TEXT_HEADERS)


# --------------------------------------------------------------------------
# Property: arbitrary header text
# --------------------------------------------------------------------------

header_chars = st.characters(exclude_categories=())
specials = st.sampled_from(list('\\";:,<>@()[]=?qQbB_ \r\n\t\x00é€.'))
header_text = st.one_of(
    st.text(header_chars, max_size=150), st.text(st.one_of(specials, header_chars), max_size=150)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(to_name=header_text, sender_name=header_text, subject=header_text)
def test_arbitrary_header_text_keeps_one_recipient(to_name, sender_name, subject):
    msg = invite(to_name=to_name, sender_name=sender_name, subject=subject)
    assert_single_recipient(msg, INVITE_HEADERS)
    parsed = reparse(msg)
    # Python's parser puts a space between adjacent encoded words of a folded
    # display name (RFC 2047 says to drop it), so compare without spaces.
    for key, name in (("To", to_name), ("From", sender_name)):
        got = parsed[key].addresses[0].display_name
        assert got.replace(" ", "") == clean_display_name(name).replace(" ", "")
    assert str(parsed["Subject"]) == clean_header_text(subject)[:200].rstrip()
    assert (
        next(p for p in parsed.walk() if p.get_content_type() == "text/calendar").get_payload(
            decode=True
        )
        == (ICS["REQUEST"])
    )


def test_request_then_cancel_messages_share_the_uid():
    later = timedelta(days=1)
    moved = build_request(
        dataclasses.replace(EVENT, sequence=1, start=EVENT.start + later, end=EVENT.end + later),
        NOW,
    )
    uids = set()
    for ics, method in ((ICS["REQUEST"], "REQUEST"), (moved, "REQUEST"), (ICS["CANCEL"], "CANCEL")):
        part = next(p for p in reparse(invite(ics=ics, method=method)).walk() if p.get_filename())
        uids.add(str(Calendar.from_ical(part.get_content()).walk("VEVENT")[0]["UID"]))
    assert uids == {"booking-42@advising.example"}
