"""The stance rules (``stance-v1``) measured on a hand-coded gold set in the coding CSV format.

Each gold row names a hit (document and offsets, or a constructed context with offsets into it) and the stance a
coder gave it (``code_stance``, see ``docs/codebook.md``). :func:`evaluate` rebuilds each row's text (for
``source=ungdc`` the statement as the store holds it, read from the shared UNGDC sample folder; for
``constructed`` the ``context`` column), runs the matcher on it and pairs the gold row with the machine hit of the
same entry that overlaps the gold offsets. :func:`metrics` gives accuracy, per-stance precision, recall and F1,
and :func:`confusion` the confusion matrix (a row whose hit the matcher no longer finds counts as ``no hit``).

The dev half (rows whose sample id hashes to an even number, :func:`is_dev`) is the one rules may be tuned on;
the other half is held out. Both are reported.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

import pandas as pd  # the evaluation returns frames (this module is imported by scripts and tests only)

from .errors import ScoreError
from .stance import STANCES

__all__ = ["CODING_HEADER", "load_gold", "is_dev", "evaluate", "metrics", "confusion", "NO_HIT"]

CODING_HEADER = ["sample_id", "sample_kind", "source", "doc_id", "page", "start", "end", "sent_start", "sent_end",
                 "language", "year", "country", "doc_type", "entry_id", "pole", "stance", "cue", "target", "sentence",
                 "context", "lexicon_hash", "coder", "code_sense", "code_stance", "code_missed", "note"]
NO_HIT = "no hit"


def load_gold(path: str | Path, *, coder: str | None = None) -> pd.DataFrame:
    """The ``hit`` rows of a coding CSV (one coder: the first named in the file unless ``coder`` is given).

    Raises ScoreError D422 when the file is missing or its header is not the coding CSV header.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except FileNotFoundError:
        raise ScoreError("D422", f"gold set {path} does not exist", hint="give the path of a coding CSV, e.g. tests/data/stance_gold.csv") from None
    if header != CODING_HEADER:
        raise ScoreError("D422", f"{path}: line 1 is not the coding CSV header (got {len(header)} columns)",
                         hint="the header is: " + ",".join(CODING_HEADER))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame.loc[frame["sample_kind"] == "hit"]
    if coder is None and len(frame):
        coder = frame["coder"].iloc[0]
    frame = frame.loc[frame["coder"] == coder].copy()
    for col in ("start", "end"):
        frame[col] = frame[col].astype(int)
    return frame.reset_index(drop=True)


def is_dev(sample_id: str) -> bool:
    """Whether a row is in the dev half (sha256 of its sample id is even): the half rules may be tuned on."""
    return int(hashlib.sha256(sample_id.encode("utf-8")).hexdigest(), 16) % 2 == 0


def _ungdc_texts(sample: Path, stems: Iterable[str]) -> dict[str, str]:
    """Stored text of the UNGDC statements named by file stem (ingested into a temporary store as fetch does)."""
    from .corpus import Corpus
    from .ingest.ungdc_fetch import fetch_ungdc

    wanted = set(stems)
    out: dict[str, str] = {}
    if not wanted:
        return out
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sample"
        folder.mkdir()
        for stem in sorted(wanted):
            src = sample / f"{stem}.txt"
            if src.exists():
                shutil.copyfile(src, folder / src.name)  # a temporary copy, never in the repository
        corpus = Corpus.open(Path(tmp) / "store.sqlite")
        try:
            fetch_ungdc(corpus, folder, workers=1)
            for r in corpus.documents().itertuples():
                out[Path(r.source_path).stem] = corpus.text(r.id)
        finally:
            corpus.close()
    return out


