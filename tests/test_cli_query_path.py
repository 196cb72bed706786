"""The query path stays light (issue 17): ``discourse --help`` and ``discourse timeline ... --format csv`` import
no pandas, scipy, spaCy or matplotlib, and the csv/json written without pandas equals what the frame printed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from discourse.cli import main
from discourse.cli._common import emit
from discourse.match import match_corpus
from discourse.timeline import timeline
from test_timeline_periods import add

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "scipy", "spacy", "matplotlib", "sklearn", "numpy")  # numpy: about 0.1 s of a query


@pytest.fixture
def store(corpus):
    add(corpus, "We joined the Non-Aligned Movement. The Non-Aligned Movement matters to us.", date="2011-09-20")
    add(corpus, "A strategic partnership with our neighbours, not a strategic partnership of words.", date="2013-09-25")
    add(corpus, "Nothing about blocs here at all, only words.", date="2014-09-25")
    add(corpus, "Our strategic partnership grows.", date="2013-05-20", country="GEO")
    match_corpus(corpus, workers=1)  # the cache is full, as after `discourse score`: a query only reads
    return corpus


def _run_cli(args: list[str], db: str | None = None) -> tuple[str, list[str]]:
    """Run ``discourse ARGS`` in a fresh interpreter; return its output and the heavy modules it imported."""
    code = ("import sys, io, contextlib\n"
            "from discourse.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    try:\n"
            f"        code = main({args!r})\n"
            "    except SystemExit as exc:\n"
            "        code = exc.code\n"
            f"print(repr((code, out.getvalue(), [m for m in {HEAVY!r} if m in sys.modules])))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if db:
        env["DISCOURSE_DB"] = db
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    code, out, heavy = eval(proc.stdout.strip().splitlines()[-1])
    assert code in (0, None), out + proc.stderr
    return out, heavy


@pytest.mark.slow
def test_help_imports_no_heavy_library():
    out, heavy = _run_cli(["--help"])
    assert "timeline" in out and "Usage: discourse" in out
    assert heavy == []


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_timeline_query_imports_no_heavy_library(store, fmt):
    store.close()
    args = ["timeline", "strategic partnership", "--country", "AZE", "--format", fmt]
    out, heavy = _run_cli(args, str(store.store.path))
    assert heavy == []
    if fmt == "csv":
        assert out.splitlines() == ["year,term,count,rate_per_10k,n_docs,n_words",
                                    "2011,strategic partnership,0,0.0,1,11",
                                    "2013,strategic partnership,2,1666.6667,1,12",
                                    "2014,strategic partnership,0,0.0,1,8"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("terms,extra", [
    (["strategic partnership"], ["--country", "AZE"]),
    (["non_aligned_movement", "strategic partnership", "blocs here"], []),
    (["non_aligned_movement"], ["--by", "country", "--per", "1000"]),
    (["Non-Aligned Movement"], ["--by", "doc_type"]),
])
def test_rows_print_as_the_frame_did(store, fmt, terms, extra):
    """The pandas-free csv/json of ``discourse timeline`` equals ``emit`` of the :func:`timeline` frame."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["timeline", *terms, *extra, "--format", fmt, "--db", str(store.store.path)]) == 0
    by = extra[extra.index("--by") + 1] if "--by" in extra else "year"
    per = int(extra[extra.index("--per") + 1]) if "--per" in extra else 10_000
    country = extra[extra.index("--country") + 1] if "--country" in extra else None
    frame = timeline(store, terms, by=by, per=per, country=country, workers=1)
    expected = io.StringIO()
    with redirect_stdout(expected):
        emit(frame, fmt)
    assert out.getvalue() == expected.getvalue()
    lines = out.getvalue().count("\n")
    assert lines == (1 + len(frame) if fmt == "csv" else 2 + 8 * len(frame))  # a header, or [ ] and 8 per record
    assert len(frame) >= 1
    if fmt == "json":
        assert json.loads(out.getvalue()) == json.loads(expected.getvalue())
