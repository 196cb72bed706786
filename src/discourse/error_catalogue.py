"""The catalogue of every error code: its class, message template and hint, in one place.

The catalogue is one table by design (one place to look a code up, one place to add one), which is why this
module is over 500 lines: it is data, not several jobs.

``docs/errors.md`` is generated from this table by ``scripts/gen_errors_doc.py``;
``tests/test_error_catalogue.py`` fails when that file is stale, when a ``Dnnn`` literal anywhere in
``src/discourse`` is not catalogued here, when a raise site uses another class than the catalogue's, and when a
code's class does not match its range (see :mod:`discourse.errors`).

How to add a code
-----------------
1. Add ONE line (or one wrapped entry) to ``CODES`` below, in code order inside its stage's block::

       Code("D316", LexiconError, "{entry}: pattern {pattern} backtracks catastrophically",
            "rewrite the pattern without a quantified group that itself ends in a quantifier"),

   ``message`` is the template of what the raise site says (``{name}`` marks what it fills in); ``hint`` says
   how to fix it, speaking of parameters (Python names), never of ``--flags``. If the CLI should print another
   hint that names its flags, give it as ``cli_hint`` (the CLI prints it instead of a hint equal to ``hint``,
   see :func:`hint_for_cli`).
2. Raise it, either with the class and code (``raise LexiconError("D316", message, hint=...)``; the test
   checks the class against this table) or through :func:`error`, which looks up the class and the hint::

       raise error("D316", f"{entry_id}: pattern {pattern!r} backtracks catastrophically")

3. Run ``python scripts/gen_errors_doc.py`` to regenerate ``docs/errors.md``.

Codes are never reused or renumbered: a code a user has seen keeps its meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import (
    ConfigError,
    DiscourseError,
    EngineError,
    ExploreError,
    FetchError,
    IndicatorError,
    IngestError,
    LexiconError,
    ReportError,
    ScalingError,
    ScoreError,
    StoreError,
    ValidationError,
)

__all__ = ["Code", "CODES", "RANGES", "lookup", "error", "hint_for_cli", "class_for_range"]


@dataclass(frozen=True)
class Code:
    """One catalogued error: ``code`` (``"D203"``), the class raised, a message template and a hint."""

    code: str
    cls: type[DiscourseError]
    message: str
    hint: str | None
    cli_hint: str | None = None


# Code ranges and their classes (first, last, class); a code's class must be its range's class.
RANGES: tuple[tuple[int, int, type[DiscourseError]], ...] = (
    (0, 99, ConfigError),
    (100, 199, IngestError),
    (200, 299, StoreError),
    (300, 399, LexiconError),
    (400, 499, ScoreError),
    (500, 599, IndicatorError),
    (600, 699, ReportError),
    (700, 749, ValidationError),
    (750, 799, ScalingError),
    (800, 849, FetchError),
    (850, 869, ExploreError),
    (870, 899, EngineError),
)

# Codes kept at their first number although their class moved (a published code is never renumbered):
# D313/D314 are timeline parameters (ScoreError) that were first raised as lexicon errors.
RANGE_EXCEPTIONS = frozenset({"D313", "D314"})

_PDF_REPAIR = "repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it"
_OCR = "run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result"

CODES: tuple[Code, ...] = (
    # -- D0xx ConfigError: settings, options, environment ------------------------------------------------
    Code("D011", ConfigError, "DISCOURSE_SPACY_MODELS item {item} is not LANG=PACKAGE",
         "e.g. DISCOURSE_SPACY_MODELS=en=en_core_web_sm,ru=ru_core_news_sm"),
    Code("D012", ConfigError, "spaCy pipeline {model} is not installed (discourse never downloads models)",
         "install it yourself (`python -m spacy download {model}`) or leave it unset to use the blank pipeline"),
    Code("D013", ConfigError, "spaCy has no language {lang}: {reason}", "use an ISO 639-1 code spaCy supports"),

    # -- D1xx IngestError: reading and parsing input files ------------------------------------------------
    Code("D100", IngestError, "{path}: no such file or folder | cannot read: {reason} | nothing to ingest",
         "name files or folders that exist, or a manifest with one row per file"),
    Code("D101", IngestError, "{manifest} line {line}: not a readable CSV/YAML manifest ({reason})",
         "save the manifest as UTF-8 CSV (comma-separated, header row) or YAML"),
    Code("D102", IngestError, "{manifest} line {line}: unknown column(s) {columns}",
         "valid columns: {columns}"),
    Code("D103", IngestError, "{manifest} line {line}: no `path` column, or an empty path cell",
         "name each file in a `path` column, relative to the manifest"),
    Code("D104", IngestError, "{manifest} line {line}: file {name} does not exist (looked in {folder})",
         "paths are relative to the manifest's folder"),
    Code("D105", IngestError, "{manifest} line {line}: file {name} is already described on line {first}",
         "keep one row per file"),
    Code("D106", IngestError, "{manifest} line {line}: a row that is not a mapping, has more cells than the "
                              "header, or a value that is not a number",
         "write one row per file with the header's columns"),
    Code("D107", IngestError, "{file}: timed out after {seconds} s[ at page {page}]",
         "the file is pathological or very large; raise the time limit (Limits.seconds) if it is genuine",
         cli_hint="the file is pathological or very large; raise the limit with --timeout if it is genuine"),
    Code("D108", IngestError, "{file}: the parser process crashed ({cause})",
         "the file is probably malformed: repair or re-export it; workers=0 shows the parser's own error",
         cli_hint="the file is probably malformed: repair or re-export it; --workers 0 shows the parser's own error"),
    Code("D109", IngestError, "{file}: unexpected {exception} while reading | invalid page boundaries",
         "a reader bug in discourse: please report it with the file"),
    Code("D110", IngestError, "{where}: malformed date {value} | date {value} does not exist | malformed or "
                              "implausible year {year}",
         "use ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2015-11-04 (years 1800 to 2200)"),
    Code("D111", IngestError, "{where}: {value} is not an ISO 639-1 language code",
         "use two letters, e.g. en, az, ru"),
    Code("D112", IngestError, "{where}: {value} is not an ISO 3166-1 alpha-3 country code",
         "use three letters, e.g. AZE, RUS, USA (or EU for the European Union)"),
    Code("D113", IngestError, "{where}: unknown doc_type {doc_type}", "valid types: {types}"),
    Code("D114", IngestError, "{where}: year {year} disagrees with date {date}",
         "correct one of them, or give only the date (the year is taken from it)"),
    Code("D115", IngestError, "{where}: unknown post category {post_category}", "valid: {categories}"),
    Code("D120", IngestError, "{file}: unknown file type (extension {ext}, content not recognized as PDF, HTML "
                              "or DOCX) | a ZIP archive that is not a Word document",
         "give text files a .txt extension and web pages .html; supported: {extensions}"),
    Code("D121", IngestError, "{file}: file is {size} bytes, over the limit of {max_bytes} bytes",
         "raise Limits(max_bytes=...) in Python if the file is genuine"),
    Code("D122", IngestError, "{file}: no text found", "the file is empty or holds only markup/images"),
    Code("D123", IngestError, "{file}: extracted text has {chars} characters, over the limit of {max_text_chars}",
         "raise Limits.max_text_chars if the document is genuine"),
    Code("D124", IngestError, "{file}: the {kind} reader failed: {exception}: {reason}",
         "the file is probably damaged; re-export or repair it"),
    Code("D125", IngestError, "{file}: ran out of memory while parsing",
         "raise the memory limit (Limits.memory_mb) if the file is genuine, or split it",
         cli_hint="raise --memory-mb if the file is genuine, or split it"),
    Code("D126", IngestError, "{file}: structure nested too deeply (recursion limit hit)",
         "repair or re-export the file"),
    Code("D127", IngestError, "{file}: unknown reader kind {kind}", "kind must be one of {kinds}"),
    Code("D130", IngestError, "{file}: not a text file: {why}",
         "pass PDF, HTML, DOCX or plain-text files; convert other formats first"),
    Code("D131", IngestError, "{file}: the text encoding could not be determined, or the text is not valid in it",
         "re-save the file as UTF-8"),
    Code("D140", IngestError, "{file}: web page is {size} bytes, over the HTML limit of {max_html_bytes} bytes",
         "save only the article, or raise Limits(max_html_bytes=...) in Python if the page is genuine"),
    Code("D141", IngestError, "{file}: the page declares XML entities (<!ENTITY ...>); refused to avoid entity "
                              "expansion",
         "web pages do not need entity declarations; save the page again as plain HTML"),
    Code("D142", IngestError, "{file}: no main text found in the web page (only navigation, scripts or markup)",
         "check that the saved page holds the article itself, not a script-rendered shell"),
    Code("D143", IngestError, "{file}: the page's text encoding could not be determined (not UTF-8, "
                              "Windows-1251 or -1252)",
         "re-save the page as UTF-8 or add <meta charset=...>"),
    Code("D150", IngestError, "{file}: not a PDF (no %PDF- header in the first 1024 bytes[; the content is an "
                              "HTML page])",
         "check the file: a failed download often saves an HTML error page under a .pdf name"),
    Code("D151", IngestError, "{file}: malformed PDF: {reason}", _PDF_REPAIR),
    Code("D152", IngestError, "{file}: password-protected PDF", "pass the password (password=...)",
         cli_hint="pass the password with --password"),
    Code("D153", IngestError, "{file}: the password given does not open this PDF", "check the password"),
    Code("D154", IngestError, "{file}: broken encryption dictionary ({problem}); the file cannot be decrypted",
         "re-export the PDF without encryption or repair it with `qpdf --decrypt`"),
    Code("D155", IngestError, "{file}: unsupported PDF encryption: {what}",
         "decrypt it first, e.g. `qpdf --decrypt --password=... in.pdf out.pdf`"),
    Code("D156", IngestError, "{file}: no text layer on any of its {pages} pages (a scan or images only)", _OCR),
    Code("D157", IngestError, "{file}: more than {max_pages} pages",
         "raise the page limit (Limits.max_pages) or split the file",
         cli_hint="raise the page limit with --max-pages or split the file"),
    Code("D159", IngestError, "{file}: decompression bomb: {what}",
         "the file expands far beyond any real document; raise the memory limit (Limits.memory_mb) if it is genuine",
         cli_hint="the file expands far beyond any real document; raise --memory-mb if it is genuine"),
    Code("D160", IngestError, "{file}: no readable text: all {glyphs} glyphs lack a Unicode mapping",
         "re-export the PDF with embedded Unicode maps, or " + _OCR),
    Code("D161", IngestError, "{file}: the page tree claims {claim} pages (over the limit of {max_pages}) but "
                              "holds {pages}; refused as a corrupt or crafted page count",
         "repair it (e.g. `qpdf in.pdf out.pdf` rewrites the page tree) if the file is genuine"),
    Code("D170", IngestError, "{file}: not a valid ZIP/DOCX container, or a member cannot be read: {reason}",
         "the file is damaged or not a Word document; open and re-save it"),
    Code("D171", IngestError, "{file}: refused as a zip bomb: {why}",
         "a genuine document never expands like this; raise Limits.max_zip_ratio / max_zip_member_bytes only if "
         "you trust the file"),
    Code("D172", IngestError, "{file}: unsafe member name {name} in the archive (absolute path or '..')",
         "the archive tries to write outside its folder; do not unpack it"),
    Code("D173", IngestError, "{file}: {member} declares a DTD or XML entities ({exception}); refused",
         "Word never writes entity declarations; the file was crafted or damaged"),
    Code("D174", IngestError, "{file}: {member} is not well-formed XML: {reason}",
         "open the document in a word processor and save it again"),
    Code("D175", IngestError, "{file}: not a Word document: the archive has no word/document.xml",
         "pass .docx files saved by a word processor"),
    Code("D180", IngestError, "{path} does not exist | is not a .tar.xz, .tgz/.tar.gz, .tar or .zip archive, "
                              "nor a folder",
         "give the UNGDC archive (.tar.xz, .tgz, .zip) as published or its unpacked folder"),
    Code("D181", IngestError, "{archive}::{name}: unsafe member path (absolute or climbing out with '..'); refused",
         "the archive is not the published UNGDC layout; check where it came from"),
    Code("D182", IngestError, "{archive}::{member}: member is a link or special file; refused",
         "archives may hold regular files only"),
    Code("D183", IngestError, "{archive}::{name}: member is {size} bytes, over the limit of {limit} bytes; refused",
         "raise max_member_bytes if this file is genuine",
         cli_hint="raise --max-member-mb if this file is genuine"),
    Code("D184", IngestError, "{path}: the speakers table is not a readable CSV, misses column(s) {columns}, or "
                              "has a session that is not a number",
         "pass the speakers table as published (UTF-8 CSV with a header row)"),
    Code("D185", IngestError, "{path}: {algorithm} checksum {actual} does not match the expected {expected} | no "
                              "checksum published",
         "the download is damaged or not the published file; delete it and fetch again"),
    Code("D186", IngestError, "downloading {url} failed: {reason} | {doi}: no archive listed in the dataset",
         "try again later, or download the archive from https://doi.org/10.7910/DVN/0TJX8Y yourself and pass "
         "its path (source=...)",
         cli_hint="try again later, or download the archive from https://doi.org/10.7910/DVN/0TJX8Y yourself "
                  "and pass it with --from FILE"),
    Code("D187", IngestError, "{archive}: cannot read the archive ({reason})",
         "the file is damaged or truncated; download it again"),
    Code("D188", IngestError, "{path}: no statements found (no file named like ISO_NN_YYYY.txt)",
         "give the UNGDC archive as published or its unpacked folder"),
    Code("D189", IngestError, '{name} line 1: column(s) {value} given twice in the header',
         'keep one column of each name'),  # src/discourse/ingest/manifest.py:140
    Code("D190", IngestError, '{where}: session {number} is outside 1..1000',
         'write the session number of the UN General Assembly, e.g. 70'),  # src/discourse/ingest/manifest.py:287
    Code("D191", IngestError, '{where}: {outside}',
         "name files inside the manifest's folder, or pass allow_outside=True to read them",
         cli_hint="name files inside the manifest's folder, or pass --allow-outside to read them"),  # src/discourse/ingest/manifest.py:261
    Code("D192", IngestError, "{file}: a symbolic link to {target}, outside the folder {given}",
         "ingest the file by its own path, or copy it into the folder"),
    Code("D193", IngestError, "{path}: not a regular file or folder (a FIFO, device or socket)",
         "name a file or a folder"),
    Code("D194", IngestError, 'the language detector (lingua-language-detector) cannot be loaded: {__name__}: {exc}',
         'install it (`pip install lingua-language-detector`) or give every document a language (the language field of the metadata)'),  # src/discourse/ingest/language.py:64

    # -- D2xx StoreError: the SQLite store ----------------------------------------------------------------
    Code("D201", StoreError, "no store at {db}",
         "ingest documents first (`discourse ingest PATH`), or open an existing store",
         cli_hint="run `discourse ingest PATH` first, or point --db / DISCOURSE_DB at an existing store"),
    Code("D202", StoreError, "cannot create the folder of {db}: {reason}",
         "check the store's path and that its folder can be created",
         cli_hint="check the path given to --db / DISCOURSE_DB and that its folder can be created"),
    Code("D203", StoreError, "{db} is on a network file system ({fstype}); SQLite's WAL mode and locking are not "
                             "safe there",
         "put the store on a local disk, or set DISCOURSE_ALLOW_NETWORK_FS=1 to use a rollback journal with a "
         "single writer at a time"),
    Code("D204", StoreError, "{db} is not a usable SQLite store: {reason}", "check the store's path",
         cli_hint="check the path given to --db / DISCOURSE_DB"),
    Code("D205", StoreError, "cannot start a write on {db}: {reason}",
         "another process holds the store for too long; try again"),
    Code("D206", StoreError, "{db} has schema version {version}, newer than this discourse understands ({known})",
         "upgrade discourse"),
    Code("D207", StoreError, "cannot commit to {db}: {reason}; nothing of this write was kept",
         "check free disk space and permissions of the store's folder"),
    Code("D210", StoreError, "no document with id {doc_id}", "list ids with `discourse docs list`"),
    Code("D211", StoreError, "{file}: could not be stored: {reason}",
         "run the ingest again; documents already stored are skipped"),
    Code("D212", StoreError, "document id {doc_id} is the start of several ids ({ids})",
         "give more characters of the id shown by `discourse docs list`"),
    Code("D213", StoreError, '{path} is a SQLite database of another application ({what}), not a discourse store; it was left unchanged',
         'open a discourse store (or DISCOURSE_DB), or a new file name to create one',
         cli_hint='point --db (or DISCOURSE_DB) at a discourse store, or at a new file name to create one'),  # src/discourse/store/identity.py:42
    Code("D214", StoreError, '{path} is an empty database, not a discourse store',
         'ingest documents into it first (`discourse ingest PATH --db ...`), or open an existing store',
         cli_hint='ingest documents into it first (`discourse ingest PATH --db ...`), or point --db at an existing store'),  # src/discourse/store/identity.py:34

    # -- D3xx LexiconError: lexicons, gazetteers, matching ------------------------------------------------
    Code("D301", LexiconError, "lexicon file {path} does not exist | cannot read {path}: {reason}",
         "give the path of a UTF-8 YAML lexicon, e.g. models/lexicons/orientation.yaml"),
    Code("D303", LexiconError, "{path}:{line}: lexicon is invalid ({n} problem(s))",
         "run `discourse lexicon check PATH` and see docs/lexicon.md for the schema"),
    Code("D304", LexiconError, "target power {target} is not an actor of the gazetteer {path}",
         "use one of the state actors: {actors}"),
    Code("D310", LexiconError, "no lexicon entry with id or label {key} in {path}",
         "list the entries with `discourse lexicon show`"),
    Code("D311", LexiconError, "the phrase {phrase} has no word characters",
         'search for words, e.g. "Non-Aligned Movement"'),
    Code("D312", LexiconError, "negated must be 'only', 'exclude' or None, not {negated}",
         "pass negated='only' or negated='exclude', or leave it out",
         cli_hint="use --negated only or --negated exclude"),
    Code("D313", ScoreError, "cannot group a timeline by {by}", "group by one of {periods}",
         cli_hint="use --by year, month, doc_type, speaker or country"),
    Code("D314", ScoreError, "per must be a positive whole number of words, not {per}", "e.g. per=10000",
         cli_hint="e.g. --per 10000"),
    Code("D315", LexiconError, "{owner}: regex {pattern} ran over the time limit of {seconds} s on document {doc_id}",
         "rewrite the pattern without nested quantifiers (`discourse lexicon check` names them), or raise the limit "
         "with DISCOURSE_REGEX_TIMEOUT=SECONDS"),
    Code("D316", LexiconError, "DISCOURSE_REGEX_TIMEOUT={value} is not a positive number of seconds",
         "set DISCOURSE_REGEX_TIMEOUT to the seconds lexicon regexes may take per document, e.g. 5"),
    Code("D320", LexiconError, 'stance cue file {path} does not exist',
         'give the path of a stance cue YAML, e.g. models/lexicons/stance_cues.yaml'),  # src/discourse/stance.py:105
    Code("D321", LexiconError, '{problems}: stance cue file is invalid ({problems} problem(s)):\n{shown}',
         'see docs/stance.md for the layout of the stance cue file'),  # src/discourse/stance.py:252
    Code("D322", LexiconError, 'unknown stance(s) {value}',
         'a stance is one of {value}'),  # src/discourse/match.py:833
    Code("D340", LexiconError, 'recall set {path} does not exist',
         'give the path of a recall CSV such as tests/data/recall_az.csv'),  # src/discourse/recall.py:58
    Code("D341", LexiconError, '{path}:1: recall set header is {header}, expected {value}',
         'the header must be exactly: {message}'),  # src/discourse/recall.py:65
    Code("D342", LexiconError, '{path}:{line}: {msg}',
         '{message}'),  # src/discourse/recall.py:77
    Code("D343", LexiconError, 'Russian lemma matching needs pymorphy3 and pymorphy3-dicts-ru, which are not installed',
         'pip install pymorphy3 pymorphy3-dicts-ru (they are dependencies of discourse)'),  # src/discourse/morph.py:302

    # -- D4xx ScoreError: scores, timelines, exports ------------------------------------------------------
    Code("D401", ScoreError, "unknown export format {fmt}", "use csv or parquet"),
    Code("D402", ScoreError, "seed must be a non-negative integer, got {seed}", "e.g. seed=1",
         cli_hint="e.g. --seed 1"),
    Code("D403", ScoreError, "confidence level must be between 0 and 1 (exclusive), got {level}",
         "e.g. level=0.9 for a 90% interval", cli_hint="e.g. --ci-level 0.9 for a 90% interval"),
    Code("D404", ScoreError, "replicates must be a positive integer, got {replicates}",
         "use at least 1000 for a 95% interval"),
    Code("D405", ScoreError, "min_hits must be a non-negative integer, got {min_hits}", "e.g. min_hits=5",
         cli_hint="e.g. --min-hits 5"),
    Code("D406", ScoreError, "{what} frame lacks column(s) {columns}", "{what} needs the columns: {columns}"),
    Code("D407", ScoreError, "entries have unknown on_negation value(s) {values}", "use flip, drop or keep"),
    Code("D408", ScoreError, "hit in document {doc_id} refers to entry {entry}, which is not in the lexicon",
         "re-run matching with the lexicon you score with (`discourse score` does this)"),
    Code("D409", ScoreError, "hit in document {doc_id} was matched with an older version of entry {entry}",
         "re-run matching (`discourse score` does this)"),
    Code("D410", ScoreError, "cannot read the period window {window} in {spec} | no period windows in {spec}",
         'write windows as "2009-2012,2013-2016"'),
    Code("D411", ScoreError, "period window {a}-{b} ends before it starts", "write the earlier year first"),
    Code("D412", ScoreError, "unknown period {by}", 'use year, month, or windows such as "2009-2012,2013-2016"'),
    Code("D413", ScoreError, "unknown weighting {weighting}", "use words or equal"),
    Code("D414", ScoreError, "cannot group by {group_by}", "use one of {columns}"),
    Code("D415", ScoreError, "a rolling window needs yearly periods | rolling window must be a positive number "
                             "of years, got {rolling}",
         "give rolling as a positive number of years with by='year', or leave it out",
         cli_hint="give --rolling N (years) with --level year, or drop --rolling"),
    Code("D416", ScoreError, "unknown document filter(s): {filters}", "filters are {valid}"),
    Code("D417", ScoreError, "unknown score level {level}", "use document, year, month or window"),
    Code("D418", ScoreError, "level window needs the windows", 'pass windows="2009-2012,2013-2016"',
         cli_hint='add --windows "2009-2012,2013-2016"'),
    Code("D419", ScoreError, "none of the {n} selected documents has a month in its date, so there are no "
                             "monthly periods",
         "score by year (UN General Debate statements, for example, are dated by year only)",
         cli_hint="use --level year (UN General Debate statements, for example, are dated by year only)"),
    Code("D420", ScoreError, 'entries have unknown {col} value(s) {bad}',
         '{col} must be flip, drop or keep (see docs/scoring.md)'),  # src/discourse/score.py:178
    Code("D421", ScoreError, 'hit in document {row} has unknown stance {row}',
         'a stance is one of {value} (stance-v1); re-run matching'),  # src/discourse/score.py:250
    Code("D422", ScoreError, '{path}: line 1 is not the coding CSV header (got {header} columns)',
         'the header is: {message}'),  # src/discourse/stance_eval.py:48
    Code("D423", ScoreError, 'gold row {sample_id}: the statement {doc_id} is not in {sample}',
         'point sample at the UNGDC sample folder (../shared/data/ungdc/sample)'),  # src/discourse/stance_eval.py:112
    Code("D440", ScoreError, '{path} is a SQLite database (a discourse store?); it is never overwritten by an output',
         '{message}'),  # src/discourse/safeio.py:86
    Code("D441", ScoreError, '{path} is a folder, not a file',
         '{message}'),  # src/discourse/safeio.py:78
    Code("D442", ScoreError, '{path} is a symbolic link; discourse does not write through links',
         '{message}'),  # src/discourse/safeio.py:76
    Code("D443", ScoreError, '{path} is not a regular file (a FIFO, device or socket)',
         '{message}'),  # src/discourse/safeio.py:80
    Code("D444", ScoreError, 'cannot write {path}: part of its folder ({parent}) is a file, not a folder',
         '{message}'),  # src/discourse/safeio.py:71
    Code("D445", ScoreError, '{path} is outside the output folder {folder}',
         'write every output inside the output folder',
         cli_hint='write every output inside the folder given with --out'),  # src/discourse/safeio.py:276
    Code("D446", ScoreError, 'replicates {replicates} is more than {MAX_REPLICATES}',
         'use at most {MAX_REPLICATES} (1000 is enough for a 95% interval)'),  # src/discourse/score.py:108
    Code("D447", ScoreError, 'rolling window of {rolling} years is longer than {MAX_ROLLING} years',
         'use at most {MAX_ROLLING} (years run from 1800 to 2200)'),  # src/discourse/score.py:585

    # -- D5xx IndicatorError: indicators and the panel ----------------------------------------------------
    Code("D501", IndicatorError, "{path}: no such file | cannot read | not UTF-8 text | empty file",
         "check the path; indicator files are UTF-8 CSV with a header line"),
    Code("D502", IndicatorError, "{path}: line {line}: unknown, missing or repeated column(s) | wrong number of "
                                 "fields",
         "the columns are {required} and optionally {optional}"),
    Code("D503", IndicatorError, "{path}: line {line}: value {value} is empty or not a number",
         "fix the lines named above and add the file again"),
    Code("D504", IndicatorError, "{path}: line {line}: duplicate of line {first}",
         "fix the lines named above and add the file again"),
    Code("D505", IndicatorError, "{path}: line {line}: unknown unit {unit}", "use one of the documented units: {units}"),
    Code("D506", IndicatorError, "{path}: line {line}: indicator {name} is new and has no metadata",
         "give the new indicator's label, unit and direction in a metadata file (meta=FILE.yaml, see "
         "docs/indicators.md)",
         cli_hint="give the new indicator's label, unit and direction with --meta FILE.yaml (see docs/indicators.md)"),
    Code("D507", IndicatorError, "{path}: line {line}: year {year} is not a year",
         "fix the lines named above and add the file again"),
    Code("D508", IndicatorError, "{path}: line {line}: country or partner {value} is not an ISO 3166-1 alpha-3 code",
         "fix the lines named above and add the file again"),
    Code("D509", IndicatorError, "{path}: line {line}: unit {unit} differs from the unit of {name}",
         "fix the lines named above and add the file again"),
    Code("D510", IndicatorError, "{path}: line {line}: bound {bound} must be empty, lower or upper",
         "fix the lines named above and add the file again"),
    Code("D511", IndicatorError, "{path}: line {line}: indicator name {name} is not lower-case letters, digits and "
                                 "underscores, or is computed by discourse",
         "fix the lines named above and add the file again"),
    Code("D512", IndicatorError, "{path}: {problem}", "see corpus/indicators/indicators.yaml for the expected layout"),
    Code("D513", IndicatorError, "{folder}: no indicators.yaml; the shipped indicators are missing",
         "set DISCOURSE_INDICATORS_DIR to the folder holding the shipped indicator files"),
    Code("D514", IndicatorError, "{path}: cannot redefine the shipped indicator(s) {names}",
         "leave them out of the metadata file (their values can still be added), or use a new indicator name"),
    Code("D520", IndicatorError, "{path}: roll-call table missing | not a roll-call table with columns {columns}",
         "pass a folder holding the unvotes tables (votes_dir=...; see ../shared/data/unvotes/README.md)",
         cli_hint="point --votes-dir at a folder holding the unvotes tables (see ../shared/data/unvotes/README.md)"),
    Code("D521", IndicatorError, "{role} {code} is not an ISO 3166-1 alpha-3 code | no votes of {role}",
         "use three letters, e.g. AZE, RUS"),
    Code("D522", IndicatorError, "unknown issue code(s) {codes}", "issue codes: {valid}"),
    Code("D523", IndicatorError, "unknown abstain convention {convention}", "use one of {valid}"),
    Code("D524", IndicatorError, "year range {year_from}-{year_to} is empty or not two years",
         "give year_from and year_to as years, year_from not after year_to",
         cli_hint="give --from and --to as years, --from not after --to"),
    Code("D525", IndicatorError, "{path}: roll call {rcid}: vote {vote} is not yes, no or abstain",
         "use the roll-call tables as published (votes are yes, no or abstain)"),
    Code("D531", IndicatorError, "unknown composite method {method}", "use pca or mean"),
    Code("D532", IndicatorError, "the yearly scores lack column(s) {columns}",
         "pass scores with columns year, score, ci_low, ci_high"),
    Code("D533", IndicatorError, "the composite needs at least two directed indicators and three complete years "
                                 "(have {indicators} indicator(s), {years} complete year(s))",
         "widen the year range, add indicators with a direction, or leave out the composite (composite=None)",
         cli_hint="widen the year range, add indicators with a direction, or leave out --composite"),
    Code("D534", IndicatorError, '{name} {year} is outside {YEAR_MIN}..{YEAR_MAX}',
         'give years from {YEAR_MIN} to {YEAR_MAX}'),  # src/discourse/panel.py:120

    # -- D6xx ReportError: the HTML report and figures ----------------------------------------------------
    Code("D601", ReportError, "no documents in the store {db} match the report's filters ({filters})",
         "ingest documents first (discourse ingest ...) or widen the country/year filters",
         cli_hint="ingest documents first (discourse ingest ...) or widen --country/--from/--to"),
    Code("D602", ReportError, "events file not found: {path}",
         "pass an events file (events=...), or create it with the columns {columns}",
         cli_hint="pass --events FILE, or create it with the columns date, end_date, label, kind, source"),
    Code("D603", ReportError, "{path}:{line}: {problem} (events file)", "fix the events file at the line named"),
    Code("D604", ReportError, "year_from {year_from} is after year_to {year_to} | {name} must be a positive integer",
         "swap the two years; top_terms and evidence_per_year are positive integers",
         cli_hint="swap --from and --to; --top-terms and --evidence are positive integers"),
    Code("D605", ReportError, "output path {out} exists and is not a folder | cannot write {path}: {reason}",
         "choose another output folder (out=...)", cli_hint="choose another folder with --out"),
    Code("D606", ReportError, '{name} {year} is not a year from {YEAR_MIN} to {YEAR_MAX}',
         'give years from {YEAR_MIN} to {YEAR_MAX}'),  # src/discourse/report_data.py:47
    Code("D607", ReportError, '{name} {value} is more than {MAX_SHOWN}',
         'use at most {MAX_SHOWN}'),  # src/discourse/report_data.py:51
    Code("D608", ReportError, '{path}:1: column(s) {value} given twice in the header',
         'keep one column of each name'),  # src/discourse/report_events.py:66
    Code("D700", ValidationError, 'no coded file given',
         'name one or more coded CSV files'),  # src/discourse/validate/codes.py:72
    Code("D701", ValidationError, 'no lexicon hits in the documents in scope, so there is nothing to sample',
         'check the filters, or ingest and match documents first'),  # src/discourse/validate/sample.py:181
    Code("D702", ValidationError, "{file}:{line}: cannot read the coded file: {reason} (unreadable, empty, not UTF-8 or bad CSV)",
         'save it from the spreadsheet as "CSV UTF-8 (comma delimited)"'),
    Code("D703", ValidationError, "{file}:1: missing, unknown or repeated column(s) {columns}",
         "start from a file written by validate.sample and keep its header"),
    Code("D704", ValidationError, "{file}:{line}: unknown sample id {sample_id}: no sample of this store has it",
         "code files sampled from this store, or import gold rows (source=ungdc/constructed)"),
    Code("D705", ValidationError, "{file}:{line}: code_sense or code_stance {value} is outside the codebook",
         "use the values of docs/codebook.md"),
    Code("D706", ValidationError, "{file}:{line}: duplicate row (first at line {first})", "delete the repeated row"),
    Code("D707", ValidationError, "{file}:{line}: conflicting codes from coder {coder} for sample {sample_id} (line {other})",
         "keep one code per sample and coder, or re-import with replace=True"),
    Code("D708", ValidationError, "{file}:{line}: sample {sample_id} was drawn with lexicon {drawn}, the row says {given}",
         "code the file drawn with the lexicon in use"),
    Code("D709", ValidationError, "{file}:{line}: sample {sample_id}: machine columns edited ({columns})",
         "do not edit the document, offsets or entry columns of a coding file"),
    Code("D710", ValidationError, "{file}:{line}: bad value {value} in column {column}", "fix the value"),
    Code("D711", ValidationError, "{file}:{line}: source=ungdc row cites statement {doc_id}, which is not in the store",
         "build the store with fetch_ungdc, or import with skip_missing=True"),
    Code("D712", ValidationError, "{file}:{line}: unknown entry id {entry_id}", "use the lexicon's entry ids"),
    Code("D714", ValidationError, 'cannot write the report to {out}: {value}',
         'check that the folder can be created and written'),  # src/discourse/validate/report.py:68
    Code("D750", ScalingError, '{what} must be 2-dimensional, got shape {shape}',
         'pass one row per document and one column per feature'),  # src/discourse/scaling/_base.py:48
    Code("D751", ScalingError, '{values} reference scores for {n_rows} texts',
         'give one score per row of X (NaN or None for texts that are not reference texts)'),  # src/discourse/scaling/wordscores.py:156
    Code("D752", ScalingError, '{path} gives {out} reference text(s) with {value} distinct score(s); Wordscores needs at least two texts with different scores',
         'add reference texts at both ends of the dimension'),  # src/discourse/scaling/models.py:115
    Code("D753", ScalingError, 'this {__name__} is not fitted yet',
         'call fit(X, ...) before predict'),  # src/discourse/scaling/_base.py:83
    Code("D754", ScalingError, '{what} has {value} features, the model was fitted on {fitted}',
         'pass feature_names (or a FeatureMatrix / DataFrame) so columns can be matched by name'),  # src/discourse/scaling/_base.py:68
    Code("D755", ScalingError, 'LSS needs feature names to find its seed words',
         'pass feature_names=..., a DataFrame or a FeatureMatrix'),  # src/discourse/scaling/lss.py:209
    Code("D756", ScalingError, 'seeds must be a mapping word -> weight or a list of words, got {__name__}',
         'e.g. {"good": 1, "bad": -1}'),  # src/discourse/scaling/lss.py:131
    Code("D757", ScalingError, 'k = {k} is not possible for a {value} x {value} matrix (1 <= k <= {limit})',
         'use k <= {limit}, or more documents / features'),  # src/discourse/scaling/lss.py:220
    Code("D758", ScalingError, 'no stored document in language {language} matches the filters {value}',
         'check the language parameter and the filters (`discourse docs list`)',
         cli_hint='check --language and the filters (`discourse docs list`)'),  # src/discourse/scaling/features.py:193
    Code("D759", ScalingError, 'cannot rescale: only {value} of {raw} document(s) hold a scored term',
         'predict more documents together, or pass rescale=False'),  # src/discourse/scaling/lss.py:333
    Code("D760", ScalingError, 'direction document {ref_id} is not (uniquely) among the documents of the fit',
         'give two document ids of the fit: the first gets the lower position'),  # src/discourse/scaling/models.py:266
    Code("D761", ScalingError, 'Wordfish did not converge in {max_iter} iterations',
         'raise max_iter or trim rare features'),  # src/discourse/scaling/wordfish.py:159
    Code("D762", ScalingError, 'reference file {path} lacks column(s) {value} (has {value})',
         'write the header doc_id,score'),  # src/discourse/scaling/models.py:86
    Code("D763", ScalingError, '{path}, line {line}: score {score} of document {ref} is not a number',
         'reference scores are finite numbers (higher = toward the target power)'),  # src/discourse/scaling/models.py:108
    Code("D764", ScalingError, 'unknown stop-word list {stopwords}',
         'use None, "spacy" or a list of words'),  # src/discourse/scaling/features.py:166
    Code("D765", ScalingError, 'unknown feature unit {unit}',
         'use document or sentence'),  # src/discourse/scaling/features.py:184
    Code("D766", ScalingError, 'seed file {path} has no `languages` mapping',
         'write languages: {en: {target: [...], west: [...]}}'),  # src/discourse/scaling/seeds.py:41
    Code("D767", ScalingError, 'Wordfish would hold a dense {value} x {value} matrix ({cells} cells)',
         "trim features (min_docs, min_count, stopwords='spacy') or fit on fewer documents",
         cli_hint='trim features (--min-docs, --min-count, --stopwords spacy) or fit on fewer documents'),  # src/discourse/scaling/models.py:256
    Code("D768", ScalingError, 'none of the {spec} terms occurs in the corpus',
         'leave terms unset to use every feature, or pick terms of this language'),  # src/discourse/scaling/lss.py:305
    Code("D769", ScalingError, 'an in-memory store cannot keep fitted models',
         "open a store file, not ':memory:'",
         cli_hint='open a store file (--db PATH)'),  # src/discourse/scaling/models.py:43
    Code("D770", ScalingError, 'no fitted model {name} beside the store {path}',
         '{message}'),  # src/discourse/scaling/models.py:366
    Code("D771", ScalingError, "a model's scores are given per document or per year, not per {level}",
         "use level='document' or level='year' with a model",
         cli_hint='use --level document or --level year with --model'),  # src/discourse/scaling/models.py:456
    Code("D800", FetchError, '{label}: scheme {value} refused in {url}; only http and https are fetched',
         'give an absolute http:// or https:// address'),  # src/discourse/web/addresses.py:33
    Code("D801", FetchError, '{host} resolves to {what} address {ip}; refused',
         'discourse fetches public web sites only; allow_private=True is for local test servers and intranets you trust'),  # src/discourse/web/addresses.py:60
    Code("D802", FetchError, '{host}: the host name resolves to no address',
         'check the address'),  # src/discourse/web/addresses.py:73
    Code("D803", FetchError, '{url}: disallowed by {origin}/robots.txt for {AGENT}',
         "the site asks robots not to fetch this page: save it by hand if you may use it, or ask the site's owner"),  # src/discourse/web/robots.py:64
    Code("D804", FetchError, '{url}: robots.txt could not be read ({message}); nothing is fetched from this site in this run',
         'the site is down or refusing; try again later'),  # src/discourse/web/robots.py:41
    Code("D805", FetchError, '{url}: more than {max_redirects} redirects ({value})',
         'give the final address, or raise max_redirects'),  # src/discourse/web/client.py:416
    Code("D806", FetchError, '{url}: the response took longer than {total_timeout} s; stopped',
         'the server is very slow; try again later or raise total_timeout'),  # src/discourse/web/client.py:319
    Code("D807", FetchError, '{url}: the exchange with the server failed: {__name__}: {exc}',
         'the server broke the HTTP protocol; try again later'),  # src/discourse/web/client.py:351
    Code("D808", FetchError, '{url}: HTTP {status} after {value} attempt(s)',
         'the server is overloaded or down (or throttling): try again later, or raise min_delay'),  # src/discourse/web/client.py:362
    Code("D809", FetchError, '{url}: HTTP {status}, the server asks to wait {after} s (more than the {max_retry_after} s allowed)',
         'run again later; the site is throttling or down'),  # src/discourse/web/client.py:358
    Code("D810", FetchError, '{current}: HTTP {status}{message}',
         'check the address; 404/410: the page is gone, 401/403: access refused'),  # src/discourse/web/client.py:411
    Code("D811", FetchError, '{url}: the response is {declared} bytes (Content-Length), over the limit of {max_bytes}; not read',
         'raise max_bytes only if the page is genuine'),  # src/discourse/web/client.py:306
    Code("D812", FetchError, '{url}: unsupported Content-Encoding {encoding}',
         'only gzip and deflate are accepted (and asked for); the server ignored that'),  # src/discourse/web/client.py:144
    Code("D813", FetchError, '{url}: the body decompresses to more than {cap} bytes; stopped (a compression bomb, or a page far larger than a speech)',
         'raise max_decoded_bytes only if the page is genuine'),  # src/discourse/web/client.py:162
    Code("D814", FetchError, '{url}: corrupt {coding} body ({exc})',
         'the server sent damaged data; try again later'),  # src/discourse/web/client.py:183
    Code("D815", FetchError, '{url}: unsupported content type {value}; only web pages, PDF, plain text and DOCX become documents',
         'check that the address points at the speech itself, not a media file'),  # src/discourse/web/charset.py:68
    Code("D816", FetchError, '{url}: the feed declares XML entities (<!ENTITY ...>); refused',
         'a genuine feed does not declare entities; check the address'),  # src/discourse/web/feeds.py:59
    Code("D818", FetchError, '{p}: not a sources table (missing column(s) {value})',
         'columns: {message}'),  # src/discourse/web/feeds.py:161
    Code("D819", FetchError, '{p}: no source with id {value}',
         'ids: {message}'),  # src/discourse/web/feeds.py:167
    # -- D85x-D86x ExploreError: the local explorer (discourse explore) -----------------------------------------
    Code("D850", ExploreError, 'no store at {path}; cannot listen on {host}:{port}; the explorer did not start on {url}',
         'ingest documents first (`discourse ingest PATH`) or give the path of an existing store; choose another port '
         '(0 picks a free one) or another host address',
         'give an existing store with `--db PATH`; choose another `--port` (0 picks a free one) or `--host`'),  # src/discourse/explore/__init__.py, app.py
    Code("D851", ExploreError, 'a bad query parameter: {name} {value} (country, year, show, per, stance, model, too many terms or countries)',
         'use a three-letter country code with documents, a year such as 2015, show=counted|all, per=10000, at most 8 terms and countries'),  # src/discourse/explore/app.py, data.py
    Code("D852", ExploreError, 'no document with id {doc_id} in {path}; no page {path}',
         'follow a link from the overview or a KWIC line; start from the overview (/)'),  # src/discourse/explore/data.py, app.py
    Code("D853", ExploreError, 'the request carries no valid CSRF token',
         'reload the page and try again'),  # src/discourse/explore/app.py
    Code("D854", ExploreError, 'no term to draw; no country to compare',
         'tick an entry or type a phrase, and choose at least one country'),  # src/discourse/explore/data.py
    Code("D855", ExploreError, '{path} has no full-text index yet and is open read-only',
         'build the index: run `discourse search WORD` once on the store, or let the explorer refresh the store when '
         'it starts (the default)'),  # src/discourse/match.py, src/discourse/explore/data.py
    Code("D856", ExploreError, 'the coding view needs the validation stage (discourse.validate), which is not installed',
         'install a discourse version with `discourse validate`'),  # src/discourse/explore/app.py
    Code("D857", ExploreError, 'requests for host {host} are refused',
         'open the URL the explorer printed (http://127.0.0.1:PORT/)'),  # src/discourse/explore/app.py
    Code("D858", ExploreError, 'a code cannot be stored as sent: {reason} (coder name, sample id, sense or stance missing)',
         'name the coder, code a line of this store\'s sample (draw one with `discourse validate sample`), choose the '
         'sense or the stance'),  # src/discourse/explore/coding.py
    # -- engine (D870-D899): the Parquet exchange and the Dask engine (docs/engine.md)
    Code("D870", EngineError, '{out} is not empty and holds no previous discourse export; nothing was written',
         'give an empty or new folder, or a previous export to replace'),  # src/discourse/engine/parquet.py
    Code("D871", EngineError, '{root} is not a discourse Parquet export (discourse-export.json missing)',
         'export the corpus to a folder first (export_corpus(corpus, folder))',
         'export one with `discourse export corpus --format parquet --out DIR`'),  # src/discourse/engine/parquet.py
    Code("D872", EngineError, '{path} cannot be read, or is of another format or version',
         'export the corpus again with this discourse'),  # src/discourse/engine/parquet.py
    Code("D873", EngineError, 'partition {path} listed in the marker is missing',
         'the export is incomplete: export the corpus again'),  # src/discourse/engine/parquet.py
    Code("D874", EngineError, 'cannot reach the dask scheduler at {scheduler} (or it is not an address)',
         "start it (dask scheduler), check the address and port, or use scheduler='local'",
         'start it (dask scheduler), check the address and port, or use --scheduler local'),  # src/discourse/engine/dask_engine.py
    Code("D875", EngineError, 'the dask engine scores level year or document without rolling windows, not {level}',
         'use the serial engine for months, windows and rolling years',
         'use --engine serial for months, windows and rolling years'),  # src/discourse/engine/dask_engine.py
    Code("D876", EngineError, 'an in-memory store has no folder for its Parquet export',
         'give work_dir (a folder for the export)'),  # src/discourse/engine/dask_engine.py
    Code("D877", EngineError, '{n} document(s) of partition {path} are not in the store {store}',
         'import the export into this store first (import_corpus), or merge into the store it came from',
         'import the export first (`discourse import corpus DIR`), or merge into the store it came from'),  # src/discourse/engine/dask_engine.py
    Code("D878", EngineError, 'the {kind} of partition {path} are missing, or of another lexicon, when merging',
         'match the export (again) with this lexicon'),  # src/discourse/engine/dask_engine.py
    Code("D880", EngineError, 'no matches of this lexicon for partition {path}',
         'match the export first (match_export), then score',
         'run `discourse match --engine dask` first, then score'),  # src/discourse/engine/tasks.py
)


def _index(codes: tuple[Code, ...]) -> dict[str, Code]:
    table: dict[str, Code] = {}
    for entry in codes:
        if entry.code in table:
            raise RuntimeError(f"error code {entry.code} is catalogued twice")  # caught by the test suite
        table[entry.code] = entry
    return table


_TABLE = _index(CODES)


def class_for_range(code: str) -> type[DiscourseError] | None:
    """The class a code's range calls for (``"D203"`` -> :class:`StoreError`), or ``None`` outside every range."""
    number = int(code[1:])
    for first, last, cls in RANGES:
        if first <= number <= last:
            return cls
    return None


