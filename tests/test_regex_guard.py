"""Guarded lexicon regexes: nested quantifiers are a lexicon problem with its line, and matching runs lexicon
regexes within a time budget per document, so a runaway pattern is D315 naming the entry, not a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.errors import LexiconError
from discourse.lexicon import DEFAULT_ACTORS, check_lexicon, load_lexicon
from discourse.match import match_corpus
from discourse.metadata import DocumentMeta
from discourse.regex_guard import GuardedRegex, backtracking_risk, limit_seconds, start_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("pattern,risky", [
    (r"(?:x+x+)+y", True),
    (r"(?:\w+\s?)*$", True),
    (r"(a*)*b", True),
    (r"(?:foo|ba\w*){6,}", True),
    (r"avro\w*\s+(?:\w+\s+){0,2}inteqrasiya", False),   # bounded outer repeat: as shipped
    (r"(?:ab){2,}", False),                               # fixed inner length
    (r"(?>\w+\s?)*$", False),                             # atomic group
    (r"(?:\w++\s?)*$", False),                            # possessive inner quantifier
    (r"integrat\w*\s+(?:in)?to\s+(?:the\s+)?euro", False),
])
def test_backtracking_risk(pattern, risky):
    assert (backtracking_risk(pattern) is not None) is risky


def test_lexicon_check_names_the_nested_quantifier_with_its_line(tmp_path, capsys):
    path = tmp_path / "lex.yaml"
    path.write_text(f"name: test\nactors: {DEFAULT_ACTORS}\nentries:\n"
                    "  - id: runaway\n    label: runaway\n    category: hedging\n    position: 0\n    weight: 1.0\n"
                    "    on_negation: flip\n    rationale: Written for a test.\n    patterns:\n"
                    "      en: [{regex: '(?:\\w+\\s?)*balance'}]\n", encoding="utf-8")
    problems = check_lexicon(path)
    assert [(p.line, p.message) for p in problems] == [(12, (
        "entry runaway: regex '(?:\\\\w+\\\\s?)*balance' can backtrack for minutes (nested quantifiers: a group repeated "
        "without limit holds a quantifier repeated from 1 without limit); use one quantifier, a possessive one "
        "(x*+) or an atomic group (?>...)"))]
    assert main(["lexicon", "check", str(path)]) == 1
    out = capsys.readouterr()
    assert "lex.yaml:12: entry runaway: regex" in out.out + out.err and "[D303]" in out.err


def test_a_runaway_regex_is_stopped_within_the_budget():
    rx = GuardedRegex(r"(?:x+x+)+y", "entry runaway", r"(?:x+x+)+y")
    start_document("doc-1", seconds=0.3)
    started = time.monotonic()
    with pytest.raises(LexiconError) as err:
        rx.search("x" * 5000)
    assert time.monotonic() - started < 10  # unguarded, this search runs for minutes
    assert err.value.code == "D315"
    assert err.value.message == "entry runaway: regex '(?:x+x+)+y' ran over the time limit of 0.3 s on document doc-1"
    assert "DISCOURSE_REGEX_TIMEOUT" in err.value.hint


def test_matching_over_the_budget_is_d315_naming_the_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCOURSE_REGEX_TIMEOUT", "1e-9")  # any regex call is over this budget
    lexicon = load_lexicon()
    regex_entries = {e.id for e in lexicon.entries if any(p.mode == "regex" for p in e.patterns)}
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        doc = ROOT / "corpus" / "examples" / "2015-11-20_aze_speech_en.txt"
        assert corpus.ingest([doc], meta=DocumentMeta(country="AZE", doc_type="speech", language="en",
                                                      date="2015-11-20")).failed == []
        (doc_id,) = corpus.documents()["id"]
        with pytest.raises(LexiconError) as err:
            match_corpus(corpus, lexicon, workers=0, progress=False)
    assert err.value.code == "D315"
    owner = err.value.message.split(":", 1)[0]
    assert owner.split()[0] in ("entry", "actor") and err.value.message.endswith(f"on document {doc_id}")
    if owner.startswith("entry "):
        assert owner.split()[1] in regex_entries


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_bad_time_limit_is_d316(monkeypatch, value):
    monkeypatch.setenv("DISCOURSE_REGEX_TIMEOUT", value)
    with pytest.raises(LexiconError) as err:
        limit_seconds()
    assert err.value.code == "D316"
    assert err.value.message == f"DISCOURSE_REGEX_TIMEOUT={value!r} is not a positive number of seconds"


def test_the_default_time_limit(monkeypatch):
    monkeypatch.delenv("DISCOURSE_REGEX_TIMEOUT", raising=False)
    assert limit_seconds() == 5.0
    monkeypatch.setenv("DISCOURSE_REGEX_TIMEOUT", "2.5")
    assert limit_seconds() == 2.5
