"""Text normalization shared by every reader: the stored text is always the output of :func:`normalize_text`.

The normalized text is what the store hashes (the dedupe key) and what every offset refers to.
It is never changed after ingestion; matching works on a derived view (see ``match.py``).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: numpy is imported on first use (_np), so `discourse --help` stays light
    import numpy as np


@functools.lru_cache(maxsize=1)
def _np():
    """numpy, imported on the first count (deferred: it costs about 0.1 s, and a query or --help needs none)."""
    import numpy

    return numpy

__all__ = ["normalize_text", "text_sha256", "count_words", "count_sentences", "sentence_starts", "text_counts",
           "NORMALIZER_VERSION", "SENTENCES_RULE", "fold", "fts_query"]

NORMALIZER_VERSION = "norm-v1"

# Spaces that look like a space but are not U+0020.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"), " ")
# Characters that carry no text: soft hyphen, zero-width space/joiners, BOM, word joiner.
_DROP = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same sets as regular expressions: re.sub is ~30x faster than str.translate with a dict on long texts.
_SPACES_RE = re.compile("[" + "".join(chr(c) for c in _SPACES) + "]")
_REMOVE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + "".join(chr(c) for c in _DROP) + "]")
_TRAILING_WS = re.compile(r"[ \t]+\n")
_MANY_BLANK = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def normalize_text(text: str) -> str:
    """Return the canonical form of ``text`` that discourse stores and hashes.

    Unicode NFC; CRLF and CR become LF; Unicode spaces (non-breaking, thin, ...) become plain spaces; soft
    hyphens, zero-width characters and byte-order marks are removed; other control characters (except tab and
    newline) are removed; trailing spaces on a line are dropped; runs of three or more newlines become two;
    leading and trailing whitespace of the whole text is stripped.

    >>> normalize_text("\\ufeffEuro\\u00ad-Atlantic\\u00a0integration\\r\\n")
    'Euro-Atlantic integration'
    """
    text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _has_special(text):  # most texts have none of these characters: skip two full regex scans
        if not text.isascii():
            text = _SPACES_RE.sub(" ", text)
        text = _REMOVE_RE.sub("", text)  # _DROP and _CONTROL characters (removal order does not matter)
    if " \n" in text or "\t\n" in text:  # _TRAILING_WS, line by line (faster than the regex)
        text = "\n".join([line.rstrip(" \t") for line in text.split("\n")])
    while "\n\n\n" in text:  # _MANY_BLANK: each pass shortens every run of 3+ line feeds by a third
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _has_special(text: str) -> bool:
    """True if ``text`` may hold a character that :func:`normalize_text` replaces or removes (a quick test)."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _CONTROL_BYTES)) != len(data)
    np = _np()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return bool(_special_table()[codes & 0xFFFF].any())  # astral characters may alias: a false alarm only costs time


_CONTROL_BYTES = bytes(c for c in range(128) if _CONTROL.match(chr(c)))


@functools.lru_cache(maxsize=1)
def _special_table() -> np.ndarray:
    """True at the code points :func:`normalize_text` replaces or removes (built on first use)."""
    table = _np().zeros(65536, dtype=bool)
    for c in list(_SPACES) + list(_DROP) + list(_CONTROL_BYTES):
        table[c] = True
    return table


def text_sha256(normalized: str) -> str:
    """Hex sha256 of the UTF-8 bytes of an already normalized text (the dedupe key)."""
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def text_counts(text: str) -> tuple[int, int]:
    """``(count_words(text), count_sentences(text))`` with the character classes computed once."""
    if not text.strip():
        return count_words(text), 0
    return _words(_classes(text)), count_sentences(text)


def count_words(text: str) -> int:
    """Number of word tokens (letters/digits, with inner hyphens and apostrophes) in ``text``.

    Counts the matches of ``_WORD``; computed with array operations (about 4x faster than the regex on long
    texts, same result).

    >>> count_words("Euro-Atlantic partners' talks, 2015")
    4
    """
    if not text:
        return 0
    return _words(_classes(text))


def _words(cls) -> int:
    np = _np()
    word = (cls & _W) != 0
    runs = int(word[0]) + int(np.count_nonzero(word[1:] & ~word[:-1]))
    if len(cls) < 3:
        return runs
    joiner = (cls[1:-1] & _J) != 0  # - ' ’
    return runs - int(np.count_nonzero(word[:-2] & joiner & word[2:]))


