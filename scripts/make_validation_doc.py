"""Write docs/validation.md: how well the rules hold up against hand codes and what they change on a full corpus.

One function per section (``section_*``), each returning Markdown; :func:`build` joins them, so later sections
(scaling models, the validation workflow) are one more function in :data:`SECTIONS`.

Sections now:

* ``section_gold``: the stance rules (stance-v1) on the hand-coded gold set ``tests/data/stance_gold.csv``:
  accuracy, per language and per stance precision, recall and F1, confusion matrices, dev and held-out halves;
* ``section_ungdc``: on the full UN General Debate corpus, how many hits changed pole with the stance and target
  rules, and Azerbaijan's yearly series before and after. Computing it takes minutes (the whole archive is
  ingested into a temporary store and matched), so ``--ungdc ARCHIVE`` computes it into
  ``docs/validation_ungdc.json`` and later runs render from that file.

Usage::

    python scripts/make_validation_doc.py                      # rewrite docs/validation.md (gold set + saved UNGDC figures)
    python scripts/make_validation_doc.py --ungdc ../shared/data/ungdc/UNGDC_1946-2024_txt.tar.xz
    python scripts/make_validation_doc.py --check              # exit 1 if docs/validation.md is not current

``tests/test_validation_doc.py`` checks that docs/validation.md is what this script writes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DOC = ROOT / "docs" / "validation.md"
UNGDC_JSON = ROOT / "docs" / "validation_ungdc.json"
GOLD = ROOT / "tests" / "data" / "stance_gold.csv"
SAMPLE = ROOT.parent / "shared" / "data" / "ungdc" / "sample"

# The previous release's settings for what a negated hit of these entries counts as (the lexicon before
# stance-v1 kept them: a negation near the name of a body was taken as not about the body). "Before" uses them.
BEFORE_ON_NEGATION = {"guam": "keep", "eurasian_economic_union": "keep", "csto": "keep", "cis": "keep"}


def _f(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def _table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


# -- gold set ----------------------------------------------------------------------------------------------------
def evaluate_gold(gold: Path = GOLD, sample: Path = SAMPLE):
    """The gold rows with the machine's stance (``discourse.stance_eval.evaluate``)."""
    from discourse.stance_eval import evaluate, load_gold

    return evaluate(load_gold(gold), sample=sample)


def _metrics_table(frame) -> str:
    from discourse.stance_eval import metrics

    m = metrics(frame)
    rows = [[r.stance, r.gold, r.predicted, r.correct, _f(r.precision), _f(r.recall), _f(r.f1)]
            for r in m.itertuples() if r.stance != "all"]
    return _table(["stance", "gold", "machine", "both", "precision", "recall", "F1"], rows)


def _confusion_table(frame) -> str:
    from discourse.stance_eval import confusion

    c = confusion(frame)
    return _table(["gold \\ machine", *c.columns], [[idx, *row] for idx, row in zip(c.index, c.values.tolist())])


