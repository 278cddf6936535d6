"""Which variant is winning, in a marketer's words, and how long until the test can decide.

`comparison(...)` compares an A/B test's variants (the plan's `experiment`, judged by the same
stopping rule the optimise loop applies: `agents.optimize.experiments.evaluate`) or, without
one, the campaign's ad sets. It returns plain values for the summary, the JSON and the chart:

- `headline`: "B: US, CA 25-34 is 87% likely to be better than A: US, CA 18-24 (lower cost per
  purchase)";
- `advice`: "Wait about 3 more days: the test decides at 95%" or "It can be decided now", from
  `days_to_decide`;
- `ranges`: each one's likely cost per result (or ROAS, or CTR) — the middle 80% of its
  posterior, in the account currency's major units.

How long to wait is derived from the data: with the gap seen so far holding, the evidence for
the leader over the runner-up grows with the days of data, and the probability that it is the
better one passes the threshold when its z-score (the normal quantile of that probability) has
grown to the threshold's, i.e. after `days × (z_needed / z_now)²` days in all — no sooner than
the rule's minimum days and its minimum results per variant.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

from agents.optimize.decide.stats import KPI_FIELDS, rng_for
from agents.optimize.experiments import evaluate, p_best, resolve_experiment, variant_draws
from state.insights_store import InsightsStore
from state.provenance import display_name
from state.rules import currency_offset

STAT_FIELDS = ("spend_minor", "clicks", "impressions", "link_clicks", "conversions",
               "conversion_value_minor", "recallers")


def days_to_decide(p_pair: float, threshold: float, days_run: int, rule: dict[str, float],
                   fewest_results: float = 0.0) -> dict[str, Any]:
    """How many more days until the leader's probability is expected to pass `threshold`.

    `p_pair` is the probability the leader beats the runner-up after `days_run` days. Returns
    `{"now": bool, "more_days": int | None, "past_max": bool}`; `more_days` None when no one
    leads (nothing to extrapolate) or a variant has no result yet.
    """
    min_days, max_days = int(rule.get("min_days", 0)), int(rule.get("max_days", 0))
    need_results = float(rule.get("min_conversions", 0))
    more_for_results = 0
    if fewest_results < need_results:
        if fewest_results <= 0 or days_run <= 0:
            return {"now": False, "more_days": None, "past_max": False}
        more_for_results = math.ceil((need_results - fewest_results) * days_run / fewest_results)
    if p_pair >= threshold:
        more = max(min_days - days_run, more_for_results, 0)
    elif days_run <= 0 or p_pair <= 0.51:  # no leader: a gap of nothing does not grow
        return {"now": False, "more_days": None, "past_max": False}
    else:
        z_now = NormalDist().inv_cdf(min(p_pair, 0.9999))
        z_need = NormalDist().inv_cdf(threshold)
        more = max(math.ceil(days_run * ((z_need / z_now) ** 2 - 1)), 1,
                   min_days - days_run, more_for_results)
    return {"now": more == 0, "more_days": more,
            "past_max": bool(max_days) and days_run + more > max_days}


def _measure(kpi: str, metric: str | None, currency: str, result: str) -> dict[str, Any]:
    """How a variant's posterior reads for people: what, its unit, and whether lower is better."""
    if (metric or "").lower() == "ctr":
        return {"what": "CTR", "unit": "%", "lower": False, "scale": lambda d: 100 * d}
    off = currency_offset(currency)
    if kpi == "conversion_value":
        return {"what": "ROAS", "unit": "×", "lower": False, "scale": lambda d: d}
    per = 1000.0 if kpi == "impressions" else 1.0
    what = "cost per 1,000 impressions" if kpi == "impressions" else f"cost per {result.rstrip('s')}"
    return {"what": what, "unit": currency, "lower": True,
            "scale": lambda d: per / np.maximum(d, 1e-12) / off}


def _draws(stats: dict[str, dict[str, float]], kpi: str, metric: str | None,
           seed: Any) -> dict[str, np.ndarray]:
    rng = rng_for("report", seed)
    return dict(zip(stats, variant_draws(stats, list(stats), kpi, metric, rng, 4000), strict=True))


