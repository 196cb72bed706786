"""Tables for indicators (owned by the indicators stage; DDL filled in by it)."""

from __future__ import annotations

__all__ = ["DDL"]

DDL = ""
