"""Draw the UNGDC part of the stance gold set (`tests/data/stance_gold.csv`): a fixed-seed stratified sample of hits.

    PYTHONPATH=src python scripts/make_stance_gold_sample.py [--sample ../shared/data/ungdc/sample]
        [--out tests/data/stance_gold.csv] [--per-entry 30] [--seed 20261201] [--force]

What it does:

1. ingests the statements of the sample folder (``ISO_NN_YYYY.txt``) into a temporary store with the project's
   UNGDC connector and matches them with the shipped lexicon (``match-v1``/``negation-v2``/``target-v1``);
2. draws at most ``--per-entry`` hits of every entry (so that rare entries are represented in full), spread over
   strata of decade x country: within an entry the hits are shuffled with the seed, grouped by (decade,
   country), the strata ordered so that decades alternate, and one hit is taken from each stratum in turn until
   the cap is reached (every stratum gets a hit before any gets a second);
3. writes the rows in the coding CSV format (`docs/codebook.md`) with ``source=ungdc``, ``doc_id`` the statement's
   file stem, offsets into the stored text, the machine columns as the current matcher gives them (``stance``:
   ``reject`` when the hit is negated, else ``support``; ``cue``: the negation cue), the lexicon hash, and
   ``sentence``/``context`` left blank (UN texts are not copied into the repository) and the code columns
   empty.

The same folder, seed and lexicon give the same file. An existing file is never overwritten without
``--force`` (it holds the hand codes).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HEADER = ("sample_id,sample_kind,source,doc_id,page,start,end,sent_start,sent_end,language,year,country,doc_type,"
          "entry_id,pole,stance,cue,target,sentence,context,lexicon_hash,coder,code_sense,code_stance,code_missed,"
          "note").split(",")


def draw(frame, per_entry: int, seed: int, entry_order: list[str]):
    """The sampled rows of ``frame`` (hits), at most ``per_entry`` per entry, stratified by decade x country."""
    rng = random.Random(seed)
    chosen = []
    for entry_id in entry_order:
        rows = frame[frame.entry_id == entry_id].sort_values(["doc_key", "start"]).to_dict("records")
        if not rows:
            continue
        rng.shuffle(rows)
        strata: dict[tuple, list] = defaultdict(list)
        for r in rows:
            strata[(int(r["year"]) // 10 * 10, r["country"])].append(r)
        # order the strata so that decades alternate: rank each stratum within its decade, then by decade
        by_decade: dict[int, list] = defaultdict(list)
        for key in sorted(strata):
            by_decade[key[0]].append(key)
        for keys in by_decade.values():
            rng.shuffle(keys)
        decades = sorted(by_decade)
        rng.shuffle(decades)
        order = [k for rank in range(max(len(v) for v in by_decade.values()))
                 for d in decades if rank < len(by_decade[d]) for k in [by_decade[d][rank]]]
        taken: list = []
        while len(taken) < min(per_entry, len(rows)):
            for key in order:
                if strata[key] and len(taken) < per_entry:
                    taken.append(strata[key].pop())
        chosen.extend(taken)
    return chosen


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", default=str(ROOT.parent / "shared" / "data" / "ungdc" / "sample"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "data" / "stance_gold.csv"))
    ap.add_argument("--per-entry", type=int, default=30)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--force", action="store_true", help="overwrite an existing file (it holds hand codes)")
    args = ap.parse_args(argv)

    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"{out} exists (it holds hand codes); pass --force to overwrite it", file=sys.stderr)
        return 1

    from discourse import Corpus
    from discourse.ingest.ungdc_fetch import fetch_ungdc
    from discourse.lexicon import load_lexicon
    from discourse.match import hits, match_corpus

    lexicon = load_lexicon()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus.open(Path(tmp) / "store.sqlite")
        try:
            fetch_ungdc(corpus, args.sample, workers=2)
            match_corpus(corpus, lexicon, workers=2)
            frame = hits(corpus, lexicon)
            docs = corpus.documents()
        finally:
            corpus.close()
    stem = {r.id: Path(r.source_path).stem for r in docs.itertuples()}
    frame = frame.assign(doc_key=frame.doc_id.map(stem))
    entries = {e.id: e for e in lexicon.entries}
    rows = draw(frame, args.per_entry, args.seed, [e.id for e in lexicon.entries])
    order = {e.id: i for i, e in enumerate(lexicon.entries)}
    rows.sort(key=lambda r: (order[r["entry_id"]], r["doc_key"], int(r["start"])))

    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for i, r in enumerate(rows, 1):
            entry = entries[r["entry_id"]]
            group = r["target_group"] if isinstance(r["target_group"], str) else None
            pole = entry.position_for(group)
            cue = r["negation_cue"] if isinstance(r["negation_cue"], str) else ""
            w.writerow([
                f"h-{i:06d}", "hit", "ungdc", r["doc_key"], int(r["page"]) if r["page"] == r["page"] else "",
                int(r["start"]), int(r["end"]), int(r["sent_start"]), int(r["sent_end"]), r["language"],
                int(r["year"]), r["country"], r["doc_type"], r["entry_id"], "" if pole is None else f"{pole:g}",
                "reject" if bool(r["negated"]) else "support", cue,
                r["target"] if isinstance(r["target"], str) else "", "", "", lexicon.hash, "", "", "", "", "",
            ])
    print(f"{len(rows)} hits from {len(set(r['doc_key'] for r in rows))} statements -> {out} "
          f"(seed {args.seed}, at most {args.per_entry} per entry, lexicon {lexicon.hash})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
