"""`adpilot trace`: each card shows the answer it accepted; refused answers say why they were refused.

The reviewer's case: an edit to an over-cap budget, then a plain approve (refused: the plan has
problems), then an edit within the cap. The trace used to show the stored first answer,
"human decided: approve", on the over-cap card — the refused one — and hide the accepted edit.
"""

from __future__ import annotations

import copy

from typer.testing import CliRunner

from tests.launchkit import demo_runner


def _edit(plan, receipt=None):
    value = {"decisions": [{"type": "edit", "edited_action": {"name": "launch_campaign",
                                                             "args": {"plan": plan}}}]}
    return {**value, "receipt": receipt} if receipt else value


def test_trace_shows_the_accepted_answer_and_marks_refused_ones(tmp_path, monkeypatch):
    from graph.cli import app
    from graph.trace_view import trace_timeline
    bogus = {"decisions": [{"type": t} for t in ("approve", "reject", "approve", "bogus", "approve")]}
    with demo_runner(tmp_path, monkeypatch) as (home, runner, brief):
        out = runner.start(brief, thread_id="t-refused")
        plan = out.interrupt["action_requests"][0]["args"]["plan"]
        assert runner.resume("t-refused", bogus).interrupt["error"]  # refused: five for one action
        first = out.interrupt["receipt"]
        over = copy.deepcopy(plan)
        over["budget"]["amount_minor"] = 9_000_000
        out = runner.resume("t-refused", _edit(over))  # not applied: the first card stays
        assert out.waiting_for == "approval" and out.interrupt["receipt"] == first
        within = copy.deepcopy(plan)
        within["budget"]["amount_minor"] = 15_000
        out = runner.resume("t-refused", _edit(within, first))
        assert out.waiting_for == "approval" and not out.values.get("problems")

    events = [e for e in trace_timeline(home, "t-refused") if e["node"] == "review_plan"
              and e["kind"] in ("refused", "decision")]
    said = [(e["kind"], e["summary"]) for e in events]
    assert said[0][0] == "refused" and said[0][1].startswith(
        "human answered: approve, reject, approve, bogus, approve — refused: ")
    assert said[-1] == ("decision", "human decided: edit")  # the within-cap edit, accepted
    assert not any(kind == "decision" and "approve" in text for kind, text in said)

    text = CliRunner().invoke(app, ["trace", "t-refused"], env={"COLUMNS": "400"})
    assert text.exit_code == 0, text.output
    assert "decided: approve" not in text.output
    assert text.output.count("refused: ") == 1
    # The over-cap edit was a decision the plan check then refused: the trace says so.
    assert "edit not applied: 4 problem(s); the card before it is pending again" in text.output
