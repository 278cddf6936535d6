"""When the loop's cycles run and when the loop ends, through the real graph on the sandbox.

A campaign scheduled ahead has its first cycle after its start; a paused launch waits at its
own activation card (receipt, money gate, then the write); the loop runs until the campaign
ends, with `max_cycles` only a limit a person sets (recorded on the thread).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agents.campaigns.activation import is_activation_card
from graph.runner import Outcome, Runner, open_runner
from state.ledger import Ledger
from tests.launchkit import APPROVE, admin, objects, plan_for


def _now(url: str) -> datetime:
    return datetime.fromisoformat(admin(url, "GET", "/__sandbox__/clock")["now"])


def _to(url: str, when: datetime) -> None:
    """Move the sandbox clock to just past `when` (never back)."""
    hours = (when - _now(url)).total_seconds() / 3600
    if hours > 0:
        admin(url, "POST", "/__sandbox__/clock/advance", {"hours": hours + 0.05})


def _plan(ctx: Any, images: Any, url: str, *, starts_in: timedelta, days: int) -> dict[str, Any]:
    start = (_now(url) + starts_in).replace(microsecond=0)
    return {**plan_for(ctx, images), "start_time": start.isoformat(),
            "end_time": (start + timedelta(days=days)).isoformat()}


def _approve(runner: Runner, out: Outcome) -> Outcome:
    n = len((out.interrupt or {}).get("action_requests") or [1])
    return runner.resume(out.thread_id, {"decisions": [{"type": "approve"}] * n},
                         interrupt_id=out.interrupt_id)


def _live(ctx: Any, **changes: Any) -> Any:
    return dataclasses.replace(ctx, policy=dataclasses.replace(ctx.policy, go_live=True), **changes)


def test_a_campaign_scheduled_two_weeks_ahead_has_its_first_cycle_after_its_start(
        sandbox_server, launch_context, sample_images):
    url = sandbox_server.url
    ctx = _live(launch_context)
    plan = _plan(ctx, sample_images, url, starts_in=timedelta(days=14), days=28)
    start = datetime.fromisoformat(plan["start_time"])
    with open_runner(ctx.home, ctx) as runner:
        out = runner.start("Trail shoes", "ahead", plan=plan)
        out = runner.resume("ahead", APPROVE, interrupt_id=out.interrupt_id)
        assert {c["status"] for c in objects(url, "campaign")} == {"ACTIVE"}
        assert out.waiting_for == "wait", out.values.get("status")
        until = datetime.fromisoformat(out.interrupt["until"])
        assert until == start + timedelta(days=ctx.cycle_days)
        assert "start" in out.interrupt["reason"] and "no cycle limit" in out.interrupt["reason"]

        # what used to be the first cycle (3 days after creation) is far too early now
        _to(url, _now(url) + timedelta(days=ctx.cycle_days))
        early = runner.resume("ahead", {"woke_at": _now(url).isoformat()})
        assert early.waiting_for == "wait" and "not due yet" in early.interrupt["error"]
        assert not early.values.get("cycle")

        _to(url, until)
        first = runner.resume("ahead", {"woke_at": _now(url).isoformat()})
        assert first.values["cycle"] == 1
        assert first.values["optimize"]["today"] > start.date().isoformat()


def test_a_paused_launch_waits_at_its_activation_card_then_the_gate_then_the_write(
        sandbox_server, launch_context, sample_images):
    url = sandbox_server.url
    ctx = launch_context
    plan = _plan(ctx, sample_images, url, starts_in=timedelta(days=1), days=20)
    with open_runner(ctx.home, ctx) as runner:
        out = runner.start("Trail shoes", "paused", plan=plan)
        out = runner.resume("paused", APPROVE, interrupt_id=out.interrupt_id)
        # created PAUSED, and the thread waits for a person to switch it on: no timer yet
        assert {c["status"] for c in objects(url, "campaign")} == {"PAUSED"}
        assert out.values["phase"] == "launched_paused" and is_activation_card(out.interrupt)
        card = out.interrupt
        [action] = card["action_requests"]
        assert action["args"]["campaign_id"] == out.values["created"]["campaign"]
        assert "USD 60.00 a day" in action["description"] or "$60.00 a day" in action["description"]
        assert card["review_configs"][0]["allowed_decisions"] == ["approve", "reject"]

        forged = runner.resume("paused", {"decisions": [{"type": "approve"}], "receipt": "0" * 64})
        assert is_activation_card(forged.interrupt) and "receipt" in forged.interrupt["error"]
        assert {c["status"] for c in objects(url, "campaign")} == {"PAUSED"}

        later = _now(url) + timedelta(days=2)  # a person answers two days later
        _to(url, later)
        out = _approve(runner, forged)
        assert {c["status"] for c in objects(url, "campaign")} == {"ACTIVE"}
        assert {a["status"] for a in objects(url, "ad")} == {"ACTIVE"}
        activation = out.values["activation"]
        assert activation["receipt"] == card["receipt"] and activation["activated_at"]
        ledger = Ledger.in_home(ctx.home)
        try:
            switched = [r for r in ledger.rows("paused") if str(r.get("plan_key")).endswith(":activate")]
        finally:
            ledger.close()
        assert switched and {r["receipt"] for r in switched} == {card["receipt"]}
        # the first cycle counts from the activation, not from the creation two days before
        assert out.waiting_for == "wait"
        until = datetime.fromisoformat(out.interrupt["until"])
        assert until == datetime.fromisoformat(activation["activated_at"]) + timedelta(days=ctx.cycle_days)


@pytest.mark.parametrize("answer", ["reject", "refused"])
def test_an_activation_rejected_or_refused_by_the_money_gate_writes_nothing(
        sandbox_server, launch_context, sample_images, answer):
    url = sandbox_server.url
    ctx = launch_context
    plan = _plan(ctx, sample_images, url, starts_in=timedelta(days=1), days=20)
    with open_runner(ctx.home, ctx) as runner:
        out = runner.start("Trail shoes", "off", plan=plan)
        out = runner.resume("off", APPROVE, interrupt_id=out.interrupt_id)
        assert is_activation_card(out.interrupt)
        if answer == "reject":
            out = runner.resume("off", {"decisions": [{"type": "reject", "message": "not yet"}]},
                                interrupt_id=out.interrupt_id)
            assert out.done and out.values["phase"] == "activation_rejected"
            assert "stays PAUSED" in out.values["status"]
        else:  # the cap was lowered between the launch and the activation
            runner.context = dataclasses.replace(ctx, policy=dataclasses.replace(
                ctx.policy, max_daily_exposure_minor=1000))
            out = _approve(runner, out)
            assert out.done and out.values["phase"] == "refused"
            assert "max_daily_exposure" in out.values["status"]
    assert {c["status"] for c in objects(url, "campaign")} == {"PAUSED"}
    assert {a["status"] for a in objects(url, "ad")} == {"PAUSED"}


def _drive(url: str, runner: Runner, out: Outcome, steps: int = 40) -> tuple[Outcome, list[str]]:
    """Approve every card and wake every timer when due, until the thread ends."""
    timers = []
    for _ in range(steps):
        if out.done:
            return out, timers
        if out.waiting_for == "approval":
            out = _approve(runner, out)
        elif out.waiting_for == "wait":
            timers.append(out.interrupt["until"])
            _to(url, datetime.fromisoformat(out.interrupt["until"]))
            out = runner.resume(out.thread_id, {"woke_at": _now(url).isoformat()})
        else:
            raise AssertionError(f"stuck at {out.values.get('phase')}: {out.values.get('status')}")
    raise AssertionError("the loop did not end")


def test_without_a_limit_the_loop_runs_until_the_campaign_ends_and_says_so(
        sandbox_server, launch_context, sample_images):
    url = sandbox_server.url
    ctx = _live(launch_context, cycle_days=2)
    plan = _plan(ctx, sample_images, url, starts_in=timedelta(days=1), days=7)
    end = datetime.fromisoformat(plan["end_time"])
    with open_runner(ctx.home, ctx) as runner:
        out = runner.start("Trail shoes", "flight", plan=plan)
        out, timers = _drive(url, runner, _approve(runner, out))
    assert out.values["phase"] == "ended"
    # said on the account's clock (Meta's times are in the account's time zone)
    local_end = end.astimezone(ZoneInfo(ctx.timezone)).isoformat()
    assert f"the campaign ended on {local_end} (account clock)" in out.values["status"]
    # cycles at start + 2, 4 and 6 days, then one at the end itself: never a timer past it
    assert out.values["cycle"] == 4
    assert [datetime.fromisoformat(t) for t in timers][-1] == end
    assert all(datetime.fromisoformat(t) <= end for t in timers)
    assert out.values["optimize"]["proposal"]["actions"] == []


def test_a_limit_a_person_set_is_recorded_and_holds_for_a_run_without_it(
        sandbox_server, launch_context, sample_images):
    url = sandbox_server.url
    ctx = _live(launch_context, max_cycles=1)
    plan = _plan(ctx, sample_images, url, starts_in=timedelta(days=1), days=30)
    with open_runner(ctx.home, ctx) as runner:
        out = runner.start("Trail shoes", "limited", plan=plan)
        out = _approve(runner, out)
        assert out.values["max_cycles"] == 1 and "cycle 1 of 1" in out.interrupt["reason"]
        runner.context = dataclasses.replace(ctx, max_cycles=None)  # e.g. a later `adpilot tick`
        out, _ = _drive(url, runner, out)
    assert out.values["cycle"] == 1
    assert "limit of 1 cycle(s)" in out.values["status"]
    assert out.values["phase"] != "ended"  # the campaign itself runs on


def test_the_cadence_is_recorded_at_launch_and_kept_by_a_wake_without_context() -> None:
    """A server ticker or a UI resumes with no `cycle_days`: the thread's own cadence holds."""
    from agents.campaigns.nodes import limit_recorded
    from agents.optimize.schedule import cadence, next_until, wait_reason
    from state.context import Context

    assert limit_recorded({"phase": "live"}, Context(cycle_days=1))["cycle_days"] == 1
    default = Context()
    assert cadence({"cycle_days": 1}, default) == 1 and default.cycle_days == 3
    assert cadence({}, default) == 3
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert next_until(now, cadence({"cycle_days": 1}, default), None) == "2026-03-02T00:00:00+00:00"
    assert "waiting 1 day(s)" in wait_reason({"cycle_days": 1, "cycle": 1}, default, first=False)
