"""Stores for the explorer's tests: the demo corpus (as scripts/main_job.py builds it) and a hostile one."""

from __future__ import annotations

from pathlib import Path

from discourse import Corpus
from discourse.normalize import count_words, normalize_text, text_sha256
from discourse.store.documents import upsert_document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "examples"
EVENTS = ROOT / "corpus" / "events.csv"

HOSTILE_TITLE = 'Speech </script><script>alert("title")</script> & "quotes" <b>bold</b>'
HOSTILE_TEXT = ('=HYPERLINK("http://example.invalid") Euro-Atlantic integration is our choice. '
                '</script><script>alert("text")</script> Our strategic partnership with Russia <img src=x onerror=alert(1)> '
                'matters. The CIS and the CIS again. Euro-Atlantic integration, Euro-Atlantic integration.')
HOSTILE_EVENT = '</script><script>alert("event")</script>'


def build_demo(db: Path) -> Path:
    """The demo corpus ingested with its manifest, matched and indexed (as ``discourse explore`` prepares it)."""
    from discourse.explore import prepare

    with Corpus.open(db) as corpus:
        result = corpus.ingest([EXAMPLES], manifest=EXAMPLES / "manifest.csv")
        assert result.failed == []
    prepare(db)
    return db


def add(corpus, text: str, *, date: str, title: str | None = None, country: str = "AZE", doc_type: str = "speech",
        language: str = "en") -> str:
    text = normalize_text(text)
    record = {"sha256": text_sha256(text), "date": date, "year": int(date[:4]), "country": country, "title": title,
              "doc_type": doc_type, "language": language, "extractor": "test", "extractor_version": "1", "pages": 1,
              "chars": len(text), "words": count_words(text), "sentences": 3}
    with corpus.store.write() as conn:
        return upsert_document(conn, record, text, [0])[0]


def build_hostile(base: Path) -> tuple[Path, Path, str]:
    """A store with one document whose title and text carry markup and a formula, and an events file with a
    hostile label; returns (store, events file, document id)."""
    from discourse.explore import prepare

    db = base / "hostile.sqlite"
    with Corpus.open(db) as corpus:
        doc = add(corpus, HOSTILE_TEXT, date="2015-05-05", title=HOSTILE_TITLE)
    prepare(db)
    events = base / "events.csv"
    events.write_text('date,end_date,label,kind,source\n2015-03-01,,"' + HOSTILE_EVENT.replace('"', '""') + '",war,\n',
                      encoding="utf-8")
    return db, events, doc


def copy_store(src: Path, dst: Path) -> Path:
    """A consistent copy of a store (SQLite's backup API, WAL included)."""
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst
