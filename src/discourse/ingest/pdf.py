"""PDF reader on pdfplumber: clean running text in reading order, with page boundaries and quality flags.

What it does, in order:

1. Refuses what is not a PDF (no ``%PDF-`` in the first KiB), opens the document (password if given) and tells
   apart *password-protected*, *wrong password*, *broken /Encrypt dictionary* and *unsupported encryption*.
2. Walks the page tree lazily and refuses a document with more than ``Limits.max_pages`` pages before any page
   content is parsed (a lying ``/Count`` is never trusted; each page object is visited at most once).
3. Per page: removes doubled glyphs (``dedupe_chars``) and glyphs without a Unicode mapping (``(cid:N)``),
   groups the words by writing direction (rotated text is laid out in its own frame), finds column gutters from
   the word x-positions and reads columns one after the other (full-width lines such as titles stay in place).
4. Across pages: lines at the top or bottom of pages that repeat (digits masked, so page numbers and dates
   match) on at least 40 % of the pages are running headers/footers and are removed.
5. Lines are joined into paragraphs (a vertical gap, an indented first line or a short line ending a sentence
   starts a new one); a word hyphenated at a line end is rejoined when the next line continues in lower case.
6. Text-layer checks: no text at all -> refused (``no_text_layer``, OCR hint); image pages with only stray
   labels -> ``little_text``; some scanned pages -> ``no_text_layer`` flag and a warning naming the pages.

Flate streams are inflated with a ceiling (a quarter of ``Limits.memory_mb``, at most 256 MB per stream), so a
decompression bomb is refused instead of exhausting memory.

The reader lives here; the flate ceiling and pdfminer's logs in ``pdf_guard.py``, the layout geometry (words,
lines, gutters, reading order, paragraphs) in ``pdf_layout.py`` and the cross-page work (running headers) in
``pdf_pages.py``.

Error codes: D150 not a PDF, D151 malformed, D152 password-protected, D153 wrong password, D154 broken
encryption dictionary, D155 unsupported encryption, D156 no text layer, D157 too many pages (a timeout is the
pool's D107, whether the worker's alarm or this reader's check between pages sees it),
D159 decompression bomb, D160 only unmapped glyphs, D161 a page count (/Count) far beyond the limit that the page
tree does not hold.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from itertools import groupby
from operator import itemgetter

from ..errors import IngestError
from ..metadata import DocumentMeta, check_language
from ..normalize import normalize_text
from .assemble import assemble
from .clock import note_page, timeout_message
from .document import DocumentText, Limits, SourceItem
from .pdf_guard import SHIM, StreamTooLarge, bounded_flate, collect_pdfminer_logs
from .pdf_layout import SPACE_RUN, frame_word, group_lines
from .pdf_pages import PageText, page_texts

__all__ = ["read_pdf"]

_CID = re.compile(r"\(cid:\d+\)")
_ENCRYPT_KEYS = {
    "Type", "Filter", "SubFilter", "V", "Length", "CF", "StmF", "StrF", "EFF", "R", "O", "U", "OE", "UE", "P",
    "Perms", "EncryptMetadata", "Recipients",
}
_LINE_DIR = {"ltr": "ttb", "rtl": "btt", "ttb": "rtl", "btt": "ltr"}  # where the next line is, per text direction
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_SCAN_MAX_CHARS = 50     # a page with images over >= 30 % of its area and fewer characters looks scanned


# -- bounded inflation --------------------------------------------------------------------------------------


# -- geometry -----------------------------------------------------------------------------------------------


# -- the reader ---------------------------------------------------------------------------------------------


def _fail(code: str, source: str, message: str, hint: str, reason: str):
    raise IngestError(code, f"{source}: {message}", hint=hint, reason=reason)


def _scrub(text: str, password: str | None) -> str:
    if password:
        text = text.replace(password, "***")
    return text


def _cause_chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        for arg in getattr(exc, "args", ())[:1]:
            if isinstance(arg, BaseException):
                yield arg
        exc = exc.__cause__ or exc.__context__


def _open(data: bytes, item: SourceItem):
    """Open with pdfplumber; map encryption and syntax failures to IngestError."""
    import pdfplumber  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    source, password = item.source, item.password
    try:
        return pdfplumber.PDF(io.BytesIO(data), password=password or "")
    except Exception as exc:
        chain = list(_cause_chain(exc))
        if any(isinstance(c, StreamTooLarge) for c in chain):
            raise
        if any(isinstance(c, RecursionError) for c in chain):
            _fail("D151", source, "malformed PDF: structure nested too deeply or looping (recursion limit hit)",
                  "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it", "malformed_pdf")
        if any(isinstance(c, PDFPasswordIncorrect) for c in chain):
            broken = _encrypt_problem(data)
            if broken:
                _fail("D154", source, f"broken encryption dictionary ({broken}); the file cannot be decrypted",
                      "re-export the PDF without encryption or repair it with `qpdf --decrypt`",
                      "broken_encryption")
            if password is None:
                _fail("D152", source, "password-protected PDF",
                      "pass the password (password=...)", "encrypted")
            _fail("D153", source, "the password given does not open this PDF",
                  "check the password", "bad_password")
        for c in chain:
            if isinstance(c, PDFEncryptionError):
                what = _scrub(str(c) or type(c).__name__, password)[:200]
                _fail("D155", source, f"unsupported PDF encryption: {what}",
                      "decrypt it first, e.g. `qpdf --decrypt --password=... in.pdf out.pdf`",
                      "unsupported_encryption")
        cause = next((c for c in reversed(chain) if str(c).strip()), exc)
        reason = _scrub(str(cause).strip() or type(cause).__name__, password)
        _fail("D151", source, f"malformed PDF: {reason[:300]}",
              "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it", "malformed_pdf")


def _encrypt_problem(data: bytes) -> str | None:
    """Describe what is wrong with the /Encrypt dictionary, or None when it looks valid."""
    from pdfminer.pdfdocument import PDFDocument  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import dict_value  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    found: dict = {}

    class _Peek(PDFDocument):
        def _initialize_password(self, password: str = "") -> None:
            found.update(dict_value(self.encryption[1]))

    try:
        _Peek(PDFParser(io.BytesIO(data)))
    except Exception:
        return None
    if not found:
        return None
    unknown = sorted(k for k in found if k not in _ENCRYPT_KEYS)
    if unknown:
        return "unknown key " + ", ".join("/" + k for k in unknown)
    missing = [k for k in ("Filter", "V", "R", "O", "U", "P") if k not in found]
    if missing:
        return "missing " + ", ".join("/" + k for k in missing)
    length = found.get("Length")
    if length is not None and (not isinstance(length, int) or length % 8 or not 40 <= length <= 256):
        return f"invalid /Length {length!r}"
    return None


def _page_count_claim(pdf) -> int | None:
    from pdfminer.pdftypes import resolve1  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    try:
        pages = resolve1(pdf.doc.catalog.get("Pages"))
        count = resolve1(pages.get("Count")) if isinstance(pages, dict) else None
        return count if isinstance(count, int) else None
    except Exception:
        return None


def _meta(pdf, password: str | None) -> DocumentMeta:
    """What the file states about itself: /Title and the catalog's /Lang (never /CreationDate as a date)."""
    from pdfminer.pdftypes import resolve1  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    title = language = None
    try:
        raw = pdf.metadata.get("Title")
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        if isinstance(raw, str):
            raw = SPACE_RUN.sub(" ", normalize_text(raw)).strip()
            junk = raw.lower().startswith(("microsoft word - ", "untitled")) or re.search(
                r"\.(docx?|pdf|rtf|odt|indd|tex|txt)$", raw.lower()
            )
            if raw and not junk and len(raw) <= 500:
                title = _scrub(raw, password)
    except Exception:
        pass
    try:
        lang = resolve1(pdf.doc.catalog.get("Lang"))
        if isinstance(lang, bytes):
            lang = lang.decode("ascii", "ignore")
        if isinstance(lang, str) and lang.strip():
            language = check_language(re.split(r"[-_]", lang.strip())[0], "pdf")
    except Exception:
        pass
    return DocumentMeta(title=title, language=language)


