"""Matching rules on hand-written sentences (illustrative text written for these tests) in en, az and ru."""

from __future__ import annotations

import pytest

from discourse.lexicon import load_lexicon
from discourse.match import match_text


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def found(text, lang, lex):
    return [(h.entry_id, h.surface) for h in match_text(text, lang, lex)]


def one(text, lang, lex, entry_id):
    hits = [h for h in match_text(text, lang, lex) if h.entry_id == entry_id]
    assert len(hits) == 1, [(h.entry_id, h.surface) for h in match_text(text, lang, lex)]
    return hits[0]


# -- forms ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("surface", ["Euro-Atlantic integration", "Euroatlantic integration", "Euro Atlantic integration",
                                     "EURO-ATLANTIC INTEGRATION", "euro-atlantic integration", "Euro- Atlantic integration",
                                     "Euro-\nAtlantic integration", "Euro-Atlantic\nintegration"])
def test_euro_atlantic_variants_en(lex, surface):
    assert found(f"Our course is {surface} of the country.", "en", lex) == [("euro_atlantic_integration", surface)]


@pytest.mark.parametrize("word", ["integrate", "integration", "integrating", "integrated", "Integration", "INTEGRATION"])
def test_integration_forms_en(lex, word):
    assert found(f"We {word} with the European Union.", "en", lex) == [("integration", word)]


def test_word_broken_at_line_end_is_found_with_offsets_into_stored_text(lex):
    text = "Deeper inte-\ngration with NATO."
    hit = one(text, "en", lex, "integration")
    assert (hit.surface, text[hit.start:hit.end]) == ("inte-\ngration", "inte-\ngration")
    assert (hit.target, hit.target_group) == ("nato", "west")


@pytest.mark.parametrize("word", ["inteqrasiya", "inteqrasiyası", "inteqrasiyaya", "İnteqrasiyanın", "İNTEQRASİYA"])
def test_integration_forms_az(lex, word):
    assert found(f"Avropa İttifaqı ilə {word} vacibdir.", "az", lex) == [("integration", word)]


@pytest.mark.parametrize("word", ["интеграция", "интеграции", "интеграцию", "Интеграцией", "ИНТЕГРАЦИЯ"])
def test_integration_forms_ru(lex, word):
    assert found(f"Для нас {word} с Россией важна.", "ru", lex) == [("integration", word)]


def test_possessives_and_hyphenated_compounds_count(lex):
    text = "Russia's strategic partnership matters. NATO's Partnership for Peace helps. The EU-Azerbaijan summit."
    hits = match_text(text, "en", lex)
    assert [(h.entry_id, h.target) for h in hits] == [("strategic_partnership", "russia"), ("nato_partnership", "nato")]
    # actors: possessive and compound forms are recognised as targets
    hit = one("We value the EU-Azerbaijan strategic partnership.", "en", lex, "strategic_partnership")
    assert (hit.target, hit.target_group) == ("european_union", "west")


def test_case_sensitive_acronym_is_not_a_pronoun(lex):
    assert one("A strategic partnership with us is possible.", "en", lex, "strategic_partnership").target is None
    assert one("A strategic partnership with the US is possible.", "en", lex, "strategic_partnership").target == "united_states"


def test_lemma_mode_confirms_with_spacy_lemmas(lex):
    # allied_relations has {lemma: ally}: ally, allies, allied; not "alley" or "all"
    assert found("Our allies agree. An ally helps. All of them walk the alley.", "en", lex) == [
        ("allied_relations", "allies"), ("allied_relations", "ally")]
    assert found("Наши союзники и союзника поддержали.", "ru", lex) == [
        ("allied_relations", "союзники"), ("allied_relations", "союзника")]


# -- overlaps -----------------------------------------------------------------------------------------------------
def test_overlapping_entries_longest_wins(lex):
    assert found("Euro-Atlantic integration remains our goal.", "en", lex) == [("euro_atlantic_integration", "Euro-Atlantic integration")]
    assert found("The Non-Aligned Movement met; non-aligned states spoke.", "en", lex) == [
        ("non_aligned_movement", "Non-Aligned Movement"), ("non_alignment", "non-aligned")]
    assert found("Azərbaycan Avroatlantik inteqrasiyaya can atır.", "az", lex) == [("euro_atlantic_integration", "Avroatlantik inteqrasiyaya")]
    assert found("Курс на евроатлантическую интеграцию.", "ru", lex) == [("euro_atlantic_integration", "евроатлантическую интеграцию")]


