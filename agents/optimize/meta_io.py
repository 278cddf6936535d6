"""Meta reads and writes of the optimise loop (everything here goes through `MetaClient`).

- `read_tree(client, campaign_id)`: the campaign, its ad sets and ads as Meta has them now;
- `build_evidence(...)`: the JSON evidence `agents/optimize/decide/decisions.py::decide` judges;
- `apply_action(client, action, gate_pass, ...)`: one approved `MoneyAction` (the typed action
  the money gate passed), ledgered, read back.

What the loop observes cycle to cycle (phase budgets, moves, names) is in `observed.py`.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from agents.optimize.observed import distinct_name, moved_by_loop, phase_budgets
from state.exposure import as_int
from state.guardrails import GatePass, MoneyAction, parse_time
from state.insights_store import InsightsStore, add_sums, derive
from state.rules import min_daily_budget_minor

CAMPAIGN_FIELDS = (
    "id,name,status,effective_status,daily_budget,lifetime_budget,start_time,stop_time,"
    "bid_strategy"
)
ADSET_FIELDS = (
    "id,name,status,effective_status,daily_budget,lifetime_budget,budget_remaining,"
    "learning_stage_info,billing_event,optimization_goal,end_time,campaign_id,daily_spend_cap,"
    "daily_min_spend_target,"
    "bid_strategy,bid_amount,bid_constraints"
)
# Ad set spend limits under a campaign budget (`agents/optimize/decide/cbo.py`); 0 = no limit.
SPEND_LIMIT_FIELDS = ("daily_spend_cap", "daily_min_spend_target")
AD_FIELDS = "id,name,status,effective_status,adset_id"
JUDGE_WINDOW_DAYS = 28
# The per-day counts an ad set's `days_stats` keeps (`decide/stats.py::dispersion`).
DAY_FIELDS = ("spend_minor", "impressions", "clicks", "link_clicks", "conversions",
              "conversion_value_minor", "recallers")
RECENT_DAYS = 7  # ad sets' `recent_stats` window


def read_tree(client: Any, campaign_id: str) -> dict[str, Any]:
    """Read the campaign, its ad sets and its ads as Meta has them now (statuses, budgets)."""
    campaign = client.get(str(campaign_id), {"fields": CAMPAIGN_FIELDS})
    adsets = client.get_all(f"{campaign_id}/adsets", {"fields": ADSET_FIELDS}, limit=200)
    ads = client.get_all(f"{campaign_id}/ads", {"fields": AD_FIELDS}, limit=500)
    return {"campaign": campaign, "ad_sets": adsets, "ads": ads}


def _learning(adset: dict[str, Any]) -> str | None:
    info = adset.get("learning_stage_info") or {}
    return str(info.get("status")) if info.get("status") else None


PLAN_TARGET_KEYS = {"target_cpa_minor": "cpa_minor", "target_roas": "roas"}


def targets_of(state: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Target CPA / ROAS: the thread's optimise settings, the plan, then the run policy.

    The plan holds them as `targets: {"cpa_minor", "roas"}` (`state/plan.py::PlanTargets`).
    """
    opt = state.get("optimize") or {}
    plan = state.get("plan") or {}
    plan_targets = {k: (plan.get("targets") or {}).get(v) for k, v in PLAN_TARGET_KEYS.items()}
    policy = getattr(ctx, "policy", None)
    out: dict[str, Any] = {}
    for key in PLAN_TARGET_KEYS:
        for source in (opt.get("targets") or {}, plan_targets, plan):
            if source.get(key) is not None:
                out[key] = source[key]
                break
        else:
            if getattr(policy, key, None) is not None:
                out[key] = getattr(policy, key)
    return out


KPI_BY_OBJECTIVE = {
    "OUTCOME_SALES": "conversions",
    "OUTCOME_LEADS": "conversions",
    "OUTCOME_AWARENESS": "estimated_ad_recallers",
    "OUTCOME_TRAFFIC": "link_clicks",
    "OUTCOME_ENGAGEMENT": "link_clicks",
}


# Goals counted as conversions whatever the objective (a messaging ad set of an engagement
# campaign is judged on conversations started, not link clicks); VALUE on purchase value.
KPI_BY_GOAL = {
    "VALUE": "conversion_value",
    "CONVERSATIONS": "conversions",
    "LEAD_GENERATION": "conversions",
    "QUALITY_LEAD": "conversions",
}


