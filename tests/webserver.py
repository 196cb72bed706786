"""A local HTTP server for the fetch tests: 127.0.0.1, port 0, one thread in the test process.

Routes map a path to a handler ``fn(request) -> (status, headers, body)`` (``body`` bytes, or an iterable of
chunks sent with pauses for slow responses); :func:`static` serves fixed bytes with an ETag and honours
``If-None-Match``. Every request is logged (path, headers) so tests can count what was fetched. Every page and
feed here is illustrative, generated for the tests.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from dataclasses import dataclass, field

__all__ = ["Server", "static", "html_page", "rss"]


@dataclass
class Request:
    path: str
    headers: dict
    n: int  # how many times this path was requested, this one included
    t: float = 0.0  # time.monotonic() when it arrived
    status: int | None = None  # what the server answered


def static(body: bytes, content_type: str = "text/html; charset=utf-8", extra: dict | None = None):
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def handler(request: Request):
        if request.headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        headers = {"Content-Type": content_type, "ETag": etag}
        headers.update(extra or {})
        return 200, headers, body

    return handler


def html_page(title: str, paragraphs: list[str], date: str | None = None, lang: str | None = "en") -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    lang_attr = f' lang="{lang}"' if lang else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html{lang_attr}><head><meta charset=\"utf-8\"><title>{title}</title>{meta}</head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Illustrative site</footer></body></html>").encode("utf-8")


def rss(base: str, items: list[tuple[str, str, str]], language: str = "en") -> bytes:
    """An RSS 2.0 feed; items are (path, title, RFC 822 date)."""
    entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate>"
                      f"<guid>{base}{p}</guid></item>" for p, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Illustrative feed</title>'
            f"<link>{base}/</link><description>Generated for the tests</description><language>{language}</language>"
            f"{entries}</channel></rss>").encode("utf-8")


@dataclass
class Server:
    routes: dict = field(default_factory=dict)
    log: list = field(default_factory=list)

    def __post_init__(self):
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                path = self.path
                with server._lock:
                    server._counts[path] = server._counts.get(path, 0) + 1
                    request = Request(path, {k.lower(): v for k, v in self.headers.items()}, server._counts[path],
                                      time.monotonic())
                    server.log.append(request)
                handler = server.routes.get(path)
                if handler is None:
                    status, headers, body = (404, {"Content-Type": "text/plain"}, b"not found")
                else:
                    status, headers, body = handler(request)
                request.status = status
                try:
                    self.send_response(status)
                    chunks = None
                    if not isinstance(body, (bytes, bytearray)):
                        chunks = body
                        headers = {**headers, "Connection": "close"}
                    else:
                        headers = {"Content-Length": str(len(body)), **headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if chunks is None:
                        self.wfile.write(body)
                    else:
                        self.close_connection = True
                        for chunk in chunks:
                            if isinstance(chunk, (int, float)):
                                time.sleep(chunk)
                                continue
                            self.wfile.write(chunk)
                            self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        class Quiet(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client killed or gone mid-response: expected
                server.errors += 1

        self.errors = 0
        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def count(self, path: str, status: int | None = None) -> int:
        return sum(1 for r in self.log if r.path == path and (status is None or r.status == status))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
