"""Mail transports chosen by ``MAIL_URL``; no Flask or database here.

* ``smtp://[user:pass@]host[:port]`` (default port 25): STARTTLS whenever the server offers it;
  credentials are only sent over TLS (or to a loopback server).
* ``smtps://[user:pass@]host[:port]`` (default port 465): implicit TLS.
* ``file:///path/to/folder``: development; each message becomes ``<name>.eml`` in the folder.

A transport keeps one connection open across messages until :meth:`close`. Failures are raised
as :class:`TemporaryFailure` (try again later; ``connection`` says the server could not be
reached at all) or :class:`PermanentFailure` (the server refused this message for good).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import smtplib
import ssl
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from advising.outbox.errors import DeliveryError, PermanentFailure, TemporaryFailure

__all__ = ["DeliveryError", "PermanentFailure", "TemporaryFailure"]

DEFAULT_TIMEOUT = 30.0


class MailConfigError(ValueError):
    """``MAIL_URL`` does not describe a transport."""


class Transport(Protocol):
    def send(self, sender: str, recipient: str, message: bytes, name: str) -> None: ...

    def close(self) -> None: ...


class FileTransport:
    """Writes ``<name>.eml`` into a folder, atomically; sending again rewrites the same file."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, sender: str, recipient: str, message: bytes, name: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message)
            os.replace(tmp, self.folder / f"{name}.eml")
        except OSError as error:
            raise TemporaryFailure(f"cannot write to {self.folder}: {error}", connection=True)

    def close(self) -> None:
        pass


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{error.smtp_code} {text}".strip()


class SMTPTransport:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        implicit_tls: bool,
        username: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        self.host, self.port = host, port
        self.implicit_tls = implicit_tls
        self.username, self.password = username, password
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        try:
            if self.implicit_tls:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
                conn.ehlo()
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                conn.ehlo()
                if conn.has_extn("starttls"):
                    conn.starttls(context=context)
                    conn.ehlo()
                elif self.username and not _is_loopback(self.host):
                    conn.close()
                    raise TemporaryFailure(
                        f"{self.host} does not offer STARTTLS; not sending the password in clear",
                        connection=True,
                    )
            if self.username:
                conn.login(self.username, self.password or "")
        except smtplib.SMTPResponseException as error:
            raise TemporaryFailure(
                f"{self.host}:{self.port} refused the session: {_reply(error)}", connection=True
            )
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(
                f"cannot reach {self.host}:{self.port}: {error or type(error).__name__}",
                connection=True,
            )
        return conn

    def send(self, sender: str, recipient: str, message: bytes, name: str) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients.get(recipient, (450, b"refused"))
            reply = f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
            if 500 <= code < 600:
                raise PermanentFailure(f"recipient refused: {reply}")
            raise TemporaryFailure(f"recipient deferred: {reply}")
        except smtplib.SMTPDataError as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"message refused: {_reply(error)}")
            raise TemporaryFailure(f"message deferred: {_reply(error)}")
        except smtplib.SMTPResponseException as error:
            self.close()
            raise TemporaryFailure(f"server replied {_reply(error)}")
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise TemporaryFailure(f"connection lost: {error or type(error).__name__}")

    def close(self) -> None:
        conn, self._connection = self._connection, None
        if conn is None:
            return
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError):
                conn.close()


def transport_from_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """The transport ``url`` describes (see the module docstring)."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    if scheme == "file":
        path = unquote(parts.path)
        if parts.netloc and parts.netloc != "localhost":
            path = parts.netloc + path  # file://instance/outbox: relative to the working folder
        if not path:
            raise MailConfigError("MAIL_URL file:// needs a folder")
        return FileTransport(Path(path))
    if scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise MailConfigError("MAIL_URL needs a host, e.g. smtp://mail.example.org:587")
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            raise MailConfigError("MAIL_URL has an invalid port")
        return SMTPTransport(
            parts.hostname,
            port,
            implicit_tls=scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
        )
    raise MailConfigError(f"MAIL_URL scheme {scheme or '(none)'!r}: use smtp, smtps or file")


__all__ = [
    "DeliveryError",
    "FileTransport",
    "MailConfigError",
    "PermanentFailure",
    "SMTPTransport",
    "TemporaryFailure",
    "Transport",
    "transport_from_url",
]
