"""Alerts between optimise cycles: a cheap look at a waiting thread's campaign on every tick.

Why. A campaign spends every hour while its thread waits days for the next optimise cycle; an
ad disapproved on Monday, a pixel that stops firing or an ad set at three times its target
CPA should not wait for Thursday's card. On every tick (`adpilot tick`, the server's ticker)
each thread between cycles is looked at once, read-only, and a thread with an alert that
matters is woken for a card now.

The interface (the tick and the server's ticker call it; everything is JSON-able):

- `scan(values, client, context, now) -> list[dict]`: the alerts due on the thread's campaign
  (its checkpoint `values`): `{"kind", "tier", "key", "object": {"id", "name", "level",
  "parent_id"}, "data_through", "verdict", "facts", "headline", "evidence" (plain words, the
  account's money), "advice", "proposal" (the action the card will propose, in words),
  "wakes"}`. One Graph round trip (`agents/optimize/alert_snapshot.py`: a batch of three
  reads). Nothing is written.
- `wake_value(alerts)`: the resume value for the thread's `wait` — `{"alerts": [kind, ...]}`
  — or None when no alert wakes (info alerts wait for the next card); `tick_wake(...)` is the
  two together as `adpilot tick` uses them (each alert said in a line, a Meta error too).
- `confirm(kinds, values, client, context, now)`: what `wait_for_data` does with such a
  value: the alerts of those kinds that hold on Meta's data *now*. The wake value names kinds
  only, never evidence, and the card is built from a fresh read, so a forged wake-up cannot
  put anything on a card that Meta's numbers do not show.
- `for_cycle(client, state, ctx, now)`: what a cycle's proposal adds (`cycle.propose`): the
  due alerts, and the day conversions stopped being recorded (the cycle then holds back the
  decisions judged on conversions); `actions_for(alerts, actions)`: the card's actions for
  them (EMERGENCY_PAUSE where the decision matrix calls for it, else an advice action).
- `raised_after(opt)`: the cooldown log the wait node keeps (`optimize.alerts_raised`).

Cooldown. An alert is due unless the same kind on the same object was raised (shown on a
card) at the same or a higher tier within `REPEAT_DAYS[kind]` days of data; a higher tier
raises it again at once. So a tick every 15 minutes wakes a thread once per condition, and
the same condition on later data may alert again.

The rules themselves are pure (`agents/optimize/decide/alerting/rules.py`); the words are in
`prompts/alerts.py`; docs/alerts.md has each rule, its threshold and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from agents.optimize.alert_snapshot import snapshot
from agents.optimize.decide.alerting.rules import (
    KINDS,
    REPEAT_DAYS,
    TIERS,
    WAKING,
    AlertPolicy,
    detect,
)
from agents.optimize.decide.decisions import pause_action
from agents.optimize.decide.explain import results_word
from agents.optimize.decide.refresh import REFRESH_ACTION
from prompts.alerts import advice_text, alert_text, headline

__all__ = ["KINDS", "actions_for", "confirm", "for_cycle", "raised_after", "scan",
           "scan_thread", "snapshot", "tick_wake", "wake_value"]

MAX_LOG = 200  # alerts remembered for the cooldown (the newest by data day)
RESULT_NOUN = {"PURCHASE": "purchase", "LEAD": "lead", "COMPLETE_REGISTRATION": "registration"}
# A plan judged on something other than conversions names its own result (a traffic target is
# a cost per link click, whatever pixel event the ad set also reports): explain's words.
COUNTED_KPIS = ("link_clicks", "impressions", "estimated_ad_recallers")
# The loop's budget moves, dropped beside a pause of what they move (`drop_inside_paused`)
INSIDE_MOVES = ("set_adset_budget", "set_adset_spend_limits", "set_campaign_budget")
# The decision code's actions that are judged on conversions (held back while tracking is broken)
CONVERSION_JUDGED = ("pause_ad", "pause_adset", "set_adset_budget", "set_campaign_budget",
                     "set_adset_spend_limits")


# -- presenting ---------------------------------------------------------------------------


def _present(alert: dict[str, Any], snap: Mapping[str, Any]) -> dict[str, Any]:
    """Return an alert with its words: evidence, advice, the proposed action, whether it wakes."""
    kpi = str(snap.get("kpi"))
    result = (results_word(kpi) if kpi in COUNTED_KPIS
              else RESULT_NOUN.get(str(snap.get("event")), "result"))
    obj = alert["object"]
    level = {"adset": "ad set"}.get(obj["level"], obj["level"])
    if alert["verdict"] == "EMERGENCY_PAUSE" and obj["level"] in ("campaign", "adset"):
        proposal = (f"EMERGENCY_PAUSE — pause the {level} “{headline_name(obj)}”; adpilot does not "
                    f"resume it by itself: once it is fixed, resume it (adpilot ask \"resume "
                    f"{headline_name(obj)}\")")
    else:
        proposal = "an acknowledgement (nothing changes on Meta)" + (
            "; the regular decisions on this card act on the numbers where they can"
            if alert["tier"] == "warning" else "")
    return {**alert, "headline": headline(alert),
            "evidence": alert_text(alert, str(snap["currency"]), result),
            "advice": advice_text(alert), "proposal": proposal,
            "wakes": alert["tier"] in WAKING}


def headline_name(obj: Mapping[str, Any]) -> str:
    """Return the object's name as a person gave it."""
    from state.provenance import display_name

    return display_name(obj.get("name")) or str(obj.get("id") or "")


