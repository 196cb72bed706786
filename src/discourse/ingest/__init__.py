"""Ingestion: files, folders and archive members in; whole documents with metadata in the store.

>>> from discourse.ingest import ingest, ingest_items, IngestReport, Limits, SourceItem
"""

from __future__ import annotations

from .document import DocumentText, Limits, SourceItem
from .pipeline import DEFAULTS, IngestReport, ingest, ingest_items

__all__ = ["ingest", "ingest_items", "IngestReport", "Limits", "SourceItem", "DocumentText", "DEFAULTS"]
