"""Defaults and vocabularies of the library's options, in a module without heavy imports.

The command line shows them in ``--help`` (defaults, choices) without importing the modules that use them
(pandas, scipy), so ``import discourse.cli`` and ``discourse --help`` stay fast. The modules that use them import
them from here, so each value is written once.
"""

from __future__ import annotations

__all__ = ["DEFAULT_SEED", "DEFAULT_REPLICATES", "DEFAULT_LEVEL", "DEFAULT_MIN_HITS", "COMPOSITE_METHODS",
           "ISSUE_CODES", "ROLLCALL_CONVENTIONS"]

# -- scores (discourse.score) --------------------------------------------------------------------------------
DEFAULT_SEED = 20240924
DEFAULT_REPLICATES = 1000
DEFAULT_LEVEL = 0.95
DEFAULT_MIN_HITS = 5

# -- the panel (discourse.panel) -----------------------------------------------------------------------------
COMPOSITE_METHODS = ("pca", "mean")

# -- UN roll-call votes (discourse.indicators) ---------------------------------------------------------------
ISSUE_CODES: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}
"""Topic codes of the roll-call issues table (option ``exclude_issues``)."""

ROLLCALL_CONVENTIONS: dict[str, str] = {
    "identical": "agreement = roll calls with identical votes (yes-yes, no-no, abstain-abstain) / roll calls both "
                 "voted on",
    "half": "as identical, but one abstaining while the other votes yes or no counts 0.5 (Lijphart's index of "
            "agreement)",
    "yesno": "only roll calls where both voted yes or no; agreement = identical / those roll calls",
}
"""How votes count toward agreement (option ``convention``)."""
