"""The report's executive summary: the facts it may use, the campaign's state, and the words.

`facts(...)` collects the figures (and nothing else) the summary may use. `delivery(...)` says
whether the campaign is live, paused, not started yet or ended: from Meta's `effective_status`
and schedule when the report could read them (`agents.optimize.schedule.read_flight`), else
from the thread (a launch left paused and never activated, a thread stopped, a loop that saw the
campaign end). `narrative(...)` writes the summary — the model's prose when one is configured,
else sentences built from the facts, each one said only when it has something to say (no "0
day(s)", no empty experiment line, no advice about fatigue for a campaign that is not running).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from agents.optimize.decide.stats import KPI_FIELDS
from agents.optimize.meta_io import targets_of
from prompts.reporting import NARRATIVE_SYSTEM, NARRATIVE_USER, WATCH
from state.rules import format_money

KPI_LABELS = {
    "conversions": "conversions",
    "conversion_value": "conversion value",
    "link_clicks": "link clicks",
    "estimated_ad_recallers": "ad recallers",
    "impressions": "impressions",
}
PAUSED = ("PAUSED", "CAMPAIGN_PAUSED")
GONE = ("DELETED", "ARCHIVED")


def _day(value: datetime | date | str | None) -> str:
    """Return a day for people: "Mar 03"."""
    if value is None:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return d.strftime("%b %d")


def delivery(state: dict[str, Any], first: str | None, last: str | None,
             flight: Any = None, now: datetime | None = None) -> dict[str, Any]:
    """Say the campaign's state for people: `{"state", "first_day", "last_day", ...}`.

    `state` is live, paused, scheduled (not started yet), ended or unknown; `first`/`last` the
    first and last day with delivery in the store; `flight` Meta's schedule and status.
    """
    out: dict[str, Any] = {"state": "live", "first_day": first, "last_day": last}
    status = getattr(flight, "status", None)
    if flight is not None:
        out["meta_status"] = status
        if status in GONE or (flight.end is not None and now is not None and now >= flight.end):
            out.update(state="ended", why=status.lower() if status in GONE else None)
        elif flight.start is not None and now is not None and now < flight.start:
            out.update(state="scheduled", start=_day(flight.start))
        elif status in PAUSED:
            out["state"] = "paused"
        return out
    phase = state.get("phase")
    activated = (state.get("activation") or {}).get("activated_at")
    if phase in ("launched_paused", "activation_rejected") and not activated:
        out.update(state="paused", why="created paused and never activated")
    elif phase == "stopped":
        out.update(state="paused", why="stopped with `adpilot stop`")
    elif ((state.get("optimize") or {}).get("end") or {}).get("why") == "ended":
        out["state"] = "ended"
    return out


def facts(state: dict[str, Any], totals: dict[str, Any], sets: dict[str, Any], kpi: str,
          currency: str, comparison: dict[str, Any] | None, label: str | None = None,
          where: dict[str, Any] | None = None) -> dict[str, Any]:
    """Collect the figures the narrative may use (and nothing else); money in words."""

    def cpr(x: dict[str, Any]) -> float:
        res = float(x.get(KPI_FIELDS[kpi]) or 0)
        return float(x.get("spend_minor") or 0) / res if res else float("inf")

    spent = [s for s in sets.values() if s.get("spend_minor")]
    applied = [a for a in state.get("applied_actions") or []
               if a.get("status") in ("applied", "noted")]
    judged: dict[str, int] = {}
    for a in applied:
        if j := (a.get("judgement") or {}).get("judgement"):
            judged[j] = judged.get(j, 0) + 1
    target = targets_of(state).get("target_cpa_minor")
    return {
        "campaign": (state.get("plan") or {}).get("name") or "campaign",
        "account": state.get("account"),  # every report says which ad account it is about
        "delivery": where or {"state": "live"},
        "days": totals.get("days", 0),
        "currency": currency,
        "kpi": label or KPI_LABELS[kpi],
        "spend": format_money(int(totals.get("spend_minor") or 0), currency),
        **_results(totals, kpi, currency, cpr(totals)),
        "target_cpa": format_money(int(target), currency) if target else None,
        "target_cpa_minor": target,
        "best_ad_set": min(spent, key=cpr)["name"] if spent else None,
        "worst_ad_set": max(spent, key=cpr)["name"]
        if len({cpr(s) for s in spent}) > 1 else None,  # not when they all did the same
        "actions_applied": len(applied),
        "judged": judged,
        "experiment": _said(comparison) if comparison and comparison["kind"] == "experiment"
        else None,
        "best_chance": _said(comparison) if comparison and comparison["kind"] == "ad_sets"
        else None,
    }


def _said(view: dict[str, Any]) -> dict[str, Any]:
    keep = ("headline", "advice", "status", "threshold", "p_best", "labels", "days_run", "wait",
            "reason", "note")
    return {k: view[k] for k in keep if view.get(k) is not None}


def _results(totals: dict[str, Any], kpi: str, currency: str, cost: float) -> dict[str, Any]:
    """Return the campaign's results: a count and its cost, or (value goals) value and ROAS."""
    if kpi == "conversion_value":
        value, spend = int(totals.get("conversion_value_minor") or 0), totals.get("spend_minor")
        return {"results": format_money(value, currency), "cost_per_result": None,
                "roas": round(value / float(spend), 2) if spend else None}
    return {"results": round(float(totals.get(KPI_FIELDS[kpi]) or 0), 2),
            "cost_per_result": format_money(int(cost), currency) if cost != float("inf") else None}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _opening(f: dict[str, Any]) -> list[str]:
    """Where the campaign is and what it spent and brought (nothing about days it never ran)."""
    d, name, days = f.get("delivery") or {"state": "live"}, f"“{f['campaign']}”", int(f["days"])
    span = (f" ({_day(d['first_day'])} – {_day(d['last_day'])})"
            if d.get("first_day") and d.get("last_day") and days > 1 else "")
    state = d.get("state")
    got = _got(f)
    if state == "scheduled":
        first = f"{name} has not started yet: it starts on {d.get('start')}."
        return [first] + ([f"Before that it spent {f['spend']} and brought {got}."] if days else [])
    if state == "paused":
        why = f" ({d['why']})" if d.get("why") else ""
        if not days:
            return [f"{name} is paused{why} and has not delivered: nothing has been spent."]
        return [f"{name} is paused{why}: nothing is being spent. Over its {_plural(days, 'day')} "
                f"of delivery{span}, the last on {_day(d.get('last_day'))}, it spent {f['spend']} "
                f"and brought {got}."]
    if state == "ended":
        if not days:
            return [f"{name} has ended without delivering: nothing was spent."]
        how = f" ({d['why']} on Meta)" if d.get("why") else ""
        return [f"{name} has ended{how}. Over its {_plural(days, 'day')}{span} it spent "
                f"{f['spend']} and brought {got}."]
    if not days:
        return [f"{name} has no delivery reported yet: nothing has been spent."]
    return [f"Over {_plural(days, 'day')}{span} {name} spent {f['spend']} and brought {got}."]


