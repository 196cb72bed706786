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

Error codes: D150 not a PDF, D151 malformed, D152 password-protected, D153 wrong password, D154 broken
encryption dictionary, D155 unsupported encryption, D156 no text layer, D157 too many pages (a timeout is the
pool's D107, whether the worker's alarm or this reader's check between pages sees it),
D159 decompression bomb, D160 only unmapped glyphs, D161 a page count (/Count) far beyond the limit that the page
tree does not hold.
"""

from __future__ import annotations

import io
import logging
import math
import re
import statistics
import threading
import time
import zlib
from collections import Counter
from itertools import groupby
from operator import itemgetter
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import IngestError
from ..metadata import DocumentMeta, check_language
from ..normalize import normalize_text
from .assemble import assemble
from .clock import note_page, timeout_message
from .document import DocumentText, Limits, SourceItem

__all__ = ["read_pdf"]

_CID = re.compile(r"\(cid:\d+\)")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
# A line that is only a page number: "12", "- 12 -", "Page 3 of 10", "p. 4", "стр. 5".
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|стр\.?|səh\.?|seite)?\s*[-–—(\[]?\s*\d{1,6}\s*[-–—)\]]?(?:\s*(?:of|/|из)\s*\d{1,6})?$",
    re.IGNORECASE,
)
_HYPHENS = ("-", "\u2010", "\u00ad")
_SENTENCE_END = tuple(".!?:;…")
_CLOSERS = "\"”’»)]'"
_ENCRYPT_KEYS = {
    "Type", "Filter", "SubFilter", "V", "Length", "CF", "StmF", "StrF", "EFF", "R", "O", "U", "OE", "UE", "P",
    "Perms", "EncryptMetadata", "Recipients",
}
_LINE_DIR = {"ltr": "ttb", "rtl": "btt", "ttb": "rtl", "btt": "ltr"}  # where the next line is, per text direction
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_EDGE_LINES = 3          # lines at the top and at the bottom of a page that may be running headers/footers
_OUTER_SHARE = 0.2       # ... or, carrying a page number, the outermost line of at least this share of pages
_REPEAT_SHARE = 0.4      # a masked edge line on at least this share of pages is a running header/footer
_SCAN_MAX_CHARS = 50     # a page with images over >= 30 % of its area and fewer characters looks scanned


class _StreamTooLarge(Exception):
    """Raised inside pdfminer when a stream inflates past the ceiling."""


# -- bounded inflation --------------------------------------------------------------------------------------


class _BoundedZlib:
    """Stand-in for the ``zlib`` module inside pdfminer that refuses to inflate past a per-thread ceiling.

    Installed once; outside :func:`_bounded_flate` (no ceiling set for the thread) it behaves like ``zlib``.
    """

    error = zlib.error

    def __init__(self):
        self.local = threading.local()

    @property
    def cap(self) -> int | None:
        return getattr(self.local, "cap", None)

    def decompress(self, data: bytes, *args, **kwargs) -> bytes:
        cap = self.cap
        if cap is None:
            return zlib.decompress(data, *args, **kwargs)
        d = zlib.decompressobj()
        try:
            out = d.decompress(data, cap + 1)
        except zlib.error:
            # Not inflatable at all: pdfminer then reads the stream as empty, silently. Count it.
            self.local.failed = getattr(self.local, "failed", 0) + 1
            raise
        if len(out) > cap:
            raise _StreamTooLarge(f"a compressed stream of {len(data):,} bytes inflates past {cap:,} bytes")
        if not d.eof:
            # Truncated or corrupt: let pdfminer's lenient path (decompressobj below) take over.
            raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self, *args, **kwargs):
        inner = zlib.decompressobj(*args, **kwargs)
        cap = self.cap
        return inner if cap is None else _BoundedDecompressObj(inner, cap)

    def __getattr__(self, name):
        return getattr(zlib, name)


class _BoundedDecompressObj:
    def __init__(self, inner, cap: int):
        self.inner = inner
        self.cap = cap
        self.total = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.inner.decompress(data, self.cap + 1 - self.total)
        self.total += len(out)
        if self.total > self.cap:
            raise _StreamTooLarge(f"a compressed stream inflates past {self.cap:,} bytes")
        return out

    def __getattr__(self, name):
        return getattr(self.inner, name)


_SHIM = _BoundedZlib()


@contextmanager
def _bounded_flate(cap: int):
    """Within this block (in this thread), pdfminer inflates no stream past ``cap`` bytes."""
    import pdfminer.pdftypes as pdftypes  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    if pdftypes.zlib is not _SHIM:
        pdftypes.zlib = _SHIM
    previous = _SHIM.cap
    _SHIM.local.cap = cap
    _SHIM.local.failed = 0
    try:
        yield
    finally:
        _SHIM.local.cap = previous


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        if len(self.messages) < 50:
            try:
                self.messages.append(record.getMessage()[:200])
            except Exception:  # pragma: no cover - a broken log record must not break reading
                pass


@contextmanager
def _collect_pdfminer_logs():
    handler = _LogCollector()
    logger = logging.getLogger("pdfminer")
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False  # pdfminer's warnings go to the document's warnings, not the console
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


# -- geometry -----------------------------------------------------------------------------------------------


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    style: tuple = ()  # (bold, rounded size): a change of style between lines starts a paragraph (headings)

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)


@dataclass
class _Line:
    words: list[_Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def style(self) -> tuple:
        """The style of most of the line's characters."""
        weight = Counter()
        for w in self.words:
            weight[w.style] += len(w.text)
        return weight.most_common(1)[0][0]


def _frame(word: dict, width: float, height: float) -> _Word:
    """Map a pdfplumber word into the frame where its text reads left to right, top to bottom."""
    x0, x1, top, bottom = word["x0"], word["x1"], word["top"], word["bottom"]
    direction = word.get("direction", "ltr")
    style = word.get("style", ())
    if direction == "ttb":
        return _Word(word["text"], top, bottom, width - x1, width - x0, style)
    if direction == "btt":
        return _Word(word["text"], height - bottom, height - top, x0, x1, style)
    if direction == "rtl":
        return _Word(word["text"], width - x1, width - x0, height - bottom, height - top, style)
    return _Word(word["text"], x0, x1, top, bottom, style)


def _lines(words: list[_Word]) -> list[_Line]:
    """Group words into lines by their vertical middle (no chaining across offset columns)."""
    if not words:
        return []
    words = sorted(words, key=lambda w: (w.mid, w.x0))
    lines: list[list[_Word]] = [[words[0]]]
    line_mid = words[0].mid
    tol = 0.5 * statistics.median(w.height for w in words)
    for w in words[1:]:
        if abs(w.mid - line_mid) <= tol:
            lines[-1].append(w)
        else:
            lines.append([w])
            line_mid = w.mid
    return [_Line(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def _gutters(words: list[_Word]) -> list[tuple[float, float]]:
    """Find vertical gaps between text columns from the x-extent of words."""
    if len(words) < 40:
        return []
    left = math.floor(min(w.x0 for w in words))
    right = math.ceil(max(w.x1 for w in words))
    span = right - left
    if span < 100:
        return []
    # Coverage by runs of words (words closer than about half a character height), so that the spaces of a
    # full-width title never look like a gutter.
    lines = _lines(words)
    cover = [0] * (span + 1)
    for line in lines:
        runs: list[list[float]] = []
        for w in line.words:
            if runs and w.x0 - runs[-1][1] <= 0.6 * w.height:
                runs[-1][1] = max(runs[-1][1], w.x1)
            else:
                runs.append([w.x0, w.x1])
        for x0, x1 in runs:
            for x in range(max(0, int(x0) - left), min(span, int(math.ceil(x1)) - left) + 1):
                cover[x] += 1
    n_lines = len(lines)
    # Columns leave a channel that few lines cross; full-width titles or tables may cross it, so the channel
    # is where coverage is low (<= a quarter of the lines), narrowed to its least-covered core.
    low_limit = max(1, int(0.25 * n_lines))
    gutters: list[tuple[float, float]] = []
    x = 0
    while x <= span:
        if cover[x] > low_limit:
            x += 1
            continue
        run_start = x
        while x <= span and cover[x] <= low_limit:
            x += 1
        run = range(run_start, x)
        floor_ = min(cover[i] for i in run)
        core_limit = floor_ + (max(1, int(0.02 * n_lines)) if n_lines >= 20 else 0)
        best = None
        i = run_start
        while i < x:
            if cover[i] > core_limit:
                i += 1
                continue
            j = i
            while j < x and cover[j] <= core_limit:
                j += 1
            if best is None or j - i > best[1] - best[0]:
                best = (i, j)
            i = j
        g0, g1 = left + best[0], left + best[1]
        # A gutter is at least 5 pt wide and lies well inside the text block.
        if g1 - g0 >= 5 and g0 - left >= 0.15 * span and right - g1 >= 0.15 * span:
            gutters.append((g0, g1))
    # Keep a gutter only when enough lines have words on both sides of it.
    kept = []
    for g0, g1 in gutters:
        lefts = {round(w.mid) for w in words if w.x1 <= g0}
        rights = {round(w.mid) for w in words if w.x0 >= g1}
        if len(lefts) >= 5 and len(rights) >= 5:
            kept.append((g0, g1))
    # Text columns are wide; narrow ones are table columns, which read better row by row.
    edges = [left] + [x for g in kept for x in g] + [right]
    widths = [edges[i + 1] - edges[i] for i in range(0, len(edges), 2)]
    if len(kept) > 3 or any(wd < 0.2 * span for wd in widths):
        return []
    return kept


def _reading_order(words: list[_Word]) -> list[list[_Line]]:
    """Return blocks of lines in reading order: full-width lines stay in place, columns are read one by one."""
    gutters = _gutters(words)
    if not gutters:
        return [_lines(words)]

    def crosses(w: _Word) -> bool:
        return any(w.x0 < g1 and w.x1 > g0 for g0, g1 in gutters)

    # Bands of the page where a line runs across a gutter (titles, tables, spanning headings).
    bands: list[list[float]] = []
    for w in sorted((w for w in words if crosses(w)), key=lambda w: w.top):
        if bands and w.top <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], w.bottom)
        else:
            bands.append([w.top, w.bottom])

    def band_of(w: _Word) -> int | None:
        for i, (t, b) in enumerate(bands):
            if t <= w.mid <= b:
                return i
        return None

    # Segments: ordered pieces of the page, each a band or a stretch between bands.
    pieces: dict[tuple[int, int], list[_Word]] = {}
    for w in words:
        i = band_of(w)
        if i is not None:
            key = (2 * i + 1, 0)
        else:
            seg = sum(1 for t, b in bands if b < w.mid) * 2
            col = sum(1 for g0, g1 in gutters if w.x0 >= g1 - 1)
            key = (seg, col)
        pieces.setdefault(key, []).append(w)
    return [_lines(pieces[key]) for key in sorted(pieces)]


def _paragraphs(blocks: list[list[_Line]]) -> str:
    """Join lines into paragraphs separated by blank lines; rejoin words hyphenated at line ends."""
    paragraphs: list[str] = []
    current = ""
    last: _Line | None = None
    for block in blocks:
        if not block:
            continue
        heights = [ln.height for ln in block]
        em = statistics.median(heights)
        gaps = [b.top - a.bottom for a, b in zip(block, block[1:]) if b.top - a.bottom > -0.5 * em]
        # The usual line gap: the lower quartile, since paragraph and region gaps skew the median on short blocks.
        usual_gap = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
        left = Counter(round(ln.x0) for ln in block).most_common(1)[0][0]
        right = max(ln.x1 for ln in block)
        for i, line in enumerate(block):
            text = line.text.strip()
            if not text:
                continue
            if i == 0:
                # A new block (column or band) continues the paragraph only if the last line did not end one,
                # in the same style, without a gap below it.
                new_para = (
                    not current
                    or _ends_sentence(current)
                    or line.x0 > left + 0.8 * em
                    or (last is not None and (line.style != last.style or line.top - last.bottom > em))
                )
            else:
                prev = block[i - 1]
                gap = line.top - prev.bottom
                new_para = (
                    gap > max(usual_gap * 1.8, usual_gap + 0.6 * em)
                    or gap < -0.5 * em  # jumped back up: a different region
                    or (line.x0 > left + 0.8 * em and prev.x0 <= left + 0.8 * em)
                    or (prev.x1 < right - 3 * em and _ends_sentence(prev.text))
                    or line.style != prev.style  # a heading in bold or another size
                )
            last = line
            if new_para:
                if current:
                    paragraphs.append(current)
                current = text
            else:
                current = _join_lines(current, text)
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence: terminal punctuation, possibly followed by closing quotes/brackets."""
    return text.rstrip().rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _join_lines(prev: str, nxt: str) -> str:
    """Join two lines of one paragraph, rejoining a word hyphenated at the line end."""
    if prev.endswith(_HYPHENS) and len(prev) >= 2 and prev[-2].isalpha():
        stem = prev[:-1].rsplit(" ", 1)[-1]
        if nxt[:1].islower() and not (len(stem) >= 2 and stem.isupper()):  # "FAA-" + "approved" stays
            return prev[:-1] + nxt  # "inter-" + "national" -> "international"
        return prev[:-1] + "-" + nxt if prev.endswith("\u00ad") else prev + nxt  # "Euro-" + "Atlantic"
    if prev.endswith(("–", "/")) and len(prev) >= 2 and prev[-2].isalnum() and nxt[:1].isalnum():
        return prev + nxt  # "22–11–08–" + "01A", a number range or path broken at the line end
    return prev + " " + nxt


def _mask(text: str) -> str:
    return _SPACE.sub(" ", _DIGITS.sub("#", text)).strip().lower()


# -- the reader ---------------------------------------------------------------------------------------------


@dataclass
class _Page:
    main: list[_Line]            # lines in the page's dominant direction, top to bottom (for header detection)
    words: list[_Word]           # words in the dominant direction, in its frame
    other: list[_Line]           # lines in other directions (margin notes, rotated labels)
    chars: int                   # characters after removing duplicates and unmapped glyphs
    scanned: bool                # images cover much of the page and there is little text
    rotated: bool


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
        if any(isinstance(c, _StreamTooLarge) for c in chain):
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
            raw = _SPACE.sub(" ", normalize_text(raw)).strip()
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


def _read_page(page) -> tuple[_Page, int, int]:
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
    main_words = [_frame(w, width, height) for w in by_dir.get(main_dir, [])]
    other = []
    for d, ws in by_dir.items():
        if d != main_dir:
            other.extend(_lines([_frame(w, width, height) for w in ws]))
    n_chars = sum(1 for c in chars if c.get("text", "").strip())
    image_area = 0.0
    try:
        for im in page.images:
            image_area += max(0.0, float(im["x1"]) - float(im["x0"])) * max(0.0, float(im["bottom"]) - float(im["top"]))
    except Exception:
        pass
    scanned = n_chars < _SCAN_MAX_CHARS and image_area >= 0.3 * width * height
    rotated = bool((page.rotation or 0) % 360) or main_dir != "ltr"
    result = _Page(_lines(main_words), main_words, other, n_chars, scanned, rotated)
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
    with _collect_pdfminer_logs() as logs, _bounded_flate(cap):
        try:
            return _read(item, limits, started, logs)
        except IngestError:
            raise
        except Exception as exc:
            if any(isinstance(c, _StreamTooLarge) for c in _cause_chain(exc)):
                bomb = next(c for c in _cause_chain(exc) if isinstance(c, _StreamTooLarge))
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
        pages: list[_Page | None] = []
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
            except (_StreamTooLarge, MemoryError, RecursionError):
                raise
            except Exception as exc:
                if any(isinstance(c, (_StreamTooLarge, MemoryError)) for c in _cause_chain(exc)):
                    raise
                failed.append(f"page {number}: {type(exc).__name__}: {_scrub(str(exc), password)[:120]}")
                pages.append(None)
                continue
            pages.append(extracted)
            duplicates += dup
            unmapped += unm
            total_chars += extracted.chars
        texts = _layout(pages)
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
    broken = getattr(_SHIM.local, "failed", 0)
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


def _layout(pages: list[_Page | None]) -> list[str]:
    """Remove running headers/footers across pages, then lay out each page's text."""
    keys_per_page: list[set[str]] = []
    for p in pages:
        keys: set[str] = set()
        if p is not None:
            edge = p.main[:_EDGE_LINES] + p.main[-_EDGE_LINES:] + p.other
            keys = {_mask(ln.text) for ln in edge}
        keys_per_page.append(keys)
    with_text = sum(1 for p in pages if p is not None and p.words)
    counts = Counter(k for keys in keys_per_page for k in keys)
    # Outermost lines only (the very first or last line of a page), for the weaker rule below.
    outer = Counter(
        k for p in pages if p is not None and p.main
        for k in {_mask(p.main[0].text), _mask(p.main[-1].text)}
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


def _page_text(p: _Page | None, running: set[str], numbered: bool) -> str:
    """One page's text without its running lines (and lone page numbers when ``numbered``)."""
    if p is None:
        return ""
    drop: set[int] = set()
    for ln in p.main[:_EDGE_LINES] + p.main[-_EDGE_LINES:]:
        if _mask(ln.text) in running or (numbered and _PAGE_NUMBER.match(ln.text.strip())):
            drop.update(id(w) for w in ln.words)
    words = [w for w in p.words if id(w) not in drop]
    body = _paragraphs(_reading_order(words)) if words else ""
    extra = [ln.text for ln in p.other if _mask(ln.text) not in running]
    if extra:
        body = (body + "\n\n" if body else "") + "\n".join(extra)
    return body
