"""Build a campaign tree straight in a Store, for tests and benches (bypasses the HTTP API).

The objects look like what `sandbox.objects` stores (string budgets in minor units, targeting
specs, ISO times); use it where a test or bench needs delivery, not the create path.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sandbox.clock import fmt_time, now
from sandbox.scenario import get_scenario
from sandbox.store import Store

TARGETINGS = [
    {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 44},
    {
        "geo_locations": {"countries": ["US", "CA"]},
        "age_min": 18,
        "age_max": 65,
        "flexible_spec": [{"interests": [{"id": "6003107902433", "name": "Running"}]}],
    },
    {"geo_locations": {"countries": ["US"]}, "age_min": 35, "age_max": 54, "genders": [2]},
    {
        "geo_locations": {"countries": ["US"]},
        "age_min": 18,
        "age_max": 34,
        "publisher_platforms": ["instagram"],
    },
]


def _targeting(i: int, countries: list[str] | None) -> dict[str, Any]:
    spec = dict(TARGETINGS[i % len(TARGETINGS)])
    if countries:
        spec["geo_locations"] = {"countries": list(countries)}
    return spec


def build_scenario_tree(store: Store) -> dict[str, Any]:
    """Build the campaign of the scenario's `campaign` shape, its target budget split evenly.

    Ad sets target the scenario's countries; `budget` "cbo" puts the whole daily budget on the
    campaign, "lifetime" gives each ad set its share × the scenario's days.
    """
    sc = get_scenario(store)
    shape = sc.campaign
    total = sc.targets.daily_budget_minor or 30000
    per = total // shape.adsets
    return build_tree(
        store,
        adsets=shape.adsets,
        ads=shape.ads,
        daily_budget=per,
        goal="VALUE" if sc.kpi == "conversion_value" else "OFFSITE_CONVERSIONS",
        cbo_budget=per * shape.adsets if shape.budget == "cbo" else None,
        lifetime=shape.budget == "lifetime",
        countries=sc.countries,
    )


def build_tree(
    store: Store,
    *,
    adsets: int = 3,
    ads: int = 3,
    daily_budget: int = 10000,
    goal: str = "OFFSITE_CONVERSIONS",
    cbo_budget: int | None = None,
    lifetime: bool = False,
    countries: list[str] | None = None,
) -> dict[str, Any]:
    """One campaign with `adsets` ad sets of `ads` ads each, all ACTIVE, created 'now'.

    `lifetime=True` gives each ad set a lifetime budget of `daily_budget` × the scenario's days
    (ending with the horizon) instead of a daily one; `countries` replaces the targetings'
    countries (default: the US/CA specs of `TARGETINGS`).
    """
    sc = get_scenario(store)
    acct = sc.account.id.removeprefix("act_")
    created = fmt_time(now(store), sc.tz)
    camp_doc: dict[str, Any] = {
        "name": "Camp",
        "objective": sc.objective,
        "status": "ACTIVE",
        "special_ad_categories": [],
        "created_time": created,
        "account_id": acct,
    }
    if cbo_budget:
        camp_doc["daily_budget"] = str(cbo_budget)
    camp = store.insert_object("campaign", camp_doc, account_id=acct, parent_id=sc.account.id)
    out: dict[str, Any] = {"campaign": camp["id"], "adsets": [], "ads": []}
    for i in range(adsets):
        doc: dict[str, Any] = {
            "name": f"Set {i} [ap:0000000{i}]",
            "campaign_id": camp["id"],
            "status": "ACTIVE",
            "targeting": _targeting(i, countries),
            "optimization_goal": goal,
            "billing_event": "IMPRESSIONS",
            "created_time": created,
            "start_time": created,
            "account_id": acct,
        }
        if lifetime and not cbo_budget:
            doc["lifetime_budget"] = str(daily_budget * sc.days)
            doc["end_time"] = fmt_time(now(store) + timedelta(days=sc.days), sc.tz)
        elif not cbo_budget:
            doc["daily_budget"] = str(daily_budget)
        s = store.insert_object("adset", doc, account_id=acct, parent_id=camp["id"])
        out["adsets"].append(s["id"])
        for j in range(ads):
            ad = store.insert_object(
                "ad",
                {
                    "name": f"Ad {i}.{j}",
                    "adset_id": s["id"],
                    "campaign_id": camp["id"],
                    "status": "ACTIVE",
                    "creative": {"id": "1"},
                    "created_time": created,
                    "account_id": acct,
                },
                account_id=acct,
                parent_id=s["id"],
            )
            out["ads"].append(ad["id"])
    return out
