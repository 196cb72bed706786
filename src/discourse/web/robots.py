"""robots.txt, one per origin, read once per client and honoured for every request (``urllib.robotparser``).

What a robots.txt answer means (as the major crawlers read it): 200 parse the rules; 401/403 everything
disallowed; any other 4xx (no robots.txt) everything allowed; 5xx or no answer after the retries: nothing is
fetched from that origin in this run (D804), because an unreachable robots.txt does not mean permission.
The rules are matched for the product token ``discourse``; a ``Crawl-delay`` longer than the client's
``min_delay`` is used for that host.
"""

from __future__ import annotations

import urllib.parse
import urllib.robotparser

from ..errors import FetchError

__all__ = ["RobotsCache", "AGENT"]

AGENT = "discourse"
MAX_ROBOTS_BYTES = 512 * 1024


class RobotsCache:
    """robots.txt per origin for one :class:`~discourse.web.client.Client`."""

    def __init__(self, client):
        self.client = client
        self._parsers: dict[str, urllib.robotparser.RobotFileParser | FetchError] = {}

    def _origin(self, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}"

    def _load(self, origin: str):
        url = origin + "/robots.txt"
        parser = urllib.robotparser.RobotFileParser(url)
        try:
            response = self.client.get(url, robots=False, raise_status=False)
        except FetchError as exc:
            if exc.code in ("D806", "D807", "D808", "D809"):
                return FetchError("D804", f"{url}: robots.txt could not be read ({exc.message}); nothing is "
                                  "fetched from this site in this run",
                                  hint="the site is down or refusing; try again later")
            return exc
        if response.status in (401, 403):
            parser.disallow_all = True
        elif 400 <= response.status < 500:
            parser.allow_all = True
        else:  # 200 (or 304, which cannot happen without validators)
            text = response.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
        return parser

    def check(self, url: str) -> float:
        """Raise D803 when robots.txt disallows ``url`` (D804 when it cannot be read); return the crawl delay
        for its host (0 when none is set)."""
        origin = self._origin(url)
        parser = self._parsers.get(origin)
        if parser is None:
            parser = self._parsers[origin] = self._load(origin)
        if isinstance(parser, FetchError):
            raise parser
        if not parser.can_fetch(AGENT, url):
            raise FetchError("D803", f"{url}: disallowed by {origin}/robots.txt for {AGENT}",
                             hint="the site asks robots not to fetch this page: save it by hand if you may use "
                             "it, or ask the site's owner")
        delay = parser.crawl_delay(AGENT)
        return float(delay) if delay else 0.0
