"""Recall and precision per language on the recall sets written for the project (tests/data/recall_*.csv), the
figures of docs/lexicon-az-ru.md, and the recall-set loader's errors (D340-D342)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from discourse.errors import LexiconError
from discourse.lexicon import load_lexicon
from discourse.recall import RECALL_COLUMNS, evaluate, load_recall, stem_variant

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


@pytest.fixture(scope="module")
def results(lex):
    out = {}
    for lang in ("az", "ru"):
        rows = load_recall(DATA / f"recall_{lang}.csv", lex)
        out[lang] = (rows, evaluate(rows, lex)[lang], evaluate(rows, stem_variant(lex, lang))[lang])
    return out


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_recall_and_precision_at_least_090(results, lang):
    rows, m, _ = results[lang]
    assert len(rows) >= 150
    assert {r.language for r in rows} == {lang}
    assert m["recall"] >= 0.90, m["missed"]
    assert m["precision"] >= 0.90, m["extra"]


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_every_named_actor_is_found(results, lang):
    _, m, _ = results[lang]
    assert m["actor_rows"] >= 50
    assert m["actor_found"] == m["actor_rows"], m["actor_missed"]


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_sets_hold_negatives_and_every_entry(results, lex, lang):
    rows, _, _ = results[lang]
    negatives = [r for r in rows if not r.entries and not r.actor]
    assert len(negatives) >= 20
    covered = {e for r in rows for e in r.entries}
    assert covered == {e.id for e in lex.entries}  # every entry is exercised in both languages


def _doc_rows(lang: str) -> dict[str, tuple[int, int, int, float, float]]:
    text = (ROOT / "docs" / "lexicon-az-ru.md").read_text(encoding="utf-8")
    head = re.search(r"\| %s, (\d+) sentences \|" % ("Russian" if lang == "ru" else "Azerbaijani"), text)
    block = text[head.start():].split("\n\n")[0]
    out = {"sentences": int(head.group(1))}
    for line in block.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        out[cells[0]] = (int(cells[1]), int(cells[2]), int(cells[3]), float(cells[4]), float(cells[5]))
    return out


@pytest.mark.parametrize("lang, shipped, stems", [
    ("ru", "pymorphy3 lemmas (shipped)", "hand-style stems, same terms"),
    ("az", "suffix rule (shipped)", "prefix stems, same terms"),
])
def test_documented_measurement_is_current(results, lang, shipped, stems):
    rows, m, s = results[lang]
    doc = _doc_rows(lang)
    assert doc["sentences"] == len(rows)
    assert doc[shipped] == (m["tp"], m["fp"], m["fn"], round(m["recall"], 3), round(m["precision"], 3))
    assert doc[stems] == (s["tp"], s["fp"], s["fn"], round(s["recall"], 3), round(s["precision"], 3))
    # the morphology is at least as good as stems on the same terms
    assert m["precision"] >= s["precision"] and m["recall"] >= s["recall"]


# -- the loader's errors ------------------------------------------------------------------------------------
def test_missing_file_is_d340(tmp_path, lex):
    with pytest.raises(LexiconError) as err:
        load_recall(tmp_path / "nope.csv", lex)
    assert err.value.code == "D340" and "nope.csv" in str(err.value) and err.value.hint


def test_bad_header_is_d341(tmp_path, lex):
    path = tmp_path / "r.csv"
    path.write_text("id,sentence\nx,y\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_recall(path, lex)
    assert err.value.code == "D341" and f"{path}:1:" in str(err.value)


@pytest.mark.parametrize("row, message", [
    ("a1,az,Bir cümlə.,form,no_such_entry,", "unknown entry id(s) no_such_entry"),
    ("a1,az,Bir cümlə.,form,none,no_such_actor", "unknown actor id 'no_such_actor'"),
    ("a1,xx,Bir cümlə.,form,none,", "language 'xx'"),
    ("a1,az,,form,none,", "empty sentence or form"),
    ("a1,az,Bir, cümlə.,form,none,", "7 fields"),
])
def test_bad_rows_are_d342_with_line(tmp_path, lex, row, message):
    path = tmp_path / "r.csv"
    path.write_text(",".join(RECALL_COLUMNS) + "\n" + "a0,az,NATO.,NATO,none,nato\n" + row + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_recall(path, lex)
    assert err.value.code == "D342" and f"{path}:3:" in str(err.value) and message in str(err.value), str(err.value)


def test_repeated_id_is_d342(tmp_path, lex):
    path = tmp_path / "r.csv"
    path.write_text(",".join(RECALL_COLUMNS) + "\na0,az,NATO.,NATO,none,\na0,az,MDB.,MDB,cis,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="repeated") as err:
        load_recall(path, lex)
    assert err.value.code == "D342"