def section_gold(frame) -> str:
    """Stance rules on the gold set: overall, per half, per language (P/R/F1 and confusion matrix)."""
    from discourse.lexicon import load_lexicon

    valid = frame.loc[frame["valid"]]
    lex = load_lexicon()

    def acc(f):
        return float((f["code_stance"] == f["machine"]).mean()) if len(f) else float("nan")

    def rej(f):
        from discourse.stance_eval import metrics

        m = metrics(f).set_index("stance")
        return m.loc["reject", "precision"], m.loc["reject", "recall"]

    lines = ["## Stance rules on the hand-coded gold set", "",
             f"Gold set `tests/data/stance_gold.csv` (coding CSV, codes by `docs/codebook.md`, coder "
             f"{', '.join(sorted(set(valid['coder'])))}): {len(frame)} hit rows, of which "
             f"{int((frame['source'] == 'ungdc').sum())} hits sampled from the UN General Debate corpus (English) and "
             f"{int((frame['source'] == 'constructed').sum())} sentences written for the project "
             f"({', '.join(f'{k} {v}' for k, v in frame.loc[frame['source'] == 'constructed', 'language'].value_counts().sort_index().items())}). "
             f"{len(frame) - len(valid)} rows have a code that is not one of the six stances and are left out. "
             f"Rules: {lex.rules['stance']}, {lex.rules['negation']}, {lex.rules['target']}; stance cues "
             f"`models/lexicons/stance_cues.yaml` (hash {lex.stance_cues_hash}); lexicon hash {lex.hash}.", "",
             "Each row's text is rebuilt (the statement as the store holds it, or the constructed context), the matcher "
             "runs on it, and the machine hit of the same entry overlapping the gold offsets is compared with the "
             "code (`no hit`: the matcher no longer finds it). The cue lists were tuned on the **dev half** only "
             "(rows whose sample id hashes to an even number); the **held-out half** was not looked at while "
             "tuning. The issue asks for accuracy >= 0.85 and reject precision and recall >= 0.80 in each language.", ""]
    rows = []
    for name, part in (("all", valid), ("dev half", valid.loc[valid["dev"]]), ("held-out half", valid.loc[~valid["dev"]])):
        for lang in ("all", "en", "ru", "az"):
            f = part if lang == "all" else part.loc[part["language"] == lang]
            p, r = rej(f)
            rows.append([name, lang, len(f), _f(acc(f)), _f(p), _f(r)])
    lines += [_table(["rows", "language", "n", "accuracy", "reject precision", "reject recall"], rows), ""]
    def verdict(f):  # (met, failing languages) of the thresholds on the rows f
        pr = {lang: rej(f.loc[f["language"] == lang]) for lang in ("en", "ru", "az")}
        failing = [lang for lang, (p, r) in pr.items() if not (p >= 0.8 and r >= 0.8)]
        return acc(f) >= 0.85 and not failing, failing

    def shortfall(f, failing):
        return (f"accuracy {_f(acc(f))}"
                + (f"; reject precision/recall below 0.80 in: {', '.join(failing)}" if failing else ""))

    met, failing = verdict(valid)
    held = valid.loc[~valid["dev"]]
    held_met, held_failing = verdict(held)
    if met:
        text = ("**The thresholds are met on the whole gold set** (" + shortfall(valid, failing) + ")"
                + (", and on the held-out half too." if held_met else
                   "; **they are not met on the held-out half** (" + shortfall(held, held_failing) + ")."))
    else:
        text = "**The thresholds are not met**: overall " + shortfall(valid, failing) + "."
    lines += [text + " The held-out half is the honest estimate: the cue lists were tuned on the dev half, so the "
              "dev half and the whole set (half of which is the dev half) are optimistic by construction.", ""]
    for lang in ("all", "en", "ru", "az"):
        f = valid if lang == "all" else valid.loc[valid["language"] == lang]
        title = "All languages" if lang == "all" else {"en": "English", "ru": "Russian", "az": "Azerbaijani"}[lang]
        lines += [f"### {title} ({len(f)} rows, accuracy {_f(acc(f))})", "", _metrics_table(f), "",
                  "Confusion matrix (rows: the coder's stance; columns: the machine's):", "", _confusion_table(f), ""]
    return "\n".join(lines)


