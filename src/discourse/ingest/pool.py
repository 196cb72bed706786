"""Parsing in isolation: worker processes with a memory limit, a wall-clock limit per file and crash recovery.

Only the parent process writes to the store; workers turn :class:`~discourse.ingest.document.SourceItem`
objects into plain records (:func:`parse_item`). A file that hangs, exhausts memory or crashes its worker
becomes an :class:`~discourse.errors.IngestError` for that file alone, and the pool starts a fresh worker.

Two clocks guard each file:

* inside the worker, a ``SIGALRM`` timer fires after ``Limits.seconds`` and stops pure-Python parsing where it
  is; the page being read is taken from :func:`note_page` (readers may call it) or from the pdfplumber page on
  the stack, so the message can say "timed out after 60 s at page 412";
* in the parent, pebble kills a worker that does not answer ``GRACE`` seconds later (a hang inside C code).

Worker error codes: D107 timed out, D108 worker crashed (segfault, killed), D109 unexpected parser error.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import faulthandler
import gc
import resource
import signal
import threading
import time
from dataclasses import dataclass

from ..errors import IngestError
from ..metadata import DocumentMeta, validate_metadata
from ..normalize import text_counts, text_sha256
from . import readers
from .clock import current_page, note_page, reset_page, timeout_message
from .document import Limits, SourceItem
from .manifest import merge_meta

__all__ = ["Parsed", "Failure", "parse_item", "parse_many", "run_hook", "init_worker", "note_page", "timeout_message",
           "GRACE"]

GRACE = 10.0  # seconds the parent waits beyond Limits.seconds before it kills a silent worker


@dataclass(frozen=True)
class Parsed:
    """Everything the parent needs to store one document (computed in the worker)."""

    source: str
    raw_sha256: str
    size: int
    text: str
    page_starts: tuple[int, ...]
    sha256: str
    chars: int
    words: int
    sentences: int
    extractor: str
    extractor_version: str
    meta: DocumentMeta           # final merged and validated metadata (defaults not yet applied)
    quality_flags: str
    unmapped_share: float | None
    warnings: tuple[str, ...] = ()
    detected_language: str | None = None  # language detected from the text when no layer gave one (a default)
    payload: object = None                # what a ParseHook did with the text in the worker (stored with it)


@dataclass(frozen=True)
class Failure:
    """A file that could not be ingested: its code, message, short reason and how to fix it (if known)."""

    source: str
    code: str
    message: str
    reason: str
    hint: str | None = None


class _TimeUp(BaseException):
    """Raised by the SIGALRM handler; a BaseException so that readers' ``except Exception`` lets it through."""


def _on_alarm(signum, frame):
    page = current_page()
    if page is None:
        page = _page_on_stack(frame)
    raise _TimeUp(page)


def _page_on_stack(frame) -> int | None:
    """The page number of a pdfplumber page being processed somewhere up the stack, if any."""
    while frame is not None:
        loc = frame.f_locals
        obj = loc.get("self")
        number = getattr(obj, "page_number", None) if obj is not None else None
        if isinstance(number, int):
            return number
        for name in ("page_number", "pageno", "page_no"):
            value = loc.get(name)
            if isinstance(value, int):
                return value
        frame = frame.f_back
    return None


_HOOK: dict = {}  # the worker's ParseHook and default language (set by init_worker)


def init_worker(memory_mb: int, hook=None, default_language: str | None = None) -> None:
    """Worker initializer: cap the address space at its current size plus ``memory_mb`` MiB; keep the hook.

    What the worker inherited (modules, the hook's preloaded spaCy pipelines and cue tables) is moved out of the
    garbage collector's reach (``gc.freeze``): those objects live as long as the worker, and the collections that
    parsing and matching trigger would otherwise walk them again and again (about 6% of a worker's time).
    """
    _HOOK["hook"], _HOOK["language"] = hook, default_language
    gc.freeze()
    faulthandler.disable()  # a crashing parser is reported by the parent, not by a traceback dump
    signal.signal(signal.SIGALRM, _on_alarm)
    if memory_mb and memory_mb > 0:
        try:
            current = _vm_size()
            limit = current + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):  # pragma: no cover - platform without RLIMIT_AS
            pass


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover
        pass
    return 0


