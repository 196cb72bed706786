"""The careless and hostile uses of issue 12, run through the real command line; their table in docs/reliability.md.

Each case builds its inputs in a fresh temporary folder (a small store, files, links, a FIFO), calls
``discourse.cli.main`` in-process and records the exit status and the first line a user sees (the
``Error [Dnnn]`` line, or the summary or output line that shows the behaviour), with the temporary folder
written as ``TMP``. ``scripts/reliability_table.py`` writes the table; ``tests/test_reliability_doc.py`` runs the
cases again and checks that the committed table is current.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "src", ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

MARKER = "## Hostile and careless use (issue 12)"


def _store(tmp: Path) -> Path:
    from _small_store import build

    db = tmp / "store.sqlite"
    build(db)
    return db


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _c_export_on_store(t):
    db = _store(t)
    return ["export", "documents", "--db", str(db), "--out", str(db)]


def _c_export_on_link(t):
    db = _store(t)
    (t / "precious.txt").write_text("keep")
    (t / "link.csv").symlink_to(t / "precious.txt")
    return ["export", "documents", "--db", str(db), "--out", str(t / "link.csv")]


def _c_export_on_fifo(t):
    db = _store(t)
    os.mkfifo(t / "pipe.csv")
    return ["export", "documents", "--db", str(db), "--out", str(t / "pipe.csv")]


def _c_other_app(t):
    conn = sqlite3.connect(t / "other_app.sqlite")
    conn.execute("CREATE TABLE documents (name TEXT)")
    conn.commit()
    conn.close()
    return ["docs", "list", "--db", str(t / "other_app.sqlite")]


def _c_empty_db(t):
    (t / "empty.sqlite").write_bytes(b"")
    return ["docs", "list", "--db", str(t / "empty.sqlite")]


def _c_search_variants(t):
    db = _store(t)
    return ["search", "Euro-Atlantic", "--db", str(db), "--format", "csv", "--window", "0"]


def _c_search_capitals(t):
    db = _store(t)
    return ["search", "inteqrasiya", "--db", str(db), "--format", "csv", "--window", "0"]


def _c_csv_formula(t):
    db = _store(t)
    return ["docs", "list", "--db", str(db), "--format", "csv", "--columns", "title"]


def _manifest(t, text, name="m.csv"):
    (t / "a.txt").write_text("An illustrative text.")
    return ["ingest", "--manifest", _write(t / name, text), "--db", str(t / "s.sqlite"), "--workers", "0",
            "--no-progress"]


def _c_year_fraction(t):
    return _manifest(t, "path,year\na.txt,2015.7\n")


def _c_session_inf(t):
    return _manifest(t, "path,session\na.txt,1e30\n")


def _c_date_year_0(t):
    return _manifest(t, "path,date\na.txt,0000-01-01\n")


def _c_yaml_bomb(t):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcdefg", "bcdefgh"))
    return _manifest(t, bomb + "documents:\n  - path: a.txt\n    title: *h\n", "m.yaml")


def _c_yaml_float(t):
    return _manifest(t, "- path: a.txt\n  title: !!float abc\n", "m.yaml")


def _c_yaml_date(t):
    return _manifest(t, "- path: a.txt\n  date: 2015-02-30\n", "m.yaml")


def _c_lexicon_recursive(t):
    return ["lexicon", "check", _write(t / "lex.yaml", "name: x\nentries: &e [*e]\n")]


def _c_year_huge(t):
    return ["docs", "list", "--db", str(_store(t)), "--year-from", "99999999999999999999"]


def _c_panel_huge(t):
    return ["panel", "--db", str(_store(t)), "--country", "AZE", "--from", "1", "--to", "99999999"]


def _c_replicates(t):
    return ["export", "scores", "--db", str(_store(t)), "--replicates", "100000000"]


def _c_rolling(t):
    return ["export", "scores", "--db", str(_store(t)), "--rolling", "99999999"]


def _c_outside(t):
    (t / "outside.txt").write_text("A private file.")
    (t / "corpus").mkdir()
    return ["ingest", "--manifest", _write(t / "corpus" / "m.csv", "path\n../outside.txt\n"), "--db",
            str(t / "s.sqlite"), "--workers", "0", "--no-progress"]


def _c_fifo_manifest(t):
    os.mkfifo(t / "m.csv")
    return ["ingest", "--manifest", str(t / "m.csv"), "--db", str(t / "s.sqlite"), "--workers", "0"]


def _c_dup_header(t):
    return _manifest(t, "path,year,year\na.txt,2015,2016\n")


def _c_newline_name(t):
    (t / "in").mkdir()
    (t / "in" / "x\nfailed: fake.pdf: [D999] forged.pdf").write_bytes(b"not a pdf")
    return ["ingest", str(t / "in"), "--db", str(t / "s.sqlite"), "--workers", "0", "--no-progress"]


def _c_many_errors(t):
    rows = "".join(f"trade_turnover,AZE,RUS,2010,{i},billion_usd,,\n" for i in range(5000))
    path = _write(t / "dup.csv", "indicator,country,partner,year,value,unit,source,note\n" + rows)
    return ["indicators", "add", path, "--db", str(_store(t))]


def _c_panel_out_file(t):
    return ["panel", "--db", str(_store(t)), "--country", "AZE", "--from", "2008", "--to", "2012", "--out",
            _write(t / "notes.txt", "mine")]


def _c_dollar_label(t):
    events = _write(t / "events.csv", "date,label\n2010-05-01,$\\nocommand$ summit\n2012-01-01,a $5 deal\n")
    return ["report", "--db", str(_store(t)), "--out", str(t / "rep"), "--events", events, "--replicates", "20",
            "--top-terms", "1"]


#: (issue bullet, case, function building the inputs and returning argv)
CASES = [
    ("data loss", "`export documents --out STORE`", _c_export_on_store),
    ("data loss", "`--out` on a symbolic link", _c_export_on_link),
    ("data loss", "`--out` on a FIFO (would block)", _c_export_on_fifo),
    ("reading writes", "`docs list --db` another application's database", _c_other_app),
    ("reading writes", "`docs list --db` an empty file", _c_empty_db),
    ("wrong answers", "search \"Euro-Atlantic\" finds \"Euroatlantic\" (+ the hyphenated hit)", _c_search_variants),
    ("wrong answers", "search \"inteqrasiya\" finds \"İNTEQRASİYA\"", _c_search_capitals),
    ("wrong answers", "`docs list --format csv`: a title starting with `=`", _c_csv_formula),
    ("wrong answers", "manifest `year: 2015.7`", _c_year_fraction),
    ("tracebacks", "manifest session `1e30`", _c_session_inf),
    ("unbounded work", "manifest date `0000-01-01`", _c_date_year_0),
    ("unbounded work", "YAML alias bomb in a manifest title", _c_yaml_bomb),
    ("tracebacks", "YAML `!!float abc`", _c_yaml_float),
    ("tracebacks", "unquoted impossible YAML date", _c_yaml_date),
    ("tracebacks", "recursive alias in a lexicon", _c_lexicon_recursive),
    ("tracebacks", "`--year-from 99999999999999999999`", _c_year_huge),
    ("unbounded work", "`panel --from 1 --to 99999999`", _c_panel_huge),
    ("unbounded work", "`export scores --replicates 100000000`", _c_replicates),
    ("unbounded work", "`export scores --rolling 99999999`", _c_rolling),
    ("weak spots", "manifest path `../outside.txt`", _c_outside),
    ("weak spots", "manifest header with `year` twice", _c_dup_header),
    ("unbounded work", "a FIFO given as the manifest (would block)", _c_fifo_manifest),
    ("weak spots", "file name with a newline and a fake summary line", _c_newline_name),
    ("weak spots", "5,000 duplicate indicator rows (error text capped)", _c_many_errors),
    ("tracebacks", "`panel --out` an existing text file", _c_panel_out_file),
    ("tracebacks", "`$\\nocommand$` in an event label (report)", _c_dollar_label),
]


def _shown(code: int, out: str, err: str, tmp: str) -> str:
    """The line a user reads: the error, else the failed-file line, else the CSV's first data line."""
    lines = [ln for ln in err.splitlines() if ln.startswith("Error")]
    if not lines:
        lines = [ln for ln in out.splitlines() if ln.startswith("failed:")]
    if not lines and code == 0 and out.startswith(("doc_id,", "title\n")):  # a CSV: its data lines
        data = out.splitlines()[1:]
        lines = [f"{len(data)} line(s): " + " / ".join(data[:2])]
    if not lines:
        lines = (out.strip() or err.strip() or "(nothing)").splitlines()
    text = lines[0].replace(tmp, "TMP")
    if text.endswith("problem(s)"):  # lexicon check: the problems follow on their own lines
        rest = err.splitlines()
        text += " " + rest[rest.index(lines[0]) + 1].strip().replace(tmp, "TMP")
    extra = [ln for ln in err.splitlines() if ln.startswith("  ... and ")]
    return text + (f" {extra[0].strip()}" if extra else "")


