"""Stance rules added after stance-v1's first measurement (docs/stance.md): lists of names, negation scope,
evaluative rejections. Every sentence here is written for this project (illustrative)."""

from __future__ import annotations

import pytest

from discourse.lexicon import load_lexicon
from discourse.match import match_text


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def stance_of(text, lang, lex, entry_id):
    hits = [h for h in match_text(text, lang, lex) if h.entry_id == entry_id]
    assert len(hits) == 1, [(h.entry_id, h.surface) for h in match_text(text, lang, lex)]
    return hits[0].stance, hits[0].stance_rule


@pytest.mark.parametrize("lang, text, entry_id, stance, rule", [
    # a body named among others is a mention ...
    ("en", "Delegates came from the OSCE, the Council of Europe, the CSTO and the African Union.", "csto",
     "mention", "mention-list"),
    ("en", "Azerbaijan has chaired forums such as the Organization of American States and the CSTO.",
     "csto", "mention", "mention-list"),
    ("en", "The CSTO, the Council of Europe and the African Union sent observers.", "csto", "mention", "mention-list"),
    ("ru", "Наблюдателей направили ОБСЕ, Совет Европы, ОДКБ и Африканский союз.", "csto",
     "mention", "mention-list"),
    # ... unless the list as a whole is pursued or valued
    ("en", "We support the work of the OSCE, the Council of Europe and the CSTO.", "csto", "support", "default"),
    ("en", "Organizations such as the Council of Europe, the African Union and the CSTO are growing.", "csto",
     "support", "default"),
    # two names joined by "and" are not a list; a name's own "Cooperation" engages nothing
    ("en", "Azerbaijan values the CSTO and the Council of Europe.", "csto", "support", "default"),
    ("en", "The Shanghai Cooperation Organization, the African Union and the CSTO met.", "csto", "mention",
     "mention-list"),
])
def test_lists_of_names(lex, lang, text, entry_id, stance, rule):
    assert stance_of(text, lang, lex, entry_id) == (stance, rule)


@pytest.mark.parametrize("lang, text, entry_id, stance", [
    # a negation in a subordinate clause after the hit is that clause's
    ("en", "Euro-Atlantic integration has brought benefits that nobody can deny.", "euro_atlantic_integration", "support"),
    ("en", "Euro-Atlantic integration is a course where there is no turning back.", "euro_atlantic_integration", "support"),
    ("en", "Euro-Atlantic integration is not our choice.", "euro_atlantic_integration", "reject"),
    ("en", "We believe that Euro-Atlantic integration is not our choice.", "euro_atlantic_integration", "reject"),
    # idioms and double negations that keep the course
    ("en", "It is no secret that Euro-Atlantic integration is our choice.", "euro_atlantic_integration", "support"),
    ("en", "Our security is unthinkable without Euro-Atlantic integration.", "euro_atlantic_integration", "support"),
    ("en", "We could not have reformed the economy without European integration.", "european_integration", "support"),
    ("en", "We will not deviate from the course of European integration.", "european_integration", "support"),
    ("ru", "Мы не отступим от курса европейской интеграции.", "european_integration", "support"),
    ("ru", "Без евразийской интеграции наша безопасность не обеспечена.", "eurasian_integration", "support"),
    ("az", "Avropa inteqrasiyası olmadan inkişaf mümkün deyil.", "european_integration", "support"),
    # a negated verb of neglect, denial or harm affirms or protects the referent
    ("en", "Nobody can deny the role of Euro-Atlantic integration.", "euro_atlantic_integration", "support"),
    ("en", "We will not allow anyone to undermine European integration.", "european_integration", "support"),
    ("en", "We cannot ignore Euro-Atlantic integration.", "euro_atlantic_integration", "support"),
    ("en", "We will not pursue Euro-Atlantic integration.", "euro_atlantic_integration", "reject"),
    ("ru", "Нельзя недооценивать значение евразийской интеграции.", "eurasian_integration", "support"),
    ("az", "Avropa inteqrasiyasının rolunu inkar etmək olmaz.", "european_integration", "support"),
    # evaluations and refusals without a negation of the hit's verb
    ("en", "The Eurasian Economic Union dreams of absorption.", "eurasian_economic_union", "reject"),
    ("en", "The logic of military alliances belongs to the past.", "allied_relations", "reject"),
    ("en", "For us the Eurasian Economic Union is not an option.", "eurasian_economic_union", "reject"),
    ("en", "We do not see the Eurasian Economic Union as a model for us.", "eurasian_economic_union", "reject"),
    # cooperation yes, membership no: a later clause of the sentence refuses it
    ("en", "Cooperation with the Eurasian Economic Union, yes; membership, no.", "eurasian_economic_union", "reject"),
    ("en", "We trade with the Eurasian Economic Union, but we will not join it.", "eurasian_economic_union", "reject"),
    ("ru", "Мы сотрудничаем с ЕАЭС, но вступать в него не будем.", "eurasian_economic_union", "reject"),
    ("az", "Avrasiya İqtisadi İttifaqı ilə əməkdaşlıq edirik, amma ona üzv olmayacağıq.", "eurasian_economic_union", "reject"),
    ("az", "Avrasiya İqtisadi İttifaqı ilə əməkdaşlıq edirik və ona üzv olmaq istəyirik.", "eurasian_economic_union", "support"),
    # labels of an area and of colleagues; a historical fact with its date and place
    ("en", "Conflicts in the GUAM area remain unresolved.", "guam", "mention"),
    ("en", "Together with our GUAM colleagues we raised the issue.", "guam", "mention"),
    ("ru", "Конфликты на пространстве СНГ остаются неурегулированными.", "cis", "mention"),
    ("ru", "Конфликты в зоне ГУАМ остаются неурегулированными.", "guam", "mention"),
    ("az", "MDB məkanında münaqişələr həll olunmayıb.", "cis", "mention"),
    ("az", "Kollektiv Təhlükəsizlik Müqaviləsi 1992-ci ildə Daşkənddə imzalanıb.", "csto", "mention"),
])
def test_negation_scope_and_evaluative_cues(lex, lang, text, entry_id, stance):
    assert stance_of(text, lang, lex, entry_id)[0] == stance
