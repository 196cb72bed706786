"""The matcher on the 395 UNGDC sample speeches, against independent regex counts per file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import shared_path
from discourse import Corpus
from discourse.cli import main
from discourse.match import hits, kwic, match_corpus
from discourse.timeline import timeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_corpus(tmp_path_factory):
    from discourse.ingest.ungdc_fetch import fetch_ungdc

    sample = shared_path("data", "ungdc", "sample")
    path = tmp_path_factory.mktemp("sample") / "store.sqlite"
    corpus = Corpus.open(path)
    fetch_ungdc(corpus, sample, workers=2)
    summary = match_corpus(corpus, workers=2)
    assert summary["documents"] == 395
    yield corpus, sample, path
    corpus.close()


def _files(sample: Path):
    for f in sorted(sample.glob("*.txt")):
        iso, _, year = f.stem.split("_")
        yield iso, int(year), f.read_text(encoding="utf-8-sig")


# Independent counts: whole words, case-insensitive (acronyms case-sensitive), any whitespace (including a line
# break) between the words of a phrase, as docs/matching.md documents.
INDEPENDENT = {
    "non_aligned_movement": [re.compile(r"\bnon-\s*aligned\s+movement\b", re.I)],
    "cis": [re.compile(r"\bcommonwealth\s+of\s+independent\s+states\b", re.I), re.compile(r"\bCIS\b")],
    "eastern_partnership": [re.compile(r"\beastern\s+partnership\b", re.I), re.compile(r"\bassociation\s+agreement\b", re.I)],
    "csto": [re.compile(r"\bcollective\s+security\s+treaty\w*", re.I), re.compile(r"\bCSTO\b")],
    "guam": [re.compile(r"\bGUAM\b"), re.compile(r"\bOrganization\s+for\s+Democracy\s+and\s+Economic\s+Development\b", re.I)],
}


# A full name with its acronym in brackets (or the reverse) is one mention, one hit (issue 13): subtract these.
BRACKETED = {
    "cis": [re.compile(r"\bcommonwealth\s+of\s+independent\s+states\s*\(\s*CIS\s*\)", re.I),
            re.compile(r"\bCIS\s*\(\s*commonwealth\s+of\s+independent\s+states\s*\)", re.I)],
    "csto": [re.compile(r"\bcollective\s+security\s+treaty\w*(?:\s+organi[sz]ation)?\s*\(\s*CSTO\s*\)", re.I)],
    "guam": [re.compile(r"\bOrganization\s+for\s+Democracy\s+and\s+Economic\s+Development\s*(?:[-\u2013\u2014,]\s*)?\(\s*GUAM\s*\)", re.I),
             re.compile(r"\bGUAM\s*\(\s*Organization\s+for\s+Democracy\s+and\s+Economic\s+Development\s*\)", re.I)],
}


def test_entry_counts_equal_an_independent_regex_per_file(sample_corpus):
    corpus, sample, _ = sample_corpus
    docs = corpus.documents()
    doc_of = {(r.country, int(r.year)): r.id for r in docs.itertuples()}
    found = hits(corpus)
    for entry_id, regexes in INDEPENDENT.items():
        ours = found[found.entry_id == entry_id].groupby("doc_id").size().to_dict()
        theirs = {}
        for iso, year, text in _files(sample):
            n = sum(len(rx.findall(text)) for rx in regexes)
            n -= sum(len(rx.findall(text)) for rx in BRACKETED.get(entry_id, []))
            if n:
                theirs[doc_of[(iso, year)]] = n
        assert ours == theirs, entry_id
        assert sum(theirs.values()) >= 17, entry_id  # a real test: these phrases occur in the sample


def test_nam_timeline_for_azerbaijan_equals_a_whole_word_regex(sample_corpus, capsys):
    corpus, sample, path = sample_corpus
    expected = {year: len(re.findall(r"\bnon-aligned movement\b", text, re.I))
                for iso, year, text in _files(sample) if iso == "AZE"}
    assert main(["timeline", "Non-Aligned Movement", "--country", "AZE", "--by", "year", "--format", "csv", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "year,term,count,rate_per_10k,n_docs,n_words"
    got = {int(line.split(",")[0]): int(line.split(",")[2]) for line in lines[1:]}
    assert got == expected and len(got) == 33 and sum(got.values()) == 22


def test_free_phrase_kwic_and_timeline_equal_regex(sample_corpus):
    corpus, sample, _ = sample_corpus
    rx = re.compile(r"\bminsk\s+group\b", re.I)
    expected = sum(len(rx.findall(text)) for iso, _, text in _files(sample) if iso in ("AZE", "ARM"))
    lines = kwic(corpus, "Minsk Group", country="AZE,ARM")
    assert len(lines) == expected > 50
    assert set(lines["hit"].str.lower()) == {"minsk group"}
    tl = timeline(corpus, ["Minsk Group"], country="AZE,ARM")
    assert tl["count"].sum() == expected
    assert tl["n_docs"].sum() == 66


def test_possessives_counted_in_the_sample(sample_corpus):
    corpus, _, _ = sample_corpus
    found = hits(corpus, entries=["strategic_partnership"])
    targets = found.dropna(subset=["target"])
    assert len(targets) > 0
    # every stored hit reproduces its surface from the stored text and carries its context
    for row in found.head(20).itertuples():
        text = corpus.text(row.doc_id)
        assert text[row.start:row.end] == row.surface
        assert text[max(0, row.start - 160):row.start] == row.left_context
        assert row.sent_start <= row.start < row.end <= row.sent_end


def test_unrelated_senses_are_not_hits_in_the_sample(sample_corpus):
    # "carbon/climate neutrality" is not neutral status, the UN "Alliance of Civilizations" is not an alliance
    corpus, _, _ = sample_corpus
    neutral = kwic(corpus, ["neutrality"], window=3)
    assert len(neutral) == 15
    assert not neutral["left"].str.contains(r"(?:carbon|climate|digital)\s*$", case=False).any()
    assert neutral[neutral["country"] == "AZE"]["year"].tolist() == [2000]
    allied = kwic(corpus, ["allied_relations"], window=3)
    assert len(allied) == 231
    assert not allied["right"].str.match(r"\s*of Civili[sz]ations", case=False).any()
    assert (allied["country"] == "AZE").sum() == 1


def test_kwic_columns_and_filters(sample_corpus):
    corpus, _, _ = sample_corpus
    frame = kwic(corpus, ["non_aligned_movement"], window=3, country="AZE", year_from=2020, year_to=2021)
    assert frame.columns.tolist() == ["doc_id", "date", "year", "country", "page", "term", "entry_id", "left", "hit",
                                      "right", "negated", "negation_cue", "stance", "stance_cue", "stance_rule", "target",
                                      "target_group", "target_inferred", "start"]
    assert len(frame) == 12 and set(frame["year"]) == {2020, 2021} and set(frame["country"]) == {"AZE"}
    assert all(len(left.split()) <= 3 and len(right.split()) <= 3 for left, right in zip(frame["left"], frame["right"]))
