"""The validation report: precision per entry, recall, agreement between coders, influence, length.

Every formula is in ``docs/validate.md``. :func:`report` computes the tables from the codes in the store and
the current matches; it writes CSV files (with JSON sidecars) and a self-contained HTML page only when asked.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ValidationError
from .coding import mark_hit
from .accuracy import (  # noqa: F401  re-exported: the measures were computed here
    AGREEMENT_COLUMNS, PRECISION_COLUMNS, RECALL_COLUMNS, _agreement, _items, _majority,
    _precision, _recall, _recall_row, _weighted, _wilson,
)
from .influence import (  # noqa: F401  re-exported: the measures were computed here
    INFLUENCE_COLUMNS, LENGTH_COLUMNS, SERIES_COLUMNS, _influence, _length, _yearly,
)

__all__ = ["report", "ValidationReport", "DEFAULT_THRESHOLD", "TABLES"]

DEFAULT_THRESHOLD = 0.7
VALIDATION_RULES = "validate-v1"
#: The report's tables, in the order of the page and of the CSV files (``<name>.csv``).
TABLES = ("precision", "recall", "agreement", "influence", "influence_series", "length", "coded_lines")


@dataclass
class ValidationReport:
    """The report's tables (DataFrames), with the parameters and notes the files record."""

    tables: dict[str, pd.DataFrame]
    parameters: dict
    lexicon_hash: str
    notes: list[str] = field(default_factory=list)
    snapshot: dict | None = None
    lexicon_hashes: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def flagged(self) -> list[str]:
        """Entry ids whose precision interval's lower bound is under the threshold."""
        p = self.tables["precision"]
        return p.loc[p["flagged"], "entry_id"].tolist()

    def write(self, out: str | Path) -> dict[str, Path]:
        """Write ``<name>.csv`` (+ ``.json`` sidecar) for every table and ``index.html`` into ``out``."""
        from ..tables import write_table

        out = Path(out)
        written = {}
        try:
            out.mkdir(parents=True, exist_ok=True)
            for name in TABLES:
                path, _ = write_table(self.tables[name], out / f"{name}.csv", kind=f"validation_{name}",
                                      parameters=self.parameters, lexicon_hash=self.lexicon_hash,
                                      snapshot=self.snapshot,
                                      extra={"rule_versions": {"validation": VALIDATION_RULES},
                                             "coded_lexicon_hashes": self.lexicon_hashes})
                written[name] = path
            html = out / "index.html"
            html.write_text(self.html(), encoding="utf-8")
            written["html"] = html
        except OSError as exc:
            raise ValidationError("D714", f"cannot write the report to {out}: {exc.strerror or exc}",
                                  hint="check that the folder can be created and written") from None
        return written

    def html(self) -> str:
        """The self-contained HTML page (Jinja2, autoescaped)."""
        from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
        from markupsafe import Markup, escape

        env = Environment(loader=PackageLoader("discourse", "templates"), undefined=StrictUndefined,
                          autoescape=select_autoescape(default=True, default_for_string=True))

        def num(v):
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                return ""
            if isinstance(v, (bool, np.bool_)):
                return "yes" if v else "no"
            if isinstance(v, (float, np.floating)):
                return f"{v:.3f}"
            return v

        def marked(text):
            if not isinstance(text, str):
                return ""
            return Markup(str(escape(text)).replace("[[", "<mark>").replace("]]", "</mark>"))

        env.filters["num"] = num
        env.filters["marked"] = marked

        def rows(frame: pd.DataFrame, cols=None):
            cols = list(cols or frame.columns)
            return {"columns": cols, "rows": [[r[c] for c in cols] for r in frame.to_dict("records")]}

        lines = self.tables["coded_lines"]
        by_entry = {}
        for entry_id, block in lines.loc[lines["sample_kind"] == "hit"].groupby("entry_id", sort=False):
            by_entry[entry_id] = block.to_dict("records")
        template = env.get_template("validation.html.j2")
        return template.render(
            t={name: rows(frame) for name, frame in self.tables.items() if name != "coded_lines"},
            precision=self.tables["precision"].to_dict("records"), by_entry=by_entry,
            sentences=lines.loc[lines["sample_kind"] == "sentence"].to_dict("records"),
            notes=self.notes, parameters=self.parameters, lexicon_hash=self.lexicon_hash,
            lexicon_hashes=self.lexicon_hashes, flagged=self.flagged, version=_version(),
        )


def _version() -> str:
    from .. import __version__

    return __version__


