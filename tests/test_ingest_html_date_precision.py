"""An HTML page's date is kept only as precisely as the page states it.

htmldate completes "2015-11" with today's day of the month and turns 2015-02-30 into 2015-02-01; a stored date
must not depend on the day discourse ran, nor invent a day the page never gave.
"""

from __future__ import annotations

import pytest

from discourse.ingest.document import SourceItem
from discourse.ingest.html import read_html

BODY = "<p>Illustrative text on partnership and cooperation between the states of the region.</p>"


def _date(head: str = "", body: str = "") -> tuple:
    html = f"<html><head><title>T</title>{head}</head><body><main>{BODY}{body}</main></body></html>"
    meta = read_html(SourceItem("page.html", html.encode("utf-8"), "html")).meta
    return meta.date, meta.year


@pytest.mark.parametrize("head,body,expected", [
    ('<meta name="date" content="2015-11">', "", ("2015-11", 2015)),
    ("", '<p><time datetime="2015-11">Nov 2015</time></p>', ("2015-11", 2015)),
    ('<meta name="date" content="2015-02-30">', "", ("2015-02", 2015)),
    ('<meta name="date" content="2015-02-14">', "", ("2015-02-14", 2015)),
    ('<meta property="article:published_time" content="2015-11-04T10:00:00+04:00">', "", ("2015-11-04", 2015)),
    ("", "<p>Posted November 4th, 2015</p>", ("2015-11-04", 2015)),
])
def test_ingest_html_date_kept_as_precise_as_stated(head, body, expected):
    assert _date(head, body) == expected