def evaluate(gold: pd.DataFrame, *, sample: str | Path | None = None, lexicon=None) -> pd.DataFrame:
    """Each gold row with the machine's stance, cue and rule for the same hit.

    Columns added: ``machine`` (the machine stance of the hit of the same entry overlapping the gold offsets, else
    of another entry's overlapping hit, else ``no hit``), ``machine_entry`` (that hit's entry), ``machine_cue``, ``machine_rule``, ``dev`` (the row is in the dev half), ``valid`` (the code is one of
    the six stances). ``sample``: the UNGDC sample folder holding the statements of ``source=ungdc`` rows.
    """
    from .lexicon import load_lexicon
    from .match import match_text

    lexicon = lexicon or load_lexicon()
    ungdc_rows = gold.loc[gold["source"] == "ungdc"]
    texts = _ungdc_texts(Path(sample), ungdc_rows["doc_id"].unique()) if sample is not None and len(ungdc_rows) else {}
    found: dict[tuple[str, str], list] = {}
    machine, cues, rules, entries = [], [], [], []
    for row in gold.itertuples(index=False):
        if row.source == "ungdc":
            key, text, lang = ("ungdc", row.doc_id), texts.get(row.doc_id), "en"
        else:
            key, text, lang = ("constructed", row.sample_id), row.context, row.language
        if text is None:
            raise ScoreError("D423", f"gold row {row.sample_id}: the statement {row.doc_id} is not in {sample}",
                             hint="point sample at the UNGDC sample folder (../shared/data/ungdc/sample)")
        if key not in found:
            found[key] = match_text(text, lang, lexicon)
        overlapping = [h for h in found[key] if h.start < row.end and row.start < h.end]
        # The same entry first; when the lexicon now files the words under a more specific entry (the survey of
        # issue 14 turned "интеграция в европейские ..." from integration into european_integration), the
        # overlapping hit of that entry is compared, and machine_entry says so.
        hit = next((h for h in overlapping if h.entry_id == row.entry_id), overlapping[0] if overlapping else None)
        entries.append(None if hit is None else hit.entry_id)
        machine.append(NO_HIT if hit is None else hit.stance)
        cues.append(None if hit is None else hit.stance_cue)
        rules.append(None if hit is None else hit.stance_rule)
    out = gold.copy()
    out["language"] = [("en" if s == "ungdc" else l) for s, l in zip(out["source"], out["language"])]
    out["machine"], out["machine_cue"], out["machine_rule"] = machine, cues, rules
    out["machine_entry"] = entries
    out["dev"] = [is_dev(s) for s in out["sample_id"]]
    out["valid"] = out["code_stance"].isin(STANCES)
    return out


def metrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Per stance: support (gold count), predicted, precision, recall, F1; plus an ``all`` row with accuracy.

    Only rows with a valid code count. Precision is NaN for a stance the machine never gave.
    """
    f = frame.loc[frame["valid"]]
    rows = []
    for st in STANCES:
        gold_n = int((f["code_stance"] == st).sum())
        pred_n = int((f["machine"] == st).sum())
        tp = int(((f["code_stance"] == st) & (f["machine"] == st)).sum())
        p = tp / pred_n if pred_n else float("nan")
        r = tp / gold_n if gold_n else float("nan")
        f1 = 2 * p * r / (p + r) if pred_n and gold_n and (p + r) > 0 else (0.0 if pred_n and gold_n else float("nan"))
        rows.append({"stance": st, "gold": gold_n, "predicted": pred_n, "correct": tp, "precision": p, "recall": r, "f1": f1})
    n = len(f)
    acc = float((f["code_stance"] == f["machine"]).mean()) if n else float("nan")
    rows.append({"stance": "all", "gold": n, "predicted": int((f["machine"] != NO_HIT).sum()),
                 "correct": int((f["code_stance"] == f["machine"]).sum()), "precision": float("nan"),
                 "recall": float("nan"), "f1": float("nan"), "accuracy": acc})
    return pd.DataFrame(rows, columns=["stance", "gold", "predicted", "correct", "precision", "recall", "f1", "accuracy"])


def confusion(frame: pd.DataFrame) -> pd.DataFrame:
    """Gold stance (rows) by machine stance (columns, plus ``no hit``), counts of valid rows."""
    f = frame.loc[frame["valid"]]
    cols = list(STANCES) + [NO_HIT]
    table = pd.crosstab(pd.Categorical(f["code_stance"], categories=list(STANCES)),
                        pd.Categorical(f["machine"], categories=cols), dropna=False)
    table.index.name, table.columns.name = "gold", "machine"
    return table.reindex(index=list(STANCES), columns=cols, fill_value=0)