# -- negation ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,cue", [
    ("We do not have to integrate anywhere.", "not"),
    ("There is no need for integration.", "no need"),
    ("We don't seek integration.", "n't"),
    ("We chose balance rather than integration.", "rather than"),
    ("Integration is never an option for us.", "never"),
])
def test_negation_in_clause_en(lex, text, cue):
    hit = one(text, "en", lex, "integration")
    assert (hit.negated, hit.negation_cue) == (True, cue)


@pytest.mark.parametrize("text", [
    "We do not doubt it, integration is our choice.",
    "We have never hesitated; integration is our choice.",
    "This is not a secret. Integration is our choice.",
    "Not only integration but trade matters.",
    "There is no doubt that integration helps.",
])
def test_negation_outside_the_clause_does_not_count_en(lex, text):
    assert one(text, "en", lex, "integration").negated is False


def test_negation_az(lex):
    assert one("Bizim üçün inteqrasiya məqsəd deyil.", "az", lex, "integration").negation_cue == "deyil"
    assert one("Biz heç yerə inteqrasiya etmirik.", "az", lex, "integration").negated is True
    assert one("Biz inteqrasiya etmirik.", "az", lex, "integration").negation_cue == "etmirik"
    assert one("Biz inteqrasiyanı dəstəkləyirik.", "az", lex, "integration").negated is False
    assert one("Bu sirr deyil, amma inteqrasiya bizim seçimimizdir.", "az", lex, "integration").negated is False
    # "nə" negates only as the correlative "nə ... nə (də)"; alone it asks "what" / "how much"
    assert one("İnteqrasiya bizim üçün nə deməkdir?", "az", lex, "integration").negated is False
    assert one("Biz inteqrasiyanı nə qədər sürətləndirə bilərik?", "az", lex, "integration").negated is False
    assert one("Bizim üçün nə inteqrasiya, nə də neytrallıq prioritetdir.", "az", lex,
               "integration").negation_cue == "nə"


def test_negation_ru(lex):
    assert one("Мы не стремимся к интеграции.", "ru", lex, "integration").negation_cue == "не"
    assert one("Развитие без интеграции невозможно.", "ru", lex, "integration").negation_cue == "без"
    # a preposition negates what follows it: "integration without Russia" is integration, with Russia
    assert one("Интеграция без России невозможна.", "ru", lex, "integration").negated is False
    assert one("Это не секрет, интеграция важна.", "ru", lex, "integration").negated is False
    assert one("Не только интеграция важна.", "ru", lex, "integration").negated is False


def test_russian_language_az_is_not_rusiya_plus_any_dil_word(lex):
    text = "Rusiya Dilijanda deyil. Rusiya diləyir. Rus dili, rus dilində, rus dilli məktəblər, rusdilli icma."
    assert [h.surface for h in match_text(text, "az", lex) if h.entry_id == "russian_language"] == [
        "Rus dili", "rus dilində", "rus dilli", "rusdilli"]


def test_prepositional_cues_negate_only_what_they_govern(lex):
    assert one("We can prosper without integration.", "en", lex, "integration").negation_cue == "without"
    assert one("Integration without Russia is impossible.", "en", lex, "integration").negated is False
    assert one("Towards an integrated Europe without dividing lines.", "en", lex, "integration").negated is False
    assert one("Мы выбрали нейтралитет вместо интеграции.", "ru", lex, "integration").negation_cue == "вместо"
    assert one("Biz inteqrasiya olmadan inkişaf edirik.", "az", lex, "integration").negation_cue == "olmadan"
    assert one("Biz Rusiya olmadan da inteqrasiyanı dəstəkləyirik.", "az", lex, "integration").negated is False


def test_hyphen_inside_a_word_does_not_break_the_clause(lex):
    # "long-term", "NATO-led", "какие-либо", "Avro-Atlantik" are tokenized with the hyphen apart; only a
    # free-standing dash ends a clause
    assert one("We do not see a long-term need for integration.", "en", lex, "integration").negation_cue == "not"
    assert one("We will never join NATO-led Euro-Atlantic integration.", "en", lex,
               "euro_atlantic_integration").negation_cue == "never"
    assert one("Интеграция в какие-либо блоки для нас не актуальна.", "ru", lex, "integration").negation_cue == "не"
    assert one("Heç bir hərbi-siyasi bloka inteqrasiya prioritetimizdir.", "az", lex,
               "integration").negation_cue == "heç"
    assert one("We do not doubt it - integration is our choice.", "en", lex, "integration").negated is False