def _groups(state: dict[str, Any], store: InsightsStore, cid: str) -> dict[str, Any]:
    """Return the variants (by label) or ad sets (by id) compared, with their summed figures."""
    exp = resolve_experiment(state.get("plan") or {}, state.get("created") or {})
    if exp and exp["variants"]:
        level, key = exp["level"], ("adset_ids" if exp["level"] == "adset" else "ad_ids")
        totals = store.totals(cid, level)
        members = {label: v[key] for label, v in exp["variants"].items()}
    else:
        exp, level, totals = None, "adset", store.totals(cid, "adset")
        members = {i: [i] for i in totals}
    names = {i: display_name(r.get("name")) for i, r in totals.items()}
    stats = {g: {f: sum(float(totals.get(i, {}).get(f) or 0) for i in ids) for f in STAT_FIELDS}
             for g, ids in members.items()}
    labels = {g: (f"{g}: {names.get(ids[0], '')}" if exp and ids else names.get(g, g))
              for g, ids in members.items()}
    days = len({r["date"] for r in store.daily(cid, level)})
    return {"exp": exp, "stats": stats, "labels": labels, "days": days}


def comparison(state: dict[str, Any], store: InsightsStore, cid: str, kpi: str, currency: str,
               result: str, target_minor: float | None = None) -> dict[str, Any] | None:
    """Compare the experiment's variants (or the ad sets): see the module docstring."""
    g = _groups(state, store, cid)
    exp, stats, labels = g["exp"], g["stats"], g["labels"]
    stats = {k: v for k, v in stats.items() if exp or v["spend_minor"] > 0}
    if len(stats) < 2 or not any(v["spend_minor"] for v in stats.values()):
        return None  # nothing delivered: nothing to compare yet
    metric = exp.get("metric") if exp else None
    status = evaluate(exp, stats, g["days"], kpi, seed=cid) if exp else None
    probs = status["p_best"] if status else p_best(stats, kpi, None, cid)
    draws = _draws(stats, kpi, metric, cid)
    order = sorted(probs, key=lambda k: -probs[k])
    leader, second = order[0], order[1]
    p_pair = float(np.mean(draws[leader] > draws[second]))
    m = _measure(kpi, metric, currency, result)
    ranges = {k: [round(float(x), 4) for x in np.percentile(m["scale"](d), [10, 50, 90])]
              for k, d in draws.items()}
    better = "lower" if m["lower"] else "higher"
    than = (f"better than {labels[second]}" if len(stats) == 2
            else f"the best of the {len(stats)} {'variants' if exp else 'ad sets'}")
    view: dict[str, Any] = {
        "kind": "experiment" if exp else "ad_sets",
        "labels": labels, "p_best": probs, "leader": leader, "p_leader_beats_next": p_pair,
        "days_run": g["days"], "ranges": ranges, "measure": m["what"], "unit": m["unit"],
        "lower_is_better": m["lower"],
        # the target is a cost per result: drawn beside costs per result only
        "target": target_minor / currency_offset(currency)
        if target_minor and m["lower"] and kpi == "conversions" else None,
        "headline": f"{labels[leader]} is {probs[leader]:.0%} likely to be {than} "
                    f"({better} {m['what']})",
        "advice": None,
    }
    if status:
        view.update(status=status["status"], threshold=status["rule"]["probability"],
                    rule=status["rule"], reason=status.get("reason"))
        fewest = min(v[KPI_FIELDS[kpi]] for v in stats.values())
        view["wait"] = days_to_decide(p_pair, status["rule"]["probability"], g["days"],
                                      status["rule"], fewest)
        view["advice"] = _advice(status, view["wait"], g["days"])
    return view


def _advice(status: dict[str, Any], wait: dict[str, Any], days: int) -> str:
    """Say what to do about the test, in a sentence."""
    rule = status["rule"]
    at, most = f"{rule['probability']:.0%}", f"{rule['max_days']:g}"
    if status["status"] == "winner":
        return f"It can be decided now: the test's rule (≥ {at} after {rule['min_days']:g} days) is met."
    if status["status"] == "inconclusive":
        return (f"The test ran its {most} days without a variant reaching {at}: a person decides "
                "(keep either, or call it a tie).")
    if days <= 0:
        return "The test has no delivery yet."
    if wait["more_days"] is None:
        return ("Too close to call: no variant is ahead yet, so no end can be foreseen; "
                f"the test stops at {most} days.")
    n = max(wait["more_days"], 1)  # still running: the loop's next cycle applies the rule
    if wait["past_max"]:
        return (f"At the gap seen so far it would need about {n} more days to reach {at}, past "
                f"the test's {most}: expect no clear winner.")
    return (f"Wait about {n} more day{'s' if n != 1 else ''}: the test decides at {at} "
            "(if the gap seen so far holds).")


__all__ = ["comparison", "days_to_decide"]
