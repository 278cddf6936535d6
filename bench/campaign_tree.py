"""The campaign the benchmarks launch on a sandbox: built from any scenario file.

By default the scenario's `campaign` shape (`sandbox.scenario.CampaignShape`: four ad sets ×
three ads with ad-set daily budgets unless the scenario says otherwise): one ad set per age
band, the scenario's countries, an equal share of the scenario's daily budget each (or that
share × the scenario's days as a lifetime budget, or the whole daily total on the campaign
under CBO), image ads, optimised for the scenario's KPI; every ad set starts and ends with the
scenario's flight, as a plan's dates would set them (the loop reads a flight's length from
its ad sets' end times). Launched with the real launch path
(`tools.launch.launch_tree`) over HTTP, then activated through the money gate with
`bench_policy` — the caps a marketer running this budget would set.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from typing import Any

from PIL import Image

from sandbox.enums import usd_to_minor
from sandbox.scenario import Scenario
from state.policy import MAX_POLICY_MONEY_MINOR, Policy
from state.rules import EEA_COUNTRIES
from tools.launch import activate_tree, launch_tree

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 65), (18, 34), (35, 65), (25, 44), (18, 65))
HEADLINES = ("Built for the long run", "New season, new gear", "Free returns, always")
DEFAULT_DAILY = {"JPY": 30000}


def _png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (1080, 1080), color).save(buf, format="PNG")
    return buf.getvalue()


def goal_for(sc: Scenario) -> tuple[str, dict[str, Any] | None, str | None]:
    """(optimization_goal, promoted_object, destination_type) for the scenario's KPI."""
    if sc.kpi in ("conversions", "conversion_value") and sc.conversion_event:
        event = "PURCHASE" if sc.conversion_event == "purchase" else "LEAD"
        goal = "VALUE" if sc.kpi == "conversion_value" else "OFFSITE_CONVERSIONS"
        return goal, {"pixel_id": sc.pixel.id, "custom_event_type": event}, "WEBSITE"
    if sc.kpi == "link_clicks":
        return "LINK_CLICKS", None, "WEBSITE"
    if sc.kpi == "estimated_ad_recallers":
        return "AD_RECALL_LIFT", None, None
    return "IMPRESSIONS", None, None


def planned_daily(sc: Scenario) -> int:
    """The scenario's planned daily total in minor units."""
    return sc.targets.daily_budget_minor or DEFAULT_DAILY.get(sc.currency, 30000)


def bench_policy(sc: Scenario) -> Policy:
    """The default policy with its money caps sized to the scenario's budget.

    The built-in caps are minor units of any currency (500.00 a day per campaign), so they
    refuse a plain 4,000 MXN or 400,000 KRW daily budget; a marketer running one sets caps that
    fit it. Here: a campaign may run at twice its planned daily total, the account at four
    times (never below the defaults). The other settings (±20 % per cycle, 24 h cooldown) stay.
    """
    daily = planned_daily(sc)
    base = Policy()
    return replace(
        base,
        max_campaign_daily_budget_minor=max(base.max_campaign_daily_budget_minor, 2 * daily),
        max_daily_exposure_minor=max(base.max_daily_exposure_minor, 4 * daily),
    )


def unbound_policy() -> Policy:
    """A policy whose money caps never bind and whose steps are Meta's largest (±100 %, no
    cooldown): what a rule tool or a clairvoyant not held to adpilot's policy writes through
    the money gate (every spend-raising write goes through it)."""
    return Policy(max_daily_exposure_minor=MAX_POLICY_MONEY_MINOR,
                  max_campaign_daily_budget_minor=MAX_POLICY_MONEY_MINOR,
                  max_budget_change_pct=1.0, budget_cooldown_hours=0)


