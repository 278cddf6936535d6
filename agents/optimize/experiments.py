"""A/B experiments: which entities are variants, the running P(best), and the stopping rule.

The planner declares the experiment up front in `plan["experiment"]` —
``{"kind", "variants", "metric", "stopping_rule"}`` — and labels the variant ad sets or ads
with `variant`. The launch gives variants an equal split; the optimise loop never moves budget
between them nor pauses one on its own (`agents/optimize/decide/decisions.py` protects them). Only the
stopping rule ends the test:

- before `min_days` (and `min_conversions` per variant) nothing is decided;
- after that, a variant whose posterior probability of being best reaches `probability`
  wins (early stop, allowed only by this rule);
- at `max_days` the best variant wins if it reached `probability`, otherwise the result is
  "inconclusive" (the variants keep running; a person decides).

Stopping-rule keys accepted (dict): `probability` (or `threshold`, `confidence`,
`prob_best`; default 0.95), `min_days` (7), `max_days` (21), `min_conversions` (or
`min_events`; 0). A string such as "P(best) >= 0.9 after 5 days, at most 14 days" is read too
(`state/stopping_rule.py`, which the launch card reads the rule with as well).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from agents.optimize.decide.stats import (
    KPI_FIELDS,
    kpi_of,
    num,
    pooled_prior,
    rng_for,
    value_samples,
)
from state.insights_store import SUM_FIELDS
from state.stopping_rule import stopping_rule


def _ids_by_position(
    plan: dict[str, Any], created: dict[str, Any]
) -> tuple[list[str], list[list[str]]]:
    """Meta ids of the plan's ad sets and ads, in plan order.

    The launch recomputes node keys (`state.plan.plan_keys`), so the keys stored in the plan
    dict may be stale; keys are recomputed here, and creation order is the fallback.
    """
    set_ids = created.get("ad_sets") or {}
    ad_ids = created.get("ads") or {}
    try:
        from state.plan import load_plan, plan_keys

        keys = plan_keys(load_plan(plan))
        sets = [
            str(set_ids.get(keys.get(f"ad_sets[{i}]", ""), ""))
            for i, _ in enumerate(plan["ad_sets"])
        ]
        ads = [
            [
                str(ad_ids.get(keys.get(f"ad_sets[{i}].ads[{j}]", ""), ""))
                for j, _ in enumerate(s.get("ads") or [])
            ]
            for i, s in enumerate(plan["ad_sets"])
        ]
        if all(sets) and all(all(a) for a in ads):
            return sets, ads
    except Exception:  # noqa: BLE001 - an unloadable plan falls back to creation order
        pass
    flat_sets, flat_ads = [str(v) for v in set_ids.values()], [str(v) for v in ad_ids.values()]
    ads, k = [], 0
    for s in plan.get("ad_sets") or []:
        n = len(s.get("ads") or [])
        ads.append(flat_ads[k : k + n])
        k += n
    return flat_sets, ads


def resolve_experiment(plan: dict[str, Any], created: dict[str, Any]) -> dict[str, Any] | None:
    """Map the plan's variant labels to the Meta ids the launch created."""
    exp = plan.get("experiment")
    if not exp:
        return None
    set_ids, ad_ids = _ids_by_position(plan, created)
    variants: dict[str, dict[str, list[str]]] = {}
    for i, ad_set in enumerate(plan.get("ad_sets") or []):
        label = ad_set.get("variant")
        if label and i < len(set_ids) and set_ids[i]:
            variants.setdefault(label, {"adset_ids": [], "ad_ids": []})["adset_ids"].append(
                set_ids[i]
            )
        for j, ad in enumerate(ad_set.get("ads") or []):
            if ad.get("variant") and i < len(ad_ids) and j < len(ad_ids[i]) and ad_ids[i][j]:
                variants.setdefault(ad["variant"], {"adset_ids": [], "ad_ids": []})[
                    "ad_ids"
                ].append(ad_ids[i][j])
    level = "adset" if any(v["adset_ids"] for v in variants.values()) else "ad"
    return {
        "kind": exp.get("kind"),
        "metric": exp.get("metric"),
        "level": level,
        "rule": stopping_rule(exp.get("stopping_rule")),
        "variants": variants,
        "variant_ids": [i for v in variants.values() for i in v["ad_ids"]],
        "variant_adset_ids": [i for v in variants.values() for i in v["adset_ids"]],
    }


