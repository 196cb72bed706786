"""Draw a stratified sample of hits (and of sentences without hits) for coding by hand.

See ``docs/validate.md``. A draw is deterministic for a seed: every random choice comes from a generator
seeded by the seed and the identity of what is drawn (the entry and stratum, or "sentences"), and sample ids are
hashes of the lexicon hash and the hit (or sentence), so the same hit drawn twice keeps its id.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ValidationError
from .coding import COLUMNS, mark_hit

__all__ = ["sample", "BY_FIELDS", "DEFAULT_SEED", "CONTEXT_CHARS", "MIN_SENTENCE_WORDS", "allocate"]

DEFAULT_SEED = 20240924
BY_FIELDS = ("language", "decade", "year", "country", "doc_type")
CONTEXT_CHARS = 300        # characters of wider context on each side of the sentence
MIN_SENTENCE_WORDS = 3     # a random "sentence" shorter than this (a heading, a number) is not drawn
SAMPLING_RULES = "sample-v1"


def _sha(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _rng(seed: int, *keys) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed)] + [int(_sha(k)[:15], 16) for k in keys]))


def _parse_by(by) -> list[str]:
    if by is None:
        return []
    items = [b.strip() for b in by.split(",")] if isinstance(by, str) else [str(b).strip() for b in by]
    items = [b for b in items if b]
    bad = [b for b in items if b not in BY_FIELDS]
    if bad:
        raise ValidationError("D700", f"cannot stratify by {', '.join(map(repr, bad))}",
                              hint="by takes one or more of " + ", ".join(BY_FIELDS))
    return list(dict.fromkeys(items))


def allocate(sizes: Sequence[int], n: int, rng: np.random.Generator) -> list[int]:
    """Split ``n`` draws as evenly as possible over strata of the given sizes (never more than a stratum holds).

    Whole shares first; the draws left over go one each to strata chosen at random, repeated while some
    stratum still has room.

    >>> allocate([100, 2, 100], 30, np.random.default_rng(1))
    [14, 2, 14]
    """
    alloc = [0] * len(sizes)
    remaining = int(n)
    while remaining > 0:
        room = [i for i, s in enumerate(sizes) if s > alloc[i]]
        if not room:
            break
        share = remaining // len(room)
        if share:
            for i in room:
                take = min(share, sizes[i] - alloc[i])
                alloc[i] += take
                remaining -= take
        else:
            for i in sorted(rng.permutation(room)[:remaining].tolist()):
                alloc[i] += 1
                remaining -= 1
    return alloc


def _strata(hits: pd.DataFrame, by: list[str]) -> pd.Series:
    """The stratum of each hit: ``language=en|decade=2000s`` (``unknown`` where the value is missing)."""
    out = pd.Series([""] * len(hits), index=hits.index, dtype=object)
    for i, b in enumerate(by):
        if b in ("decade", "year"):
            y = pd.to_numeric(hits["year"], errors="coerce")
            v = (y // 10 * 10 if b == "decade" else y).map(lambda x: "unknown" if pd.isna(x) else str(int(x)))
            if b == "decade":
                v = v.where(v == "unknown", v + "s")
        else:
            v = hits[b].map(lambda x: "unknown" if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA
                            else str(x))
        out = out + ("|" if i else "") + f"{b}=" + v.astype(str)
    return out


def _written_at() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit()
           else _dt.datetime.now(_dt.timezone.utc))
    return now.replace(microsecond=0).isoformat()


def _hits_with_stance(corpus, lexicon, entries, filters) -> pd.DataFrame:
    """The hits in scope with the scoring's pole and a stance (the matcher's if it has one)."""
    from .. import match as _match
    from ..score import count_hits, entries_frame

    hits = _match.hits(corpus, lexicon, entries=entries, progress=False, **filters)
    counted = count_hits(hits, entries_frame(lexicon))
    if "stance" not in counted.columns:  # matcher without stance-v1: a negated hit is a rejection
        counted["stance"] = np.where(counted["negated"].astype(bool), "reject", "support")
    cue = counted["stance_cue"] if "stance_cue" in counted.columns else counted["negation_cue"]
    counted["cue"] = cue.where(cue.notna(), "")
    return counted


def sample(
    corpus,
    lexicon=None,
    *,
    per_entry: int = 30,
    by: str | Iterable[str] | None = None,
    random_sentences: int = 0,
    seed: int = DEFAULT_SEED,
    coder: str = "",
    entries: Iterable[str] | None = None,
    out: str | Path | None = None,
    bom: bool = False,
    **filters,
) -> pd.DataFrame:
    """Draw a coding sample, record it in the store, and return it (and write it to ``out`` if given).

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus` (its match cache is brought up to date first).
    lexicon:
        A loaded lexicon, a path, or None for the shipped one.
    per_entry:
        Hits drawn per lexicon entry (all its hits when it has fewer), spread as evenly as possible over the
        strata of ``by``.
    by:
        Strata within each entry: any of language, decade, year, country, doc_type (``"language,decade"``).
    random_sentences:
        Sentences without any hit of the lexicon, drawn uniformly from the documents in scope (en, az, ru), for
        estimating what the lexicon misses.
    seed:
        The seed of every random choice; the same seed, store and lexicon give the same file.
    coder:
        Written into the coder column of every row (a coder may also fill it in).
    entries:
        Entry ids to sample (default: every entry of the lexicon).
    out, bom:
        Write the sample as a coding CSV (UTF-8; with a byte-order mark when ``bom``, for Excel) and a JSON
        sidecar ``out.json`` with the lexicon hash, the parameters and the population sizes.
    filters:
        Document filters (doc_type, country, year_from, year_to, language, post_category, ids).

    Returns the rows in the coding format (:data:`discourse.validate.coding.COLUMNS`).
    """
    from ..lexicon import load_lexicon
    from ..match import _sentences  # the matcher's sentence boundaries (sentences-v1)
    from ..store import documents as _docs
    from ..store import validation as _sql
    from ..tables import corpus_snapshot

    if isinstance(per_entry, bool) or not isinstance(per_entry, (int, np.integer)) or per_entry < 1:
        raise ValidationError("D700", f"per_entry must be a positive whole number, got {per_entry!r}", hint="e.g. 30")
    if isinstance(random_sentences, bool) or not isinstance(random_sentences, (int, np.integer)) or random_sentences < 0:
        raise ValidationError("D700", f"random_sentences must be a whole number >= 0, got {random_sentences!r}",
                              hint="e.g. 200, or 0 for none")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValidationError("D700", f"seed must be a non-negative whole number, got {seed!r}", hint="e.g. 1")
    by_fields = _parse_by(by)
    if lexicon is None or isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    chosen = [lexicon.entry(e).id for e in entries] if entries is not None else [e.id for e in lexicon.entries]
    filters = {k: v for k, v in filters.items() if v is not None}
    hits = _hits_with_stance(corpus, lexicon, chosen, filters)
    if hits.empty and not random_sentences:
        raise ValidationError("D701", "no lexicon hits in the documents in scope, so there is nothing to sample",
                              hint="check the filters, or ingest and match documents first")
    hits = hits.sort_values(["doc_id", "start", "entry_id"], kind="stable").reset_index(drop=True)
    hits["_stratum"] = _strata(hits, by_fields)
    picked: list[int] = []
    strata_rows: dict[str, str] = {}
    population: dict = {"hits": {}, "strata": {}, "drawn": {}}
    for entry_id in chosen:
        mine = hits.index[hits["entry_id"] == entry_id]
        population["hits"][entry_id] = int(len(mine))
        if not len(mine):
            continue
        groups = hits.loc[mine].groupby("_stratum", sort=True).groups
        keys = sorted(groups)
        sizes = [len(groups[k]) for k in keys]
        alloc = allocate(sizes, per_entry, _rng(seed, "allocate", entry_id))
        for key, size, n in zip(keys, sizes, alloc):
            population["strata"][f"{entry_id}|{key}"] = int(size)
            population["drawn"][f"{entry_id}|{key}"] = int(n)
            if not n:
                continue
            members = np.asarray(groups[key])
            take = _rng(seed, "hits", entry_id, key).choice(len(members), size=n, replace=False)
            for i in sorted(members[take].tolist()):
                picked.append(i)
                strata_rows[i] = f"entry={entry_id}" + (f"|{key}" if key else "")
    where, params = _docs.document_filter_sql(**filters)
    with corpus.store.read() as conn:
        documents = corpus.documents(**filters)
        texts: dict[str, str] = {}

        def text_of(doc_id: str) -> str:
            if doc_id not in texts:
                texts[doc_id] = _docs.document_text(conn, doc_id) or ""
            return texts[doc_id]

        rows = []
        order = {e: i for i, e in enumerate(chosen)}
        for i in sorted(picked, key=lambda i: (order[hits.at[i, "entry_id"]], strata_rows[i], hits.at[i, "doc_id"],
                                               hits.at[i, "start"])):
            h = hits.loc[i]
            text = text_of(h["doc_id"])
            s0, s1, a, b = int(h["sent_start"]), int(h["sent_end"]), int(h["start"]), int(h["end"])
            lo, hi = max(0, s0 - CONTEXT_CHARS), min(len(text), s1 + CONTEXT_CHARS)
            rows.append({
                "sample_id": "h-" + _sha(lexicon.hash, h["doc_id"], a, b, h["entry_id"])[:10],
                "sample_kind": "hit", "source": "store", "doc_id": h["doc_id"], "page": int(h["page"]),
                "start": a, "end": b, "sent_start": s0, "sent_end": s1, "language": h["language"],
                "year": h["year"], "country": h["country"], "doc_type": h["doc_type"], "entry_id": h["entry_id"],
                "pole": h["pole"], "stance": h["stance"], "cue": h["cue"],
                "target": h["target"] if isinstance(h["target"], str) else "",
                "sentence": mark_hit(text, s0, s1, a, b), "context": mark_hit(text, lo, hi, a, b),
                "_stratum": strata_rows[i],
            })
        # sentences without hits, uniformly over the documents in scope
        sentence_rows, n_eligible = [], 0
        if random_sentences:
            spans_by_hit = {}
            for d, block in hits.groupby("doc_id"):
                spans_by_hit[d] = np.sort(block[["start", "end"]].to_numpy(), axis=0)
            eligible: list[tuple[str, np.ndarray]] = []
            doc_rows = conn.execute(
                "SELECT d.id, t.text FROM documents d JOIN texts t ON t.doc_id = d.id "
                f"{where} {'AND' if where else 'WHERE'} d.language IN ('en', 'az', 'ru') ORDER BY d.id", params)
            for doc_id, text in doc_rows:
                starts = _sentences(text) + [len(text)]
                spans = []
                hs = spans_by_hit.get(doc_id)
                for s, e in zip(starts[:-1], starts[1:]):
                    e = s + len(text[s:e].rstrip())
                    if e <= s or len(text[s:e].split()) < MIN_SENTENCE_WORDS:
                        continue
                    if hs is not None and np.any((hs[:, 0] < e) & (hs[:, 1] > s)):
                        continue
                    spans.append((s, e))
                if spans:
                    eligible.append((doc_id, np.asarray(spans)))
            n_eligible = int(sum(len(s) for _, s in eligible))
            k = min(int(random_sentences), n_eligible)
            if k:
                chosen_idx = np.sort(_rng(seed, "sentences").choice(n_eligible, size=k, replace=False))
                offsets = np.cumsum([0] + [len(s) for _, s in eligible])
                meta = documents.set_index("id")
                for g in chosen_idx.tolist():
                    j = int(np.searchsorted(offsets, g, side="right") - 1)
                    doc_id, spans = eligible[j]
                    s, e = (int(x) for x in spans[g - offsets[j]])
                    text = text_of(doc_id)
                    m = meta.loc[doc_id]
                    pages = _docs.page_starts(conn, doc_id) or [0]
                    lo, hi = max(0, s - CONTEXT_CHARS), min(len(text), e + CONTEXT_CHARS)
                    sentence_rows.append({
                        "sample_id": "s-" + _sha(lexicon.hash, doc_id, s, e)[:10], "sample_kind": "sentence",
                        "source": "store", "doc_id": doc_id, "page": _docs.page_of(pages, s), "start": None,
                        "end": None, "sent_start": s, "sent_end": e, "language": m["language"], "year": m["year"],
                        "country": m["country"], "doc_type": m["doc_type"], "entry_id": "", "pole": "", "stance": "",
                        "cue": "", "target": "", "sentence": " ".join(text[s:e].split()),
                        "context": " ".join(text[lo:hi].split()), "_stratum": "sentences",
                    })
        population["sentences_without_hits"] = n_eligible
        population["documents"] = int(len(documents))
        snapshot = corpus_snapshot(zip(documents["id"], documents["sha256"]))
    frame = pd.DataFrame(rows + sentence_rows, columns=list(COLUMNS) + ["_stratum"])
    frame["lexicon_hash"] = lexicon.hash
    frame["coder"] = coder or ""
    for col in ("code_sense", "code_stance", "code_missed", "note"):
        frame[col] = ""
    for col in ("page", "start", "end", "sent_start", "sent_end", "year"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    parameters = {"per_entry": int(per_entry), "by": by_fields, "random_sentences": int(random_sentences),
                  "seed": int(seed), "entries": chosen if entries is not None else None, "filters": filters,
                  "coder": coder or "", "rules": SAMPLING_RULES}
    draw_id = "d-" + _sha(lexicon.hash, json.dumps(parameters, sort_keys=True, default=str), snapshot["digest"])[:12]
    with corpus.store.write() as conn:
        from ..store import matches as _msql

        _msql.save_lexicon(conn, lexicon)
        _sql.insert_draw(conn, draw_id, "sample", lexicon.hash, json.dumps(parameters, sort_keys=True, default=str),
                         json.dumps(population, sort_keys=True), _written_at())
        _sql.insert_samples(conn, [
            (r["sample_id"], draw_id, r["sample_kind"], "store", r["doc_id"], None, _int(r["start"]), _int(r["end"]),
             _int(r["sent_start"]), _int(r["sent_end"]), r["language"], _int(r["year"]), r["country"], r["doc_type"],
             r["entry_id"] or None, r["pole"] or None, r["stance"] or None, r["cue"] or None, r["target"] or None,
             r["_stratum"], lexicon.hash, None, None)
            for r in frame.to_dict("records")])
    frame = frame[list(COLUMNS)]
    if out is not None:
        _write(frame, Path(out), bom=bom, sidecar={
            "kind": "coding_sample", "file": Path(out).name, "format": "csv", "written_at": _written_at(),
            "lexicon_hash": lexicon.hash, "draw_id": draw_id, "parameters": parameters, "population": population,
            "columns": list(COLUMNS), "n_rows": int(len(frame)), "corpus_snapshot": snapshot,
            "rule_versions": {"sampling": SAMPLING_RULES, **dict(getattr(lexicon, "rules", None) or {})},
        })
    return frame


def _int(v):
    return None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else int(v)


def _write(frame: pd.DataFrame, path: Path, *, bom: bool, sidecar: dict) -> None:
    """The coding CSV (formula cells neutralized, UTF-8, optional BOM) and its JSON sidecar."""
    from .. import __version__
    from ..tables import neutralize_formulas

    sidecar = {**sidecar, "discourse_version": __version__}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            neutralize_formulas(frame).to_csv(handle, index=False, lineterminator="\n")
        tmp.replace(path)
        path.with_name(path.name + ".json").write_text(
            json.dumps(sidecar, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ValidationError("D714", f"cannot write {path}: {exc.strerror or exc}",
                              hint="check that the folder exists and can be written") from None