# -- target -------------------------------------------------------------------------------------------------------
def test_target_same_sentence_changes_the_pole(lex):
    sp = lex.entry("strategic_partnership")
    ru_hit = one("We signed a strategic partnership with the Russian Federation.", "en", lex, "strategic_partnership")
    eu_hit = one("We signed a strategic partnership with the European Union.", "en", lex, "strategic_partnership")
    none_hit = one("We signed a strategic partnership.", "en", lex, "strategic_partnership")
    assert (ru_hit.target, ru_hit.target_group, sp.position_for(ru_hit.target_group)) == ("russia", "target", 1.0)
    assert (eu_hit.target, eu_hit.target_group, sp.position_for(eu_hit.target_group)) == ("european_union", "west", -1.0)
    assert (none_hit.target, sp.position_for(none_hit.target_group)) == (None, None)


def test_target_in_a_sentence_before_is_inferred_and_flagged(lex):
    # target-v2 (issue 13): with no actor in its own sentence, a hit takes the actor of the nearest of the two
    # sentences before it in the same paragraph, flagged target_inferred; an actor in its own sentence is not.
    for text, lang in (("Russia is our neighbour. We signed a strategic partnership.", "en"),
                       ("Rusiya qonşumuzdur. Biz strateji tərəfdaşlıq qurduq.", "az"),
                       ("Россия наш сосед. Мы подписали стратегическое партнёрство.", "ru")):
        hit = one(text, lang, lex, "strategic_partnership")
        assert (hit.target, hit.target_group, hit.target_inferred) == ("russia", "target", True), text
    hit = one("We signed a strategic partnership with Russia.", "en", lex, "strategic_partnership")
    assert (hit.target, hit.target_inferred) == ("russia", False)


def test_target_is_not_inferred_across_a_paragraph_or_three_sentences_back(lex):
    hit = one("Russia is our neighbour.\n\nWe signed a strategic partnership.", "en", lex, "strategic_partnership")
    assert (hit.target, hit.target_inferred) == (None, False)
    hit = one("Russia is our neighbour. It is large. It is old. We signed a strategic partnership.", "en", lex,
              "strategic_partnership")
    assert (hit.target, hit.target_inferred) == (None, False)
    hit = one("Russia is our neighbour. It is large. We signed a strategic partnership.", "en", lex, "strategic_partnership")
    assert (hit.target, hit.target_inferred) == ("russia", True)
    hit = one("Russia is near. The European Union is far. We signed a strategic partnership.", "en", lex,
              "strategic_partnership")
    assert hit.target == "european_union"  # the nearest sentence with an actor wins


def test_target_az_and_ru(lex):
    assert one("Rusiya ilə strateji tərəfdaşlıq dərinləşir.", "az", lex, "strategic_partnership").target_group == "target"
    assert one("Avropa İttifaqı ilə strateji tərəfdaşlıq.", "az", lex, "strategic_partnership").target == "european_union"
    assert one("Стратегическое партнёрство с Москвой.", "ru", lex, "strategic_partnership").target == "russia"
    assert one("Интеграция в рамках ЕАЭС продолжается.", "ru", lex, "integration").target_group == "target_led"


def test_nearest_actor_wins_and_hit_is_not_its_own_target(lex):
    hit = one("Turkey welcomed our strategic partnership with Russia.", "en", lex, "strategic_partnership")
    assert hit.target == "russia"  # 'with Russia' is nearer than 'Turkey'
    hit = one("The CIS meets today.", "en", lex, "cis")
    assert hit.target is None  # the hit "CIS" is not its own target


def test_another_target_power_regroups_actors():
    lex_us = load_lexicon(target="united_states")
    hit = [h for h in match_text("A strategic partnership with NATO.", "en", lex_us) if h.entry_id == "strategic_partnership"][0]
    assert (hit.target, hit.target_group) == ("nato", "west")
    hit = [h for h in match_text("A strategic partnership with Washington.", "en", lex_us) if h.entry_id == "strategic_partnership"][0]
    assert hit.target_group == "target"


@pytest.mark.parametrize("verb", ["etmirik", "istəmirik", "görmürük", "olmadı", "etmədik", "etməyəcək", "olmaz", "olmamalıdır"])
def test_azerbaijani_verb_negation(lex, verb):
    assert one(f"Biz inteqrasiya {verb}.", "az", lex, "integration").negation_cue == verb


