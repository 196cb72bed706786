"""Free phrase search in stored texts: an FTS5 prefilter, then the lexicon's phrase rule on each document."""

from __future__ import annotations

import re

from .errors import LexiconError
from .lexicon import Pattern, fold
from .store import documents as _docs
from .matcher import CONTEXT_CHARS
from .match_patterns import _W, _pattern_regex, _to_orig, _view


def phrase_hits(corpus, phrase: str, where: str, params: list) -> list[tuple]:
    """Hits of a free phrase in the stored texts of the filtered documents (FTS5 prefilter + the phrase rule).

    The phrase is matched like a lexicon phrase pattern (case-insensitive, hyphen/space/line-break tolerant);
    returns rows shaped like :func:`discourse.store.matches.kwic_rows` (no negation or target).
    """
    words = [w for w in re.findall(r"\w+", phrase) if w]
    if not words:
        raise LexiconError("D311", f"the phrase {phrase!r} has no word characters", hint="search for words, e.g. \"Non-Aligned Movement\"")
    pattern = Pattern("en", "phrase", phrase.strip())
    rx = re.compile(_pattern_regex(pattern))
    store = corpus.store
    from .store.phrases import phrase_documents, prepare_index

    use_index = prepare_index(store)
    out = []
    with store.read() as conn:
        docs = phrase_documents(conn, phrase, where, params, use_index=use_index)  # same folding as the rule
        meta = _docs.dates_of(conn, [d[0] for d in docs]) if docs else {}
    for doc_id, lang, text, page_csv in docs:
        view, vpos, removed = _view(text)
        folded = fold(view)
        pages = [int(x) for x in page_csv.split(",")] if page_csv else [0]
        pos = 0
        while True:
            m = rx.search(folded, pos)
            if m is None:
                break
            pos = m.start() + 1
            if m.start() > 0 and _W.match(folded, m.start() - 1):
                continue
            s, e = _to_orig(m.start(), vpos, removed), _to_orig(m.end(), vpos, removed, end=True)
            date, year, country = meta[doc_id]
            out.append((doc_id, date, year, country, _docs.page_of(pages, s), text[max(0, s - CONTEXT_CHARS):s],
                        text[s:e], text[e:e + CONTEXT_CHARS], 0, None, None, None, None, s))
            pos = m.end()
    out.sort(key=lambda r: (r[2] if r[2] is not None else -1, r[1] or "", r[3] or "", r[0], r[13]))
    return out
