"""DOCX reader: paragraphs of the main document, after ZIP safety checks, with a hardened XML parser.

The container is checked first (:mod:`discourse.ingest._zipsafe`: member count, sizes, compression ratio, member
names). ``word/document.xml`` is parsed with defusedxml, which refuses DTDs and entity declarations, so neither
billion-laughs expansion nor external entities are possible. Every paragraph (body and table cells, in document
order) becomes a paragraph separated by a blank line; tracked deletions are skipped, insertions kept. Headers,
footers and comments are left out. The title comes from ``docProps/core.xml`` (``dc:title``); its creation date
is not the document's date and is not used.

Error codes: D173 XML entities or DTD, D174 malformed XML, D175 not a Word document (no word/document.xml).
"""

from __future__ import annotations

from ..errors import IngestError
from ..metadata import DocumentMeta
from ._zipsafe import open_zip, read_member
from .assemble import assemble
from .document import DocumentText, Limits, SourceItem

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"


def _parse(xml: bytes, source: str, member: str):
    import defusedxml.ElementTree as SafeET  # deferred: defusedxml loads only for Word files
    from defusedxml import DefusedXmlException
    from xml.etree.ElementTree import ParseError  # deferred: defusedxml loads only for Word files

    try:
        return SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise IngestError(
            "D173",
            f"{source}: {member} declares a DTD or XML entities ({type(exc).__name__}); refused",
            hint="Word never writes entity declarations; the file was crafted or damaged",
            reason="xml_entities",
        ) from None
    except ParseError as exc:
        raise IngestError(
            "D174",
            f"{source}: {member} is not well-formed XML: {exc}",
            hint="open the document in a word processor and save it again",
            reason="malformed_xml",
        ) from None


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == _W + "t" and el.text:
            parts.append(el.text)
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
    return "".join(parts).strip()


def read_docx(item: SourceItem, limits: Limits = Limits()) -> DocumentText:
    """Read a Word document (.docx) into paragraphs separated by blank lines.

    Parameters
    ----------
    item:
        The DOCX bytes.
    limits:
        ``max_zip_ratio``, ``max_zip_member_bytes``, ``max_bytes`` bound what the container may expand to.
    """

    source = item.source
    zf = open_zip(item.data, source, limits)
    xml = read_member(zf, "word/document.xml", source, limits)
    if xml is None:
        raise IngestError(
            "D175",
            f"{source}: not a Word document: the archive has no word/document.xml",
            hint="pass .docx files saved by a word processor",
            reason="not_docx",
        )
    root = _parse(xml, source, "word/document.xml")
    paragraphs: list[str] = []
    body = root.find(_W + "body")
    for p in (body if body is not None else root).iter(_W + "p"):
        text = _paragraph_text(p)  # w:delText (tracked deletions) is not w:t, so it is left out
        if text:
            paragraphs.append(text)
    title = None
    core = read_member(zf, "docProps/core.xml", source, limits)
    if core:
        node = _parse(core, source, "docProps/core.xml").find(_DC + "title")
        if node is not None and node.text and node.text.strip():
            title = node.text.strip()
    import defusedxml  # deferred: defusedxml loads only for Word files

    return assemble(
        ["\n\n".join(paragraphs)],
        extractor="discourse-docx",
        extractor_version=f"defusedxml {defusedxml.__version__}",
        meta=DocumentMeta(title=title),
    )
