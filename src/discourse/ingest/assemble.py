"""Join a reader's pages into one :class:`~discourse.ingest.document.DocumentText` (shared by every reader).

Below the readers (``pdf``, ``html``, ``text``, ``docx``) and the dispatcher (``readers``), so that none of
them imports another.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..metadata import DocumentMeta
from ..normalize import normalize_text
from .document import DocumentText

__all__ = ["assemble"]


def assemble(
    pages: Iterable[str],
    *,
    extractor: str,
    extractor_version: str,
    meta: DocumentMeta | None = None,
    quality_flags: Iterable[str] = (),
    unmapped_share: float | None = None,
    warnings: Iterable[str] = (),
) -> DocumentText:
    """Normalize each page, join the pages with a blank line and record where each page starts.

    An empty page adds no separator; its start is where the next text begins, so offsets stay monotone and
    ``normalize_text(text) == text`` holds for the joined text.

    >>> d = assemble(["One\\r\\n", "", "Two"], extractor="x", extractor_version="1")
    >>> d.text, d.page_starts
    ('One\\n\\nTwo', (0, 5, 5))
    """
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    pending = False  # a separator is owed before the next non-empty page
    for page in pages:
        norm = normalize_text(page)
        if not norm:
            starts.append(pos + (2 if pending else 0))
            continue
        if pending:
            parts.append("\n\n")
            pos += 2
        starts.append(pos)
        parts.append(norm)
        pos += len(norm)
        pending = True
    text = "".join(parts)
    # Empty trailing pages point at the end of the text, not past it.
    starts = [min(s, len(text)) for s in starts] or [0]
    return DocumentText(
        text=text,
        page_starts=tuple(starts),
        extractor=extractor,
        extractor_version=extractor_version,
        meta=meta or DocumentMeta(),
        quality_flags=frozenset(quality_flags),
        unmapped_share=unmapped_share,
        warnings=tuple(warnings),
    )
