"""Issue 12, "Silently wrong answers": one normalization for the matcher, the free-phrase search (FTS5
prefilter), KWIC and timelines of free phrases. A phrase found by one is found by the others (property tests
on generated texts with case, ё/е, İ/ı/i, hyphen and space variants)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse import Corpus
from discourse.lexicon import load_lexicon
from discourse.match import kwic, match_text, search
from discourse.timeline import timeline

from _small_store import add

ROOT = Path(__file__).resolve().parents[1]
PHRASES = ["Euro-Atlantic", "Euro Atlantic", "Euroatlantic", "ещё раз", "еще", "İnteqrasiya", "inteqrasiya",
           "INTEQRASIYA", "ınteqrasıya", "Партнёрство", "NATO-led"]
# Words and joins a text is built from: the same words in other cases and spellings, glued by the variants
# of a space or a hyphen (including a line break after a hyphen, a non-breaking hyphen and a soft hyphen).
WORDS = ["Euro", "EURO", "euro", "Atlantic", "atlantic", "ATLANTİC", "Euroatlantic", "EUROATLANTIC", "ещё", "еще",
         "ЕЩЁ", "Еще", "раз", "РАЗ", "İnteqrasiya", "İNTEQRASİYA", "inteqrasıya", "INTEQRASIYA", "Inteqrasiya",
         "партнерство", "ПАРТНЁРСТВО", "Партнёрство", "NATO", "led", "Led", "plain", "words", "and"]
JOINS = [" ", "  ", "-", " - ", "-\n", "\u2011", "\u00ad", "\n", ", ", ". ", ""]


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lex")
    entries = "".join(
        f"  - id: p{i}\n    label: Phrase {i}\n    category: test\n    position: 0\n    weight: 1\n"
        f"    on_negation: keep\n    rationale: property test\n    patterns:\n      en: [{phrase!r}]\n"
        for i, phrase in enumerate(PHRASES))
    path = folder / "lex.yaml"
    path.write_text(f"name: props\nversion: 1\ntarget: russia\nactors: {ROOT / 'models/lexicons/actors.yaml'}\n"
                    f"entries:\n{entries}", encoding="utf-8")
    return load_lexicon(path)


texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(JOINS)), min_size=1, max_size=14).map(
    lambda parts: "".join(w + j for w, j in parts).strip() or "empty")


def _matcher_spans(text: str, lexicon, i: int) -> list[int]:
    entry = [e for e in lexicon.entries if e.id == f"p{i}"]
    return sorted(h.start for h in match_text(text, "en", lexicon, entries=entry))


@settings(max_examples=int(os.environ.get("DISCOURSE_PROPERTY_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=texts)
def test_search_kwic_and_timeline_find_what_the_matcher_finds(lexicon, body):
    from discourse.normalize import normalize_text

    text = normalize_text(body)
    with Corpus.open(":memory:") as corpus:
        add(corpus, text, date="2015-01-01")
        for i, phrase in enumerate(PHRASES):
            expected = _matcher_spans(text, lexicon, i)
            found = search(corpus, phrase, window=0)
            assert sorted(found["start"].tolist()) == expected, (phrase, text)
            assert sorted(kwic(corpus, phrase, lexicon, window=0, phrases=True)["start"].tolist()) == expected
            counts = timeline(corpus, [phrase], lexicon, workers=1)
            assert int(counts["count"].sum()) == len(expected), (phrase, text)


@pytest.mark.parametrize("phrase,text", [
    ("Euro-Atlantic", "The Euroatlantic course stays."),
    ("ещё", "Мы еще раз подтверждаем."),
    ("еще", "Мы ещё раз подтверждаем."),
    ("İnteqrasiya", "AVROATLANTİK İNTEQRASİYA yolu."),
    ("inteqrasiya", "Avroatlantik ınteqrasıya yolu."),
    ("Euroatlantic", "Партнёрство Euro-\natlantic"),  # found by the property test: a line-end hyphen
])
def test_issue_examples_are_found_by_search(phrase, text):
    with Corpus.open(":memory:") as corpus:
        add(corpus, text, date="2015-01-01")
        assert len(search(corpus, phrase)) == 1


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet="eеёiıİIEЁ", min_size=1, max_size=12))
def test_fts_query_spells_every_folded_variant(word):
    import sqlite3

    from discourse.normalize import fold, fts_query

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize=\"unicode61 remove_diacritics 0\")")
    conn.execute("INSERT INTO f VALUES (?)", (word,))
    # every spelling that folds like `word` is found by the query built from any of them
    query = fts_query(fold(word))
    assert query is not None
    assert conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", (query,)).fetchone()[0] == 1
