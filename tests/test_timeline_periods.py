"""Timelines: periods, zero counts, absent periods, rates, categories, free phrases (illustrative texts)."""

from __future__ import annotations

import pytest

from discourse.errors import ScoreError
from discourse.normalize import count_words, normalize_text, text_sha256
from discourse.store.documents import upsert_document
from discourse.timeline import timeline


def add(corpus, text, *, date, country="AZE", doc_type="speech", speaker=None, language="en", page_starts=(0,)):
    text = normalize_text(text)
    record = {"sha256": text_sha256(text), "date": date, "year": int(date[:4]), "country": country,
              "doc_type": doc_type, "speaker": speaker, "language": language, "extractor": "test",
              "extractor_version": "1", "pages": len(page_starts), "chars": len(text), "words": count_words(text),
              "sentences": 1}
    with corpus.store.write() as conn:
        return upsert_document(conn, record, text, list(page_starts))[0]


@pytest.fixture
def corpus3(corpus):
    add(corpus, "We joined the Non-Aligned Movement. The Non-Aligned Movement matters to us.", date="2011-09-20", speaker="A")
    add(corpus, "Nothing about blocs here at all, only words.", date="2013-09-25", speaker="B")
    add(corpus, "The Non-Aligned Movement and the CIS were discussed.", date="2013-05-02", doc_type="statement", speaker="A")
    add(corpus, "Non-Aligned Movement summit.", date="2013-05-20", country="GEO", speaker="C")
    add(corpus, "Biz Qoşulmama Hərəkatına sədrlik edirik.", date="2019-10-25", language="az", speaker="A")
    # 2012 and 2014-2018 have no documents at all
    return corpus


def test_by_year_zero_filled_and_absent_periods(corpus3):
    frame = timeline(corpus3, ["Non-Aligned Movement"], country="AZE", workers=1)
    assert frame.columns.tolist() == ["year", "term", "count", "rate_per_10k", "n_docs", "n_words"]
    assert frame[["year", "count", "n_docs", "n_words"]].values.tolist() == [[2011, 2, 1, 11], [2013, 1, 2, 16], [2019, 1, 1, 5]]
    assert frame["rate_per_10k"].tolist() == [1818.1818, 625.0, 2000.0]


def test_other_groupings_and_rate_unit(corpus3):
    by_type = timeline(corpus3, ["non_aligned_movement"], by="doc_type", per=1000, workers=1)
    assert by_type.columns.tolist() == ["period", "term", "count", "rate_per_1k", "n_docs", "n_words"]
    assert by_type[["period", "count", "n_docs"]].values.tolist() == [["speech", 4, 4], ["statement", 1, 1]]
    by_month = timeline(corpus3, ["non_aligned_movement"], by="month", workers=1)
    assert by_month[["period", "count"]].values.tolist() == [["2011-09", 2], ["2013-05", 2], ["2013-09", 0], ["2019-10", 1]]
    by_speaker = timeline(corpus3, ["non_aligned_movement"], by="speaker", workers=1)
    assert by_speaker[["period", "count", "n_docs"]].values.tolist() == [["A", 4, 3], ["B", 0, 1], ["C", 1, 1]]
    by_country = timeline(corpus3, ["non_aligned_movement"], by="country", year_from=2013, year_to=2013, workers=1)
    assert by_country[["period", "count", "n_docs"]].values.tolist() == [["AZE", 1, 2], ["GEO", 1, 1]]


def test_label_id_category_and_free_phrase(corpus3):
    frame = timeline(corpus3, ["non_aligned_movement", "Non-Aligned Movement", "non_alignment", "blocs here"], workers=1)
    counts = {term: dict(zip(g["year"], g["count"])) for term, g in frame.groupby("term", sort=False)}
    assert counts["non_aligned_movement"] == counts["Non-Aligned Movement"] == {2011: 2, 2013: 2, 2019: 1}
    # the category non_alignment names an entry id too: the entry wins (non-alignment/non-aligned, overlapped here)
    assert counts["non_alignment"] == {2011: 0, 2013: 0, 2019: 0}
    assert counts["blocs here"] == {2011: 0, 2013: 1, 2019: 0}
    cat = timeline(corpus3, ["target_led_integration"], workers=1)
    assert dict(zip(cat["year"], cat["count"])) == {2011: 0, 2013: 1, 2019: 0}  # the CIS


def test_errors(corpus3):
    with pytest.raises(ScoreError) as err:
        timeline(corpus3, ["cis"], by="decade")
    assert err.value.code == "D313"
    with pytest.raises(ScoreError) as err:
        timeline(corpus3, ["cis"], per=0)
    assert err.value.code == "D314"
