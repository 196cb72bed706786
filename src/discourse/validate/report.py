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
from .agreement import agreement
from .coding import SENSE_VALUES, STANCE_VALUES, mark_hit

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


def _majority(values: list, tie: str | None) -> str | None:
    """The most frequent value (ties: ``tie`` if it is among the tied values, else the first in sort order)."""
    vals = [v for v in values if isinstance(v, str) and v]
    if not vals:
        return None
    counts = pd.Series(vals).value_counts()
    best = counts[counts == counts.max()].index.tolist()
    if len(best) > 1 and tie in best:
        return tie
    return sorted(best)[0]


def _wilson(k: int, n: int, level: float) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint  # deferred: statsmodels is heavy

    if n == 0:
        return math.nan, math.nan
    lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
    return float(lo), float(hi)


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


# -- items: one per sampled line, the codes of its coders resolved ---------------------------------------------
def _items(codes: pd.DataFrame) -> pd.DataFrame:
    """One row per sample id: its sample's columns, coders, and the majority sense / stance / missed entries.

    Ties: a sense tie counts as ``no`` (conservative for precision); a stance tie takes the first value in
    sort order; an entry counts as missed when at least half of the sentence's coders name it.
    """
    cols = ["sample_id", "sample_kind", "source", "doc_id", "source_ref", "draw_id", "stratum", "entry_id", "stance",
            "language", "year", "country", "n_coders", "sense", "code_stance", "missed"]
    if codes.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for sid, block in codes.groupby("sample_id", sort=True):
        first = block.iloc[0]
        missed = []
        if first["sample_kind"] == "sentence":
            named = [e for v in block["code_missed"] if isinstance(v, str) for e in v.split(";")]
            counts = pd.Series(named, dtype=object).value_counts() if named else pd.Series(dtype=int)
            missed = sorted(e for e, c in counts.items() if 2 * c >= len(block))
        rows.append({
            "sample_id": sid, "sample_kind": first["sample_kind"], "source": first["source"], "doc_id": first["doc_id"],
            "source_ref": first["source_ref"], "draw_id": first["draw_id"], "stratum": first["stratum"],
            "entry_id": first["entry_id"], "stance": first["stance"], "language": first["language"],
            "year": first["year"], "country": first["country"], "n_coders": int(len(block)),
            "sense": _majority(list(block["code_sense"]), "no"),
            "code_stance": _majority(list(block["code_stance"]), None), "missed": ";".join(missed),
        })
    return pd.DataFrame(rows, columns=cols)


# -- precision ---------------------------------------------------------------------------------------------------
PRECISION_COLUMNS = ["entry_id", "label", "category", "n_hits", "n_coded", "n_yes", "precision", "ci_low", "ci_high",
                     "precision_weighted", "n_stance_coded", "stance_agreement", "flagged", "link"]


def _precision(items, entries, counted, draws, threshold, level) -> pd.DataFrame:
    """Per entry: coded hits (store and UNGDC samples), share coded yes, Wilson interval, flag."""
    hits_n = counted.groupby("entry_id").size().to_dict() if len(counted) else {}
    usable = items.loc[(items["sample_kind"] == "hit") & items["source"].isin(["store", "ungdc"])
                       & items["sense"].notna()]
    rows = []
    for e in entries.itertuples():
        mine = usable.loc[usable["entry_id"] == e.entry_id]
        n, k = int(len(mine)), int((mine["sense"] == "yes").sum())
        lo, hi = _wilson(k, n, level)
        st = items.loc[(items["sample_kind"] == "hit") & (items["entry_id"] == e.entry_id) & items["code_stance"].notna()
                       & items["source"].isin(["store", "ungdc"])]
        rows.append({
            "entry_id": e.entry_id, "label": e.label, "category": e.category, "n_hits": int(hits_n.get(e.entry_id, 0)),
            "n_coded": n, "n_yes": k, "precision": k / n if n else math.nan, "ci_low": lo, "ci_high": hi,
            "precision_weighted": _weighted(mine, draws),
            "n_stance_coded": int(len(st)),
            "stance_agreement": float((st["code_stance"] == st["stance"]).mean()) if len(st) else math.nan,
            "flagged": bool(n and lo < threshold), "link": f"#coded-{e.entry_id}" if n or len(st) else "",
        })
    return pd.DataFrame(rows, columns=PRECISION_COLUMNS)


