"""The Azerbaijani suffix rule (az-suffix-v1, src/discourse/morph.py): vowel harmony, buffer consonants, q/k
voicing, acronyms after a hyphen. Sentences are illustrative, written for these tests."""

from __future__ import annotations

import re

import pytest

from discourse.lexicon import check_lexicon, fold, load_lexicon
from discourse.match import match_text
from discourse.morph import az_harmony, az_inflections, az_suffixes, az_verifier, az_word_regex


def accepts(word: str, form: str) -> bool:
    """The suffix rule's verdict on one written word: the permissive regex, then the suffix-chain check."""
    m = re.compile(az_word_regex(word) + r"(?!\w)").fullmatch(fold(form))
    return m is not None and az_verifier(word)(m) == len(form)


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


# -- vowel harmony -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("word, good, bad", [
    ("NATO", "NATO-ya", "NATO-yə"),            # back rounded o: dative -ya, not -yə
    ("NATO", "NATO-nun", "NATO-nün"),          # four-way: u after o, not ü
    ("Aİ", "Aİ-yə", "Aİ-ya"),                  # front i: -yə
    ("KTMT", "KTMT-yə", "KTMT-ya"),            # read letter by letter, "te": front
    ("MDB", "MDB-nin", "MDB-nun"),             # "de": front unrounded
    ("İttifaq", "İttifaqına", "İttifaqınə"),   # back a: -na after the possessive
    ("Birlik", "Birliyinə", "Birliyina"),      # front i: -nə
    ("Hərəkat", "Hərəkatında", "Hərəkatındə"),
    ("Türkiyə", "Türkiyədən", "Türkiyədan"),
    ("inteqrasiya", "inteqrasiyaya", "inteqrasiyayə"),
    ("Qoşulmama", "Qoşulmamaya", "Qoşulmaməyə"),
])
def test_vowel_harmony(word, good, bad):
    assert accepts(word, good)
    assert not accepts(word, bad)


def test_harmony_follows_the_last_vowel_and_chains():
    assert az_harmony("İttifaq") == "a" and az_harmony("Birlik") == "i" and az_harmony("KTMT") is None
    # plural then case: each suffix harmonizes with the one before it
    assert accepts("struktur", "strukturlarına") and not accepts("struktur", "strukturlərinə")
    assert accepts("ölkə", "ölkələrlə") and not accepts("ölkə", "ölkəlarla")


# -- buffer consonants ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("word, form", [
    ("NATO", "NATO-ya"), ("NATO", "NATO-nun"), ("NATO", "NATO-nu"), ("NATO", "NATO-yla"),   # y, n after a vowel
    ("Aİ", "Aİ-yə"), ("KTMT", "KTMT-yə"), ("MDB", "MDB-nin"),
    ("inteqrasiya", "inteqrasiyası"), ("inteqrasiya", "inteqrasiyasına"), ("inteqrasiya", "inteqrasiyanın"),  # s, n
    ("İttifaq", "İttifaqına"), ("İttifaq", "İttifaqının"), ("İttifaq", "İttifaqını"), ("İttifaq", "İttifaqından"),
    ("Hərəkat", "Hərəkatına"),
])
def test_buffer_consonants_accepted(word, form):
    assert accepts(word, form)


@pytest.mark.parametrize("word, form", [
    ("NATO", "NATO-a"),             # a vowel needs the y buffer
    ("inteqrasiya", "inteqrasiyaı"),  # 3rd-person possessive after a vowel needs s
    ("inteqrasiya", "inteqrasiyaın"),  # genitive after a vowel needs n
    ("İttifaq", "İttifaqıya"),      # after the 3rd-person possessive the dative takes n, not y
    ("İttifaq", "İttifaqnın"),      # no buffer after a consonant
])
def test_buffer_consonants_required(word, form):
    assert not accepts(word, form)


