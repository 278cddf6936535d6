"""A person's undo holds: the loop does not propose the same change again for `undo_hold_days`.

Pure decisions (`agents/optimize/decide/undo_hold.py`) on evidence whose `undone` lists what a
person undid, as `agents/optimize/cycle.py::propose` builds it: the pause is held, and said,
until the hold ends; an emergency still goes through and says it overrides the undo; a budget
move the person took back is held that way only, with the reallocation's total kept.
"""

from __future__ import annotations

from typing import Any

from agents.optimize.decide.decisions import DecisionPolicy, decide
from agents.optimize.decide.reallocation import reallocate
from agents.optimize.decide.stats import rng_for
from agents.optimize.decide.undo_hold import hold_actions, undone_of
from tests.optimize.optimize_helpers import BAD, GOOD, ad, adset, evidence, stats

# Ad "Ad a2" of ad set "Set s1" is a clear loser (test_decisions.py's first case).
ADS = [ad("a1", "s1", stats(**GOOD)), ad("a2", "s1", stats(**BAD)), ad("a3", "s1", stats(**GOOD))]
SETS = [adset("s1", 10000, stats(60000, 3000, 82))]


def _undone(name: str, object_id: str, on: str, level: str = "ad", parent: str = "s1",
            direction: int = 0) -> dict[str, Any]:
    return {"name": name, "object_id": object_id, "object_name": "", "level": level,
            "parent_id": parent, "direction": direction, "undone_at": f"{on}T09:30:00+00:00"}


def _on(day: str, ads: list[dict] = ADS, sets: list[dict] = SETS, **kw: Any) -> dict[str, Any]:
    return evidence(ads, sets, now=f"{day}T10:00:00+00:00", today=day, **kw)


def _paused(proposal: dict[str, Any]) -> list[str]:
    return [a["args"]["ad_id"] for a in proposal["actions"] if a["name"] == "pause_ad"]


HELD = ("held: you undid the pause of ad 'Ad a2' (ad set 'Set s1') on Mar 12; adpilot will not "
        "propose it again before Mar 19 unless it becomes an emergency")


def test_an_undone_pause_is_not_proposed_again_until_the_hold_ends_and_the_card_says_why():
    undone = [_undone("pause_ad", "a2", "2026-03-12")]
    assert _paused(decide(_on("2026-03-13"))) == ["a2"]  # without the undo: paused
    held = decide(_on("2026-03-13", undone=undone))
    assert _paused(held) == [] and held["flags"] == [HELD] and held["held"] == [HELD]
    verdict = next(v for v in held["verdicts"] if v["id"] == "a2")
    assert verdict["verdict"] == "OPTIMIZE" and verdict["reasons"][-1] == HELD
    assert _paused(decide(_on("2026-03-18", undone=undone))) == []  # the last day held
    again = decide(_on("2026-03-19", undone=undone))  # undo_hold_days (7) later
    assert _paused(again) == ["a2"] and again["held"] == []
    longer = DecisionPolicy(undo_hold_days=10)
    assert _paused(decide(_on("2026-03-19", undone=undone), longer)) == []
    assert _paused(decide(_on("2026-03-22", undone=undone), longer)) == ["a2"]


def test_an_undo_holds_only_that_object_and_that_kind():
    other_ad = [_undone("pause_ad", "a9", "2026-03-12")]
    refresh = [_undone("refresh_creative", "a2", "2026-03-12")]
    for undone in (other_ad, refresh):
        p = decide(_on("2026-03-13", undone=undone))
        assert _paused(p) == ["a2"] and p["held"] == []


def test_a_held_pause_still_counts_as_an_active_ad_so_a_worse_sibling_is_paused():
    """Two losers in a set of three: the held one stays on, so the other may still go."""
    ads = [ad("a1", "s1", stats(**GOOD)), ad("a2", "s1", stats(**BAD)),
           ad("a3", "s1", stats(spend=20000, clicks=1000, conversions=1))]
    assert sorted(_paused(decide(_on("2026-03-13", ads)))) == ["a2", "a3"]
    p = decide(_on("2026-03-13", ads, undone=[_undone("pause_ad", "a3", "2026-03-12")]))
    assert _paused(p) == ["a2"] and "pause of ad 'Ad a3'" in p["held"][0]