def _weighted(mine: pd.DataFrame, draws: dict) -> float:
    """Precision with each stratum weighted by its share of the entry's hits (store samples only)."""
    store = mine.loc[mine["source"] == "store"]
    if store.empty:
        return math.nan
    num = den = 0.0
    for (draw_id, stratum, entry_id), block in store.groupby(["draw_id", "stratum", "entry_id"]):
        pop = draws.get(draw_id, {}).get("population", {}).get("strata", {})
        key = f"{entry_id}|" + (stratum.split("|", 1)[1] if "|" in stratum else "")
        size = pop.get(key)
        if not size:
            continue
        num += size * float((block["sense"] == "yes").mean())
        den += size
    return num / den if den else math.nan


# -- recall ------------------------------------------------------------------------------------------------------
RECALL_COLUMNS = ["entry_id", "n_hits", "precision", "true_hits", "n_sentences_coded", "n_missed", "miss_rate",
                  "sentences_without_hits", "missed_estimate", "recall", "recall_low", "recall_high"]


def _recall(items, precision, draws, entries, level, notes) -> pd.DataFrame:
    """Recall per entry and overall: TP = hits x precision; FN = sentences without hits x miss rate."""
    sent = items.loc[(items["sample_kind"] == "sentence") & (items["source"] == "store")]
    if sent.empty:
        notes.append("No coded sentences without hits: recall is not estimated (draw them with random_sentences).")
        return pd.DataFrame(columns=RECALL_COLUMNS)
    main = sent["draw_id"].value_counts().index[0]
    S0 = int(draws.get(main, {}).get("population", {}).get("sentences_without_hits", 0))
    if sent["draw_id"].nunique() > 1:
        notes.append(f"Coded sentences come from {sent['draw_id'].nunique()} draws; the number of sentences without "
                     f"hits is taken from draw {main}.")
    n_s = int(len(sent))
    named = [e for v in sent["missed"] for e in v.split(";") if e]
    counts = pd.Series(named, dtype=object).value_counts().to_dict() if named else {}
    prec = precision.set_index("entry_id")
    rows = []
    tp = tp_lo = tp_hi = 0.0
    for e in entries["entry_id"]:
        p = prec.loc[e]
        m = int(counts.get(e, 0))
        rows.append(_recall_row(e, int(p["n_hits"]), p["precision"], p["ci_low"], p["ci_high"], n_s, m, S0, level))
        if not math.isnan(p["precision"]):
            tp += p["n_hits"] * p["precision"]
            tp_lo += p["n_hits"] * p["ci_low"]
            tp_hi += p["n_hits"] * p["ci_high"]
    uncoded = [e for e in entries["entry_id"] if prec.loc[e, "n_hits"] and math.isnan(prec.loc[e, "precision"])]
    if uncoded:
        notes.append(f"Recall (all) leaves out the true hits of {len(uncoded)} entr{'y' if len(uncoded) == 1 else 'ies'} "
                     f"with hits but no coded hit ({', '.join(uncoded)}), so it is too low by their share.")
    total_m = int(sum(counts.values()))
    all_row = _recall_row("(all)", int(prec["n_hits"].sum()), math.nan, math.nan, math.nan, n_s, total_m, S0, level)
    fn, fn_lo, fn_hi = S0 * total_m / n_s, S0 * _wilson(total_m, n_s, level)[0], S0 * _wilson(total_m, n_s, level)[1]
    all_row.update({"true_hits": tp, "recall": tp / (tp + fn) if tp + fn else math.nan,
                    "recall_low": tp_lo / (tp_lo + fn_hi) if tp_lo + fn_hi else math.nan,
                    "recall_high": tp_hi / (tp_hi + fn_lo) if tp_hi + fn_lo else math.nan})
    rows.append(all_row)
    return pd.DataFrame(rows, columns=RECALL_COLUMNS)


