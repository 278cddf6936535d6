"""`adpilot demo --yes`: plan, approval card, launch with progress, optimise cycles, report."""

from typer.testing import CliRunner

from graph.cli import app


def test_demo_runs_end_to_end_offline(home):
    result = CliRunner().invoke(app, ["demo", "--yes"], env={"COLUMNS": "160"})
    out = result.output
    assert result.exit_code == 0, out[-3000:]
    assert "using the embedded sandbox" in out
    assert "approval needed" in out and "--yes: launch approved" in out
    assert "created on Meta" in out and "launch" in out
    # At least three optimise cycles run; how many cards they raise is the decision code's call.
    assert out.count("✓ decide_actions") >= 3
    reports = list((home / "reports").glob("*/report.md"))
    assert len(reports) == 1 and len(list(reports[0].parent.glob("*.png"))) >= 3
    assert "ADPILOT_HOME" in out and reports[0].parent.name in out