def _got(f: dict[str, Any]) -> str:
    if f.get("results_text"):
        return str(f["results_text"])
    got = (f"{f['results']} of {f['kpi']}" if isinstance(f["results"], str)
           else f"{f['results']:g} {f['kpi']}")
    if f.get("cost_per_result"):
        return f"{got} at {f['cost_per_result']} each"
    return got + (f" (ROAS {f['roas']:.2f}x)" if f.get("roas") is not None else "")


def template_summary(f: dict[str, Any]) -> str:
    """Write the summary without a model: only the sentences that have something to say."""
    parts = _opening(f)
    delivered = int(f["days"]) > 0
    if delivered and f.get("best_ad_set"):
        worst = f"; the least efficient was “{f['worst_ad_set']}”" if f.get("worst_ad_set") else ""
        parts.append(f"The most efficient ad set was “{f['best_ad_set']}”{worst}.")
    if n := int(f.get("actions_applied") or 0):
        judged = f.get("judged") or {}
        verdicts = (" — judged " + ", ".join(f"{v} {k}" for k, v in judged.items())) if judged else ""
        parts.append(f"adpilot applied {_plural(n, 'action')}{verdicts}.")
    for key in ("experiment", "best_chance"):
        if delivered and (view := f.get(key)) and view.get("headline"):
            prefix = "Experiment: " if key == "experiment" else ""
            parts.append(f"{prefix}{view['headline']}." + (f" {view['advice']}"
                                                          if view.get("advice") else ""))
            if view.get("note"):  # the loop cut the leader: why, in its figures
                parts.append(str(view["note"]))
    if delivered and (f.get("delivery") or {}).get("state", "live") == "live":
        parts.append(WATCH)
    return " ".join(parts)


def narrative(f: dict[str, Any], model: str | None) -> str:
    """Write the executive summary: the model's prose when one is configured, else the template."""
    if model and model != "rules":
        try:
            from langchain.chat_models import init_chat_model

            llm = init_chat_model(model)
            msg = llm.invoke([("system", NARRATIVE_SYSTEM),
                              ("user", NARRATIVE_USER.format(facts=json.dumps(f, default=str)))])
            if text := str(getattr(msg, "content", "")).strip():
                return text
        except Exception:  # noqa: BLE001 - any model failure falls back to the template
            pass
    return template_summary(f)


__all__ = ["KPI_LABELS", "delivery", "facts", "narrative", "template_summary"]