def _recall_row(entry, n_hits, p, p_lo, p_hi, n_s, m, S0, level) -> dict:
    q_lo, q_hi = _wilson(m, n_s, level)
    tp = n_hits * p
    fn = S0 * m / n_s
    row = {"entry_id": entry, "n_hits": n_hits, "precision": p, "true_hits": tp, "n_sentences_coded": n_s,
           "n_missed": m, "miss_rate": m / n_s, "sentences_without_hits": S0, "missed_estimate": fn}
    if math.isnan(p) or tp + fn == 0:
        row.update(recall=math.nan, recall_low=math.nan, recall_high=math.nan)
    else:
        lo_tp, hi_tp = n_hits * p_lo, n_hits * p_hi
        row.update(recall=tp / (tp + fn),
                   recall_low=lo_tp / (lo_tp + S0 * q_hi) if lo_tp + S0 * q_hi else math.nan,
                   recall_high=hi_tp / (hi_tp + S0 * q_lo) if hi_tp + S0 * q_lo else math.nan)
    return row


# -- agreement ---------------------------------------------------------------------------------------------------
AGREEMENT_COLUMNS = ["code", "subset", "items", "items_pairable", "coders", "percent_agreement", "krippendorff_alpha",
                     "gwet_ac1", "top_category", "prevalence", "note"]


def _agreement(codes: pd.DataFrame, notes) -> pd.DataFrame:
    """Agreement on code_sense and code_stance of hits (all, and per language), nominal."""
    rows = []
    hits = codes.loc[codes["sample_kind"] == "hit"]
    if hits.empty:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    for code, cats in (("code_sense", SENSE_VALUES), ("code_stance", STANCE_VALUES)):
        for subset, block in [("all", hits)] + [(f"language={lang}", b) for lang, b in
                                                 hits.groupby("language", sort=True)]:
            coded = block.loc[block[code].notna() & (block[code] != "")]
            if coded.empty:
                continue
            wide = coded.pivot(index="sample_id", columns="coder", values=code)
            matrix = [[v if isinstance(v, str) else None for v in r] for r in wide.itertuples(index=False)]
            rows.append({"code": code, "subset": subset, **agreement(matrix, list(cats))})
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    if len(frame) and (frame["items_pairable"] == 0).all():
        notes.append("No line was coded by two coders: agreement needs a second, independent coding of some lines.")
    return frame


# -- influence ---------------------------------------------------------------------------------------------------
INFLUENCE_COLUMNS = ["rank", "entry_id", "label", "n_counted", "countries", "max_abs_change", "country_of_max",
                     "year_of_max", "min_spearman", "mean_spearman", "years_lost"]
SERIES_COLUMNS = ["entry_id", "country", "n_years", "n_years_compared", "spearman", "max_abs_change", "year_of_max",
                  "years_lost"]


