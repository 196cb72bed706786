"""discourse: measure the foreign-policy orientation of states from their official texts.

Data flows one way: ingest -> store -> match -> score/timeline -> indicators/panel -> export/report.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .corpus import Corpus
from .errors import DiscourseError

__all__ = ["Corpus", "DiscourseError", "__version__"]
