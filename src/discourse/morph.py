"""Morphology for matching: the Azerbaijani suffix rule and Russian lemmas from pymorphy3.

Azerbaijani (``az-suffix-v1``; no trained model exists, so a documented rule stands in for one). A word of a
``suffix`` pattern matches its written stem followed by a *suffix chain* that obeys Azerbaijani vowel harmony
and buffer consonants (``docs/lexicon-az-ru.md``, "The Azerbaijani suffix rule"):

* slots, in order, each optional: plural ``-lar/-lər``; possessive (3rd person ``-ı/-i/-u/-ü``, after a vowel
  ``-sı/-si/-su/-sü``; 1st/2nd person ``-(ı)m``, ``-(ı)mız``, ``-(ı)n``, ``-(ı)nız``); case (genitive ``-(n)ın``,
  dative ``-(y)a``, accusative ``-(n)ı``, locative ``-da``, ablative ``-dan``, instrumental ``-(y)la``, and after
  a 3rd-person possessive the pronominal ``n``: ``-na``, ``-nı``, ``-nda``, ``-ndan``); the relative ``-kı/-ki``
  after a locative; the copula ``-dır/-dir/-dur/-dür``;
* two-way harmony (``a``/``ə``) and four-way harmony (``ı/i/u/ü``) follow the last vowel before the suffix;
* after a vowel the buffer consonants are ``y`` (dative, instrumental), ``n`` (genitive, accusative) and ``s``
  (3rd-person possessive); after a consonant there is none;
* a stem of two or more syllables ending in ``q`` or ``k`` may voice it before a vowel (``tərəfdaşlıq`` ->
  ``tərəfdaşlığı``, ``birlik`` -> ``birliyi``); loans that keep it (``ittifaq`` -> ``ittifaqı``) match too;
* an acronym (a pattern word in capitals: ``NATO``, ``MDB``, ``Aİ``) takes its suffixes after a hyphen or an
  apostrophe, in the harmony of its last vowel letter (read as a word: ``NATO-nun``, ``GUAM-ın``, ``ABŞ-ın``) or
  of the name of its last letter (read letter by letter: ``MDB-nin``, ``KTMT-yə``, ``Aİ-yə``). A suffix that
  obeys neither still leaves the acronym itself a hit (the hyphen ends the word), only the surface is shorter.

The matcher compares folded text, where ``İ/I/ı/i`` are one letter (``lexicon.fold``): the harmony of ``ı``
against ``i`` is therefore not checked, every other contrast (``a/ə``, ``u/ü``, buffer consonants) is.

>>> sorted(az_inflections("NATO"))[1:4]
['NATO-da', 'NATO-dadır', 'NATO-dakı']
>>> "Avropa İttifaqına" in {"Avropa " + w for w in az_inflections("İttifaq")}
True

Russian (``pymorphy3-v1``): tokens of candidate sentences are lemmatized with pymorphy3 (OpenCorpora
dictionaries, pymorphy3-dicts-ru); a ``lemma`` pattern's forms are the lexeme of its lemma.

>>> ru_lemma("Содружества")
'содружество'
"""

from __future__ import annotations

import functools
import re

from .errors import LexiconError

__all__ = ["AZ_SUFFIX_RULE", "RU_LEMMA_RULE", "az_suffixes", "az_word_regex", "az_inflections", "az_harmony",
           "ru_analyzer", "ru_lemma", "ru_forms", "ru_stem", "ru_inflect"]

AZ_SUFFIX_RULE = "az-suffix-v1"
RU_LEMMA_RULE = "pymorphy3-v1"

_VOWELS = "aıoueəiöü"
_BACK = "aıou"
_FOUR = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "ə": "i", "i": "i", "ö": "ü", "ü": "ü"}
# names of the letters, for acronyms read letter by letter (K is "ka", the rest of the consonants "Xe")
_LETTER_VOWEL = {"k": "a"}


def _lower(text: str) -> str:
    return text.replace("İ", "i").replace("I", "ı").lower()


