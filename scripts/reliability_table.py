"""Run every hard PDF and every generated bomb through the real ingestion path; write docs/reliability.md.

Each case is ingested on its own into a fresh temporary store with :func:`discourse.ingest.ingest` (worker
process, wall-clock timeout, address-space limit, exactly as ``discourse ingest`` does), and the table records
what happened: stored (with pages, characters and quality flags) or refused (with the error code and message),
and the wall-clock seconds including the worker start. Never edit docs/reliability.md by hand; run

    .venv/bin/python scripts/reliability_table.py            # writes docs/reliability.md
    .venv/bin/python scripts/reliability_table.py --out FILE
    .venv/bin/python scripts/reliability_table.py --hostile-only   # only the hostile-use section (no shared data)

The hard PDFs come from ../shared/data/pdfs (see its MANIFEST.csv); the bombs are built by tests/pdfgen.py.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # pdfgen: the bomb builders shared with the tests
sys.path.insert(0, str(ROOT / "scripts"))  # hostile_cases: the issue-12 cases

from discourse import Corpus  # noqa: E402
from discourse.ingest import ingest  # noqa: E402
from discourse.ingest.document import Limits  # noqa: E402

DEFAULT_PDFS = Path(os.environ.get("DISCOURSE_SHARED", ROOT.parent / "shared")) / "data" / "pdfs"


@dataclass
class Case:
    group: str               # "hard PDF" or "bomb"
    name: str                # short description
    file: str                # file name
    data: bytes | None = None  # generated content (bombs); None for files on disk
    path: Path | None = None
    password: str | None = None
    limits: Limits = field(default_factory=Limits)
    expected: str = ""


def hard_pdf_cases(folder: Path) -> list[Case]:
    """One case per manifest row; encrypted files twice (without, then with the manifest password)."""
    cases = []
    with open(folder / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            path = folder / row["file"]
            expected = row["expected_from_discourse"]
            cases.append(Case("hard PDF", row["covers"], row["file"], path=path, expected=expected))
            if row["password"]:
                cases.append(Case("hard PDF", row["covers"] + " (with --password)", row["file"], path=path,
                                  password=row["password"], expected=expected))
    return cases


def bomb_cases() -> list[Case]:
    import pdfgen

    html_node = b"<html><body><p>" + b"A" * (50 * 1024 * 1024) + b"</p></body></html>"
    return [
        Case("bomb", "5,000-page PDF", "pages-5000.pdf", pdfgen.many_pages_pdf(5000),
             expected="refused: too many pages, before any page is parsed"),
        Case("bomb", "/Count 2147483647 on a 1-page PDF", "count-lie.pdf", pdfgen.many_pages_pdf(1, count=2147483647),
             expected="refused: page count far beyond the limit; the tree is never iterated 2 billion times"),
        Case("bomb", "Flate stream (10 KB) inflating to 4 GiB", "flate-4gib.pdf", pdfgen.flate_bomb_pdf(4 << 30),
             limits=Limits(memory_mb=512), expected="refused: decompression bomb at the per-stream ceiling"),
        Case("bomb", "content stream too slow to interpret (limit 3 s)", "slow.pdf", pdfgen.slow_pdf(),
             limits=Limits(seconds=3), expected="refused: timeout, naming the page reached"),
        Case("bomb", "50 MB HTML text node", "huge.html", html_node,
             expected="refused before parsing: over max_html_bytes"),
        Case("bomb", "DOCX with compression ratio ~1000:1 (64 MiB)", "ratio.docx", pdfgen.docx_ratio_bomb(64 << 20),
             expected="refused: zip bomb, from the central directory"),
        Case("bomb", "DOCX with a ../ member name", "slip.docx",
             pdfgen.docx_bytes(["Hello."], extra={"../escape.txt": b"owned"}),
             expected="refused: unsafe archive; nothing written"),
        Case("bomb", "DOCX with recursive entities (billion laughs)", "laughs.docx",
             pdfgen.docx_bytes(document_xml=pdfgen.BILLION_LAUGHS), expected="refused: XML entities"),
        Case("bomb", "DOCX with an external entity (file:///etc/passwd)", "external.docx",
             pdfgen.docx_bytes(document_xml=pdfgen.EXTERNAL_ENTITY), expected="refused: XML entities"),
        Case("bomb", "XHTML with recursive entities", "laughs.xhtml",
             pdfgen.BILLION_LAUGHS.replace(b"w:document", b"html"), expected="refused: XML entities"),
    ]


def run_case(case: Case, work: Path) -> dict:
    """Ingest one case into a fresh store; return a table row."""
    folder = work / f"case-{id(case)}"
    folder.mkdir()
    path = case.path
    if case.data is not None:
        path = folder / case.file
        path.write_bytes(case.data)
    corpus = Corpus.open(folder / "store.sqlite")
    started = time.perf_counter()
    try:
        try:
            report = ingest(corpus, [path], password=case.password, limits=case.limits, workers=1)
        except Exception as exc:  # recorded, never hidden: the summary line then says so
            return {"group": case.group, "case": case.name, "file": case.file, "outcome": "ERROR",
                    "detail": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - started,
                    "expected": case.expected}
        seconds = time.perf_counter() - started
        if report.failed:
            _, code, message = report.failed[0]
            outcome = "refused"
            detail = f"{code}: " + message.replace(str(path), case.file)
        else:
            docs = corpus.documents()
            row = docs.iloc[0]
            flags = row["quality_flags"] or "none"
            outcome = "stored"
            detail = f"{int(row['pages'])} p., {int(row['chars']):,} chars; flags: {flags}"
            if row["unmapped_share"] is not None and row["unmapped_share"] == row["unmapped_share"]:
                detail += f" (unmapped share {float(row['unmapped_share']):.2%})"
    finally:
        corpus.close()
    return {"group": case.group, "case": case.name, "file": case.file, "outcome": outcome, "detail": detail,
            "seconds": seconds, "expected": case.expected}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(rows: list[dict], total: float) -> str:
    lines = [
        "# Reliability: hard PDFs and bombs",
        "",
        "Generated by `scripts/reliability_table.py` (do not edit by hand). Each case was ingested on its own into a",
        "fresh store through `discourse.ingest.ingest` (worker process with a wall-clock timeout and an address-space",
        "limit, default `Limits()` unless the case says otherwise). *Seconds* is wall-clock time including the worker",
        "start; two cases run at a time, so it includes some contention. The hard PDFs are the 23 files of",
        "`../shared/data/pdfs` (see its `MANIFEST.csv`; encrypted files are tried without and with their password);",
        "the bombs are built in memory by `tests/pdfgen.py`.",
        "",
        "| # | group | case | file | outcome | code / flags | seconds | expected |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(rows, start=1):
        lines.append(
            f"| {i} | {r['group']} | {_cell(r['case'])} | `{r['file']}` | {r['outcome']} | {_cell(r['detail'])} | "
            f"{r['seconds']:.2f} | {_cell(r['expected'])} |"
        )
    stored = sum(r["outcome"] == "stored" for r in rows)
    refused = sum(r["outcome"] == "refused" for r in rows)
    errors = len(rows) - stored - refused
    unexpected = sum(r["detail"].startswith(("D109", "D124")) for r in rows)  # reader bugs surfaced as codes
    verdict = (
        "Every case ended as a stored document or a coded refusal; none stalled the run."
        if not errors and not unexpected
        else f"{errors} case(s) raised an exception and {unexpected} ended in an unexpected reader error."
    )
    lines += ["", f"{len(rows)} cases: {stored} stored, {refused} refused; {total:.1f} s in all. {verdict}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=DEFAULT_PDFS, help="folder with the hard PDFs and MANIFEST.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md", help="Markdown file to write")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (each in its own worker process)")
    parser.add_argument("--hostile-only", action="store_true",
                        help="rewrite only the hostile-use section (issue 12), without the shared PDFs")
    args = parser.parse_args(argv)
    import hostile_cases  # scripts/hostile_cases.py: the careless and hostile uses of issue 12

    if args.hostile_only:  # re-run only the hostile-use cases; the PDF table is kept as it is
        text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(hostile_cases.replace_section(text, hostile_cases.render(hostile_cases.run_cases())),
                            encoding="utf-8")
        print(f"{args.out}: hostile-use section rewritten")
        return 0
    if not (args.pdfs / "MANIFEST.csv").exists():
        print(f"error: {args.pdfs}/MANIFEST.csv not found (set --pdfs or DISCOURSE_SHARED)", file=sys.stderr)
        return 2
    cases = hard_pdf_cases(args.pdfs) + bomb_cases()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="discourse-reliability-") as tmp:
        # Cases are independent (own store, own worker process); --jobs of them run at once.
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            rows = list(pool.map(lambda case: run_case(case, Path(tmp)), cases))
    total = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(rows, total) + "\n" + hostile_cases.render(hostile_cases.run_cases()), encoding="utf-8")
    print(f"{args.out}: {len(rows)} cases in {total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
