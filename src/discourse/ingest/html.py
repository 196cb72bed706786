"""HTML reader: the main text of a speech or news page, with the title and date the page states.

A page larger than ``Limits.max_html_bytes`` is refused before parsing; a page declaring XML entities
(``<!ENTITY``) is refused before parsing, so neither billion-laughs expansion nor external entities can happen.
The bytes are decoded by the page's declared charset (BOM, ``<meta charset>``), else as UTF-8, else as
Windows-1251/-1252. trafilatura (offline, no fallback downloads) removes menus, scripts, navigation and footer
boilerplate; each paragraph, heading or list item becomes a paragraph separated by a blank line. Title, date
(meta tags, ``<time>`` or a visible date, via trafilatura/htmldate) and ``<html lang>`` go to ``meta``.

Error codes: D140 too large, D141 XML entities declared, D142 no main text, D143 undecodable.
"""

from __future__ import annotations

import re

from ..errors import IngestError
from ..metadata import DocumentMeta, check_language, parse_date
from .assemble import assemble
from .document import DocumentText, Limits, SourceItem
from .text import cp1251_or_cp1252, decode_text

__all__ = ["read_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html[^>]*\slang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?""", re.IGNORECASE)


def _decode(data: bytes, source: str) -> tuple[str, str]:

    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    head = data[:4096]
    if head[:200].count(b"\x00") > 10:  # UTF-16 without BOM
        text, enc, _ = decode_text(data, source)
        return text, enc
    declared = _META_CHARSET.search(head) or _XML_DECL.search(head)
    if declared:
        enc = declared.group(1).decode("ascii", "ignore").lower()
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown charset name, or bytes that contradict it: detect instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        guess = cp1251_or_cp1252(data)
        if guess is None:
            raise IngestError(
                "D143",
                f"{source}: the page's text encoding could not be determined (not UTF-8, Windows-1251 or -1252)",
                hint="re-save the page as UTF-8 or add <meta charset=...>",
                reason="encoding",
            ) from None
        return guess


def _config():
    from trafilatura.settings import use_config  # deferred: trafilatura/lxml are heavy; loaded for web pages only

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal alarms: the worker pool enforces time limits
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")  # short statements are documents too
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "MAX_FILE_SIZE", str(2**62))  # our own limit applies, before parsing
    config.set("DEFAULT", "EXTERNAL_URLS", "off")
    return config


def _states_new_year(html: str, year: str) -> bool:
    """Whether the page really states 1 January of ``year`` (not just the year)."""
    pattern = (
        rf"(?<!\d)(?:0?1[./-]0?1[./-]{year}|{year}[./-]0?1[./-]0?1|1(?:st)?\s+jan\w*\.?,?\s+{year}"
        rf"|jan\w*\.?\s+1(?:st)?,?\s+{year})(?!\d)"
    )
    return re.search(pattern, html, re.IGNORECASE) is not None


# Month names (English, Russian, Azerbaijani stems) by month number, for checking what a page states.
_MONTHS = {
    1: "jan|январ|yanvar", 2: "feb|феврал|fevral", 3: "mar|март|марта", 4: "apr|апрел|aprel", 5: "may|ма[яй]",
    6: "jun|июн|iyun", 7: "jul|июл|iyul", 8: "aug|август|avqust", 9: "sep|сентябр|sentyabr",
    10: "oct|октябр|oktyabr", 11: "nov|ноябр|noyabr", 12: "dec|декабр|dekabr",
}


