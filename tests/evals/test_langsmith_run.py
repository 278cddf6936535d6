"""The evals through `langsmith.evaluate` (offline: upload_results=False), rules and LLM planners."""

from __future__ import annotations

from evals import langsmith_run
from tests.llm.openai_stub import llm_planner_env
from tests.llm.scripted import VALID_DRAFT, openai_reply


def test_examples_are_stable_and_carry_references():
    first = langsmith_run.brief_examples(limit=3)
    again = langsmith_run.brief_examples(limit=3)
    assert [e.id for e in first] == [e.id for e in again]  # re-runs top up, never duplicate
    assert first[0].inputs["brief"] and first[0].outputs
    cases = langsmith_run.trajectory_examples(limit=2)
    assert cases[0].inputs["script"] is not None and "writes" in cases[0].outputs


def test_metadata_names_model_and_policy():
    meta = langsmith_run.experiment_metadata("openai:gpt-4.1-mini", "default", "adpilot-briefs")
    assert meta["model"] == "openai:gpt-4.1-mini" and meta["policy"] == "default"
    assert meta["planner"] == "llm" and meta["adpilot_version"]
    assert langsmith_run.experiment_metadata("rules", "p", "d")["planner"] == "rules"


def test_rules_and_llm_planners_and_trajectories_through_langsmith_evaluate(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # what the run leaves behind
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_CHECKPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with llm_planner_env(monkeypatch, [openai_reply(VALID_DRAFT)] * 6) as stub:
        results = langsmith_run.run_experiments(models=["rules", "openai:gpt-4.1-mini"], upload=False,
                                                limit=2)
    assert set(results) == {"planner:rules", "planner:openai:gpt-4.1-mini", "trajectories"}
    rules = langsmith_run.summarize(results["planner:rules"])
    assert set(rules) == {"plan_field_accuracy", "clarifies_when_missing"}
    assert rules["plan_field_accuracy"] >= 0.9
    llm = langsmith_run.summarize(results["planner:openai:gpt-4.1-mini"])
    assert set(llm) == set(rules)
    # The LLM planner really ran on the same two briefs (with up to two repairs each).
    briefs = {req["messages"][1]["content"] for req in stub.requests}
    assert len(briefs) == 2 and 2 <= len(stub.requests) <= 6
    assert langsmith_run.summarize(results["trajectories"]) == {
        "expected_outcome": 1.0, "loop_bounded": 1.0, "no_write_before_approval": 1.0,
        "spend_changes_approved": 1.0}
    # Each trajectory ran in a folder of its own, removed afterwards (they used to pile up).
    assert not list(tmp_path.glob("adpilot-traj-*"))


def test_cli_refuses_upload_without_a_key(monkeypatch, capsys):
    import pytest

    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    with pytest.raises(SystemExit):
        langsmith_run.main([])
    assert "LANGSMITH_API_KEY" in capsys.readouterr().err