def report(
    corpus,
    lexicon=None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    level: float = 0.95,
    min_hits: int = 5,
    lexicon_hash: str | None = None,
    out: str | Path | None = None,
    **filters,
) -> ValidationReport:
    """Compute the validation report from the stored codes and the current matches.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus` with imported codes (:func:`discourse.validate.import_codes`).
    lexicon:
        The lexicon whose influence and length figures are computed (default: the shipped one).
    threshold:
        Entries whose precision interval's lower bound is under it are flagged (default 0.7).
    level:
        Confidence level of the Wilson intervals (default 0.95).
    min_hits:
        A yearly (or document) score needs at least this many counted hits (as in the scores; default 5).
    lexicon_hash:
        Use only the codes of samples drawn with this lexicon hash (default: every code).
    out:
        Write the CSV files, their sidecars and ``index.html`` into this folder.
    filters:
        Document filters for the influence and length figures (doc_type, country, year_from, ...).

    Returns a :class:`ValidationReport`; ``result["precision"]`` etc. are DataFrames (see ``TABLES``).
    """
    from ..lexicon import load_lexicon
    from .. import match as _match
    from ..score import count_hits, entries_frame
    from ..tables import corpus_snapshot
    from .codes import codes_frame

    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise ValidationError("D700", f"threshold must be between 0 and 1, got {threshold!r}", hint="e.g. 0.7")
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValidationError("D700", f"confidence level must be between 0 and 1, got {level!r}", hint="e.g. 0.95")
    if isinstance(min_hits, bool) or not isinstance(min_hits, (int, np.integer)) or min_hits < 1:
        raise ValidationError("D700", f"min_hits must be a positive whole number, got {min_hits!r}", hint="e.g. 5")
    if lexicon is None or isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    filters = {k: v for k, v in filters.items() if v is not None}
    notes: list[str] = []
    codes = codes_frame(corpus)
    hashes = codes.groupby("lexicon_hash")["sample_id"].nunique().to_dict() if len(codes) else {}
    if lexicon_hash is not None:
        codes = codes.loc[codes["lexicon_hash"] == lexicon_hash]
    if codes.empty:
        notes.append("No codes in the store: precision, recall and agreement are empty. Draw a sample "
                     "(discourse validate sample), code it, and import it (discourse validate import).")
    entries = entries_frame(lexicon)
    hits = _match.hits(corpus, lexicon, progress=False, **filters)
    documents = corpus.documents(**filters)
    counted = count_hits(hits, entries)
    with corpus.store.read() as conn:
        from ..store import validation as _sql

        draws = {d[0]: {"kind": d[1], "lexicon_hash": d[2], "parameters": json.loads(d[3]),
                        "population": json.loads(d[4])} for d in _sql.draws(conn)}
    items = _items(codes)
    precision = _precision(items, entries, counted, draws, threshold, level)
    recall = _recall(items, precision, draws, entries, level, notes)
    agree = _agreement(codes, notes)
    influence, series = _influence(counted, documents, entries, min_hits)
    length = _length(counted, documents, min_hits, notes)
    lines = _coded_lines(corpus, codes, items)
    flagged = precision.loc[precision["flagged"], "entry_id"].tolist()
    if flagged:
        notes.append(f"{len(flagged)} entr{'y' if len(flagged) == 1 else 'ies'} flagged (precision interval's lower "
                     f"bound under {threshold:g}): {', '.join(flagged)}.")
    parameters = {"threshold": float(threshold), "level": float(level), "min_hits": int(min_hits),
                  "lexicon_hash": lexicon_hash, "filters": filters, "interval": "Wilson score (statsmodels)",
                  "rules": VALIDATION_RULES}
    result = ValidationReport(
        {"precision": precision, "recall": recall, "agreement": agree, "influence": influence,
         "influence_series": series, "length": length, "coded_lines": lines},
        parameters, lexicon.hash, notes, corpus_snapshot(zip(documents["id"], documents["sha256"])),
        {str(k): int(v) for k, v in hashes.items()})
    if out is not None:
        result.write(out)
    return result


# -- coded lines -------------------------------------------------------------------------------------------------
LINE_COLUMNS = ["sample_id", "sample_kind", "source", "entry_id", "doc", "year", "country", "language", "stance",
                "coders", "sense", "code_stance", "missed", "sentence"]


def _coded_lines(corpus, codes: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Every coded line with its sentence (hit marked [[...]]) and its coders' resolved codes."""
    if items.empty:
        return pd.DataFrame(columns=LINE_COLUMNS)
    from ..store import documents as _docs

    samples = codes.drop_duplicates("sample_id").set_index("sample_id")
    coders = codes.groupby("sample_id")["coder"].apply(lambda s: ", ".join(sorted(s))).to_dict()
    rows = []
    with corpus.store.read() as conn:
        texts: dict[str, str] = {}
        for it in items.itertuples():
            s = samples.loc[it.sample_id]
            sentence = s["sentence"] if isinstance(s["sentence"], str) else ""
            if not sentence and isinstance(s["doc_id"], str):
                if s["doc_id"] not in texts:
                    texts[s["doc_id"]] = _docs.document_text(conn, s["doc_id"]) or ""
                text = texts[s["doc_id"]]
                lo = _int(s["sent_start"], _int(s["start"], 0))
                hi = _int(s["sent_end"], _int(s["end"], lo))
                a, b = _int(s["start"], -1), _int(s["end"], -1)
                sentence = mark_hit(text, lo, hi, a, b) if a >= 0 else " ".join(text[lo:hi].split())
            rows.append({"sample_id": it.sample_id, "sample_kind": it.sample_kind, "source": it.source,
                         "entry_id": it.entry_id or "", "doc": it.source_ref if isinstance(it.source_ref, str) else
                         (it.doc_id or ""), "year": it.year, "country": it.country, "language": it.language,
                         "stance": it.stance or "", "coders": coders.get(it.sample_id, ""), "sense": it.sense or "",
                         "code_stance": it.code_stance or "", "missed": it.missed, "sentence": sentence})
    frame = pd.DataFrame(rows, columns=LINE_COLUMNS)
    frame["year"] = pd.array(pd.to_numeric(frame["year"], errors="coerce"), dtype="Int64")
    return frame.sort_values(["sample_kind", "entry_id", "sample_id"], kind="stable").reset_index(drop=True)


def _int(v, default):
    try:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return default
        return int(v)
    except (TypeError, ValueError):
        return default
