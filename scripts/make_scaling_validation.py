#!/usr/bin/env python
"""Validity of the scaling models on the UN General Debate Corpus; writes docs/validation-scaling.md.

Usage::

    python scripts/make_scaling_validation.py --db STORE [--archive UNGDC_1946-2024_txt.tar.xz] [--k 300]

When STORE holds no statements it is loaded first with ``discourse fetch ungdc --from ARCHIVE``. Figures
(issue 16, item 7), all computed here and written to the page as computed:

* known groups: statements of 2009-2019 by NATO members against those by CSTO members (membership in the
  statement's year), AUC = P(score of a CSTO statement > score of a NATO statement) with a stratified
  percentile bootstrap interval (seeded), for the dictionary logit, LSS and Wordscores (reference texts:
  NATO members' statements of 2000-2008 at -1 and CSTO members' at +1, so no 2009-2019 text is a reference);
* the yearly LSS series against the yearly dictionary series for AZE, RUS, GEO, UKR (Pearson and Spearman
  over the years where both are defined).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "ungdc" / "UNGDC_1946-2024_txt.tar.xz"
SEED = 20240924

# NATO members by year of accession (NATO, "Member countries", nato.int).
NATO_ACCESSION = {
    **{c: 1949 for c in ("BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA")},
    "GRC": 1952, "TUR": 1952, "DEU": 1955, "ESP": 1982, "CZE": 1999, "HUN": 1999, "POL": 1999,
    **{c: 2004 for c in ("BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN")},
    "ALB": 2009, "HRV": 2009, "MNE": 2017, "MKD": 2020, "FIN": 2023, "SWE": 2024,
}
# CSTO members (treaty organisation since 2002; the Collective Security Treaty members before): Uzbekistan
# rejoined in 2006 and suspended its membership in June 2012.
CSTO = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
CSTO_EXTRA = {"UZB": (2006, 2011)}
SERIES_COUNTRIES = ("AZE", "RUS", "GEO", "UKR")


def group_of(country: str, year: int) -> str | None:
    if country in NATO_ACCESSION and NATO_ACCESSION[country] <= year:
        return "NATO"
    if country in CSTO or (country in CSTO_EXTRA and CSTO_EXTRA[country][0] <= year <= CSTO_EXTRA[country][1]):
        return "CSTO"
    return None


def auc(high: np.ndarray, low: np.ndarray) -> float:
    """P(a high-group score > a low-group score) + P(tie)/2 (the Mann-Whitney AUC)."""
    from scipy.stats import rankdata

    both = np.concatenate([high, low])
    ranks = rankdata(both)
    n1, n0 = len(high), len(low)
    return float((ranks[:n1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auc_ci(high, low, replicates: int, seed: int, level: float = 0.95):
    rng = np.random.default_rng(seed)
    reps = np.array([auc(rng.choice(high, len(high)), rng.choice(low, len(low))) for _ in range(replicates)])
    return np.percentile(reps, [100 * (1 - level) / 2, 100 * (1 + level) / 2])


def known_groups(frame: pd.DataFrame, column: str, replicates: int, seed: int) -> dict:
    data = frame.dropna(subset=[column])
    high = data.loc[data["group"] == "CSTO", column].to_numpy(dtype=float)
    low = data.loc[data["group"] == "NATO", column].to_numpy(dtype=float)
    lo, hi = auc_ci(high, low, replicates, seed)
    return {"auc": auc(high, low), "ci_low": float(lo), "ci_high": float(hi), "n_csto": len(high), "n_nato": len(low),
            "mean_csto": float(high.mean()), "mean_nato": float(low.mean())}


def ensure_corpus(db: Path, archive: Path):
    from discourse import Corpus
    from discourse.cli import main as cli

    with Corpus.open(db) as corpus:
        n = len(corpus)
    if n == 0:
        print(f"loading {archive} into {db} ...", file=sys.stderr)
        if cli(["fetch", "ungdc", "--from", str(archive), "--db", str(db), "--no-progress"]) != 0:
            raise SystemExit("fetch ungdc failed")
    return Corpus.open(db)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="store holding (or to hold) the UNGDC")
    parser.add_argument("--archive", default=str(DEFAULT_ARCHIVE))
    parser.add_argument("--k", type=int, default=300)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "validation-scaling.md"))
    args = parser.parse_args(argv)

    from discourse import score as S
    from discourse.scaling.models import fit_model, model_scores_table

    corpus = ensure_corpus(Path(args.db), Path(args.archive))
    docs = corpus.documents(language="en")
    n_total = len(docs)
    print("fitting LSS ...", file=sys.stderr)
    lss_side = fit_model(corpus, "lss", "validation-lss", k=args.k, workers=args.workers)
    lss_docs = model_scores_table(corpus, "validation-lss", level="document", year_from=2009, year_to=2019).frame
    all_lss = model_scores_table(corpus, "validation-lss", level="document").frame
    print("Wordscores ...", file=sys.stderr)
    ref_rows = []
    for _, d in docs.loc[(docs["year"] >= 2000) & (docs["year"] <= 2008)].iterrows():
        g = group_of(d["country"], int(d["year"]))
        if g:
            ref_rows.append((d["id"], 1 if g == "CSTO" else -1))
    with tempfile.TemporaryDirectory() as tmp:
        ref = Path(tmp) / "reference.csv"
        pd.DataFrame(ref_rows, columns=["doc_id", "score"]).to_csv(ref, index=False)
        ws_side = fit_model(corpus, "wordscores", "validation-ws", reference=ref, min_docs=5, workers=args.workers)
    ws_docs = model_scores_table(corpus, "validation-ws", level="document", year_from=2009, year_to=2019).frame
    print("dictionary ...", file=sys.stderr)
    dic = S.document_scores(corpus, year_from=2009, year_to=2019, replicates=1, min_hits=1)
    frame = lss_docs[["id", "year", "country", "score", "n_words_scored"]].rename(columns={"score": "lss"})
    frame = frame.merge(ws_docs[["id", "score"]].rename(columns={"score": "wordscores"}), on="id", how="left")
    frame = frame.merge(dic[["id", "logit", "n_hits"]], on="id", how="left")
    frame["logit_zero"] = frame["logit"].fillna(0.0)  # no counted hit: the empirical logit's log(0.5/0.5) = 0
    frame["group"] = [group_of(c, int(y)) for c, y in zip(frame["country"], frame["year"])]
    groups = frame.dropna(subset=["group"])
    results = {
        "dictionary logit (statements with a counted hit)": known_groups(groups, "logit", args.replicates, SEED),
        "dictionary logit (no hit counted as 0)": known_groups(groups, "logit_zero", args.replicates, SEED + 1),
        "LSS": known_groups(groups, "lss", args.replicates, SEED + 2),
        "Wordscores": known_groups(groups, "wordscores", args.replicates, SEED + 3),
    }
    print("yearly series ...", file=sys.stderr)
    series = []
    for c in SERIES_COUNTRIES:
        lss_y = model_scores_table(corpus, "validation-lss", level="year", country=c, replicates=200).frame
        dic_y = S.period_scores(corpus, country=c, replicates=200)
        both = lss_y[["year", "score"]].rename(columns={"score": "lss"}).merge(
            dic_y[["year", "logit", "score", "low_evidence"]].rename(columns={"score": "dict_score"}), on="year")
        ok = both.dropna(subset=["lss", "logit"])
        good = ok.loc[~ok["low_evidence"].astype(bool)]
        rec = {"country": c, "years": len(both), "pairs": len(ok), "pairs_not_low": len(good)}
        for label, part in (("all", ok), ("not_low", good)):
            if len(part) >= 3 and part["lss"].std() > 0 and part["logit"].std() > 0:
                rec[f"pearson_{label}"] = float(np.corrcoef(part["lss"], part["logit"])[0, 1])
                rec[f"spearman_{label}"] = float(part[["lss", "logit"]].corr(method="spearman").iloc[0, 1])
            else:
                rec[f"pearson_{label}"] = rec[f"spearman_{label}"] = float("nan")
        series.append(rec)
    coverage = {"statements": n_total, "scored_lss": int(all_lss["score"].notna().sum()),
                "with_words": int((corpus.documents(language="en")["words"] > 0).sum()),
                "dict_2009_2019_with_hit": int((frame["n_hits"] > 0).sum()), "n_2009_2019": len(frame)}
    page = render(args, lss_side, ws_side, results, series, coverage, len(ref_rows))
    Path(args.out).write_text(page, encoding="utf-8")
    print(page)
    corpus.close()
    return 0


def _f(x, d=3):
    return "" if x != x else f"{x:.{d}f}"


def render(args, lss, ws, results, series, coverage, n_ref) -> str:
    p = lss["parameters"]
    L = ["# Validity of the scaling models on the UN General Debate Corpus", "",
         "Generated by `scripts/make_scaling_validation.py` (do not edit by hand) on "
         f"{_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} from the UNGDC 1946-2024 archive "
         f"({coverage['statements']:,} English statements; corpus snapshot {lss['corpus_snapshot']['digest'][:12]}).",
         "Higher scores mean toward the target power (Russia) for every measure.", "",
         "## Known groups: NATO members against CSTO members, 2009-2019", "",
         "Statements of 2009-2019 by states that were NATO members in the statement's year against statements by "
         "CSTO members (Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia, Tajikistan; Uzbekistan 2009-2011). AUC = "
         "the probability that a CSTO member's statement scores higher than a NATO member's (0.5 = no separation, "
         f"1 = perfect). 95% intervals: stratified percentile bootstrap of the statements, {args.replicates} replicates, "
         f"seed {SEED}.", "",
         "| measure | AUC | 95% interval | CSTO statements | NATO statements | mean CSTO | mean NATO |",
         "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        L.append(f"| {name} | {_f(r['auc'])} | {_f(r['ci_low'])} - {_f(r['ci_high'])} | {r['n_csto']} | {r['n_nato']} | "
                 f"{_f(r['mean_csto'])} | {_f(r['mean_nato'])} |")
    L += ["", "* **Dictionary logit**: log((R + 0.5)/(W + 0.5)) of the shipped lexicon (docs/scoring.md). "
          f"{coverage['dict_2009_2019_with_hit']:,} of the {coverage['n_2009_2019']:,} statements of 2009-2019 "
          "have a counted hit; the first row uses only those, the second gives the others 0.",
          f"* **LSS**: k = {p['k']}, seeds of models/seeds/orientation.yaml (found: "
          + ", ".join(f"{s} {w:+.3f}" for s, w in p["seeds_weighted"].items())
          + (f"; absent: {', '.join(p['seeds_missing'])}" if p["seeds_missing"] else "")
          + f"), {p['n_terms']} context terms, fitted on every statement of 1946-2024 (sentences), "
          f"{coverage['scored_lss']:,} of {coverage['statements']:,} statements scored.",
          f"* **Wordscores**: {n_ref} reference statements of 2000-2008 (NATO members -1, CSTO members +1), features "
          "in at least 5 statements, raw scores; no statement of 2009-2019 is a reference text (the same countries "
          "are, in earlier years: this tests whether the words that separated the groups before 2009 still do).",
          "* **Caveats.** Known groups is a weak test of an orientation scale: NATO and CSTO members also differ in "
          "region, agenda and in the names they use for themselves. Wordscores learns such words from its reference "
          "texts (the same countries in earlier years), and LSS's context terms include place names (see the "
          "diagnostics below), so a state naming itself or its neighbours moves its own score. These AUCs are "
          "therefore upper bounds on how well the scales measure orientation as such; the dictionary's AUC comes from "
          "hits that name the orientation explicitly, but only a minority of statements have one.", "",
          "## Yearly LSS series against the dictionary series", "",
          "Per country, the yearly LSS score (words-weighted mean of the statements' scores) against the yearly "
          "dictionary logit, over the years in which both are defined; `not low` = only the years in which the "
          "dictionary has at least 5 counted hits. With few years of dictionary evidence per country these "
          "correlations are descriptive only.", "",
          "| country | years | pairs | Pearson | Spearman | pairs (not low) | Pearson (not low) | Spearman (not low) |",
          "|---|---|---|---|---|---|---|---|"]
    for r in series:
        L.append(f"| {r['country']} | {r['years']} | {r['pairs']} | {_f(r['pearson_all'])} | {_f(r['spearman_all'])} | "
                 f"{r['pairs_not_low']} | {_f(r['pearson_not_low'])} | {_f(r['spearman_not_low'])} |")
    top = lss["diagnostics"]["top_terms"]
    L += ["", "## LSS diagnostics", "",
          "Terms of highest polarity (toward the target power): " + ", ".join(t for t, _ in top["target"][:15]) + ".",
          "", "Terms of lowest polarity (toward the West): " + ", ".join(t for t, _ in top["west"][:15]) + ".", "",
          "Leave-one-seed-out (correlation of all polarities without the seed): " + ", ".join(
              f"{r['seed']} {_f(r['correlation_without']) if r['correlation_without'] is not None else '-'}"
              for r in lss["diagnostics"]["leave_one_seed_out"]) + ".", "",
          "Variance captured by the first k components: " + ", ".join(
              f"k={k} {v:.3f}" for k, v in lss["diagnostics"]["variance_captured"]["curve"]) + ".", ""]
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
