"""Guarded lexicon regexes: nested quantifiers are a lexicon problem with its line, and matching runs lexicon
regexes within a time budget per document, so a runaway pattern is D315 naming the entry, not a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import regex

from discourse import Corpus
from discourse.cli import main
from discourse.errors import LexiconError
from discourse.lexicon import DEFAULT_ACTORS, check_lexicon, load_lexicon
from discourse.match import match_corpus
from discourse.metadata import DocumentMeta
from discourse.match_patterns import _Compiled, _W
from discourse.normalize import fold
from discourse.regex_guard import (GuardedRegex, LinearRegex, backtracking_risk, end_document, guarded,
                                   limit_seconds, linear_time, start_document)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_budget_left_behind():
    yield
    end_document()


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


def test_a_document_s_budget_ends_with_it(monkeypatch):
    """Matching a document ends its budget: a lexicon regex called afterwards (outside a document) is not
    refused because a finished document's deadline has passed."""
    from discourse.matcher import _Matcher

    lexicon = load_lexicon()
    rx = next(it[2] for it in _Compiled.build(lexicon.entries, "en").items if isinstance(it[2], LinearRegex))
    monkeypatch.setenv("DISCOURSE_REGEX_TIMEOUT", "0.05")
    matcher = _Matcher(lexicon, lexicon.entries, "en")
    matcher.pipeline.nlp
    assert [h.entry_id for h in matcher.match("Integration into the EU.", doc_id="d1")] == ["integration"]
    time.sleep(0.1)  # d1's deadline has passed
    assert rx.match("integration into euro-atlantic structures", 0).group() == "integration into euro-atlantic"


def _lexicon_with(tmp_path, pattern: str) -> Path:
    path = tmp_path / "lex.yaml"
    path.write_text(f"name: test\nactors: {DEFAULT_ACTORS}\nentries:\n"
                    "  - id: slow\n    label: slow\n    category: hedging\n    position: 0\n    weight: 1.0\n"
                    "    on_negation: flip\n    rationale: Written for a test.\n    patterns:\n"
                    f"      en: [{{regex: '{pattern}'}}]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("pattern,engine", [
    (r"integrat\w*\w*", GuardedRegex),  # two overlapping repeats: run with the regex module's time limit
    (r"integrat\w*", LinearRegex),       # linear: run on re, the budget checked between calls
])
def test_matching_over_the_budget_is_d315_naming_the_entry(tmp_path, monkeypatch, pattern, engine):
    lexicon = load_lexicon(_lexicon_with(tmp_path, pattern))
    (item,) = _Compiled.build(lexicon.entries, "en").items
    assert type(item[2]) is engine
    monkeypatch.setenv("DISCOURSE_REGEX_TIMEOUT", "1e-9")  # any regex call is over this budget
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        doc = ROOT / "corpus" / "examples" / "2015-11-20_aze_speech_en.txt"
        assert "integrat" in doc.read_text(encoding="utf-8").lower()
        assert corpus.ingest([doc], meta=DocumentMeta(country="AZE", doc_type="speech", language="en",
                                                      date="2015-11-20")).failed == []
        (doc_id,) = corpus.documents()["id"]
        with pytest.raises(LexiconError) as err:
            match_corpus(corpus, lexicon, workers=0, progress=False)
    assert err.value.code == "D315"
    assert err.value.message == (f"entry slow: regex {pattern!r} ran over the time limit of 1e-09 s "
                                 f"on document {doc_id}")


@pytest.mark.parametrize("pattern,linear", [
    (r"integrat\w*\s+(?:in)?to\s+(?:the\s+)?europe", True),
    (r"(?:\w+\s+){0,2}inteqrasiya", True),          # bounded rounds, each repeat followed by another class
    (r"euro(?:\s*-\s*|\s+)?atlantic", True),        # one round: no second round follows the group
    (r"alliances?(?!\s+of\s+civili[sz]ations)(?!\w)", True),
    (r"\w*(?!\w)", True),                            # a short lookahead costs O(1) wherever it is tried
    (r"\w++\w", True),                               # possessive: never gives a character back
    (r"(?:a|a){5}c", True),                           # 3**5 ways at most
    (r"\w*\w*x", False),                             # O(n**2): the second repeat takes what the first gave
    (r"\w+x", False),                                 # x is a word character
    (r"(?i:s?)\u017f", False),                        # long s is an s to re when case is ignored
    (r"\w*в", False),                                 # Unicode classes: в is a word character
    (r"\w*\U00020000", False),                        # a word character beyond the planes searched
    (r"\w*(?=\w*x)", False),                          # a long lookahead re-read at every step back
    (r"(?:\w+\s?){0,2}x", False),                     # the optional space lets two rounds split one word
    (r"(?:a|ab)*c", False),                            # a group repeated without limit
    (r"(?:(?:a|a){5}){5}c", False),                    # 3**25 ways of matching the same characters
    (r"(a)\1", False),                                # backreference
    (r"[[:alpha:]]+", False),                          # a POSIX class to the regex module, a set to re
    (r"\p{L}+", False),                               # regex-module syntax
])
def test_linear_time(pattern, linear):
    assert linear_time(pattern) is linear


def test_guarded_picks_the_engine():
    assert type(guarded(r"nato\w*", "entry e", r"nato\w*")) is LinearRegex
    assert type(guarded(r"nato\w*", "entry e", r"nato\w*", anchored=False)) is GuardedRegex  # searched
    assert type(guarded(r"\w*\w*x", "entry e", r"\w*\w*x")) is GuardedRegex
    assert type(guarded(r"\p{L}+nato", "entry e", r"\p{L}+nato")) is GuardedRegex


def test_the_shipped_lexicon_patterns_run_on_re_with_the_hits_of_the_regex_module(ungdc_sample):
    """Every regex pattern shipped is proved linear (a new one that is not is run under the time limit, much
    slower: issue 17), and re finds what the regex module finds at every trigger of the UNGDC sample."""
    lexicon = load_lexicon()
    texts = [fold(p.read_text(encoding="utf-8")) for p in sorted(ungdc_sample.glob("*.txt"))[:150]]
    tried = 0
    for owners in (lexicon.entries, lexicon.actors):
        for lang in ("en", "az", "ru"):
            compiled = _Compiled.build(owners, lang)
            for oi, p, rx, cs in compiled.items:
                if p.mode != "regex":
                    continue
                assert type(rx) is LinearRegex, f"{p.lang} {p.text}"
                if lang != "en":
                    continue
                other = regex.compile(rx.rx.pattern, regex.VERSION0)
                for trigger, idxs in compiled.buckets.items():
                    if compiled.items.index((oi, p, rx, cs)) not in idxs:
                        continue
                    for text in texts:
                        at = text.find(trigger)
                        while at >= 0:
                            if not (at > 0 and _W.match(text, at - 1)):
                                a, b = rx.match(text, at), other.match(text, at)
                                assert (a and a.span()) == (b and b.span()), (p.text, text[at:at + 80])
                                tried += 1
                            at = text.find(trigger, at + 1)
    assert tried > 1000


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
