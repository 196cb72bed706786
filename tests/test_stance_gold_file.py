"""The hand-coded stance gold set (`tests/data/stance_gold.csv`): format, codes and offsets.

The file is coded by `docs/codebook.md` (see `tests/data/README.md`). These tests check that it can feed both the
stance evaluation and `discourse validate`: the exact header, codes from the codebook only, unique ids, the sizes
promised by the stance issue, and offsets that point at the entry's words (UNGDC rows in the stored statement
texts, which are read from ../shared and never copied here; constructed rows in their own `context`).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_path

GOLD = Path(__file__).parent / "data" / "stance_gold.csv"
HEADER = ("sample_id,sample_kind,source,doc_id,page,start,end,sent_start,sent_end,language,year,country,doc_type,"
          "entry_id,pole,stance,cue,target,sentence,context,lexicon_hash,coder,code_sense,code_stance,code_missed,"
          "note").split(",")
STANCES = {"support", "reject", "doubt", "question", "reported", "mention"}


def _rows() -> list[dict]:
    with open(GOLD, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_header_is_exactly_the_coding_format():
    with open(GOLD, encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == HEADER


def test_every_row_is_complete_and_coded_by_the_codebook():
    from discourse.lexicon import load_lexicon

    entries = {e.id for e in load_lexicon().entries}
    rows = _rows()
    problems = []
    for line, r in enumerate(rows, 2):
        if None in r or len(r) != len(HEADER):
            problems.append((line, "wrong number of fields"))
            continue
        if r["sample_kind"] not in ("hit", "sentence") or r["source"] not in ("ungdc", "store", "constructed"):
            problems.append((line, "sample_kind/source"))
        if r["entry_id"] not in entries:
            problems.append((line, f"unknown entry {r['entry_id']!r}"))
        if r["stance"] not in STANCES:
            problems.append((line, f"machine stance {r['stance']!r}"))
        if not re.fullmatch(r"[0-9a-f]{16}", r["lexicon_hash"]) or not r["coder"]:
            problems.append((line, "lexicon_hash/coder"))
        if r["sample_kind"] == "hit":
            if r["code_sense"] not in ("yes", "no") or r["code_stance"] not in STANCES or r["code_missed"]:
                problems.append((line, f"codes {r['code_sense']!r} {r['code_stance']!r} {r['code_missed']!r}"))
        else:
            missed = [m for m in r["code_missed"].split(";") if m]
            if r["code_sense"] or r["code_stance"] or any(m not in entries for m in missed):
                problems.append((line, "sentence-row codes"))
        s, e, s0, s1 = (int(r[k]) for k in ("start", "end", "sent_start", "sent_end"))
        if not 0 <= s0 <= s < e <= s1:
            problems.append((line, "offsets out of order"))
    assert problems == []


def test_sample_ids_are_unique_per_coder_and_sizes_are_as_promised():
    rows = _rows()
    keys = Counter((r["sample_id"], r["coder"]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    assert len({r["sample_id"] for r in rows}) == len(rows)  # one coder so far: ids unique outright
    sources = Counter(r["source"] for r in rows)
    constructed = Counter(r["language"] for r in rows if r["source"] == "constructed")
    assert sources["ungdc"] >= 400
    assert constructed["ru"] >= 60 and constructed["az"] >= 60 and constructed["en"] >= 40
    # every stance value is represented in each language of the constructed rows, rejects most of all
    for lang in ("ru", "az", "en"):
        got = Counter(r["code_stance"] for r in rows if r["source"] == "constructed" and r["language"] == lang)
        assert set(got) == STANCES, lang
        assert got["reject"] >= 15, lang
    # and every entry with hits in the sample is in the UNGDC part
    assert len({r["entry_id"] for r in rows if r["source"] == "ungdc"}) == 23


def test_ungdc_rows_carry_no_un_text():
    for r in _rows():
        if r["source"] == "ungdc":
            assert r["sentence"] == "" and r["context"] == "", r["sample_id"]
            assert re.fullmatch(r"[A-Z]{2,4}_\d{1,3}_\d{4}", r["doc_id"]), r["sample_id"]


# What each entry's words look like, in the three languages, written independently of the lexicon's patterns (so
# that a later edit of a pattern does not break the check of this file's offsets): a slice of text, lower-cased,
# whitespace collapsed and spaces around hyphens removed, must match its entry's expression in full.
SURFACE = {k: "|".join(v) for k, v in {
    "euro_atlantic_integration": (
        r"euro-?atlantic integrat\w*", r"integrat\w* (in)?to (the )?(european and )?euro-?atlantic\w*",
        r"avro-?atlantik (\w+ ){0,2}inteqrasiya\w*", r"евроатлантическ\w* интеграц\w*",
        r"интеграц\w* в евроатлантическ\w*",
    ),
    "euro_atlantic_structures": (
        r"euro-?atlantic (structure|institution|communit|famil)\w*", r"avro-?atlantik (struktur|təsisat|birlik)\w*",
        r"евроатлантическ\w* (структур|институт|сообществ)\w*",
    ),
    "european_integration": (
        r"european integration", r"euro-?integration",
        r"integrat\w* (in)?to (the )?europe(an (union|structures|institutions))?", r"avropa\w* inteqrasiya\w*",
        r"avrointeqrasiya\w*", r"европейск\w* интеграц\w*", r"евроинтеграц\w*",
    ),
    "eu_membership": (
        r"eu (membership|accession)", r"(accession|membership) (to|in|of) the (european union|eu)",
        r"avropa ittifaq\w* üzv\w*", r"(членств|вступлени)\w* в (ес|евросоюз|европейский союз)",
    ),
    "nato_partnership": (
        r"nato membership", r"(accession|membership) (to|in|of) (the )?nato", r"partnership for peace",
        r"individual partnership action plan", r"nato-?\w* üzv\w*", r"sülh naminə tərəfdaşlı\w*",
        r"(членств|вступлени)\w* в нато", r"партнерств\w* ради мир\w*",
    ),
    "eastern_partnership": (
        r"eastern partnership", r"association agreement", r"şərq tərəfdaşlı\w*", r"assosiasiya saziş\w*",
        r"восточн\w* партнерств\w*", r"соглашени\w* об ассоциаци\w*",
    ),
    "energy_routes": (
        r"southern gas corridor", r"baku-tbilisi-ceyhan", r"trans[- ]?anatolian", r"trans[- ]?adriatic", r"traceca",
        r"cənub qaz dəhliz\w*", r"bakı-tbilisi-ceyhan\w*", r"южн\w* газов\w* коридор\w*", r"баку-тбилиси-джейхан\w*",
    ),
    "guam": (
        r"guam", r"organization for democracy and economic development", r"гуам",
    ),
    "target_aggression": (
        r"aggress\w*", r"occupation\w*", r"annexation\w*", r"təcavüz\w*", r"işğal\w*", r"ilhaq\w*", r"агресси\w*",
        r"оккупаци\w*", r"аннекси\w*",
    ),
    "non_aligned_movement": (
        r"non-?aligned movement", r"qoşulmama hərəkat\w*", r"движени\w* неприсоединени\w*",
    ),
    "non_alignment": (
        r"non-?align\w*", r"non-?bloc\w*", r"qoşulmama\w*", r"bloka daxil olmama\w*", r"неприсоединени\w*",
        r"внеблоков\w*",
    ),
    "balanced_policy": (
        r"balanced (and \w+ )?(foreign )?polic(y|ies)", r"balanced relations", r"balans\w* (xarici )?siyasət\w*",
        r"сбалансированн\w* (внешн\w* )?политик\w*",
    ),
    "independent_foreign_policy": (
        r"independent foreign policy", r"müstəqil xarici siyasət\w*", r"независим\w* внешн\w* политик\w*",
    ),
    "neutrality": (
        r"neutrality", r"neutral status", r"neytral\w*( status\w*)?", r"нейтралитет\w*", r"нейтральн\w* статус\w*",
    ),
    "relations_with_all": (
        r"relations with all (countries|states|partners|neighbou?rs|sides)",
        r"bütün ölkələrlə (\w+ ){0,2}münasibət\w*",
        r"отношени\w* со всеми (странами|государствами|партнерами|соседями)",
    ),
    "eurasian_economic_union": (
        r"eurasian economic (union|community)", r"eurasian union", r"eaeu", r"eurasec",
        r"avrasiya iqtisadi (birliy|ittifaq)\w*", r"евразийск\w* экономическ\w* (союз|сообществ)\w*", r"еаэс",
        r"евразэс",
    ),
    "csto": (
        r"collective security treaty\w*", r"csto", r"kollektiv təhlükəsizlik müqavilə\w*", r"ktmt",
        r"договор\w* о коллективной безопасности", r"одкб",
    ),
    "cis": (
        r"commonwealth of independent states", r"cis", r"müstəqil dövlətlər birliy\w*", r"mdb",
        r"содружеств\w* независим\w* государств\w*", r"снг",
    ),
    "strategic_partnership": (
        r"strategic partner\w*", r"strateji tərəfdaş\w*", r"стратегическ\w* партнер\w*",
    ),
    "allied_relations": (
        r"allied interaction", r"allied relations", r"all(y|ies|ied)", r"alliances?", r"müttəfiq\w*",
        r"союзническ\w*", r"союзник\w*",
    ),
    "integration": (
        r"integrat\w*", r"inteqrasiya\w*", r"интеграц\w*", r"интегрир\w*",
    ),
    "russian_language": (
        r"russian[- ](language|speaking)", r"rus dil(i|li)\w*", r"rusdilli\w*", r"русск\w* язык\w*",
        r"русскоязычн\w*",
    ),
    "multipolar_world": (
        r"multi-?polar\w*", r"çoxqütblü\w*", r"многополярн\w*",
    ),
    "eurasian_integration": (
        r"eurasian integrat\w*", r"avrasiya inteqrasiya\w*", r"евразийск\w* интеграц\w*",
    ),
    "multi_vector": (
        r"multi-?vector\w*", r"çoxvektorlu\w*", r"многовекторн\w*",
    ),
}.items()}


def _points_at_entry(text: str, start: int, end: int, entry_id: str) -> bool:
    """True when text[start:end] is whole words that match the entry's SURFACE expression."""
    surface = text[start:end].lower().replace("i\u0307", "i").replace("ё", "е")
    surface = re.sub(r"\s*-\s*", "-", re.sub(r"\s+", " ", surface))
    whole = (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
    return whole and re.fullmatch(SURFACE[entry_id], surface) is not None


def test_every_entry_of_the_file_has_a_surface_expression():
    from discourse.lexicon import load_lexicon

    assert {r["entry_id"] for r in _rows()} <= set(SURFACE) <= {e.id for e in load_lexicon().entries}


def test_constructed_rows_point_at_the_entry_in_their_own_context():
    bad = []
    for r in _rows():
        if r["source"] != "constructed":
            continue
        ctx = r["context"]
        s, e, s0, s1 = (int(r[k]) for k in ("start", "end", "sent_start", "sent_end"))
        marked = (ctx[s0:s] + "[[" + ctx[s:e] + "]]" + ctx[e:s1]).strip()
        if e > len(ctx) or s1 > len(ctx) or marked != r["sentence"] or "illustrative" not in r["note"]:
            bad.append((r["sample_id"], "context/sentence/note"))
        elif not _points_at_entry(ctx, s, e, r["entry_id"]):
            bad.append((r["sample_id"], ctx[s:e]))
    assert bad == []


@pytest.mark.slow
def test_ungdc_offsets_point_at_the_entry_in_the_stored_statement(tmp_path):
    from discourse import Corpus
    from discourse.ingest.ungdc_fetch import fetch_ungdc

    sample = shared_path("data", "ungdc", "sample")
    rows = [r for r in _rows() if r["source"] == "ungdc"]
    needed = sorted({r["doc_id"] for r in rows})
    folder = tmp_path / "statements"  # only the statements the gold set cites, ingested as the sampler did
    folder.mkdir()
    for stem in needed:
        (folder / f"{stem}.txt").write_bytes((sample / f"{stem}.txt").read_bytes())
    corpus = Corpus.open(tmp_path / "store.sqlite")
    try:
        fetch_ungdc(corpus, folder, workers=1)
        docs = corpus.documents()
        ids = {Path(p).stem: i for i, p in zip(docs.id, docs.source_path)}
        assert sorted(ids) == needed
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
            bad.append((r["sample_id"], text[s:e]))
    assert bad == []
