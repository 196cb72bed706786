"""Issue 12: hostile or careless input ends in `Error [Dnnn]` naming the file, line or option, never in a
traceback, unbounded work or a silently wrong value (bounds, YAML, manifest paths, headers, summaries)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.errors import IndicatorError, IngestError, ScoreError
from discourse.ingest.manifest import load_manifest
from discourse.lexicon import check_lexicon

from _small_store import build

ROOT = Path(__file__).resolve().parents[1]
BOMB = ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n")


@pytest.fixture
def store(tmp_path, monkeypatch):
    db = tmp_path / "store.sqlite"
    build(db)
    monkeypatch.setenv("DISCOURSE_DB", str(db))
    monkeypatch.chdir(tmp_path)
    return db


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


# -- manifest numbers: never rounded, never overflowing ------------------------------------------------------
@pytest.mark.parametrize("column,value,what", [
    ("year", "2015.7", "is not a whole number"), ("year", "inf", "is not a whole number"),
    ("year", "1e30", "is not a whole number"), ("session", "inf", "is not a whole number"),
    ("session", "1e30", "is not a whole number"), ("session", "-inf", "is not a whole number"),
    ("year", "nan", "is not a whole number"),
])
def test_manifest_year_and_session_must_be_whole_numbers(tmp_path, column, value, what):
    (tmp_path / "a.txt").write_text("Illustrative text.")
    (tmp_path / "m.csv").write_text(f"path,{column}\na.txt,{value}\n")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.csv")
    assert (info.value.code, info.value.message) == ("D106", f"m.csv line 2: {column} {value!r} {what}")


def test_manifest_session_out_of_bounds_and_yaml_infinity(tmp_path):
    (tmp_path / "a.txt").write_text("Illustrative text.")
    (tmp_path / "m.csv").write_text("path,session\na.txt,99999999999\n")
    with pytest.raises(IngestError, match=r"\[D190\] m.csv line 2: session 99999999999 is outside 1..1000"):
        load_manifest(tmp_path / "m.csv")
    (tmp_path / "m.yaml").write_text("- path: a.txt\n  year: .inf\n")
    with pytest.raises(IngestError, match=r"\[D106\] m.yaml line 1: year 'inf' is not a whole number"):
        load_manifest(tmp_path / "m.yaml")


def test_cli_ingest_with_an_infinite_session_is_an_error_and_stores_nothing(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Illustrative text one.")
    (tmp_path / "m.csv").write_text("path,session\na.txt,1e30\n")
    code, out, err = _run(capsys, ["ingest", "--manifest", str(tmp_path / "m.csv"), "--workers", "0",
                                   "--db", str(tmp_path / "s.sqlite")])
    assert code == 1 and "Error [D106]: m.csv line 2: session '1e30' is not a whole number" in err


# -- dates: 1800-2200 everywhere ----------------------------------------------------------------------------
@pytest.mark.parametrize("date", ["0000-01-01", "9999-12-31", "0001", "1799-12"])
def test_dates_outside_1800_2200_are_refused_everywhere(tmp_path, capsys, date):
    (tmp_path / "a.txt").write_text("Illustrative text.")
    (tmp_path / "m.csv").write_text(f"path,date\na.txt,{date}\n")
    with pytest.raises(IngestError, match=rf"\[D110\] m.csv line 2: implausible date '{date}'"):
        load_manifest(tmp_path / "m.csv")
    code, out, err = _run(capsys, ["ingest", str(tmp_path / "a.txt"), "--date", date, "--workers", "0",
                                   "--db", str(tmp_path / "s.sqlite")])
    assert code == 1 and f"Error [D110]: command-line options: implausible date '{date}'" in err
    events = tmp_path / "events.csv"
    events.write_text(f"date,label\n{date},An event\n")
    from discourse.report import load_events
    from discourse.errors import ReportError

    with pytest.raises(ReportError, match=rf"\[D603\] .*events.csv:2: implausible date '{date}'"):
        load_events(events)


# -- YAML: one safe loader ----------------------------------------------------------------------------------
YAML_CASES = [
    ("date: 2015-02-30", 2, "invalid date '2015-02-30' (day is out of range for month)"),
    ("title: !custom x", 2, "unknown tag '!custom'; only plain YAML values are read"),
    ("title: !!float abc", 2, "invalid float 'abc' (could not convert string to float: 'abc')"),
    ("title: &t [*t]", 2, "recursive alias: a value contains itself"),
    ("title: !!python/object/apply:os.system [echo]", 2,
     "unknown tag 'tag:yaml.org,2002:python/object/apply:os.system'; only plain YAML values are read"),
]


@pytest.mark.parametrize("line,lineno,problem", YAML_CASES)
def test_yaml_manifest_errors_name_file_and_line(tmp_path, line, lineno, problem):
    (tmp_path / "a.txt").write_text("Illustrative text.")
    (tmp_path / "m.yaml").write_text(f"- path: a.txt\n  {line}\n")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.yaml")
    assert (info.value.code, info.value.message) == ("D101", f"m.yaml: not valid YAML: line {lineno}: {problem}")


@pytest.mark.parametrize("line,lineno,problem", YAML_CASES)
def test_yaml_lexicon_errors_name_file_and_line(tmp_path, line, lineno, problem):
    path = tmp_path / "lex.yaml"
    path.write_text(f"name: x\n{line}\n")
    assert [(p.line, p.message) for p in check_lexicon(path)] == [(lineno, problem)]


@pytest.mark.parametrize("line,lineno,problem", YAML_CASES)
def test_yaml_indicator_metadata_errors_name_file_and_line(tmp_path, line, lineno, problem):
    from discourse.indicators import read_metadata

    path = tmp_path / "meta.yaml"
    path.write_text(f"indicators:\n{line}\n")
    with pytest.raises(IndicatorError) as info:
        read_metadata(path)
    assert f"{path}: line {lineno}: {problem}" in info.value.message


def test_yaml_alias_bombs_are_refused_fast(tmp_path):
    started = time.perf_counter()
    (tmp_path / "a.txt").write_text("Illustrative text.")
    (tmp_path / "m.yaml").write_text(BOMB + "documents:\n  - path: a.txt\n    title: *h\n")
    with pytest.raises(IngestError, match=r"\[D101\] m.yaml: not valid YAML: line \d+: expands through aliases to "
                                          r"more than 1,000,000 values; refused as an alias bomb"):
        load_manifest(tmp_path / "m.yaml")
    lex = tmp_path / "lex.yaml"
    lex.write_text(BOMB)
    assert [p.message for p in check_lexicon(lex)] == [
        "expands through aliases to more than 1,000,000 values; refused as an alias bomb"]
    many = "a: &a x\nb: [" + ", ".join(["*a"] * 150) + "]\n"
    lex.write_text(many)
    assert [p.message for p in check_lexicon(lex)] == [
        "more than 100 aliases (*name); refused as a possible alias bomb"]
    assert time.perf_counter() - started < 10


# -- numeric options: bounded -------------------------------------------------------------------------------
@pytest.mark.parametrize("argv,option", [
    (["docs", "list", "--year-from", "99999999999999999999"], "--year-from"),
    (["kwic", "x", "--year-to", "-99999999999999999999"], "--year-to"),
    (["panel", "--country", "AZE", "--from", "1", "--to", "99999999"], "--from"),
    (["report", "--to", "9999999"], "--to"),
    (["export", "scores", "--rolling", "99999999"], "--rolling"),
    (["export", "scores", "--replicates", "100000000"], "--replicates"),
    (["score", "--replicates", "100000000"], "--replicates"),
    (["search", "x", "--limit", "99999999999999999999"], "--limit"),
    (["timeline", "x", "--per", "99999999999999999999"], "--per"),
    (["match", "--workers", "100000"], "--workers"),
    (["indicators", "show", "--from", "0"], "--from"),
])
def test_numeric_options_out_of_bounds_are_usage_errors(store, capsys, argv, option):
    code, out, err = _run(capsys, argv)
    assert code == 2 and f"Invalid value for '{option}'" in err and "is not in the range" in err


def test_library_bounds(store):
    from discourse.panel import panel
    from discourse.score import scores_table

    with Corpus.open(store) as corpus:
        with pytest.raises(IndicatorError, match=r"\[D534\] year_from 1 is outside 1800..2200"):
            panel(corpus, "AZE", 1, 99999999)
        with pytest.raises(ScoreError, match=r"\[D446\] replicates 100000000 is more than 20,000"):
            scores_table(corpus, level="year", replicates=100_000_000)
        with pytest.raises(ScoreError, match=r"\[D447\] rolling window of 99999999 years is longer than 401"):
            scores_table(corpus, level="year", rolling=99_999_999)
        from discourse.report import build_report
        from discourse.errors import ReportError

        with pytest.raises(ReportError, match=r"\[D606\] year_to 9999999 is not a year from 1800 to 2200"):
            build_report(corpus, "rep", year_to=9_999_999)
    from discourse.bounds import whole_number

    assert [whole_number(v) for v in ("2015", "2015.0", "2015.7", "inf", "1e30", "nan")] == [
        2015, 2015, None, None, None, None]


# -- outputs and labels -------------------------------------------------------------------------------------
def test_panel_out_on_an_existing_file_that_is_not_a_csv(store, tmp_path, capsys):
    other = tmp_path / "notes.txt"
    other.write_text("mine")
    code, out, err = _run(capsys, ["panel", "--country", "AZE", "--from", "2008", "--to", "2012",
                                   "--out", str(other)])
    assert code == 1
    assert f"Error [D444]: cannot write {other}/panel.csv.json: part of its folder ({other}) is a file" in err
    assert other.read_text() == "mine"


def test_dollar_signs_in_labels_are_drawn_as_text(tmp_path):
    import pandas as pd
    from matplotlib.figure import Figure

    from discourse.report import _draw_events

    fig = Figure()
    ax = fig.add_subplot()
    events = pd.DataFrame({"label": [r"deal worth $\nocommand$ (5 bn)"], "kind": ["other"], "x": [2010.5],
                           "x_end": [float("nan")]})
    _draw_events(ax, events, 2008, 2012, labels=True)
    text = ax.texts[0]
    assert text._preprocess_math(text.get_text()) == (r"deal worth $\nocommand$ (5 bn)", False)
    fig.savefig(tmp_path / "f.png")  # mathtext would fail on \nocommand


def test_report_with_a_dollar_in_an_event_label_does_not_crash(store, tmp_path, capsys):
    events = tmp_path / "events.csv"
    events.write_text("date,label\n2010-05-01,$\\nocommand$ summit\n2012-01-01,a $5 deal\n")
    code, out, err = _run(capsys, ["report", "--out", str(tmp_path / "rep"), "--events", str(events),
                                   "--replicates", "20", "--top-terms", "2"])
    assert code == 0, err


# -- Ctrl-C during start-up ---------------------------------------------------------------------------------
def _console_entry() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["discourse"]


def test_ctrl_c_while_the_cli_is_importing_exits_130_without_a_traceback(tmp_path):
    module, func = _console_entry().split(":")
    code = (
        "import sys, importlib.abc\n"
        "class Interrupt(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'discourse.cli.search':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        f"sys.argv = ['discourse', 'docs', 'list']\n"
        f"from {module} import {func} as entry\n"
        "sys.exit(entry())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 130 and proc.stderr.strip() == "Aborted."


def test_ctrl_c_sent_during_start_up_never_prints_a_traceback(tmp_path):
    import signal

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DISCOURSE_DB": str(tmp_path / "none.sqlite")}
    for delay in (0.15, 0.35):
        proc = subprocess.Popen([sys.executable, "-m", "discourse", "docs", "list"], stderr=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, err
        assert proc.returncode in (130, 1, -signal.SIGINT), (proc.returncode, err)


# -- manifest paths, duplicated headers, file names, error volume -------------------------------------------
@pytest.mark.parametrize("name", ["../outside.txt", "ABS", "link.txt"])
def test_manifest_paths_leaving_the_folder_are_refused(tmp_path, name):
    folder = tmp_path / "corpus"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("A private file outside the corpus.")
    (folder / "link.txt").symlink_to(outside)
    name = str(outside) if name == "ABS" else name
    (folder / "m.csv").write_text(f"path\n{name}\n")
    with pytest.raises(IngestError) as info:
        load_manifest(folder / "m.csv")
    assert info.value.code == "D191" and info.value.message.startswith("m.csv line 2: ")
    assert load_manifest(folder / "m.csv", allow_outside=True) == {
        str(outside): (load_manifest(folder / "m.csv", allow_outside=True)[str(outside)][0], "m.csv line 2")}


def test_a_link_in_a_folder_to_an_outside_file_fails_alone(tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("A private file outside the corpus.")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "good.txt").write_text("An illustrative speech about partnership.")
    code, out, err = _run(capsys, ["ingest", str(folder), "--workers", "0", "--db", str(tmp_path / "s.sqlite")])
    assert code == 1
    assert "added 1" in out and f"failed: {folder / 'link.txt'}: [D192] a symbolic link to" in out
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        assert len(corpus) == 1


def test_duplicated_csv_header_columns_are_named(tmp_path):
    (tmp_path / "a.txt").write_text("Illustrative text.")
    (tmp_path / "m.csv").write_text("path,year,title,year\na.txt,2015,T,2016\n")
    with pytest.raises(IngestError, match=r"\[D189\] m.csv line 1: column\(s\) 'year' given twice in the header"):
        load_manifest(tmp_path / "m.csv")
    from discourse.errors import ReportError
    from discourse.report import load_events

    (tmp_path / "ev.csv").write_text("date,label,label\n2010,a,b\n")
    with pytest.raises(ReportError, match=r"\[D608\] .*ev.csv:1: column\(s\) label given twice in the header"):
        load_events(tmp_path / "ev.csv")
    from discourse.indicators import read_indicator_file

    (tmp_path / "i.csv").write_text("indicator,country,partner,year,value,unit,value\n")
    with pytest.raises(IndicatorError, match=r"repeated column name\(s\) value"):
        read_indicator_file(tmp_path / "i.csv")


def test_a_file_name_with_a_newline_cannot_fake_summary_lines(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x\nfailed: fake.pdf: [D999] forged.pdf").write_bytes(b"not a pdf")
    code, out, err = _run(capsys, ["ingest", str(folder), "--workers", "0", "--db", str(tmp_path / "s.sqlite")])
    lines = out.splitlines()
    assert [ln for ln in lines if ln.startswith("failed:")] == [
        f"failed: {folder}/x\\nfailed: fake.pdf: [D999] forged.pdf: [D150] not a PDF (no %PDF- header in the "
        "first 1024 bytes)"]


def test_many_bad_indicator_rows_give_a_capped_error(store, tmp_path, capsys):
    rows = "".join(f"trade_turnover,AZE,RUS,2010,{i},billion_usd,,\n" for i in range(5000))
    (tmp_path / "dup.csv").write_text("indicator,country,partner,year,value,unit,source,note\n" + rows)
    code, out, err = _run(capsys, ["indicators", "add", str(tmp_path / "dup.csv")])
    assert code == 1
    assert "4999 problem(s), nothing stored" in err
    assert err.count("duplicate of line 2") == 20 and "  ... and 4,979 more errors" in err
    assert len(err) < 4000


# -- text files: a guess or a repair is flagged ---------------------------------------------------------------
def test_utf8_text_with_a_few_invalid_bytes_stays_utf8_and_is_flagged():
    from discourse.ingest.document import SourceItem
    from discourse.ingest.text import read_text

    text = "Партнёрство и café: the Euro-Atlantic course."
    data = text.encode("utf-8")
    cut = data.index("café".encode()) + 3
    damaged = data[:cut] + b"\xff\xfe" + data[cut:]  # three valid UTF-8 letters, two invalid bytes
    doc = read_text(SourceItem("a.txt", damaged, "text"))
    assert doc.text.startswith("Партнёрство и caf") and "\ufffd" in doc.text
    assert doc.quality_flags == frozenset({"invalid_bytes"})
    guessed = read_text(SourceItem("b.txt", "Партнёрство и сотрудничество".encode("cp1251"), "text"))
    assert guessed.text == "Партнёрство и сотрудничество"
    assert guessed.quality_flags == frozenset({"encoding_guessed"})


def test_a_nul_byte_in_a_yaml_file_is_an_error_naming_the_line(tmp_path):
    """Found by the CLI fuzz test: PyYAML's reader raised before the loader's own error handling."""
    lex = tmp_path / "lex.yaml"
    lex.write_text("name: x\nentries: [a\x00]\n")
    assert [(p.line, p.message) for p in check_lexicon(lex)] == [(2, "unacceptable character #x0000 (not text)")]


def test_a_fifo_given_as_an_input_file_is_refused_instead_of_blocking(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (tmp_path / "a.txt").write_text("Illustrative text.")
    with pytest.raises(IngestError, match=r"\[D101\] cannot read manifest .*pipe.yaml: not a regular file"):
        load_manifest(fifo)
    from discourse.errors import LexiconError

    with pytest.raises(LexiconError, match=r"\[D301\] cannot read .*pipe.yaml: .*not a regular file"):
        check_lexicon(fifo)
    from discourse.indicators import read_indicator_file, read_metadata

    with pytest.raises(IndicatorError, match=r"\[D501\] .*pipe.yaml: cannot read \(not a regular file"):
        read_metadata(fifo)
    with pytest.raises(IndicatorError, match=r"\[D501\] .*pipe.yaml: cannot read \(not a regular file"):
        read_indicator_file(fifo)
    code, out, err = _run(capsys, ["ingest", str(fifo), str(tmp_path / "a.txt"), "--workers", "0",
                                   "--db", str(tmp_path / "s.sqlite")])
    assert code == 1 and "added 1" in out
    assert f"failed: {fifo}: [D193] not a regular file or folder (a FIFO, device or socket)" in out
