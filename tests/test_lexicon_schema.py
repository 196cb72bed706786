"""Lexicon loading, validation with line numbers, hashes, and the lexicon CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from discourse.cli import main
from discourse.errors import LexiconError
from discourse.lexicon import DEFAULT_ACTORS, DEFAULT_LEXICON, RULES, check_lexicon, load_lexicon

GOOD_ENTRY = """  - id: {id}
    label: {label}
    category: hedging
    position: 0
    weight: 1.0
    on_negation: flip
    rationale: Written for a test.
    patterns:
      en: [{label}]
"""


def write(tmp_path: Path, body: str, name: str = "lex.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"name: test\nactors: {DEFAULT_ACTORS}\nentries:\n" + body, encoding="utf-8")
    return path


def test_shipped_lexicon_is_valid_and_complete():
    assert check_lexicon() == []
    lex = load_lexicon()
    assert lex.target == "russia" and len(lex) == 25
    for entry in lex.entries:
        assert entry.rationale and "\n" not in entry.rationale
        assert {p.lang for p in entry.patterns} == {"en", "az", "ru"}, entry.id
        assert -1 <= entry.position <= 1
    assert {a.id: a.group for a in lex.actors}["csto"] == "target_led"
    assert lex.rules == RULES and RULES["negation"] == "negation-v2" and RULES["target"] == "target-v2" \
        and RULES["stance"] == "stance-v1"


def test_each_error_is_reported_with_its_line(tmp_path):
    body = (GOOD_ENTRY.format(id="ok_one", label="balanced course")
            + "  - id: Bad-Id\n"                       # line 13
            + "    label: something\n"
            + "    category: hedging\n"
            + "    position: 3\n"                      # line 16
            + "    weight: 1\n"
            + "    on_negation: maybe\n"               # line 18
            + "    rationale: x\n"
            + "    patterns:\n"
            + "      fr: [quelque chose]\n"            # line 21
            + "  - id: third\n"                        # line 22
            + "    label: other\n"
            + "    category: hedging\n"
            + "    weight: 1\n"
            + "    on_negation: keep\n"
            + "    rationale: y\n"
            + "    needs_target: {nobody: 1}\n"         # line 28
            + "    patterns:\n"
            + "      en: [{regex: '(unclosed'}]\n")     # line 30
    path = write(tmp_path, body)
    problems = [(p.line, p.message) for p in check_lexicon(path)]
    assert problems == [
        (13, "entry Bad-Id: id must be lower_snake_case (a-z, 0-9, _), got 'Bad-Id'"),
        (16, "entry Bad-Id: position must be a number in [-1, 1] (-1 balancing, 0 hedging, +1 bandwagoning), got 3"),
        (18, "entry Bad-Id: on_negation must be one of flip, drop, keep, got 'maybe'"),
        (21, "entry Bad-Id: unknown language 'fr'; valid: en, az, ru"),
        (28, "entry third: unknown target group 'nobody'; valid: other, target, target_led, west"),
        (30, "entry third: invalid regex '(unclosed': missing ), unterminated subpattern at position 0"),
    ]
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert err.value.code == "D303" and f"{path}:13:" in err.value.message and "6 problem(s)" in err.value.message


def test_missing_fields_duplicates_and_lemma_without_table(tmp_path):
    body = (GOOD_ENTRY.format(id="dup", label="first")
            + GOOD_ENTRY.format(id="dup", label="First")        # duplicate id (line 13) and label (line 14)
            + "  - id: no_fields\n"                               # line 22
            + "    label: lonely\n"
            + "    label: twice\n"                               # line 24: duplicate key
            + "  - id: az_lemma\n"                                # line 25
            + "    label: az lemma\n    category: hedging\n    position: 0\n    weight: 1\n    on_negation: keep\n"
            + "    rationale: z\n    patterns:\n      az: [{lemma: inteqrasiya}]\n")   # line 33
    problems = [(p.line, p.message) for p in check_lexicon(write(tmp_path, body))]
    assert (13, "duplicate entry id 'dup'") in problems
    assert (14, "entry dup: label 'First' is already used by entry dup") in problems
    assert (24, "duplicate key 'label'") in problems
    assert (22, "entry no_fields: missing field 'category'") in problems
    assert (22, "entry no_fields: missing field 'position' (a number in [-1, 1])") in problems
    assert any(line == 33 and "lemma mode needs a lemma table and there is none for 'az'" in msg for line, msg in problems)


def test_yaml_syntax_error_has_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nentries:\n  - id: a\n    rationale: a: b\n", encoding="utf-8")
    assert [(p.line, p.message) for p in check_lexicon(path)] == [(4, "YAML syntax error: mapping values are not allowed here")]


def test_unknown_target_and_missing_file(tmp_path):
    with pytest.raises(LexiconError) as err:
        load_lexicon(target="atlantis")
    assert err.value.code == "D304" and "'atlantis'" in err.value.message
    with pytest.raises(LexiconError) as err:
        load_lexicon(tmp_path / "none.yaml")
    assert err.value.code == "D301"


def test_editing_one_entry_changes_only_its_hash(tmp_path):
    lexdir = tmp_path / "lex"
    lexdir.mkdir()
    shutil.copy(DEFAULT_ACTORS, lexdir / "actors.yaml")
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    (lexdir / "orientation.yaml").write_text(text, encoding="utf-8")
    before = load_lexicon(lexdir / "orientation.yaml")
    edited = text.replace("[Non-Aligned Movement]\n", "[Non-Aligned Movement, Movement of Non-Aligned Countries]\n", 1)
    assert edited != text
    (lexdir / "orientation.yaml").write_text(edited, encoding="utf-8")
    after = load_lexicon(lexdir / "orientation.yaml")
    changed = [a.id for a, b in zip(before.entries, after.entries) if a.hash != b.hash]
    assert changed == ["non_aligned_movement"]
    assert before.hash != after.hash
    # the target and the gazetteer are part of every entry hash
    other = load_lexicon(lexdir / "orientation.yaml", target="china")
    assert all(a.hash != b.hash for a, b in zip(after.entries, other.entries))


def test_resolve_by_id_label_and_category():
    lex = load_lexicon()
    assert [e.id for e in lex.resolve("Non-Aligned Movement")] == ["non_aligned_movement"]
    assert [e.id for e in lex.resolve("non-aligned movement")] == ["non_aligned_movement"]
    assert [e.id for e in lex.resolve("csto")] == ["csto"]
    assert {e.id for e in lex.resolve("non_alignment")} == {"non_alignment"}  # an entry id wins over a category
    assert {e.id for e in lex.resolve("hedging")} == {"balanced_policy", "multi_vector", "independent_foreign_policy", "relations_with_all"}
    assert lex.resolve("good-neighbourly relations") is None


def test_cli_check_reports_each_line(tmp_path, capsys):
    body = GOOD_ENTRY.format(id="a", label="x") + "  - id: b\n    label: y\n"
    path = write(tmp_path, body)
    assert main(["lexicon", "check", str(path)]) == 1
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert lines[0] == f"{path}:13: entry b: missing field 'category'"
    assert len(lines) == 6 and all(line.startswith(f"{path}:13: entry b: missing field") for line in lines)
    assert "Error [D303]" in out.err
    assert main(["lexicon", "check"]) == 0
    assert capsys.readouterr().out.strip().endswith("orientation.yaml: ok")


def test_cli_show(capsys):
    assert main(["lexicon", "show", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("id,label,category,position,weight,on_negation,kind,on_question,on_reported,on_doubt,on_mention,"
                      "needs_target,languages,patterns,hash,rationale")
    assert len(out) == 26
    assert out[21].startswith("strategic_partnership,strategic partnership,partnership,1.0,1.0,flip,term,drop,drop,drop,drop,\"target:+1, target_led:+1, west:-1\",\"en,az,ru\",4,")
