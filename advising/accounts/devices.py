"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies").

A browser that signed in to an account gets a signed cookie naming that account (a keyed
reference, never the address) and a random nonce. Failed sign-ins from a browser presenting a
valid cookie for the account it tries are counted against that cookie alone, so guessing from
anywhere else, which is limited per account, cannot lock the owner's own browser out.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

from advising.accounts.services import account_ref

COOKIE = "advising_device"
_SALT = "advising.accounts.device-cookie"


def _serializer() -> URLSafeTimedSerializer:
    # oldest first, the key that signs last (as Flask's own session cookie)
    keys = [*(current_app.config["SECRET_KEY_FALLBACKS"] or ()), current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=_SALT)


def _max_age() -> int:
    return current_app.config["DEVICE_COOKIE_DAYS"] * 86400


def issue(response: Response, email: str) -> None:
    """Give this browser a (new) device cookie for the account ``email``."""
    value = _serializer().dumps({"account": account_ref(email), "nonce": secrets.token_hex(16)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=_max_age(),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Strict",
    )


def trusted_nonce(email: str) -> str | None:
    """The nonce of this browser's device cookie when it is valid for the account ``email``."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=_max_age())
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("nonce"), str):
        return None
    if not hmac.compare_digest(str(data.get("account", "")), account_ref(email)):
        return None
    return data["nonce"]
