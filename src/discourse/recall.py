"""Recall sets: sentences with the lexicon entries (and actors) they express, and the matcher's recall/precision.

A recall set is a UTF-8 CSV (``tests/data/recall_az.csv``, ``tests/data/recall_ru.csv``) with the header
``id,language,sentence,form,entries,actor``:

* ``id``: unique in the file; ``language``: ``az`` or ``ru`` (any lexicon language);
* ``sentence``: a sentence written for the project (illustrative, official style);
* ``form``: the surveyed form the row exercises (``docs/lexicon-az-ru.md``);
* ``entries``: the entry ids the sentence expresses, ``;``-separated, or ``none`` (a negative that must give
  no hit);
* ``actor``: optionally a gazetteer actor id the sentence names (checked against the actors found in it).

:func:`evaluate` matches every sentence with :func:`discourse.match.match_text` and counts, per language,
true positives (an expected entry found), false positives (an entry found that the row does not list) and false
negatives (an expected entry not found).

>>> from discourse.lexicon import load_lexicon
>>> rows = [RecallRow("a1", "az", "NATO-ya üzvlük gündəmdə deyil.", "NATO-ya", ("nato_partnership",), "nato", 2)]
>>> evaluate(rows, load_lexicon())["az"]["recall"]
1.0
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .errors import LexiconError
from .lexicon import LANGUAGES, Lexicon, Pattern, fold

__all__ = ["RecallRow", "RECALL_COLUMNS", "load_recall", "evaluate", "actors_in", "stem_variant"]

RECALL_COLUMNS = ["id", "language", "sentence", "form", "entries", "actor"]


@dataclass(frozen=True)
class RecallRow:
    id: str
    language: str
    sentence: str
    form: str
    entries: tuple[str, ...]   # empty: a negative
    actor: str | None
    line: int


def load_recall(path: str | Path, lexicon: Lexicon) -> list[RecallRow]:
    """Read and check a recall set against ``lexicon`` (entry and actor ids must exist).

    Raises LexiconError D340 (file missing or not UTF-8), D341 (header), D342 (a bad row, naming its line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError("D340", f"recall set {path} does not exist",
                           hint="give the path of a recall CSV such as tests/data/recall_az.csv") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError("D340", f"cannot read recall set {path}: {exc}", hint="save the recall set as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header != RECALL_COLUMNS:
        raise LexiconError("D341", f"{path}:1: recall set header is {header!r}, expected {','.join(RECALL_COLUMNS)}",
                           hint="the header must be exactly: " + ",".join(RECALL_COLUMNS))
    entry_ids = {e.id for e in lexicon.entries}
    actor_ids = {a.id for a in lexicon.actors}
    rows: list[RecallRow] = []
    seen: set[str] = set()
    for rec in reader:
        line = reader.line_num
        if not rec or not any(c.strip() for c in rec):
            continue

        def bad(msg: str, hint: str) -> LexiconError:
            return LexiconError("D342", f"{path}:{line}: {msg}", hint=hint)

        if len(rec) != len(RECALL_COLUMNS):
            raise bad(f"{len(rec)} fields, expected {len(RECALL_COLUMNS)}", "quote a sentence that holds a comma")
        rid, lang, sentence, form, entries, actor = (c.strip() for c in rec)
        if not rid or rid in seen:
            raise bad(f"id {rid!r} is empty or repeated", "give every row its own id")
        seen.add(rid)
        if lang not in LANGUAGES:
            raise bad(f"language {lang!r} is not one of {', '.join(LANGUAGES)}", "use az or ru")
        if not sentence or not form:
            raise bad("empty sentence or form", "every row needs a sentence and the surveyed form it exercises")
        ids = () if entries == "none" else tuple(e.strip() for e in entries.split(";") if e.strip())
        if entries != "none" and not ids:
            raise bad("entries is empty", "list the entry ids the sentence expresses, or write none")
        unknown = [e for e in ids if e not in entry_ids]
        if unknown:
            raise bad(f"unknown entry id(s) {', '.join(unknown)}", "use the ids of `discourse lexicon show`")
        if actor and actor not in actor_ids:
            raise bad(f"unknown actor id {actor!r}", "use an actor id of models/lexicons/actors.yaml")
        rows.append(RecallRow(rid, lang, sentence, form, ids, actor or None, line))
    return rows


def actors_in(text: str, lang: str, lexicon: Lexicon) -> list[str]:
    """Ids of the gazetteer actors named in ``text`` (the matcher's actor scan; longest wins)."""
    from .match import _Compiled, _longest  # the matcher's own scan, so the check is the one hits use

    scan = _Compiled.build(list(lexicon.actors), lang)
    return [lexicon.actors[c[2]].id for c in _longest(scan.find(fold(text), text))]


def evaluate(rows: list[RecallRow], lexicon: Lexicon) -> dict[str, dict]:
    """Per language: tp, fp, fn, recall, precision, actor_rows, actor_found, and the rows that missed or over-hit."""
    from .match import match_text

    out: dict[str, dict] = {}
    for row in rows:
        m = out.setdefault(row.language, {"rows": 0, "tp": 0, "fp": 0, "fn": 0, "actor_rows": 0, "actor_found": 0,
                                          "missed": [], "extra": [], "actor_missed": []})
        m["rows"] += 1
        found = {h.entry_id for h in match_text(row.sentence, row.language, lexicon)}
        expected = set(row.entries)
        m["tp"] += len(found & expected)
        m["fp"] += len(found - expected)
        m["fn"] += len(expected - found)
        if expected - found:
            m["missed"].append((row.id, sorted(expected - found)))
        if found - expected:
            m["extra"].append((row.id, sorted(found - expected)))
        if row.actor:
            m["actor_rows"] += 1
            if row.actor in actors_in(row.sentence, row.language, lexicon):
                m["actor_found"] += 1
            else:
                m["actor_missed"].append((row.id, row.actor))
    for m in out.values():
        m["recall"] = round(m["tp"] / (m["tp"] + m["fn"]), 4) if m["tp"] + m["fn"] else 1.0
        m["precision"] = round(m["tp"] / (m["tp"] + m["fp"]), 4) if m["tp"] + m["fp"] else 1.0
    return out


def stem_variant(lexicon: Lexicon, lang: str = "ru") -> Lexicon:
    """The lexicon with the morphology of ``lang`` replaced by prefix stems, the same terms otherwise.

    Russian ``lemma`` patterns become the stem a careful hand-stemmer would write (each word cut to the prefix
    shared by all forms of its lemma, :func:`discourse.morph.ru_stem`); Azerbaijani ``suffix`` patterns become
    stem patterns of the same words (a final q/k dropped, acronyms whole words). Used to measure pymorphy3 and the
    suffix rule against stems (``docs/lexicon-az-ru.md``).
    """
    from .morph import ru_stem

    def az_stem(word: str) -> str:
        if word.isupper():  # an acronym: a whole word, as before the suffix rule
            return word
        return word[:-1] if word[-1:] in "qk" else word

    def conv(p: Pattern) -> Pattern:
        if p.lang != lang:
            return p
        if p.mode == "lemma":
            return Pattern(p.lang, "stem", " ".join(ru_stem(w) for w in p.text.split()), p.case_sensitive)
        if p.mode == "suffix":
            words = p.text.split()
            if len(words) == 1 and words[0].isupper():
                return Pattern(p.lang, "phrase", p.text, p.case_sensitive)
            return Pattern(p.lang, "stem", " ".join(az_stem(w) for w in words), p.case_sensitive)
        return p

    entries = tuple(dataclasses.replace(e, patterns=tuple(conv(p) for p in e.patterns)) for e in lexicon.entries)
    return dataclasses.replace(lexicon, entries=entries, hash=lexicon.hash + "-stems")
