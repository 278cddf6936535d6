"""An approval applies only to the card the person saw.

The issue's case: the $60/day card was shown, the plan was edited elsewhere to $90/day, and a
decision quoting no receipt (the shape Agent Inbox sends) launched the edit. Now an answer is
addressed to the card that was shown — by its interrupt id, or its receipt — and a card
replaced since then makes the answer stale: refused, nothing written, the new card shown.
"""

import json

import pytest
from langgraph.types import Command

from graph.environment import open_environment
from graph.runner import StaleDecision, open_runner
from tests.launchkit import admin, brief_for, objects


def _cli():
    from typer.testing import CliRunner

    from graph.cli import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "400"})


@pytest.fixture
def runner_here(home):
    """A Runner on the same ADPILOT_HOME and embedded sandbox the CLI uses ("elsewhere")."""
    def open_():
        env_cm = open_environment(announce=lambda _msg: None)
        env = env_cm.__enter__()
        runner_cm = open_runner(env.home, env.context)
        runner = runner_cm.__enter__()

        def close():
            runner_cm.__exit__(None, None, None)
            env_cm.__exit__(None, None, None)
        return env, runner, close
    return open_


def _edit_elsewhere(runner, thread, daily_minor):
    """Edit the pending launch card the way another client would (receipt quoted)."""
    current = runner.status(thread)
    plan = current.interrupt["action_requests"][0]["args"]["plan"]
    edited = {**plan, "name": "Edited elsewhere",
              "budget": {**plan["budget"], "amount_minor": daily_minor}}
    value = {"decisions": [{"type": "edit", "edited_action": {
        "name": "launch_campaign", "args": {"plan": edited}}}], "receipt": current.interrupt["receipt"]}
    return current, runner.resume(thread, value, expect="approval", interrupt_id=current.interrupt_id)


def _campaigns(env):
    return [o for o in objects(env.sandbox.url, "campaign") if o.get("status") != "DELETED"]


def test_cli_approve_refuses_a_card_edited_elsewhere_after_it_was_shown(home, sample_images, runner_here):
    cli = _cli()
    shown = cli("run", brief_for(sample_images), "--thread", "st-1")
    assert shown.exit_code == 0 and "USD 60.00" in shown.output, shown.output

    env, runner, close = runner_here()
    try:
        first, edited = _edit_elsewhere(runner, "st-1", 9000)
        assert edited.waiting_for == "approval" and edited.interrupt_id != first.interrupt_id
    finally:
        close()

    # The person answers the card they saw ($60): it was replaced, so nothing is decided.
    stale = cli("approve", "st-1")
    assert stale.exit_code == 2, stale.output
    assert "changed since it was last shown here" in stale.output
    assert "Edited elsewhere" in stale.output and "USD 90.00" in stale.output  # the new card, shown
    env, runner, close = runner_here()
    try:
        assert _campaigns(env) == []
        assert runner.status("st-1").waiting_for == "approval"
    finally:
        close()

    # Having now seen the $90 card, the same command approves it.
    ok = cli("approve", "st-1")
    assert ok.exit_code == 0, ok.output
    assert "created on Meta" in ok.output


def test_cli_receipt_option_names_the_card(home, sample_images):
    cli = _cli()
    cli("run", brief_for(sample_images), "--thread", "st-2")
    wrong = cli("approve", "st-2", "--receipt", "deadbeefdeadbeef")
    assert wrong.exit_code == 2 and "receipt" in wrong.output
    assert "created on Meta" not in wrong.output


def test_decisions_file_quoting_an_older_receipt_is_refused_with_exit_2(home, sample_images, runner_here,
                                                                         tmp_path):
    cli = _cli()
    cli("run", brief_for(sample_images), "--thread", "st-3")
    env, runner, close = runner_here()
    try:
        first, _ = _edit_elsewhere(runner, "st-3", 9000)
    finally:
        close()
    cli("status", "st-3")  # the person looks at the thread: the new card is shown
    old = tmp_path / "decisions.json"
    old.write_text(json.dumps({"decisions": [{"type": "approve"}], "receipt": first.interrupt["receipt"]}))
    result = cli("approve", "st-3", "--decisions", str(old))
    assert result.exit_code == 2, result.output
    assert "receipt does not match" in result.output
    env, runner, close = runner_here()
    try:
        assert _campaigns(env) == []
    finally:
        close()


def test_runner_answer_by_an_old_interrupt_id_is_stale_and_writes_nothing(home, sample_images, runner_here):
    cli = _cli()
    cli("run", brief_for(sample_images), "--thread", "st-4")
    env, runner, close = runner_here()
    try:
        first, _ = _edit_elsewhere(runner, "st-4", 9000)
        before = admin(env.sandbox.url, "GET", "/__sandbox__/stats")["writes"]
        with pytest.raises(StaleDecision) as err:
            runner.resume("st-4", {"decisions": [{"type": "approve"}]}, expect="approval",
                          interrupt_id=first.interrupt_id)
        assert "no longer waiting for the card you answered" in str(err.value)
        assert err.value.current.interrupt["action_requests"][0]["args"]["plan"]["name"] == \
            "Edited elsewhere"
        # Sent straight to LangGraph by the old id, the answer reaches no card: the edited
        # card stays pending, unanswered.
        list(runner.graph.stream(Command(resume={first.interrupt_id: {"decisions": [{"type": "approve"}]}}),
                                 runner.config("st-4"), context=runner.context))
        still = runner.status("st-4")
        assert still.waiting_for == "approval" and not still.interrupt.get("error")
        assert still.interrupt["action_requests"][0]["args"]["plan"]["name"] == "Edited elsewhere"
        # A bare answer quoting no receipt cannot approve the edited card either.
        after = runner.resume("st-4", {"decisions": [{"type": "approve"}]}, expect="approval")
        assert "quotes no receipt" in after.interrupt["error"]
        assert admin(env.sandbox.url, "GET", "/__sandbox__/stats")["writes"] == before
        assert _campaigns(env) == []
    finally:
        close()
