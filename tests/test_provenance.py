"""One provenance for every output: the score, matches, timeline and panel sidecars, report.json and the report's
Methods section all carry every rule version, the lexicon hash, the corpus snapshot and the library versions,
from discourse.provenance.provenance; a rule registered in discourse.lexicon.RULES appears in all of them."""

from __future__ import annotations

import html as _html
import json
from pathlib import Path

import pytest

from discourse import Corpus, lexicon as _lexicon
from discourse.export import matches_table, timeline_table
from discourse.lexicon import load_lexicon
from discourse.panel import write_panel
from discourse.provenance import SCORING_RULES, library_versions, provenance, rule_versions
from discourse.report import build_report
from discourse.score import write_scores

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "examples"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Every output written once, with an extra rule registered in lexicon.RULES (as stance-v1 will be)."""
    mp = pytest.MonkeyPatch()
    mp.setitem(_lexicon.RULES, "provenance_probe", "probe-v7")
    base = tmp_path_factory.mktemp("provenance")
    try:
        lexicon = load_lexicon()
        with Corpus.open(base / "store.sqlite") as corpus:
            assert corpus.ingest([EXAMPLES], manifest=EXAMPLES / "manifest.csv").failed == []
            year = write_scores(corpus, base / "year.csv", lexicon=lexicon, level="year", replicates=50)
            doc = write_scores(corpus, base / "doc.csv", lexicon=lexicon, level="document", replicates=50)
            matches, _ = matches_table(corpus, lexicon=lexicon).write(base / "matches.csv")
            timeline, _ = timeline_table(corpus, ["euro_atlantic_integration"], lexicon=lexicon).write(
                base / "timeline.csv")
            panel = write_panel(corpus, base / "panel.csv", country="AZE", lexicon=lexicon,
                                score_options={"replicates": 50, "min_hits": 1})
            index = build_report(corpus, base / "report", country="AZE", lexicon=lexicon, replicates=50,
                                 events=ROOT / "corpus" / "events.csv")
        sidecars = {name: json.loads(Path(str(p) + ".json").read_text(encoding="utf-8"))
                    for name, p in (("year", year), ("document", doc), ("matches", matches),
                                    ("timeline", timeline), ("panel", panel))}
        yield {"lexicon": lexicon, "sidecars": sidecars,
               "report": json.loads((base / "report" / "report.json").read_text(encoding="utf-8")),
               "html": index.read_text(encoding="utf-8"), "versions": rule_versions(lexicon)}
    finally:
        mp.undo()


def test_rule_versions_cover_scoring_and_every_matcher_rule(outputs):
    versions = outputs["versions"]
    assert versions["scoring"] == SCORING_RULES == "score-v2"
    assert versions["provenance_probe"] == "probe-v7"
    assert {k: versions[k] for k in _lexicon.RULES} == dict(_lexicon.RULES)
    assert set(versions) == {"scoring", *_lexicon.RULES}


@pytest.mark.parametrize("name", ["year", "document", "matches", "timeline", "panel"])
def test_every_sidecar_carries_every_rule_version(outputs, name):
    side = outputs["sidecars"][name]
    assert side["rule_versions"] == outputs["versions"]
    assert side["lexicon_hash"] == outputs["lexicon"].hash
    assert side["library_versions"]["pandas"] == library_versions()["pandas"]
    assert side["corpus_snapshot"]["n_documents"] > 0


def test_report_json_carries_every_rule_version(outputs):
    report = outputs["report"]
    assert report["rule_versions"] == outputs["versions"]
    assert report["lexicon_hash"] == outputs["lexicon"].hash
    assert report["library_versions"] == library_versions()
    assert report["snapshot"]["n_documents"] == 14  # the AZE documents of the demo corpus


def test_report_methods_section_lists_every_rule_version(outputs):
    methods = outputs["html"].split('<section id="methods">', 1)[1].split("</section>", 1)[0]
    methods = _html.unescape(methods)
    for name, version in outputs["versions"].items():
        assert f"<dt>rules: {name}</dt><dd>{version}</dd>" in methods
    assert f"<dd>{outputs['lexicon'].hash}</dd>" in methods
    assert "<dt>library: pandas</dt>" in methods


def test_provenance_without_a_lexicon_has_no_rule_versions():
    record = provenance(parameters={"a": 1})
    assert record["parameters"] == {"a": 1} and record["lexicon_hash"] is None and "rule_versions" not in record
    assert provenance(with_rules=True)["rule_versions"] == rule_versions()
