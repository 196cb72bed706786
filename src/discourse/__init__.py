"""discourse: measure the foreign-policy orientation of states from their official texts.

Data flows one way: ingest -> store -> match -> score/timeline -> indicators/panel -> export/report.
The names below are the public surface; each CLI command has a Python twin here:

==========================  =====================================================
``discourse ingest``        :meth:`Corpus.ingest` / :func:`discourse.ingest.ingest`
``discourse docs list``     :meth:`Corpus.documents`
``discourse kwic``          :func:`kwic`
``discourse timeline``      :func:`discourse.timeline.timeline`
``discourse search``        :func:`search`
``discourse match``         :func:`match_corpus`
``discourse export scores`` :func:`period_scores`, :func:`document_scores`
``discourse panel``         :func:`discourse.panel.panel`
``discourse report``        :func:`build_report`
==========================  =====================================================

Heavy modules (spaCy, matplotlib) load only when one of their names is first used. ``timeline`` and
``panel`` are modules of the package, so their functions are reached as ``discourse.timeline.timeline`` and
``discourse.panel.panel`` (a same-named function here would be shadowed by the module on import).
"""

from __future__ import annotations

import importlib

from ._version import __version__
from .errors import DiscourseError

_LAZY = {
    "Corpus": "discourse.corpus",  # lazy too: `import discourse` stays light (Ctrl-C at start-up is caught)
    "load_lexicon": "discourse.lexicon",
    "match_corpus": "discourse.match",
    "hits": "discourse.match",
    "kwic": "discourse.match",
    "search": "discourse.match",
    "document_scores": "discourse.score",
    "period_scores": "discourse.score",
    "build_report": "discourse.report",
}

__all__ = ["DiscourseError", "__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'discourse' has no attribute {name!r}")
