"""Per-language spaCy pipelines; nothing is ever downloaded.

The default pipeline of a language is ``spacy.blank(lang)`` + a sentencizer + a lemmatizer: for Russian the
morphological analyzer pymorphy3 (``morph.py``, rule ``pymorphy3-v1``), for other languages the lookup table of
spacy-lookups-data when it has one (English does; Azerbaijani does not, so its lemmas are the lower-cased forms
and lexicon patterns for Azerbaijani use stem or suffix mode). A trained pipeline is used only
when it is installed and named, via ``get_pipeline(lang, model=...)`` or ``DISCOURSE_SPACY_MODELS`` (for example
``en=en_core_web_sm,ru=ru_core_news_sm``).

The matcher tokenizes only the sentences that hold candidate hits (see ``docs/matching.md``); a tokenized
sentence is cached in the store as token offsets and lemmas, and rebuilt as a :class:`spacy.tokens.Doc`
without calling the tokenizer again (:meth:`Pipeline.rebuild`).

>>> p = get_pipeline("ru")
>>> p.tokenize("Интеграцию не остановить").lemmas
['интеграция', 'не', 'остановить']
"""

from __future__ import annotations

import functools
import gzip
import json
import os
from array import array
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import ConfigError

__all__ = ["Pipeline", "Tokens", "get_pipeline", "has_lemma_table", "lemma_table", "forms_of", "TOKENIZE_CALLS"]

LEMMA_RULE = "lookup-lemma-v1"
#: Languages lemmatized by a morphological analyzer instead of a lookup table (``morph.py``).
MORPH_LANGS = {"ru": "pymorphy3-v1"}

#: Number of texts each language's tokenizer was run on in this process (tests use it to prove caching).
TOKENIZE_CALLS: Counter = Counter()


def _lookups_dir() -> Path | None:
    try:
        import spacy_lookups_data  # deferred: spaCy is heavy; loaded when a pipeline is first built
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return Path(spacy_lookups_data.__file__).parent / "data"


def has_lemma_table(lang: str) -> bool:
    """Whether spacy-lookups-data ships a lemma lookup table for ``lang``."""
    d = _lookups_dir()
    return bool(d and (d / f"{lang}_lemma_lookup.json.gz").exists())


