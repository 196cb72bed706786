"""Stance (stance-v1), target-v2, one hit per name and acronym, and score-v2 on the examples of issue 13.

Every sentence here was written for these tests (illustrative, modelled on the kinds of statement the issue
names); none is a quotation.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from discourse.errors import LexiconError, ScoreError
from discourse.lexicon import check_lexicon, load_lexicon
from discourse.match import match_text
from discourse.normalize import normalize_text
from discourse.score import count_hits, entries_frame
from discourse.stance import check_cues, decide, load_cues, pronoun_link


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def the_hit(text, lang, lex, entry_id):
    hits = [h for h in match_text(text, lang, lex) if h.entry_id == entry_id]
    assert len(hits) == 1, [(h.entry_id, h.surface) for h in match_text(text, lang, lex)]
    return hits[0]


def counted(hits, lex):
    frame = pd.DataFrame([{"doc_id": "d", "entry_id": h.entry_id, "sent_start": h.sent_start, "negated": h.negated,
                           "target_group": h.target_group, "stance": h.stance} for h in hits])
    return count_hits(frame, entries_frame(lex))


# -- the examples of issue 13, in en, ru and az ------------------------------------------------------------------
WHY = [
    # (stance, lang, text, entry, cue)
    ("question", "en", "Why should we pursue membership in the EU while it is in crisis?", "eu_membership", "?"),
    ("question", "ru", "Зачем нам добиваться членства в ЕС, пока он переживает кризис?", "eu_membership", "?"),
    ("question", "az", "Böhran içində olan Avropa İttifaqına üzv olmağa niyə can atmalıyıq?", "eu_membership", "?"),
    ("doubt", "en", "Azerbaijan questions whether joining the EU would serve its interests.", "eu_membership",
     "questions whether"),
    ("doubt", "ru", "Азербайджан сомневается, что членство в ЕС отвечает его интересам.", "eu_membership", "сомневается"),
    ("doubt", "az", "Azərbaycan Avropa İttifaqına üzvlüyün maraqlarına xidmət edəcəyinə şübhə ilə yanaşır.",
     "eu_membership", "şübhə"),
    ("reported", "en", "Some circles abroad insist on European integration; our path is our own.",
     "european_integration", "some circles"),
    ("reported", "en", "Those who call for Euro-Atlantic integration forget our interests.", "euro_atlantic_integration",
     "those who call"),
    ("reported", "en", "Critics insist on NATO membership.", "nato_partnership", "critics"),
    ("reported", "ru", "Некоторые круги за рубежом призывают к европейской интеграции; у нас свой путь.",
     "european_integration", "некоторые круги"),
    ("reported", "ru", "Те, кто требует вступления в НАТО, забывают о наших интересах.", "nato_partnership", "те , кто"),
    ("reported", "az", "Avropa inteqrasiyasına çağıranlar unudur ki, bizim yolumuz öz yolumuzdur.",
     "european_integration", "çağıranlar"),
    ("reported", "az", "Avropa inteqrasiyasını tələb edənlər bizim maraqlarımızı nəzərə almırlar.",
     "european_integration", "tələb edənlər"),
    ("reject", "en", "Azerbaijan has no plans to enter the Eurasian Economic Union.", "eurasian_economic_union", "no"),
    ("reject", "en", "Azerbaijan does not intend to join the CSTO.", "csto", "not"),
    ("reject", "en", "Membership in the Eurasian Economic Union is out of the question.", "eurasian_economic_union",
     "out of the question"),
    ("reject", "ru", "Азербайджан не собирается вступать в ЕАЭС.", "eurasian_economic_union", "не"),
    ("reject", "ru", "Азербайджан не намерен вступать в ОДКБ.", "csto", "не"),
    ("reject", "ru", "Вступление в ЕАЭС исключено.", "eurasian_economic_union", "исключено"),
    ("reject", "ru", "Вопрос о вступлении в ЕАЭС не стоит на повестке дня.", "eurasian_economic_union", "не"),
    ("reject", "az", "Azərbaycan KTMT-yə üzv olmaq fikrində deyil.", "csto", "deyil"),
    ("reject", "az", "Azərbaycan Avrasiya İqtisadi İttifaqına üzv olmaq niyyətində deyil.", "eurasian_economic_union",
     "deyil"),
    ("reject", "az", "Azərbaycan KTMT-yə qoşulmağı planlaşdırmır.", "csto", "planlaşdırmır"),
]


@pytest.mark.parametrize("stance, lang, text, entry_id, cue", WHY, ids=[f"{w[0]}-{w[1]}-{i}" for i, w in enumerate(WHY)])
def test_issue_examples_get_their_stance_and_do_not_count_for_the_pole_they_name(lex, stance, lang, text, entry_id, cue):
    hit = the_hit(text, lang, lex, entry_id)
    assert (hit.stance, hit.stance_cue) == (stance, cue)
    entry = lex.entry(entry_id)
    row = counted([hit], lex).iloc[0]
    named = "west" if entry.position < 0 else "target"
    assert row["pole"] != named  # never counted as support of the pole it names
    if stance in ("question", "reported", "doubt"):
        assert row["pole"] == "dropped" and not row["counted"]
    else:  # the shipped entries flip a rejection
        assert row["pole"] == ("target" if named == "west" else "west")


@pytest.mark.parametrize("lang, text, entry_id, cue", [
    ("en", "The EU offered an association agreement. We declined it.", "eastern_partnership", "declined it"),
    ("ru", "Европейский союз предложил нам Соглашение об ассоциации. Мы отказались от него.", "eastern_partnership",
     "отказались от него"),
    ("az", "Avropa İttifaqı bizə Assosiasiya Sazişi təklif etdi. Biz bunu rədd etdik.", "eastern_partnership",
     "bunu rədd etdik"),
])
def test_a_rejection_of_it_in_the_next_sentence_is_linked_to_the_hit(lex, lang, text, entry_id, cue):
    hit = the_hit(text, lang, lex, entry_id)
    assert (hit.stance, hit.stance_cue, hit.stance_rule) == ("reject", cue, "pronoun-link")
    assert counted([hit], lex).iloc[0]["pole"] == "target"  # flipped: not Western


def test_pronoun_link_needs_the_next_sentence_of_the_same_paragraph(lex):
    assert the_hit("The EU offered an association agreement.\n\nWe declined it.", "en", lex,
                   "eastern_partnership").stance == "support"
    assert the_hit("The EU offered an association agreement. The talks were long. We declined it.", "en", lex,
                   "eastern_partnership").stance == "support"
    # a next sentence with a hit of its own is about that hit
    hits = match_text("The EU offered an association agreement. We declined it and chose the Eastern Partnership.", "en", lex)
    assert [h.stance for h in hits] == ["support", "support"]
    assert pronoun_link("en", "We declined the invitation.") is None


@pytest.mark.parametrize("lang, text, target", [
    ("en", "The Russian Federation is our neighbour. We signed a strategic partnership.", "russia"),
    ("ru", "Россия наш сосед. Мы подписали стратегическое партнёрство.", "russia"),
    ("az", "Avropa İttifaqı bizim tərəfdaşımızdır. Biz strateji tərəfdaşlıq qurduq.", "european_union"),
])
def test_actor_of_a_sentence_before_is_used_and_flagged_and_counts(lex, lang, text, target):
    hit = the_hit(text, lang, lex, "strategic_partnership")
    assert (hit.target, hit.target_inferred) == (target, True)
    assert counted([hit], lex).iloc[0]["counted"]  # no longer unattributed


@pytest.mark.parametrize("lang, text, surface", [
    ("en", "the Organization for Democracy and Economic Development (GUAM) met.",
     "Organization for Democracy and Economic Development (GUAM)"),
    ("en", "GUAM (Organization for Democracy and Economic Development) met.",
     "GUAM (Organization for Democracy and Economic Development)"),
    ("en", "The Collective Security Treaty Organization (CSTO) met.", "Collective Security Treaty Organization (CSTO)"),
    ("ru", "Содружество Независимых Государств (СНГ) провело встречу.", "Содружество Независимых Государств (СНГ)"),
    ("az", "Müstəqil Dövlətlər Birliyi (MDB) iclas keçirdi.", "Müstəqil Dövlətlər Birliyi (MDB)"),
])
def test_a_name_and_its_acronym_in_brackets_are_one_hit(lex, lang, text, surface):
    hits = match_text(text, lang, lex)
    assert [h.surface for h in hits] == [surface]
    assert hits[0].target is None  # the acronym is not the hit's own target


def test_two_mentions_apart_stay_two_hits(lex):
    assert len(match_text("The CSTO met. Later the CSTO met again.", "en", lex)) == 2
    assert len(match_text("The CIS and the CSTO (a treaty body) met.", "en", lex)) == 2


# -- other rules ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, text, entry_id, stance", [
    ("en", "There is no alternative to Euro-Atlantic integration.", "euro_atlantic_integration", "support"),
    ("en", "Azerbaijan will never abandon Euro-Atlantic integration.", "euro_atlantic_integration", "support"),
    ("ru", "Альтернативы евразийской интеграции нет.", "eurasian_integration", "support"),
    ("az", "Azərbaycan heç vaxt müstəqil xarici siyasətindən imtina etməyəcək.", "independent_foreign_policy", "support"),
    ("en", "There is no doubt that European integration is our choice.", "european_integration", "support"),
    ("en", "The CSTO did not meet this year.", "csto", "support"),            # a negation not about the body
    ("en", "Azerbaijan is not a member of the CSTO.", "csto", "reject"),      # ... and one about it
    ("en", "The foreign ministers of the CIS countries met in Baku.", "cis", "mention"),
    ("ru", "Встретились министры иностранных дел стран СНГ.", "cis", "mention"),
    ("az", "MDB ölkələrinin nümayəndələri Bakıda toplaşdı.", "cis", "mention"),
    ("en", "Azerbaijan withdrew from the Collective Security Treaty.", "csto", "reject"),
    ("ru", "Азербайджан вышел из ОДКБ в 1999 году.", "csto", "reject"),
    ("en", "We cooperate with the European Union, but not integration.", "integration", "reject"),
    # a body named as the speaker's capacity for an act about something else is a mention (codebook)
    ("en", "As Chair of the Non-Aligned Movement, Azerbaijan proposed a vaccine initiative.", "non_aligned_movement",
     "mention"),
    ("en", "As a member of the CSTO, Armenia asked for assistance.", "csto", "mention"),
    ("ru", "В качестве члена ОДКБ Армения обратилась за помощью.", "csto", "mention"),
    ("az", "Azərbaycan Qoşulmama Hərəkatının sədri kimi təşəbbüs irəli sürdü.", "non_aligned_movement", "mention"),
    ("en", "Azerbaijan is an active member of the Non-Aligned Movement.", "non_aligned_movement", "support"),
])
def test_other_stance_rules(lex, lang, text, entry_id, stance):
    assert the_hit(text, lang, lex, entry_id).stance == stance


def test_question_is_the_clause_before_the_question_mark_only():
    assert decide("en", "We pursue European integration. Do we?", 10, 30).stance == "support"
    assert decide("en", "We pursue European integration; why would we not?", 10, 30).stance == "support"
    assert decide("en", "Is European integration on the agenda?", 3, 23).stance == "question"


def test_negated_flag_is_kept_for_compatibility(lex):
    hit = the_hit("Why should we not seek EU membership?", "en", lex, "eu_membership")
    assert (hit.negated, hit.negation_cue, hit.stance) == (True, "not", "question")


# -- property: layout does not change the stance ----------------------------------------------------------------------
LAYOUT_TEXTS = [(lang, text, entry_id, stance) for stance, lang, text, entry_id, _ in WHY] + [
    ("en", "The EU offered an association agreement. We declined it.", "eastern_partnership", "reject"),
    ("ru", "Европейский союз предложил нам Соглашение об ассоциации. Мы отказались от него.", "eastern_partnership", "reject"),
]


def _relayout(text: str, choices: list[int]) -> str:
    """Replace spaces by a line break, CRLF or NBSP, and put soft hyphens inside long words, as ``choices`` say."""
    out, k = [], 0
    for ch in text:
        if ch == " ":
            c = choices[k % len(choices)]
            k += 1
            out.append({0: " ", 1: "\n", 2: "\r\n", 3: "\u00a0", 4: " \u00a0"}[c % 5])
        else:
            out.append(ch)
            if ch.isalpha() and choices[k % len(choices)] % 7 == 6:
                k += 1
                out.append("\u00ad")
    return "".join(out)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(case=st.integers(0, len(LAYOUT_TEXTS) - 1), choices=st.lists(st.integers(0, 20), min_size=1, max_size=12))
def test_stance_does_not_change_with_line_breaks_crlf_soft_hyphens_or_nbsp(case, choices):
    lex = load_lexicon()
    lang, text, entry_id, stance = LAYOUT_TEXTS[case]
    variant = normalize_text(_relayout(text, choices))
    hits = [h for h in match_text(variant, lang, lex) if h.entry_id == entry_id]
    assert [h.stance for h in hits] == [stance], (variant, [(h.surface, h.stance) for h in hits])


# -- the cue file -------------------------------------------------------------------------------------------------------
def test_shipped_cues_are_valid():
    assert check_cues() == []
    cues = load_cues()
    assert set(cues.cues) == {"en", "ru", "az"} and len(cues.hash) == 16


def test_cue_file_errors_name_line_and_key(tmp_path):
    bad = tmp_path / "cues.yaml"
    bad.write_text("version: 1\nlanguages:\n  en:\n    reject:\n      side: above\n      cues: [declined]\n"
                   "    hedge: [maybe]\n  fr:\n    reject: [non]\n  ru:\n    doubt:\n      - {cue: 'сомн*', window: 0}\n"
                   "      - '...'\n", encoding="utf-8")
    problems = [str(p) for p in check_cues(bad)]
    assert problems == [
        f"{bad}:5: languages.en.reject: side must be one of before, after, any, got 'above'",
        f"{bad}:7: languages.en.hedge: unknown cue kind 'hedge'; valid: clause_breaks, reject, negation, not_reject, doubt, "
        "not_doubt, reported, mention, engage, link_verbs, link_pronouns",
        f"{bad}:8: unknown language 'fr'; valid: en, az, ru",
        f"{bad}:12: languages.ru.doubt[1]: window must be a positive whole number, got 0",
        f"{bad}:13: languages.ru.doubt[2]: cue '...' must start and end with a word",
    ]
    with pytest.raises(LexiconError) as err:
        load_cues(bad)
    assert err.value.code == "D321" and "5 problem(s)" in err.value.message
    with pytest.raises(LexiconError) as err:
        load_cues(tmp_path / "missing.yaml")
    assert err.value.code == "D320"


def test_a_lexicon_uses_the_cue_file_beside_it_and_check_reports_its_problems(tmp_path):
    from discourse.lexicon import DEFAULT_LEXICON

    lexfile = tmp_path / "orientation.yaml"
    lexfile.write_text(DEFAULT_LEXICON.read_text(encoding="utf-8").replace("actors: actors.yaml",
                       f"actors: {DEFAULT_LEXICON.parent / 'actors.yaml'}"), encoding="utf-8")
    (tmp_path / "stance_cues.yaml").write_text("languages:\n  en:\n    reject: [declined]\n", encoding="utf-8")
    lex = load_lexicon(lexfile)
    assert lex.stance_cues == str((tmp_path / "stance_cues.yaml").resolve())
    assert lex.entry("csto").hash != load_lexicon().entry("csto").hash  # the cues are part of the entry hash
    hit = [h for h in match_text("Some circles insist on European integration.", "en", lex)][0]
    assert hit.stance == "support"  # this cue file has no reported cues
    (tmp_path / "stance_cues.yaml").write_text("languages:\n  en:\n    reject: {cues: []}\n", encoding="utf-8")
    assert [p.message for p in check_lexicon(lexfile)] == ["languages.en.reject: cues must be a non-empty list"]


# -- lexicon settings ----------------------------------------------------------------------------------------------------
def _lexicon_with(tmp_path, extra: str, on: str = "on_negation: flip"):
    from discourse.lexicon import DEFAULT_ACTORS

    path = tmp_path / "lex.yaml"
    path.write_text(f"name: t\nactors: {DEFAULT_ACTORS}\nentries:\n  - id: x\n    label: X\n    category: c\n"
                    f"    position: 1\n    weight: 1\n    {on}\n{extra}    rationale: r\n    patterns:\n      en: [xylo]\n",
                    encoding="utf-8")
    return path


def test_lexicon_stance_settings_and_their_errors(tmp_path):
    lex = load_lexicon(_lexicon_with(tmp_path, "    kind: organization\n    on_mention: keep\n    on_question: flip\n",
                                     on="on_reject: drop"))
    e = lex.entry("x")
    assert (e.on_reject, e.on_negation, e.kind, e.on_mention, e.on_question, e.on_reported, e.on_doubt) == (
        "drop", "drop", "organization", "keep", "flip", "drop", "drop")
    path = _lexicon_with(tmp_path, "    on_reject: keep\n    on_question: maybe\n    on_mention: keep\n    kind: body\n")
    messages = [p.message for p in check_lexicon(path)]
    assert messages == [
        "entry x: on_reject ('keep') and on_negation ('flip') are the same setting and disagree; keep one",
        "entry x: on_question must be one of flip, drop, keep, got 'maybe'",
        "entry x: kind must be one of term, organization, got 'body'",
    ]
    assert load_lexicon(_lexicon_with(tmp_path, "    on_mention: keep\n")).entry("x").on_mention == "keep"  # any kind
    assert [p.message for p in check_lexicon(_lexicon_with(tmp_path, "", on="weight2: 1"))][0] == \
        "entry x: missing field 'on_reject' (or its older name 'on_negation')"


# -- scoring by stance (score-v2) -------------------------------------------------------------------------------------
def _entries():
    return pd.DataFrame({"entry_id": ["w", "org"], "category": ["c", "c"], "position": [-1.0, 1.0],
                         "weight": [1.0, 1.0], "on_negation": ["flip", "drop"], "needs_target": [False, False],
                         "on_question": ["drop", "keep"], "on_reported": ["flip", "drop"], "on_doubt": ["drop", "drop"],
                         "on_mention": ["drop", "keep"]})


def test_each_stance_counts_by_its_entry_rule():
    hits = pd.DataFrame({"doc_id": "d", "entry_id": ["w"] * 6 + ["org"] * 3, "sent_start": range(9),
                         "negated": False, "target_group": None,
                         "stance": ["support", "reject", "question", "reported", "doubt", "mention",
                                    "question", "mention", "reject"]})
    out = count_hits(hits, _entries())
    assert out["pole"].tolist() == ["west", "target", "dropped", "target", "dropped", "dropped",
                                    "target", "target", "dropped"]
    assert out["eff_position"].fillna(99).tolist() == [-1.0, 1.0, 99, 1.0, 99, 99, 1.0, 1.0, 99]


def test_without_a_stance_column_negation_decides_as_before():
    hits = pd.DataFrame({"doc_id": "d", "entry_id": ["w", "w"], "sent_start": [0, 1], "negated": [False, True],
                         "target_group": None})
    assert count_hits(hits, _entries().drop(columns=["on_question", "on_reported", "on_doubt", "on_mention"]))[
        "pole"].tolist() == ["west", "target"]
    hits["stance"] = [None, "question"]  # a missing stance falls back to the negation; defaults drop questions
    assert count_hits(hits, _entries().drop(columns=["on_question"]))["pole"].tolist() == ["west", "dropped"]


def test_bad_stance_values_are_errors():
    hits = pd.DataFrame({"doc_id": "d9", "entry_id": ["w"], "sent_start": [0], "negated": [False],
                         "target_group": None, "stance": ["agree"]})
    with pytest.raises(ScoreError) as err:
        count_hits(hits, _entries())
    assert err.value.code == "D421" and "d9" in err.value.message and "'agree'" in err.value.message
    with pytest.raises(ScoreError) as err:
        count_hits(hits.assign(stance="support"), _entries().assign(on_doubt="maybe"))
    assert err.value.code == "D420" and "on_doubt" in err.value.message


# -- KWIC, export matches and the report show stance and cue -------------------------------------------------------
STORE_TEXT = ("The European Union offered us an association agreement. We declined it.\n\n"
              "The Russian Federation is our neighbour. We signed a strategic partnership.\n\n"
              "Some circles abroad insist on European integration; our path is our own.")


def test_kwic_and_export_show_stance_cue_rule_and_inferred_target(corpus, tmp_path):
    from discourse.export import matches_table
    from discourse.match import kwic
    from test_timeline_periods import add

    add(corpus, STORE_TEXT, date="2015-09-30")
    frame = kwic(corpus, ["eastern_partnership", "strategic_partnership", "european_integration"], workers=1)
    got = frame[["entry_id", "stance", "stance_cue", "stance_rule", "target", "target_inferred"]]
    assert got.astype(object).where(got.notna(), None).values.tolist() == [
        ["eastern_partnership", "reject", "declined it", "pronoun-link", "european_union", False],
        ["strategic_partnership", "support", None, "default", "russia", True],
        ["european_integration", "reported", "some circles", "reported-cue", None, False],
    ]
    table = matches_table(corpus)
    m = table.frame
    assert {"stance", "stance_cue", "stance_rule", "target_inferred"} <= set(m.columns)
    assert m["pole"].tolist() == ["target", "target", "dropped"]  # rejected West flips; Russia partnership; reported
    assert table.extra["rule_versions"]["stance"] == "stance-v1" and table.extra["rule_versions"]["target"] == "target-v2"
    assert table.extra["rule_versions"]["scoring"] == "score-v2"


def test_report_evidence_shows_stance_and_cue(corpus, tmp_path):
    from discourse.report import build_report
    from test_timeline_periods import add

    add(corpus, STORE_TEXT, date="2015-09-30")
    index = build_report(corpus, tmp_path / "out", country="AZE", events=None, replicates=20, min_hits=1)
    html = index.read_text(encoding="utf-8")
    assert "reject: declined it" in html and "(next sentence)" in html
    assert "from a sentence before" in html
    assert "stance-v1" in html and "target-v2" in html


def test_kwic_filters_by_stance(corpus, capsys):
    from discourse.cli import main
    from discourse.match import kwic
    from test_timeline_periods import add

    add(corpus, STORE_TEXT, date="2015-09-30")
    terms = ["eastern_partnership", "strategic_partnership", "european_integration"]
    assert kwic(corpus, terms, stance="reject", workers=1)["entry_id"].tolist() == ["eastern_partnership"]
    assert kwic(corpus, terms, stance=["support", "reported"], workers=1)["entry_id"].tolist() == [
        "strategic_partnership", "european_integration"]
    assert kwic(corpus, ["declined"], stance="reject", workers=1).empty  # free phrases have no stance
    with pytest.raises(LexiconError) as err:
        kwic(corpus, terms, stance="agree", workers=1)
    assert err.value.code == "D322" and "'agree'" in err.value.message
    assert main(["kwic", "european_integration", "--stance", "reported", "--db", str(corpus.path), "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
