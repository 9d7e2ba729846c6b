"""Fetch calendar feeds over HTTP(S) with the standard library, carefully.

Only http(s) addresses (``webcal://`` is read as https); conditional requests from the stored
validators; a hard deadline for the whole fetch (connecting, the TLS handshake, every read of
the headers and the body, redirects included: a server dribbling a header line now and then
cannot keep it going); a size limit enforced while reading; at most a few
redirects, each re-checked; and no connections to private, loopback, link-local, multicast or
reserved addresses unless allowed. The address check runs when each connection is opened, on
every address the host name resolves to, so a redirect or a changed DNS answer cannot slip past.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import select
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from advising.shared.text import size_in_words

MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
USER_AGENT = "advising-calendar-sync/1.0 (+https://advising.example)"


class FeedError(Exception):
    """A feed could not be fetched; the message is for the advisor."""


class BlockedAddress(OSError):
    """Raised inside a connection attempt to a refused address."""


@dataclass(frozen=True)
class FeedResponse:
    """The outcome of a fetch: ``content`` is None when the feed is unchanged (304)."""

    content: bytes | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.content is None


def normalize_url(url: str) -> str:
    """The address to fetch: ``webcal://`` becomes ``https://``; anything but http(s) is refused."""
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"webcal", "webcals"}:
        scheme = "https"
    if scheme not in {"http", "https"} or not parts.hostname:
        raise FeedError("The feed address must start with https:// (or webcal://).")
    if parts.username or parts.password:
        raise FeedError("The feed address must not contain a user name or password.")
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


# Never fetched from unless FEED_ALLOW_PRIVATE_ADDRESSES: the flags of ``ipaddress`` differ
# between Python versions, so the special-purpose ranges are also named here (IANA registries).
_REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relays
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/96",  # unspecified, loopback and the deprecated IPv4-compatible addresses
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",
        "2001::/23",  # Teredo, benchmarking, ORCHIDs...
        "2001:db8::/32",
        "2002::/16",  # 6to4: refused whatever IPv4 address it embeds
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(address: str) -> bool:
    """Whether a feed may be fetched from ``address``: only globally reachable unicast.

    Refused: private, loopback, link-local, carrier-grade NAT, multicast, reserved,
    documentation and unspecified addresses, anything ``ipaddress`` does not call global, 6to4,
    and IPv4-mapped or NAT64 addresses whose embedded IPv4 address is any of those.
    """
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]
    )
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in network for network in _REFUSED_NETWORKS if network.version == ip.version):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class Deadline:
    """The moment (``time.monotonic``) by which a whole fetch must be over."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; TimeoutError once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer within {self.seconds:g} seconds")
        return left


class _DeadlineSocketReader(io.RawIOBase):
    """Reads a socket with its timeout cut to what is left of the deadline before every read,
    so headers and body together can never take longer than the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline, keep: Any) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline
        self._keep = keep  # the socket's own file: it keeps the socket open until we close

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._keep.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer)


class _DeadlineResponse(http.client.HTTPResponse):
    """An HTTP response whose every read (status line, headers, body) keeps the deadline."""

    deadline: Deadline  # set on the subclass made for each connection

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = io.BufferedReader(_DeadlineSocketReader(sock, self.deadline, self.fp))


def _response_class(deadline: Deadline) -> type[http.client.HTTPResponse]:
    return type("DeadlineResponse", (_DeadlineResponse,), {"deadline": deadline})


def _guarded_create_connection(
    address: tuple[str, int],
    timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
    source_address: tuple[str, int] | None = None,
    *,
    allow_private: bool,
    deadline: Deadline | None = None,
) -> socket.socket:
    """``socket.create_connection`` that vets every resolved address before connecting to one."""
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise BlockedAddress(f"The feed's host name {host} could not be found.")
    if not allow_private:
        for *_, sockaddr in infos:
            if not is_public_address(str(sockaddr[0])):
                raise BlockedAddress(
                    f"The feed address {host} points to a private or local network address, "
                    "which is not allowed."
                )
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if deadline is not None:
                sock.settimeout(deadline.remaining())
            elif timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f"could not connect to {host}")