def build_tree(
    sc: Scenario,
    n_adsets: int | None = None,
    n_ads: int | None = None,
    spend_cap: bool = False,
    cbo: bool | None = None,
    lifetime: bool | None = None,
) -> dict[str, Any]:
    """A launch_tree dict for the scenario (equal split); unset arguments follow its shape.

    `spend_cap=True` caps the campaign's lifetime spend at the planned daily budget times the
    scenario's days: the money the marketer gave, whatever the budgets are raised to.
    `cbo=True` puts the same daily total on the campaign (Advantage campaign budget) instead;
    `lifetime=True` gives each ad set its daily share × the days as a lifetime budget.
    """
    shape = sc.campaign
    n_adsets = shape.adsets if n_adsets is None else n_adsets
    n_ads = shape.ads if n_ads is None else n_ads
    cbo = shape.budget == "cbo" if cbo is None else cbo
    lifetime = shape.budget == "lifetime" if lifetime is None else lifetime
    daily = planned_daily(sc)
    goal, promoted, destination = goal_for(sc)
    eu = bool(set(sc.countries) & set(EEA_COUNTRIES))
    tree: dict[str, Any] = {
        "campaign": {
            "key": "bench-campaign",
            "params": {
                "name": f"Bench {sc.name}",
                "objective": sc.objective,
                "status": "PAUSED",
                "buying_type": "AUCTION",
                "special_ad_categories": [],
                "is_adset_budget_sharing_enabled": False,
            },
        },
        "ad_sets": [],
        "creatives": [],
        "ads": [],
        "images": [
            {"key": f"img{j}", "name": f"bench{j}.png", "bytes": _png((40 * j, 120, 200))}
            for j in range(n_ads)
        ],
    }
    if spend_cap:
        # Meta refuses a spend cap under about $100 (subcode 2446307): a small, short plan's
        # cap is raised to that floor, where it no longer binds.
        cap = (daily // n_adsets) * n_adsets * sc.days
        tree["campaign"]["params"]["spend_cap"] = max(cap, usd_to_minor(100, sc.currency))
    if cbo:
        camp = tree["campaign"]["params"]
        camp.pop("is_adset_budget_sharing_enabled")
        camp.update(
            daily_budget=(daily // n_adsets) * n_adsets, bid_strategy="LOWEST_COST_WITHOUT_CAP"
        )
    for i in range(n_adsets):
        lo, hi = AGE_BANDS[i % len(AGE_BANDS)]
        params: dict[str, Any] = {
            "name": f"Ages {lo}-{hi}",
            "status": "PAUSED",
            "optimization_goal": goal,
            "billing_event": "IMPRESSIONS",
            "daily_budget": daily // n_adsets,
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
            "targeting": {
                "geo_locations": {"countries": list(sc.countries)},
                "age_min": lo,
                "age_max": hi,
            },
        }
        if cbo:  # the budget and bid strategy live on the campaign
            del params["daily_budget"], params["bid_strategy"]
        elif lifetime:  # the share over the whole flight
            del params["daily_budget"]
            params["lifetime_budget"] = (daily // n_adsets) * sc.days
        # The flight ends with the horizon, as a plan's end date would end it.
        params["start_time"] = sc.start_dt().isoformat()
        params["end_time"] = (sc.start_dt() + timedelta(days=sc.days)).isoformat()
        if promoted:
            params["promoted_object"] = promoted
        if destination:
            params["destination_type"] = destination
        if eu:
            params["dsa_payor"] = params["dsa_beneficiary"] = sc.account.name
        tree["ad_sets"].append({"key": f"set{i}", "params": params})
        for j in range(n_ads):
            ckey, akey = f"cr{i}.{j}", f"ad{i}.{j}"
            tree["creatives"].append(
                {
                    "key": ckey,
                    "ad_set_key": f"set{i}",
                    "params": {
                        "name": f"Creative {i}.{j}",
                        "object_story_spec": {
                            "page_id": sc.page.id,
                            "link_data": {
                                "link": "https://example.com/shop",
                                "message": "Run further for less.",
                                "name": HEADLINES[j % len(HEADLINES)],
                                "image_hash": f"{{image:img{j}}}",
                                "call_to_action": {"type": "LEARN_MORE"},
                            },
                        },
                    },
                }
            )
            tree["ads"].append(
                {
                    "key": akey,
                    "ad_set_key": f"set{i}",
                    "creative_key": ckey,
                    "params": {"name": f"Ad {i}.{j}", "status": "PAUSED"},
                }
            )
    return tree


def launch(client: Any, sc: Scenario, policy: Policy | None = None, **kw: Any) -> dict[str, Any]:
    """Launch and activate the bench tree; return `created` as the graph stores it.

    Activation passes the money gate with `policy` (default: `bench_policy(sc)`).
    """
    policy = policy or bench_policy(sc)
    tree = build_tree(sc, **kw)
    tree["account_id"] = client.account_id
    result = launch_tree(client, tree, policy=policy)
    if result.failed:
        raise RuntimeError(f"bench launch failed: {result.failed}")
    ids = result.ids
    ad_sets = {s["key"]: ids[s["key"]] for s in tree["ad_sets"]}
    ads = {a["key"]: ids[a["key"]] for a in tree["ads"]}
    created = {"campaign": ids["bench-campaign"], "ad_sets": ad_sets, "ads": ads}
    # Turned on through the money gate like any launch, in one batch.
    outcomes = activate_tree(client, created, policy=policy, campaign_key="bench-campaign")
    failed = [res.error for _item, res in outcomes if not res.ok]
    if failed:
        raise RuntimeError(f"bench activation failed: {failed[0]}")
    return created