def variant_draws(
    stats: dict[str, dict[str, Any]], order: list[str], kpi: str, metric: str | None,
    rng: np.random.Generator, n: int,
) -> list[np.ndarray]:
    """Return posterior draws of each variant's metric, in `order`.

    CTR comes from a beta on clicks per impression, anything else is value per unit of spend
    (`value_samples`, with the siblings' pooled prior). `p_best` and the report's "which is winning" chart (`agents/insights/experiment_view.py`)
    draw the same way, each from its own generator.
    """
    if (metric or "").lower() == "ctr":
        return [rng.beta(1 + num(stats[k], "clicks"),
                         1 + max(num(stats[k], "impressions") - num(stats[k], "clicks"), 0), n)
                for k in order]
    prior = pooled_prior(list(stats.values()), kpi)
    return [value_samples(stats[k], prior, rng, n) for k in order]


def p_best(
    stats: dict[str, dict[str, Any]], kpi: str, metric: str | None, seed: Any = 0, n: int = 8000
) -> dict[str, float]:
    """Posterior probability that each variant is best on the experiment's metric."""
    labels = sorted(stats)
    if len(labels) < 2:
        return dict.fromkeys(labels, 1.0)
    rng = rng_for("experiment", seed, *labels)
    draws = np.stack(variant_draws(stats, labels, kpi, metric, rng, n))
    wins = np.bincount(draws.argmax(axis=0), minlength=len(labels)) / n
    return {k: round(float(w), 4) for k, w in zip(labels, wins, strict=True)}


def _sum(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {k: sum(num(r, k) for r in rows) for k in SUM_FIELDS}


def evaluate(
    exp: dict[str, Any],
    variant_stats: dict[str, dict[str, Any]],
    days_run: int,
    kpi: str,
    seed: Any = 0,
) -> dict[str, Any]:
    """Apply the stopping rule: running, winner (with confidence) or inconclusive."""
    rule = exp["rule"]
    probs = p_best(variant_stats, kpi, exp.get("metric"), seed)
    best = max(probs, key=lambda k: probs[k]) if probs else None
    events = {k: num(v, KPI_FIELDS[kpi]) for k, v in variant_stats.items()}
    out: dict[str, Any] = {
        "p_best": probs,
        "days_run": days_run,
        "rule": rule,
        "events": events,
        "status": "running",
        "winner": None,
        "confidence": None,
    }
    enough = days_run >= rule["min_days"] and all(
        e >= rule["min_conversions"] for e in events.values()
    )
    if best is not None and enough and probs[best] >= rule["probability"]:
        out.update(
            status="winner",
            winner=best,
            confidence=probs[best],
            reason=f"{best} is best with probability {probs[best]:.0%} "
            f"(rule: ≥ {rule['probability']:.0%} after {rule['min_days']:g} days)",
        )
    elif days_run >= rule["max_days"]:
        out.update(
            status="inconclusive",
            reason=f"after {days_run} days no variant reached "
            f"{rule['probability']:.0%} (best: {best} at {probs.get(best or '', 0):.0%})",
        )
    else:
        out["reason"] = (
            f"running: day {days_run} of at most {rule['max_days']:g}; "
            f"P(best) {', '.join(f'{k} {v:.0%}' for k, v in probs.items())}"
        )
    return out


def experiment_actions(
    exp: dict[str, Any], store: Any, evidence: dict[str, Any], plan: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Evaluate the experiment since launch; propose pausing the losers once it has a winner."""
    from agents.optimize.decide.decisions import pause_action

    campaign_id = evidence["campaign"]["id"]
    start = str(plan.get("start_time") or evidence["today"])[:10]
    yesterday_rows = store.daily(campaign_id, exp["level"], start, None)
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in yesterday_rows:
        by_id.setdefault(row["entity_id"], []).append(row)
    key = "adset_ids" if exp["level"] == "adset" else "ad_ids"
    stats = {
        label: _sum([r for i in v[key] for r in by_id.get(i, [])])
        for label, v in exp["variants"].items()
    }
    days = len({r["date"] for r in yesterday_rows})
    days_run = max(days, (date.fromisoformat(evidence["today"]) - date.fromisoformat(start)).days)
    status = evaluate(exp, stats, days_run, kpi_of(evidence), seed=campaign_id)
    actions: list[dict[str, Any]] = []
    if status["status"] == "winner":
        entities = {e["id"]: e for e in evidence["ads" if exp["level"] == "ad" else "ad_sets"]}
        for label, v in exp["variants"].items():
            if label == status["winner"]:
                continue
            for eid in v[key]:
                ent = entities.get(eid)
                if ent is None or ent.get("status") != "ACTIVE":
                    continue
                reasons = [f"experiment stopped by its declared rule: {status['reason']}"]
                ev = {"variant": label, "p_best": status["p_best"].get(label)}
                parent = ent.get("adset_id", campaign_id)
                actions.append(pause_action(ent, exp["level"], "PAUSE", reasons, ev, parent))
    return status, actions