def parse_item(item: SourceItem, limits: Limits, raw_sha256: str) -> Parsed | Failure:
    """Read one item and compute its record; every problem becomes a :class:`Failure` (never an exception).

    The time limit is enforced with ``SIGALRM`` when running in a process's main thread.
    """
    reset_page()
    use_alarm = threading.current_thread() is threading.main_thread() and limits.seconds and limits.seconds > 0
    previous = None
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, float(limits.seconds))
    started = time.monotonic()
    try:
        try:
            doc = readers.read(item, limits)
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        if limits.seconds and limits.seconds > 0 and time.monotonic() - started > limits.seconds:
            # The alarm could not interrupt (a long call in C code, or not the main thread): the file is over
            # its limit all the same, whatever the machine's load let it finish in.
            raise _TimeUp(current_page())
        starts = tuple(doc.page_starts)
        if not starts or starts[0] != 0 or any(b < a for a, b in zip(starts, starts[1:])) or starts[-1] > len(doc.text):
            return Failure(item.source, "D109", f"{item.source}: the {item.kind} reader returned invalid page "
                           f"boundaries {starts[:5]}{'...' if len(starts) > 5 else ''}", "reader_error",
                           "a reader bug in discourse: please report it with the file")
        meta = merge_meta(doc.meta, item.meta)
        meta = validate_metadata(meta, item.source)
        text = doc.text
        flags, detected = set(doc.quality_flags), None
        if meta.language is None:  # no layer states the language: detect it (see ingest/language.py)
            from .language import UNCERTAIN, detect_language

            found = detect_language(text)
            detected = found.language
            if not found.sure:
                flags.add(UNCERTAIN)
        words, sentences = text_counts(text)
        return Parsed(
            source=item.source,
            raw_sha256=raw_sha256,
            size=len(item.data),
            text=text,
            page_starts=starts,
            sha256=text_sha256(text),
            chars=len(text),
            words=words,
            sentences=sentences,
            extractor=doc.extractor,
            extractor_version=doc.extractor_version,
            meta=meta,
            quality_flags=",".join(sorted(flags)),
            unmapped_share=doc.unmapped_share,
            warnings=tuple(doc.warnings),
            detected_language=detected,
        )
    except _TimeUp as exc:
        err = timeout_message(item.source, limits.seconds, exc.args[0] if exc.args else None)
        return Failure(item.source, err.code, err.message, err.reason, err.hint)
    except IngestError as exc:
        return Failure(item.source, exc.code, exc.message, exc.reason, exc.hint)
    except MemoryError:
        return Failure(item.source, "D125", f"{item.source}: ran out of memory while parsing", "memory",
                       "raise the memory limit (Limits.memory_mb) if the file is genuine, or split it")
    except RecursionError:
        return Failure(item.source, "D126", f"{item.source}: structure nested too deeply (recursion limit hit)",
                       "malformed", "repair or re-export the file")
    except Exception as exc:  # a reader bug must not take the batch down; keep it visible
        return Failure(item.source, "D109", f"{item.source}: unexpected {type(exc).__name__} while reading: {exc}",
                       "reader_error", "a reader bug in discourse: please report it with the file")
    finally:
        if use_alarm and previous is not None:
            signal.signal(signal.SIGALRM, previous)


def parse_many(items: list[tuple[SourceItem, str]], limits: Limits) -> list[Parsed | Failure]:
    """Worker task: parse several cheap items (one result per item, failures kept per file), then run the
    worker's :class:`~discourse.ingest.document.ParseHook` on the parsed texts, if it has one."""
    out = [parse_item(item, limits, raw) for item, raw in items]
    hook = _HOOK.get("hook")
    return run_hook(hook, out, _HOOK.get("language"), limits) if hook is not None else out


def parse_one(item: SourceItem, limits: Limits, raw_sha256: str) -> Parsed | Failure:
    """Worker task: one item (:func:`parse_many` of one)."""
    return parse_many([(item, raw_sha256)], limits)[0]


def run_hook(hook, outcomes: list, default_language: str | None, limits: Limits) -> list:
    """The outcomes with each parsed document's hook payload attached; a hook that fails leaves it None.

    The hook gets at most half the parent's grace period (``GRACE``) for the whole group, so that its work never
    makes a file time out (a document without a payload is simply done later by whoever needs it).
    """
    parsed = [(n, o) for n, o in enumerate(outcomes) if isinstance(o, Parsed)]
    if not parsed:
        return outcomes
    records = [(o.sha256[:16], o.meta.language or o.detected_language or default_language, o.text, o.page_starts)
               for _, o in parsed]
    seconds = min(float(limits.seconds) / 2, GRACE / 2) if limits.seconds and limits.seconds > 0 else GRACE / 2
    try:
        payloads = hook.work(records, seconds)
    except Exception:  # never a failed file because of the hook: the work is redone later
        return outcomes
    out = list(outcomes)
    for (n, o), payload in zip(parsed, payloads):
        if payload is not None:
            out[n] = dataclasses.replace(o, payload=payload)
    return out


def crash_failure(source: str, exc: BaseException, limits: Limits) -> Failure:
    """A :class:`Failure` for a task whose worker died or hung (reported by the pool)."""
    if isinstance(exc, concurrent.futures.TimeoutError):
        err = timeout_message(source, limits.seconds, None)
        return Failure(source, err.code, err.message, err.reason, err.hint)
    code = getattr(exc, "exitcode", None)
    if code is not None and code < 0:
        try:
            cause = f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            cause = f"killed by signal {-code}"
    elif code is not None:
        cause = f"exit status {code}"
    else:
        cause = f"{type(exc).__name__}: {exc}"
    if code == -signal.SIGKILL:
        cause += " (possibly out of memory)"
    return Failure(source, "D108", f"{source}: the parser process crashed ({cause})", "crash",
                   "the file is probably malformed: repair or re-export it; workers=0 shows the parser's own error")
