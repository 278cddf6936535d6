"""`make evals` (python -m evals.run): plan accuracy, trajectory pass rate, optimiser vs oracle."""

from __future__ import annotations

import json

import pytest

from evals import run as evals_run
from tests.llm.openai_stub import llm_planner_env
from tests.llm.scripted import VALID_DRAFT, openai_reply


def _clean_env(monkeypatch):
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_MODEL", "ADPILOT_CHECKPOINT_URL",
                 "LANGSMITH_TRACING"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.slow
def test_make_evals_reports_all_three_figures(monkeypatch, capsys):
    _clean_env(monkeypatch)
    code = evals_run.main(["--json", "--seeds", "1"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["overall"] >= 0.9
    traj = report["trajectories"]
    assert traj["pass_rate"] == 1.0 and traj["cases"] >= 8 and traj["failures"] == []
    assert set(traj["by_rule"]) >= {"no_write_before_approval", "spend_changes_approved", "loop_bounded"}
    opt = report["optimiser"]
    assert 0 < opt["mean"] <= 1.5 and opt["runs"] == len(opt["per_scenario"]) and opt["seeds"] == [1]


def test_llm_planner_is_scored_on_the_same_briefs(monkeypatch, capsys, tmp_path):
    _clean_env(monkeypatch)
    rows = evals_run.load()[:3]
    dataset = tmp_path / "briefs.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with llm_planner_env(monkeypatch, [openai_reply(VALID_DRAFT)] * 9) as stub:
        evals_run.main(["--json", "--planner-only", "--dataset", str(dataset), "--floor", "0"])
    report = json.loads(capsys.readouterr().out)
    llm = report["llm_planner"]
    assert llm["model"] == "openai:gpt-4.1-mini" and llm["briefs"] == 3 and llm["fields"] > 0
    assert 0 <= llm["overall"] <= 1
    assert {r["messages"][1]["content"] for r in stub.requests} >= {
        f"# Brief\n{row['brief'].strip()}\n\nDraft the campaign for this brief as the structured output.\n"
        for row in rows}
