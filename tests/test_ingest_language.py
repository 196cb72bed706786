"""Language detection for files ingested without a language (ingest/language.py and its pipeline hook).

Every text here is illustrative, written for the tests."""

from __future__ import annotations

from discourse import Corpus
from discourse.ingest import ingest
from discourse.ingest.language import detect_language
from discourse.metadata import DocumentMeta

AZ = "Azərbaycan Respublikasının xarici siyasəti qonşularla sülh və əməkdaşlığa əsaslanır. Bu, nümunə mətndir."
RU = "Россия и её соседи развивают добрососедские отношения и сотрудничество в регионе. Это учебный пример."
EN = "The republic supports dialogue and cooperation with its neighbours in the region. An illustrative text."


def test_detect_language_exact():
    assert detect_language(AZ).language == "az" and detect_language(AZ).sure
    assert detect_language(RU).language == "ru" and detect_language(RU).sure
    assert detect_language(EN).language == "en" and detect_language(EN).sure
    short = detect_language("ok, 2015")
    assert short.language is None and not short.sure


def test_files_without_language_are_detected(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "az.txt").write_text(AZ, encoding="utf-8")
    (folder / "ru.txt").write_text(RU, encoding="utf-8")
    (folder / "en.txt").write_text(EN, encoding="utf-8")
    (folder / "tiny.txt").write_text("Sülh, 2015", encoding="utf-8")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = ingest(corpus, [folder], workers=1)  # detected inside the worker process
        assert report.counts()["added"] == 4
        got = {p.rsplit("/", 1)[-1]: (lang, flags) for p, lang, flags in
               corpus.documents()[["source_path", "language", "quality_flags"]].itertuples(index=False)}
    assert got == {"az.txt": ("az", ""), "ru.txt": ("ru", ""), "en.txt": ("en", ""),
                   "tiny.txt": ("en", "language_uncertain")}


def test_given_language_wins_and_detection_never_overwrites(tmp_path):
    (tmp_path / "a.txt").write_text(AZ, encoding="utf-8")
    (tmp_path / "b.txt").write_text(AZ, encoding="utf-8")  # same text from another path, later
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        ingest(corpus, [tmp_path / "a.txt"], meta=DocumentMeta(language="tr"), workers=0)
        report = ingest(corpus, [tmp_path / "b.txt"], workers=0)
        assert report.counts()["unchanged"] == 1
        assert corpus.documents()["language"].tolist() == ["tr"]


def test_a_stated_language_clears_the_doubt(tmp_path):
    (tmp_path / "tiny.txt").write_text("Sülh, 2015", encoding="utf-8")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        ingest(corpus, [tmp_path / "tiny.txt"], workers=0)
        assert corpus.documents()[["language", "quality_flags"]].values.tolist() == [["en", "language_uncertain"]]
        report = ingest(corpus, [tmp_path / "tiny.txt"], meta=DocumentMeta(language="az"), workers=0)
        assert report.counts()["updated"] == 1
        assert corpus.documents()[["language", "quality_flags"]].values.tolist() == [["az", ""]]
