"""What a fetched body is (HTML, PDF, text) and how its bytes reach the ordinary readers.

Charset precedence for HTML and text, as browsers apply it: a byte-order mark, then the ``charset`` of the
``Content-Type`` header, then the page's own ``<meta charset>`` (read by the HTML reader), then detection (UTF-8,
else Windows-1251/-1252, see ``docs/readers.md``). A header charset is used only when the bytes decode under it;
a header that lies (``charset=utf-8`` over Windows-1251 bytes) is noted and the page's own declaration or
detection decides instead. A header naming a single-byte Western charset (ISO-8859-1, Windows-1252, ASCII) over
bytes that are valid UTF-8 with non-ASCII characters is read as UTF-8 (a frequent server default).

When the header decides, the body is handed to the reader re-encoded as UTF-8 behind a BOM, which every reader
takes over any declaration inside the page; the stored raw response keeps the original bytes.
"""

from __future__ import annotations

import codecs

from ..errors import FetchError

__all__ = ["content_kind", "reader_bytes", "header_charset"]

_WESTERN = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii", "iso-8859-15"}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
KIND_BY_TYPE = {
    "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf", "application/x-pdf": "pdf",
    "text/plain": "text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower-cased, or None.

    >>> header_charset('text/html; charset="Windows-1251"')
    'windows-1251'
    """
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("'\"").lower()
    return None


def content_kind(url: str, content_type: str | None, body: bytes) -> str:
    """``html``, ``pdf``, ``text`` or ``docx`` from the content itself first (a PDF served as text/html is a
    PDF), then the Content-Type; anything else is refused (D815)."""
    from ..errors import IngestError
    from ..ingest.readers import detect_kind

    mime = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if mime in KIND_BY_TYPE:
        by_type = KIND_BY_TYPE[mime]
        if by_type == "text":
            try:  # a page served as text/plain that is markup after all
                return "html" if detect_kind("page.txt", head) == "html" else "text"
            except IngestError:
                return "text"
        return by_type
    path = url.split("?", 1)[0].split("#", 1)[0]
    try:
        return detect_kind(path if "." in path.rsplit("/", 1)[-1] else path + ".bin", head)
    except IngestError:
        raise FetchError("D815", f"{url}: unsupported content type {mime or '(none)'!r}; only web pages, PDF, "
                         "plain text and DOCX become documents",
                         hint="check that the address points at the speech itself, not a media file") from None


def reader_bytes(body: bytes, content_type: str | None, kind: str) -> tuple[bytes, list[str]]:
    """The bytes to hand to the reader of ``kind`` and notes on the charset decision (empty when nothing
    notable happened)."""
    if kind not in ("html", "text") or body.startswith(_BOMS):
        return body, []
    declared = header_charset(content_type)
    if not declared:
        return body, []
    try:
        codecs.lookup(declared)
    except LookupError:
        return body, [f"unknown charset {declared!r} in the Content-Type header; ignored"]
    if declared in _WESTERN:
        try:
            text = body.decode("utf-8")
            if any(ord(ch) > 127 for ch in text):
                return codecs.BOM_UTF8 + body, [f"header says {declared} but the bytes are UTF-8; read as UTF-8"]
        except UnicodeDecodeError:
            pass
    try:
        text = body.decode(declared)
    except UnicodeDecodeError:
        return body, [f"header says {declared} but the bytes do not decode as {declared}; the page's own "
                      "declaration or detection decided"]
    return codecs.BOM_UTF8 + text.encode("utf-8"), []