# -- full UNGDC -----------------------------------------------------------------------------------------------------
def compute_ungdc(archive: Path, *, workers: int = 2) -> dict:
    """Ingest the archive into a temporary store, match, and compare counting before and after the new rules."""
    from discourse import Corpus
    from discourse.ingest.ungdc_fetch import fetch_ungdc
    from discourse.lexicon import load_lexicon
    from discourse.match import hits, match_corpus
    from discourse.score import count_hits, entries_frame, score_periods

    lex = load_lexicon()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.open(Path(tmp) / "store.sqlite")
        try:
            fetch_ungdc(corpus, archive, workers=workers)
            match_corpus(corpus, lex, workers=workers)
            frame = hits(corpus, lex, workers=workers)
            documents = corpus.documents()
        finally:
            corpus.close()
    entries = entries_frame(lex)
    before_entries = entries.copy()
    before_entries["on_negation"] = [BEFORE_ON_NEGATION.get(e, v) for e, v in zip(entries["entry_id"], entries["on_negation"])]
    before_hits = frame.drop(columns=["stance"]).copy()
    before_hits.loc[before_hits["target_inferred"], ["target", "target_group"]] = None
    after = count_hits(frame, entries)
    before = count_hits(before_hits, before_entries)
    changed = before["pole"].to_numpy() != after["pole"].to_numpy()
    transitions = {}
    for b, a in zip(before["pole"][changed], after["pole"][changed]):
        transitions[f"{b} -> {a}"] = transitions.get(f"{b} -> {a}", 0) + 1
    by_entry: dict[str, int] = {}
    for eid in frame["entry_id"][changed]:
        by_entry[eid] = by_entry.get(eid, 0) + 1
    stance_counts = frame["stance"].value_counts().to_dict()
    rule_counts = frame["stance_rule"].value_counts().to_dict()
    n_docs = len(documents)

    def per_doc(counted, pole):
        return float((counted["pole"] == pole).sum()) / n_docs

    def yearly(h, e):
        docs = documents.loc[documents["country"] == "AZE"]
        sub = h.loc[h["doc_id"].isin(set(docs["id"]))]
        s = score_periods(sub, docs, e, replicates=200, min_hits=1)
        return {int(r.year): {"score": None if r.score != r.score else round(float(r.score), 4),
                              "n_hits": int(r.n_hits), "W": round(float(r.W), 3), "R": round(float(r.R), 3),
                              "n_dropped": int(r.n_dropped), "n_unattributed": int(r.n_unattributed)}
                for r in s.itertuples()}

    return {
        "archive": archive.name, "n_documents": n_docs, "n_hits": int(len(frame)),
        "lexicon_hash": lex.hash, "rules": lex.rules, "stance_cues_hash": lex.stance_cues_hash,
        "changed_pole": int(changed.sum()), "transitions": dict(sorted(transitions.items(), key=lambda kv: -kv[1])),
        "changed_by_entry": dict(sorted(by_entry.items(), key=lambda kv: (-kv[1], kv[0]))),
        "stances": {k: int(v) for k, v in stance_counts.items()}, "stance_rules": {k: int(v) for k, v in rule_counts.items()},
        "target_inferred": int(frame["target_inferred"].sum()),
        "per_statement": {
            "counted_before": round(float(before["counted"].sum()) / n_docs, 3),
            "counted_after": round(float(after["counted"].sum()) / n_docs, 3),
            "unattributed_before": round(per_doc(before, "unattributed"), 3),
            "unattributed_after": round(per_doc(after, "unattributed"), 3),
            "dropped_before": round(per_doc(before, "dropped"), 3),
            "dropped_after": round(per_doc(after, "dropped"), 3),
        },
        "aze_before": yearly(before_hits, before_entries), "aze_after": yearly(frame, entries),
        "seconds": round(time.time() - t0, 1),
        "note": "seed 20240924, 200 bootstrap replicates, min_hits 1 (the yearly score is the point estimate)",
    }


def _stale_note(data: dict) -> str:
    """A sentence saying that the lexicon, its stance cues or the rules changed since the saved UNGDC run ('' if not)."""
    from discourse.lexicon import load_lexicon

    lex = load_lexicon()
    if (data.get("lexicon_hash"), data.get("stance_cues_hash"), data.get("rules")) == (lex.hash, lex.stance_cues_hash, lex.rules):
        return ""
    rules = "" if data.get("rules") == lex.rules else f", rules {', '.join(sorted(lex.rules.values()))}"
    return (f" **The lexicon, its stance cues or the rules have changed since** (now lexicon hash {lex.hash}, stance "
            f"cues {lex.stance_cues_hash}{rules}): the figures below are those of the earlier run.")


