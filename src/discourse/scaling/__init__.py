"""Scaling models that read every word: Latent Semantic Scaling, Wordscores and Wordfish.

The estimators follow scikit-learn's contract (parameters in ``__init__``, ``fit`` returns the estimator,
learned attributes end in ``_``, ``predict(X, se_fit=True)`` returns fit, standard error and words scored).
Formulas and worked examples: ``docs/scaling.md``. Importing this package imports scikit-learn and SciPy, so
the CLI imports it only inside the commands that scale.
"""

from __future__ import annotations

from ._base import Prediction
from .lss import LatentSemanticScaling
from .wordfish import Wordfish
from .wordscores import Wordscores

__all__ = ["Prediction", "LatentSemanticScaling", "Wordscores", "Wordfish"]