def _dedupe(chars: list[dict], tolerance: float = 1) -> list[dict]:
    """Drop doubled glyphs (same text, font and size within ``tolerance`` pt), keeping the original order.

    Same rule as pdfplumber's ``dedupe_chars`` without its quadratic re-sort.
    """
    from pdfplumber.utils import cluster_objects  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    key = itemgetter("upright", "text", "fontname", "size")
    order = {id(c): i for i, c in enumerate(chars)}
    keep: list[dict] = []
    for _, group in groupby(sorted(chars, key=key), key=key):
        for y_cluster in cluster_objects(list(group), itemgetter("doctop"), tolerance):
            for x_cluster in cluster_objects(y_cluster, itemgetter("x0"), tolerance):
                keep.append(min(x_cluster, key=itemgetter("doctop", "x0")))
    keep.sort(key=lambda c: order[id(c)])
    return keep


def _read_page(page) -> tuple[PageText, int, int]:
    """Extract one page; return it with (duplicates removed, unmapped glyphs removed)."""
    from pdfplumber.utils import extract_words  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    raw = page.chars
    n_raw = len(raw)
    mapped = [c for c in raw if not _CID.fullmatch(c.get("text", ""))]
    unmapped = n_raw - len(mapped)
    chars = _dedupe(mapped)
    duplicates = len(mapped) - len(chars)
    width, height = float(page.width), float(page.height)
    # Writing direction from each glyph's text matrix: pdfplumber's word grouping assumes top-to-bottom for
    # every rotated glyph, which reverses text that runs upwards (margin notes, rotated figure labels).
    groups: dict[str, list[dict]] = {}
    for c in chars:
        a, b = c["matrix"][0], c["matrix"][1]
        if abs(a) >= abs(b):
            d = "ltr" if a >= 0 else "rtl"
        else:
            d = "btt" if b > 0 else "ttb"
        groups.setdefault(d, []).append(c)
    by_dir: dict[str, list[dict]] = {}
    for d, group in groups.items():
        line_dir = _LINE_DIR[d]
        for w in extract_words(group, x_tolerance=2, y_tolerance=3, keep_blank_chars=False, use_text_flow=False,
                               char_dir=d, line_dir=line_dir, char_dir_rotated=d, line_dir_rotated=line_dir,
                               return_chars=True):
            text = _CID.sub("", w["text"]).strip()
            if text:
                w["text"] = text
                styles = Counter(
                    (bool(_BOLD.search(str(c.get("fontname", "")))), round(float(c.get("size") or 0)))
                    for c in w.pop("chars")
                )
                w["style"] = styles.most_common(1)[0][0]
                w["direction"] = d
                by_dir.setdefault(d, []).append(w)
    if by_dir:
        main_dir = max(by_dir, key=lambda d: sum(len(w["text"]) for w in by_dir[d]))
    else:
        main_dir = "ltr"
    main_words = [frame_word(w, width, height) for w in by_dir.get(main_dir, [])]
    other = []
    for d, ws in by_dir.items():
        if d != main_dir:
            other.extend(group_lines([frame_word(w, width, height) for w in ws]))
    n_chars = sum(1 for c in chars if c.get("text", "").strip())
    image_area = 0.0
    try:
        for im in page.images:
            image_area += max(0.0, float(im["x1"]) - float(im["x0"])) * max(0.0, float(im["bottom"]) - float(im["top"]))
    except Exception:
        pass
    scanned = n_chars < _SCAN_MAX_CHARS and image_area >= 0.3 * width * height
    rotated = bool((page.rotation or 0) % 360) or main_dir != "ltr"
    result = PageText(group_lines(main_words), main_words, other, n_chars, scanned, rotated)
    return result, max(0, duplicates), unmapped


