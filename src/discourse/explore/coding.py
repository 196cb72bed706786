"""The coding view: code sampled hits in the browser into the validation stage's ``codes`` table.

The lines to code are the samples drawn from this store by ``discourse validate sample`` (``source=store``;
gold rows of other sources are coded in their own files). A code is stored through the validation stage's
own importer (:func:`discourse.validate.import_codes`): the explorer writes the one coded line in the coding
CSV format (:data:`discourse.validate.COLUMNS`) to a temporary file and imports it (``replace=True``: coding a
line again replaces its code), so every check of ``discourse validate import`` applies (codebook values,
sample id, lexicon hash). This is the explorer's only write, on a connection opened for it and closed after.

Available only when the validation stage is installed; :func:`default_codes` returns None otherwise.
"""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

from ..errors import ExploreError

__all__ = ["default_codes", "ValidateCodes", "STANCE_KEYS"]

_CODER = re.compile(r"^[\w .@'-]{1,40}$")
#: Keys of the coding view: sense and stance (docs/explore.md, docs/codebook.md).
STANCE_KEYS = {"y": ("code_sense", "yes"), "n": ("code_sense", "no"), "1": ("code_stance", "support"),
               "2": ("code_stance", "reject"), "3": ("code_stance", "doubt"), "4": ("code_stance", "question"),
               "5": ("code_stance", "reported"), "6": ("code_stance", "mention")}
CONTEXT = 400  # characters of the document shown around the sentence


def default_codes():
    """The coding backend over ``discourse.validate``, or None when that stage is not installed."""
    try:
        import discourse.validate  # noqa: F401
    except ModuleNotFoundError:
        return None
    return ValidateCodes()


def _coder(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _CODER.match(value):
        raise ExploreError("D858", f"coder name {value!r} is not 1-40 letters, digits, spaces or . @ ' -",
                           hint="e.g. coder-a")
    return value


class ValidateCodes:
    """Lines to code (the store's samples) and the writing of one code through the validation importer."""

    def _tables(self, conn) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'validation_samples'").fetchone() is not None

    def queue(self, ex, coder: str) -> tuple[list[dict], set[str]]:
        """The store's samples (source=store), in sample id order, and the ids this coder has coded."""
        from ..store import validation as _sql

        with ex.store.read() as conn:
            if not self._tables(conn):
                return [], set()
            rows = [s for s in _sql.samples(conn).values() if s["source"] == "store" and s["doc_id"]]
            done = {r[0] for r in conn.execute("SELECT sample_id FROM codes WHERE coder = ?", (coder,))}
        rows.sort(key=lambda s: s["sample_id"])
        return rows, done

    def line(self, ex, sample: dict) -> dict:
        """What the coder reads: the sentence with the hit marked, context before and after, the document."""
        from ..store import documents as _docs

        with ex.store.read() as conn:
            text = _docs.document_text(conn, sample["doc_id"]) or ""
            record = _docs.get_document(conn, sample["doc_id"]) or {}
        lo = sample["sent_start"] if sample["sent_start"] is not None else sample["start"] or 0
        hi = sample["sent_end"] if sample["sent_end"] is not None else sample["end"] or lo
        start, end = sample["start"], sample["end"]
        parts = {"before": " ".join(text[max(0, lo - CONTEXT):lo].split()),
                 "after": " ".join(text[hi:hi + CONTEXT].split())}
        if start is not None and end is not None and lo <= start <= end <= hi:
            parts.update(left=text[lo:start], hit=text[start:end], right=text[end:hi])
        else:
            parts.update(left=text[lo:hi], hit="", right="")
        parts["title"] = record.get("title") or sample["doc_id"]
        parts["date"] = record.get("date")
        return parts

    def page(self, ex, request, render):
        q = request.query_params
        coder = _coder(q.get("coder"))
        context = {"nav": "code", "coder": coder or "", "sample": None, "line": None, "n_total": 0, "n_done": 0,
                   "saved": q.get("saved"), "keys": STANCE_KEYS, "entries": [], "label": ""}
        if coder is None:
            return render(request, "code.html.j2", **context)
        rows, done = self.queue(ex, coder)
        context["n_total"], context["n_done"] = len(rows), len(done & {r["sample_id"] for r in rows})
        after = q.get("after") or ""
        todo = [r for r in rows if r["sample_id"] not in done]
        nxt = next((r for r in todo if r["sample_id"] > after), todo[0] if todo else None)
        if nxt is not None:
            context["sample"] = nxt
            context["line"] = self.line(ex, nxt)
            labels = {e.id: e.label for e in ex.lexicon.entries}
            context["label"] = labels.get(nxt["entry_id"], nxt["entry_id"] or "")
            context["entries"] = [{"id": e.id, "label": e.label} for e in ex.lexicon.entries]
        return render(request, "code.html.j2", **context)

    def post(self, ex, request, form, render):
        from starlette.responses import RedirectResponse

        from ..corpus import Corpus
        from ..store import validation as _sql
        from ..validate import COLUMNS, import_codes

        coder = _coder(form.get("coder"))
        sample_id = (form.get("sample_id") or "").strip()
        if coder is None or not sample_id:
            raise ExploreError("D858", "a code needs the coder and the sample id", hint="reload the coding page")
        with ex.store.read() as conn:
            sample = _sql.samples(conn, [sample_id]).get(sample_id) if self._tables(conn) else None
        if sample is None or sample["source"] != "store":
            raise ExploreError("D858", f"no sample {sample_id!r} of this store to code",
                               hint="draw a sample with `discourse validate sample` first")
        missed = ";".join(v for v in form.getlist("code_missed") if v)
        row = {c: "" for c in COLUMNS}
        for c in ("sample_id", "sample_kind", "source", "doc_id", "start", "end", "sent_start", "sent_end", "language",
                  "year", "country", "doc_type", "entry_id", "pole", "stance", "cue", "target", "lexicon_hash"):
            row[c] = "" if sample.get(c) is None else str(sample[c])
        row.update(coder=coder, code_sense=(form.get("code_sense") or "").strip(),
                   code_stance=(form.get("code_stance") or "").strip(), code_missed=missed,
                   note=(form.get("note") or "").strip())
        if sample["sample_kind"] == "hit" and not (row["code_sense"] or row["code_stance"]):
            raise ExploreError("D858", f"sample {sample_id}: choose the sense (y/n) or the stance (1-6) before saving",
                               hint="or skip the line with s")
        with tempfile.TemporaryDirectory(prefix="discourse-explore-") as tmp:
            path = Path(tmp) / f"explore-{re.sub(r'[^A-Za-z0-9_.-]+', '_', coder)}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
                writer.writeheader()
                writer.writerow(row)
            with Corpus.open(ex.store.path, create=False) as writable:  # the explorer's only write
                import_codes(writable, [path], lexicon=ex.lexicon, replace=True)
        from urllib.parse import urlencode

        return RedirectResponse("/code?" + urlencode({"coder": coder, "saved": sample_id, "after": sample_id}),
                                status_code=303)