def run_cases() -> list[dict]:
    from discourse.cli import main

    rows = []
    for bullet, name, build in CASES:
        with tempfile.TemporaryDirectory(prefix="discourse-hostile-") as tmp:
            tmp_path = Path(tmp).resolve()
            cwd = os.getcwd()
            os.chdir(tmp_path)
            try:
                argv = build(tmp_path)
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(argv)
            finally:
                os.chdir(cwd)
            rows.append({"bullet": bullet, "case": name, "code": code, "traceback": "Traceback" in err.getvalue(),
                         "shown": _shown(code, out.getvalue(), err.getvalue(), str(tmp_path))})
    return rows


def render(rows: list[dict]) -> str:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", "\\n")

    lines = [
        MARKER,
        "",
        "Generated by `scripts/reliability_table.py` from `scripts/hostile_cases.py` (do not edit by hand): each",
        "case of issue 12 run through `discourse` on fresh inputs, with its exit status and the line the user",
        "reads (`TMP` is the temporary folder). Status 1 is an `Error [Dnnn]` (or a coded per-file failure),",
        "2 a usage error naming the option. `tests/test_reliability_doc.py` checks that this table is current;",
        "`tests/test_cli_fuzz.py` runs every command with generated hostile options and files.",
        "",
        "| # | issue bullet | case | exit | traceback | what the user reads |",
        "|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(rows, start=1):
        lines.append(f"| {i} | {r['bullet']} | {cell(r['case'])} | {r['code']} | "
                     f"{'yes' if r['traceback'] else 'no'} | {cell(r['shown'])} |")
    lines.append("")
    return "\n".join(lines)


def replace_section(document: str, section: str) -> str:
    """``document`` with its hostile-use section (from :data:`MARKER` to the end) replaced by ``section``."""
    head = document.split(MARKER, 1)[0].rstrip("\n")
    return head + "\n\n" + section
