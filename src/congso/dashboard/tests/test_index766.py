"""The six groups of QĐ 766 on known inputs (issue 17): each formula's value, its maximum, the
caps (min(2, 2A/0.8) …), missing ≠ 0 (unknown inputs or nothing to judge give no value, never
0), the PAKN rule (full points when there was no PAKN) and the groups adding to 100."""

from __future__ import annotations

from decimal import Decimal

import pytest

from congso.dashboard import index766
from congso.dashboard.counters import COUNTER_BY_KEY, COUNTERS

D = Decimal

# A ward's month, every counter known.
KNOWN: dict[str, int | None] = {
    # disclosure: 3/4 published on time, 2/2 updated, 10/10 full, 90/100 synced
    "procedures_published": 4,
    "procedures_published_on_time": 3,
    "procedures_updated": 2,
    "procedures_updated_on_time": 2,
    "procedures_disclosed": 10,
    "procedures_disclosed_full": 10,
    "received": 100,
    "synced": 90,
    # progress: 70 early + 20 on time of 70+20+6 late + 4 overdue = 100 due
    "finished": 96,
    "finished_early": 70,
    "finished_on_time": 20,
    "finished_late": 6,
    "progress_late": 4,
    # online: 60/100 procedures online (A = 0.6 → 2 × 0.6 / 0.8 = 1.5), 30/60 used (4 × 0.5),
    # 30 of 50 dossiers of online procedures came online (C = 0.6 ≥ 0.5 → 6)
    "procedures": 100,
    "procedures_online": 60,
    "procedures_online_used": 30,
    "received_online_offered": 50,
    "received_online_offered_online": 30,
    # payment: 10/40 fee dossiers paid online (6 × 0.25 = 1.5); 9/20 procedures (2.5 × 0.45 =
    # 1.125 → min(2, …) = 1.13 rounded); 20/20 configured (2.5) → group 5.13
    "fee_dossiers": 40,
    "fee_dossiers_paid_online": 10,
    "procedures_with_fee": 20,
    "procedures_paid_online": 9,
    "procedures_fee_online_configured": 20,
    # satisfaction: PAKN 8/10 on time (4.8), none rated (full 6), TTHC (96−2−1−6)/96 = 0.90625
    # ≥ 0.9 → 6
    "pakn_due": 10,
    "pakn_answered_on_time": 8,
    "pakn_rated": 0,
    "pakn_satisfied": 0,
    "finished_unsatisfied": 2,
    "finished_complained": 1,
    # digitisation: 48/96 e-results (3), 100/100 digitised (4), 0/0 certifications (missing),
    # 40/100 reuse (2 × 0.4 / 0.8 = 1), 0/96 shared (0), 100/100 population (2), 50/100 (1)
    "finished_e_result": 48,
    "received_digitised": 100,
    "certification_requests": 0,
    "e_certified_copies": 0,
    "dossiers_reusing_data": 40,
    "results_shared": 0,
    "dossiers_population_db": 100,
    "procedures_population_db": 50,
}


def sub(result: index766.IndexResult, key: str) -> index766.SubResult:
    return next(s for g in result.groups for s in g.subs if s.sub.key == key)


def group(result: index766.IndexResult, key: str) -> index766.GroupResult:
    return next(g for g in result.groups if g.group.key == key)


def test_definitions_add_up_and_every_input_is_a_counter():
    index766.check_definitions()
    assert [g.maximum for g in index766.GROUPS] == [18, 20, 12, 10, 18, 22]
    for s in index766.SUB_INDICATORS:
        for key in s.rate.counter_keys():
            assert key in COUNTER_BY_KEY, (s.key, key)
    assert len({c.key for c in COUNTERS}) == len(COUNTERS)