def test_final_q_and_k_may_be_voiced():
    assert accepts("tərəfdaşlıq", "tərəfdaşlığı") and accepts("tərəfdaşlıq", "tərəfdaşlığa")
    assert accepts("Birlik", "Birliyi") and accepts("Birlik", "Birlikdə")
    assert accepts("İttifaq", "İttifaqı")      # a loan that keeps q
    assert not accepts("tərəfdaşlıq", "tərəfdaşlığda")  # voicing only before a vowel
    assert "Birliyinə" in az_inflections("Birlik") and "tərəfdaşlığı" in az_inflections("tərəfdaşlıq")


def test_derivational_suffixes_are_not_case_forms():
    assert not accepts("Rusiya", "Rusiyaşünaslıq")
    assert not accepts("inteqrasiya", "inteqrasiyaçı")
    assert not accepts("NATO", "Natoşa")


def test_relative_and_copula():
    assert accepts("Tərəfdaşlıq", "Tərəfdaşlığındakı")
    assert accepts("İttifaq", "İttifaqındadır")
    assert accepts("KTMT", "KTMT-dəki")


def test_suffix_sets_are_harmonic():
    back, front = az_suffixes("a", True), az_suffixes("ə", True)
    assert "ya" in back and "yə" not in back and "yə" in front and "ya" not in front


# -- in the matcher ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, entry, surface", [
    ("Azərbaycan NATO-ya üzvlük istəmir.", "nato_partnership", "NATO-ya üzvlük"),
    ("Ermənistan KTMT-yə qayıtmır.", "csto", "KTMT-yə"),
    ("Ermənistan KTMT-ə qayıtmır.", "csto", "KTMT"),          # off-harmony suffix: the acronym alone
    ("Gürcüstan MDB-nin üzvü deyil.", "cis", "MDB-nin"),
    ("Avropa İttifaqına inteqrasiya gündəmdə deyil.", "european_integration", "Avropa İttifaqına inteqrasiya"),
    ("Şərq Tərəfdaşlığındakı iştirak davam edir.", "eastern_partnership", "Şərq Tərəfdaşlığındakı"),
    ("Azərbaycanın Avroatlantik inteqrasiyası davam edir.", "euro_atlantic_integration", "Avroatlantik inteqrasiyası"),
])
def test_hits_carry_the_suffixed_surface(lex, text, entry, surface):
    hits = [h for h in match_text(text, "az", lex) if h.entry_id == entry]
    assert [h.surface for h in hits] == [surface]


def test_actors_with_suffixes(lex):
    hit = [h for h in match_text("Aİ-yə inteqrasiya deyil, strateji tərəfdaşlıq.", "az", lex)
           if h.entry_id == "strategic_partnership"][0]
    assert hit.target == "european_union"
    hit = [h for h in match_text("NATO-nun strateji tərəfdaşlığı.", "az", lex) if h.entry_id == "strategic_partnership"][0]
    assert hit.target == "nato"


def test_cyrillic_schwa_typed_in_latin_words_folds():
    assert fold("Tәrәfdaşlıq") == fold("Tərəfdaşlıq")
    lex = load_lexicon()
    assert [h.entry_id for h in match_text("Avratlantika Tәrәfdaşlıq Şurası toplandı.", "az", lex)] == ["nato_partnership"]


def test_suffix_mode_is_refused_outside_azerbaijani(tmp_path):
    lexicon = tmp_path / "l.yaml"
    lexicon.write_text(
        "name: t\nactors: " + str(load_lexicon().actors_path) + "\nentries:\n"
        "  - id: x\n    label: X\n    category: c\n    position: 0\n    weight: 1\n    on_negation: keep\n"
        "    rationale: r\n    patterns:\n      ru: [{suffix: союз}]\n", encoding="utf-8")
    problems = [str(p) for p in check_lexicon(lexicon)]
    assert len(problems) == 1 and ":12: entry x: suffix mode is the Azerbaijani suffix rule" in problems[0]