def _handshake(
    context: ssl.SSLContext, sock: socket.socket, host: str, deadline: Deadline
) -> ssl.SSLSocket:
    """The TLS handshake, non-blocking, so that a server sending it slowly meets the deadline."""
    tls = context.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
    try:
        tls.setblocking(False)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                select.select([tls], [], [], deadline.remaining())
            except ssl.SSLWantWriteError:
                select.select([], [tls], [], deadline.remaining())
        tls.settimeout(deadline.remaining())
    except BaseException:
        tls.close()
        raise
    return tls


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, allow_private: bool, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.response_class = _response_class(deadline)
        self._create_connection = partial(  # type: ignore[assignment]
            _guarded_create_connection, allow_private=allow_private, deadline=deadline
        )


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, allow_private: bool, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.response_class = _response_class(deadline)
        self._create_connection = partial(  # type: ignore[assignment]
            _guarded_create_connection, allow_private=allow_private, deadline=deadline
        )

    def connect(self) -> None:
        """Connect (no proxies, so no tunnel), then a handshake that keeps the deadline."""
        http.client.HTTPConnection.connect(self)
        self.sock = _handshake(
            self._context,  # type: ignore[attr-defined]
            self.sock,
            self.host,
            self.deadline,
        )


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_private: bool, deadline: Deadline):
        super().__init__()
        self.allow_private = allow_private
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(  # type: ignore[arg-type]
            partial(
                _GuardedHTTPConnection, allow_private=self.allow_private, deadline=self.deadline
            ),
            req,
        )


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_private: bool, deadline: Deadline):
        super().__init__()
        self.allow_private = allow_private
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(  # type: ignore[arg-type]
            partial(
                _GuardedHTTPSConnection, allow_private=self.allow_private, deadline=self.deadline
            ),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _LimitedRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, to http(s) addresses only; every new address
    goes through the guarded connections again."""

    max_redirections = max_repeats = MAX_REDIRECTS + 1  # our own checks below come first

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> Any:
        location = headers.get("Location") or headers.get("URI") or ""
        if urlsplit(urljoin(req.full_url, location)).scheme.lower() not in {"http", "https"}:
            raise FeedError("The feed redirected to an address that is not http(s).")
        if sum(getattr(req, "redirect_dict", {}).values()) >= MAX_REDIRECTS:
            raise FeedError(
                f"The feed redirected more than {MAX_REDIRECTS} times; "
                "please use its final address."
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def guarded_opener(
    allow_private: bool, deadline: Deadline, *, follow_redirects: bool = True
) -> urllib.request.OpenerDirector:
    """An opener with http(s) only, no proxies, guarded connections that keep ``deadline``,
    and few redirects (none when ``follow_redirects`` is off: webhooks)."""
    opener = urllib.request.OpenerDirector()
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.UnknownHandler(),
        GuardedHTTPHandler(allow_private, deadline),
        GuardedHTTPSHandler(allow_private, deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]
    if follow_redirects:
        handlers.append(_LimitedRedirectHandler())
    for handler in handlers:
        opener.add_handler(handler)
    return opener


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 15,
    max_bytes: int = 5 * 1024 * 1024,
    allow_private: bool = False,
) -> FeedResponse:
    """Fetch ``url`` (conditionally when validators are given). Raises FeedError in plain words."""
    address = normalize_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(address, headers=headers)  # noqa: S310 (http(s) only)
    too_slow = f"The feed took longer than {timeout:g} seconds to answer."
    too_large = f"The feed is larger than {size_in_words(max_bytes)}."
    deadline = Deadline(timeout)
    try:
        with guarded_opener(allow_private, deadline).open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FeedError(too_large)
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(too_large)
                chunks.append(chunk)
            return FeedResponse(
                b"".join(chunks),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            return FeedResponse(
                None,
                etag=error.headers.get("ETag") or etag,
                last_modified=error.headers.get("Last-Modified") or last_modified,
            )
        raise FeedError(f"The feed answered {error.code} ({_reason(error.code)}).")
    except urllib.error.URLError as error:
        if isinstance(error.reason, BlockedAddress):
            raise FeedError(str(error.reason))
        if isinstance(error.reason, TimeoutError) or time.monotonic() >= deadline.at:
            raise FeedError(too_slow)
        raise FeedError(f"The feed could not be reached ({_plain(error.reason)}).")
    except TimeoutError:
        raise FeedError(too_slow)
    except (http.client.HTTPException, OSError) as error:
        if time.monotonic() >= deadline.at:  # a read cut short by the deadline
            raise FeedError(too_slow)
        raise FeedError(f"The feed could not be read ({_plain(error)}).")


def _reason(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase.lower()
    except ValueError:
        return "an error"


def _plain(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or reason.__class__.__name__
