"""Language of a document whose file, name, manifest and flags say nothing about it.

The pipeline calls :func:`detect_language` on every parsed text that has no language from any metadata layer
(the file itself, its name, the manifest, the command line, a feed). The detector (lingua-language-detector)
is restricted to the languages discourse analyses (English, Azerbaijani, Russian) and a few it could confuse
them with (Turkish, Ukrainian, Belarusian, Kazakh), so that an Azerbaijani text is not called Turkish for lack
of a better candidate, and a Turkish one is not forced into Azerbaijani. It is built once per process, on first
use (model loading takes about 0.4 s per script).

A detected language is a *default*: it fills the gap when a document is first stored and never overwrites a
stored value. When the detector is unsure (the best language's confidence is under :data:`MIN_CONFIDENCE`, or
the text has fewer than :data:`MIN_LETTERS` letters), the document gets the quality flag
``language_uncertain``; with too few letters no guess is made and the pipeline's default (``en``) applies.

Error code D194 (:class:`~discourse.errors.IngestError`): the detector cannot be loaded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..errors import IngestError

__all__ = ["Detection", "detect_language", "DETECTED_LANGUAGES", "MIN_CONFIDENCE", "MIN_LETTERS", "UNCERTAIN"]

#: ISO 639-1 codes the detector chooses among: the project's languages first, then confusable ones.
DETECTED_LANGUAGES = ("en", "az", "ru", "tr", "uk", "be", "kk")
#: Below this confidence (0-1) of the best language the detection is flagged as unsure.
MIN_CONFIDENCE = 0.75
#: Fewer letters than this: no guess at all (flagged).
MIN_LETTERS = 10
#: The quality flag of an unsure detection.
UNCERTAIN = "language_uncertain"
# Characters sampled from a long text (three slices: start, middle, end): enough for a sure answer, and the
# time stays a few milliseconds whatever the document's length.
SAMPLE_CHARS = 15_000

_detector = None
_lock = threading.Lock()


@dataclass(frozen=True)
class Detection:
    """The outcome: ``language`` (ISO 639-1, or None when no guess was made), its ``confidence`` (0-1) and
    whether it is ``sure``."""

    language: str | None
    confidence: float
    sure: bool


def _build():
    global _detector
    with _lock:
        if _detector is None:
            try:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                             for code in DETECTED_LANGUAGES]
                _detector = LanguageDetectorBuilder.from_languages(*languages).build()
            except Exception as exc:  # missing wheel, broken install
                raise IngestError(
                    "D194", f"the language detector (lingua-language-detector) cannot be loaded: "
                    f"{type(exc).__name__}: {exc}",
                    hint="install it (`pip install lingua-language-detector`) or give every document a language "
                    "(the language field of the metadata)", reason="language_detector") from None
    return _detector


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    third = SAMPLE_CHARS // 3
    middle = len(text) // 2 - third // 2
    return "\n".join((text[:third], text[middle:middle + third], text[-third:]))


def detect_language(text: str) -> Detection:
    """Detect the language of ``text`` among :data:`DETECTED_LANGUAGES`.

    >>> d = detect_language("The government of the republic supports dialogue and cooperation in the region.")
    >>> d.language, d.sure
    ('en', True)
    >>> detect_language("ok 12").language is None
    True
    """
    sample = _sample(text)
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < MIN_LETTERS:
        return Detection(None, 0.0, False)
    values = _build().compute_language_confidence_values(sample)
    if not values:
        return Detection(None, 0.0, False)
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    return Detection(code, float(best.value), float(best.value) >= MIN_CONFIDENCE)
