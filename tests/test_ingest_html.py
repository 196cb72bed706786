"""HTML reader: main text without boilerplate, title/date/language, encodings, refusals.

The pages are written for the tests and marked illustrative; they imitate the layout of a press-office page.
"""

from __future__ import annotations

import pytest

from discourse.errors import IngestError
from discourse.ingest.document import Limits, SourceItem
from discourse.ingest.readers import read

PARAGRAPHS = [
    "Dear friends, our country pursues a balanced foreign policy. We develop cooperation with all our "
    "neighbours on the basis of mutual respect.",
    "Strategic partnership with Russia and integration with Europe are not contradictory goals for us; "
    "both serve the interests of our people.",
    "Thank you for your attention.",
]


def page(paragraphs=PARAGRAPHS, *, head="", dateline="", lang="en", charset="utf-8", title="Speech at the forum"):
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}"><title>{title} | Press office (illustrative)</title>{head}
<script>var tracking = "analytics code that must not appear";</script>
<style>body {{ font-family: serif; }}</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/contact">Contact</a></li></ul></nav>
<header><div class="menu">Menu Search Login</div></header>
<main><article><h1>{title}</h1>{dateline}
{body}</article></main>
<aside><h3>Related</h3><ul><li><a href="/a">Another news item</a></li>
<li><a href="/b">Photo gallery</a></li></ul></aside>
<footer><p>Illustrative page. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def _read(data: bytes, name: str = "speech.html", **limits):
    return read(SourceItem(name, data, "html"), Limits(**limits))


def test_ingest_html_main_text_without_boilerplate():
    doc = _read(page().encode("utf-8"))
    assert doc.text == "Speech at the forum\n\n" + "\n\n".join(PARAGRAPHS)
    for junk in ("Home", "Menu", "analytics", "font-family", "Privacy", "Related", "rights reserved"):
        assert junk not in doc.text
    assert doc.extractor == "trafilatura"
    assert doc.meta.title == "Speech at the forum"
    assert doc.meta.language == "en"
    assert doc.meta.date is None  # the page states no date


@pytest.mark.parametrize(
    "head,dateline",
    [
        ('<meta property="article:published_time" content="2015-11-04T10:00:00+04:00">', ""),
        ("", '<time datetime="2015-11-04">4 November 2015</time>'),
        ("", "<p class=\"date\">04.11.2015</p>"),
    ],
)
def test_ingest_html_date_where_the_page_states_it(head, dateline):
    doc = _read(page(head=head, dateline=dateline).encode("utf-8"))
    assert (doc.meta.date, doc.meta.year) == ("2015-11-04", 2015)
    assert doc.text.endswith(PARAGRAPHS[-1])


RU_PARAGRAPHS = ["Уважаемые друзья! Наша страна проводит сбалансированную внешнюю политику.",
                 "Мы развиваем сотрудничество со всеми соседями."]


@pytest.mark.parametrize(
    "charset,encoding,declared",
    [
        ("utf-8", "utf-8", True),
        ("windows-1251", "cp1251", True),
        ("windows-1251", "cp1251", False),  # no <meta charset>: detected
        ("utf-8", "utf-8-sig", False),
        ("utf-16", "utf-16", False),
    ],
)
def test_ingest_html_encodings(charset, encoding, declared):
    html = page(RU_PARAGRAPHS, lang="ru", charset=charset, title="Выступление")
    if not declared:
        html = html.replace(f'<meta charset="{charset}">', "")
    doc = _read(html.encode(encoding))
    assert doc.text == "Выступление\n\n" + "\n\n".join(RU_PARAGRAPHS)
    assert doc.meta.title == "Выступление"
    assert doc.meta.language == "ru"


def test_ingest_html_entities_and_nbsp_normalized():
    doc = _read(page(["Caf&eacute; diplomacy&nbsp;&mdash; a&shy;lign&shy;ment with &laquo;partners&raquo;."]).encode())
    assert doc.text.endswith("Café diplomacy — alignment with «partners».")


def test_ingest_html_too_large_refused_before_parsing():
    with pytest.raises(IngestError) as info:
        _read(b"<html><body><p>" + b"a" * 2000 + b"</p></body></html>", "big.html", max_html_bytes=1000)
    err = info.value
    assert (err.code, err.reason) == ("D140", "too_large")
    assert err.message == "big.html: web page is 2,033 bytes, over the HTML limit of 1,000 bytes"


def test_ingest_html_entity_declarations_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]><html><body><p>&a;</p></body></html>'
    with pytest.raises(IngestError) as info:
        _read(data, "x.html")
    err = info.value
    assert (err.code, err.reason) == ("D141", "xml_entities")
    assert err.message == "x.html: the page declares XML entities (<!ENTITY ...>); refused to avoid entity expansion"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><title>Only a title</title><script>app()</script></head><body></body></html>",
        b"<html><body><nav><a href='/'>Home</a></nav><div id='app'></div></body></html>",
        b"",
    ],
)
def test_ingest_html_no_main_text_refused(data):
    with pytest.raises(IngestError) as info:
        _read(data, "shell.html")
    err = info.value
    assert (err.code, err.reason) == ("D142", "empty_text")
    assert err.message == "shell.html: no main text found in the web page (only navigation, scripts or markup)"


def test_ingest_html_wrong_declared_charset_is_detected():
    html = page(RU_PARAGRAPHS, lang="ru", charset="utf-8", title="Выступление")
    doc = _read(html.encode("cp1251"))  # declares UTF-8, is Windows-1251
    assert doc.text == "Выступление\n\n" + "\n\n".join(RU_PARAGRAPHS)


def test_ingest_html_copyright_year_is_not_a_date():
    html = page().replace("Illustrative page. All rights reserved.", "© 2019 Press office. All rights reserved.")
    assert _read(html.encode()).meta.date is None
    stated = page(dateline="<p>Baku, 1 January 2019</p>")
    assert _read(stated.encode()).meta.date == "2019-01-01"
