"""Where to fetch from: RSS/Atom feeds (feedparser), URL lists and CSV manifests of URLs, and
``corpus/sources.csv``.

Each yields :class:`Target` objects: a URL and the metadata known for it (a feed entry's title and date, a list
row's columns, a sources.csv row), validated like every other metadata (``discourse.metadata``).
"""

from __future__ import annotations

import csv
import io
import os
import urllib.parse
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import FetchError, IngestError
from ..metadata import DocumentMeta, validate_metadata

__all__ = ["Target", "parse_feed", "read_url_list", "read_sources", "META_COLUMNS"]

#: Metadata columns a CSV list of URLs may have (besides ``url``).
META_COLUMNS = tuple(f.name for f in fields(DocumentMeta) if f.name not in ("country_kind", "source_url"))


@dataclass(frozen=True)
class Target:
    """One page to fetch: its URL, the metadata known for it and where it came from (for messages)."""

    url: str
    meta: DocumentMeta = DocumentMeta()
    where: str = ""


def _iso(struct) -> str | None:
    if not struct:
        return None
    try:
        return f"{struct.tm_year:04d}-{struct.tm_mon:02d}-{struct.tm_mday:02d}"
    except AttributeError:
        return None


def _lang(value: str | None) -> str | None:
    code = (value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return code if len(code) == 2 and code.isalpha() else None


def parse_feed(body: bytes, url: str) -> tuple[list[Target], dict]:
    """Entries of an RSS or Atom feed as targets, newest first as the feed lists them, and the feed's own
    title and language. A body that is no feed at all is D816.

    Entry metadata: ``title``, ``date`` (published, else updated) and the feed's language; relative links
    are resolved against the feed's URL.
    """
    import feedparser  # deferred: only the feed commands need it

    if b"<!ENTITY" in body[:65536].upper():  # feeds never need entity declarations: no expansion attempted
        raise FetchError("D816", f"{url}: the feed declares XML entities (<!ENTITY ...>); refused",
                         hint="a genuine feed does not declare entities; check the address")
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    version = getattr(parsed, "version", "") or ""
    if not version and not parsed.entries:
        cause = getattr(parsed, "bozo_exception", None)
        raise FetchError("D816", f"{url}: not an RSS or Atom feed" + (f" ({cause})" if cause else ""),
                         hint="give the address of the feed itself (it usually ends in .xml, /rss or /feed)")
    info = {"title": parsed.feed.get("title"), "language": _lang(parsed.feed.get("language")),
            "version": version}
    targets: list[Target] = []
    for i, entry in enumerate(parsed.entries, 1):
        link = entry.get("link")
        if not link:
            for candidate in entry.get("links", []):
                if candidate.get("href"):
                    link = candidate["href"]
                    break
        if not link:
            continue
        link = urllib.parse.urldefrag(urllib.parse.urljoin(url, link.strip()))[0]
        title = (entry.get("title") or "").strip() or None
        date = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        meta = DocumentMeta(title=title, date=date, language=info["language"])
        where = f"{url} entry {i}"
        try:
            meta = validate_metadata(meta, where)
        except IngestError:  # a feed's odd value is not worth losing the entry: keep what validates
            meta = DocumentMeta(title=title)
        targets.append(Target(link, meta, where))
    return targets, info


def _meta_from_row(row: dict, where: str) -> DocumentMeta:
    values = {}
    for name in META_COLUMNS:
        value = (row.get(name) or "").strip()
        if value:
            values[name] = int(value) if name in ("year", "session") and value.isdigit() else value
    return validate_metadata(DocumentMeta(**values), where)


def read_url_list(path: str | os.PathLike) -> list[Target]:
    """A list of URLs: one a line (blank lines and ``#`` comments skipped), or a CSV manifest with a header
    holding ``url`` and any of :data:`META_COLUMNS`.

    The whole file is checked before anything is fetched: a line that is not an http(s) URL is D800, an
    unknown column D818, a bad value the metadata code (D110-D115), each naming the line.
    """
    from .addresses import check_url

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError("D818", f"{p}: cannot read the list of URLs ({exc})",
                         hint="give a UTF-8 text file with one URL a line, or a CSV with a url column") from None
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    targets: list[Target] = []
    if "," in first and "url" in [c.strip().lower() for c in next(csv.reader([first]))]:
        reader = csv.DictReader(io.StringIO(text))
        header = [(c or "").strip().lower() for c in reader.fieldnames or []]
        unknown = [c for c in header if c and c != "url" and c not in META_COLUMNS]
        if unknown:
            raise FetchError("D818", f"{p} line 1: unknown column(s) {', '.join(map(repr, unknown))}",
                             hint="columns: url, " + ", ".join(META_COLUMNS))
        reader.fieldnames = header
        for row in reader:
            where = f"{p} line {reader.line_num}"
            if None in row:
                raise FetchError("D818", f"{where}: more cells than columns",
                                 hint="quote cells that contain commas")
            url = (row.get("url") or "").strip()
            if not url:
                raise FetchError("D818", f"{where}: empty url cell", hint="every row needs a url")
            check_url(url, where)
            targets.append(Target(url, _meta_from_row(row, where), where))
        return targets
    for n, line in enumerate(text.splitlines(), 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        where = f"{p} line {n}"
        check_url(url, where)
        targets.append(Target(url, DocumentMeta(), where))
    return targets


SOURCES_COLUMNS = ("id", "title", "date", "doc_type", "country", "speaker", "languages", "official_url")


def read_sources(path: str | os.PathLike, ids=None) -> list[Target]:
    """The documents of ``corpus/sources.csv`` (or ``ids`` among them) with their metadata: title, date, type,
    country, speaker, and the language when the row names exactly one. An unknown id is D819."""
    p = Path(path)
    try:
        rows = list(csv.DictReader(p.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError("D818", f"{p}: cannot read the sources table ({exc})",
                         hint="give the path of corpus/sources.csv") from None
    missing = [c for c in SOURCES_COLUMNS if rows and c not in rows[0]]
    if missing or not rows:
        raise FetchError("D818", f"{p}: not a sources table (missing column(s) {', '.join(missing) or 'all'})",
                         hint="columns: " + ", ".join(SOURCES_COLUMNS))
    known = [r["id"] for r in rows]
    wanted = list(ids or [])
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise FetchError("D819", f"{p}: no source with id {', '.join(map(repr, unknown))}",
                         hint="ids: " + ", ".join(known))
    targets = []
    for n, row in enumerate(rows, 2):
        if wanted and row["id"] not in wanted:
            continue
        where = f"{p} line {n} ({row['id']})"
        languages = [x.strip() for x in (row.get("languages") or "").split(";") if x.strip()]
        meta = DocumentMeta(title=row["title"] or None, date=row["date"] or None, doc_type=row["doc_type"] or None,
                            country=row["country"] or None, speaker=row["speaker"] or None,
                            language=languages[0] if len(languages) == 1 else None,
                            source_url=row["official_url"] or None)
        url = (row["official_url"] or "").strip()
        if not url:
            continue
        targets.append(Target(url, validate_metadata(meta, where), where))
    return targets
