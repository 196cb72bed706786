"""A polite, defensive HTTP client (httpx) for fetching speeches and feeds.

Every request:

* goes only to ``http``/``https`` URLs whose host resolves to public addresses (every address checked, and the
  connection made to a checked address only), unless ``allow_private`` (local test servers);
* asks robots.txt first (per origin, cached for the client's life; its ``Crawl-delay`` is honoured when
  longer than ``min_delay``);
* waits ``min_delay`` seconds after the previous request to the same host ends;
* names discourse and a contact in its User-Agent (``contact`` or ``$DISCOURSE_CONTACT``);
* is conditional when validators are given (``If-None-Match``, ``If-Modified-Since``): 304 means unchanged;
* is retried on 429, 5xx, timeouts and dropped connections, ``retries`` times, after ``Retry-After`` when the
  server sends it (up to ``max_retry_after``), else after ``backoff * 2**attempt`` seconds, capped at
  ``backoff_cap``;
* has connect and read timeouts and a total time limit, and a size limit on the wire (``max_bytes``, checked
  against Content-Length before reading and counted while streaming: reading stops past it);
* asks for gzip/deflate and decodes the raw stream itself, in bounded steps, stopping at ``max_decoded_bytes``
  (a gzip bomb cannot expand in memory);
* follows redirects itself, up to ``max_redirects``, re-checking each hop's scheme, addresses and robots.txt, and
  refusing a loop.

Error codes (:class:`~discourse.errors.FetchError`): D800 URL refused (scheme, malformed), D801 non-public
address, D802 host not resolvable, D803 robots.txt disallows, D804 robots.txt unavailable, D805 redirect loop or
too many redirects, D806 timed out, D807 connection failed, D808 server error or 429 after the retries, D809
Retry-After longer than allowed, D810 HTTP error status (404, 403, ...), D811 body larger than the limit, D812
unsupported Content-Encoding, D813 decompressed body larger than the limit, D814 corrupt compressed body.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import os
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field, replace

from .._version import __version__
from ..errors import FetchError
from .addresses import check_url, resolve

__all__ = ["FetchSettings", "Response", "Client", "user_agent", "GuardedBackend"]

REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchSettings:
    """Every limit and courtesy of the client; all settable (CLI flags, Python keywords)."""

    contact: str | None = None            # an e-mail or URL for site owners; default $DISCOURSE_CONTACT
    min_delay: float = 2.0                # seconds between the end of one request and the next, per host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0            # longest silence while waiting for bytes
    total_timeout: float = 300.0          # longest time for one response, all bytes included
    max_bytes: int = 50 * 1024 * 1024     # on the wire
    max_decoded_bytes: int = 100 * 1024 * 1024  # after gzip/deflate
    max_redirects: int = 5
    retries: int = 3                      # further attempts after a 429, a 5xx, a timeout or a dropped connection
    backoff: float = 2.0                  # first wait; doubles each attempt
    backoff_cap: float = 60.0
    max_retry_after: float = 600.0        # a longer Retry-After gives up (D809) instead of blocking the run
    allow_private: bool = False           # loopback, private and link-local addresses (tests, intranets)

    def with_(self, **changes) -> "FetchSettings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def user_agent(contact: str | None = None) -> str:
    """``discourse/VERSION (research text collection; +contact)``; the contact defaults to $DISCOURSE_CONTACT."""
    contact = contact or os.environ.get("DISCOURSE_CONTACT") or None
    tail = f"; +{contact}" if contact else ""
    return f"discourse/{__version__} (research text collection{tail})"


@dataclass(frozen=True)
class Response:
    """A complete response: the body is whole (never partial) and already decoded from gzip/deflate."""

    url: str                        # asked for
    final_url: str                  # after redirects
    status: int
    headers: dict = field(default_factory=dict)   # lower-case names
    body: bytes = b""
    fetched_at: str = ""
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        value = self.headers.get("content-type")
        return value.split(";", 1)[0].strip().lower() if value else None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or None.

    >>> retry_after_seconds("3")
    3.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class _Decoder:
    """Content-Encoding removed in bounded steps: never more than ``cap`` bytes of output held."""

    def __init__(self, encoding: str, cap: int, url: str):
        self.cap, self.url = cap, url
        codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError("D812", f"{url}: unsupported Content-Encoding {encoding!r}",
                             hint="only gzip and deflate are accepted (and asked for); the server ignored that")
        self.coding = codings[0] if codings else None
        self.obj = None
        self.parts: list[bytes] = []
        self.size = 0

    def _new(self, head: bytes):
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: the header tells.
        if len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0:
            return zlib.decompressobj(zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise FetchError("D813", f"{self.url}: the body decompresses to more than {self.cap:,} bytes; stopped "
                             "(a compression bomb, or a page far larger than a speech)",
                             hint="raise max_decoded_bytes only if the page is genuine")
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.coding is None:
            self._keep(chunk)
            return
        data = chunk
        try:
            while data:
                if self.obj is None:
                    self.obj = self._new(data)
                out = self.obj.decompress(data, self.cap - self.size + 1)
                self._keep(out)
                data = self.obj.unconsumed_tail
                if self.obj.eof:  # a further gzip member may follow
                    data = self.obj.unused_data + data
                    self.obj = None if data else self.obj
        except zlib.error as exc:
            raise FetchError("D814", f"{self.url}: corrupt {self.coding} body ({exc})",
                             hint="the server sent damaged data; try again later") from None

    def finish(self) -> bytes:
        if self.obj is not None:
            try:
                self._keep(self.obj.flush())
            except zlib.error as exc:
                raise FetchError("D814", f"{self.url}: corrupt {self.coding} body ({exc})",
                                 hint="the server sent damaged data; try again later") from None
            if self.coding in ("gzip", "x-gzip") and not self.obj.eof:
                raise FetchError("D814", f"{self.url}: truncated {self.coding} body",
                                 hint="the connection was cut; try again later")
        return b"".join(self.parts)


def _backend_class():
    import httpcore
    from httpcore._backends.sync import SyncBackend

    class _GuardedBackend(SyncBackend):
        """Connects only to an address checked by :func:`~discourse.web.addresses.resolve`, whatever a second
        DNS lookup might say."""

        def __init__(self, allow_private: bool):
            super().__init__()
            self.allow_private = allow_private

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            infos = resolve(host, port, self.allow_private)
            last: Exception | None = None
            for info in infos:
                try:
                    return super().connect_tcp(info[4][0], port, timeout=timeout, local_address=local_address,
                                               socket_options=socket_options)
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                    last = exc
            raise last  # type: ignore[misc]

    return _GuardedBackend


def GuardedBackend(allow_private: bool):  # noqa: N802 - a factory standing for a class defined lazily
    """A httpcore network backend that resolves, checks every address, and connects to a checked one."""
    return _backend_class()(allow_private)


class Client:
    """The polite client; use as a context manager. ``sleep`` and ``clock`` may be replaced in tests.

    >>> with Client(FetchSettings(allow_private=True)) as client:
    ...     client.settings.min_delay
    2.0
    """

    def __init__(self, settings: FetchSettings = FetchSettings(), *, sleep=time.sleep, clock=time.monotonic):
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.user_agent = user_agent(settings.contact)
        self._last: dict[str, float] = {}
        self._http = None
        from .robots import RobotsCache

        self.robots = RobotsCache(self)
        self.requests = 0  # requests sent, for reports and tests

    # -- plumbing --------------------------------------------------------------------------------------------
    def _client(self):
        if self._http is None:
            import httpcore  # deferred: httpx/httpcore are heavy and only needed when fetching
            import httpx

            s = self.settings
            transport = httpx.HTTPTransport(trust_env=False)
            # Replace the transport's pool with one that connects through the guarded backend (httpx 0.28 has no
            # public parameter for it); the addresses are also checked before each request, so the guard holds
            # even if this attribute ever changes.
            transport._pool = httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=10,
                network_backend=GuardedBackend(s.allow_private),
            )
            self._http = httpx.Client(
                transport=transport, follow_redirects=False, trust_env=False,
                timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout,
                                      pool=s.connect_timeout),
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait_turn(self, host: str, delay: float) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        return min(s.backoff_cap, s.backoff * (2 ** attempt))

    # -- one request -------------------------------------------------------------------------------------------
    def _once(self, url: str, headers: dict) -> tuple[int, dict, bytes]:
        s = self.settings
        started = self.clock()
        with self._client().stream("GET", url, headers=headers) as r:
            status = r.status_code
            hdrs = {k.lower(): v for k, v in r.headers.items()}
            if status in REDIRECTS or status == 304 or status == 429 or status >= 400:
                return status, hdrs, b""  # the body is not needed: not read
            declared = hdrs.get("content-length", "")
            if declared.isdigit() and int(declared) > s.max_bytes:
                raise FetchError("D811", f"{url}: the response is {int(declared):,} bytes (Content-Length), over "
                                 f"the limit of {s.max_bytes:,}; not read",
                                 hint="raise max_bytes only if the page is genuine")
            decoder = _Decoder(hdrs.get("content-encoding", ""), s.max_decoded_bytes, url)
            received = 0
            for chunk in r.iter_raw(chunk_size=65536):
                received += len(chunk)
                if received > s.max_bytes:
                    raise FetchError("D811", f"{url}: the response is larger than the limit of "
                                     f"{s.max_bytes:,} bytes; stopped reading",
                                     hint="raise max_bytes only if the page is genuine")
                decoder.feed(chunk)
                if self.clock() - started > s.total_timeout:
                    raise FetchError("D806", f"{url}: the response took longer than {s.total_timeout:g} s; "
                                     "stopped", hint="the server is very slow; try again later or raise "
                                     "total_timeout")
            return status, hdrs, decoder.finish()

    def _with_retries(self, url: str, headers: dict, host: str, delay: float) -> tuple[int, dict, bytes]:
        import httpx

        s = self.settings
        attempt = 0
        while True:
            self._wait_turn(host, delay)
            wait = None
            try:
                self.requests += 1
                status, hdrs, body = self._once(url, headers)
            except httpx.TimeoutException as exc:
                if attempt >= s.retries:
                    kind = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for the response"
                    limit = s.connect_timeout if isinstance(exc, httpx.ConnectTimeout) else s.read_timeout
                    raise FetchError("D806", f"{url}: timed out {kind} ({limit:g} s), {attempt + 1} attempt(s)",
                                     hint="the server is slow or down; try again later, or raise the timeouts "
                                     "(connect_timeout, read_timeout)") from None
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if attempt >= s.retries:
                    raise FetchError("D807", f"{url}: connection failed after {attempt + 1} attempt(s): "
                                     f"{type(exc).__name__}: {exc}",
                                     hint="check the address and the network; try again later") from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError("D800", f"{url}: malformed URL ({exc})",
                                 hint="give an absolute http:// or https:// address") from None
            except (httpx.HTTPError, httpx.StreamError) as exc:  # a protocol violation: not worth a retry
                raise FetchError("D807", f"{url}: the exchange with the server failed: {type(exc).__name__}: "
                                 f"{exc}", hint="the server broke the HTTP protocol; try again later") from None
            else:
                if not (status == 429 or 500 <= status <= 599):
                    return status, hdrs, body
                after = retry_after_seconds(hdrs.get("retry-after"))
                if after is not None and after > s.max_retry_after:
                    raise FetchError("D809", f"{url}: HTTP {status}, the server asks to wait {after:.0f} s (more "
                                     f"than the {s.max_retry_after:g} s allowed)",
                                     hint="run again later; the site is throttling or down")
                if attempt >= s.retries:
                    raise FetchError("D808", f"{url}: HTTP {status} after {attempt + 1} attempt(s)",
                                     hint="the server is overloaded or down (or throttling): try again later, "
                                     "or raise min_delay")
                wait = after
            finally:
                self._last[host] = self.clock()
            self.sleep(wait if wait is not None else self._backoff(attempt))
            attempt += 1

    # -- public --------------------------------------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None, robots: bool = True, raise_status: bool = True) -> Response:
        """GET ``url`` with every rule of this module; return the final 200 or 304 :class:`Response`.

        ``etag``/``last_modified`` (from a stored response) make the request conditional. ``robots=False`` only
        for robots.txt itself. Any other final status raises :class:`FetchError` (D810) unless ``raise_status`` is
        False (then the response is returned, without its body); any refusal raises.
        """
        s = self.settings
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        current = url
        seen = [url]
        for _hop in range(s.max_redirects + 1):
            parts = check_url(current)
            resolve(parts.hostname, parts.port or (443 if parts.scheme.lower() == "https" else 80), s.allow_private)
            delay = s.min_delay
            if robots:
                delay = max(delay, self.robots.check(current))
            status, hdrs, body = self._with_retries(current, headers, parts.hostname.lower(), delay)
            if status in REDIRECTS:
                location = hdrs.get("location")
                if not location:
                    raise FetchError("D810", f"{current}: HTTP {status} redirect without a Location header",
                                     hint="the server is misconfigured; report it or give the final address")
                target = urllib.parse.urljoin(current, location.strip())
                target = urllib.parse.urldefrag(target)[0]
                if target in seen:
                    raise FetchError("D805", f"{url}: redirect loop ({' -> '.join(seen + [target])})",
                                     hint="the site's redirects go round in a circle; give the final address")
                seen.append(target)
                current = target
                continue
            if status not in (200, 203, 304) and raise_status:
                raise FetchError("D810", f"{current}: HTTP {status}" + (f" (asked for {url})" if current != url
                                                                       else ""),
                                 hint="check the address; 404/410: the page is gone, 401/403: access refused")
            return Response(url=url, final_url=current, status=status, headers=hdrs, body=body,
                            fetched_at=_now(), redirects=tuple(seen[:-1]))
        raise FetchError("D805", f"{url}: more than {s.max_redirects} redirects ({' -> '.join(seen)})",
                         hint="give the final address, or raise max_redirects")
