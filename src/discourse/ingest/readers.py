"""Turn the bytes of one input into a :class:`~discourse.ingest.document.DocumentText`.

:func:`detect_kind` decides what a file is (magic bytes first, then the extension) and :func:`read` dispatches
to the reader of that kind (``ingest/pdf.py``, ``ingest/html.py``, ``ingest/text.py``, ``ingest/docx.py``).
Every reader returns text already passed through :func:`discourse.normalize.normalize_text`; anything that goes
wrong becomes an :class:`~discourse.errors.IngestError` naming the file and the cause -- no other exception
leaves :func:`read`.

Reader error codes (D120-D179):

====  ==================  ==========================================================
code  reason              cause
====  ==================  ==========================================================
D120  unknown_kind        neither the content nor the extension says pdf/html/text/docx
D121  too_large           the raw input is larger than ``Limits.max_bytes``
D122  empty_text          the file holds no text at all
D123  too_large           the extracted text is longer than ``Limits.max_text_chars``
D124  reader_error        a parser failed in an unexpected way (the cause is named)
D125  memory              the parser ran out of memory
D126  malformed           a parser hit its recursion limit (deeply nested or looping input)
D127  bad_kind            ``SourceItem.kind`` is not one of pdf/html/text/docx
D13x  (text)              see :mod:`discourse.ingest.text`
D14x  (html)              see :mod:`discourse.ingest.html`
D15x  (pdf)               see :mod:`discourse.ingest.pdf`
D17x  (docx)              see :mod:`discourse.ingest.docx`
====  ==================  ==========================================================
"""

from __future__ import annotations

import os

from ..errors import IngestError
from . import docx, html, pdf, text
from .document import DocumentText, Limits, SourceItem

__all__ = ["detect_kind", "read", "KINDS", "EXTENSIONS"]

KINDS = ("pdf", "html", "text", "docx")
# The reader module of each kind; its ``read_<kind>`` is looked up when called (so it can be replaced in tests).
_READERS = {"pdf": pdf, "html": html, "text": text, "docx": docx}

#: File extensions (lower case, with dot) and the kind they imply when the content does not say.
EXTENSIONS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".docx": "docx",
}

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<title")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def detect_kind(path: str, head: bytes) -> str:
    """Return ``'pdf'``, ``'html'``, ``'text'`` or ``'docx'`` for a file, from its first bytes, then its name.

    Parameters
    ----------
    path:
        File name or ``archive::member`` (only the extension is used).
    head:
        The first bytes of the file (1-4 KiB is plenty).

    Magic bytes win over the extension (``%PDF-`` in the first KiB is a PDF, a ZIP holding ``word/`` is a DOCX,
    markup such as ``<html`` is HTML); otherwise the extension decides. A file that neither identifies is
    refused with D120.

    >>> detect_kind("speech.bin", b"%PDF-1.7\\n...")
    'pdf'
    >>> detect_kind("notes.txt", b"Plain words")
    'text'
    """
    ext = os.path.splitext(str(path).split("::")[-1])[1].lower()
    by_ext = EXTENSIONS.get(ext)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if by_ext == "docx" or b"word/" in head or b"[Content_Types].xml" in head:
            return "docx"
        raise IngestError(
            "D120",
            f"{path}: a ZIP archive that is not a Word document (.docx)",
            hint="unpack the archive and ingest its files, or pass a .docx file",
            reason="unknown_kind",
        )
    probe = head[:2048]
    for bom in _BOMS:
        if probe.startswith(bom):
            probe = probe[len(bom):]
            break
    if probe[:200].count(b"\x00") > 10:
        # UTF-16 text: look at the markup with the NUL bytes taken out.
        probe = probe.replace(b"\x00", b"")
    lowered = probe.lstrip().lower()
    if by_ext in (None, "html", "text"):
        if lowered.startswith((b"<!doctype html", b"<html")) or (
            lowered.startswith((b"<", b"<?xml")) and any(m in lowered for m in _HTML_MARKERS)
        ):
            return "html"
    if by_ext is not None:
        return by_ext
    raise IngestError(
        "D120",
        f"{path}: unknown file type (extension {ext or '(none)'!r}, content not recognized as PDF, HTML or DOCX)",
        hint="give text files a .txt extension and web pages .html; supported: " + ", ".join(sorted(EXTENSIONS)),
        reason="unknown_kind",
    )


def read(item: SourceItem, limits: Limits = Limits()) -> DocumentText:
    """Read one input with the reader for ``item.kind`` and return its normalized text.

    Parameters
    ----------
    item:
        The input (source name, bytes, kind, metadata, optional PDF password).
    limits:
        Size, page and text limits; a file over a limit is refused before it is expanded where possible.

    Raises :class:`~discourse.errors.IngestError` (and nothing else) when the file is refused.

    >>> from discourse.ingest.document import SourceItem
    >>> read(SourceItem("a.txt", "Caf\\u00e9\\r\\n".encode("utf-8"), "text")).text
    'Café'
    """
    source = item.source
    if item.kind not in KINDS:
        raise IngestError(
            "D127",
            f"{source}: unknown reader kind {item.kind!r}",
            hint="kind must be one of " + ", ".join(KINDS),
            reason="bad_kind",
        )
    if len(item.data) > limits.max_bytes:
        raise IngestError(
            "D121",
            f"{source}: file is {len(item.data):,} bytes, over the limit of {limits.max_bytes:,} bytes",
            hint="raise Limits(max_bytes=...) in Python if the file is genuine",
            reason="too_large",
        )
    try:
        doc = getattr(_READERS[item.kind], f"read_{item.kind}")(item, limits)
    except IngestError:
        raise
    except MemoryError:
        raise IngestError(
            "D125",
            f"{source}: ran out of memory while parsing",
            hint="raise the memory limit (Limits.memory_mb) if the file is genuine, or split it",
            reason="memory",
        ) from None
    except RecursionError:
        raise IngestError(
            "D126",
            f"{source}: malformed {item.kind.upper()}: structure nested too deeply or looping (recursion limit hit)",
            hint="repair the file (e.g. `qpdf in.pdf out.pdf` for PDFs) or re-export it",
            reason="malformed",
        ) from None
    except Exception as exc:  # any parser failure becomes a clear refusal
        raise IngestError(
            "D124",
            f"{source}: the {item.kind} reader failed: {type(exc).__name__}: {_short(exc)}",
            hint="the file is probably damaged; re-export or repair it",
            reason="reader_error",
        ) from None
    if not doc.text:
        raise IngestError(
            "D122",
            f"{source}: no text found",
            hint="the file is empty or holds only markup/images",
            reason="empty_text",
        )
    if len(doc.text) > limits.max_text_chars:
        raise IngestError(
            "D123",
            f"{source}: extracted text has {len(doc.text):,} characters, over the limit of "
            f"{limits.max_text_chars:,}",
            hint="raise Limits.max_text_chars if the document is genuine",
            reason="too_large",
        )
    return doc


# -- helpers shared by the readers ---------------------------------------------------------------------------


def _short(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip() or repr(exc)
    return text if len(text) <= limit else text[: limit - 3] + "..."
