"""The Parquet exchange and the Dask engine: round trip, equality with the serial engine, a killed worker.

The corpus is generated here (English, Azerbaijani and Russian statements, 2015-2019, sentences written for
this test and drawn with a fixed seed); the cluster is one LocalCluster of two processes for the session.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from discourse import Corpus
from discourse.errors import EngineError
from discourse.lexicon import load_lexicon
from discourse.match import match_corpus
from discourse.score import period_scores
from discourse.store import matches as msql

SENTENCES = {
    "en": ["Our course of Euro-Atlantic integration remains the strategic choice of the country.",
           "We do not seek membership in NATO at this stage.",
           "The strategic partnership with Russia serves both peoples.",
           "As a member of the Non-Aligned Movement we keep a balanced foreign policy.",
           "Cooperation within the CIS is important for the region.",
           "The harvest in the southern districts was good this year.",
           "New schools were opened in three provinces."],
    "az": ["Azərbaycan Qoşulmama Hərəkatının üzvüdür.",
           "Rusiya ilə strateji tərəfdaşlıq davam edir.",
           "Avroatlantik inteqrasiya ölkənin strateji seçimidir.",
           "Bu il məhsul yaxşı oldu.",
           "Yeni məktəblər açıldı."],
    "ru": ["Стратегическое партнерство с Россией отвечает интересам народов.",
           "Мы не стремимся к вступлению в НАТО.",
           "Азербайджан является членом Движения неприсоединения.",
           "Сотрудничество в рамках СНГ важно для региона.",
           "Евроатлантическая интеграция остается выбором страны.",
           "Погода весной была теплой."],
}
COUNTRY = {"en": "AZE", "az": "AZE", "ru": "RUS"}
SORT = ["doc_id", "entry_hash", "start"]


@pytest.fixture(scope="session")
def dask_client():
    """One LocalCluster of two worker processes (one thread each) for the whole session."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
                           memory_limit="2GiB")
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def source_store(tmp_path_factory):
    """30 generated statements (en/az/ru x 2015-2019 x 2), ingested into a store."""
    root = tmp_path_factory.mktemp("engine")
    src = root / "src"
    src.mkdir()
    rng = random.Random(20)
    lines = ["path,title,date,doc_type,country,language"]
    for lang, pool in SENTENCES.items():
        for year in range(2015, 2020):
            for k in range(2):
                name = f"{year}_{lang}_{k}.txt"
                paras = [" ".join(rng.choice(pool) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(2, 4))]
                (src / name).write_text(f"Statement {year} {lang} {k}.\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
                lines.append(f"{name},Generated statement {k},{year}-0{k + 3}-1{k},statement,{COUNTRY[lang]},{lang}")
    (src / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = Corpus.open(root / "source.sqlite")
    corpus.ingest([src], manifest=src / "manifest.csv")
    assert len(corpus) == 30
    corpus.close()
    return root / "source.sqlite"


@pytest.fixture(scope="module")
def serial_store(source_store, tmp_path_factory):
    """A copy of the source store matched by the serial engine (one process), shared by the tests below."""
    path = tmp_path_factory.mktemp("serial") / "serial.sqlite"
    shutil.copy(source_store, path)
    with Corpus.open(path) as corpus:
        match_corpus(corpus, load_lexicon(), workers=1)
    return path


def _copy(path, tmp_path, name):
    shutil.copy(path, tmp_path / name)
    return Corpus.open(tmp_path / name)


def _matches(corpus):
    cols = list(msql.MATCH_COLUMNS)
    rows = corpus.store.conn.execute(f"SELECT {', '.join(cols)} FROM matches").fetchall()
    return pd.DataFrame(rows, columns=cols).sort_values(SORT).reset_index(drop=True)


def _docs(corpus):
    return corpus.documents().drop(columns=["ingested_at", "updated_at"]).reset_index(drop=True)


def test_export_import_round_trip(source_store, tmp_path):
    from discourse.engine.parquet import MARKER, export_corpus, import_corpus, read_file_metadata

    src = Corpus.open(source_store)
    marker = export_corpus(src, tmp_path / "exp", rows_per_file=4)
    assert marker["n_documents"] == 30
    years = {p["year"] for p in marker["partitions"]}
    assert years == {2015, 2016, 2017, 2018, 2019}
    assert all(p["path"].startswith(f"documents/year={p['year']}/") for p in marker["partitions"])
    assert max(p["n_documents"] for p in marker["partitions"]) == 4 and len(marker["partitions"]) == 10
    first = tmp_path / "exp" / marker["partitions"][0]["path"]
    assert read_file_metadata(first)["kind"] == "documents"
    assert {"text", "page_starts", "quality_flags", "sha256"} <= set(pq.read_schema(first).names)

    dst = Corpus.open(tmp_path / "empty.sqlite")
    summary = import_corpus(dst, tmp_path / "exp")
    assert (summary["added"], summary["skipped"], summary["files"]) == (30, [], 10)
    pd.testing.assert_frame_equal(_docs(src), _docs(dst))
    for doc_id in _docs(src)["id"]:
        assert dst.text(doc_id) == src.text(doc_id)
    pages = "SELECT doc_id, page, start, end FROM pages ORDER BY doc_id, page"
    assert dst.store.conn.execute(pages).fetchall() == src.store.conn.execute(pages).fetchall()
    again = import_corpus(dst, tmp_path / "exp")  # stored once each: the second import adds nothing
    assert (again["added"], again["unchanged"], len(dst)) == (0, 30, 30)

    # a row whose text was altered is refused, the others of its file are stored
    path = tmp_path / "exp" / marker["partitions"][0]["path"]
    table = pq.read_table(path).to_pandas()
    table.loc[0, "text"] = table.loc[0, "text"] + " altered"
    table.to_parquet(path, index=False)
    third = import_corpus(Corpus.open(tmp_path / "third.sqlite"), tmp_path / "exp")
    assert third["added"] == 29 and len(third["skipped"]) == 1 and "is not the hash of its text" in third["skipped"][0]

    # a previous export may be replaced; any other non-empty folder is refused
    export_corpus(src, tmp_path / "exp")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep me")
    with pytest.raises(EngineError) as err:
        export_corpus(src, tmp_path / "other")
    assert err.value.code == "D870" and not (tmp_path / "other" / MARKER).exists()
    with pytest.raises(EngineError) as err:
        import_corpus(dst, tmp_path / "other")
    assert err.value.code == "D871"


def test_matches_schema_comes_from_the_store():
    from discourse.engine.parquet import documents_schema, matches_schema
    from discourse.store import documents as docs_sql

    assert matches_schema().names == list(msql.MATCH_COLUMNS)
    assert documents_schema().names == list(docs_sql.ALL_COLUMNS) + ["text", "page_starts"]
    assert str(matches_schema().field("negated").type) == "int64"


def test_serial_and_dask_engines_agree(source_store, serial_store, tmp_path, dask_client):
    from discourse.engine.dask_engine import match_corpus_dask, scores_table_dask
    from discourse.engine.parquet import derived_path, read_file_metadata, read_marker

    lex = load_lexicon()
    serial = Corpus.open(serial_store)
    dask = _copy(source_store, tmp_path, "dask.sqlite")
    summary = match_corpus_dask(dask, lex, client=dask_client, work_dir=tmp_path / "work")
    assert summary["documents"] == 30 and summary["merged"] == 30 and summary["hits"] > 100
    assert len(summary["worker_peak_rss_mib"]) >= 1

    a, b = _matches(serial), _matches(dask)
    assert len(a) == summary["hits"]
    pd.testing.assert_frame_equal(a, b)
    assert set(a["language"]) == {"en", "az", "ru"}
    runs = "SELECT doc_id, n_hits FROM match_run_docs ORDER BY doc_id"
    assert serial.store.conn.execute(runs).fetchall() == dask.store.conn.execute(runs).fetchall()

    # the Parquet results carry their provenance
    marker = read_marker(tmp_path / "work")
    meta = read_file_metadata(derived_path(tmp_path / "work", "matches", marker["partitions"][0]["path"]))
    assert meta["lexicon_hash"] == lex.hash and meta["rule_versions"] == dict(lex.rules)
    assert meta["corpus_snapshot"] == marker["corpus_snapshot"]

    # the store is usable as after a serial match: nothing is pending, scores agree to 1e-12
    assert match_corpus(dask, lex, workers=1)["documents"] == 0
    table = scores_table_dask(dask, lexicon=lex, client=dask_client, work_dir=tmp_path / "work", min_hits=1)
    expected = period_scores(serial, lex, min_hits=1)
    assert list(table.frame["year"]) == [2015, 2016, 2017, 2018, 2019]
    assert table.frame["n_hits"].sum() > 100
    pd.testing.assert_frame_equal(table.frame, expected, check_exact=False, rtol=0, atol=1e-12)
    assert table.parameters["engine"]["name"] == "dask"
    stats = derived_path(tmp_path / "work", "stats", marker["partitions"][0]["path"])
    assert read_file_metadata(stats)["lexicon_hash"] == lex.hash

    with pytest.raises(EngineError) as err:
        scores_table_dask(dask, lexicon=lex, client=dask_client, work_dir=tmp_path / "work", level="month")
    assert err.value.code == "D875"


class _KillOnce:
    """A worker plugin that ends its worker process the first time a match task starts (a marker file says so)."""

    def __init__(self, marker: str):
        self.marker = marker

    def setup(self, worker):
        pass

    def teardown(self, worker):
        pass

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and "match-" in str(key):
            try:  # created atomically: when both workers start a task at once, only one of them ends
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os._exit(1)


def test_killed_worker_is_replaced_and_the_result_is_equal(source_store, serial_store, tmp_path, dask_client):
    import cloudpickle
    from distributed.diagnostics.plugin import WorkerPlugin

    from discourse.engine.dask_engine import match_corpus_dask

    lex = load_lexicon()
    serial = Corpus.open(serial_store)
    dask = _copy(source_store, tmp_path, "dask.sqlite")
    marker = tmp_path / "killed"
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    plugin = type("KillOnce", (_KillOnce, WorkerPlugin), {})(str(marker))
    dask_client.register_plugin(plugin, name="kill-once")
    try:
        pids_before = set(dask_client.run(os.getpid).values())
        summary = match_corpus_dask(dask, lex, client=dask_client, work_dir=tmp_path / "work")
    finally:
        dask_client.unregister_worker_plugin("kill-once")
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert marker.exists() and int(marker.read_text()) in pids_before  # one worker died mid-run
    assert summary["documents"] == 30
    pd.testing.assert_frame_equal(_matches(serial), _matches(dask))


def test_cli_does_not_import_dask():
    code = ("import sys, discourse.cli; bad = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]; "
            "print(json.dumps(bad))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True,
                         env={**os.environ})
    assert json.loads(out.stdout) == []


def test_cli_export_and_import_corpus(source_store, tmp_path):
    from discourse.cli import main

    shutil.copy(source_store, tmp_path / "a.sqlite")
    assert main(["export", "corpus", "--format", "parquet", "--out", str(tmp_path / "x"), "--country", "RUS",
                 "--db", str(tmp_path / "a.sqlite")]) == 0
    marker = json.loads((tmp_path / "x" / "discourse-export.json").read_text())
    assert marker["n_documents"] == 10 and marker["parameters"]["filters"] == {"country": "RUS"}
    assert main(["import", "corpus", str(tmp_path / "x"), "--db", str(tmp_path / "b.sqlite"), "--format", "csv"]) == 0
    b = Corpus.open(tmp_path / "b.sqlite")
    assert len(b) == 10 and set(b.documents()["language"]) == {"ru"}
    assert main(["import", "corpus", str(tmp_path), "--db", str(tmp_path / "b.sqlite")]) == 1  # D871


def test_merge_refuses_documents_missing_from_the_store(source_store, serial_store, tmp_path):
    from discourse.engine.dask_engine import merge_into_store
    from discourse.engine.parquet import export_corpus, import_corpus
    from discourse.engine.tasks import match_task

    lex = load_lexicon()
    src = Corpus.open(source_store)
    marker = export_corpus(src, tmp_path / "x")
    for part in marker["partitions"]:  # the task in this process: the same function the workers run
        match_task(str(tmp_path / "x"), part["path"], lex, marker["corpus_snapshot"])
    empty = Corpus.open(tmp_path / "empty.sqlite")
    with pytest.raises(EngineError) as err:
        merge_into_store(empty, tmp_path / "x", lex)
    assert err.value.code == "D877" and "not in the store" in err.value.message
    assert empty.store.conn.execute("SELECT COUNT(*) FROM match_runs").fetchone()[0] == 0  # nothing written
    import_corpus(empty, tmp_path / "x")
    assert merge_into_store(empty, tmp_path / "x", lex)["documents"] == 30
    serial = Corpus.open(serial_store)
    pd.testing.assert_frame_equal(_matches(serial), _matches(empty))