def _stated_precision(html: str, date: str) -> str | None:
    """``date`` as precise as the page states it: the full date, its year-month, or None.

    htmldate completes a partial date with today's day (a page dated "2015-11" becomes 2015-11-<today>) and
    turns an impossible one into the first of the month; a day the page does not state is not kept.
    """
    y, m, d = date[:4], int(date[5:7]), int(date[8:10])
    month = rf"(?:{_MONTHS[m]})\w*\.?"
    day_forms = (
        rf"{y}[./-]0?{m}[./-]0?{d}", rf"{y}{m:02d}{d:02d}", rf"0?{d}[./-]0?{m}[./-]{y}", rf"0?{m}/0?{d}/{y}",
        rf"{d}(?:st|nd|rd|th|-?го)?\s+(?:of\s+)?{month},?\s+{y}", rf"{month}\s+{d}(?:st|nd|rd|th)?,?\s+{y}",
    )
    if re.search(rf"(?<!\d)(?:{'|'.join(day_forms)})(?!\d)", html, re.IGNORECASE):
        return date
    month_forms = (rf"{y}[./-]0?{m}", rf"0?{m}[./-]{y}", rf"{month},?\s+{y}")
    if re.search(rf"(?<!\d)(?:{'|'.join(month_forms)})(?!\d)", html, re.IGNORECASE):
        return date[:7]
    return None


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        date, _ = parse_date(str(value)[:10], "html")
        return date
    except IngestError:
        return None


def read_html(item: SourceItem, limits: Limits = Limits()) -> DocumentText:
    """Read a web page: main text without boilerplate, paragraphs kept, title/date/language from the page.

    Parameters
    ----------
    item:
        The page's bytes.
    limits:
        ``max_html_bytes``: a larger page is refused before it is parsed.
    """
    import lxml  # deferred: trafilatura/lxml are heavy; loaded for web pages only
    import lxml_html_clean  # noqa: F401  trafilatura's cleaner; declared directly (old pips miss lxml's extra)
    import trafilatura


    source, data = item.source, item.data
    if len(data) > limits.max_html_bytes:
        raise IngestError(
            "D140",
            f"{source}: web page is {len(data):,} bytes, over the HTML limit of {limits.max_html_bytes:,} bytes",
            hint="save only the article, or raise Limits(max_html_bytes=...) in Python if the page is genuine",
            reason="too_large",
        )
    if _ENTITY_DECL.search(data):
        raise IngestError(
            "D141",
            f"{source}: the page declares XML entities (<!ENTITY ...>); refused to avoid entity expansion",
            hint="web pages do not need entity declarations; save the page again as plain HTML",
            reason="xml_entities",
        )
    text, encoding = _decode(data, source)
    config = _config()
    body = trafilatura.extract(
        text,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
        # Navigation and footers are never the speech; without this the fallback may return a lone menu item.
        prune_xpath=["//nav", "//footer", "//*[@role='navigation']", "//*[@role='contentinfo']"],
        config=config,
    )
    paragraphs = [line.strip() for line in (body or "").split("\n") if line.strip()]
    if not paragraphs:
        raise IngestError(
            "D142",
            f"{source}: no main text found in the web page (only navigation, scripts or markup)",
            hint="check that the saved page holds the article itself, not a script-rendered shell",
            reason="empty_text",
        )
    title = date = language = None
    try:
        meta = trafilatura.extract_metadata(text)
        if meta is not None:
            title = (meta.title or "").strip() or None
            date = _iso_date(meta.date)
            if date and date.endswith("-01-01") and not _states_new_year(text, date[:4]):
                # htmldate turns a bare year (often the copyright line) into YYYY-01-01: not a stated date.
                date = None
            elif date and len(date) == 10:
                date = _stated_precision(text, date)
    except Exception:  # metadata is optional; the text is what counts
        pass
    lang = _HTML_LANG.search(text[:8192])
    if lang:
        try:
            language = check_language(lang.group(1), source)
        except IngestError:
            language = None
    warnings = [] if encoding in ("utf-8", "utf-16-le", "utf-16-be") else [f"encoding: {encoding}"]
    return assemble(
        ["\n\n".join(paragraphs)],
        extractor="trafilatura",
        extractor_version=f"{trafilatura.__version__} (lxml {lxml.__version__})",
        meta=DocumentMeta(title=title, date=date, year=int(date[:4]) if date else None, language=language),
        warnings=warnings,
    )
