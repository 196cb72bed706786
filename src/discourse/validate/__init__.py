"""Validate the lexicon by hand coding: draw a sample, read the codes back, report (``docs/validate.md``).

>>> from discourse import Corpus
>>> from discourse.validate import report
>>> result = report(Corpus.open(":memory:"))
>>> result["precision"].columns.tolist()[:4]
['entry_id', 'label', 'category', 'n_hits']
"""

from __future__ import annotations

from .codes import codes_frame, import_codes
from .coding import COLUMNS, STANCE_VALUES
from .report import ValidationReport, report
from .sample import sample

__all__ = ["sample", "import_codes", "report", "codes_frame", "ValidationReport", "COLUMNS", "STANCE_VALUES"]