def read_pdf(item: SourceItem, limits: Limits = Limits()) -> DocumentText:
    """Read a PDF into normalized text with page boundaries, metadata and quality flags.

    Parameters
    ----------
    item:
        The PDF bytes; ``item.password`` opens an encrypted file (never logged or stored).
    limits:
        ``max_pages``, ``seconds`` (checked between pages; the worker pool enforces a hard limit too) and
        ``memory_mb`` (sets the per-stream inflation ceiling).
    """
    source, password, data = item.source, item.password, item.data
    if b"%PDF-" not in data[:1024]:
        html = data[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html"))
        _fail("D150", source, "not a PDF (no %PDF- header in the first 1024 bytes"
              + ("; the content is an HTML page)" if html else ")"),
              "check the file: a failed download often saves an HTML error page under a .pdf name", "not_pdf")
    started = time.monotonic()
    cap = min(256, max(16, limits.memory_mb // 4)) * 1024 * 1024
    with collect_pdfminer_logs() as logs, bounded_flate(cap):
        try:
            return _read(item, limits, started, logs)
        except IngestError:
            raise
        except Exception as exc:
            if any(isinstance(c, StreamTooLarge) for c in _cause_chain(exc)):
                bomb = next(c for c in _cause_chain(exc) if isinstance(c, StreamTooLarge))
                _fail("D159", source, f"decompression bomb: {bomb}",
                      "the file expands far beyond any real document; raise the memory limit "
                      "(Limits.memory_mb) if it is genuine",
                      "decompression_bomb")
            if any(isinstance(c, RecursionError) for c in _cause_chain(exc)):
                _fail("D151", source, "malformed PDF: structure nested too deeply or looping (recursion limit hit)",
                      "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it", "malformed_pdf")
            if any(isinstance(c, MemoryError) for c in _cause_chain(exc)):
                raise MemoryError from None
            cause = next((c for c in reversed(list(_cause_chain(exc))) if str(c).strip()), exc)
            _fail("D151", source, f"malformed PDF: {type(cause).__name__}: {_scrub(str(cause), password)[:300]}",
                  "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it", "malformed_pdf")


def _read(item: SourceItem, limits: Limits, started: float, logs: list[str]) -> DocumentText:
    import pdfplumber  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only
    from pdfminer.pdfdocument import PDFXRefFallback
    from pdfminer.pdfpage import PDFPage  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only
    from pdfplumber.page import Page


    source, password = item.source, item.password
    pdf = _open(item.data, item)
    flags: set[str] = set()
    warnings: list[str] = []
    try:
        if any(isinstance(x, PDFXRefFallback) for x in pdf.doc.xrefs):
            flags.add("recovered")
            warnings.append("the cross-reference table is broken; the file was read by scanning its objects")
        claim = _page_count_claim(pdf)
        # Walk the page tree lazily: never more than max_pages + 1 page objects, each at most once.
        page_objs = []
        for obj in PDFPage.create_pages(pdf.doc):
            page_objs.append(obj)
            if len(page_objs) > limits.max_pages:
                said = f" (the page tree says {claim:,})" if claim else ""
                _fail("D157", source, f"more than {limits.max_pages:,} pages{said}",
                      "raise the page limit (Limits.max_pages) or split the file", "too_many_pages")
        if claim is not None and claim > limits.max_pages and claim > 2 * len(page_objs) + 10:
            # Fewer real pages than the limit, but a page count far beyond it: crafted or corrupt.
            _fail("D161", source, f"the page tree claims {claim:,} pages (over the limit of {limits.max_pages:,}) "
                  f"but holds {len(page_objs):,}; refused as a corrupt or crafted page count",
                  "repair it (e.g. `qpdf in.pdf out.pdf` rewrites the page tree) if the file is genuine",
                  "bad_page_count")
        if not page_objs:
            _fail("D151", source, "malformed PDF: no pages found in the page tree",
                  "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it", "malformed_pdf")
        if claim is not None and claim != len(page_objs):
            warnings.append(f"the page tree claims {claim:,} pages but {len(page_objs):,} were found")
        meta = _meta(pdf, password)
        pages: list[PageText | None] = []
        failed: list[str] = []
        duplicates = unmapped = total_chars = 0
        doctop = 0.0
        for number, obj in enumerate(page_objs, start=1):
            if time.monotonic() - started > limits.seconds:  # one code (D107), whichever check sees it
                raise timeout_message(source, limits.seconds, number)
            note_page(number)  # so a timeout can name the page
            try:
                page = Page(pdf, obj, page_number=number, initial_doctop=doctop)
                doctop += float(page.height)
                extracted, dup, unm = _read_page(page)
                page.close()
            except (StreamTooLarge, MemoryError, RecursionError):
                raise
            except Exception as exc:
                if any(isinstance(c, (StreamTooLarge, MemoryError)) for c in _cause_chain(exc)):
                    raise
                failed.append(f"page {number}: {type(exc).__name__}: {_scrub(str(exc), password)[:120]}")
                pages.append(None)
                continue
            pages.append(extracted)
            duplicates += dup
            unmapped += unm
            total_chars += extracted.chars
        texts = page_texts(pages)
    finally:
        try:
            pdf.flush_cache()
            pdf.stream.close()
        except Exception:
            pass
    ok_pages = [p for p in pages if p is not None]
    if not ok_pages:
        _fail("D151", source, f"malformed PDF: no page could be read ({failed[0]})",
              "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it", "malformed_pdf")
    if failed:
        flags.add("partial_text")
        warnings.append(f"{len(failed)} of {len(pages)} pages could not be read: " + "; ".join(failed[:5]))
    if any("Data-loss" in m or "corrupt" in m.lower() for m in logs):
        flags.add("partial_text")
        warnings.append("a compressed stream is corrupt; text after the damage may be missing")
    broken = getattr(SHIM.local, "failed", 0)
    if broken:
        flags.add("partial_text")
        warnings.append(f"{broken} compressed stream(s) could not be inflated and were read as empty; "
                        "text on the pages concerned may be missing")
    if any(p.rotated for p in ok_pages):
        flags.add("rotated")
    if duplicates >= 5:
        flags.add("duplicate_glyphs")
        warnings.append(f"{duplicates:,} doubled glyphs removed")
    share = None
    if unmapped:
        share = round(unmapped / (unmapped + total_chars), 4) if unmapped + total_chars else 1.0
        flags.add("unmapped_glyphs")
        warnings.append(f"{unmapped:,} glyphs without a Unicode mapping removed ({share:.1%} of all glyphs)")
    hint_ocr = "run OCR first, e.g. `ocrmypdf in.pdf out.pdf`, then ingest the result"
    if total_chars == 0:
        if unmapped:
            _fail("D160", source, f"no readable text: all {unmapped:,} glyphs lack a Unicode mapping",
                  "re-export the PDF with embedded Unicode maps, or " + hint_ocr, "unmapped_glyphs")
        _fail("D156", source, f"no text layer on any of its {len(pages)} pages (a scan or images only)",
              hint_ocr, "no_text_layer")
    scanned = [i for i, p in enumerate(pages, 1) if p is not None and p.scanned]
    empty = [i for i in scanned if pages[i - 1].chars == 0]
    if len(scanned) * 2 > len(ok_pages):
        # Mostly images: whatever text there is is a stray label, not the document.
        flags.add("little_text")
        warnings.append(f"nearly no text layer: {total_chars} characters on {len(pages)} pages, "
                        f"{len(scanned)} of them images; {hint_ocr}")
    elif empty:
        flags.add("no_text_layer")
        warnings.append(f"pages without a text layer (images only): {_ranges(empty)}; {hint_ocr}")
    elif total_chars < 20 * len(ok_pages) and len(ok_pages) > 1:
        flags.add("little_text")
        warnings.append(f"nearly no text: {total_chars} characters on {len(pages)} pages")
    for m in dict.fromkeys(logs):
        if len(warnings) < 20:
            warnings.append("pdfminer: " + _scrub(m, password))
    return assemble(
        texts,
        extractor="pdfplumber",
        extractor_version=pdfplumber.__version__,
        meta=meta,
        quality_flags=flags,
        unmapped_share=share,
        warnings=warnings,
    )


def _ranges(numbers: list[int]) -> str:
    out, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(out)


