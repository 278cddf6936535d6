"""`python -m evals.run`'s planner floor as a test: ≥ 90% of fields, every gap clarified."""

from evals.evaluators import clarifies_when_missing, plan_field_accuracy
from evals.run import DATASET, FLOOR, evaluate, load


def test_dataset_is_big_and_varied_enough():
    rows = load(DATASET)
    assert len(rows) >= 60
    assert len({r["id"] for r in rows}) == len(rows)
    currencies = {r["defaults"].get("currency") for r in rows}
    assert {"USD", "EUR", "GBP", "JPY", "INR", "KRW"} <= currencies
    assert sum(bool(r["expected"].get("questions")) for r in rows) >= 8
    assert any("experiment.kind" in r["expected"] for r in rows)
    assert any("special_ad_categories" in r["expected"] for r in rows)


def test_rules_planner_meets_the_floor_and_always_clarifies():
    report = evaluate(load(DATASET))
    assert report["overall"] >= FLOOR, report["by_path"]
    assert report["clarified"] == report["needing_clarification"]


def test_evaluators_score_misses():
    outputs = {"plan": {"objective": "OUTCOME_SALES", "budget": {"amount_minor": 5000},
                        "ad_sets": [{"targeting": {"geo_locations": {"countries": ["CA", "US"]}}}]},
               "questions": []}
    ref = {"objective": "OUTCOME_SALES", "budget.amount_minor": 6000,
           "ad_sets[0].targeting.geo_locations.countries": ["US", "CA"]}
    res = plan_field_accuracy({}, outputs, ref)
    assert res["key"] == "plan_field_accuracy" and abs(res["score"] - 2 / 3) < 1e-9
    assert "budget.amount_minor" in res["comment"]
    assert clarifies_when_missing({}, outputs, {"questions": ["budget"]})["score"] == 0.0
    asked = {**outputs, "questions": [{"field": "budget", "question": "?"}]}
    assert clarifies_when_missing({}, asked, {"questions": ["budget"]})["score"] == 1.0
    assert clarifies_when_missing({}, asked, {"questions": []})["score"] == 0.0
