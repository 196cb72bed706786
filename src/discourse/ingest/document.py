"""What readers produce and what the pipeline consumes.

A reader turns the bytes of one file into one :class:`DocumentText` (or raises
:class:`~discourse.errors.IngestError`); it never touches the store. The pipeline wraps every input, whether a
file on disk or a member of an archive, as a :class:`SourceItem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..metadata import DocumentMeta

__all__ = ["DocumentText", "SourceItem", "Limits", "QUALITY_FLAGS"]

# Quality flags a document can carry (stored comma-separated in documents.quality_flags).
QUALITY_FLAGS = (
    "recovered",        # the parser repaired a broken file (bad xref, damaged stream) to read it
    "partial_text",     # some pages or streams could not be read; the text is incomplete
    "no_text_layer",    # pages without a text layer (scanned); an OCR hint is given
    "little_text",      # nearly no text for the number of pages (e.g. image pages with a stray label)
    "unmapped_glyphs",  # glyphs without a Unicode mapping were dropped; see unmapped_share
    "rotated",          # rotated pages or text
    "duplicate_glyphs", # doubled glyphs (fake bold) were removed
    "language_uncertain",  # no layer gave the language and its detection was unsure (ingest/language.py)
    "encoding_guessed", # a text file that is not UTF-8 was read in a guessed legacy encoding
    "invalid_bytes",    # invalid UTF-8 byte sequences were replaced by U+FFFD
)


@dataclass(frozen=True)
class DocumentText:
    """The text of one document as a reader extracted it.

    ``text`` is already normalized (:func:`discourse.normalize.normalize_text` applied per page and joined);
    ``page_starts`` holds the character offset at which each page begins (``(0,)`` for unpaged input), so a hit
    at offset ``i`` is on page ``bisect_right(page_starts, i)``. ``meta`` carries what the file itself states
    (an HTML title or date, a PDF's /Title); manifest and CLI metadata override it.
    """

    text: str
    page_starts: tuple[int, ...] = (0,)
    extractor: str = ""
    extractor_version: str = ""
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    quality_flags: frozenset[str] = frozenset()
    unmapped_share: float | None = None
    warnings: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return len(self.page_starts)


@dataclass(frozen=True)
class SourceItem:
    """One input to ingest: where it came from, its raw bytes, its type and the metadata known for it.

    ``source`` is a resolved file path or ``archive::member``; ``kind`` is ``pdf``, ``html``, ``text`` or
    ``docx``; ``meta`` comes from the manifest, CLI flags or the file name.
    """

    source: str
    data: bytes
    kind: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    password: str | None = field(default=None, repr=False)  # never logged or stored


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to reading one file. Every limit is settable (CLI flags, Python keywords)."""

    max_bytes: int = 200 * 1024 * 1024        # raw input size
    max_pages: int = 2000                      # PDF pages read
    seconds: float = 60.0                      # wall-clock time per file (enforced by the worker pool)
    memory_mb: int = 2048                      # address-space limit of a worker process
    max_html_bytes: int = 20 * 1024 * 1024     # an HTML page larger than this is refused before parsing
    max_text_chars: int = 50_000_000           # extracted text
    max_zip_ratio: float = 100.0               # DOCX/ZIP: uncompressed/compressed size of a member
    max_zip_member_bytes: int = 100 * 1024 * 1024


class ParseHook:
    """Work done on each new document's text in the worker that parsed it, stored with the document.

    The ingest layer knows nothing of what the work is (matching a lexicon while ingesting is
    :class:`discourse.match_ingest.MatchOnIngest`); it calls, in this order:

    * ``prepare(conn)`` once, in the parent, in a write transaction before anything is parsed;
    * ``preload()`` once, in the parent, before the worker processes start (they share what it loads);
    * ``work(records, seconds)`` in a worker after its items are parsed: ``records`` are
      ``(doc_id, language, text, page_starts)`` of the parsed documents; it returns one payload (or None) per
      record and should give up (None) rather than take longer than ``seconds`` in all;
    * ``store(conn, doc_id, language, payload)`` in the parent, inside the savepoint of a document that was just
      added, so the payload is stored with the document or not at all.

    A hook must never make a document fail: the pipeline treats any exception of ``work`` as a None payload.
    """

    def prepare(self, conn) -> None:  # pragma: no cover - interface
        pass

    def preload(self) -> None:  # pragma: no cover - interface
        pass

    def work(self, records: list[tuple], seconds: float | None) -> list:  # pragma: no cover - interface
        return [None] * len(records)

    def store(self, conn, doc_id: str, language: str, payload) -> None:  # pragma: no cover - interface
        pass

