"""One record of how an output was made, for every output: CSV/Parquet sidecars, ``report.json`` and the
report's Methods section.

:func:`provenance` builds it from the lexicon, the documents behind the output and the parameters:

``discourse_version``  the package version
``library_versions``   versions of the libraries that shape the numbers (spaCy, pandas, numpy, ...)
``rule_versions``      every versioned rule name: ``scoring`` (:data:`SCORING_RULES`) and the matcher's rules
                       (``lexicon.rules``: match, sentences, negation, target, lemma, ...)
``lexicon_hash``       the lexicon's content hash, and ``lexicon``: its name, path and target power
``corpus_snapshot``    the documents' ids and text hashes with a digest over them
``parameters``         every parameter of the output

Registering a new rule (such as ``stance-v1``): add it to :data:`discourse.lexicon.RULES` (the matcher's rules,
which every entry hash includes, so matches made under an older rule are redone); it then appears in every
output through :func:`rule_versions`, and ``tests/test_provenance.py`` checks that it does. A rule of the
scoring stage gets its constant here beside :data:`SCORING_RULES` and a line in :func:`rule_versions`.
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any, Iterable

from ._version import __version__
from .lexicon import RULES
from .tables import corpus_snapshot

__all__ = ["SCORING_RULES", "LIBRARIES", "provenance", "rule_versions", "library_versions", "corpus_snapshot"]

#: Version of the counting and scoring rules (``docs/scoring.md``).
SCORING_RULES = "score-v2"  # v2: each stance (stance-v1) counts by its entry's on_reject/on_question/... rule

#: Distributions whose versions are recorded: those that read the texts or compute the numbers.
LIBRARIES = ("spacy", "spacy-lookups-data", "pymorphy3", "pdfplumber", "pdfminer.six", "trafilatura", "pandas",
             "numpy", "scipy", "scikit-learn", "PyYAML", "regex")


def rule_versions(lexicon=None) -> dict[str, str]:
    """Every versioned rule name behind a result: scoring plus the lexicon's matcher rules (or the current ones).

    >>> v = rule_versions()
    >>> v["scoring"], v["negation"] == RULES["negation"]
    ('score-v2', True)
    """
    rules = getattr(lexicon, "rules", None) or RULES
    return {"scoring": SCORING_RULES, **{str(k): str(v) for k, v in dict(rules).items()}}


def library_versions() -> dict[str, str | None]:
    """Python's version and each of :data:`LIBRARIES`' installed versions (``None`` when not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def provenance(*, lexicon=None, documents=None, parameters: dict[str, Any] | None = None,
               with_rules: bool | None = None) -> dict[str, Any]:
    """The provenance record of one output (see the module docstring for its keys).

    ``documents`` is a frame with ``id`` and ``sha256`` columns (or ``None``); ``with_rules`` (default: when a
    lexicon is given) says whether the output depends on matching and scoring, so records ``rule_versions``.
    """
    snapshot = None
    if documents is not None and "sha256" in getattr(documents, "columns", ()):
        snapshot = corpus_snapshot(zip(documents["id"], documents["sha256"]))
    record: dict[str, Any] = {
        "discourse_version": __version__,
        "library_versions": library_versions(),
        "lexicon_hash": getattr(lexicon, "hash", None),
        "lexicon": None if lexicon is None else {"name": getattr(lexicon, "name", None),
                                                 "path": str(getattr(lexicon, "path", "") or "") or None,
                                                 "target": getattr(lexicon, "target", None)},
        "corpus_snapshot": snapshot,
        "parameters": dict(parameters or {}),
    }
    if with_rules or (with_rules is None and lexicon is not None):
        record["rule_versions"] = rule_versions(lexicon)
    return record