# -- cooldown -----------------------------------------------------------------------------


def _merge(log: dict[str, dict[str, Any]], alerts: Iterable[Mapping[str, Any]]) -> None:
    for a in alerts:
        key, prev = str(a.get("key")), log.get(str(a.get("key")))
        entry = {"data_through": str(a.get("data_through")), "tier": str(a.get("tier"))}
        if prev is None or (entry["data_through"], TIERS.index(entry["tier"])) >= \
                (str(prev.get("data_through")), TIERS.index(str(prev.get("tier", "info")))):
            log[key] = entry


def raised_log(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return every alert raised on this thread: the log plus the alerts on its last card."""
    opt = values.get("optimize") or {}
    log = {str(k): dict(v) for k, v in (opt.get("alerts_raised") or {}).items()}
    _merge(log, (opt.get("proposal") or {}).get("alerts") or [])
    return log


def raised_after(opt: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the cooldown log with the last card's alerts folded in (bounded to `MAX_LOG`)."""
    log = raised_log({"optimize": opt})
    newest = sorted(log.items(), key=lambda kv: str(kv[1].get("data_through")), reverse=True)
    return dict(newest[:MAX_LOG])


def is_due(alert: Mapping[str, Any], log: Mapping[str, Mapping[str, Any]]) -> bool:
    """Return True when it was not raised before, raised at a lower tier, or raised `REPEAT_DAYS` days of data ago."""
    prev = log.get(str(alert["key"]))
    if prev is None:
        return True
    if TIERS.index(str(alert["tier"])) > TIERS.index(str(prev.get("tier", "info"))):
        return True
    gap = (date.fromisoformat(str(alert["data_through"])) -
           date.fromisoformat(str(prev["data_through"]))).days
    return gap >= REPEAT_DAYS.get(str(alert["kind"]), 3)


# -- the interface ------------------------------------------------------------------------


def _policy(context: Any) -> AlertPolicy:
    policy = getattr(context, "alert_policy", None)
    return policy if isinstance(policy, AlertPolicy) else AlertPolicy()


def found(values: Mapping[str, Any], client: Any, context: Any, now: datetime
          ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return every alert that holds now (no cooldown), with its words, and the snapshot."""
    snap = snapshot(values, client, context, now)
    return [_present(a, snap) for a in detect(snap, _policy(context))], snap


def scan(values: Mapping[str, Any], client: Any, context: Any, now: datetime) -> list[dict[str, Any]]:
    """Return the alerts due on a waiting thread's campaign now (see the module docstring)."""
    if not (values.get("created") or {}).get("campaign"):
        return []
    alerts, _ = found(values, client, context, now)
    log = raised_log(values)
    return [a for a in alerts if is_due(a, log)]


def scan_thread(values: Mapping[str, Any], context: Any, now: datetime, thread_id: str
                ) -> list[dict[str, Any]]:
    """`scan` with a client built from the run context's factory for `thread_id`."""
    factory = context.client_factory
    try:
        client = factory(thread_id=thread_id)
    except TypeError:  # factories written for the tools' ToolRuntime take no arguments
        client = factory()
    return scan(values, client, context, now)


def tick_wake(values: Mapping[str, Any], context: Any, now: datetime, thread_id: str, *,
              say: Callable[[str], Any] = print) -> dict[str, Any] | None:
    """Return what a tick sends a thread between cycles: its alerts' wake value, or None.

    Each due alert is said in one line (`say`); a Meta error is said too and wakes nothing
    (the tick goes on with the other threads).
    """
    from tools.errors import MetaError

    try:
        due = scan_thread(values, context, now, thread_id)
    except MetaError as exc:
        say(f"alerts: could not look at thread {thread_id}: {exc}")
        return None
    for alert in due:
        say(f"alert on {thread_id}: {alert['headline']}")
    return wake_value(due)


def wake_value(alerts: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Return the `wait` resume value for these alerts: the kinds that wake, or None."""
    kinds = sorted({str(a["kind"]) for a in alerts if a.get("tier") in WAKING})
    return {"alerts": kinds} if kinds else None


def confirm(kinds: Sequence[str], values: Mapping[str, Any], client: Any, context: Any,
            now: datetime) -> list[dict[str, Any]]:
    """Return the due alerts of these kinds that hold on Meta's data now and wake a thread."""
    wanted = set(kinds)
    return [a for a in scan(values, client, context, now)
            if a["kind"] in wanted and a.get("wakes")]


def for_cycle(client: Any, state: Mapping[str, Any], ctx: Any, now: datetime) -> dict[str, Any]:
    """Return the alerts a cycle's card carries (due ones) and whether tracking is broken now."""
    alerts, _ = found(state, client, ctx, now)
    log = raised_log(state)
    tracking = next((a for a in alerts if a["kind"] == "tracking_broken"), None)
    return {"alerts": [a for a in alerts if is_due(a, log)],
            "tracking_since": (tracking or {}).get("facts", {}).get("since")}


def actions_for(alerts: Sequence[Mapping[str, Any]], existing: Sequence[Mapping[str, Any]]
                ) -> list[dict[str, Any]]:
    """Return the card's actions for these alerts: the decision matrix's pause, or an advice action.

    A pause the regular decisions already propose for the same object is not proposed twice.
    """
    paused = {str(v) for a in existing if str(a.get("name", "")).startswith("pause")
              for k, v in (a.get("args") or {}).items() if k.endswith("_id")}
    out: list[dict[str, Any]] = []
    for al in alerts:
        obj, facts = al["object"], al.get("facts") or {}
        obj = {**obj, "name": headline_name(obj)}
        reasons = [str(al.get("evidence") or headline(al)).rstrip(".")]
        ev = {k: facts[k] for k in ("spend_minor", "days", "conversions", "results", "cpa_minor")
              if isinstance(facts.get(k), int | float)}
        if al["verdict"] == "EMERGENCY_PAUSE" and obj["level"] in ("campaign", "adset"):
            if obj["id"] in paused:
                continue
            action = pause_action({"id": obj["id"], "name": obj["name"]}, obj["level"],
                                  "EMERGENCY_PAUSE", reasons, ev, obj.get("parent_id") or "")
            action["expected_effect"] = {
                "metric": "spend", "direction": "down",
                "text": f"its spend stops at once; {al.get('advice')}; reject to keep it running"}
        else:
            action = {
                "name": "acknowledge_alert",
                "args": {"alert": str(al["key"])},
                "target": {"id": obj["id"], "name": obj["name"], "level": obj["level"],
                           "parent_id": obj.get("parent_id") or ""},
                "verdict": al["verdict"],
                "reasons": reasons,
                "evidence": ev,
                "expected_effect": {"metric": None, "direction": None,
                                    "text": f"nothing changes on Meta; {al.get('advice')}"},
                "advice": True,
            }
        action.update(risk="high", requires_review=True, alert=str(al["key"]))
        out.append(action)
    return out


def hold_back(actions: list[dict[str, Any]], since: str | None) -> tuple[list[dict], list[str]]:
    """Keep the decisions judged on conversions off the card while tracking is broken."""
    if not since:
        return actions, []
    held = [a for a in actions if a.get("name") in CONVERSION_JUDGED]
    if not held:
        return actions, []
    kept = [a for a in actions if a.get("name") not in CONVERSION_JUDGED]
    return kept, [f"{len(held)} action(s) judged on conversions held back: none has been "
                  f"recorded since {since} (tracking_broken), so they would judge broken "
                  "tracking, not the ads"]


def drop_inside_paused(alerted: Sequence[Mapping[str, Any]], actions: list[dict[str, Any]]
                       ) -> tuple[list[dict[str, Any]], list[str]]:
    """Drop the loop's refreshes and budget moves inside what this card proposes to pause.

    The pauses are the alerts' (`alerted`) and the regular decisions' (in `actions`): new ads
    in an ad set the same card stops would never run, and a budget raised (or cut) beside the
    pause of the same ad set or campaign says two opposite things on one card. The pause wins
    (it is the decision matrix's, on the worse evidence). Each dropped action is said (a card
    flag naming it and the pause), never dropped in silence. A person's own budget request is
    added after this and not touched.
    """
    stopped: dict[str, str] = {}  # ad set id (or "campaign") → the name the card shows
    for a in [*alerted, *actions]:
        if a.get("name") in ("pause_adset", "pause_campaign"):
            key = "campaign" if a["name"] == "pause_campaign" else str(a["args"]["adset_id"])
            stopped[key] = str((a.get("target") or {}).get("name") or key)
    kept, flags = [], []
    for a in actions:
        args, name = a.get("args") or {}, str(a.get("name"))
        scope = ([str(args.get("adset_id"))] if name != "set_campaign_budget" else []) \
            + ["campaign"]
        under = next((k for k in scope if k in stopped), None)
        if under is None or name not in (REFRESH_ACTION, *INSIDE_MOVES):
            kept.append(a)
            continue
        what = (a.get("target") or {}).get("name") or args.get("ad_id") or args.get("adset_id")
        where = "it" if str((a.get("target") or {}).get("name")) == stopped[under] \
            else f"“{stopped[under]}”"
        flags.append(
            f"no creative refresh for “{what}”: this card proposes pausing {where}, where its "
            "new ads would run (reject that pause and the refresh can be proposed on a later "
            "card)" if name == REFRESH_ACTION else
            f"no budget change for “{what}”: this card proposes pausing {where} (reject that "
            "pause and a budget change can be proposed on a later card)")
    return kept, list(dict.fromkeys(flags))  # two moves of one ad set: said once
