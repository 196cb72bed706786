"""`docs show` / Corpus.document with id prefixes: an ambiguous prefix is its own error, wildcards are literal."""

from __future__ import annotations

import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.errors import StoreError
from discourse.ingest import ingest


@pytest.fixture()
def store_with_docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(40):  # 40 random-looking ids: some share their first hex digit
        (folder / f"AZE_{i + 40}_{1980 + i}.txt").write_text(f"Illustrative statement number {i}.", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    with Corpus.open(db) as corpus:
        ingest(corpus, [folder], workers=0)
        ids = sorted(corpus.documents().id)
    return db, ids


def test_store_document_ambiguous_prefix_is_d212(store_with_docs, capsys):
    db, ids = store_with_docs
    first = ids[0][0]
    sharing = [i for i in ids if i.startswith(first)]
    assert len(sharing) >= 2
    with Corpus.open(db) as corpus:
        with pytest.raises(StoreError) as info:
            corpus.document(first)
        assert info.value.code == "D212"
        assert info.value.message == (f"document id {first!r} is the start of several ids ({sharing[0]}, "
                                      f"{sharing[1]}, ...)")
        assert corpus.document(ids[0])["id"] == ids[0]
    assert main(["docs", "show", first, "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error [D212]: document id {first!r} is the start of several ids")
    assert "hint: give more characters of the id shown by `discourse docs list`" in err


@pytest.mark.parametrize("pattern", ["%", "_", "_" * 16])
def test_store_document_like_wildcards_are_literal(store_with_docs, pattern):
    db, _ = store_with_docs
    with Corpus.open(db) as corpus:
        with pytest.raises(StoreError) as info:
            corpus.document(pattern)
        assert info.value.code == "D210"
        assert info.value.message == f"no document with id {pattern!r}"


def test_store_document_wildcard_does_not_pick_the_only_document(tmp_path):
    (tmp_path / "AZE_74_2019.txt").write_text("Illustrative statement.", encoding="utf-8")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        ingest(corpus, [tmp_path / "AZE_74_2019.txt"], workers=0)
        with pytest.raises(StoreError) as info:
            corpus.document("%")
        assert (info.value.code, info.value.message) == ("D210", "no document with id '%'")