def az_harmony(word: str) -> str | None:
    """The last vowel of ``word`` (lower-cased the Azerbaijani way), which the next suffix harmonizes with.

    >>> az_harmony("İttifaq"), az_harmony("Birlik"), az_harmony("KTMT")
    ('a', 'i', None)
    """
    for ch in reversed(_lower(word)):
        if ch in _VOWELS:
            return ch
    return None


def _two(v: str) -> str:
    return "a" if v in _BACK else "ə"


def _chains(v: str, after_vowel: bool) -> frozenset[str]:
    """Every suffix chain (real letters, lower case) after a stem whose last vowel is ``v``."""
    out: set[str] = {""}

    def add_case(prefix: str, v: str, after_vowel: bool, poss3: bool) -> None:
        a, i = _two(v), _FOUR[v]
        cases = []
        if poss3:
            cases += [f"n{i}n", f"n{a}", f"n{i}", f"nd{a}", f"nd{a}n", f"yl{a}"]
        elif after_vowel:
            cases += [f"n{i}n", f"y{a}", f"n{i}", f"d{a}", f"d{a}n", f"yl{a}"]
        else:
            cases += [f"{i}n", f"{a}", f"{i}", f"d{a}", f"d{a}n", f"l{a}"]
        for c in cases:
            s = prefix + c
            out.add(s)
            cv = v if not any(ch in _VOWELS for ch in c) else [ch for ch in c if ch in _VOWELS][-1]
            if c.startswith(("d", "nd")) and not c.endswith("n"):  # locative: relative -kı/-ki
                out.add(s + ("kı" if cv in _BACK else "ki"))
            out.add(s + f"d{_FOUR[cv]}r")  # copula after a case (İttifaqındadır)

    def after_number(prefix: str, v: str, after_vowel: bool) -> None:
        i = _FOUR[v]
        out.add(prefix + f"d{i}r")  # copula
        add_case(prefix, v, after_vowel, False)
        # possessives
        poss = [("s" if after_vowel else "") + i]  # 3rd person
        for p in poss:
            s = prefix + p
            out.add(s)
            out.add(s + f"d{_FOUR[v]}r")
            add_case(s, v, True, True)
        for p in (["m", f"m{i}z", "n", f"n{i}z"] if after_vowel else [f"{i}m", f"{i}m{i}z", f"{i}n", f"{i}n{i}z"]):
            s = prefix + p
            out.add(s)
            add_case(s, v, False, False)

    after_number("", v, after_vowel)
    a = _two(v)
    plural = f"l{a}r"
    out.add(plural)
    after_number(plural, a, False)
    return frozenset(out)


@functools.lru_cache(maxsize=None)
def az_suffixes(v: str | None, after_vowel: bool) -> frozenset[str]:
    """Suffix chains (folded: ``ı`` written ``i``) after a stem with last vowel ``v`` ending in a vowel or not.

    >>> s = az_suffixes("o", True)
    >>> "nun" in s, "ya" in s, "yə" in s, "nün" in s
    (True, True, False, False)
    """
    if v is None:
        return frozenset({""})
    return frozenset(s.replace("ı", "i") for s in _chains(v, after_vowel))


def _acronym_harmonies(word: str) -> set[tuple[str, bool]]:
    low = _lower(word)
    last = low[-1]
    states = set()
    if last in _VOWELS:
        states.add((last, True))
    else:
        states.add((_LETTER_VOWEL.get(last, "e"), True))  # the letter's name: be, ce, de ... ka
        v = az_harmony(word)
        if v is not None:
            states.add((v, False))  # read as a word
    return states


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _acronym_chains(word: str) -> frozenset[str]:
    chains: set[str] = set()
    for v, after_vowel in _acronym_harmonies(word):
        chains |= az_suffixes(v, after_vowel)
    return frozenset(chains)


