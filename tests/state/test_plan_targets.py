"""Plan targets: validated, kept out of Meta's params, read by the optimise loop."""

from __future__ import annotations

import json

import pytest

from agents.optimize.meta_io import targets_of
from agents.orchestrator.card import render_card
from state.meta_tree import to_meta_tree
from state.plan import PlanError, load_plan, plan_dict, plan_keys
from state.plan_checks import validate_plan
from tests.state.planfix import ACCOUNT, good_plan


def _with(**targets):
    plan = good_plan()
    plan["targets"] = targets
    return plan


def test_targets_round_trip_through_state():
    plan = plan_dict(load_plan(_with(cpa_minor=2500, roas=3.0)))
    assert plan["targets"] == {"cpa_minor": 2500, "roas": 3.0}
    assert load_plan(plan).targets is not None


@pytest.mark.parametrize(("targets", "path"), [
    ({"cpa_minor": 0}, "targets.cpa_minor"),
    ({"cpa_minor": -5}, "targets.cpa_minor"),
    ({"roas": 0}, "targets.roas"),
    ({"roas": "lots"}, "targets.roas"),
    ({"cpa": 25}, "targets.cpa"),
])
def test_bad_targets_name_the_field(targets, path):
    with pytest.raises(PlanError) as err:
        load_plan(_with(**targets))
    assert path in {p.path for p in err.value.problems}


def test_to_meta_tree_ignores_targets_and_keys_do_not_move():
    plain, targeted = good_plan(), _with(cpa_minor=2500, roas=2.0)
    kw = {"account_id": "act_1", "page_id": "p1", "image_hashes": {"hero.jpg": "h"}, "video_ids": {}}
    tree = to_meta_tree(targeted, **kw)
    assert "cpa_minor" not in json.dumps(tree) and "roas" not in json.dumps(tree).lower()
    assert tree == to_meta_tree(plain, **kw)
    # a changed target must not re-key (and so recreate) the campaign on Meta
    assert plan_keys(load_plan(plain)) == plan_keys(load_plan(targeted))


def test_validator_warns_on_a_roas_target_without_purchases_and_a_cpa_above_budget():
    traffic = _with(roas=2.0)
    traffic["objective"] = "OUTCOME_TRAFFIC"
    traffic["ad_sets"][0].update(optimization_goal="LINK_CLICKS", promoted_object=None)
    report = validate_plan(load_plan(traffic), ACCOUNT)
    assert "targets.roas" in {w.path for w in report.warnings}
    report = validate_plan(load_plan(_with(cpa_minor=9000)), ACCOUNT)  # budget is $60/day
    assert "targets.cpa_minor" in {w.path for w in report.warnings}
    report = validate_plan(load_plan(_with(cpa_minor=2500)), ACCOUNT)
    assert not [w for w in report.warnings if w.path.startswith("targets")]


def test_launch_card_shows_the_targets():
    card = render_card(plan_dict(load_plan(_with(cpa_minor=2500, roas=3.0))))
    assert "CPA ≤ USD 25.00" in card and "ROAS ≥ 3x" in card
    assert "none set" in render_card(plan_dict(load_plan(good_plan())))


def test_optimise_loop_reads_targets_from_the_plan():
    plan = plan_dict(load_plan(_with(cpa_minor=2500, roas=3.0)))
    assert targets_of({"plan": plan}) == {"target_cpa_minor": 2500, "target_roas": 3.0}
    # the thread's own optimise settings still win over the plan
    state = {"plan": plan, "optimize": {"targets": {"target_cpa_minor": 1800}}}
    assert targets_of(state) == {"target_cpa_minor": 1800, "target_roas": 3.0}
