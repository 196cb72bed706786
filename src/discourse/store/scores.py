"""Tables for scores (owned by the scores stage; DDL filled in by it)."""

from __future__ import annotations

__all__ = ["DDL"]

DDL = ""