@functools.lru_cache(maxsize=None)
def az_word_regex(word: str, folded: bool = True) -> str:
    r"""Regex source for one word of a ``suffix`` pattern: the stem, then the rest of the word in a group.

    The regex is permissive (``\w*`` after the stem, ``[-'’]\w+`` after an acronym): the suffix chain is
    checked by :func:`az_verifier` on the match, against the sets of :func:`az_suffixes` (one set lookup per
    word instead of a large alternation in the regex, which would be slow to compile). Groups, in order: an
    acronym has one (its suffix after the hyphen); a word of two or more syllables ending in q/k has two (the
    final letter, possibly voiced, and the rest); any other word one (the rest). With ``folded`` False the regex
    is for the original text (the case-sensitive check of acronyms), without groups.

    >>> az_word_regex("NATO"), az_word_regex("İttifaq"), az_word_regex("Rusiya")
    ("nato(?:[-'’](\\w+))?", 'ittifa([qğ])(\\w*)', 'rusiya(\\w*)')
    """
    from .lexicon_io import fold

    if _is_acronym(word):
        base = re.escape(fold(word) if folded else word)
        return base + ("(?:[-'’](\\w+))?" if folded else "(?:[-'’]\\w+)?")
    low = fold(word) if folded else word
    if not folded:
        return re.escape(low) + "\\w*"
    if _voices(word):
        voiced = "ğ" if low[-1] == "q" else "y"
        return re.escape(low[:-1]) + f"([{low[-1]}{voiced}])(\\w*)"
    return re.escape(low) + "(\\w*)"


def _voices(word: str) -> bool:
    low = _lower(word)
    return sum(ch in _VOWELS for ch in low) >= 2 and low[-1] in "qk"


def az_pattern_words(text: str) -> list[str]:
    """The words of a suffix pattern, split as the matcher splits patterns (at whitespace and hyphens)."""
    return [w for w in re.split(r"\s+|-", text.strip()) if w]


@functools.lru_cache(maxsize=None)
def az_verifier(text: str):
    """A function ``verify(match) -> end | None`` for a match of the suffix pattern ``text`` (its regex built
    from :func:`az_word_regex`, one word after another): None if a word's suffix chain breaks the rule; else
    where the hit ends (shortened to the bare acronym when a final acronym carries a suffix the rule does not
    accept, as in ``KTMT-ə``, since the hyphen ends the word anyway).

    >>> import re
    >>> rx = re.compile(az_word_regex("Avropa") + r"\\s+" + az_word_regex("İttifaq") + r"(?!\\w)")
    >>> verify = az_verifier("Avropa İttifaq")
    >>> verify(rx.match("avropa ittifaqina")), verify(rx.match("avropa ittifaqinə"))
    (17, None)
    """
    specs = []
    for word in az_pattern_words(text):
        if _is_acronym(word):
            specs.append(("acronym", _acronym_chains(word), None))
        else:
            v = az_harmony(word)
            chains = az_suffixes(v, _lower(word)[-1] in _VOWELS)
            specs.append(("voicing" if _voices(word) else "word", chains, _lower(word)[-1]))
    last = len(specs) - 1

    def verify(m) -> int | None:
        g = 1
        for k, (kind, chains, final) in enumerate(specs):
            if kind == "acronym":
                rest = m.group(g)
                if rest is not None and rest not in chains:
                    if k != last:
                        return None
                    return m.start(g) - 1  # the bare acronym
                g += 1
            elif kind == "voicing":
                letter, rest = m.group(g), m.group(g + 1)
                if rest not in chains or (letter != final and not rest[:1] in _FOLDED_VOWELS):
                    return None
                g += 2
            else:
                if m.group(g) not in chains:
                    return None
                g += 1
        return m.end()

    return verify


_FOLDED_VOWELS = set("aioueəöü")


def az_inflections(word: str) -> set[str]:
    """Every written form the suffix rule accepts for ``word`` (real letters; for tests and the docs).

    >>> sorted({"MDB-nin", "MDB-nın", "MDB-yə", "MDB-ya"} & az_inflections("MDB"))
    ['MDB-nin', 'MDB-yə']
    """
    if _is_acronym(word):
        out = {word}
        for v, after_vowel in _acronym_harmonies(word):
            out |= {f"{word}-{s}" for s in _chains(v, after_vowel) if s}
        return out
    low = word
    v = az_harmony(word)
    if v is None:
        return {word}
    after_vowel = _lower(word)[-1] in _VOWELS
    out = set()
    syllables = sum(ch in _VOWELS for ch in _lower(word))
    last = _lower(word)[-1]
    for s in _chains(v, after_vowel):
        if s and s[0] in _VOWELS and syllables >= 2 and last in "qk":
            out.add(low[:-1] + ("ğ" if last == "q" else "y") + s)
        out.add(low + s)
    return out