def test_each_formula_on_known_inputs():
    r = index766.compute(KNOWN)
    expected = {
        "disclosure_published_on_time": D("4.50"),
        "disclosure_updated_on_time": D("4.00"),
        "disclosure_full": D("2.00"),
        "disclosure_synced": D("5.40"),
        "progress_on_time": D("18.00"),
        "online_offered": D("1.50"),
        "online_used": D("2.00"),
        "online_share": D("6.00"),
        "payment_dossiers": D("1.50"),
        "payment_procedures": D("1.13"),
        "payment_configured": D("2.50"),
        "satisfaction_pakn_on_time": D("4.80"),
        "satisfaction_pakn": D("6.00"),
        "satisfaction_tthc": D("6.00"),
        "digitisation_e_results": D("3.00"),
        "digitisation_components": D("4.00"),
        "digitisation_certified_copies": None,
        "digitisation_reuse": D("1.00"),
        "digitisation_sharing": D("0.00"),
        "digitisation_population_db": D("2.00"),
        "digitisation_population_procedures": D("1.00"),
    }
    for key, value in expected.items():
        assert sub(r, key).value == value, key
    assert group(r, "disclosure").value == D("15.90")
    assert group(r, "online").value == D("9.50")
    assert group(r, "payment").value == D("5.13")
    # Nothing to certify is not "0 certified": the group judged 20 of its 22 points.
    dig = group(r, "digitisation")
    assert dig.value == D("11.00") and dig.judged_maximum == 20 and not dig.complete
    assert r.value == D("15.90") + 18 + D("9.50") + D("5.13") + D("16.80") + 11
    assert r.judged_maximum == 98 and not r.complete
    # The PAKN rule: nobody rated a PAKN → full points, and it says why.
    assert sub(r, "satisfaction_pakn").full_when_empty


def test_caps_hold_above_the_full_share():
    best = dict(KNOWN, procedures_online=100, procedures_paid_online=20)
    r = index766.compute(best)
    assert sub(r, "online_offered").value == 2  # A = 1 → 2.5, capped at 2
    assert sub(r, "payment_procedures").value == 2  # 2.5 × 1 → 2
    # TTTT's sub-maxima reach 10.5 (6 + 2 + 2.5, as the published formula): the group is cut
    # at its maximum of 10.
    full_pay = dict(best, fee_dossiers_paid_online=40)
    assert group(index766.compute(full_pay), "payment").value == 10


def test_missing_is_not_zero():
    unknown = {k: v for k, v in KNOWN.items() if not k.startswith("pakn_")}
    unknown.pop("finished_complained")
    r = index766.compute(unknown)
    for key in ("satisfaction_pakn_on_time", "satisfaction_pakn", "satisfaction_tthc"):
        s = sub(r, key)
        assert s.value is None and s.lost_points is None
        assert s.missing  # names the inputs it lacks
    sat = group(r, "satisfaction")
    assert sat.value is None and sat.judged_maximum == 0
    assert r.value == D("15.90") + 18 + D("9.50") + D("5.13") + 11  # no satisfaction points
    assert r.judged_maximum == 80
    # A real zero stays a zero: no result shared of 96 finished gives 0 points, not missing.
    assert sub(r, "digitisation_sharing").value == 0
    # No dossier due in the period: progress is not judged (not 0, not 20).
    quiet = dict(KNOWN, finished_early=0, finished_on_time=0, finished_late=0, progress_late=0)
    assert sub(index766.compute(quiet), "progress_on_time").value is None
    # Nothing at all known: the index itself is missing.
    nothing = index766.compute({})
    assert nothing.value is None and nothing.judged_maximum == 0


def test_pakn_without_pakn_is_full_but_unknown_pakn_is_missing():
    none_due = dict(KNOWN, pakn_due=0, pakn_answered_on_time=0)
    assert sub(index766.compute(none_due), "satisfaction_pakn_on_time").value == 6
    unknown = dict(KNOWN, pakn_due=None)
    assert sub(index766.compute(unknown), "satisfaction_pakn_on_time").value is None


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("online_offered", "min(2, 2 × A / 0.8)"),
        ("online_used", "4 × A"),
        ("online_share", "min(6, 6 × A / 0.5)"),
        ("satisfaction_tthc", "min(6, 6 × A / 0.9)"),
    ],
)
def test_formula_names(key, text):
    assert index766.SUB_BY_KEY[key].formula_name == text


def test_share_text_names_the_counters():
    s = index766.SUB_BY_KEY["progress_on_time"]
    assert s.share_text == (
        "(finished_early + finished_on_time) / "
        "(finished_early + finished_on_time + finished_late + progress_late)"
    )
    assert index766.SUB_BY_KEY["satisfaction_tthc"].share_text.startswith(
        "(finished − finished_unsatisfied − finished_complained − finished_late)"
    )
