"""The clairvoyant strategies of `bench/ceiling.py`: told the oracle's allocation at launch.

- **clairvoyant_gated**: every simulated day, kept ad sets step toward the oracle's budgets as
  far as `bench_policy` allows (±20 %, through the money gate); the ad sets the oracle leaves
  out are cut step by step while the kept ones cannot yet spend the plan, and paused once
  their money fits in no more; ads the oracle leaves out are paused. Lifetime budgets move by
  the same ratio (never under Meta's spent + 10 %); under a campaign budget only the pauses.
- **clairvoyant_free**: the same with no step limit (±100 % steps, at once).
- **clairvoyant_ads** / **clairvoyant_budgets** (`bench/ceiling.py --levers`): the gated one
  with one lever only — the oracle's ad pauses on day 1 and no budget move or ad set pause,
  or the budget steps and ad set pauses with every ad kept — so the gap between adpilot and
  the gated clairvoyant can be read per lever.

Run by `bench/optimizer.py::run_one` like any strategy; see `bench/ceiling.py` for why.
"""

from __future__ import annotations

from typing import Any

CLAIRVOYANT = ("clairvoyant_gated", "clairvoyant_free")
LEVERS = ("clairvoyant_ads", "clairvoyant_budgets")


def strategy_step(client: Any, sc: Any, state: dict[str, Any], strategy: str) -> None:
    """One day of any clairvoyant strategy (`CLAIRVOYANT` or `LEVERS`)."""
    if strategy == "clairvoyant_ads":
        ads_step(client, state)
    else:
        clairvoyant_step(client, sc, state, gated=strategy != "clairvoyant_free",
                         ads=strategy != "clairvoyant_budgets")


def ads_step(client: Any, state: dict[str, Any]) -> None:
    """Pause the ads the oracle leaves out of the ad sets it keeps; nothing else."""
    for row in state["oracle"]["allocation"]:
        if int(row["daily_budget_minor"]) > 0:
            _pause_ads(client, state, str(row["adset_id"]), row["ads"])


def _pause_ads(client: Any, state: dict[str, Any], sid: str, keep: list[Any]) -> None:
    for ad in state["ads_of"].get(sid, []):
        if ad not in keep and ad not in state["paused"]:
            client.write("update", ad, {"status": "PAUSED"}, object_type="ad")
            state["paused"].add(ad)


def clairvoyant_step(client: Any, sc: Any, state: dict[str, Any], gated: bool,
                     ads: bool = True) -> None:
    """One day of the clairvoyant: kept ad sets step toward the oracle's budgets; the ones the
    oracle leaves out are cut step by step while the kept ones cannot yet spend the plan (so the
    campaign keeps spending it), and paused once their money fits in no more. `ads`: also
    pause the ads the oracle leaves out."""
    from bench.campaign_tree import bench_policy, unbound_policy

    policy = bench_policy(sc) if gated else unbound_policy()
    step = policy.max_budget_change_pct
    oracle = state["oracle"]
    even = {str(r["adset_id"]): r["expected_horizon_kpi"]
            for r in oracle["even_split"]["allocation"]}
    kept_daily, losers = 0.0, []
    for row in oracle["allocation"]:
        sid, target = str(row["adset_id"]), int(row["daily_budget_minor"])
        if sid in state["paused"]:
            continue
        if target <= 0:
            losers.append(sid)
            continue
        if ads:
            _pause_ads(client, state, sid, row["ads"])
        kept_daily += _move(client, sc, state, sid, target, policy, step, gated)
    room = oracle["budget_minor"] - kept_daily
    for sid in sorted(losers, key=lambda i: -even.get(i, 0.0)):
        got = client.get(sid, {"fields": "daily_budget"})
        current = int(got.get("daily_budget") or 0)
        floor = int(sc.account.min_daily_budget)
        cut = max(int(current * (1 - step)), floor) if gated else 0
        if current and cut and cut <= room:
            room -= _move(client, sc, state, sid, cut, policy, step, gated)
            continue
        client.write("update", sid, {"status": "PAUSED"}, object_type="adset")
        state["paused"].add(sid)


def _move(client: Any, sc: Any, state: dict[str, Any], sid: str, target: int, policy: Any,
          step: float, gated: bool) -> float:
    """Step one ad set's budget toward `target` a day (lifetime: by the same ratio); return
    its daily budget (equivalent) after the step."""
    from state.guardrails import MoneyAction
    from tools.money import clear

    got = client.get(sid, {"fields": "daily_budget,lifetime_budget,budget_remaining"})
    field = "daily_budget" if int(got.get("daily_budget") or 0) else "lifetime_budget"
    current = int(got.get(field) or 0)
    if not current:  # under a campaign budget: only the pauses
        return float(target)
    floor = int(sc.account.min_daily_budget)
    if field == "lifetime_budget":  # Meta: never below what is spent + 10 %
        floor = int((current - int(got.get("budget_remaining") or 0)) * 1.1) + 1
    daily_now = state["launch_daily"].get(sid) or current
    wanted = current * target / daily_now if field == "lifetime_budget" else target
    new = int(min(max(wanted, current * (1 - step)), current * (1 + step)) if gated else wanted)
    new = max(new, floor)
    written = current
    while abs(new - written) >= max(1, written // 200):  # the free one: ±100 % steps at once
        nxt = min(max(new, written // 2 + 1), written * 2)
        action = MoneyAction.from_action("set_adset_budget", {"adset_id": sid, field: nxt})
        verdict = clear(client, [action], policy)
        if verdict.passes[0] is None:
            break
        client.write("update", sid, action.params(), object_type="adset",
                     gate_pass=verdict.passes[0])
        written = nxt
        if gated:
            break
    if field == "lifetime_budget":  # keep the ratio's base in step with the new budget
        state["launch_daily"][sid] = daily_now * written / current
        return float(state["launch_daily"][sid])
    return float(written)


def prepare(client: Any, state: dict[str, Any], oracle: dict[str, Any]) -> None:
    """Remember the oracle, each ad set's ads, and its launch daily equivalent."""
    state["oracle"] = oracle
    state["ads_of"] = {}
    for ad in state["created"]["ads"].values():
        got = client.get(str(ad), {"fields": "adset_id"})
        state["ads_of"].setdefault(str(got["adset_id"]), []).append(str(ad))
    even = {str(r["adset_id"]): int(r["daily_budget_minor"])
            for r in oracle["even_split"]["allocation"]}
    state["launch_daily"] = {sid: even.get(sid, 0) for sid in even}
