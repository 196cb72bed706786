"""Where fitted scaling models live: model kinds and names, the models folder, columns, version and time stamps."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
import numpy as np

from ..errors import ScalingError


KINDS = ("lss", "wordscores", "wordfish")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
WORDFISH_MAX_CELLS = 60_000_000  # dense documents x features cells Wordfish may hold (8 bytes each)
DOCUMENT_COLUMNS = ["id", "date", "year", "country", "doc_type", "language", "score", "se", "ci_low", "ci_high",
                    "n_words_scored"]
YEAR_COLUMNS = ["year", "score", "se", "ci_low", "ci_high", "n_docs", "n_docs_scored", "n_words_scored"]


def models_dir(corpus) -> Path:
    from .features import cache_dir

    folder = cache_dir(corpus)
    if folder is None:
        raise ScalingError("D769", "an in-memory store cannot keep fitted models",
                           hint="open a store file, not ':memory:'")
    return folder / "models"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ScalingError("D769", f"model name {name!r} is not usable as a file name",
                           hint="use letters, digits, '.', '_' or '-' (at most 64), e.g. orient")
    return name


def _versions() -> dict:
    import scipy
    import sklearn

    from .. import __version__

    return {"discourse": __version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__}


def _now() -> str:
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit()
           else _dt.datetime.now(_dt.timezone.utc))
    return now.replace(microsecond=0).isoformat()
