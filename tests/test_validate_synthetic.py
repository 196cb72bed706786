"""discourse validate on a synthetic three-language corpus with one planted false-positive entry.

The corpus (tests/_validate_synthetic.py) is generated: en/az/ru documents of three countries over twelve years.
A simulated coder who knows the truth codes the sample; the report must flag exactly the planted entry and
rank it first by influence.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import _validate_synthetic as S
from discourse import Corpus
from discourse.cli import main
from discourse.validate import import_codes, report, sample


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The synthetic store (matched) and its lexicon, built once; each test works on a copy."""
    tmp = tmp_path_factory.mktemp("synthetic")
    corpus = Corpus.open(tmp / "store.sqlite")
    lexicon = S.build(tmp, corpus)
    sample(corpus, lexicon, per_entry=1, seed=0)  # brings the match cache up to date
    corpus.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corpus.close()
    return tmp / "store.sqlite", lexicon


@pytest.fixture
def store(built, tmp_path):
    db, lexicon = built
    shutil.copy(db, tmp_path / "store.sqlite")
    corpus = Corpus.open(tmp_path / "store.sqlite")
    yield corpus, lexicon
    corpus.close()


def test_report_flags_exactly_the_planted_entry_and_ranks_it_first_by_influence(store, tmp_path, capsys):
    corpus, lexicon = store
    frame = sample(corpus, lexicon, per_entry=30, by="language,decade", random_sentences=60, seed=7,
                   out=tmp_path / "coding.csv")
    hits = frame.loc[frame["sample_kind"] == "hit"]
    assert hits.groupby("entry_id").size().to_dict() == {"brotherhood": 30, "eaeu": 30, "nam": 30, "west_path": 30}
    assert (hits.groupby("entry_id")["language"].nunique() == 3).all()  # spread over the three languages
    assert (frame["sample_kind"] == "sentence").sum() == 60
    coded = S.simulated_coder(pd.read_csv(tmp_path / "coding.csv", dtype=str, keep_default_na=False), "sim")
    coded.to_csv(tmp_path / "sim.csv", index=False)
    second = S.simulated_coder(coded.iloc[::5], "sim2")  # an independent second coding of 20%
    # a constructed line (the stance gold set's format): text in the file, shown escaped, not in precision
    context = "We <b>value</b> our brotherhood with Russia."
    constructed = dict.fromkeys(coded.columns, "")
    constructed.update(sample_id="c-t1", sample_kind="hit", source="constructed", start=str(context.index("brotherhood")),
                       end=str(context.index("brotherhood") + 11), language="en", entry_id=S.PLANTED,
                       sentence="We <b>value</b> our [[brotherhood]] with Russia.", context=context,
                       lexicon_hash=coded["lexicon_hash"].iloc[0], coder="sim2", code_sense="yes", code_stance="support")
    second = pd.concat([second, pd.DataFrame([constructed])], ignore_index=True)
    second.to_csv(tmp_path / "sim2.csv", index=False)
    assert main(["validate", "import", "--db", str(corpus.path), "--format", "csv", str(tmp_path / "sim.csv"),
                 str(tmp_path / "sim2.csv")]) == 0
    summary = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert summary["coded"].tolist() == [180, 37] and summary["new"].tolist() == [180, 37]

    result = report(corpus, lexicon, out=tmp_path / "validation")
    assert result.flagged == [S.PLANTED]
    prec = result["precision"].set_index("entry_id")
    truth_yes = sum(1 for s in hits["sentence"] if S.TRUTH[S.unmark(s)][0] == S.PLANTED)
    assert prec.loc[S.PLANTED, "n_coded"] == 30 and prec.loc[S.PLANTED, "n_yes"] == truth_yes
    assert prec.loc[S.PLANTED, "precision"] == pytest.approx(truth_yes / 30)
    assert prec.loc[S.PLANTED, "ci_low"] < 0.7
    for entry in ("west_path", "eaeu", "nam"):
        assert prec.loc[entry, "precision"] == 1.0 and prec.loc[entry, "ci_low"] > 0.88
    influence = result["influence"]
    assert influence.iloc[0]["entry_id"] == S.PLANTED and influence.iloc[0]["rank"] == 1
    assert influence["rank"].tolist() == [1, 2, 3, 4]

    # recall: every document has 6 filler sentences and 1 that expresses west_path without its term
    rec = result["recall"].set_index("entry_id")
    assert rec.loc["west_path", "sentences_without_hits"] == 7 * len(S.COUNTRIES) * len(S.YEARS)
    sentences = frame.loc[frame["sample_kind"] == "sentence", "sentence"]
    n_missed = sum(1 for s in sentences if S.TRUTH[s][1] == "west_path")
    assert rec.loc["west_path", "n_missed"] == n_missed and rec.loc["eaeu", "n_missed"] == 0
    tp = rec.loc["west_path", "n_hits"] * 1.0
    fn = 252 * n_missed / 60
    assert rec.loc["west_path", "recall"] == pytest.approx(tp / (tp + fn))
    assert rec.loc["eaeu", "recall"] == 1.0

    agree = result["agreement"].set_index(["code", "subset"])
    assert agree.loc[("code_sense", "all"), "items_pairable"] == 24  # the second coder's hit rows (not the constructed one)
    assert agree.loc[("code_sense", "all"), "percent_agreement"] == 1.0

    html = (tmp_path / "validation" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="#coded-{S.PLANTED}">{S.PLANTED}</a>' in html
    assert f'<details id="coded-{S.PLANTED}" open>' in html and '<details id="coded-nam">' in html
    assert "We &lt;b&gt;value&lt;/b&gt; our <mark>brotherhood</mark> with Russia." in html and "<b>value" not in html
    assert "<mark>" in html and "http" not in html.replace("http-equiv", "")  # self-contained: no external links
    lines = pd.read_csv(tmp_path / "validation" / "coded_lines.csv")
    assert len(lines) == 181 and set(lines["sample_kind"]) == {"hit", "sentence"}
    assert lines.loc[lines["sample_id"] == "c-t1", "source"].tolist() == ["constructed"]
    assert (tmp_path / "validation" / "precision.csv.json").exists()


def test_sample_is_deterministic_for_a_seed_and_records_the_lexicon_hash(store, tmp_path):
    corpus, lexicon = store
    from discourse.lexicon import load_lexicon

    a = sample(corpus, lexicon, per_entry=10, by="language", random_sentences=10, seed=3, out=tmp_path / "a.csv")
    b = sample(corpus, lexicon, per_entry=10, by="language", random_sentences=10, seed=3, out=tmp_path / "b.csv",
               bom=True)
    c = sample(corpus, lexicon, per_entry=10, by="language", random_sentences=10, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert a["sample_id"].tolist() != c["sample_id"].tolist()
    assert set(a["lexicon_hash"]) == {load_lexicon(lexicon).hash}
    raw_a, raw_b = (tmp_path / "a.csv").read_bytes(), (tmp_path / "b.csv").read_bytes()
    assert raw_b == b"\xef\xbb\xbf" + raw_a and not raw_a.startswith(b"\xef\xbb\xbf")
    assert raw_a.startswith(b"sample_id,sample_kind,source,doc_id,page,start,end,sent_start,sent_end,language,year,")
    side = __import__("json").loads((tmp_path / "a.csv.json").read_text())
    assert side["lexicon_hash"] == load_lexicon(lexicon).hash and side["parameters"]["seed"] == 3
    assert side["population"]["hits"] == {"west_path": 72, "eaeu": 72, "nam": 36, "brotherhood": 288}
    # every hit row marks its hit inside its sentence, and the offsets point at it
    for row in a.loc[a["sample_kind"] == "hit"].itertuples():
        text = corpus.text(row.doc_id)
        assert row.sent_start <= row.start < row.end <= row.sent_end
        assert "[[" + " ".join(text[row.start:row.end].split()) + "]]" in row.sentence


def test_sample_neutralizes_formula_cells(tmp_path, corpus):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "geo_2010.txt").write_text('=HYPERLINK("http://x") and the brotherhood of fans sang.\n\nThe end came.\n',
                                         encoding="utf-8")
    pd.DataFrame([{"path": "geo_2010.txt", "date": "2010", "doc_type": "statement", "country": "GEO",
                   "language": "en"}]).to_csv(folder / "manifest.csv", index=False)
    corpus.ingest([folder], manifest=folder / "manifest.csv")
    lexicon = tmp_path / "lex.yaml"
    lexicon.write_text(S.LEXICON, encoding="utf-8")
    frame = sample(corpus, lexicon, per_entry=5, seed=1, out=tmp_path / "c.csv")
    assert frame["sentence"].iloc[0].startswith('=HYPERLINK("http://x") and the [[brotherhood]]')
    written = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False)
    assert written["sentence"].iloc[0].startswith("'=HYPERLINK(")
    assert written["context"].iloc[0].startswith("'=HYPERLINK(")
    # read back without the quote, and importable once coded
    written["coder"], written["code_sense"] = "x", "no"
    written.to_csv(tmp_path / "coded.csv", index=False)
    assert import_codes(corpus, tmp_path / "coded.csv")["new"].tolist() == [1]


def test_sample_refuses_bad_parameters(store):
    from discourse.errors import ValidationError

    corpus, lexicon = store
    with pytest.raises(ValidationError) as e:
        sample(corpus, lexicon, per_entry=0, seed=1)
    assert e.value.code == "D700"
    with pytest.raises(ValidationError) as e:
        sample(corpus, lexicon, by="language,speaker", seed=1)
    assert e.value.code == "D700" and "'speaker'" in e.value.message
    with pytest.raises(ValidationError) as e:
        sample(corpus, lexicon, seed=1, year_from=2050)
    assert e.value.code == "D701"
