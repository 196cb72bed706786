"""The explorer: a local web page that goes from a number to the sentences behind it (``discourse explore``).

:func:`create_app` (in ``app.py``) builds the Starlette application over a store opened **read-only**;
:func:`prepare` brings the store's caches up to date before serving (match cache, full-text index, shipped
indicators: the only writes, made before the server starts and never while it serves); :func:`serve` runs it
with uvicorn on 127.0.0.1 (a free port with ``port=0``) and :func:`start_in_thread` does the same in a
background thread (tests, benchmarks). Views, shortcuts and safety: ``docs/explore.md``.

Starlette, uvicorn and Jinja2 are imported inside the functions that need them, so ``import discourse.cli``
stays light.

Error codes (ExploreError, D850-D869): D850 no store at the path / the address cannot be bound; D851 a bad
query parameter (country, year, filter); D852 no such document or page; D853 a POST without a valid CSRF
token; D854 a timeline without terms or countries; D855 phrases need the full-text index, not built yet;
D856 the coding view needs the validation stage; D857 a request for a host other than the allowed local
names; D858 a code that cannot be stored as sent (no coder, unknown sample, nothing chosen).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import DiscourseError, ExploreError

__all__ = ["create_app", "prepare", "serve", "start_in_thread", "bind", "Running"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def create_app(*args, **kwargs):
    """See :func:`discourse.explore.app.create_app`."""
    from .app import create_app as _create

    return _create(*args, **kwargs)


def prepare(db, lexicon=None, *, progress: bool = False) -> dict:
    """Bring the caches the explorer reads up to date (one writing connection, closed before serving).

    Matches the documents not yet matched with ``lexicon``, builds or extends the full-text index, and loads
    the shipped indicators; returns ``{"matched": n_documents, "hits": n, "fts_added": n}``.
    """
    from ..corpus import Corpus
    from ..indicators import load_shipped
    from ..lexicon import load_lexicon
    from ..match import match_corpus
    from ..store import matches as _sql

    lexicon = lexicon if lexicon is not None and not isinstance(lexicon, (str, Path)) else load_lexicon(lexicon)
    with Corpus.open(db, create=False) as corpus:
        summary = match_corpus(corpus, lexicon, progress=progress)
        with corpus.store.write() as conn:
            added = _sql.ensure_fts(conn)
        try:
            load_shipped(corpus)
        except DiscourseError:  # indicators are optional for the explorer; the overview says when absent
            pass
    return {"matched": summary["documents"], "hits": summary["hits"], "fts_added": added}


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening socket on ``host:port`` (``port=0``: a free port chosen by the system); D850 if impossible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, int(port)))
    except OSError as exc:
        sock.close()
        raise ExploreError("D850", f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                           hint="choose another port (0 picks a free one) or another host address") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _server(app, sock: socket.socket):
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def serve(app, sock: socket.socket) -> None:
    """Serve ``app`` on the bound socket until interrupted (Ctrl-C)."""
    server = _server(app, sock)
    server.run(sockets=[sock])


@dataclass
class Running:
    """A server started by :func:`start_in_thread`; ``stop()`` shuts it down and joins the thread."""

    url: str
    server: object
    thread: threading.Thread
    app: object

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(app, host: str = "127.0.0.1", port: int = 0, timeout: float = 20.0) -> Running:
    """Start serving ``app`` in a daemon thread; return once it accepts connections."""
    sock = bind(host, port)
    server = _server(app, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="discourse-explore")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ExploreError("D850", f"the explorer did not start on {url_of(sock)}", hint="see the log above")
        time.sleep(0.02)
    return Running(url_of(sock), server, thread, app)