def count_sentences(text: str) -> int:
    """Number of sentences of ``text`` as the matcher splits it (sentences-v1, :func:`sentence_starts`): the
    ``sentences`` of a stored document, which the scores' bootstrap resamples; 0 for a blank text.

    >>> count_sentences("One. Two!\\n\\nthree")
    3
    """
    if not text.strip():
        return 0
    return len(sentence_starts(text))


# -- sentences (sentences-v1): the one sentence definition of discourse --------------------------------------
# Used for the sentence counts stored with each document (the bootstrap's sentences) and by the matcher to place
# each hit in its sentence (sent_start), so the two always agree. A change here is a new rule name in
# discourse.lexicon.RULES["sentences"] (stored counts are recounted when the store opens; see store/__init__.py).
SENTENCES_RULE = "sentences-v1"
_ABBREV = ("mr", "mrs", "ms", "dr", "st", "no", "nos", "vol", "art", "para", "paras", "jr", "sr", "messrs", "prof",
           "gen", "col", "lt", "capt", "rev", "vs", "e.g", "i.e", "u.s", "u.n", "h.e", "etc", "cf", "fig", "op",
           "гг", "т.е", "т.д", "им", "ст", "см")


def _abbrev_lookbehinds() -> str:
    """Fixed-width lookbehinds (one per length) refusing a full stop after an abbreviation or an initial."""
    by_len: dict[int, set[str]] = {}
    for a in _ABBREV:
        for form in (a, a.capitalize(), a.upper()):
            by_len.setdefault(len(form), set()).add(re.escape(form))
    parts = [rf"(?<!\b(?:{'|'.join(sorted(forms))})\.)" for _, forms in sorted(by_len.items())]
    return "".join(parts) + r"(?<!\b[^\W\d_]\.)"


# The first character is matched before the lookbehinds, so they run only at punctuation (fast).
_SENT_TAIL = _abbrev_lookbehinds() + r"[.!?…]*[\"'”»)\]]*\s+(?=[\"“«(\[]?[^\W_a-zа-яёəöüğışç])"
_SENT_PUNCT = re.compile(r"[.!?…]" + _SENT_TAIL)
# The same where the text has no "…": a first character out of an ASCII-only set is tested on a bitmap, and the
# scan for it is most of the split's cost (about 10% faster, the same starts; issue 17).
_SENT_PUNCT_ASCII = re.compile(r"[.!?]" + _SENT_TAIL)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def sentence_starts(text: str) -> list[int]:
    """Sentence start offsets (sentences-v1): terminal punctuation then a capital/digit, or a blank line.

    A full stop after a known abbreviation (Mr., e.g., U.S.) or after a one-letter word (initials) ends nothing.

    >>> sentence_starts("Mr. Aliyev spoke. The U.S. replied.\\n\\nthen silence")
    [0, 18, 37]
    """
    got = _SPLITS.get(id(text))
    if got is not None and got[0] is text:  # the same string object again (counted at ingest, then matched)
        return list(got[1])
    ends = [m.end() for m in (_SENT_PUNCT if "…" in text else _SENT_PUNCT_ASCII).finditer(text)]
    if "\n\n" in text or "\n \n" in text or "\n\t" in text:
        paras = [m.end() for m in _PARAGRAPH.finditer(text)]
        if paras:
            ends = sorted(set(ends) | set(paras))
    starts = [0] + ends
    if len(text) >= 1000:  # worth remembering
        if len(_SPLITS) >= _SPLITS_MAX:
            _SPLITS.clear()
        _SPLITS[id(text)] = (text, starts)  # the text is kept, so its id cannot be reused while remembered
    return list(starts)


# The last texts split and their starts: an ingest worker counts the sentences of a chunk of texts and then
# matches the same strings (matching while ingesting), so the second split is free. By identity, not equality (a
# str never changes); at most one chunk of texts (pipeline.CHUNK_ITEMS) is held.
_SPLITS: dict[int, tuple[str, list[int]]] = {}
_SPLITS_MAX = 128


# Character class bits: word (re's \w) and word joiner (- ' ’), for counting words.
_W, _J = 1, 16


def _class_bits(char: str) -> int:
    bits = _W if (char.isalnum() or char == "_") else 0
    bits |= _J if char in "-'\u2019" else 0
    return bits


