"""Russian lemmas from pymorphy3 (pymorphy3-v1): the ru pipeline and lemma patterns. Illustrative sentences."""

from __future__ import annotations

from discourse.lexicon import load_lexicon
from discourse.match import match_text
from discourse.morph import ru_forms, ru_inflect, ru_lemma, ru_stem
from discourse.nlp import forms_of, get_pipeline


def test_pipeline_lemmatizes_with_pymorphy3():
    pipe = get_pipeline("ru")
    assert pipe.key.endswith("+pymorphy3-v1")
    toks = pipe.tokenize("Содружества Независимых Государств и оккупированные территории")
    assert toks.lemmas == ["содружество", "независимый", "государство", "и", "оккупировать", "территория"]


def test_forms_are_the_lexeme():
    assert forms_of("ru", "союз") == ru_forms("союз")
    assert {"союза", "союзом", "союзах"} <= ru_forms("союз")
    assert ru_lemma("партнёрства") == "партнерство"  # ё folded


def test_lemma_patterns_find_every_case():
    lex = load_lexicon()
    for case in ("nomn", "gent", "datv", "accs", "ablt", "loct"):
        phrase = ru_inflect("Евразийский экономический союз", case)
        hits = match_text(f"Речь шла о том, что {phrase} расширяется.", "ru", lex)
        assert [h.entry_id for h in hits] == ["eurasian_economic_union"], (case, phrase)


def test_lemmas_are_more_precise_than_stems():
    lex = load_lexicon()
    assert match_text("Агрессивная реклама запрещена законом.", "ru", lex) == []
    assert [h.entry_id for h in match_text("Мы осуждаем агрессию.", "ru", lex)] == ["target_aggression"]


def test_stems_for_measurement():
    assert ru_stem("интеграция") == "интеграци"
    assert ru_stem("независимый") == "независим"  # superlatives (наи-...) left out


def test_missing_pymorphy3_is_d343(monkeypatch):
    import sys

    import pytest

    from discourse.errors import LexiconError
    from discourse.morph import ru_analyzer

    ru_analyzer.cache_clear()
    monkeypatch.setitem(sys.modules, "pymorphy3", None)  # import pymorphy3 now raises ImportError
    try:
        with pytest.raises(LexiconError) as err:
            ru_analyzer()
        assert err.value.code == "D343" and "pymorphy3" in str(err.value) and "pip install" in err.value.hint
    finally:
        monkeypatch.undo()
        ru_analyzer.cache_clear()
    assert ru_analyzer() is not None
