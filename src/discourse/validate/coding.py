"""The coding CSV format shared by ``discourse validate`` and the stance gold set (``docs/validate.md``).

One row per sampled line (a hit, or a sentence without hits for recall) and coder; the header is exactly
:data:`COLUMNS`, in this order. Text cells that a spreadsheet would run as a formula are written with a
leading ``'`` (as every export does) and read back without it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ValidationError

__all__ = ["COLUMNS", "MACHINE_COLUMNS", "CODE_FIELDS", "SAMPLE_KINDS", "SOURCES", "SENSE_VALUES", "STANCE_VALUES",
           "Problem", "CodedRow", "read_coding_file", "raise_problems", "unneutralize", "mark_hit"]

COLUMNS = (
    "sample_id", "sample_kind", "source", "doc_id", "page", "start", "end", "sent_start", "sent_end", "language",
    "year", "country", "doc_type", "entry_id", "pole", "stance", "cue", "target", "sentence", "context",
    "lexicon_hash", "coder", "code_sense", "code_stance", "code_missed", "note",
)
MACHINE_COLUMNS = ("entry_id", "pole", "stance", "cue", "target")
CODE_FIELDS = ("code_sense", "code_stance", "code_missed")
SAMPLE_KINDS = ("hit", "sentence")
SOURCES = ("store", "ungdc", "constructed")
SENSE_VALUES = ("yes", "no")
#: Stance values of the codebook (rule name ``stance-v1``); see docs/codebook.md.
STANCE_VALUES = ("support", "reject", "doubt", "question", "reported", "mention")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INT_COLUMNS = ("page", "start", "end", "sent_start", "sent_end", "year")


@dataclass
class Problem:
    """One problem of a coded file: its code, file, line and message."""

    code: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class CodedRow:
    """One data row of a coded file, with its file and first line (a quoted cell may span lines)."""

    file: str
    line: int
    values: dict
    ints: dict = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def coded(self) -> bool:
        return any(self.values.get(c, "") for c in CODE_FIELDS)


def unneutralize(value: str) -> str:
    """A cell as it was before formula neutralization (``'=x`` -> ``=x``); other cells unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def mark_hit(text: str, lo: int, hi: int, start: int, end: int) -> str:
    """``text[lo:hi]`` with the hit ``text[start:end]`` marked as ``[[hit]]``, white space collapsed.

    >>> mark_hit("We seek EU membership now.", 0, 26, 8, 21)
    'We seek [[EU membership]] now.'
    """
    inside = lo <= start <= end <= hi
    body = text[lo:start] + "[[" + text[start:end] + "]]" + text[end:hi] if inside else text[lo:hi]
    return " ".join(body.split())


def read_coding_file(path: str | Path, problems: list[Problem]) -> list[CodedRow]:
    """Rows of a coded file (UTF-8, with or without a byte-order mark); problems are appended, not raised.

    The header must hold every column of :data:`COLUMNS` (any order); unnamed empty columns, as spreadsheets
    save them, are ignored. Integer columns are checked; the rest is left to the importer.
    """
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem("D702", name, 0, f"cannot read the coded file: {exc.strerror or exc}"))
        return []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem("D702", name, line, "the file is not UTF-8 (save it as \"CSV UTF-8\")"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem("D702", name, 1, "the file is empty (no header row)"))
        return []
    except csv.Error as exc:
        problems.append(Problem("D702", name, 1, f"the header row cannot be read as CSV: {exc}"))
        return []
    header = [h.strip() for h in header]
    named = [h for h in header if h]
    missing = [c for c in COLUMNS if c not in named]
    unknown = [h for h in named if h not in COLUMNS]
    dup = sorted({h for h in named if named.count(h) > 1})
    if missing or unknown or dup:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if dup:
            parts.append(f"column(s) named twice: {', '.join(dup)}")
        problems.append(Problem("D703", name, 1, "; ".join(parts)))
        return []
    rows: list[CodedRow] = []
    prev_end = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem("D702", name, prev_end + 1, f"cannot read the row as CSV: {exc}"))
            break
        line = prev_end + 1
        prev_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(Problem("D710", name, line, f"{len(cells)} cells but {len(header)} columns in the header"))
            continue
        values = {}
        for h, v in zip(header, cells):
            if h:
                values[h] = unneutralize(v.strip())
        for h in header[len(cells):]:
            if h:
                values[h] = ""
        row = CodedRow(name, line, values)
        ok = True
        for col in _INT_COLUMNS:
            v = values.get(col, "")
            if v == "":
                row.ints[col] = None
                continue
            try:
                row.ints[col] = int(float(v)) if v.endswith(".0") else int(v)
            except ValueError:
                problems.append(Problem("D710", name, line, f"column {col}: {v!r} is not a whole number"))
                ok = False
        if ok:
            rows.append(row)
    return rows


def raise_problems(problems: list[Problem], what: str) -> None:
    """Raise one ValidationError for the problems (the first one's code), listing up to 20 of them."""
    if not problems:
        return
    problems = sorted(problems, key=lambda p: (p.file, p.line, p.code))
    first = problems[0]
    more = ""
    if len(problems) > 1:
        shown = "\n".join(f"  [{p.code}] {p}" for p in problems[1:21])
        more = f"\n({len(problems) - 1} more problem(s)):\n{shown}" + (
            f"\n  ... and {len(problems) - 21} more" if len(problems) > 21 else "")
    hints = {
        "D702": "save the file from the spreadsheet as \"CSV UTF-8 (comma delimited)\"",
        "D703": "start from a file written by `discourse validate sample`; the header is listed in docs/validate.md",
        "D704": "code only files written by `discourse validate sample` for this store, or give source=ungdc / "
                "constructed rows with their text",
        "D705": "code_sense is yes or no; code_stance is one of " + ", ".join(STANCE_VALUES) + " (docs/codebook.md)",
        "D706": "delete the repeated row",
        "D707": "keep one code per sample id and coder (to overwrite codes already imported, use replace)",
        "D708": "code the file drawn with the lexicon in use, or draw a new sample",
        "D709": "do not edit the machine columns (doc_id, start, end, entry_id) of a sampled row",
        "D710": "fix the value in that row",
        "D711": "build the store from the UN General Debate files the gold set cites (`discourse fetch ungdc`)",
        "D712": "use entry ids of the lexicon (`discourse lexicon show`), separated by ';'",
    }
    err = ValidationError(first.code, f"{first} ({what}){more}", hint=hints.get(first.code))
    err.problems = problems
    raise err
