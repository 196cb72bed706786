"""The one error hierarchy of discourse.

Every error a user can fix is a :class:`DiscourseError` with a stable code, a message that names the
offending file, row, line or value, and a hint that says how to fix it. The CLI catches only these and
prints ``Error [D203]: message`` followed by the hint; any other exception is a bug and keeps its traceback.

Code ranges (one per stage, so a code tells where it came from):

======  =====================  =================================
range   class                  stage
======  =====================  =================================
D0xx    ConfigError            settings, options, environment
D1xx    IngestError            reading and parsing input files
D2xx    StoreError             the SQLite store
D3xx    LexiconError           lexicons, gazetteers, matching
D4xx    ScoreError             scores, timelines, exports
D5xx    IndicatorError         indicators and the panel
D6xx    ReportError            the HTML report and figures
D70x-   ValidationError        coding samples, codes, validation
D74x
D75x-   ScalingError           scaling models (LSS, Wordscores,
D79x                           Wordfish) and their features
D80x-   FetchError             fetching pages and feeds from the
D84x                           web
D85x-   ExploreError           the local explorer web app
D86x
D87x-   EngineError            Parquet exchange and the Dask
D89x                           engine
======  =====================  =================================
"""

from __future__ import annotations

__all__ = [
    "DiscourseError",
    "ConfigError",
    "IngestError",
    "StoreError",
    "LexiconError",
    "ScoreError",
    "IndicatorError",
    "ReportError",
    "ValidationError",
    "ScalingError",
    "FetchError",
    "ExploreError",
    "EngineError",
]


class DiscourseError(Exception):
    """Base class of every error a user can act on.

    Parameters
    ----------
    code:
        Stable identifier such as ``"D203"``; catalogued with its class and hint in
        :mod:`discourse.error_catalogue` (how to add a code is said there) and listed in ``docs/errors.md``.
    message:
        What happened, naming the file, row, line or value concerned.
    hint:
        How to fix it, or ``None``.
    """

    code_prefix = "D"

    def __init__(self, code: str, message: str, hint: str | None = None):
        self.code = code
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:  # pragma: no cover - trivial
        text = f"[{self.code}] {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def __reduce__(self):
        # Keep errors picklable across worker processes.
        return (self.__class__, (self.code, self.message, self.hint))


class ConfigError(DiscourseError):
    """A setting, option or environment variable is invalid (D0xx)."""


class IngestError(DiscourseError):
    """An input file cannot be read or is refused (D1xx).

    ``reason`` is a short machine-readable cause (``"not_pdf"``, ``"encrypted"``, ``"no_text_layer"``,
    ``"timeout"``, ...), used in batch summaries and ``docs/reliability.md``.
    """

    def __init__(self, code: str, message: str, hint: str | None = None, reason: str | None = None):
        self.reason = reason or code
        super().__init__(code, message, hint)

    def __reduce__(self):
        return (self.__class__, (self.code, self.message, self.hint, self.reason))


class StoreError(DiscourseError):
    """The store cannot be opened, migrated or written (D2xx)."""


class LexiconError(DiscourseError):
    """A lexicon or gazetteer is invalid, or a term is unknown (D3xx)."""


class ScoreError(DiscourseError):
    """Scores, timelines or exports cannot be computed as asked (D4xx)."""


class IndicatorError(DiscourseError):
    """An indicator file or panel request is invalid (D5xx)."""


class ReportError(DiscourseError):
    """The report cannot be built (D6xx)."""


class ValidationError(DiscourseError):
    """A coding sample, a coded file or a validation report is invalid (D700-D749)."""


class ScalingError(DiscourseError):
    """A scaling model cannot be fitted or applied as asked (D750-D799)."""


class FetchError(DiscourseError):
    """A page or feed cannot be fetched or is refused (D800-D849)."""


class ExploreError(DiscourseError):
    """The explorer cannot serve a request as asked (D850-D869)."""


class EngineError(DiscourseError):
    """The Parquet exchange or the Dask engine cannot run as asked (D870-D899)."""
