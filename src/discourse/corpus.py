"""The :class:`Corpus`: the Python entry point over one store.

>>> from discourse import Corpus
>>> corpus = Corpus.open(":memory:")
>>> corpus.documents().shape[0]
0
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StoreError
from .store import Store
from .store import documents as _docs

if TYPE_CHECKING:  # annotations only: pandas itself is imported where a frame is built
    import pandas as pd

__all__ = ["Corpus"]


class Corpus:
    """A collection of stored documents and everything derived from them.

    Open with :meth:`open`; the path defaults to ``$DISCOURSE_DB`` or ``corpus/discourse.sqlite``.
    """

    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = True, readonly: bool = False) -> "Corpus":
        """Open the store at ``path``; ``readonly=True`` opens it with SQLite's ``mode=ro`` and never migrates."""
        return cls(Store.open(path, create=create, readonly=readonly))

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- ingestion ---------------------------------------------------------------------------------------
    def ingest(self, paths, **options):
        """Ingest files or folders; see :func:`discourse.ingest.ingest` for the options and the report."""
        from .ingest import ingest  # deferred: the ingest stack (pandas, readers) loads only to ingest

        return ingest(self, paths, **options)

    # -- reading -----------------------------------------------------------------------------------------
    def documents(
        self,
        *,
        doc_type=None,
        country=None,
        year_from: int | None = None,
        year_to: int | None = None,
        language: str | None = None,
        post_category: str | None = None,
        ids=None,
    ) -> pd.DataFrame:
        """Stored documents (metadata only) as a DataFrame, filtered and ordered by year, date, country."""
        with self.store.read() as conn:
            cols, rows = _docs.query_documents(
                conn, doc_type=doc_type, country=country, year_from=year_from, year_to=year_to,
                language=language, post_category=post_category, ids=ids,
            )
        import pandas as pd  # deferred: heavy, and `import discourse.cli` must stay light

        frame = pd.DataFrame.from_records(rows, columns=cols)
        for col in ("year", "session"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def document(self, doc_id: str) -> dict:
        """One document's record with its page boundaries; a unique id prefix is accepted."""
        with self.store.read() as conn:
            record = _docs.get_document(conn, doc_id)
            if record is None:
                raise StoreError("D210", f"no document with id {doc_id!r}", hint="list ids with `discourse docs list`")
            record["page_starts"] = _docs.page_starts(conn, record["id"])
        return record

    def text(self, doc_id: str) -> str:
        """The stored (normalized, immutable) text of a document."""
        record = self.document(doc_id)
        with self.store.read() as conn:
            return _docs.document_text(conn, record["id"])

    def __len__(self) -> int:
        return _docs.count_documents(self.store.conn)
