"""Random regimes: scenario files drawn across the dimensions issue 16 lists, for unseen-regime runs.

    python -m bench.regime_gen --count 30 --seed 1 --out /tmp/gen1
    python -m bench.optimizer --suite /tmp/gen1 --no-bundled --seeds 1-2

The hand-written suite (`sandbox/scenarios/regimes/`) varies one thing at a time and was tuned
on. A generated regime varies many at once, from a seed nobody looked at before the run, so it
says how the loop does on regimes it has not seen — the way the issue says unseen regimes are
scored. Each draw picks independently:

- the goal and what is scored: purchases, leads, purchase value with a ROAS target, link clicks
  (traffic) or estimated ad recallers (awareness);
- the account's currency, time zone and country (zero-decimal KRW, JPY and CLP among them),
  with Meta's minimum daily budget for that currency;
- the campaign's shape: 1–12 ad sets of 1–6 ads; daily, lifetime or campaign (CBO) budget;
- the flight: 7–60 days;
- the budget per ad set, from 1.3× Meta's minimum up to about $150 a day;
- conversion rates from sparse (one per ~100 link clicks) to rich, how much they differ between
  audiences, how uneven the baskets are;
- the delivery model: reach pools and fatigue, learning cost and length, what a significant
  budget edit is, restatement, daily noise;
- the target: 0.6–1.6× the cost per result an average ad set would get, so some plans are on
  target and some cannot be.

Nothing here is read by adpilot; the files are ordinary scenarios (`sandbox/scenarios/README.md`).
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path
from typing import Any

# currency: (minor units per US cent, Meta's minimum daily budget in minor units, time zone,
# country). The minimums are the sandbox's (the bundled and regime scenarios use the same).
CURRENCIES: dict[str, tuple[float, int, str, str]] = {
    "USD": (1.0, 100, "America/Chicago", "US"),
    "EUR": (0.92, 92, "Europe/Madrid", "ES"),
    "GBP": (0.79, 79, "Europe/London", "GB"),
    "CAD": (1.36, 136, "America/Vancouver", "CA"),
    "AUD": (1.52, 152, "Australia/Brisbane", "AU"),
    "BRL": (5.0, 250, "America/Sao_Paulo", "BR"),
    "MXN": (17.0, 850, "America/Mexico_City", "MX"),
    "INR": (83.0, 4150, "Asia/Kolkata", "IN"),
    "SEK": (10.5, 1050, "Europe/Stockholm", "SE"),
    "JPY": (1.5, 150, "Asia/Tokyo", "JP"),
    "KRW": (13.5, 1350, "Asia/Seoul", "KR"),
    "CLP": (9.0, 900, "America/Santiago", "CL"),
}

# goal: (kpi, objective, conversion event, weight)
GOALS: list[tuple[str, str, str | None, float]] = [
    ("conversions", "OUTCOME_SALES", "purchase", 0.35),
    ("conversions", "OUTCOME_LEADS", "lead", 0.2),
    ("conversion_value", "OUTCOME_SALES", "purchase", 0.2),
    ("link_clicks", "OUTCOME_TRAFFIC", None, 0.15),
    ("estimated_ad_recallers", "OUTCOME_AWARENESS", None, 0.1),
]


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


MIN_RESULTS = 40  # a draw whose plan buys fewer results over its flight is drawn again


def draw(rng: random.Random, index: int, prefix: str = "gen") -> dict[str, Any]:
    """Return one random scenario (a dict ready for `sandbox.scenario.Scenario`).

    A plan that would buy fewer than `MIN_RESULTS` results over its whole flight (a $2 a day
    budget for a $200 purchase) scores nothing for any strategy and is drawn again.
    """
    while True:
        doc = _draw(rng, index, prefix)
        if doc.pop("_expected_results") >= MIN_RESULTS:
            return doc


def _draw(rng: random.Random, index: int, prefix: str) -> dict[str, Any]:
    kpi, objective, event, _ = rng.choices(GOALS, weights=[g[3] for g in GOALS])[0]
    currency = rng.choice(sorted(CURRENCIES))
    fx, minimum, tz, country = CURRENCIES[currency]
    adsets = rng.choice([1, 2, 3, 4, 4, 5, 6, 8, 10, 12])
    ads = rng.choice([1, 2, 3, 3, 4, 5, 6])
    budget = rng.choices(["daily", "lifetime", "cbo"], weights=[0.6, 0.2, 0.2])[0]
    if adsets == 1 and budget == "cbo":
        budget = "daily"
    days = rng.choice([7, 10, 14, 21, 28, 28, 35, 45, 60])
    per_adset_usd_cents = _log_uniform(rng, 1.3 * minimum / fx, 15_000)
    per_adset = max(int(1.3 * minimum), int(per_adset_usd_cents * fx))
    cpm = _log_uniform(rng, 500, 2_000) * fx  # minor units per 1,000 impressions
    ctr = _log_uniform(rng, 0.007, 0.025)
    sparse = rng.random() < 0.25
    cvr = _log_uniform(rng, 0.008, 0.015) if sparse else _log_uniform(rng, 0.02, 0.07)
    value = _log_uniform(rng, 2_000, 12_000) * fx
    model = {
        "reach_pool_days": round(_log_uniform(rng, 2, 15), 2),
        "fatigue_start": round(rng.uniform(0.5, 2.0), 2),
        "fatigue_scale": round(_log_uniform(rng, 2, 10), 2),
        "learning_cost_penalty": round(rng.uniform(0.1, 0.9), 2),
        "learning_events": rng.choice([30, 50, 50, 80, 100]),
        "learning_noise": round(rng.uniform(0.2, 0.6), 2),
        "noise": round(rng.uniform(0.05, 0.3), 2),
        "sig_budget_change": rng.choice([0.2, 0.3, 0.5, 0.5]),
        "restatement_days": rng.choice([1, 2, 2, 3, 5, 7]),
        "restatement_share": round(rng.uniform(0.1, 0.6), 2),
        "value_shape": round(_log_uniform(rng, 1.0, 6.0), 2),
        "distribution_power": round(rng.uniform(1.0, 3.0), 2),
    }
    # What an average ad set's result costs, in minor units, before learning and fatigue.
    click = cpm / 1000 / (ctr * 0.75)
    per_result = {"link_clicks": click, "estimated_ad_recallers": None}.get(kpi, click / cvr)
    targets: dict[str, Any] = {"daily_budget_minor": per_adset * adsets, "roas": None}
    if per_result is not None:
        targets["cpa_minor"] = max(1, int(per_result * _log_uniform(rng, 0.6, 1.6)))
    if kpi == "conversion_value":
        targets["roas"] = round(value / (click / cvr) * _log_uniform(rng, 0.6, 1.5), 2)
    if kpi == "estimated_ad_recallers":
        targets["cpa_minor"] = None
    expected = (per_adset * adsets * days / per_result) if per_result else float("inf")
    ident = 7_300_000_000 + index
    name = f"{prefix}_{index:03d}_{kpi}_{currency.lower()}"
    return {
        "name": name,
        "description": (
            f"Generated regime {index} ({prefix}): {kpi} ({event or objective}), {currency}, "
            f"{adsets} ad sets × {ads} ads, {budget} budget, {days} days"
            f"{', sparse conversions' if sparse else ''}."
        ),
        "seed": 0,
        "currency": currency,
        "timezone": tz,
        "start": "2026-03-02",
        "days": days,
        "objective": objective,
        "conversion_event": event,
        "kpi": kpi,
        "countries": [country],
        "account": {"id": f"act_{ident}", "name": f"Generated {name}",
                    "min_daily_budget": minimum, "spend_cap": 0, "amount_spent": 0},
        "page": {"id": str(3_200_000_000_000 + index), "name": f"{name} page"},
        "pixel": {"id": str(4_200_000_000_000 + index), "name": f"{name} pixel"},
        "targets": targets,
        "truth": {
            "cpm_minor": {"kind": "lognormal", "median": round(cpm, 1),
                          "sigma": round(rng.uniform(0.1, 0.4), 2)},
            "cvr": {"kind": "beta", "mean": round(cvr, 4),
                    "concentration": round(_log_uniform(rng, 40, 400))},
            "value_minor": {"kind": "lognormal", "median": round(value, 1),
                            "sigma": round(rng.uniform(0.1, 0.8), 2)},
            "ctr": {"kind": "beta", "mean": round(ctr, 4),
                    "concentration": round(_log_uniform(rng, 300, 3_000))},
            "ad_cvr_mult": {"kind": "lognormal", "median": 1.0,
                            "sigma": round(rng.uniform(0.0, 0.3), 2)},
            "recall_rate": {"kind": "beta", "mean": round(rng.uniform(0.02, 0.05), 3),
                            "concentration": 300},
        },
        "model": model,
        "campaign": {"adsets": adsets, "ads": ads, "budget": budget},
        "_expected_results": expected,
    }


def generate(count: int, seed: int, out: Path, prefix: str = "gen") -> list[Path]:
    """Write `count` scenarios drawn from `seed` into `out`; return their paths."""
    from sandbox.scenario import Scenario

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        doc = draw(rng, seed * 1000 + i, prefix)
        Scenario.model_validate(doc)  # a draw the sandbox would refuse is a bug here
        path = out / f"{doc['name']}.json"
        path.write_text(json.dumps(doc, indent=2) + "\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.regime_gen", description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=30, help="how many regimes (default 30)")
    ap.add_argument("--seed", type=int, default=1, help="the generator's seed (default 1)")
    ap.add_argument("--out", required=True, help="folder to write the scenario files to")
    args = ap.parse_args(argv)
    if args.count < 1:
        ap.error("--count must be at least 1")
    for path in generate(args.count, args.seed, Path(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
