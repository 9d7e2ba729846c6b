"""The one e-mail address check: what the booking form, the API and the invite builder accept.

Pure (stdlib only). An address is accepted when mail and calendar invites can carry it
safely: a plain ``local@domain`` with a dot-atom local part free of characters that mean
something in a ``mailto:`` URI or to a shell or URL parser (``? # % & /`` and quotes), and a
domain of at least two DNS labels (international domains become their IDNA form). Display
names, quotes, whitespace, control characters and IP literals are refused.
"""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 254
EMAIL_HELP = (
    "Enter a plain address like name@example.org (letters, digits and . _ + - before the @)."
)

# Local part: dot-atom of RFC 5322 atext, minus characters that mean something in a mailto:
# URI or to a shell/URL parser (? # % & / and quotes).
_LOCAL_PART = re.compile(r"[A-Za-z0-9!$'*+=^_`{|}~-]+(?:\.[A-Za-z0-9!$'*+=^_`{|}~-]+)*\Z")
_DOMAIN_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def normalize_email(value: str | None) -> str:
    """The address with surrounding whitespace stripped and the domain lower-cased (IDNA);
    ``ValueError`` saying why when it is not an address we can deliver to."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = (value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"not an e-mail address: {text!r}")
    if len(local) > 64 or not _LOCAL_PART.match(local):
        raise ValueError(f"unsupported e-mail local part: {text!r}")
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"invalid e-mail domain: {text!r}")
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(f"invalid e-mail domain: {text!r}")
    address = f"{local}@{domain.lower()}"
    if len(address) > MAX_EMAIL_LENGTH:
        raise ValueError(f"e-mail address too long: {text!r}")
    return address


def is_deliverable_address(value: str | None) -> bool:
    """Whether :func:`normalize_email` accepts ``value``."""
    try:
        normalize_email(value)
    except ValueError:
        return False
    return True


def limit_key(address: str) -> str:
    """One mailbox however it is spelled for limits: lower case, without a ``+tag``
    (``Ann+1@Example.org`` and ``ann@example.org`` reach the same person)."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"
