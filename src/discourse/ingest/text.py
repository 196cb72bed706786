"""Plain-text reader: detect the encoding, decode, normalize.

Encodings recognized: UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM, UTF-16 without a BOM (from the
pattern of NUL bytes), and the two legacy Windows code pages the corpus meets, Windows-1251 (Cyrillic) and
Windows-1252 (Western). Between those two the share of Cyrillic letters decides, because statistical detectors
are unreliable on short texts. Anything else that is not valid UTF-8 goes to charset-normalizer. Binary data
(NUL bytes, control characters) is refused.

A plain-text file is one page (form feeds, as pdftotext writes them, are dropped by normalization).

Error codes: D130 binary data, D131 undecodable text.
"""

from __future__ import annotations

import codecs
import re

from .._version import __version__
from ..errors import IngestError
from .assemble import assemble
from .document import DocumentText, Limits, SourceItem

__all__ = ["read_text", "decode_text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file (.doc/.xls)",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"\xfd7zXZ": "an xz archive",
    b"BZh": "a bzip2 archive",
}


def _utf16_without_bom(data: bytes) -> str | None:
    """Return ``'utf-16-le'``/``'utf-16-be'`` when the NUL bytes sit on one parity, as in UTF-16 text."""
    sample = data[:8192]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) - len(sample) % 2]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    # Latin text in UTF-16: every other byte is NUL; other scripts: at least spaces and digits are.
    if odd >= 0.1 * half and even <= 0.02 * half:
        candidate = "utf-16-le"
    elif even >= 0.1 * half and odd <= 0.02 * half:
        candidate = "utf-16-be"
    else:
        return None
    try:
        data[: len(data) - len(data) % 2].decode(candidate)
    except UnicodeDecodeError:
        return None
    return candidate


def cp1251_or_cp1252(data: bytes) -> tuple[str, str] | None:
    """Choose between Windows-1251 and -1252 by the share of Cyrillic letters; ``None`` if neither decodes."""
    try:
        as_1251 = data.decode("cp1251")
    except UnicodeDecodeError:
        as_1251 = None
    try:
        as_1252 = data.decode("cp1252")
    except UnicodeDecodeError:
        as_1252 = None
    if as_1251 is not None:
        # Western text read as cp1251 turns its accented letters into Cyrillic ones inside Latin words
        # ("café" -> "cafй"); Russian text read as cp1251 gives whole Cyrillic words.
        cyrillic_words = mixed_words = 0
        for word in _WORD.findall(as_1251):
            has_cyr = bool(_CYRILLIC.search(word))
            if has_cyr and _LATIN.search(word):
                mixed_words += 1
            elif has_cyr and len(word) >= 2:
                cyrillic_words += 1
        if cyrillic_words > mixed_words:
            return as_1251, "cp1251"
    if as_1252 is not None:
        return as_1252, "cp1252"
    return None


def decode_text(data: bytes, source: str) -> tuple[str, str, str | None]:
    """Decode ``data``; return ``(text, encoding, warning_or_None)``; refuse binary data naming ``source``.

    >>> decode_text("Привет".encode("cp1251"), "x.txt")[1]
    'cp1251'
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc, None
            except UnicodeDecodeError as exc:
                raise IngestError(
                    "D131",
                    f"{source}: starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()} "
                    f"(byte offset {exc.start + len(bom)})",
                    hint="re-save the file as UTF-8",
                    reason="encoding",
                ) from None
    enc16 = _utf16_without_bom(data)
    if enc16:
        text = data[: len(data) - len(data) % 2].decode(enc16)
        return text, enc16, f"encoding: {enc16} without byte-order mark (detected from NUL bytes)"
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            _refuse_binary(source, f"the content is {what}")
    if b"\x00" in data:
        _refuse_binary(source, f"it contains NUL bytes (first at byte {data.index(0)})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_not_utf8(data, source)
    # In valid UTF-8 a byte below 0x80 is that very character (multi-byte sequences use bytes >= 0x80 only), so
    # the control characters are counted on the bytes: one C pass instead of a regex over the text (issue 17).
    _refuse_controls(len(data) - len(data.translate(None, _CONTROL_BYTES)), len(text), source)
    return text, "utf-8", None


def _decode_not_utf8(data: bytes, source: str) -> tuple[str, str, str]:
    """Decode bytes that are not valid UTF-8: UTF-8 with a few damaged bytes, else Windows-1251/1252, else the
    guess of charset-normalizer; the warning says which."""
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    good = sum(1 for ch in lenient if ord(ch) > 127) - bad
    if good >= 10 * bad or (good > 0 and good >= bad):
        # UTF-8 with a few damaged bytes: keep it UTF-8 rather than misread every other letter.
        warning = f"encoding: utf-8 with {bad} invalid byte sequence(s) replaced by U+FFFD"
        return _check_binary(lenient, source), "utf-8", warning
    guess = cp1251_or_cp1252(data)
    if guess is not None:
        text, enc = guess
        warning = f"encoding: not UTF-8, read as {enc} (guessed)"
    else:
        text, enc = _charset_normalizer(data, source)
        warning = f"encoding: not UTF-8, read as {enc} (guessed by charset-normalizer)"
    return _check_binary(text, source), enc, warning


def _check_binary(text: str, source: str) -> str:
    _refuse_controls(len(_CONTROL.findall(text)), len(text), source)
    return text


def _refuse_controls(controls: int, chars: int, source: str) -> None:
    """Refuse a text with more control characters than a text file has (more than 2 and 0.5% of it)."""
    if chars and controls > max(2, 0.005 * chars):
        _refuse_binary(source, f"{controls} control characters in {chars} characters")


_CONTROL_BYTES = bytes(c for c in range(128) if _CONTROL.match(chr(c)))


def _charset_normalizer(data: bytes, source: str) -> tuple[str, str]:
    # deferred: charset_normalizer is slow to import; only for undecided encodings
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise IngestError(
            "D131",
            f"{source}: the text encoding could not be determined (not UTF-8, UTF-16, Windows-1251 or -1252)",
            hint="re-save the file as UTF-8",
            reason="encoding",
        )
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise IngestError(
            "D131",
            f"{source}: not valid in the guessed encoding {best.encoding}",
            hint="re-save the file as UTF-8",
            reason="encoding",
        ) from None


def _refuse_binary(source: str, why: str):
    raise IngestError(
        "D130",
        f"{source}: not a text file: {why}",
        hint="pass PDF, HTML, DOCX or plain-text files; convert other formats first",
        reason="binary",
    )


def read_text(item: SourceItem, limits: Limits = Limits()) -> DocumentText:
    """Read a plain-text file: detect the encoding, decode, normalize (one page).

    >>> from discourse.ingest.document import SourceItem
    >>> read_text(SourceItem("a.txt", b"\\xef\\xbb\\xbfA\\r\\nB", "text")).text
    'A\\nB'
    """

    text, encoding, warning = decode_text(item.data, item.source)
    flags = []  # a guess or a repair is visible in the store, not only in a warning
    if warning and "invalid byte sequence" in warning:
        flags.append("invalid_bytes")
    elif warning and "(guessed" in warning:
        flags.append("encoding_guessed")
    return assemble(
        [text],
        extractor="discourse-text",
        extractor_version=f"{__version__} ({encoding})",
        quality_flags=flags,
        warnings=[warning] if warning else [],
    )
