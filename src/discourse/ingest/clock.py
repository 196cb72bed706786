"""The per-file time limit's shared state: the page a reader is on, and the one timeout error (D107).

Readers (``pdf``) note their page here; the worker pool (``pool``) reads it when the time limit fires. Both
import this module, so neither imports the other.
"""

from __future__ import annotations

from ..errors import IngestError

__all__ = ["note_page", "current_page", "reset_page", "timeout_message"]

_page: int | None = None


def note_page(page: int) -> None:
    """Tell the time-limit handler which page (1-based) the reader is on; cheap, callable from any reader."""
    global _page
    _page = page


def current_page() -> int | None:
    """The page last noted by the reader of the current file, or ``None``."""
    return _page


def reset_page() -> None:
    """Forget the page (a new file starts)."""
    global _page
    _page = None


def timeout_message(source: str, seconds: float, page: int | None) -> IngestError:
    """The D107 error of a file over its time limit (``page``: where it was, if known)."""
    where = f" at page {page}" if page else ""
    return IngestError(
        "D107", f"{source}: timed out after {seconds:g} s{where}",
        hint="the file is pathological or very large; raise the time limit (Limits.seconds) if it is genuine",
        reason="timeout",
    )
