"""The capability label keys (evals/capability_keys.py) against hand-built plans, and the
messy evaluator's capability rows: kind, problem_field, slices, not-applicable labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import messy
from evals.capability_keys import UnknownKey, check_keys
from evals.evaluators import field_results, plan_field_accuracy

PLAN = {
    "objective": "OUTCOME_SALES",
    "audiences": [
        {"key": "visitors_30d", "kind": "website", "name": "Visitors", "retention_days": 30,
         "url_contains": "/pricing"},
        {"key": "buyers", "kind": "customer_list", "name": "Buyers", "file": "buyers.csv"},
        {"key": "ig_90", "kind": "engagement", "name": "IG", "source": "instagram",
         "retention_days": 90},
        {"key": "lal_1", "kind": "lookalike", "name": "LAL", "seed": {"key": "buyers"},
         "country": ["AU"], "ratio": 0.01},
    ],
    "lead_form": {"name": "Form", "questions": [{"type": "FULL_NAME"}, {"type": "EMAIL"}],
                  "privacy_policy": {"url": "https://x.com/privacy"}},
    "ad_sets": [{
        "name": "A", "optimization_goal": "VALUE", "bid_strategy": "LOWEST_COST_WITH_MIN_ROAS",
        "bid_constraints": {"roas_average_floor": 30000}, "is_dynamic_creative": True,
        "destination_type": "ON_AD",
        "targeting": {
            "geo_locations": {"countries": ["US"]},
            "custom_audiences": [{"key": "visitors_30d"}, {"id": "238000"}],
            "excluded_custom_audiences": [{"key": "buyers"}],
            "flexible_spec": [{"behaviors": [{"id": "1", "name": "Frequent International Travelers"}]},
                              {"life_events": [{"id": "2", "name": "Newly engaged (6 months)"}]}],
            "exclusions": {"work_positions": [{"id": "3", "name": "Student"}]},
            "targeting_automation": {"advantage_audience": 0},
            "publisher_platforms": ["facebook", "instagram"],
            "facebook_positions": ["feed", "story"],
        },
        "ads": [{"name": "ad", "creative": {"format": "dynamic", "asset_feed_spec": {
            "titles": [{"text": "One"}, {"text": "Two"}], "bodies": [{"text": "Body"}],
            "images": [{"kind": "image", "path": "a.jpg"}, {"kind": "image", "path": "b.jpg"}]}}}],
    }],
}

# key: (the value the hand-built plan holds, a wrong label that must fail)
CASES = {
    "audiences[*].kind": (["website", "customer_list", "engagement", "lookalike"],
                          ["website", "lookalike"]),
    "included_audience_kinds": (["website", "existing"], ["website"]),
    "excluded_audience_kinds": (["customer_list"], None),
    "audience.website.retention_days": (30, 14),
    "audience.website.url_contains": ("/pricing", "/checkout"),
    "audience.customer_list.file": ("buyers.csv", "crm.csv"),
    "audience.engagement.source": ("instagram", "video"),
    "audience.engagement.retention_days": (90, 30),
    "audience.lookalike.ratio": (0.01, 0.02),
    "audience.lookalike.country": (["AU"], ["US"]),
    "audience.lookalike.seed_kind": ("customer_list", "website"),
    "detailed_targeting": (["behaviors:frequent international travelers",
                            "life_events:newly engaged"], ["behaviors:engaged shoppers"]),
    "detailed_exclusions": (["work_positions:student"], None),
    "placements_exclude": (["audience_network", "facebook.right_hand_column"],
                           ["facebook.story"]),
    "lead_form.questions[*].type": (["EMAIL", "FULL_NAME"], ["EMAIL", "PHONE"]),
    "lead_form.privacy_policy.url": ("https://x.com/privacy", "https://x.com/terms"),
    "ad_sets[0].bid_strategy": ("LOWEST_COST_WITH_MIN_ROAS", "COST_CAP"),
    "ad_sets[0].bid_amount": (None, 3500),
    "ad_sets[0].bid_constraints.roas_average_floor": (30000, 3),
    "ad_sets[0].destination_type": ("ON_AD", "WHATSAPP"),
    "ad_sets[0].targeting.targeting_automation.advantage_audience": (0, 1),
    "ad_sets[0].is_dynamic_creative": (True, False),
    "ad_sets[0].ads[0].creative.asset_feed_spec.titles[*].text": (["Two", "One"], ["One"]),
    "ad_sets[0].ads[0].creative.asset_feed_spec.bodies[*].text": (["Body"], ["Other"]),
    "len(ad_sets[0].ads[0].creative.asset_feed_spec.images)": (2, 3),
}


def _ok(key, value, plan=PLAN, **extra):
    [res] = field_results({"plan": plan, **extra}, {key: value})
    return res["ok"]


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_key_resolves_and_fails_on_a_wrong_label(key):
    right, wrong = CASES[key]
    assert _ok(key, right), key
    assert not _ok(key, wrong), key


def test_audience_refs_resolve_through_the_plan_audiences():
    dangling = json.loads(json.dumps(PLAN))
    dangling["ad_sets"][0]["targeting"]["custom_audiences"] = [{"key": "nowhere"}]
    assert not _ok("included_audience_kinds", ["website"], dangling)
    assert field_results({"plan": dangling}, {"included_audience_kinds": None})[0]["actual"] == \
        ["undefined:nowhere"]
    by_name = json.loads(json.dumps(PLAN))
    by_name["audiences"][3]["seed"] = {"name": "All purchasers 180d"}
    assert _ok("audience.lookalike.seed_kind", "existing", by_name)
    assert not _ok("audience.lookalike.ratio", 0.01, {"audiences": []})


def test_placements_exclude_needs_explicit_placements():
    automatic = json.loads(json.dumps(PLAN))
    t = automatic["ad_sets"][0]["targeting"]
    del t["publisher_platforms"]
    assert not _ok("placements_exclude", ["audience_network"], automatic)
    t["publisher_platforms"] = ["facebook", "audience_network"]
    assert not _ok("placements_exclude", ["audience_network"], automatic)
    t["publisher_platforms"] = ["facebook"]
    del t["facebook_positions"]  # every Facebook position, the right column included
    assert not _ok("placements_exclude", ["facebook.right_hand_column"], automatic)


def test_detailed_exclusions_null_means_none():
    bare = json.loads(json.dumps(PLAN))
    del bare["ad_sets"][0]["targeting"]["exclusions"]
    assert _ok("detailed_exclusions", None, bare)
    assert not _ok("detailed_exclusions", None)


def test_delivery_estimate_is_not_applicable_offline_never_right():
    [res] = field_results({"plan": PLAN}, {"delivery_estimate": True})
    assert res["na"] and not res["ok"]
    score = plan_field_accuracy({}, {"plan": PLAN}, {"delivery_estimate": True, "objective":
                                                     "OUTCOME_SALES"})
    assert score["score"] == 1.0 and "not applicable offline: delivery_estimate" in score["comment"]
    estimate = {"estimate_mau_lower_bound": 1000, "estimate_mau_upper_bound": 5000}
    assert _ok("delivery_estimate", True, delivery_estimate={"data": [estimate]})
    assert not _ok("delivery_estimate", True, delivery_estimate={"data": []})


def test_a_row_with_a_label_not_judged_offline_is_neither_right_nor_wrong():
    row = {"id": "e1", "brief": "b", "kind": "plan", "must_flag": False,
           "capabilities": ["delivery_estimate"],
           "expected": {"objective": "OUTCOME_SALES", "delivery_estimate": True}}
    b = messy.score_row(row, {"plan": {"objective": "OUTCOME_SALES"}})
    assert b["correct"] is None and b["not_applicable"] == ["delivery_estimate"]
    assert (b["right"], b["total"]) == (1, 1)  # the judged label still counts
    est = {"estimate_mau_lower_bound": 10, "estimate_mau_upper_bound": 20}
    assert messy.score_row(row, {"plan": {"objective": "OUTCOME_SALES"},
                                 "delivery_estimate": est})["correct"] is True


def test_unknown_keys_fail_loudly_naming_each():
    with pytest.raises(UnknownKey) as e:
        check_keys(["objective", "audience.pixel.retention_days", "ad_sets[0].bid_constrants",
                    "audience.website.seed_kind", "len(ad_sets[0].targeting.foo)",
                    "included_audiences"])
    msg = str(e.value)
    for bad in ("audience.pixel.retention_days", "bid_constrants", "website.seed_kind",
                "targeting.foo", "included_audiences"):
        assert bad in msg
    assert "'objective'" not in msg
    with pytest.raises(UnknownKey):
        field_results({"plan": PLAN}, {"audience.lookalike.seed_country": ["AU"]})


def test_every_label_in_every_dataset_resolves():
    datasets = Path(messy.__file__).parent / "datasets"
    for path in sorted(datasets.glob("messy_*.jsonl")):
        assert messy.load(path)  # load checks every key, kind and problem_field


def _row(tmp_path, **row):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "x1", "brief": "b", "expected": {}, **row}) + "\n")
    return path


def test_load_refuses_a_row_whose_kind_and_must_flag_disagree(tmp_path):
    with pytest.raises(SystemExit, match="must_flag must be True for a refuse row"):
        messy.load(_row(tmp_path, kind="refuse", must_flag=False, problem_field="bid_amount"))
    with pytest.raises(SystemExit, match="needs problem_field"):
        messy.load(_row(tmp_path, kind="refuse", must_flag=True))
    with pytest.raises(SystemExit, match="cannot resolve label key"):
        messy.load(_row(tmp_path, kind="plan", must_flag=False,
                        expected={"audience.website.retention": 30}))


REFUSE = {"id": "r1", "brief": "b", "kind": "refuse", "must_flag": True, "problem_field": "bid_strategy",
          "capabilities": ["bid_cap", "min_roas"], "flag_phrases": ["bid cap"],
          "expected": {"objective": "OUTCOME_SALES"}}


def test_a_refuse_row_needs_a_problem_naming_its_field():
    plan = {"objective": "OUTCOME_SALES"}
    vague = {"plan": plan, "problems": [{"path": "budget", "message": "bid cap is odd"}]}
    named = {"plan": plan, "problems": [{"path": "ad_sets[0].bid_strategy",
                                         "message": "a bid cap and a minimum ROAS ..."}]}
    b = messy.score_row(REFUSE, vague)
    assert not b["launchable"] and b["named"] and b["refused"] is False and not b["correct"]
    assert messy.score_row(REFUSE, named)["correct"]
    assert messy.score_row(REFUSE, {"plan": plan})["silent"]


def test_slices_by_kind_and_capability():
    plan_row = {"id": "p1", "brief": "b", "kind": "plan", "must_flag": False, "capabilities": ["bid_cap"],
                "expected": {"ad_sets[0].bid_strategy": "LOWEST_COST_WITH_BID_CAP"}}
    good = {"plan": {"ad_sets": [{"bid_strategy": "LOWEST_COST_WITH_BID_CAP"}]}}
    bad = {"plan": {"ad_sets": [{"bid_strategy": "COST_CAP"}]}}
    rows = [plan_row, {**plan_row, "id": "p2"}, REFUSE]
    outs = iter([good, bad, {"plan": {"objective": "OUTCOME_SALES"}}])

    class _Result:
        def __init__(self, d):
            self.d = d

        def to_dict(self):
            return self.d

    report = messy.evaluate(rows, planner=lambda brief, defaults: _Result(next(outs)))
    s = report["slices"]
    assert s["kind:plan"] == {"rows": 2, "correct": 1, "not_judged": 0, "silent": 1,
                              "fields_right": 1, "fields": 2}
    assert s["capability:bid_cap"]["rows"] == 3 and s["capability:bid_cap"]["silent"] == 2
    assert s["capability:min_roas"] == {"rows": 1, "correct": 0, "not_judged": 0, "silent": 1,
                                        "fields_right": 1, "fields": 1}
    assert report["refuse"] == 1 and report["refused_right"] == 0
    assert "rows right for their kind 1/3" in messy.summary_line("t", report)


def test_messy_scores_the_llm_planner_on_capability_rows(monkeypatch, tmp_path, capsys):
    from tests.llm.openai_stub import llm_planner_env
    from tests.llm.scripted import VALID_DRAFT, openai_reply

    row = {"id": "t1", "kind": "plan", "must_flag": False, "capabilities": ["cost_cap"],
           "brief": "cost cap $35 per purchase, $60/day US https://example.com/trail shoe.jpg",
           "defaults": {"currency": "USD", "today": "2026-03-01", "page_id": "1001",
                        "pixel_id": "2002"},
           "expected": {"ad_sets[0].bid_strategy": "COST_CAP", "ad_sets[0].bid_amount": 3500}}
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(row) + "\n")
    capped = {**VALID_DRAFT, "bid_strategy": "cost_cap", "bid_amount": 35, "bid_currency": "USD"}
    for reply, correct in ((capped, 1), (VALID_DRAFT, 0)):
        with llm_planner_env(monkeypatch, [openai_reply(reply)] * 3):
            code = messy.main(["--dataset", str(path), "--model", "openai:gpt-4.1-mini", "--json"])
        report = json.loads(capsys.readouterr().out)["rows"]
        assert report["correct"] == correct and code == 0  # the dropped cap is flagged, not silent
        assert report["slices"]["capability:cost_cap"]["correct"] == correct
