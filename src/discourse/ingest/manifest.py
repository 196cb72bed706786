"""Metadata that comes from outside a file: its name, a manifest (CSV or YAML) and the merge rules.

Precedence, lowest first: what the file itself states (``DocumentText.meta``, e.g. an HTML ``<title>``) <
the file name < the manifest row < CLI flags. :func:`merge_meta` applies one layer over another and keeps a
more precise date from a lower layer when a higher layer only knows the same year.

Manifest columns (one row per file; empty cells mean "not given")::

    path (or file), title, date, year, doc_type, speaker, speaker_post, post_category, country,
    session, language, source_url

``path`` is relative to the manifest's folder. Error codes: D101 unreadable manifest, D102 unknown column,
D103 missing path column or cell, D104 row names a missing file, D105 the same file twice, D106 bad cell value.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import fields, replace
from pathlib import Path

import yaml

from ..errors import IngestError
from ..metadata import DocumentMeta, check_country, validate_metadata

__all__ = ["name_metadata", "load_manifest", "merge_meta", "validated_layer", "MANIFEST_COLUMNS"]

MANIFEST_COLUMNS = (
    "path", "file", "title", "date", "year", "doc_type", "speaker", "speaker_post", "post_category", "country",
    "session", "language", "source_url",
)
_META_FIELDS = {f.name for f in fields(DocumentMeta)}

# ISO_NN_YYYY (UN General Debate corpus): country or EU, session, year.
_UNGDC = re.compile(r"^([A-Z]{2,3})_(\d{1,3})_(\d{4})$")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)")


def name_metadata(path: str | Path) -> DocumentMeta:
    """Metadata read from a file name: the UN General Debate convention, else a date or a year in the name.

    ``ISO_NN_YYYY.txt`` gives country, session and year with doc_type ``statement`` and language ``en``
    (``EU_NN_YYYY`` gives the European Union, an organization). Otherwise a date ``YYYY-MM-DD`` (also with
    ``_`` or ``.`` as separators) or else a year ``YYYY`` anywhere in the name is taken. A name that says
    nothing gives an empty :class:`DocumentMeta`; this function never raises.

    >>> name_metadata("AZE_74_2019.txt").country, name_metadata("AZE_74_2019.txt").session
    ('AZE', 74)
    >>> name_metadata("speech_2015-11-04_zagatala.html").date
    '2015-11-04'
    >>> name_metadata("doctrine 2010.pdf").year
    2010
    """
    stem = Path(str(path).split("::")[-1]).stem
    m = _UNGDC.match(stem)
    if m:
        try:
            country, kind = check_country(m.group(1), str(path))
        except IngestError:
            pass
        else:
            return DocumentMeta(
                year=int(m.group(3)), session=int(m.group(2)), country=country, country_kind=kind,
                doc_type="statement", language="en",
            )
    name = Path(str(path).split("::")[-1]).name
    for m in _DATE_IN_NAME.finditer(name):
        date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
        try:
            validate_metadata(DocumentMeta(date=date), str(path))
        except IngestError:
            continue
        return DocumentMeta(date=date, year=int(m.group(1)))
    m = _YEAR_IN_NAME.search(name)
    if m:
        return DocumentMeta(year=int(m.group(1)))
    return DocumentMeta()


def validated_layer(meta: DocumentMeta, where: str) -> DocumentMeta:
    """Validate one metadata layer (manifest row, CLI flags) naming ``where``; keep "year only" as year only.

    :func:`~discourse.metadata.validate_metadata` fills ``date`` from ``year``; a layer that only knows the
    year must not overwrite a more precise date from a lower layer, so that filled date is taken out again.
    """
    out = validate_metadata(meta, where)
    if meta.date is None or not str(meta.date).strip():
        out = replace(out, date=None)
    return out


def merge_meta(lower: DocumentMeta, higher: DocumentMeta) -> DocumentMeta:
    """``lower`` with every field set in ``higher`` overriding it, keeping date, year and country consistent.

    A higher layer that gives only a year keeps the lower layer's full date when it falls in that year; a
    higher date replaces the lower year; a higher country replaces the lower country kind.

    >>> merge_meta(DocumentMeta(date="2015-11-04", year=2015), DocumentMeta(year=2015)).date
    '2015-11-04'
    >>> merge_meta(DocumentMeta(date="2014-01-02", year=2014), DocumentMeta(year=2015)).date is None
    True
    """
    out = lower.merged(higher)
    if higher.year is not None and higher.date is None and lower.date is not None:
        if not str(lower.date).startswith(f"{int(higher.year):04d}"):
            out = replace(out, date=None)
    if higher.date is not None and higher.year is None:
        out = replace(out, year=None)
    if higher.country is not None and higher.country_kind is None:
        out = replace(out, country_kind=None)
    if higher.speaker_post is not None and higher.post_category is None and lower.speaker_post != higher.speaker_post:
        out = replace(out, post_category=None)
    return out


def _cell(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _rows_csv(path: Path, text: str) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an unclosed quote must not swallow rows
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise IngestError("D101", f"{path.name} line 1: not a readable CSV file: {exc}",
                          hint="save the manifest as CSV (UTF-8, comma-separated, header row)", reason="bad_manifest") from None
    header = [h.strip().lower() for h in header]
    from ..inputs import duplicate_columns

    if duplicate_columns([h for h in header if h]):
        raise IngestError("D189", f"{path.name} line 1: column(s) {', '.join(map(repr, duplicate_columns([h for h in header if h])))} "
                          "given twice in the header", hint="keep one column of each name", reason="bad_manifest")
    # Spreadsheets often save trailing columns without a name: they are ignored while their cells are empty.
    unnamed = [i for i, h in enumerate(header) if not h]
    _check_columns(path, [h for h in header if h], 1)
    rows: list[tuple[int, dict]] = []
    line = reader.line_num + 1
    try:
        for values in reader:
            start, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise IngestError(
                    "D106", f"{path.name} line {start}: {len(values)} cells but the header has {len(header)} columns",
                    hint="quote cells that contain commas", reason="bad_manifest",
                )
            for i in unnamed:
                if i < len(values) and values[i].strip():
                    raise IngestError(
                        "D102", f"{path.name} line {start}: value {values[i].strip()!r} in column {i + 1}, which has "
                        "no name in the header", hint="name the column in the header row, or delete the value",
                        reason="bad_manifest",
                    )
            rows.append((start, {h: v for h, v in zip(header, values) if h}))
    except csv.Error as exc:
        raise IngestError("D101", f"{path.name} line {line}: CSV syntax error: {exc}",
                          hint="check the quotes on that line", reason="bad_manifest") from None
    return rows


def _rows_yaml(path: Path, text: str) -> list[tuple[int, dict]]:
    from ..inputs import YamlProblem, load_yaml

    try:
        node, data = load_yaml(text, bools=False)  # no YAML 1.1 booleans; aliases, tags and values checked
    except YamlProblem as exc:
        raise IngestError("D101", f"{path.name}: not valid YAML: line {exc.line}: {exc.message}",
                          hint="fix the YAML syntax at the line named", reason="bad_manifest") from None
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        items = data["documents"]
        seq = next(v for k, v in node.value if k.value == "documents")
    elif isinstance(data, list):
        items, seq = data, node
    else:
        raise IngestError(
            "D101", f"{path.name}: a YAML manifest must be a list of rows (or `documents:` holding one)",
            hint="write one `- path: file.pdf` mapping per file", reason="bad_manifest",
        )
    rows = []
    for item, item_node in zip(items, seq.value):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise IngestError("D106", f"{path.name} line {line}: a row must be a mapping of column: value",
                              hint="write each row as `- path: file.pdf` with its other columns below it",
                              reason="bad_manifest")
        row = {str(k).strip().lower(): v for k, v in item.items()}
        _check_columns(path, list(row), line)
        rows.append((line, row))
    return rows


def _check_columns(path: Path, columns, line: int) -> None:
    unknown = [c for c in columns if c not in MANIFEST_COLUMNS]
    if unknown:
        raise IngestError(
            "D102", f"{path.name} line {line}: unknown column(s) {', '.join(map(repr, unknown))}",
            hint="valid columns: " + ", ".join(MANIFEST_COLUMNS), reason="bad_manifest",
        )
    if "path" not in columns and "file" not in columns:
        raise IngestError("D103", f"{path.name} line {line}: no `path` (or `file`) column",
                          hint="name each file in a `path` column, relative to the manifest", reason="bad_manifest")


def load_manifest(path: str | Path, *, allow_outside: bool = False) -> dict[str, tuple[DocumentMeta, str]]:
    """Read and validate a manifest; return ``{resolved file path: (metadata, "name line N")}``.

    Every row is validated (:func:`~discourse.metadata.validate_metadata`) with ``where`` naming the manifest
    and line; an unknown column (or one given twice), a row whose file does not exist, a path that leaves the
    manifest's folder (``../x.txt``, an absolute path, a symbolic link to an outside file; unless
    ``allow_outside``) or the same file twice is an :class:`~discourse.errors.IngestError` naming the line. Nothing is ingested from a manifest with an error.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("Hello.")
    >>> _ = (d / "m.csv").write_text("path,doc_type,date\\na.txt,speech,2015-11-04\\n")
    >>> meta, where = load_manifest(d / "m.csv")[str((d / "a.txt").resolve())]
    >>> meta.doc_type, meta.year, where
    ('speech', 2015, 'm.csv line 2')
    """
    path = Path(path)
    from ..inputs import read_regular_bytes

    try:
        raw = read_regular_bytes(path)  # a FIFO or device is refused, never waited on
    except OSError as exc:
        raise IngestError("D101", f"cannot read manifest {path}: {exc.strerror}", hint="check the manifest's path "
                          "and permissions", reason="bad_manifest") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError("D101", f"{path.name}: manifest is not UTF-8 text", hint="save it as UTF-8",
                          reason="bad_manifest") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _rows_yaml(path, text)
    else:
        rows = _rows_csv(path, text)
    base = path.resolve().parent
    out: dict[str, tuple[DocumentMeta, str]] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        where = f"{path.name} line {line}"
        name = _cell(row.get("path")) or _cell(row.get("file"))
        if name is None:
            raise IngestError("D103", f"{where}: the path cell is empty", hint="name the file this row describes, "
                              "relative to the manifest's folder", reason="bad_manifest")
        from ..inputs import contained_path

        target, outside = contained_path(base, name, allow_outside=allow_outside)
        if outside:  # ../x.txt, /etc/passwd or a link to an outside file: never read unless allowed
            raise IngestError("D191", f"{where}: {outside}", hint="name files inside the manifest's folder, or pass "
                              "allow_outside=True to read them", reason="bad_manifest")
        if not target.is_file():
            raise IngestError("D104", f"{where}: file {name!r} does not exist (looked in {base})",
                              hint="paths are relative to the manifest's folder", reason="bad_manifest")
        key = str(target)
        if key in first_line:
            raise IngestError("D105", f"{where}: file {name!r} is already described on line {first_line[key]}",
                              hint="keep one row per file", reason="bad_manifest")
        first_line[key] = line
        values = {k: _cell(v) for k, v in row.items() if k in _META_FIELDS}
        for key_int in ("year", "session"):
            if values.get(key_int) is not None:
                from ..bounds import whole_number

                number = whole_number(values[key_int])
                if number is None:
                    try:
                        float(values[key_int])
                        what = "is not a whole number"  # 2015.7, inf, 1e30: never rounded or overflowing
                    except ValueError:
                        what = "is not a number"
                    raise IngestError("D106", f"{where}: {key_int} {values[key_int]!r} {what}",
                                      hint=f"write the {key_int} as a whole number, e.g. "
                                      f"{'2015' if key_int == 'year' else '70'}", reason="bad_metadata")
                if key_int == "session" and not 1 <= number <= 1000:
                    raise IngestError("D190", f"{where}: session {number} is outside 1..1000",
                                      hint="write the session number of the UN General Assembly, e.g. 70",
                                      reason="bad_metadata")
                values[key_int] = number
        meta = validated_layer(DocumentMeta(**values), where)
        out[key] = (meta, where)
    return out