@functools.lru_cache(maxsize=None)
def lemma_table(lang: str) -> dict[str, str]:
    """The form -> lemma lookup table of ``lang`` (empty when there is none)."""
    if not has_lemma_table(lang):
        return {}
    with gzip.open(_lookups_dir() / f"{lang}_lemma_lookup.json.gz", "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    return {k.lower().replace("ё", "е"): v.lower().replace("ё", "е") for k, v in table.items()}


@functools.lru_cache(maxsize=None)
def forms_of(lang: str, lemma: str) -> frozenset[str]:
    """Every lower-case form whose lemma is ``lemma`` (Russian: the pymorphy3 lexeme; else the lookup table),
    plus the lemma itself.

    >>> sorted(forms_of("en", "integrate"))
    ['integrate', 'integrated', 'integrates', 'integrating']
    """
    lemma = lemma.lower().replace("ё", "е")
    if lang in MORPH_LANGS:
        from .morph import ru_forms

        return ru_forms(lemma)
    return frozenset([form for form, lem in lemma_table(lang).items() if lem == lemma] + [lemma])


def _installed_models() -> dict[str, str]:
    spec = os.environ.get("DISCOURSE_SPACY_MODELS", "")
    out = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if "=" not in part:
            raise ConfigError("D011", f"DISCOURSE_SPACY_MODELS item {part!r} is not LANG=PACKAGE",
                              hint="e.g. DISCOURSE_SPACY_MODELS=en=en_core_web_sm,ru=ru_core_news_sm")
        lang, model = part.split("=", 1)
        out[lang.strip()] = model.strip()
    return out


class _MorphTable:
    """A lookup-table look-alike (``get(form, default)``) backed by a morphological analyzer."""

    def __init__(self, lemmatize):
        self._lemmatize = lemmatize

    def __bool__(self) -> bool:
        return True

    def get(self, form: str, default: str) -> str:
        return self._lemmatize(form) if form[:1].isalpha() else default


class Pipeline:
    """A tokenizer + sentencizer + lemmatizer for one language, and the key its cached tokens are stored under."""

    def __init__(self, lang: str, model: str | None = None):
        self.lang = lang
        self.model = model
        self._nlp = None
        if model:
            try:
                model_version = version(model)
            except PackageNotFoundError:
                raise ConfigError("D012", f"spaCy pipeline {model!r} is not installed (discourse never downloads models)",
                                  hint=f"install it yourself (`python -m spacy download {model}`) or leave it unset to use the blank pipeline") from None
            self.key = f"{lang}:{model}-{model_version}"
            self._table = None
        else:
            spacy_minor = version("spacy").rsplit(".", 1)[0]
            if lang in MORPH_LANGS:
                from .morph import ru_lemma

                self._table = _MorphTable(ru_lemma)
                self.key = f"{lang}:blank-spacy{spacy_minor}+{MORPH_LANGS[lang]}"
            else:
                self._table = lemma_table(lang)
                self.key = f"{lang}:blank-spacy{spacy_minor}+{LEMMA_RULE if self._table else 'lower'}"

    @property
    def nlp(self):
        """The spaCy Language, built on first use (rebuilding cached tokens needs no spaCy at all)."""
        if self._nlp is None:
            import spacy  # deferred: spaCy is heavy; loaded when a pipeline is first built

            if self.model:
                nlp = spacy.load(self.model, exclude=["ner", "parser", "textcat"])
                if "sentencizer" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
                    nlp.add_pipe("sentencizer")
            else:
                try:
                    nlp = spacy.blank(self.lang)
                except Exception as exc:  # spaCy raises ImportError/KeyError for unknown languages
                    raise ConfigError("D013", f"spaCy has no language {self.lang!r}: {exc}",
                                      hint="use an ISO 639-1 code spaCy supports") from None
                nlp.add_pipe("sentencizer")
            self._nlp = nlp
        return self._nlp

    def tokenize(self, text: str) -> "Tokens":
        """Tokenize (and lemmatize) ``text``; counted in :data:`TOKENIZE_CALLS`."""
        TOKENIZE_CALLS[self.lang] += 1
        if self._table is None:  # a trained pipeline: its own lemmatizer
            doc = self.nlp(text)
            starts = [t.idx for t in doc]
            ends = [t.idx + len(t.text) for t in doc]
            return Tokens(text, starts, ends, [t.lemma_.lower() or t.lower_ for t in doc])
        from spacy.attrs import IDX, LENGTH  # deferred: spaCy is heavy; loaded when a pipeline is first built

        doc = self.nlp.make_doc(text)
        arr = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        starts = [a for a, _ in arr]
        ends = [a + n for a, n in arr]
        table = self._table
        lemmas = []
        for s, e in zip(starts, ends):
            low = text[s:e].lower().replace("ё", "е")
            lemmas.append(table.get(low, low))
        return Tokens(text, starts, ends, lemmas)

    def rebuild(self, text: str, offsets: bytes, lemmas: str) -> "Tokens":
        """Tokens from cached offsets and lemmas (see :meth:`Tokens.pack`), without running the tokenizer."""
        arr = array("I")
        arr.frombytes(offsets)
        starts, ends = arr[0::2].tolist(), arr[1::2].tolist()
        lem = lemmas.split("\x1f") if lemmas else [""] * len(starts)
        return Tokens(text, starts, ends, [l or text[s:e].lower() for l, s, e in zip(lem, starts, ends)])


class Tokens:
    """Tokens of one sentence: character offsets (relative to ``text``), lower-case words and lemmas."""

    __slots__ = ("text", "starts", "ends", "lemmas", "_words")

    def __init__(self, text: str, starts: list[int], ends: list[int], lemmas: list[str]):
        self.text, self.starts, self.ends, self.lemmas = text, starts, ends, lemmas
        self._words = None

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def words(self) -> list[str]:
        """Lower-case token texts."""
        if self._words is None:
            self._words = [self.text[s:e].lower() for s, e in zip(self.starts, self.ends)]
        return self._words

    def doc(self, vocab):
        """A spaCy Doc of these tokens with their lemmas (for the Matcher), built without the tokenizer."""
        from spacy.tokens import Doc  # deferred: spaCy is heavy; loaded when a pipeline is first built

        words = [self.text[s:e] for s, e in zip(self.starts, self.ends)]
        spaces = [self.ends[i] < self.starts[i + 1] for i in range(len(words) - 1)] + ([False] if words else [])
        return Doc(vocab, words=words, spaces=spaces, lemmas=self.lemmas)

    def pack(self) -> tuple[bytes, str]:
        """Token offsets (uint32 start/end pairs) and lemmas ('' where the lemma is the lower-case form)."""
        arr = array("I")
        for s, e in zip(self.starts, self.ends):
            arr.append(s)
            arr.append(e)
        lem = ["" if l == w else l for l, w in zip(self.lemmas, self.words)]
        return arr.tobytes(), ("\x1f".join(lem) if any(lem) else "")


@functools.lru_cache(maxsize=None)
def _pipeline(lang: str, model: str | None) -> Pipeline:
    return Pipeline(lang, model)


def get_pipeline(lang: str, model: str | None = None) -> Pipeline:
    """The (cached) pipeline of ``lang``: the named trained ``model`` if given, else ``DISCOURSE_SPACY_MODELS``,
    else the blank pipeline."""
    return _pipeline(lang, model or _installed_models().get(lang))
