"""The optimiser bench's summary: the issue's `mean`, `mean_same_spend`, and the floor check."""

from __future__ import annotations

from bench.optimizer import summarise


def _rows(name: str, fractions: dict[str, tuple[float, float]]) -> list[dict]:
    return [
        {"scenario": name, "scenario_arg": name, "seed": 1, "strategy": s, "fraction": f,
         "fraction_same_spend": same, "spend_fraction": 1.0, "even_split": 0.7}
        for s, (f, same) in fractions.items()
    ]


def test_floor_is_the_raw_mean_even_when_a_baseline_spent_more():
    rows = _rows("a", {"adpilot": (0.9, 0.9), "launch_and_leave": (0.7, 0.7),
                       "threshold_rules": (1.2, 0.6)})
    report = summarise(rows, ["a"], [1])
    assert report["mean"]["threshold_rules"] == 1.2
    assert report["mean_same_spend"]["threshold_rules"] == 0.6
    assert report["floor"]["met"] is False
    assert report["floor"]["ahead_of_threshold_rules"] == {"a": False}
    assert report["floor"]["ahead_of_threshold_rules_same_spend"] == {"a": True}


def test_floor_met_when_ahead_everywhere_and_mean_at_least_085():
    rows = _rows("a", {"adpilot": (0.95, 0.95), "launch_and_leave": (0.7, 0.7),
                       "threshold_rules": (0.8, 0.8)}) + _rows(
        "b", {"adpilot": (0.84, 0.84), "launch_and_leave": (0.7, 0.7),
              "threshold_rules": (0.8, 0.8)})
    floor = summarise(rows, ["a", "b"], [1])["floor"]
    assert floor["met"] is True and floor["adpilot_mean"] == 0.895
    assert floor["per_scenario_at_least"] == {"a": True, "b": False}


def test_floor_fails_below_085_or_behind_a_baseline_in_any_scenario():
    low = _rows("a", {"adpilot": (0.84, 0.84), "launch_and_leave": (0.7, 0.7),
                      "threshold_rules": (0.7, 0.7)})
    assert summarise(low, ["a"], [1])["floor"]["met"] is False
    behind = _rows("a", {"adpilot": (0.95, 0.95), "launch_and_leave": (0.7, 0.7),
                         "threshold_rules": (0.7, 0.7)}) + _rows(
        "b", {"adpilot": (0.9, 0.9), "launch_and_leave": (0.7, 0.7),
              "threshold_rules": (0.91, 0.91)})
    floor = summarise(behind, ["a", "b"], [1])["floor"]
    assert floor["met"] is False and floor["ahead_of_threshold_rules"]["b"] is False
