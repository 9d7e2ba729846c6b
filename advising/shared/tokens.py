"""Secrets in URLs (manage links, roadmap links, feed tokens): random, long, stored hashed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,100}$")


def hash_token(token: str) -> str:
    """The SHA-256 we store in place of a URL secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A URL secret (256 random bits) and the hash we store."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def well_formed(token: str | None) -> bool:
    """Whether ``token`` has the shape of a secret we issue (checked before any lookup)."""
    return bool(token) and TOKEN_RE.match(token) is not None


def keyed_digest(secret: str | bytes, *parts: str) -> str:
    """A short HMAC of ``parts`` under ``secret``: proof that a link came from us (a mail we
    sent), checked with :func:`hmac.compare_digest`."""
    key = secret if isinstance(secret, bytes) else secret.encode()
    mac = hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()