def lookup(code: str) -> Code:
    """The catalogue entry of ``code``; a ``KeyError`` (a bug, not a user error) when it is not catalogued."""
    return _TABLE[code]


def error(code: str, message: str, *, hint: str | None = None, **fields) -> DiscourseError:
    """Build the catalogued error for ``code``: its class, ``message`` and ``hint`` (default: the catalogue's,
    with ``{name}`` placeholders filled from ``fields``). Extra keyword arguments the class takes (``reason`` of
    :class:`IngestError`) are passed on.

    >>> err = error("D402", "seed must be a non-negative integer, got -1")
    >>> type(err).__name__, err.hint
    ('ScoreError', 'e.g. seed=1')
    """
    entry = lookup(code)
    extra = {k: fields.pop(k) for k in ("reason",) if k in fields}
    if hint is None and entry.hint is not None:
        hint = entry.hint.format(**fields) if fields else entry.hint
    return entry.cls(code, message, hint, **extra)


def hint_for_cli(code: str | None, hint: str | None) -> str | None:
    """The hint the CLI prints: the catalogue's ``cli_hint`` (naming flags) when ``hint`` is the library's
    catalogued hint, otherwise ``hint`` unchanged.

    >>> hint_for_cli("D402", "e.g. seed=1")
    'e.g. --seed 1'
    >>> hint_for_cli("D313", "group by one of year, month")
    'use --by year, month, doc_type, speaker or country'
    >>> hint_for_cli("D402", "something else")
    'something else'
    """
    entry = _TABLE.get(code or "")
    if entry is not None and entry.cli_hint and (hint is None or _fills(entry.hint, hint)):
        return entry.cli_hint
    return hint


def _fills(template: str | None, text: str) -> bool:
    """Whether ``text`` is ``template`` with its ``{name}`` placeholders filled in."""
    if template is None:
        return False
    parts = re.split(r"\{[A-Za-z_]\w*\}", template)
    return re.fullmatch(".+?".join(map(re.escape, parts)), text, flags=re.DOTALL) is not None
