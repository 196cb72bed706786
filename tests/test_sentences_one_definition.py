"""One sentence definition (sentences-v1) for the stored sentence counts the bootstrap resamples and for the
sentence the matcher places each hit in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from discourse import Corpus
from discourse.lexicon import load_lexicon
from discourse.match import _sentences, _to_orig, _view, hits, match_corpus
from discourse.metadata import DocumentMeta
from discourse.normalize import SENTENCES_RULE, count_sentences, sentence_starts, text_counts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "examples"


def test_count_is_the_number_of_matcher_sentences():
    text = "Mr. Aliyev spoke in Baku. The U.S. replied at once!\n\nthen a new paragraph. 2015 was next."
    assert sentence_starts(text) == [0, 26, 53, 75]
    assert count_sentences(text) == 4 == text_counts(text)[1]
    assert _sentences is sentence_starts
    assert count_sentences("") == 0 and count_sentences("one line without a stop") == 1


def test_stored_counts_and_hit_sentences_agree_on_the_demo_corpus(tmp_path):
    lexicon = load_lexicon()
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        assert corpus.ingest([EXAMPLES], manifest=EXAMPLES / "manifest.csv").failed == []
        match_corpus(corpus, lexicon, progress=False)
        found = hits(corpus, lexicon, progress=False)
        docs = corpus.documents()
        checked = 0
        for doc_id, stored in zip(docs["id"], docs["sentences"]):
            text = corpus.text(doc_id)
            view, vpos, removed = _view(text)
            starts = [_to_orig(s, vpos, removed) for s in sentence_starts(view)]
            assert stored == len(starts) == count_sentences(text), doc_id
            doc_hits = set(found.loc[found["doc_id"] == doc_id, "sent_start"])
            assert doc_hits <= set(starts), doc_id
            checked += bool(doc_hits)
        assert checked >= 10  # most demo documents have hits


def test_store_recounts_sentences_when_the_rule_changes(tmp_path):
    db = tmp_path / "s.sqlite"
    with Corpus.open(db) as corpus:
        meta = DocumentMeta(country="AZE", doc_type="speech", language="en", date="2015-11-20")
        assert corpus.ingest([EXAMPLES / "2015-11-20_aze_speech_en.txt"], meta=meta).failed == []
        (doc_id,) = corpus.documents()["id"]
        expected = count_sentences(corpus.text(doc_id))
    conn = sqlite3.connect(db)
    with conn:  # as a store written under the earlier rule (no sentences_rule, another count)
        conn.execute("UPDATE documents SET sentences = 999")
        conn.execute("DELETE FROM meta WHERE key = 'sentences_rule'")
    conn.close()
    with Corpus.open(db) as corpus:
        assert corpus.documents()["sentences"].tolist() == [expected]
        assert expected != 999
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'sentences_rule'").fetchone()[0] == SENTENCES_RULE
    conn.close()


def test_the_ascii_scan_finds_the_same_sentences(ungdc_sample):
    """Texts without "…" are split with an ASCII-only first character (faster, issue 17): the same starts as the
    full rule on every statement of the UNGDC sample and on texts written around the punctuation."""
    import re

    from discourse import normalize

    def full(text):
        ends = [m.end() for m in normalize._SENT_PUNCT.finditer(text)]
        paras = [m.end() for m in re.finditer(r"\n[ \t]*\n", text)]
        return [0] + sorted(set(ends) | set(paras))

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(ungdc_sample.glob("*.txt"))]
    texts += ["Really?! Yes. Mr. Aliyev said “no.” Then… Later?. Fine", "A. B. The end!!! “Next” one.\n\nthen"]
    assert sum("…" in t for t in texts) >= 1 and sum("…" not in t for t in texts) > 300
    for text in texts:
        assert normalize.sentence_starts(text) == full(text)
