"""The many-accounts bench on a few accounts: every cycle completes, nothing is throttled.

`bench.many_accounts.run` is what `python -m bench.many_accounts --accounts 100` runs.
"""

from __future__ import annotations

import json

from bench.many_accounts import main, run


def test_every_account_gets_status_insights_and_a_cycle_without_a_throttle():
    report = run(4, workers=4, days=2)
    assert report["accounts"] == 4 and report["cycles_completed"] == 4, report["failures"]
    assert report["throttling_errors"] == 0 and report["throttling_errors_client"] == 0
    assert report["setup_throttling_errors"] == 0
    assert report["floor"]["met"]
    rows = report["per_account"]
    assert len({r["account"] for r in rows}) == 4
    for r in rows:  # calls counted per account, by the client and by the sandbox alike
        assert r["completed"] and r["graph_calls"] > 0
        assert r["graph_calls"] == r["sandbox_graph_calls"]
        assert r["spend_minor"] > 0  # delivery ran in every account
        assert r["throttled"] == 0
    assert report["graph_calls_per_account"]["max"] == max(r["graph_calls"] for r in rows)
    assert report["accounts_with_spend"] == 4
    assert 0 < report["max_usage_pct"] < 75  # under the governor's soft limit


def test_json_output_is_one_object_with_the_figures(capsys):
    assert main(["--accounts", "2", "--workers", "2", "--days", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("accounts", "wall_seconds", "graph_calls_per_account", "throttling_errors",
                "cycles_completed"):
        assert key in report
    assert "per_account" not in report
