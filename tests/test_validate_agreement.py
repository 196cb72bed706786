"""Agreement figures on fixed coding matrices: alpha equals the krippendorff package, AC1 a hand computation."""

from __future__ import annotations

import math
from fractions import Fraction

import krippendorff
import numpy as np
import pytest

from discourse.validate.agreement import agreement, gwet_ac1, krippendorff_alpha, percent_agreement

# items x coders; None = not coded by that coder
TWO_CODERS = [["yes", "yes"], ["yes", "yes"], ["yes", "no"], ["no", "no"], ["yes", "yes"],
              ["no", "yes"], ["yes", "yes"], ["no", "no"], ["yes", "yes"], ["yes", "yes"]]
THREE_CODERS = [["support", "support", None], ["reject", "reject", "reject"], ["support", "doubt", "support"],
                [None, "question", "question"], ["mention", None, None], ["reject", "support", "doubt"],
                ["support", "support", "support"], [None, "reported", "reported"]]
STANCES = ["support", "reject", "doubt", "question", "reported", "mention"]


def _package_alpha(matrix, categories):
    codes = {c: i for i, c in enumerate(categories)}
    data = np.array([[np.nan if v is None else codes[v] for v in row] for row in matrix], dtype=float).T
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


def test_two_coders_binary():
    # by hand: 8 of 10 items agree, so p_a = 8/10. Category shares per item (r_ik / r_i), averaged over the
    # 10 items: yes = (2 + 2 + 1 + 0 + 2 + 1 + 2 + 0 + 2 + 2) / 2 / 10 = 14/20, no = 6/20.
    pa = Fraction(8, 10)
    pi_yes, pi_no = Fraction(14, 20), Fraction(6, 20)
    pe = (pi_yes * (1 - pi_yes) + pi_no * (1 - pi_no)) / (2 - 1)  # = 0.42
    ac1 = (pa - pe) / (1 - pe)  # = 0.38 / 0.58
    assert pe == Fraction(42, 100)
    assert gwet_ac1(TWO_CODERS, ["yes", "no"]) == pytest.approx(float(ac1), abs=1e-9)
    assert percent_agreement(TWO_CODERS, ["yes", "no"]) == pytest.approx(0.8, abs=1e-9)
    assert krippendorff_alpha(TWO_CODERS, ["yes", "no"]) == pytest.approx(_package_alpha(TWO_CODERS, ["yes", "no"]),
                                                                         abs=1e-9)


def test_three_coders_with_missing_codes_and_six_categories():
    # by hand, items with >= 2 codes (all but item 5):
    #   1: support x2            -> pairs agreeing 2*1 / (2*1)       = 1
    #   2: reject x3             -> 3*2 / (3*2)                      = 1
    #   3: support x2, doubt     -> (2*1 + 0) / (3*2)                = 1/3
    #   4: question x2           -> 1
    #   6: reject, support, doubt -> 0
    #   7: support x3            -> 1
    #   8: reported x2           -> 1
    pa = (1 + 1 + Fraction(1, 3) + 1 + 0 + 1 + 1) / 7
    # shares r_ik / r_i, averaged over the 8 items with at least one code
    shares = {c: Fraction(0) for c in STANCES}
    for row in THREE_CODERS:
        coded = [v for v in row if v is not None]
        for v in coded:
            shares[v] += Fraction(1, len(coded))
    pi = {c: s / 8 for c, s in shares.items()}
    assert pi["support"] == (1 + Fraction(2, 3) + Fraction(1, 3) + 1) / 8
    pe = sum(p * (1 - p) for p in pi.values()) / (len(STANCES) - 1)
    ac1 = (pa - pe) / (1 - pe)
    assert gwet_ac1(THREE_CODERS, STANCES) == pytest.approx(float(ac1), abs=1e-9)
    assert percent_agreement(THREE_CODERS, STANCES) == pytest.approx(float(pa), abs=1e-9)
    assert krippendorff_alpha(THREE_CODERS, STANCES) == pytest.approx(_package_alpha(THREE_CODERS, STANCES), abs=1e-9)


def test_prevalence_note_when_alpha_is_misleading():
    # 19 of 20 items both "yes", one disagreement: 95% agreement, alpha near zero, AC1 high
    matrix = [["yes", "yes"]] * 19 + [["yes", "no"]]
    out = agreement(matrix, ["yes", "no"])
    assert out["percent_agreement"] == pytest.approx(0.95)
    assert out["krippendorff_alpha"] == pytest.approx(_package_alpha(matrix, ["yes", "no"]), abs=1e-9)
    assert out["krippendorff_alpha"] < 0.1 < 0.9 < out["gwet_ac1"]
    assert out["prevalence"] == pytest.approx(39 / 40) and "kappa paradox" in out["note"]
    balanced = agreement(TWO_CODERS, ["yes", "no"])
    assert balanced["note"] == ""


def test_undefined_cases():
    assert math.isnan(percent_agreement([["yes", None], [None, "no"]], ["yes", "no"]))
    assert math.isnan(gwet_ac1([["yes", None]], ["yes", "no"]))
    assert math.isnan(krippendorff_alpha([["yes", "yes"], ["yes", "yes"]], ["yes", "no"]))  # one category only
    assert agreement([["yes", None]], ["yes", "no"])["note"] == "no item coded by two coders"
