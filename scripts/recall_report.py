"""Recall and precision of the matcher on the recall sets, with the morphology and with stems (docs/lexicon-az-ru.md).

    PYTHONPATH=src python scripts/recall_report.py [--before OLD_LEXICON.yaml] [--details]

Prints one line per language and variant: TP, FP, FN, recall, precision. ``--before`` adds the rows of another
lexicon (the one before the survey); ``--details`` lists the missed and extra entries per row.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from discourse.lexicon import load_lexicon
from discourse.recall import evaluate, load_recall, stem_variant

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="another lexicon YAML to measure (e.g. the one before the survey)")
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()
    lex = load_lexicon()
    for lang in ("az", "ru"):
        rows = load_recall(ROOT / "tests" / "data" / f"recall_{lang}.csv", lex)
        variants = [("shipped", lex), ("stems", stem_variant(lex, lang))]
        if args.before:
            variants.append(("before", load_lexicon(args.before)))
        for name, lexicon in variants:
            m = evaluate(rows, lexicon)[lang]
            print(f"{lang} {name:8} rows={m['rows']} tp={m['tp']} fp={m['fp']} fn={m['fn']} "
                  f"recall={m['recall']:.3f} precision={m['precision']:.3f} actors={m['actor_found']}/{m['actor_rows']}")
            if args.details:
                print("   missed:", m["missed"])
                print("   extra: ", m["extra"])


if __name__ == "__main__":
    main()
