"""Layout geometry of the PDF reader: words framed by writing direction, lines, column gutters, reading order
and paragraphs (a hyphenated line end rejoined); pure functions over pdfplumber's word dictionaries.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass


_DIGITS = re.compile(r"\d+")


SPACE_RUN = re.compile(r"\s+")


_HYPHENS = ("-", "\u2010", "\u00ad")


_SENTENCE_END = tuple(".!?:;…")


_CLOSERS = "\"”’»)]'"


@dataclass
class Word:
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
class Line:
    words: list[Word]

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


def frame_word(word: dict, width: float, height: float) -> Word:
    """Map a pdfplumber word into the frame where its text reads left to right, top to bottom."""
    x0, x1, top, bottom = word["x0"], word["x1"], word["top"], word["bottom"]
    direction = word.get("direction", "ltr")
    style = word.get("style", ())
    if direction == "ttb":
        return Word(word["text"], top, bottom, width - x1, width - x0, style)
    if direction == "btt":
        return Word(word["text"], height - bottom, height - top, x0, x1, style)
    if direction == "rtl":
        return Word(word["text"], width - x1, width - x0, height - bottom, height - top, style)
    return Word(word["text"], x0, x1, top, bottom, style)


def group_lines(words: list[Word]) -> list[Line]:
    """Group words into lines by their vertical middle (no chaining across offset columns)."""
    if not words:
        return []
    words = sorted(words, key=lambda w: (w.mid, w.x0))
    lines: list[list[Word]] = [[words[0]]]
    line_mid = words[0].mid
    tol = 0.5 * statistics.median(w.height for w in words)
    for w in words[1:]:
        if abs(w.mid - line_mid) <= tol:
            lines[-1].append(w)
        else:
            lines.append([w])
            line_mid = w.mid
    return [Line(sorted(ws, key=lambda w: w.x0)) for ws in lines]


def _gutters(words: list[Word]) -> list[tuple[float, float]]:
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
    lines = group_lines(words)
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


def reading_order(words: list[Word]) -> list[list[Line]]:
    """Return blocks of lines in reading order: full-width lines stay in place, columns are read one by one."""
    gutters = _gutters(words)
    if not gutters:
        return [group_lines(words)]

    def crosses(w: Word) -> bool:
        return any(w.x0 < g1 and w.x1 > g0 for g0, g1 in gutters)

    # Bands of the page where a line runs across a gutter (titles, tables, spanning headings).
    bands: list[list[float]] = []
    for w in sorted((w for w in words if crosses(w)), key=lambda w: w.top):
        if bands and w.top <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], w.bottom)
        else:
            bands.append([w.top, w.bottom])

    def band_of(w: Word) -> int | None:
        for i, (t, b) in enumerate(bands):
            if t <= w.mid <= b:
                return i
        return None

    # Segments: ordered pieces of the page, each a band or a stretch between bands.
    pieces: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        i = band_of(w)
        if i is not None:
            key = (2 * i + 1, 0)
        else:
            seg = sum(1 for t, b in bands if b < w.mid) * 2
            col = sum(1 for g0, g1 in gutters if w.x0 >= g1 - 1)
            key = (seg, col)
        pieces.setdefault(key, []).append(w)
    return [group_lines(pieces[key]) for key in sorted(pieces)]


def paragraphs(blocks: list[list[Line]]) -> str:
    """Join lines into paragraphs separated by blank lines; rejoin words hyphenated at line ends."""
    paragraphs: list[str] = []
    current = ""
    last: Line | None = None
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


def mask_digits(text: str) -> str:
    return SPACE_RUN.sub(" ", _DIGITS.sub("#", text)).strip().lower()
