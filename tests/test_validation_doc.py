"""docs/validation.md is what scripts/make_validation_doc.py writes from the gold set and the saved UNGDC figures."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT, shared_path


def _script():
    spec = importlib.util.spec_from_file_location("make_validation_doc", ROOT / "scripts" / "make_validation_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_validation_doc_is_current():
    mod = _script()
    frame = mod.evaluate_gold(mod.GOLD, shared_path("data", "ungdc", "sample"))
    ungdc = json.loads(mod.UNGDC_JSON.read_text(encoding="utf-8"))
    expected = mod.build(frame, ungdc)
    assert (ROOT / "docs" / "validation.md").read_text(encoding="utf-8") == expected, \
        "docs/validation.md is not current: run python scripts/make_validation_doc.py"
    assert [s for s in mod.SECTIONS] == ["gold", "agreement", "sense", "ungdc", "scaling"]  # one function each
    assert "Confusion matrix" in expected and "changed pole" in expected
    assert "Krippendorff" in expected and "Wilson" in expected and "| LSS |" in expected


def test_ungdc_section_without_figures_says_how_to_compute_them():
    mod = _script()
    text = mod.section_ungdc(None)
    assert "Not computed yet" in text and "--ungdc" in text
