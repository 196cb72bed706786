"""A small store built directly (no parser process), shared by the reliability and fuzz tests.

Texts are constructed for these tests (illustrative, not quotations).
"""

from __future__ import annotations

from pathlib import Path

from discourse import Corpus
from discourse.normalize import count_words, normalize_text, text_sha256
from discourse.store.documents import upsert_document

TEXTS = [
    ("Our country chose Euro-Atlantic integration as a strategic goal. Strategic partnership with the Russian "
     "Federation deepens.", "2008-09-25", "AZE", "en", "=HYPERLINK(\"http://x\")"),
    ("The Euroatlantic course stays. We do not need integration with anyone; the Non-Aligned Movement matters.",
     "2015-09-30", "AZE", "en", "+SUM(A1)"),
    ("Biz AVROATLANTİK İNTEQRASİYA yolunu seçdik. Qoşulmama Hərəkatı vacibdir.", "2019-10-25", "AZE", "az",
     "-cmd"),
    ("Мы ещё раз подтверждаем стратегическое партнёрство с Российской Федерацией.", "2012-05-02", "AZE", "ru",
     "@title"),
]


def add(corpus, text, *, date, country="AZE", language="en", title=None, doc_type="speech"):
    text = normalize_text(text)
    record = {"sha256": text_sha256(text), "date": date, "year": int(date[:4]), "country": country,
              "doc_type": doc_type, "language": language, "title": title, "extractor": "test",
              "extractor_version": "1", "pages": 1, "chars": len(text), "words": count_words(text), "sentences": 1}
    with corpus.store.write() as conn:
        return upsert_document(conn, record, text, [0])[0]


def build(path: Path, texts=TEXTS) -> list[str]:
    """Create a store at ``path`` holding ``texts``; return the document ids."""
    with Corpus.open(path) as corpus:
        return [add(corpus, t, date=d, country=c, language=lang, title=title) for t, d, c, lang, title in texts]
