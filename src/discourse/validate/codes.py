"""Read coded files back into the store (``discourse validate import``).

Every file of a call is read and checked first; the codes are written only when no file has a problem, in
one transaction (all or nothing for the whole set of files). Re-importing the same codes changes nothing.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..errors import ValidationError
from .coding import (CodedRow, Problem, SAMPLE_KINDS, SENSE_VALUES, SOURCES, STANCE_VALUES, raise_problems,
                     read_coding_file)

__all__ = ["import_codes", "codes_frame", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["file", "rows", "coded", "new", "unchanged", "replaced", "uncoded", "not_in_store"]
_UNGDC_STEM = re.compile(r"^(?P<code>[A-Z]{2,4})_(?P<session>\d{1,3})_(?P<year>\d{4})$")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _codes_of(row: CodedRow) -> tuple[str | None, str | None, str | None]:
    sense = row.get("code_sense").lower() or None
    stance = row.get("code_stance").lower() or None
    missed = ";".join(x.strip() for x in row.get("code_missed").split(";") if x.strip()) or None
    return sense, stance, missed


def import_codes(corpus, paths: Iterable[str | Path] | str | Path, *, lexicon=None, replace: bool = False,
                 skip_missing: bool = False) -> pd.DataFrame:
    """Import coded files into the store's ``codes`` table; return one summary row per file.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus` holding the samples the files were drawn from (``source=store``
        rows), or the documents a gold set cites (``source=ungdc`` rows: the UNGDC file stem in doc_id).
    paths:
        One or more coded CSV files (the format of :mod:`discourse.validate.coding`).
    lexicon:
        The lexicon whose entry ids ``code_missed`` and gold rows may name when the store does not hold the
        lexicon of the row's hash (default: the shipped one).
    replace:
        Overwrite codes already stored for a (sample id, coder) with different ones; without it that is a
        conflict (D707).
    skip_missing:
        Skip ``source=ungdc`` rows whose statement is not in the store (a gold set drawn from the whole corpus
        imported into a store of part of it) instead of failing with D711; they are counted in not_in_store.

    Summary columns: file, rows (data rows), coded (rows with a code), new, unchanged (the same code was
    already stored: re-importing is idempotent), replaced, uncoded (rows without any code, skipped).

    Raises :class:`~discourse.errors.ValidationError` naming the file and line of the first problem (and
    listing the others); nothing is imported when any file has a problem.
    """
    from ..lexicon import load_lexicon
    from ..store import validation as _sql

    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValidationError("D700", "no coded file given", hint="name one or more coded CSV files")
    problems: list[Problem] = []
    files: list[tuple[Path, list[CodedRow]]] = []
    for p in paths:
        files.append((p, read_coding_file(p, problems)))
    store = corpus.store
    current = None
    with store.read() as conn:
        all_ids = [r.get("sample_id") for _, rows in files for r in rows if r.get("sample_id")]
        stored = _sql.samples(conn, sorted(set(all_ids)))
        stored_codes = {(r[0], r[1]): r for r in conn.execute(
            "SELECT sample_id, coder, code_sense, code_stance, code_missed, note, file, line FROM codes")}
        entry_ids_by_hash: dict[str, set[str]] = {}
        for h, e in conn.execute("SELECT lexicon_hash, entry_id FROM lexicon_entries"):
            entry_ids_by_hash.setdefault(h, set()).add(e)
        docs: dict[tuple, tuple] = {}
        texts_len: dict[str, int] = {}

        def ungdc_doc(stem: str):
            m = _UNGDC_STEM.match(stem)
            if not m:
                return None
            key = (m.group("code"), int(m.group("session")), int(m.group("year")))
            if key not in docs:
                docs[key] = conn.execute(
                    "SELECT d.id, d.language, d.year, d.country, d.doc_type, length(t.text) FROM documents d "
                    "JOIN texts t ON t.doc_id = d.id WHERE d.country = ? AND d.session = ? AND d.year = ? "
                    "ORDER BY d.id LIMIT 1", key).fetchone()
            return docs[key]

        def entry_ids(lexicon_hash: str) -> set[str]:
            nonlocal current
            if lexicon_hash in entry_ids_by_hash:
                return entry_ids_by_hash[lexicon_hash]
            if current is None:
                current = lexicon if lexicon is not None and not isinstance(lexicon, (str, Path)) else load_lexicon(lexicon)
            return {e.id for e in current.entries}

        seen: dict[tuple[str, str], CodedRow] = {}
        new_samples: dict[str, tuple[CodedRow, tuple]] = {}
        accepted: list[tuple[CodedRow, tuple]] = []
        summary = {str(p): dict.fromkeys(SUMMARY_COLUMNS[1:], 0) for p in paths}
        for path, rows in files:
            for row in rows:
                _check_row(row, problems, stored, new_samples, ungdc_doc, entry_ids, seen, accepted, summary,
                           skip_missing)
    raise_problems(problems, f"{len(problems)} problem(s) in {len(paths)} file(s); nothing was imported")
    writes = []
    now = _now()
    for row, codes in accepted:
        key = (row.get("sample_id"), row.get("coder"))
        old = stored_codes.get(key)
        record = (key[0], key[1], *codes, row.get("note") or None, row.file, row.line, now)
        s = summary[row.file]
        if old is None:
            s["new"] += 1
            writes.append(record)
        elif tuple(old[2:5]) == codes:
            s["unchanged"] += 1
            if (old[5] or None) != (row.get("note") or None):
                writes.append(record)  # only the note changed: keep the newer note
        elif replace:
            s["replaced"] += 1
            writes.append(record)
        else:
            problems.append(Problem("D707", row.file, row.line,
                                    f"sample {key[0]} coder {key[1]!r}: codes {_show(codes)} conflict with the codes "
                                    f"{_show(tuple(old[2:5]))} already imported from {old[6]} line {old[7]}"))
    raise_problems(problems, f"{len(problems)} problem(s) in {len(paths)} file(s); nothing was imported")
    with store.write() as conn:
        by_file: dict[str, list] = {}
        for sid, (row, record) in new_samples.items():
            by_file.setdefault(row.file, []).append(record)
        for file, records in by_file.items():
            draw_id = "file:" + Path(file).name
            _sql.insert_draw(conn, draw_id, "file", records[0][20], json.dumps({"file": Path(file).name}),
                             json.dumps({}), now)
            _sql.insert_samples(conn, [(r[0], draw_id, *r[2:]) for r in records])
        _sql.upsert_codes(conn, writes)
    return pd.DataFrame([{"file": f, **v} for f, v in summary.items()], columns=SUMMARY_COLUMNS)


def _show(codes: tuple) -> str:
    sense, stance, missed = codes
    return "/".join(x or "-" for x in (sense, stance, missed))


def _check_row(row: CodedRow, problems, stored, new_samples, ungdc_doc, entry_ids, seen, accepted, summary,
               skip_missing: bool = False) -> None:
    """Check one row; append its problems, or queue its codes (and, for gold rows, its sample)."""
    s = summary[row.file]
    s["rows"] += 1
    n_before = len(problems)

    def bad(code: str, message: str) -> None:
        problems.append(Problem(code, row.file, row.line, message))

    sid, kind, source = row.get("sample_id"), row.get("sample_kind").lower(), row.get("source").lower()
    if not sid:
        bad("D710", "sample_id is empty")
        return
    if kind not in SAMPLE_KINDS:
        bad("D710", f"sample_kind {row.get('sample_kind')!r} is not one of {', '.join(SAMPLE_KINDS)}")
        return
    if source not in SOURCES:
        bad("D710", f"source {row.get('source')!r} is not one of {', '.join(SOURCES)}")
        return
    sense, stance, missed = _codes_of(row)
    if sense is not None and sense not in SENSE_VALUES:
        bad("D705", f"code_sense {row.get('code_sense')!r} is outside the codebook (yes, no)")
    if stance is not None and stance not in STANCE_VALUES:
        bad("D705", f"code_stance {row.get('code_stance')!r} is outside the codebook ({', '.join(STANCE_VALUES)})")
    if kind == "sentence" and (sense or stance):
        bad("D710", "a sentence row (no hit) takes only code_missed, not code_sense or code_stance")
    if kind == "hit" and missed:
        bad("D710", "code_missed is for sentence rows; a hit row takes code_sense and code_stance")
    lexicon_hash = row.get("lexicon_hash")
    if not lexicon_hash:
        bad("D710", "lexicon_hash is empty")
        return
    known = entry_ids(lexicon_hash)
    if missed:
        unknown = [m for m in missed.split(";") if m not in known]
        if unknown:
            bad("D712", f"code_missed names {', '.join(map(repr, unknown))}, not an entry of the lexicon")
    if row.coded and not row.get("coder"):
        bad("D710", "the row is coded but its coder is empty")
    # the sample: drawn from this store, or described by the row itself (a gold set)
    record = stored.get(sid)
    if source == "store":
        if record is None:
            bad("D704", f"unknown sample id {sid!r}: no sample of this store has it")
            return
    else:
        if skip_missing and source == "ungdc" and ungdc_doc(row.get("doc_id")) is None:
            s["not_in_store"] += 1
            return
        own = _gold_sample(row, kind, source, ungdc_doc, known, bad)
        if own is None:
            return
        if record is None and sid in new_samples:
            record = dict(zip(_GOLD_KEYS, new_samples[sid][1]))
        elif record is None:
            new_samples[sid] = (row, own)
            record = dict(zip(_GOLD_KEYS, own))
    if record["lexicon_hash"] != lexicon_hash:
        bad("D708", f"sample {sid} was drawn with lexicon {record['lexicon_hash']}, the row says {lexicon_hash}")
        return
    expect = {"sample_kind": kind, "source": source, "start": row.ints.get("start"), "end": row.ints.get("end"),
              "entry_id": row.get("entry_id") or None}
    if source == "store":
        expect["doc_id"] = row.get("doc_id")
    else:
        expect["source_ref"] = row.get("doc_id") or None
    diff = [k for k, v in expect.items() if (record.get(k) if record.get(k) != "" else None) != v]
    if diff:
        bad("D709", f"sample {sid}: {', '.join(f'{k} {expect[k]!r} (drawn: {record.get(k)!r})' for k in diff)}")
        return
    if len(problems) > n_before:
        return
    # a hit row is coded when it has a code; a sentence row when its coder is named (blank code_missed = none)
    if not row.get("coder") or (kind == "hit" and not (sense or stance)):
        s["uncoded"] += 1
        return
    key = (sid, row.get("coder"))
    codes = (sense, stance, missed)
    if key in seen:
        first = seen[key]
        same = _codes_of(first) == codes
        problems.append(Problem(
            "D706" if same else "D707", row.file, row.line,
            f"sample {sid} coder {key[1]!r} again (first at {first.file} line {first.line})"
            + ("" if same else f": codes {_show(codes)} against {_show(_codes_of(first))}")))
        return
    seen[key] = row
    s["coded"] += 1
    accepted.append((row, codes))


_GOLD_KEYS = ("sample_id", "draw_id", "sample_kind", "source", "doc_id", "source_ref", "start", "end", "sent_start",
              "sent_end", "language", "year", "country", "doc_type", "entry_id", "pole", "stance", "cue", "target",
              "stratum", "lexicon_hash", "sentence", "context")


def _gold_sample(row: CodedRow, kind, source, ungdc_doc, known, bad) -> tuple | None:
    """The sample a gold row (source ungdc or constructed) describes, or None after reporting its problem."""
    entry = row.get("entry_id") or None
    if kind == "hit":
        if entry is None:
            bad("D710", "a hit row needs its entry_id")
            return None
        if entry not in known:
            bad("D712", f"entry_id {entry!r} is not an entry of the lexicon")
            return None
    start, end = row.ints.get("start"), row.ints.get("end")
    doc_id, language, year, country, doc_type = None, row.get("language") or None, row.ints.get("year"), \
        row.get("country") or None, row.get("doc_type") or None
    if source == "ungdc":
        found = ungdc_doc(row.get("doc_id"))
        if found is None:
            bad("D711", f"UNGDC statement {row.get('doc_id')!r} is not in this store (skip such rows with "
                        "skip_missing)")
            return None
        doc_id, language, year, country, doc_type, n_chars = found
        limit = n_chars
    else:
        if not row.get("sentence") and not row.get("context"):
            bad("D710", "a constructed row needs its text in sentence or context")
            return None
        limit = len(row.get("context") or row.get("sentence"))
    if kind == "hit":
        if start is None or end is None or not 0 <= start < end <= limit:
            bad("D710", f"start/end {start}/{end} are not offsets of a hit inside the text ({limit} characters)")
            return None
        s0, s1 = row.ints.get("sent_start"), row.ints.get("sent_end")
        if s0 is not None and s1 is not None and not 0 <= s0 <= start < end <= s1 <= limit:
            bad("D710", f"sent_start/sent_end {s0}/{s1} do not enclose the hit {start}/{end}")
            return None
    return (row.get("sample_id"), "", kind, source, doc_id, row.get("doc_id") or None, start, end,
            row.ints.get("sent_start"), row.ints.get("sent_end"), language, year, country, doc_type, entry,
            row.get("pole") or None, row.get("stance") or None, row.get("cue") or None, row.get("target") or None,
            source, row.get("lexicon_hash"), row.get("sentence") if source == "constructed" else None,
            row.get("context") if source == "constructed" else None)


def codes_frame(corpus) -> pd.DataFrame:
    """Every stored code joined with its sample: one row per (sample id, coder)."""
    with corpus.store.read() as conn:
        rows = conn.execute(
            "SELECT c.sample_id, c.coder, c.code_sense, c.code_stance, c.code_missed, c.note, c.file, c.line, "
            "s.draw_id, s.sample_kind, s.source, s.doc_id, s.source_ref, s.start, s.end, s.sent_start, s.sent_end, "
            "s.language, s.year, s.country, s.doc_type, s.entry_id, s.pole, s.stance, s.cue, s.target, s.stratum, "
            "s.lexicon_hash, s.sentence, s.context FROM codes c JOIN validation_samples s ON s.sample_id = c.sample_id "
            "ORDER BY c.sample_id, c.coder").fetchall()
    cols = ["sample_id", "coder", "code_sense", "code_stance", "code_missed", "note", "file", "line", "draw_id",
            "sample_kind", "source", "doc_id", "source_ref", "start", "end", "sent_start", "sent_end", "language",
            "year", "country", "doc_type", "entry_id", "pole", "stance", "cue", "target", "stratum", "lexicon_hash",
            "sentence", "context"]
    return pd.DataFrame.from_records(rows, columns=cols)
