"""Write a deterministic synthetic corpus of N documents as Parquet partitions (the engine's export format).

Each document resamples sentences of the UN General Debate corpus (Jankin, Baturo & Dasandi; public domain):

* its year is drawn with the weight of that year's number of statements in the archive (so the years are as
  skewed as the real corpus: few in 1946-1960, about 190 a year since 2000);
* its country is drawn among the countries that spoke that year;
* its text is 6-30 sentences drawn with replacement from that year's statements (at most
  ``--pool`` sentences a year are kept, taken evenly through the year's statements), joined by spaces.

Everything is drawn from ``numpy.random.default_rng(seed)`` in a fixed order, so the same seed and N give the same
files. Documents are written year by year, at most ``--rows-per-file`` per file, so memory holds one file.
Nothing is stored in a SQLite store; the folder is the input of ``discourse.engine`` and ``scripts/bench.py --scale``.

    python scripts/make_synthetic_corpus.py --docs 100000 --out /tmp/synthetic --seed 1
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from discourse.engine.parquet import PartitionWriter  # noqa: E402
from discourse.normalize import normalize_text, text_counts, text_sha256  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "data" / "ungdc" / "UNGDC_1946-2024_txt.tar.xz"
_NAME = re.compile(r"([A-Z]{2,3}[A-Z0-9-]*)_(\d+)_(\d{4})\.txt$")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def sentence_pools(archive: Path, pool: int) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, int]]:
    """Per year: up to ``pool`` sentences (evenly through the year's statements), the countries, the statements."""
    texts: dict[int, list[tuple[str, str]]] = {}
    with tarfile.open(archive, "r:xz") as tar:
        for member in tar:
            m = _NAME.search(member.name)
            if not member.isfile() or not m:
                continue
            data = tar.extractfile(member).read().decode("utf-8", errors="replace")
            texts.setdefault(int(m.group(3)), []).append((m.group(1), data))
    pools, countries, counts = {}, {}, {}
    for year in sorted(texts):
        items = sorted(texts[year])
        counts[year] = len(items)
        countries[year] = sorted({c for c, _ in items})
        sents = []
        for _, text in items:
            flat = " ".join(normalize_text(text).split())
            sents.extend(s for s in _SENT.split(flat) if 20 <= len(s) <= 600)
        if len(sents) > pool:
            step = len(sents) / pool
            sents = [sents[int(i * step)] for i in range(pool)]
        pools[year] = sents
    return pools, countries, counts


def make(n_docs: int, out: Path, *, seed: int = 1, pool: int = 20000, rows_per_file: int = 5000,
         archive: Path = ARCHIVE, progress: bool = True) -> dict:
    t0 = time.perf_counter()
    pools, countries, counts = sentence_pools(archive, pool)
    years = np.array(sorted(counts))
    weights = np.array([counts[y] for y in years], dtype=float)
    rng = np.random.default_rng(seed)
    doc_years = np.sort(rng.choice(years, size=n_docs, p=weights / weights.sum()))
    writer = PartitionWriter(out, rows_per_file=rows_per_file,
                             parameters={"synthetic": {"seed": seed, "n_docs": n_docs, "pool": pool,
                                                       "source": archive.name}})
    if progress:
        print(f"pools ready in {time.perf_counter() - t0:.1f} s; writing {n_docs} documents", file=sys.stderr)
    for i, year in enumerate(doc_years):
        year = int(year)
        pool_y = pools[year]
        k = int(rng.integers(6, 31))
        picks = rng.integers(0, len(pool_y), size=k)
        country = countries[year][int(rng.integers(0, len(countries[year])))]
        text = " ".join(pool_y[j] for j in picks)
        sha = text_sha256(text)
        words, sentences = text_counts(text)
        writer.add({
            "id": sha[:16], "sha256": sha, "title": f"Synthetic statement {i}", "date": str(year), "year": year,
            "doc_type": "statement", "speaker": None, "speaker_post": None, "post_category": None,
            "country": country, "country_kind": "state", "session": year - 1945, "language": "en",
            "source_url": None, "source_path": f"synthetic:{seed}:{i}", "extractor": "synthetic",
            "extractor_version": "1", "pages": 1, "chars": len(text), "words": words, "sentences": sentences,
            "quality_flags": "synthetic", "unmapped_share": None, "ingested_at": "1970-01-01T00:00:00+00:00",
            "updated_at": "1970-01-01T00:00:00+00:00", "text": text, "page_starts": [0],
        })
        if progress and (i + 1) % 100000 == 0:
            print(f"{i + 1} documents, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    marker = writer.close()
    marker["seconds"] = round(time.perf_counter() - t0, 1)
    return marker


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pool", type=int, default=20000, help="sentences kept per year")
    ap.add_argument("--rows-per-file", type=int, default=5000)
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    args = ap.parse_args(argv)
    marker = make(args.docs, args.out, seed=args.seed, pool=args.pool, rows_per_file=args.rows_per_file,
                  archive=args.archive)
    print(f"wrote {marker['n_documents']} documents in {len(marker['partitions'])} files to {args.out} "
          f"in {marker['seconds']} s (snapshot {marker['corpus_snapshot']['digest'][:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