def section_ungdc(data: dict | None) -> str:
    """What the stance and target rules change on the full UNGDC, and Azerbaijan's yearly series."""
    lines = ["## What the new rules change on the full UN General Debate corpus", ""]
    if not data:
        return "\n".join(lines + ["Not computed yet: run `python scripts/make_validation_doc.py --ungdc ARCHIVE`.", ""])
    ps = data["per_statement"]
    lines += [
        f"Archive `{data['archive']}`: {data['n_documents']:,} statements, {data['n_hits']:,} hits, matched with "
        f"lexicon hash {data['lexicon_hash']} and rules {', '.join(sorted(data['rules'].values()))} (stance cues "
        f"{data['stance_cues_hash']}). Computed by `scripts/make_validation_doc.py --ungdc` in {data['seconds']:.0f} s "
        "into `docs/validation_ungdc.json`; a lexicon or rule change after that date is not reflected until it is run "
        "again." + _stale_note(data), "",
        "**Before** counts the same hits as the previous release did: stance ignored (a negated hit is a "
        "rejection, every other hit support), the target only from the hit's own sentence (target-v1), and the "
        f"previous `on_negation: keep` for {', '.join(sorted(BEFORE_ON_NEGATION))}. **After** counts by stance "
        "(score-v2) with the target of the sentences before (target-v2). Both use the same matcher run, so a "
        "name and its bracketed acronym are one hit in both (the previous release counted them twice).", "",
        f"**{data['changed_pole']:,} of {data['n_hits']:,} hits ({100 * data['changed_pole'] / data['n_hits']:.1f} %) "
        f"changed pole** (west, target, hedging, dropped or unattributed). {data['target_inferred']:,} hits took their "
        "actor from a sentence before.", "",
        _table(["before -> after", "hits"], [[k, f"{v:,}"] for k, v in data["transitions"].items()]), "",
        *(["Changed hits by entry: " + ", ".join(f"{k} {v:,}" for k, v in data["changed_by_entry"].items()) + ".", ""]
          if data.get("changed_by_entry") else []),
        "Per statement:", "",
        _table(["", "before", "after"], [
            ["counted hits", _f(ps["counted_before"], 2), _f(ps["counted_after"], 2)],
            ["unattributed hits", _f(ps["unattributed_before"], 2), _f(ps["unattributed_after"], 2)],
            ["dropped hits", _f(ps["dropped_before"], 2), _f(ps["dropped_after"], 2)],
        ]), "",
        "Stances of all hits: " + ", ".join(f"{k} {v:,}" for k, v in sorted(data["stances"].items(), key=lambda kv: -kv[1]))
        + "; deciding rules: " + ", ".join(f"{k} {v:,}" for k, v in sorted(data["stance_rules"].items(), key=lambda kv: -kv[1])) + ".", "",
        "### Azerbaijan, yearly (weighted mean position: -1 West, +1 Russia; " + data["note"] + ")", "",
    ]
    years = sorted(set(map(int, data["aze_before"])) | set(map(int, data["aze_after"])))
    rows = []
    for y in years:
        b, a = data["aze_before"].get(str(y)) or data["aze_before"].get(y), data["aze_after"].get(str(y)) or data["aze_after"].get(y)
        rows.append([y, _f(b and b["score"]), b["n_hits"] if b else "–", _f(a and a["score"]), a["n_hits"] if a else "–",
                     a["n_dropped"] if a else "–", a["n_unattributed"] if a else "–"])
    lines += [_table(["year", "score before", "counted before", "score after", "counted after", "dropped after",
                      "unattributed after"], rows), ""]
    thin = sum(1 for r in rows if not isinstance(r[4], int) or r[4] < 5)
    moved = sum(1 for r in rows if r[1] != r[3] or r[2] != r[4])
    lines += [f"In {thin} of {len(rows)} years Azerbaijan's statement has fewer than 5 counted hits (low evidence by "
              f"the rule of docs/scoring.md, step 5), so this English-language series says little either way; it "
              f"changed in {moved} years. Most of Azerbaijan's hits are partnership and integration terms whose pole "
              "needs an actor that the statement does not name near them (the 'unattributed' column).", ""]
    return "\n".join(lines)


CODER_B = ROOT / "tests" / "data" / "stance_gold_coder_b.csv"
SCALING_DOC = ROOT / "docs" / "validation-scaling.md"


def section_agreement() -> str:
    """Agreement of two independent coders on the 20% of the gold set that was coded twice."""
    import csv

    from discourse.validate.agreement import agreement
    from discourse.validate.coding import SENSE_VALUES, STANCE_VALUES

    def read(path):
        with open(path, encoding="utf-8", newline="") as fh:
            return {r["sample_id"]: r for r in csv.DictReader(fh)}

    a, b = read(GOLD), read(CODER_B)
    ids = sorted(set(a) & set(b))
    out = ["## Agreement between coders", "",
           f"A second coder coded {len(ids)} gold rows (20%, chosen by a hash of the sample id; "
           f"`tests/data/stance_gold_coder_b.csv`) blind to the first coder's codes and to the machine's. "
           "Agreement by `discourse.validate.agreement` (percent agreement; Krippendorff's alpha, nominal, from the "
           "`krippendorff` package; Gwet's AC1 over the codebook's categories):", ""]
    rows = []
    for label, col, cats in (("stance", "code_stance", list(STANCE_VALUES)), ("sense", "code_sense", list(SENSE_VALUES))):
        for part, keep in (("all", lambda r: True), ("ungdc", lambda r: r["source"] == "ungdc"),
                           ("constructed", lambda r: r["source"] == "constructed")):
            sel = [i for i in ids if keep(a[i])]
            if not sel:
                continue
            fig = agreement([[a[i][col] or None, b[i][col] or None] for i in sel], cats)
            rows.append([label, part, fig["items_pairable"], _f(fig["percent_agreement"]),
                         _f(fig["krippendorff_alpha"]), _f(fig["gwet_ac1"]), fig["note"] or ""])
    out.append(_table(["code", "rows", "items", "percent", "alpha", "AC1", "note"], rows))
    diff = [(a[i]["code_stance"], b[i]["code_stance"]) for i in ids if a[i]["code_stance"] != b[i]["code_stance"]]
    pairs: dict = {}
    for pair in diff:
        pairs[pair] = pairs.get(pair, 0) + 1
    out += ["", "Stance disagreements (first coder -> second coder): "
            + ", ".join(f"{x} -> {y} {n}" for (x, y), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])))
            + ".", ""]
    return "\n".join(out)