def kpi_of_plan(plan: dict[str, Any], targets: dict[str, Any] | None = None) -> str:
    """Return the KPI a plan is judged on (ROAS-only targets judge conversion value)."""
    targets = targets or {}
    if targets.get("kpi"):
        return str(targets["kpi"])
    if targets.get("target_roas") and not targets.get("target_cpa_minor"):
        return "conversion_value"
    goals = [KPI_BY_GOAL[g] for s in plan.get("ad_sets") or []
             if (g := str(s.get("optimization_goal") or "")) in KPI_BY_GOAL]
    if goals:
        return max(dict.fromkeys(goals), key=goals.count)
    return KPI_BY_OBJECTIVE.get(str(plan.get("objective") or ""), "conversions")


def build_evidence(
    tree: dict[str, Any],
    store: InsightsStore,
    *,
    account: dict[str, Any],
    now: datetime,
    targets: dict[str, Any],
    kpi: str = "conversions",
    budget_edits: dict[str, list[str]] | None = None,
    experiment: dict[str, Any] | None = None,
    window_days: int = JUDGE_WINDOW_DAYS,
    known_phases: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Combine Meta's current tree with stored insights into `decide()`'s evidence."""
    campaign = tree["campaign"]
    cid = str(campaign["id"])
    today = now.astimezone(account["tz"]).date()
    until = (today - timedelta(days=1)).isoformat()
    since = (today - timedelta(days=window_days)).isoformat()
    ad_stats = store.totals(cid, "ad", since, until)
    set_stats = store.totals(cid, "adset", since, until)
    # The last week alone: value per spend at about the current budget (reallocation).
    recent = (today - timedelta(days=RECENT_DAYS)).isoformat()
    set_recent = store.totals(cid, "adset", recent, until)
    set_last = store.totals(cid, "adset", until, until)  # yesterday: is the budget spent?
    # One read of the ad sets' days serves three spans:
    # - daily spend over the last week (0 where none), oldest first, ending yesterday: spend flat
    #   below the budget for days means the audience absorbs no more (`decide/reallocation.py`);
    # - the days of two weeks (the day-to-day spread of the counts: `dispersion`);
    # - the judging window's days by age (1 = yesterday): the discounted memory the
    #   reallocation's posteriors read (`decide/memory.py`); `delivery_day` counts from the ad
    #   set's first day with spend (1) when that day is inside the window (else 0: it began before).
    since_rows = (today - timedelta(days=2 * RECENT_DAYS)).isoformat()
    by_day: dict[str, dict[str, float]] = {}
    rows_by_set: dict[str, list[dict[str, float]]] = {}
    history: dict[str, list[dict[str, float]]] = {}
    for row in store.daily(cid, "adset", min(since, since_rows, recent), until):
        day, key = str(row["date"]), str(row["entity_id"])
        counts = {k: float(row.get(k) or 0) for k in DAY_FIELDS}
        if day >= recent:
            by_day.setdefault(key, {})[row["date"]] = float(row["spend_minor"] or 0)
        if day >= since_rows:
            rows_by_set.setdefault(key, []).append(dict(counts))
        if day >= since:
            age = (today - date.fromisoformat(day[:10])).days
            history.setdefault(key, []).append({"age": float(age), **counts})
    dates = [(today - timedelta(days=d)).isoformat() for d in range(RECENT_DAYS, 0, -1)]
    set_daily = {k: [v.get(d, 0.0) for d in dates] for k, v in by_day.items()}
    for rows in history.values():
        spent = [r["age"] for r in rows if r["spend_minor"] > 0]
        first = max(spent) if spent and max(spent) < window_days else None
        for r in rows:
            r["delivery_day"] = first - r["age"] + 1 if first is not None else 0.0
    weeks = store.weeks(cid, until)
    cbo = bool(as_int(campaign.get("daily_budget")) or as_int(campaign.get("lifetime_budget")))
    billing = next(
        (a.get("billing_event") for a in tree["ad_sets"] if a.get("billing_event")), "IMPRESSIONS"
    )
    minimum = max(
        account.get("min_daily_budget_minor") or 0,
        min_daily_budget_minor(account["currency"], billing or "IMPRESSIONS"),
    )
    cap = account.get("spend_cap_minor")
    empty = derive(add_sums([]))
    phases = phase_budgets(tree, known_phases, now)
    return {
        "now": now.isoformat(),
        "today": today.isoformat(),
        "currency": account["currency"],
        "kpi": kpi,
        "target_cpa_minor": targets.get("target_cpa_minor"),
        "target_roas": targets.get("target_roas"),
        "budget_level": "campaign" if cbo else "ad_set",
        "min_daily_budget_minor": minimum,
        "spend_cap_remaining_minor": (cap - account.get("amount_spent_minor", 0)) if cap else None,
        "campaign": {
            "id": cid,
            "name": campaign.get("name", ""),
            "status": campaign.get("status"),
            "daily_budget_minor": as_int(campaign.get("daily_budget")) or None,
            **{k: phases.get(f"campaign:{cid}", {}).get(k)
               for k in ("last_move", "moved_at", "moved_after")},
        },
        "ad_sets": [
            {
                "id": str(a["id"]),
                "name": distinct_name(a, tree["ad_sets"]),
                "status": a.get("status") if campaign.get("status") != "PAUSED" else "PAUSED",
                "daily_budget_minor": as_int(a.get("daily_budget")) or None,
                **lifetime_fields(a, now),
                "learning": _learning(a),
                "phase_budget_minor": phases[str(a["id"])]["budget"],
                "last_move": phases[str(a["id"])].get("last_move"),
                "moved_at": phases[str(a["id"])].get("moved_at"),
                "moved_after": phases[str(a["id"])].get("moved_after"),
                "moved_by_loop": moved_by_loop(phases[str(a["id"])],
                                               (budget_edits or {}).get(str(a["id"]), [])),
                "stats": set_stats.get(str(a["id"]), empty),
                "recent_stats": set_recent.get(str(a["id"]), empty),
                "last_day_stats": set_last.get(str(a["id"]), empty),
                "daily_spend_minor": set_daily.get(str(a["id"]), []),
                "days_stats": rows_by_set.get(str(a["id"]), []),
                "history": history.get(str(a["id"]), []),
                "ends_in_days": ends_in_days(a, now),
                **{f"{k}_minor": as_int(a.get(k)) for k in SPEND_LIMIT_FIELDS},
                **bid_fields(a, campaign),
            }
            for a in tree["ad_sets"]
        ],
        "ads": [
            {
                "id": str(ad["id"]),
                "name": ad.get("name", ""),
                "adset_id": str(ad.get("adset_id", "")),
                "status": ad.get("status"),
                "stats": ad_stats.get(str(ad["id"]), empty),
                "weeks": weeks.get(str(ad["id"]), []),
            }
            for ad in tree["ads"]
        ],
        "budget_edits": budget_edits or {},
        "phase_budgets": phases,
        "experiment": experiment,
    }


def ends_in_days(adset: dict[str, Any], now: datetime) -> int | None:
    """Return the whole days until the ad set's `end_time` (at least 0), or None without one."""
    end = parse_time(adset.get("end_time"))
    return max(0, math.ceil((end - now).total_seconds() / 86400)) if end else None


def lifetime_fields(adset: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Return a lifetime-budget ad set's budget as the loop moves it: left per day left.

    Meta spreads what is left of a lifetime budget (`budget_remaining`) over the days left to
    `end_time`; `daily_equivalent_minor` is that daily rate (the ad set's daily budget when it
    has one), so reallocation compares and moves both kinds alike, and a lifetime budget is
    changed by the daily move × `days_left`.
    """
    daily = as_int(adset.get("daily_budget"))
    lifetime = as_int(adset.get("lifetime_budget"))
    if daily or not lifetime:
        return {"daily_equivalent_minor": daily or None}
    ends = ends_in_days(adset, now)
    days_left = max(1, ends) if ends is not None else None
    remaining = as_int(adset.get("budget_remaining"))
    remaining = lifetime if remaining is None else remaining
    return {
        "lifetime_budget_minor": lifetime,
        "budget_remaining_minor": remaining,
        "days_left": days_left,
        "daily_equivalent_minor": int(remaining / days_left) if days_left else None,
    }


def bid_fields(adset: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    """Return the ad set's bid strategy (the campaign's under a CBO), cap and ROAS floor."""
    floor = (adset.get("bid_constraints") or {}).get("roas_average_floor")
    return {
        "optimization_goal": adset.get("optimization_goal"),
        "bid_strategy": adset.get("bid_strategy") or campaign.get("bid_strategy"),
        "bid_amount_minor": as_int(adset.get("bid_amount")),
        "roas_average_floor": as_int(floor),
    }


def apply_action(
    client: Any, action: MoneyAction, gate_pass: GatePass | None, *, receipt: str | None
) -> dict[str, Any]:
    """Execute one approved action exactly as typed (ledgered) and read the result back.

    `action` is the `MoneyAction` the money gate judged and `gate_pass` its pass, so the
    object written and the values sent are the ones the gate checked.
    """
    from tools.money import apply_update

    if action.kind not in ("pause", "activate", "set_budget", "set_spend_limits"):
        raise ValueError(
            f"unknown optimise action {action.name!r}: expected pause_*, activate_*, "
            "set_*_budget or set_adset_spend_limits"
        )
    return apply_update(
        client,
        action,
        gate_pass,
        receipt=receipt,
        plan_key=f"optimize:{action.object_id}:{action.name}",
    )


def days_between(a: str, b: str) -> int:
    """Whole days from date `a` to date `b` (ISO)."""
    return (date.fromisoformat(b) - date.fromisoformat(a)).days
