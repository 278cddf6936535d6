"""Judging applied optimise actions on the next cycle: improved / regressed / inconclusive.

`judge_applied(applied, evidence, ctx, store=...)` is called by the graph's `decide_actions`
node (`agents/optimize/nodes.py`) and the optimiser bench. The moves of one budget reallocation (same
day, same group) share one verdict from `judge_reallocation` (the ad sets given more against
those cut, over the same days since); a creative refresh on its new ads since against the
tired ad's week before (`decide/refresh.py::judge_refresh`: CTR and results per spend);
anything else is judged on its scope's before/after (`judge_effect`): an ad's pause on its ad
set, an ad set's budget (or spend limits) on that ad set's own numbers, anything else on the
campaign. An ad-set budget move is judged on the campaign only as part of a reallocation
whose paired moves were applied (the given-more against the cut, above): a lone cut (its
paired raise rejected) judged on the whole campaign would read every other ad set's swing as
its effect (a cut on one ad set whose own cost per result had been USD 55.90 was called
"regressed" on the campaign's USD 27.72 → USD 224.92). The verdict's `scope` names what the
figures are for (`level`, `id`, `name`), and the card says it.

An action `adpilot undo` undid before it was judged (`undone_at`, marked by
`agents/optimize/history.py::mark_undone`) is not judged: its verdict is "undone" with the
day, since what it changed no longer runs and the days after the undo measure something else
(a partial window before the undo would be too short to tell, and would say "improved" or
"regressed" about a change the person already took back). A reallocation is judged on its
moves that still stand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from agents.common import home_of
from agents.optimize.decide.refresh import REFRESH_ACTION, judge_refresh
from agents.optimize.decide.rules import judge_effect, judge_reallocation
from state.insights_store import InsightsStore, add_sums, derive

# Ad-set money actions: judged on the ad set's own numbers when not judged as a reallocation.
OWN_NUMBERS = ("set_adset_budget", "set_adset_spend_limits")


def _scope(entry: Mapping[str, Any]) -> tuple[str, str]:
    """Return the (level, id) whose numbers judge `entry`: "" as the id means the campaign."""
    target = entry.get("target") or {}
    if target.get("level") == "ad":
        return "adset", str(target.get("parent_id") or "")
    adset = str((entry.get("args") or {}).get("adset_id") or target.get("id") or "")
    if entry.get("name") in OWN_NUMBERS and adset:
        return "adset", adset
    return "campaign", ""


REALLOCATION_GROUPS = ("reallocation", "cbo_spend_limits")


def _shift(entry: Mapping[str, Any]) -> float:
    """Return the daily money a reallocation move meant to add (+) or take away (-)."""
    ev = entry.get("evidence") or {}
    if ev.get("target_spend_minor") is not None:  # CBO spend limits: target vs actual spend
        return float(ev["target_spend_minor"]) - float(ev.get("spend_per_day_minor") or 0)
    # The budget written (an increase may have been trimmed to what the cuts freed).
    after = (entry.get("args") or {}).get("daily_budget", ev.get("after_minor"))
    return float(after or 0) - float(ev.get("before_minor") or 0)


def judge_applied(
    applied: Sequence[Mapping[str, Any]],
    evidence: dict[str, Any],
    ctx: Any = None,
    *,
    store: InsightsStore | None = None,
    window_days: int = 7,
) -> dict[str, dict[str, Any]]:
    """Judge each applied action whose verdict is still open; keys are list indices (str).

    The moves of one reallocation (same day, same group) get one shared verdict from
    `judge_reallocation`: the ad sets given more against those cut, over the same days since.
    Anything else is judged on its scope's before/after (`judge_effect`).
    """
    store = store or InsightsStore(home_of(ctx))
    campaign_id = str((evidence.get("campaign") or {}).get("id"))
    yesterday = (date.fromisoformat(evidence["today"]) - timedelta(days=1)).isoformat()
    roas = evidence.get("kpi") == "conversion_value"
    names = {str(a.get("id")): str(a.get("name") or "") for a in evidence.get("ad_sets") or []}
    names[campaign_id] = str((evidence.get("campaign") or {}).get("name") or "")
    open_: list[int] = []
    for i, entry in enumerate(applied):
        if entry.get("status") != "applied" or entry.get("advice"):
            continue
        if (entry.get("judgement") or {}).get("judgement") not in (None, "pending"):
            continue
        if entry.get("applied_date"):
            open_.append(i)
    out: dict[str, dict[str, Any]] = {}
    for i in [i for i in open_ if applied[i].get("undone_at")]:
        out[str(i)] = undone_verdict(applied[i])
        open_.remove(i)
    cache: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}

    def totals(level: str, since: str, until: str) -> dict[str, dict[str, Any]]:
        # Actions applied the same day share their windows: one store query per window.
        if (level, since, until) not in cache:
            cache[level, since, until] = store.totals(campaign_id, level, since, until)
        return cache[level, since, until]

    groups: dict[tuple[str, str], list[int]] = {}
    for i in open_:
        if applied[i].get("group") in REALLOCATION_GROUPS:
            groups.setdefault((applied[i]["applied_date"], applied[i]["group"]), []).append(i)
    for (applied_on, group), members in groups.items():
        since = totals("adset", applied_on, yesterday)
        moves = [
            (_shift(applied[i]), since.get(str(applied[i]["args"].get("adset_id")), {}))
            for i in members
        ]
        result = judge_reallocation(moves, roas=roas)
        if result is None:
            continue  # one-sided: each move is judged on its own below
        result["scope"] = {
            "level": "reallocation",
            "id": f"{applied_on}:{group}",
            "adset_ids": [str(applied[i]["args"].get("adset_id")) for i in members],
        }
        for i in members:
            out[str(i)] = result
    for i in open_:
        if str(i) in out:
            continue
        entry = applied[i]
        applied_on = entry["applied_date"]
        level, scope_id = _scope(entry)
        before_since = (date.fromisoformat(applied_on) - timedelta(days=window_days)).isoformat()
        before_until = (date.fromisoformat(applied_on) - timedelta(days=1)).isoformat()
        if entry.get("name") == REFRESH_ACTION:
            tired = str((entry.get("args") or {}).get("ad_id"))
            new = [str(i) for i in (entry.get("created") or {}).get("ad_ids") or []]
            rows = [r for r in store.daily(campaign_id, "ad", applied_on, yesterday)
                    if str(r["entity_id"]) in new]  # the new ads as one: summed per day
            result = judge_refresh(totals("ad", before_since, before_until).get(tired, {}),
                                   derive(add_sums(rows)), roas=roas)
            out[str(i)] = {**result, "scope": {"level": "refresh", "id": tired, "ad_ids": new}}
            continue
        before = totals(level, before_since, before_until)
        after = totals(level, applied_on, yesterday)
        key = scope_id or campaign_id
        result = judge_effect(entry, before.get(key, {}), after.get(key, {}), roas=roas)
        result["scope"] = {"level": level, "id": key, "name": names.get(key, "")}
        out[str(i)] = result
    return out


def undone_verdict(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Return the verdict of an action undone before it was judged: "undone", not judged."""
    when = str(entry.get("undone_at") or "")[:10]
    return {"judgement": "undone", "p_improved": None, "undone_at": when,
            "undone_by_write": entry.get("undone_by_write"),
            "why": f"undone on {when} — not judged"}
