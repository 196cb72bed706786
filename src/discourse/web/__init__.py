"""Fetching speeches from the web: a polite, defensive HTTP client, robots.txt, feeds, and the fetch commands.

Modules:

* :mod:`~discourse.web.client`: the HTTP client (httpx): robots.txt, delay per host, User-Agent with a contact,
  conditional requests, retries with capped exponential backoff honouring ``Retry-After``, timeouts, a size
  limit, gzip/deflate decoded with a ceiling, redirects checked hop by hop, private addresses refused.
* :mod:`~discourse.web.addresses`: which URLs and addresses may be fetched.
* :mod:`~discourse.web.robots`: robots.txt per origin (``urllib.robotparser``).
* :mod:`~discourse.web.charset`: the page's charset from the headers and the page.
* :mod:`~discourse.web.feeds`: RSS/Atom feeds (feedparser) and URL lists.
* :mod:`~discourse.web.fetch`: ``fetch_feed``, ``fetch_urls``, ``fetch_sources``: fetched pages into the store
  (raw responses kept) and through the ordinary readers into documents.

Layer: above :mod:`discourse.ingest` and :mod:`discourse.store` (it uses both), below the CLI. httpx and
feedparser are imported inside the modules that need them, so ``import discourse.web`` stays light.

Error codes: D800-D849 (:class:`~discourse.errors.FetchError`), listed in ``docs/fetch.md``.
"""

from __future__ import annotations

__all__ = ["FetchSettings", "fetch_feed", "fetch_urls", "fetch_sources", "extract_pending"]


def __getattr__(name):  # lazy: keep `import discourse.web` free of httpx
    if name == "FetchSettings":
        from .client import FetchSettings

        return FetchSettings
    if name in ("fetch_feed", "fetch_urls", "fetch_sources", "extract_pending"):
        from . import fetch

        return getattr(fetch, name)
    raise AttributeError(name)
