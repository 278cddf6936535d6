"""Ad sets: create (PAUSED, tagged), read, change budget or schedule, set status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.common import set_status, update_object
from tools.meta_client import with_tag

if TYPE_CHECKING:
    from state.guardrails import GatePass
    from tools.meta_client import MetaClient

ADSET_FIELDS = ("id,name,campaign_id,status,effective_status,daily_budget,lifetime_budget,"
                "optimization_goal,billing_event,start_time,end_time,targeting")


def create_ad_set(client: MetaClient, campaign_id: str, name: str, targeting: dict[str, Any],
                  optimization_goal: str, billing_event: str = "IMPRESSIONS", *,
                  daily_budget: int | None = None, lifetime_budget: int | None = None,
                  start_time: str | None = None, end_time: str | None = None,
                  promoted_object: dict[str, Any] | None = None, bid_strategy: str | None = None,
                  bid_amount: int | None = None, plan_key: str | None = None,
                  receipt: str | None = None, extra: dict[str, Any] | None = None,
                  gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Create a PAUSED ad set under a campaign (a budget needs `gate_pass`); returns `{id, name}`."""
    params: dict[str, Any] = {
        "name": with_tag(name, plan_key, 400) if plan_key else name,
        "campaign_id": str(campaign_id), "targeting": targeting,
        "optimization_goal": optimization_goal, "billing_event": billing_event,
        "status": "PAUSED", **(extra or {}),
    }
    for key, value in (("daily_budget", daily_budget), ("lifetime_budget", lifetime_budget),
                       ("start_time", start_time), ("end_time", end_time),
                       ("promoted_object", promoted_object), ("bid_strategy", bid_strategy),
                       ("bid_amount", bid_amount)):
        if value is not None:
            params[key] = value
    body = client.write("create", f"{client._account()}/adsets", params, plan_key=plan_key,
                        object_type="adset", receipt=receipt, gate_pass=gate_pass)
    return {"id": str(body["id"]), "name": params["name"]}


def get_ad_set(client: MetaClient, ad_set_id: str, fields: str = ADSET_FIELDS
               ) -> dict[str, Any]:
    """Read one ad set."""
    return client.get(str(ad_set_id), {"fields": fields})


def list_ad_sets(client: MetaClient, campaign_id: str) -> list[dict[str, Any]]:
    """List the ad sets of a campaign."""
    return client.get_all(f"{campaign_id}/adsets", {"fields": ADSET_FIELDS})


def update_ad_set_budget(client: MetaClient, ad_set_id: str, *, daily_budget: int | None = None,
                         lifetime_budget: int | None = None, receipt: str | None = None,
                         gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Change an ad set's budget (minor units, with its `gate_pass`); returns before and after."""
    params = {k: v for k, v in (("daily_budget", daily_budget),
                                ("lifetime_budget", lifetime_budget)) if v is not None}
    return update_object(client, ad_set_id, params, object_type="adset", receipt=receipt,
                         op="budget", gate_pass=gate_pass)


def update_ad_set_schedule(client: MetaClient, ad_set_id: str, *, start_time: str | None = None,
                           end_time: str | None = None, receipt: str | None = None,
                           gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Change an ad set's start and/or end time (ISO-8601; an end time needs `gate_pass`)."""
    params = {k: v for k, v in (("start_time", start_time), ("end_time", end_time))
              if v is not None}
    return update_object(client, ad_set_id, params, object_type="adset", receipt=receipt,
                         op="schedule", gate_pass=gate_pass)


def set_ad_set_status(client: MetaClient, ad_set_id: str, status: str, *,
                      receipt: str | None = None, gate_pass: GatePass | None = None
                      ) -> dict[str, Any]:
    """Set an ad set's status (ACTIVE needs `gate_pass`; PAUSED / ARCHIVED / DELETED do not)."""
    return set_status(client, ad_set_id, status, object_type="adset", receipt=receipt,
                      gate_pass=gate_pass)
