"""The optimise loop's decisions, as pure functions (no I/O, no clock reads).

Longer than 300 lines because `judge_ads` keeps every ad-level pause rule, its evidence and
the last-ad guard in one pass over an ad set, and this docstring is the loop's rule book.

`decide(evidence, policy, seed=...)` is the orchestrator the graph's `decide_actions` node and
`bench/optimizer.py` both call. It returns a *proposal*: per-entity verdicts, the proposed
actions (each with reasons, evidence and the expected effect), and flags.

Statistics. An entity's value is *conversions per unit of spend* (or conversion value per unit
of spend when the plan targets ROAS). Its posterior is sampled as
``clicks-per-spend ~ Gamma`` × ``conversion rate ~ Beta`` (a beta-binomial on click → conversion,
with priors pooled from the entity's siblings), so "really worse" means the posterior
probability that it is worse, not a point comparison.

Pausing an ad (after the minimum data): it is worse than the plan's target with probability
≥ `pause_probability` (95 %) *and* a sibling in its ad set probably does better
(≥ `sibling_probability`, 80 %) — otherwise its spend would only move to ads as bad — or it is
worse than its best sibling by `loser_margin` with probability ≥ 95 %, or Meta's delivery
favours a sibling and that sibling does better with probability ≥ `favoured_probability`
(80 %; see below), or it is an emergency.

Meta's delivery as evidence. Within an ad set Meta splits impressions over the ads by each
ad's predicted results, from far more signal than a few days' conversions; the ad with the
most impressions (`favoured_ad`) is its pick. Two rules use that read alongside our own:
- the favoured ad is never paused except in an emergency (`protect_favoured_ad`): pausing
  the best ad on a noisy early read is the costliest mistake the loop makes (a pause is
  never undone);
- a sibling is paused when our posterior also says the favoured ad does better
  (`favoured_probability`): when both independent reads agree, consolidating the ad set's
  delivery on its best ad pays whether or not the sibling meets the target (measured on
  the optimiser bench, keeping only the best ads is worth more than any budget split).
Budgets between ad sets: `agents/optimize/decide/reallocation.py` (posterior expected marginal value).

Safety rules (each has a test in tests/optimize/test_decisions.py):
- minimum data: no verdict of PAUSE before `min_days` of data and `min_spend` spent;
- never the last active ad of an ad set;
- manual review when more than `review_fraction` of the active ads would be paused;
- budget steps of at most `max_step` (20 %) per cycle;
- no significant budget edits to ad sets still in learning (at most
  `significant_budget_change` per cycle);
- Meta's minimum daily budget; the account's spend cap;
- at most `max_budget_edits_per_hour` budget edits per ad set per hour, and the
  guardrails' cool-down between edits;
- what a person undid (`adpilot undo`) is not proposed again on the same object (the same
  way, for a budget) for `undo_hold_days` unless it is an emergency (`decide/undo_hold.py`;
  tests in tests/optimize/test_undo_hold.py).

Evidence shape (JSON-like; built by `agents/optimize/nodes.py::build_evidence`)::

    {"now": ISO, "currency": "USD", "kpi": "conversions" | "conversion_value" | ...,
     "target_cpa_minor": int | None, "target_roas": float | None,
     "budget_level": "ad_set" | "campaign", "min_daily_budget_minor": int,
     "spend_cap_remaining_minor": int | None, "days_left": int | None,
     "campaign": {"id", "name", "status", "daily_budget_minor"},
     "ad_sets": [{"id", "name", "status", "daily_budget_minor", "learning", "stats",
                  "recent_stats", "last_day_stats", "daily_spend_minor", "history"}],
     "ads": [{"id", "name", "adset_id", "status", "stats", "weeks": [older, newer]}],
     "budget_edits": {id: [ISO, ...]}, "experiment": {...} | None,
     "undone": [{"name", "object_id", "object_name", "level", "parent_id", "direction",
                 "undone_at"}]}   # the loop's actions a person undid (`undo_hold.undone_of`)

`stats` are window sums with derived ratios (`state/insights_store.py::derive`);
`recent_stats` the same over the last 7 days (the reallocation's words, "as counted over the
last week"), `history` the window's days by age (its posteriors: `memory.discounted`),
`last_day_stats` over yesterday (whether the ad set spent its budget), `daily_spend_minor` the
ad set's spend on each of the last 7 days, oldest first (a spend plateau below the budget).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from agents.optimize.decide.caps import cap_actions
from agents.optimize.decide.cbo import reallocate_cbo
from agents.optimize.decide.off_target import off_target
from agents.optimize.decide.reallocation import adset_verdicts, reallocate
from agents.optimize.decide.refresh import (
    FRESH_AD_DAYS,
    fresh_refresh_ads,
    loser_refresh_actions,
)
from agents.optimize.decide.rules import emergency_reason, fatigue_actions, favoured_ad
from agents.optimize.decide.stats import (
    ACTIVE,
    DecisionPolicy,
    dispersion,
    evidence_of,
    kpi_of,
    make_verdict,
    min_spend,
    num,
    pooled_prior,
    rng_for,
    target_rate,
    value_samples,
    value_spread,
)
from agents.optimize.decide.undo_hold import (
    held_note,
    hold_actions,
    hold_on,
    holds_of,
    override_note,
    undo_notes,
)
from state.provenance import display_name

__all__ = ["DecisionPolicy", "budget_moves", "decide", "judge_ads", "pause_action", "reallocate"]


def judge_ads(
    evidence: Mapping[str, Any], policy: DecisionPolicy, rng: np.random.Generator
) -> tuple[list[dict], list[dict], list[str]]:
    """Verdicts for every active ad and pause actions for clear losers.

    Returns (verdicts, actions, flags). Experiment variants are never paused here — only the
    experiment's stopping rule ends a variant.
    """
    target = target_rate(evidence)
    floor = min_spend(evidence, policy)
    protected = set((evidence.get("experiment") or {}).get("variant_ids") or [])
    fresh = fresh_refresh_ads(evidence)  # a refresh's new ads get a week before judgement
    holds = holds_of(evidence, policy)  # pauses a person undid lately (`undo_hold.py`)
    flags: list[str] = []
    verdicts: list[dict] = []
    actions: list[dict] = []
    by_adset: dict[str, list[dict]] = {}
    adsets = {str(a["id"]): a for a in evidence.get("ad_sets", [])}
    for ad in evidence.get("ads", []):
        parent = adsets.get(str(ad.get("adset_id")), {"status": ACTIVE})
        # Ads of a paused ad set do not deliver: nothing to judge (and nothing to re-pause).
        if ad.get("status") == ACTIVE and parent.get("status") == ACTIVE:
            by_adset.setdefault(str(ad["adset_id"]), []).append(ad)
    active_total = sum(len(v) for v in by_adset.values())
    campaign_id = str((evidence.get("campaign") or {}).get("id", ""))
    # Day-to-day overdispersion, measured on the ad sets' days (ads have fewer counts each).
    days = [list(a.get("days_stats") or []) for a in adsets.values()]
    phi, cv2 = dispersion(days, kpi_of(evidence)), value_spread(days)
    for adset_id, ads in by_adset.items():
        prior = pooled_prior(
            [a.get("stats") or {} for a in ads], kpi_of(evidence), policy.ad_cvr_prior_clicks
        )
        draws = {
            a["id"]: value_samples(a.get("stats") or {}, prior, rng, policy.samples, phi, cv2)
            for a in ads
        }
        means = {k: float(v.mean()) for k, v in draws.items()}
        best = max(means, key=lambda k: means[k])
        candidates: list[tuple[float, dict, dict, list[str]]] = []
        favoured = favoured_ad(ads) if policy.protect_favoured_ad else None
        for ad in ads:
            stats = ad.get("stats") or {}
            emergency = emergency_reason(stats, evidence, policy)
            enough = stats.get("days", 0) >= policy.min_days and num(stats, "spend_minor") >= floor
            if ad["id"] in fresh and not emergency:
                verdicts.append(make_verdict(ad, "ad", "MONITOR", [
                    f"a creative refresh's new ad: judged after {FRESH_AD_DAYS} days"]))
                continue
            if ad["id"] in protected:
                verdicts.append(
                    make_verdict(
                        ad,
                        "ad",
                        "MONITOR",
                        ["experiment variant: judged by the experiment's stopping rule"],
                    )
                )
                continue
            if not enough and not emergency:
                verdicts.append(
                    make_verdict(
                        ad,
                        "ad",
                        "MONITOR",
                        [short_of_data(stats, policy.min_days, floor,
                                       str(evidence.get("currency") or "USD"))],
                    )
                )
                continue
            reasons: list[str] = []
            p_vs_target = float((draws[ad["id"]] < target).mean()) if target else 0.0
            p_vs_best = 0.0
            if ad["id"] != best:
                p_vs_best = float(
                    (draws[ad["id"]] < draws[best] * (1 - policy.loser_margin)).mean()
                )
            # Missing the target pauses an ad only if a sibling probably does better: its spend
            # would otherwise just move to siblings as bad or worse (the ad set's budget is the
            # lever for an ad set that misses the target, in `reallocate`).
            below_target = p_vs_target >= policy.pause_probability
            p_below_best = (
                float((draws[ad["id"]] < draws[best]).mean()) if ad["id"] != best else 0.0
            )
            if below_target and p_below_best >= policy.sibling_probability:
                reasons.append(
                    f"{p_vs_target:.0%} probability it is worse than the target "
                    f"({p_below_best:.0%} that its best sibling does better)"
                )
            if p_vs_best >= policy.pause_probability:
                reasons.append(
                    f"{p_vs_best:.0%} probability it is >{policy.loser_margin:.0%} worse than "
                    f"the best ad in its ad set"
                )
            # Two independent reads agree: Meta delivers a sibling more, and our conversions
            # say that sibling probably does better. Consolidating on it is then worth it.
            p_vs_fav = (
                float((draws[ad["id"]] < draws[favoured]).mean())
                if favoured and ad["id"] != favoured
                else 0.0
            )
            if p_vs_fav >= policy.favoured_probability:
                reasons.append(
                    f"{p_vs_fav:.0%} probability it does worse than the sibling Meta's delivery "
                    "favours (most of the ad set's impressions)"
                )
            if emergency:
                reasons.insert(0, emergency)
            if reasons:
                ev = {
                    **evidence_of(stats),
                    "p_worse_than_target": round(p_vs_target, 3),
                    "p_worse_than_best": round(p_vs_best, 3),
                    "p_worse_than_favoured": round(p_vs_fav, 3),
                }
                candidates.append((means[ad["id"]], ad, ev, reasons))
            elif below_target:
                verdicts.append(
                    make_verdict(
                        ad,
                        "ad",
                        "OPTIMIZE",
                        [
                            f"{p_vs_target:.0%} probability it is worse than the target, but "
                            "not clearly worse than its siblings: not paused"
                            + ("; it is the last active ad of its ad set" if len(ads) == 1 else "")
                        ],
                    )
                )
            elif target and means[ad["id"]] < target:
                verdicts.append(
                    make_verdict(ad, "ad", "OPTIMIZE", ["below target but not yet clearly worse"])
                )
            else:
                verdicts.append(make_verdict(ad, "ad", "CONTINUE", ["at or better than target"]))
        # Worst first; the ad set always keeps at least one active ad.
        candidates.sort(key=lambda c: c[0])
        remaining = len(ads)
        for _, ad, ev, reasons in candidates:
            urgent = reasons[0].startswith("EMERGENCY")
            if ad["id"] == favoured and not urgent:
                verdicts.append(
                    make_verdict(
                        ad,
                        "ad",
                        "OPTIMIZE",
                        reasons
                        + [
                            "not paused: Meta's delivery favours it (most of its ad set's "
                            "impressions), evidence its predicted results are the best"
                        ],
                    )
                )
                continue
            if remaining <= 1 and urgent and adset_id in adsets:
                # Stop the bleeding without leaving an ad set with no ads: pause the ad set.
                verdicts.append(
                    make_verdict(
                        ad,
                        "ad",
                        "EMERGENCY_PAUSE",
                        reasons + ["its ad set is paused instead: it is the last active ad"],
                    )
                )
                actions.append(
                    pause_action(
                        adsets[adset_id], "adset", "EMERGENCY_PAUSE", reasons, ev, campaign_id
                    )
                )
                continue
            if remaining <= 1:
                verdicts.append(
                    make_verdict(
                        ad,
                        "ad",
                        "OPTIMIZE",
                        reasons + ["not paused: it is the last active ad of its ad set"],
                    )
                )
                continue
            if (hold := hold_on(holds, "pause_ad", ad["id"])) is not None:
                if not urgent:  # a person undid this pause: it stays active, and counts
                    flags.append(note := held_note(hold, evidence))
                    verdicts.append(make_verdict(ad, "ad", "OPTIMIZE", [*reasons, note]))
                    continue
                reasons = [*reasons, override_note(hold, evidence, reasons[0])]
            remaining -= 1
            verdict = "EMERGENCY_PAUSE" if urgent else "PAUSE"
            verdicts.append(make_verdict(ad, "ad", verdict, reasons))
            actions.append(pause_action(ad, "ad", verdict, reasons, ev, adset_id))
    if active_total and len(actions) > policy.review_fraction * active_total:
        flags.append(
            f"manual review: {len(actions)} of {active_total} active ads would be paused "
            f"(more than {policy.review_fraction:.0%})"
        )
        for a in actions:
            a["requires_review"] = True
            a["risk"] = "high"
    flags += _review_per_adset(actions, {k: len(v) for k, v in by_adset.items()}, adsets,
                               policy)
    return verdicts, actions, flags


def _review_per_adset(actions: list[dict[str, Any]], active: Mapping[str, int],
                      adsets: Mapping[str, Mapping[str, Any]],
                      policy: DecisionPolicy) -> list[str]:
    """Flag (and mark for review) an ad set losing more than `review_fraction` of its ads.

    `active`: each ad set's active ads (`judge_ads`' own count). The campaign-wide check misses
    it in a campaign of many ad sets: four of five ads in one ad set is a judgement a person
    should see, whatever the other ad sets do.
    """
    names = {sid: a.get("name") for sid, a in adsets.items()}
    flags = []
    for sid, n in active.items():
        mine = [a for a in actions if str((a.get("target") or {}).get("parent_id")) == sid]
        if len(mine) >= 2 and len(mine) > policy.review_fraction * n:
            flags.append(f"manual review: {len(mine)} of {n} active ads in “{names.get(sid, sid)}”"
                         f" would be paused (more than {policy.review_fraction:.0%})")
            for a in mine:
                a["requires_review"], a["risk"] = True, "high"
    return flags


def pause_action(
    entity: Mapping[str, Any],
    level: str,
    verdict: str,
    reasons: list[str],
    ev: Mapping[str, Any],
    parent_id: str,
) -> dict[str, Any]:
    """Build a pause proposal with its evidence and expected effect."""
    id_key = {"ad": "ad_id", "campaign": "campaign_id"}.get(level, "adset_id")
    return {
        "name": f"pause_{level}",
        "args": {id_key: entity["id"], "status": "PAUSED"},
        "target": {
            "id": entity["id"],
            "name": entity.get("name", ""),
            "level": level,
            "parent_id": parent_id,
        },
        "verdict": verdict,
        "reasons": reasons,
        "evidence": dict(ev),
        "expected_effect": {
            "metric": "value_per_spend",
            "direction": "up",
            "text": f"spend moves from {display_name(entity.get('name')) or entity['id']} to better "
            "siblings; conversions per unit spend of the campaign rise",
        },
        "risk": "low",
        "requires_review": False,
    }


def budget_moves(
    evidence: Mapping[str, Any], policy: DecisionPolicy, rng: np.random.Generator,
    held: dict[str, str] | None = None,
) -> tuple[list[dict], dict[str, float]]:
    """Budget moves for the campaign's budget level: ad set budgets, or spend limits under CBO."""
    if evidence.get("budget_level") == "campaign":
        return reallocate_cbo(evidence, policy, rng, held)
    return reallocate(evidence, policy, rng, held)