@pytest.mark.parametrize("word", ["Məmmədov", "məmurlar", "təmir", "dəmir", "ölkəmiz"])
def test_azerbaijani_words_that_only_look_negated(lex, word):
    assert one(f"{word} inteqrasiya haqqında danışdı.", "az", lex, "integration").negated is False


# -- negation hint (issue 17): spaCy runs only on hit sentences that may hold a negation cue -------------------
def test_the_negation_hint_finds_every_cue_the_tokenizer_would_give():
    from discourse.match_negation import NEGATION_CUES, NEGATION_PHRASES, cue_special_cases, negation_hint
    from discourse.nlp import get_pipeline

    tokenizer = get_pipeline("en").nlp.tokenizer
    special = cue_special_cases("en", tokenizer)
    assert {"cannot", "Cannot", "don't", "notve"} <= set(special)
    hint = negation_hint("en", special)
    words = set(NEGATION_CUES["en"]) | {toks[0] for toks, _ in NEGATION_PHRASES["en"]}
    for key in tokenizer.rules:  # every exception of the tokenizer that yields a cue is caught
        if any(t.lower_ in words for t in tokenizer(key)):
            assert hint(f"We {key} it."), key
    for cue in words:  # every cue word, in any case, next to punctuation
        for form in (cue, cue.upper(), cue.capitalize()):
            assert hint(f"Partnership ({form}) matters."), form
    for text in ("We cannot accept it.", "They don't join.", "We won’t join.", "No-one asked.", "It is far from it."):
        assert hint(text), text
    for text in ("We note the strategic partnership.", "Nowadays the economic union grows.", "Known norms, notably."):
        assert not hint(text), text
    assert negation_hint("ru") is None and negation_hint("az") is None  # always tokenized


def test_hits_are_the_same_with_and_without_the_negation_hint(ungdc_sample):
    """On every statement of the UNGDC sample the hint changes which sentences are tokenized, never a hit."""
    from discourse.matcher import _Matcher
    from discourse.normalize import normalize_text

    lex = load_lexicon()
    gated, always = _Matcher(lex, lex.entries, "en"), _Matcher(lex, lex.entries, "en")
    always._hint = None  # no hint: every candidate sentence is tokenized, as before
    n_hits = n_skipped = 0
    for path in sorted(ungdc_sample.glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8", errors="replace"))
        got_tokens, want_tokens = [], []
        got = gated.match(text, None, got_tokens, path.stem)
        want = always.match(text, None, want_tokens, path.stem)
        assert got == want, path.name
        assert {t[2] for t in got_tokens} <= {t[2] for t in want_tokens}
        n_hits += len(got)
        n_skipped += len(want_tokens) - len(got_tokens)
    assert n_hits > 1500 and n_skipped > 500


def test_the_clause_stretch_holds_the_tokens_clause(ungdc_sample):
    """The hint reads only the stretch around a hit up to sure breaks (match_negation.clause_stretch): on the
    sentences of the UNGDC sample, with hits at every word, the clause negation-v2 reads on spaCy's tokens always
    lies inside it; and a "not" in another clause no longer sends a sentence to the tokenizer."""
    from discourse.match_negation import _clause, clause_stretch
    from discourse.nlp import get_pipeline
    from discourse.normalize import normalize_text, sentence_starts

    pipe = get_pipeline("en")
    checked = shorter = 0
    for path in sorted(ungdc_sample.glob("*.txt"))[:25]:
        text = normalize_text(path.read_text(encoding="utf-8", errors="replace"))
        bounds = sentence_starts(text) + [len(text)]
        for a, b in zip(bounds, bounds[1:]):
            sentence = text[a:b]
            toks = pipe.tokenize(sentence)
            words = toks.words
            for k in range(0, len(words), 3):
                lo, hi = _clause("en", words, k, k + 1, toks.starts, toks.ends)
                s, e = clause_stretch("en", sentence, toks.starts[k], toks.ends[k])
                assert s <= toks.starts[lo] and toks.ends[hi - 1] <= e, (sentence, words[k])
                checked += 1
                shorter += e - s < len(sentence)
    assert checked > 5000 and shorter > checked / 2

    lex = load_lexicon()
    from discourse.matcher import _Matcher

    matcher = _Matcher(lex, lex.entries, "en")
    tokens: list = []
    matcher.match("We do not doubt it, and integration with Europe remains our goal.", None, tokens, "d")
    assert tokens == []
    matcher.match("We do not seek integration with Europe.", None, tokens, "d")
    assert len(tokens) == 1