# -- Russian: pymorphy3 ----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def ru_analyzer():
    """The pymorphy3 analyzer for Russian (built once per process; about 0.2 s)."""
    try:
        import pymorphy3  # deferred: only Russian texts and lemma patterns need it
    except ImportError:  # pragma: no cover - a declared dependency
        raise LexiconError("D343", "Russian lemma matching needs pymorphy3 and pymorphy3-dicts-ru, which are not installed",
                           hint="pip install pymorphy3 pymorphy3-dicts-ru (they are dependencies of discourse)") from None
    return pymorphy3.MorphAnalyzer(lang="ru")


def _fold_ru(word: str) -> str:
    return word.lower().replace("ё", "е")


@functools.lru_cache(maxsize=200_000)
def ru_lemma(word: str) -> str:
    """The lemma (normal form) of a Russian word: pymorphy3's most probable parse, lower case, ``ё`` as ``е``.

    >>> ru_lemma("евразийской"), ru_lemma("Россией"), ru_lemma("НАТО")
    ('евразийский', 'россия', 'нато')
    """
    if not any("а" <= ch <= "я" or ch == "ё" for ch in word.lower()):
        return _fold_ru(word)
    return _fold_ru(ru_analyzer().parse(word)[0].normal_form)


@functools.lru_cache(maxsize=None)
def ru_forms(lemma: str) -> frozenset[str]:
    """Every form (folded) of the lexemes whose normal form is ``lemma``, and the lemma itself.

    >>> sorted(ru_forms("союз"))[:3]
    ['союз', 'союза', 'союзам']
    """
    lemma = _fold_ru(lemma)
    forms = {lemma}
    for p in ru_analyzer().parse(lemma):
        if _fold_ru(p.normal_form) == lemma:
            forms |= {_fold_ru(f.word) for f in p.lexeme}
    return frozenset(forms)


def ru_stem(lemma: str) -> str:
    """The longest prefix shared by every form of ``lemma``: what a careful hand-written stem pattern would be.

    >>> ru_stem("интеграция"), ru_stem("союзник"), ru_stem("независимый")
    ('интеграци', 'союзник', 'независим')
    """
    lemma = _fold_ru(lemma)
    forms = {lemma}
    for p in ru_analyzer().parse(lemma):
        if _fold_ru(p.normal_form) == lemma:  # comparatives and superlatives (наи-...-ейший) are not stems' business
            forms |= {_fold_ru(f.word) for f in p.lexeme if not ({"COMP", "Supr"} & set(f.tag.grammemes))}
    forms = sorted(forms)
    first, last = forms[0], forms[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n] or lemma


def ru_inflect(phrase: str, case: str) -> str | None:
    """``phrase`` with its head noun and the adjectives before it put in grammatical ``case`` (pymorphy3
    tags: nomn, gent, datv, accs, ablt, loct); what follows the head noun (a genitive, a preposition) and
    abbreviations stay. None if a word cannot be inflected.

    >>> ru_inflect("Евразийский экономический союз", "ablt")
    'Евразийским экономическим союзом'
    >>> ru_inflect("Движение неприсоединения", "loct")
    'Движении неприсоединения'
    """
    out = []
    words = phrase.split(" ")
    for k, word in enumerate(words):
        parses = ru_analyzer().parse(word)
        p = next((q for q in parses if q.tag.case == "nomn"), None)
        if p is None or word.isupper() or "Fixd" in p.tag or "-" in word or p.tag.POS == "PREP":
            out.extend(words[k:] if p is None or p.tag.POS == "PREP" else [word])
            if p is None or p.tag.POS == "PREP":
                break
            continue
        if p.tag.POS not in ("NOUN", "ADJF", "PRTF"):
            out.append(word)
            continue
        f = p.inflect({case})
        if f is None:
            return None
        w = f.word
        out.append(w[0].upper() + w[1:] if word[0].isupper() else w)
        if p.tag.POS == "NOUN":
            out.extend(words[k + 1:])
            break
    return " ".join(out)