def decide(evidence: Mapping[str, Any], policy: Any = None, *, seed: Any = 0) -> dict[str, Any]:
    """Return the proposal for one cycle: verdicts, actions (each with evidence), flags."""
    pol = DecisionPolicy.from_policy(policy or {})
    # Seeded by the account-local day, not the instant: the same numbers on the same day give
    # the same proposal, however many seconds later the cycle runs.
    day = evidence.get("today") or evidence.get("now")
    rng = rng_for(seed, day, (evidence.get("campaign") or {}).get("id"))
    verdicts, actions, flags = judge_ads(evidence, pol, rng)
    held: dict[str, str] = {}  # why a budget move is held back (hysteresis, an undo), by ad set
    budget_actions, p_best = budget_moves(evidence, pol, rng, held)
    # Far off target where moving money cannot help: a verdict and a proposal, not silence.
    far_verdicts, far_actions = off_target(
        evidence, pol, rng, {a["target"]["id"] for a in actions + budget_actions})
    replaced = {v["id"] for v in far_verdicts}
    verdicts += [v for v in adset_verdicts(evidence, pol, budget_actions, p_best, held)
                 if v["id"] not in replaced] + far_verdicts
    actions += budget_actions + far_actions + cap_actions(evidence, pol)  # caps: advice only
    actions += fatigue_actions(evidence, pol, {a["target"]["id"] for a in actions})
    actions += loser_refresh_actions(evidence, actions)
    # What a person undid lately is not proposed again (`undo_hold.py`), and the card says so.
    actions, undone = hold_actions(actions, evidence, pol)
    flags += undo_notes(held.values()) + undone
    return {"verdicts": verdicts, "actions": actions, "flags": flags, "p_best": p_best,
            "held": undo_notes(flags)}


def short_of_data(stats: Mapping[str, Any], min_days: int, floor: float, currency: str) -> str:
    """Say what an ad lacks before it is judged: days, spend, or both (only what is short)."""
    from state.rules import format_money

    days, spent = int(stats.get("days", 0) or 0), num(stats, "spend_minor")
    short = []
    if days < min_days:
        short.append(f"{days} of the {min_days} days of data it needs")
    if spent < floor:
        short.append(f"{format_money(int(spent), currency)} of the "
                     f"{format_money(int(floor), currency)} spend it needs")
    return "not enough data yet: " + " and ".join(short)