def _yearly(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby(["country", "year"])[["n", "sw", "swp"]].sum()


def _influence(counted, documents, entries, min_hits) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leave-one-entry-out: each country's yearly score with and without each entry (Spearman, largest change)."""
    from scipy.stats import spearmanr  # deferred: scipy is heavy

    c = counted.loc[counted["counted"]].copy()
    meta = documents.set_index("id")
    c["country"] = c["doc_id"].map(meta["country"]).fillna("unknown")
    c["year"] = pd.to_numeric(c["doc_id"].map(meta["year"]), errors="coerce")
    c = c.loc[c["year"].notna()]
    c["n"] = 1.0
    c["sw"] = c["weight"].astype(float)
    c["swp"] = c["sw"] * c["eff_position"].astype(float)
    per = c.groupby(["country", "year", "entry_id"])[["n", "sw", "swp"]].sum()
    full = per.groupby(level=[0, 1]).sum()

    def scores(t: pd.DataFrame) -> pd.Series:
        return (t["swp"] / t["sw"]).where((t["n"] >= min_hits) & (t["sw"] > 0))

    base = scores(full) if len(full) else pd.Series(dtype=float)
    series_rows, summary = [], []
    labels = dict(zip(entries["entry_id"], entries["label"]))
    n_counted = c.groupby("entry_id").size().to_dict()
    for e in entries["entry_id"]:
        if e in per.index.get_level_values(2):
            mine = per.xs(e, level=2)
            without = full.subtract(mine.reindex(full.index, fill_value=0.0), fill_value=0.0)
        else:
            without = full
        other = scores(without) if len(without) else pd.Series(dtype=float)
        changes = []
        for country, b in base.groupby(level=0, sort=True):
            o = other.loc[b.index]
            both = b.notna() & o.notna()
            lost = int((b.notna() & o.isna()).sum())
            diff = (o[both] - b[both]).abs()
            if len(diff) >= 3 and b[both].nunique() > 1 and o[both].nunique() > 1:
                rho = float(spearmanr(b[both].to_numpy(), o[both].to_numpy()).statistic)
            else:
                rho = math.nan
            mx = float(diff.max()) if len(diff) else math.nan
            yr = int(diff.idxmax()[1]) if len(diff) and mx > 0 else None
            series_rows.append({"entry_id": e, "country": country, "n_years": int(b.notna().sum()),
                                "n_years_compared": int(both.sum()), "spearman": rho, "max_abs_change": mx,
                                "year_of_max": yr, "years_lost": lost})
            changes.append((mx if not math.isnan(mx) else 0.0, country, yr, rho, lost))
        best = max(changes, key=lambda x: x[0], default=(0.0, None, None, math.nan, 0))
        rhos = [x[3] for x in changes if not math.isnan(x[3])]
        summary.append({"entry_id": e, "label": labels.get(e, e), "n_counted": int(n_counted.get(e, 0)),
                        "countries": int(sum(1 for x in changes if x[0] > 0)), "max_abs_change": best[0],
                        "country_of_max": best[1] if best[0] > 0 else None, "year_of_max": best[2],
                        "min_spearman": min(rhos) if rhos else math.nan,
                        "mean_spearman": float(np.mean(rhos)) if rhos else math.nan,
                        "years_lost": int(sum(x[4] for x in changes))})
    frame = pd.DataFrame(summary, columns=[c for c in INFLUENCE_COLUMNS if c != "rank"])
    frame["_rho"] = frame["min_spearman"].fillna(1.0)
    frame = frame.sort_values(["max_abs_change", "_rho", "n_counted", "entry_id"],
                              ascending=[False, True, False, True], kind="stable").drop(columns="_rho")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame["year_of_max"] = pd.array(frame["year_of_max"], dtype="Int64")
    series = pd.DataFrame(series_rows, columns=SERIES_COLUMNS)
    series["year_of_max"] = pd.array(series["year_of_max"], dtype="Int64")
    return frame.reset_index(drop=True), series


# -- length ------------------------------------------------------------------------------------------------------
LENGTH_COLUMNS = ["measure", "n_docs", "spearman_rho", "spearman_p", "pearson_r", "note"]


def _length(counted, documents, min_hits, notes) -> pd.DataFrame:
    """Correlation of document scores (and hit rates) with document length in words."""
    from scipy.stats import pearsonr, spearmanr  # deferred: scipy is heavy

    c = counted.loc[counted["counted"]].copy()
    c["sw"] = c["weight"].astype(float)
    c["swp"] = c["sw"] * c["eff_position"].astype(float)
    agg = c.groupby("doc_id").agg(n=("sw", "size"), sw=("sw", "sum"), swp=("swp", "sum"))
    docs = documents.set_index("id")[["words"]].join(agg, how="left").fillna({"n": 0, "sw": 0.0, "swp": 0.0})
    docs = docs.loc[docs["words"] > 0]
    docs["score"] = (docs["swp"] / docs["sw"]).where((docs["n"] >= min_hits) & (docs["sw"] > 0))
    docs["rate_per_10k"] = docs["n"] / docs["words"] * 1e4
    rows = []
    for measure in ("score", "rate_per_10k"):
        d = docs.loc[docs[measure].notna()]
        row = {"measure": measure, "n_docs": int(len(d)), "spearman_rho": math.nan, "spearman_p": math.nan,
               "pearson_r": math.nan, "note": ""}
        if len(d) >= 3 and d[measure].nunique() > 1 and d["words"].nunique() > 1:
            sp = spearmanr(d["words"], d[measure])
            row.update(spearman_rho=float(sp.statistic), spearman_p=float(sp.pvalue),
                       pearson_r=float(pearsonr(d["words"], d[measure]).statistic))
            if abs(row["spearman_rho"]) >= 0.3 and row["spearman_p"] < 0.05:
                row["note"] = "the measure depends on document length"
                notes.append(f"Document {measure} correlates with document length (Spearman rho "
                             f"{row['spearman_rho']:.2f}): compare documents of similar length or weight them.")
        else:
            row["note"] = "fewer than 3 documents with a value"
        rows.append(row)
    return pd.DataFrame(rows, columns=LENGTH_COLUMNS)


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