def section_sense(frame) -> str:
    """Per-entry precision of the dictionary (code_sense) on the UNGDC rows of the gold set, Wilson intervals."""
    from statsmodels.stats.proportion import proportion_confint

    rows, flagged = [], []
    g = frame.loc[(frame["source"] == "ungdc") & frame["code_sense"].isin(["yes", "no"])]
    for entry, block in sorted(g.groupby("entry_id"), key=lambda kv: kv[0]):
        n, k = len(block), int((block["code_sense"] == "yes").sum())
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        flag = lo < 0.7
        if flag:
            flagged.append(entry)
        rows.append([entry, n, k, _f(k / n), f"{_f(lo)} - {_f(hi)}", "yes" if flag else ""])
    out = ["## Precision of the dictionary by entry (gold set, UN General Debate rows)", "",
           "The share of sampled hits that are instances of the entry's concept (`code_sense = yes`, first coder), with "
           "95% Wilson intervals; an entry is flagged when the lower bound is under 0.7 (the default threshold of "
           "`discourse validate report`). The sample is stratified by entry (at most 30 hits each), so these are "
           "per-entry figures, not a corpus-wide precision. The same workflow on a store: `discourse fetch ungdc --from "
           "../shared/data/ungdc/sample --db out/ungdc.sqlite`, `discourse validate import --db out/ungdc.sqlite "
           "tests/data/stance_gold.csv tests/data/stance_gold_coder_b.csv --skip-missing`, `discourse validate report "
           "--db out/ungdc.sqlite --out out/validation` (HTML and CSV; not committed, as its coded lines quote the "
           "statements; `tests/test_validate_ungdc.py` runs this round trip). See [validate.md](validate.md).", "",
           _table(["entry", "hits coded", "in sense", "precision", "95% interval", "flagged"], rows), "",
           f"Flagged: {', '.join(flagged) if flagged else 'none'}. An entry with few coded hits is flagged because its "
           "interval is wide (precision 1.000 of 5 hits still has a lower bound of 0.566), not because its hits were "
           "wrong; integration, neutrality and non_alignment are flagged by hits in another sense.", ""]
    return "\n".join(out)


def section_scaling() -> str:
    """The scaling models' validity (written by scripts/make_scaling_validation.py), included here."""
    if not SCALING_DOC.exists():
        return "## Scaling models\n\nNot computed yet: run `python scripts/make_scaling_validation.py`.\n"
    body = SCALING_DOC.read_text(encoding="utf-8").split("\n", 1)[1]
    body = body.replace("\n## ", "\n### ")
    return ("## Scaling models: known groups and yearly series\n\nFrom [validation-scaling.md](validation-scaling.md) "
            "(written by `scripts/make_scaling_validation.py` from the full archive; included here unchanged)."
            "\n" + body.rstrip() + "\n")


SECTIONS = ("gold", "agreement", "sense", "ungdc", "scaling")


def build(gold_frame, ungdc: dict | None) -> str:
    """The whole document."""
    head = ["# Validation", "",
            "Written by `scripts/make_validation_doc.py` (do not edit by hand; `tests/test_validation_doc.py` checks "
            "that it is current). Figures are reported as they are, including those below the targets.", ""]
    parts = {"gold": lambda: section_gold(gold_frame), "agreement": section_agreement,
             "sense": lambda: section_sense(gold_frame), "ungdc": lambda: section_ungdc(ungdc),
             "scaling": section_scaling}
    return "\n".join(head) + "\n" + "\n".join(parts[s]() for s in SECTIONS).rstrip() + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ungdc", type=Path, help="the UNGDC archive: recompute docs/validation_ungdc.json (minutes)")
    ap.add_argument("--sample", type=Path, default=SAMPLE, help="the UNGDC sample folder (gold rows' statements)")
    ap.add_argument("--check", action="store_true", help="only check that docs/validation.md is current")
    args = ap.parse_args(argv)
    if args.ungdc:
        data = compute_ungdc(args.ungdc)
        UNGDC_JSON.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    ungdc = json.loads(UNGDC_JSON.read_text(encoding="utf-8")) if UNGDC_JSON.exists() else None
    text = build(evaluate_gold(GOLD, args.sample), ungdc)
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is not current: run python scripts/make_validation_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
