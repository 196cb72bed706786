"""The second, independent coding of 20 % of the stance gold set (`tests/data/stance_gold_coder_b.csv`).

Coder `coder-b` coded these rows by `docs/codebook.md` without seeing the first coder's codes or the machine's
stance (the machine columns `pole`, `stance`, `cue` were blank in the rows handed out and stay blank here).
These tests check the file's format so that `discourse validate report` can compare it with `stance_gold.csv`:
the exact header, the promised size, codes from the codebook only, one coder, well-formed unique ids, no UN text,
constructed rows that carry their own text, the same samples as the gold set, and UNGDC offsets that point at
the entry's words in the stored statements.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_path

DATA = Path(__file__).parent / "data"
CODER_B = DATA / "stance_gold_coder_b.csv"
GOLD = DATA / "stance_gold.csv"
HEADER = ("sample_id,sample_kind,source,doc_id,page,start,end,sent_start,sent_end,language,year,country,doc_type,"
          "entry_id,pole,stance,cue,target,sentence,context,lexicon_hash,coder,code_sense,code_stance,code_missed,"
          "note").split(",")
STANCES = {"support", "reject", "doubt", "question", "reported", "mention"}
CODE_COLUMNS = {"coder", "code_sense", "code_stance", "code_missed", "note"}
BLINDED = {"pole", "stance", "cue"}  # machine columns withheld from the second coder


def _rows(path: Path = CODER_B) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_header_is_exactly_the_coding_format():
    with open(CODER_B, encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == HEADER


def test_size_ids_and_coder():
    rows = _rows()
    assert len(rows) == 129
    ids = [r["sample_id"] for r in rows]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [i for i in ids if not re.fullmatch(r"[hc]-\d{6}", i)] == []
    # hit ids come from the UNGDC rows, c- ids from the constructed ones
    assert [r["sample_id"] for r in rows if (r["sample_id"][0] == "c") != (r["source"] == "constructed")] == []
    assert {r["coder"] for r in rows} == {"coder-b"}


def test_every_row_is_coded_by_the_codebook():
    from discourse.lexicon import load_lexicon

    entries = {e.id for e in load_lexicon().entries}
    problems = []
    for line, r in enumerate(_rows(), 2):
        if None in r or len(r) != len(HEADER):
            problems.append((line, "wrong number of fields"))
            continue
        if r["sample_kind"] != "hit" or r["source"] not in ("ungdc", "constructed"):
            problems.append((line, "sample_kind/source"))
        if r["entry_id"] not in entries:
            problems.append((line, f"unknown entry {r['entry_id']!r}"))
        if any(r[c] for c in BLINDED):
            problems.append((line, "machine pole/stance/cue should be blank in a blind coding"))
        if not re.fullmatch(r"[0-9a-f]{16}", r["lexicon_hash"]):
            problems.append((line, "lexicon_hash"))
        if r["code_sense"] not in ("yes", "no") or r["code_stance"] not in STANCES or r["code_missed"]:
            problems.append((line, f"codes {r['code_sense']!r} {r['code_stance']!r} {r['code_missed']!r}"))
        s, e, s0, s1 = (int(r[k]) for k in ("start", "end", "sent_start", "sent_end"))
        if not 0 <= s0 <= s < e <= s1:
            problems.append((line, "offsets out of order"))
    assert problems == []


def test_ungdc_rows_carry_no_un_text_and_constructed_rows_carry_their_own():
    bad = []
    for r in _rows():
        if r["source"] == "ungdc":
            if r["sentence"] or r["context"] or not re.fullmatch(r"[A-Z]{3}_\d{2}_\d{4}", r["doc_id"]):
                bad.append((r["sample_id"], "ungdc text/doc_id"))
            continue
        ctx = r["context"]
        s, e, s0, s1 = (int(r[k]) for k in ("start", "end", "sent_start", "sent_end"))
        marked = (ctx[s0:s] + "[[" + ctx[s:e] + "]]" + ctx[e:s1]).strip()  # one sentence span keeps a trailing space
        if s1 > len(ctx) or r["sentence"] != marked or not r["note"].startswith("constructed, illustrative"):
            bad.append((r["sample_id"], "constructed sentence/context/note"))
    assert bad == []


def test_codes_cover_the_codebook_values():
    rows = _rows()
    assert {r["code_stance"] for r in rows} == STANCES
    assert {r["code_sense"] for r in rows} == {"yes", "no"}
    assert Counter(r["language"] for r in rows if r["source"] == "constructed") == {"az": 17, "ru": 11, "en": 11}


def test_same_samples_as_the_gold_set():
    """Each row is a row of the first coding: all columns but the codes and the blinded machine columns agree."""
    gold = {r["sample_id"]: r for r in _rows(GOLD)}
    bad = []
    for r in _rows():
        g = gold.get(r["sample_id"])
        if g is None:
            bad.append((r["sample_id"], "not in stance_gold.csv"))
            continue
        bad += [(r["sample_id"], k) for k in HEADER if k not in CODE_COLUMNS | BLINDED and r[k] != g[k]]
    assert bad == []


@pytest.mark.slow
def test_ungdc_offsets_point_at_the_entry_in_the_stored_statement(tmp_path):
    from discourse import Corpus
    from discourse.ingest.ungdc_fetch import fetch_ungdc
    from test_stance_gold_file import _points_at_entry

    sample = shared_path("data", "ungdc", "sample")
    rows = [r for r in _rows() if r["source"] == "ungdc"]
    needed = sorted({r["doc_id"] for r in rows})
    folder = tmp_path / "statements"
    folder.mkdir()
    for stem in needed:
        (folder / f"{stem}.txt").write_bytes((sample / f"{stem}.txt").read_bytes())
    corpus = Corpus.open(tmp_path / "store.sqlite")
    try:
        fetch_ungdc(corpus, folder, workers=1)
        docs = corpus.documents()
        ids = {Path(p).stem: i for i, p in zip(docs.id, docs.source_path)}
        texts = {stem: corpus.text(ids[stem]) for stem in needed}
    finally:
        corpus.close()
    bad = []
    for r in rows:
        text = texts[r["doc_id"]]
        s, e, s0, s1 = (int(r[k]) for k in ("start", "end", "sent_start", "sent_end"))
        if not (0 <= s0 <= s < e <= s1 <= len(text)):
            bad.append((r["sample_id"], "outside the text"))
        elif not _points_at_entry(text, s, e, r["entry_id"]):
            bad.append((r["sample_id"], r["entry_id"]))
    assert len(rows) == 90 and bad == []
