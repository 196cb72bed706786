"""Across the pages of a PDF: each page's lines (:class:`PageText`), running headers and footers found and removed,
and the page texts in order (:func:`page_texts`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .pdf_layout import Line, Word, mask_digits, paragraphs, reading_order


# A line that is only a page number: "12", "- 12 -", "Page 3 of 10", "p. 4", "стр. 5".
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|стр\.?|səh\.?|seite)?\s*[-–—(\[]?\s*\d{1,6}\s*[-–—)\]]?(?:\s*(?:of|/|из)\s*\d{1,6})?$",
    re.IGNORECASE,
)


_EDGE_LINES = 3          # lines at the top and at the bottom of a page that may be running headers/footers


_OUTER_SHARE = 0.2       # ... or, carrying a page number, the outermost line of at least this share of pages


_REPEAT_SHARE = 0.4      # a masked edge line on at least this share of pages is a running header/footer


@dataclass
class PageText:
    main: list[Line]            # lines in the page's dominant direction, top to bottom (for header detection)
    words: list[Word]           # words in the dominant direction, in its frame
    other: list[Line]           # lines in other directions (margin notes, rotated labels)
    chars: int                   # characters after removing duplicates and unmapped glyphs
    scanned: bool                # images cover much of the page and there is little text
    rotated: bool


def page_texts(pages: list[PageText | None]) -> list[str]:
    """Remove running headers/footers across pages, then lay out each page's text."""
    keys_per_page: list[set[str]] = []
    for p in pages:
        keys: set[str] = set()
        if p is not None:
            edge = p.main[:_EDGE_LINES] + p.main[-_EDGE_LINES:] + p.other
            keys = {mask_digits(ln.text) for ln in edge}
        keys_per_page.append(keys)
    with_text = sum(1 for p in pages if p is not None and p.words)
    counts = Counter(k for keys in keys_per_page for k in keys)
    # Outermost lines only (the very first or last line of a page), for the weaker rule below.
    outer = Counter(
        k for p in pages if p is not None and p.main
        for k in {mask_digits(p.main[0].text), mask_digits(p.main[-1].text)}
    )
    running: set[str] = set()
    if with_text >= 2:
        need = max(2, math.ceil(_REPEAT_SHARE * with_text))
        running = {k for k, n in counts.items() if n >= need and k}
        # Alternating or irregular running heads that carry a page number ("74 UE 8. Circulation"): the
        # outermost line of at least a fifth of the pages, with a number in it and some words around it.
        need_outer = max(3, math.ceil(_OUTER_SHARE * with_text))
        running |= {k for k, n in outer.items() if n >= need_outer and "#" in k and len(k) >= 12}
    texts = [_page_text(p, running, with_text >= 2) for p in pages]
    if not any(texts) and any(p is not None and (p.words or p.other) for p in pages):
        # Every line was taken for page furniture (image pages that each carry the same label): keep them, so
        # the document is flagged for little text instead of coming out empty.
        texts = [_page_text(p, set(), False) for p in pages]
    return texts


def _page_text(p: PageText | None, running: set[str], numbered: bool) -> str:
    """One page's text without its running lines (and lone page numbers when ``numbered``)."""
    if p is None:
        return ""
    drop: set[int] = set()
    for ln in p.main[:_EDGE_LINES] + p.main[-_EDGE_LINES:]:
        if mask_digits(ln.text) in running or (numbered and _PAGE_NUMBER.match(ln.text.strip())):
            drop.update(id(w) for w in ln.words)
    words = [w for w in p.words if id(w) not in drop]
    body = paragraphs(reading_order(words)) if words else ""
    extra = [ln.text for ln in p.other if mask_digits(ln.text) not in running]
    if extra:
        body = (body + "\n\n" if body else "") + "\n".join(extra)
    return body
