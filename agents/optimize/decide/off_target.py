"""No silence when far off target: a verdict and a proposal when moving money cannot fix it.

Reallocation fixes a campaign whose ad sets differ: money moves to the ones that do better.
It cannot fix a campaign with one active ad set: there is nothing to move money to. When
every active ad set misses far, each verdict says so and an advice action (nothing written)
asks a person to lower the campaign's total or rework it — no automatic cut: on the optimiser
bench, cutting such campaigns on their first weeks' numbers (the learning phase, conversions
still being restated) lost far more than it saved. For one active ad set, after a full week
of data (`OFF_TARGET_DAYS`) and the minimum spend — not counting its first week of delivery
(`LEARNING_WEEK`, `memory.settled`: cut or paused on it, single-ad-set campaigns that would
have run near target lost most of their flight on the generated regimes; `min_days` after it
when the flight ends within a week, `ends_in_days`) — this module judges it on its whole
window (a Gamma-Poisson posterior of results per unit of spend, widened by the day-to-day
overdispersion `stats.dispersion` measures and, on value, by how uneven its orders are,
`stats.value_spread`) and, when it is
**far off target** — the cost per result above `FAR_MULTIPLE` (1.5) × the target with
probability ≥ `FAR_PROBABILITY` (90 %), or the ROAS under the target / 1.5 — gives it a
verdict and an approvable action:

- **pause** the ad set (`EMERGENCY_PAUSE` when nothing came of `emergency_cpa_multiple` ×
  the target and that is improbable even at 1.5× it, `rules.emergency_odds`; `PAUSE` when
  the cost is above `pause_multiple` (3) × the target with probability ≥ 95 %) — the
  campaign keeps at least one other live ad set, or the campaign itself is the one paused
  when it is the last;
- otherwise **lower its budget** by one step (`max_step`, never under Meta's minimum; the
  campaign budget under CBO) to limit what it loses while the creative or audience is fixed —
  at most once a week (`OFF_TARGET_DAYS` since its last cut, `_cut_this_week`): the next cut
  waits for a week on the lower budget, and the verdict says so. Without the wait, the
  whole-window judgement (which a cut barely moves) asked for a cut every cycle, down to
  Meta's minimum within weeks;
- and beside it: **refresh the creative** when the ad set runs a single ad (new ads beside it,
  `decide/refresh.py`, launched on approval), and, as advice (nothing is written), **widen
  the audience** when its frequency shows a small pool (≥ 2.5 a week).

Every reason is in words and the account's money ("cost per purchase USD 82.10 against the USD
40.00 target: 2.1×, 97 % probability above 1.5×; one active ad set, so moving money cannot fix
it"). The ad set's verdict replaces the CONTINUE reallocation would have given it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np

from agents.optimize.decide.budgets import daily_of, lifetime_floor
from agents.optimize.decide.explain import results_word
from agents.optimize.decide.memory import settled
from agents.optimize.decide.refresh import refresh_action, refreshable
from agents.optimize.decide.rules import emergency_cost, emergency_odds, last_edit
from agents.optimize.decide.stats import (
    ACTIVE,
    DecisionPolicy,
    dispersion,
    evidence_of,
    make_verdict,
    num,
    order_value_spread,
    value_spread,
)
from state.guardrails import parse_time
from state.rules import format_money

OFF_TARGET_DAYS = 7
LEARNING_WEEK = 7  # a new ad set's first days of delivery are not judged (`memory.settled`)
FAR_MULTIPLE = 1.5
FAR_PROBABILITY = 0.9
PAUSE_MULTIPLE = 3.0
PAUSE_PROBABILITY = 0.95
SMALL_POOL_FREQUENCY = 2.5


def _rate_draws(stats: Mapping[str, Any], roas: bool, rng: np.random.Generator,
                n: int, phi: float, value_cv2: float) -> np.ndarray:
    spend = num(stats, "spend_minor")
    conv = num(stats, "conversions")
    draws = rng.gamma(0.5 + conv / phi, 1.0 / (spend / phi + 1.0), n)
    if roas:  # the order value as uncertain as its orders' spread (`stats.value_spread`)
        value = num(stats, "conversion_value_minor")
        draws = draws * (value / conv if conv else 0.0) * order_value_spread(
            max(conv, 1.0), value_cv2, rng, n)
    return draws


def far_off(adset: Mapping[str, Any], evidence: Mapping[str, Any], policy: DecisionPolicy,
            rng: np.random.Generator) -> dict[str, Any] | None:
    """How far the ad set misses its target, when it is far off (see the module docstring)."""
    from agents.optimize.decide.stats import min_spend

    # Judged after its first week of delivery (the learning phase, restated conversions), on a
    # week after it — on `min_days` when the flight ends before another week is in.
    stats = settled(adset, LEARNING_WEEK)
    ends = adset.get("ends_in_days")
    need = policy.min_days if ends is not None and int(ends) <= OFF_TARGET_DAYS else OFF_TARGET_DAYS
    if num(stats, "days") < max(policy.min_days, need) or num(
            stats, "spend_minor") < min_spend(evidence, policy):
        return None
    roas = evidence.get("kpi") == "conversion_value"
    target = float(evidence.get("target_roas") or 0) if roas else float(
        evidence.get("target_cpa_minor") or 0)
    if target <= 0 or evidence.get("kpi") not in (None, "conversions", "conversion_value"):
        return None
    days = [list(adset.get("days_stats") or [])]
    draws = _rate_draws(stats, roas, rng, policy.samples, dispersion(days)[1],
                        value_spread(days))
    if roas:  # value per spend under target / 1.5
        p_far = float((draws < target / FAR_MULTIPLE).mean())
        p_pause = float((draws < target / PAUSE_MULTIPLE).mean())
    else:  # results per spend under 1 / (1.5 × target cost)
        p_far = float((draws < 1.0 / (FAR_MULTIPLE * target)).mean())
        p_pause = float((draws < 1.0 / (PAUSE_MULTIPLE * target)).mean())
    if p_far < FAR_PROBABILITY:
        return None
    spend, conv = num(stats, "spend_minor"), num(stats, "conversions")
    value = num(stats, "conversion_value_minor")
    return {"p_far": p_far, "p_pause": p_pause, "spend": spend, "conversions": conv,
            "value": value, "target": target, "roas": roas, "stats": stats}


def _words(far: Mapping[str, Any], evidence: Mapping[str, Any], why: str) -> str:
    currency = str(evidence.get("currency") or "USD")
    if far["roas"]:
        got = far["value"] / far["spend"] if far["spend"] else 0.0
        return (f"ROAS {got:.2f} against the {far['target']:.2f} target "
                f"({far['p_far']:.0%} probability under {far['target'] / FAR_MULTIPLE:.2f}); "
                f"{why}")
    word = results_word(str(evidence.get("kpi") or "conversions"))
    if not far["conversions"]:
        head = f"{format_money(int(far['spend']), currency)} spent with no {word}"
    else:
        cpa = far["spend"] / far["conversions"]
        head = (f"cost per {word} {format_money(int(round(cpa)), currency)} against the "
                f"{format_money(int(far['target']), currency)} target: "
                f"{cpa / far['target']:.1f}×")
    return (f"{head} ({far['p_far']:.0%} probability above {FAR_MULTIPLE:g}× the target); "
            f"{why}")


def off_target(
    evidence: Mapping[str, Any], policy: DecisionPolicy, rng: np.random.Generator,
    taken: set[str],
) -> tuple[list[dict], list[dict]]:
    """Return (verdicts, actions) for far-off ad sets moving money cannot fix."""
    live = [a for a in evidence.get("ad_sets", []) if a.get("status") == ACTIVE]
    if len(live) > 1:
        return _all_far_off(live, evidence, policy, rng, taken)
    if len(live) != 1:
        return [], []
    judged = {str(a["id"]): far_off(a, evidence, policy, rng) for a in live}
    if not all(judged.values()):
        return [], []
    why = "one active ad set, so moving money cannot fix it"
    verdicts, actions = [], []
    campaign = evidence.get("campaign") or {}
    cbo = evidence.get("budget_level") == "campaign"
    for a in live:
        far = judged[str(a["id"])]
        assert far is not None
        text = _words(far, evidence, why)
        ev = {**evidence_of(far["stats"]), "p_far_off_target": round(far["p_far"], 3)}
        if str(a["id"]) in taken:
            verdicts.append(make_verdict(a, "adset", "OPTIMIZE", [text]))
            continue
        cost = far["target"] if not far["roas"] else emergency_cost(evidence, policy)
        nothing = emergency_odds(far["spend"], far["conversions"], cost, policy) is not None
        if nothing or far["p_pause"] >= PAUSE_PROBABILITY:
            verdict = "EMERGENCY_PAUSE" if nothing else "PAUSE"
            last = len(live) == 1
            level = "campaign" if last else "adset"
            entity = campaign if last else a
            reasons = [text + (f"; the cost is above {PAUSE_MULTIPLE:g}× the target with "
                               f"{far['p_pause']:.0%} probability" if not nothing else "")]
            verdicts.append(make_verdict(a, "adset", verdict, reasons))
            actions.append(_action(f"pause_{level}", entity, level, {"status": "PAUSED"},
                                   verdict, reasons, ev, evidence, "stops the loss"))
            continue
        owner, level = (campaign, "campaign") if cbo else (a, "adset")
        old = int(campaign.get("daily_budget_minor") or 0) if cbo else daily_of(a)
        minimum = int(evidence.get("min_daily_budget_minor") or 0)
        new = max(minimum, int(np.ceil(old * (1 - policy.max_step))))
        cut = _cut_this_week(owner, evidence, cbo) if old and new < old else None
        if cut:
            whose = "the campaign's budget" if cbo else "its budget"
            text += (f"; {whose} was cut {cut}: the next cut waits for a week on the lower "
                     "budget to show what it did")
            new = old
        verdicts.append(make_verdict(a, "adset", "OPTIMIZE", [text]))
        if old and new < old and not (cbo and str(campaign.get("id")) in taken):
            args: dict[str, Any] = {"daily_budget": new}
            money = {"before_minor": old, "after_minor": new}
            if not cbo and not a.get("daily_budget_minor") and a.get("lifetime_budget_minor"):
                days = int(a.get("days_left") or 1)
                total = int(a["lifetime_budget_minor"])
                args = {"lifetime_budget": max(total - (old - new) * days, lifetime_floor(a))}
                money = {"before_minor": total, "after_minor": args["lifetime_budget"],
                         "before_daily_minor": old, "after_daily_minor": new, "days_left": days}
            actions.append(_action(
                f"set_{level}_budget", owner, level, args, "OPTIMIZE",
                [text + "; a lower budget limits the loss while the creative or audience is "
                 "fixed"], {**ev, **money}, evidence, "less money spent far off target"))
            taken.add(str(owner.get("id")))
        actions += _advice(a, far, text, ev, evidence)
    return verdicts, actions


def _cut_this_week(owner: Mapping[str, Any], evidence: Mapping[str, Any],
                   cbo: bool) -> str | None:
    """When the budget was cut less than a week ago: "3 days ago", or None.

    The cut seen on Meta between two cycles, whoever made it (`last_move` -1, in
    (`moved_after`, `moved_at`]; a campaign budget is observed like an ad set's,
    `meta_io.phase_budgets`); for a campaign budget also the loop's own last edit of it, whose
    time is exact.
    """
    now = parse_time(evidence.get("now"))
    at = parse_time(owner.get("moved_after") or owner.get("moved_at")) \
        if owner.get("last_move") == -1 else None
    if cbo:
        own = last_edit((evidence.get("budget_edits") or {}).get(str(owner.get("id")), []))
        at = max((t for t in (at, own) if t is not None), default=None)
    if now is None or at is None or now - at >= timedelta(days=OFF_TARGET_DAYS, hours=-1):
        return None
    days = max(0, (now - at) // timedelta(days=1))
    return "today" if not days else f"{days} day{'s' if days > 1 else ''} ago"


def _all_far_off(live: list[Mapping[str, Any]], evidence: Mapping[str, Any],
                 policy: DecisionPolicy, rng: np.random.Generator,
                 taken: set[str]) -> tuple[list[dict], list[dict]]:
    """Every active ad set far off target: verdicts that say so, and advice (no write).

    Moving money between them only picks the least bad, so the card says that and advises a
    person to lower the campaign's total or change the offer, creative or audience; nothing is
    cut automatically (on the optimiser bench, cuts on early weeks' numbers lost more than
    they saved).
    """
    judged = [(a, far_off(a, evidence, policy, rng)) for a in live]
    if not all(far for _, far in judged):
        return [], []
    why = (f"all {len(live)} active ad sets are far off target, so moving money between them "
           "cannot bring the campaign to its target (it only favours the least bad, as any "
           "budget move on this card does)")
    verdicts = [make_verdict(a, "adset", "OPTIMIZE", [_words(far, evidence, why)])
                for a, far in judged if far is not None]
    campaign = evidence.get("campaign") or {}
    if str(campaign.get("id")) in taken:
        return verdicts, []
    advice = _action(
        "lower_campaign_budget", campaign, "campaign", {}, "OPTIMIZE",
        [f"{why}: lower the campaign's daily total, or change the offer, creative or audience"],
        {"ad_sets_far_off_target": len(live)}, evidence,
        "less money spent far off target while the campaign is reworked", advice=True)
    return verdicts, [advice]


def _advice(a: Mapping[str, Any], far: Mapping[str, Any], text: str, ev: dict[str, Any],
            evidence: Mapping[str, Any]) -> list[dict]:
    out = []
    ads = [d for d in evidence.get("ads", [])
           if str(d.get("adset_id")) == str(a["id"]) and d.get("status") == ACTIVE]
    if len(ads) == 1 and refreshable(evidence, ads[0]):
        out.append(refresh_action(
            ads[0], a, trigger="off_target", evidence=ev,
            reasons=[text + "; it runs a single ad: new creative is the lever left"]))
    stats = a.get("recent_stats") or a.get("stats") or {}
    freq = num(stats, "impressions") / num(stats, "reach") if num(stats, "reach") else 0.0
    if freq >= SMALL_POOL_FREQUENCY:
        out.append(_action("widen_audience", a, "adset", {}, "OPTIMIZE",
                           [text + f"; frequency {freq:.1f} a week: the audience is small for "
                            "its budget"], {**ev, "frequency": round(freq, 2)}, evidence,
                           "a wider audience lowers the cost of reaching new people",
                           advice=True))
    return out


def _action(name: str, entity: Mapping[str, Any], level: str, values: dict[str, Any],
            verdict: str, reasons: list[str], ev: Mapping[str, Any],
            evidence: Mapping[str, Any], effect: str, advice: bool = False) -> dict[str, Any]:
    id_key = {"ad": "ad_id", "campaign": "campaign_id"}.get(level, "adset_id")
    parent = (entity.get("adset_id") if level == "ad" else
              (evidence.get("campaign") or {}).get("id", "") if level == "adset" else "")
    out: dict[str, Any] = {
        "name": name,
        "args": {id_key: entity["id"], **values},
        "target": {"id": entity["id"], "name": entity.get("name", ""), "level": level,
                   "parent_id": parent},
        "verdict": verdict,
        "reasons": reasons,
        "evidence": dict(ev),
        "expected_effect": {"metric": "value_per_spend", "direction": "up", "text": effect
                            + ("; nothing changes on Meta: approve to record the task for a "
                               "person" if advice else "")},
        "risk": "low" if name.startswith(("pause", "set_")) else "high",
        "requires_review": True,
        "group": "off_target",
    }
    if advice:
        out["advice"] = True
    return out