@functools.lru_cache(maxsize=1)
def _bmp_table() -> np.ndarray:
    """Class bits of every code point of the Basic Multilingual Plane (built on first use, ~50 ms).

    ``re`` (str patterns) defines ``\\w`` as ``str.isalnum()`` or ``_`` and ``\\s`` as ``str.isspace()``.
    """
    np = _np()
    return np.array([_class_bits(chr(c)) for c in range(65536)], dtype=np.uint8)


@functools.lru_cache(maxsize=1)
def _ascii_table() -> np.ndarray:
    np = _np()
    return np.array([_class_bits(chr(c)) for c in range(128)], dtype=np.uint8)


def _classes(text: str) -> np.ndarray:
    """Class bits (``_W``, ``_J``) of every character of ``text``."""
    np = _np()
    if text.isascii():
        return _ascii_table()[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = _bmp_table()[codes & 0xFFFF]
    astral = np.flatnonzero(codes > 0xFFFF)
    for i in astral:
        cls[i] = _class_bits(chr(int(codes[i])))
    return cls


# -- the one folding for matching, search, KWIC and timelines --------------------------------------------------
# The stored text is never folded; every comparison of a phrase with the text (the matcher's scan, the free-phrase
# search, KWIC and timelines of free phrases) works on ``fold(text)``, and the full-text prefilter asks for every
# spelling that folds to the same word (:func:`fts_query`), so that what one of them finds the others find.
_POST = (("ı", "i"), ("ё", "е"), ("’", "'"), ("‘", "'"), ("ʼ", "'"), ("‐", "-"), ("‑", "-"), ("‒", "-"),
         ("ә", "ə"))  # Cyrillic schwa typed inside Latin Azerbaijani words (docs/lexicon-az-ru.md)


def fold(text: str) -> str:
    """Lower-case ``text`` for matching, keeping its length (so offsets stay valid).

    Azerbaijani dotted and dotless i fold together, Russian ё folds to е, typographic apostrophes and
    hyphens fold to ASCII.

    >>> fold("İNTEQRASİYA Партнёрство Euro‑Atlantic")
    'inteqrasiya партнерство euro-atlantic'
    """
    if "İ" in text:
        text = text.replace("İ", "i")
    out = text.lower()
    if len(out) != len(text):  # a character whose lower case is longer (rare): fold one by one
        out = "".join((ch.lower() or ch)[0] for ch in text)
    for a, b in _POST:  # str.replace is fast; translate() with a dict is not
        if a in out:
            out = out.replace(a, b)
    return out


# Folded letters that SQLite's unicode61 tokenizer (which folds case but keeps ё, ı and, in its own way, İ)
# may hold under another spelling; the prefilter asks for each of them.
_FTS_VARIANTS = {"е": ("е", "ё"), "i": ("i", "ı", "İ")}
_FTS_MAX_VARIANTS = 32


def _fts_prefixes(word: str) -> list[str]:
    """Spellings of the longest prefix of folded ``word`` whose variants stay within the cap."""
    out = [""]
    for ch in word:
        options = _FTS_VARIANTS.get(ch, (ch,))
        if len(out) * len(options) > _FTS_MAX_VARIANTS:
            break
        out = [o + c for o in out for c in options]
    return [o for o in out if o]


def fts_query(phrase: str) -> str | None:
    """An FTS5 query (unicode61 tokens) that every text the phrase rule matches satisfies, or None if none can be
    built (then every document is read).

    Words joined by a hyphen in the phrase may be one word in the text ("Euro-Atlantic" matches "Euroatlantic"),
    so only the first word of each space-separated group is asked for, as a prefix, in every spelling that folds
    to it (ё/е, ı/İ/i, any case).

    >>> fts_query("Euro-Atlantic ещё")
    '("euro"*) AND ("еще"* OR "ещё"* OR "ёще"* OR "ёщё"*)'
    """
    import re

    groups = []
    for group in fold(phrase).split():
        words = re.findall(r"[^\W_]+", group)
        if not words or not re.match(r"[^\W_]", group):
            continue  # a group starting with "_" or a sign: its first word need not start a token
        variants = _fts_prefixes(words[0])
        if not variants:
            continue
        groups.append("(" + " OR ".join('"' + v.replace('"', '""') + '"*' for v in sorted(set(variants))) + ")")
    return " AND ".join(groups) if groups else None