def test_an_emergency_still_goes_through_and_says_it_overrides_the_undo():
    burning = stats(spend=20000, clicks=600, conversions=0, days=1)  # 8x target CPA, nothing
    ads = [ad("a1", "s1", burning), ad("a2", "s1", stats(**GOOD))]
    sets = [adset("s1", 10000, stats(35000, 1400, 40))]
    p = decide(_on("2026-03-13", ads, sets, undone=[_undone("pause_ad", "a1", "2026-03-12")]))
    [pause] = [a for a in p["actions"] if a["name"] == "pause_ad"]
    assert pause["args"]["ad_id"] == "a1" and pause["verdict"] == "EMERGENCY_PAUSE"
    assert pause["reasons"][0].startswith("EMERGENCY: spent USD 200.00 (")
    assert pause["reasons"][-1] == (
        "this overrides your undo of the pause of ad 'Ad a1' (ad set 'Set s1') on Mar 12 (held "
        "until Mar 19): it is an emergency — spent USD 200.00 (≥ 5× the target cost per "
        "result of USD 25.00) with no conversions; even at 1.5× that cost, nothing in this "
        "spend happens by chance about 1 time in 207")
    assert p["held"] == []


def test_an_undone_budget_cut_is_held_that_way_only_and_the_total_is_kept():
    sets = [adset("s1", 10000, stats(**GOOD)), adset("s2", 10000, stats(**BAD)),
            adset("s3", 10000, stats(**BAD))]

    def moves(undone: list[dict]) -> tuple[dict[str, int], dict[str, str]]:
        held: dict[str, str] = {}
        actions, _ = reallocate(_on("2026-03-13", [], sets, undone=undone), DecisionPolicy(),
                                rng_for("t"), held)
        return {a["args"]["adset_id"]: a["args"]["daily_budget"] for a in actions}, held

    free, _ = moves([])
    assert free["s2"] < 10000 and free["s3"] < 10000 < free["s1"]
    cut = _undone("set_adset_budget", "s2", "2026-03-12", level="adset", parent="c1",
                  direction=-1)
    kept, held = moves([cut])
    assert "s2" not in kept and kept["s3"] < 10000 < kept["s1"]
    assert abs(sum(kept.values()) - 20000) <= 2  # s1's raise is what s3's cut freed
    assert held["s2"] == ("held: you undid the budget cut of ad set 'Set s2' on Mar 12; adpilot "
                          "will not propose it again before Mar 19 unless it becomes an emergency")
    raised, held = moves([{**cut, "direction": 1}])  # an undone raise does not hold a cut
    assert raised == free and "s2" not in held


def test_an_undone_ad_set_pause_is_held_unless_it_is_an_emergency():
    pause = {"name": "pause_adset", "args": {"adset_id": "s1", "status": "PAUSED"},
             "target": {"id": "s1", "name": "Set s1", "level": "adset", "parent_id": "c1"},
             "verdict": "PAUSE", "reasons": ["at Meta's minimum and clearly worse"]}
    ev = _on("2026-03-13", undone=[_undone("pause_adset", "s1", "2026-03-12", level="adset",
                                           parent="c1")])
    kept, notes = hold_actions([pause], ev, DecisionPolicy())
    assert kept == [] and notes == [
        "held: you undid the pause of ad set 'Set s1' on Mar 12; adpilot will not propose it "
        "again before Mar 19 unless it becomes an emergency"]
    urgent = {**pause, "verdict": "EMERGENCY_PAUSE", "reasons": ["EMERGENCY: spent 9000"]}
    [kept_one], notes = hold_actions([urgent], ev, DecisionPolicy())
    assert notes == [] and "overrides your undo of the pause of ad set 'Set s1'" in \
        kept_one["reasons"][-1]


def test_the_evidence_of_an_undone_action_names_its_kind_object_and_direction():
    entry = {"name": "set_adset_budget", "args": {"adset_id": "s2", "daily_budget": 8000},
             "target": {"id": "s2", "name": "Set s2 [ap:1234abcd]", "level": "adset",
                        "parent_id": "c1"},
             "evidence": {"before_minor": 10000, "after_minor": 8000}, "status": "applied",
             "undone_at": "2026-03-12T09:30:00+00:00"}
    assert undone_of(entry) == {"name": "set_adset_budget", "object_id": "s2",
                                "object_name": "Set s2", "level": "adset", "parent_id": "c1",
                                "direction": -1, "undone_at": "2026-03-12T09:30:00+00:00"}
    assert undone_of({**entry, "undone_at": None}) is None
    assert undone_of({**entry, "advice": True}) is None
