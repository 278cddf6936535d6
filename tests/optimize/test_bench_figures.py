"""The optimiser bench's measured figures (reversals, changes per cycle) and its regime suite."""

from __future__ import annotations

import json

from bench.optimizer import main
from bench.optimizer_figures import Trail, reversals
from sandbox.scenario import SCENARIO_DIR


def test_a_flip_flopping_budget_has_a_reversal_at_every_turn():
    assert reversals([40, 32, 36.8, 30.4, 36.48]) == 3


def test_a_monotone_budget_or_a_single_change_has_no_reversal():
    assert reversals([40, 48, 57.6, 69.12]) == 0
    assert reversals([40, 36, 30, 30, 20]) == 0
    assert reversals([40, 32]) == 0
    assert reversals([40]) == reversals([]) == 0


def test_repeated_values_are_no_change_and_do_not_hide_a_reversal():
    assert reversals([40, 40, 32, 32, 36.8]) == 1


class _Store:
    """Stands in for the sandbox store: each object's stored doc, changed between reads."""

    def __init__(self, docs: dict[str, dict]) -> None:
        self.docs = docs

    def get_object(self, oid: str) -> dict | None:
        return self.docs.get(oid)


def test_the_trail_counts_what_the_stored_objects_show_per_ad_set_and_per_cycle():
    created = {"campaign": "c", "ad_sets": {"set0": "s0", "set1": "s1"}, "ads": {"ad0": "a0"}}
    store = _Store({
        "c": {"status": "ACTIVE", "spend_cap": "100"},
        "s0": {"status": "ACTIVE", "daily_budget": "4000"},
        "s1": {"status": "ACTIVE", "daily_budget": "4000"},
        "a0": {"status": "ACTIVE"},
    })
    trail = Trail(created)
    trail.observe(store)
    for s0, s1 in ((3200, 4800), (3680, 5760), (3040, 5760), (3648, 6912)):
        store.docs["s0"]["daily_budget"] = str(s0)
        store.docs["s1"]["daily_budget"] = str(s1)
        trail.observe(store)
    store.docs["a0"]["status"] = "PAUSED"
    trail.observe(store)
    figures = trail.figures(cycles=5)
    assert figures["budget_reversals_by_adset"] == {"set0": 3, "set1": 0}
    assert figures["budget_reversals"] == 3 and figures["budget_reversals_per_adset"] == 1.5
    assert figures["budget_changes_by_adset"] == {"set0": 4, "set1": 3}
    assert figures["changes_by_type"] == {
        "ad_pause": 1, "adset_budget_down": 2, "adset_budget_up": 5
    }
    assert figures["actions_per_cycle"]["all"] == 8 / 5
    assert Trail(created).figures(cycles=0)["actions_per_cycle"] == {"all": 0.0}


def _short(path, name: str) -> None:
    data = json.loads((SCENARIO_DIR / "ecommerce_usd.json").read_text())
    data.update(name=name, days=5)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_the_suite_runs_a_folder_and_reports_its_held_out_regimes_apart(tmp_path, capsys):
    _short(tmp_path / "regimes" / "short_a.json", "short_a")
    _short(tmp_path / "regimes" / "holdout" / "short_b.json", "short_b")
    (tmp_path / "regimes" / "README.md").write_text("not a scenario")
    argv = ["--suite", str(tmp_path / "regimes"), "--no-bundled", "--seeds", "1", "--procs", "2"]
    assert main([*argv, "--holdout", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    by_name = {x["name"]: x for x in report["scenarios"]}
    assert set(by_name) == {"short_a", "short_b"}
    assert by_name["short_a"]["held_out"] is False and by_name["short_b"]["held_out"] is True
    assert report["held_out"]["names"] == ["short_b"]
    assert report["floor"]["ahead_of_launch_and_leave"].keys() == {"short_a"}
    assert report["held_out"]["floor"]["ahead_of_launch_and_leave"].keys() == {"short_b"}
    for x in by_name.values():
        assert set(x["regime_floor"]) == {
            "at_least", "ahead_of_launch_and_leave", "ahead_of_threshold_rules", "met"
        }
        assert x["budget_reversals_per_adset"]["launch_and_leave"] == 0
        assert x["actions_per_cycle"]["launch_and_leave"] == {"all": 0.0}
        assert x["budget_reversals_per_run"]["adpilot"] >= 0
        assert "all" in x["actions_per_cycle"]["adpilot"]
    assert main(argv) == 0  # printed: no held-out block without --holdout
    out = capsys.readouterr().out
    assert "short_a" in out and "held out from tuning" not in out and "short_b" not in out
