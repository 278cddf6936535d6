"""Campaigns: create (PAUSED, tagged), read, list, change budget, set status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.common import set_status, update_object
from tools.meta_client import with_tag

if TYPE_CHECKING:
    from state.guardrails import GatePass
    from tools.meta_client import MetaClient

CAMPAIGN_FIELDS = ("id,name,objective,status,effective_status,daily_budget,lifetime_budget,"
                   "bid_strategy,special_ad_categories,created_time")


def create_campaign(client: MetaClient, name: str, objective: str,
                    special_ad_categories: list[str] | None = None, *,
                    daily_budget: int | None = None, lifetime_budget: int | None = None,
                    bid_strategy: str | None = None, plan_key: str | None = None,
                    receipt: str | None = None, extra: dict[str, Any] | None = None,
                    gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Create a PAUSED campaign (budgets in minor units; a budget needs `gate_pass`)."""
    if daily_budget is not None and lifetime_budget is not None:
        raise ValueError("give daily_budget or lifetime_budget, not both")
    params: dict[str, Any] = {
        "name": with_tag(name, plan_key, 400) if plan_key else name,
        "objective": objective,
        "special_ad_categories": list(special_ad_categories or []),
        "status": "PAUSED",
        **(extra or {}),
    }
    for key, value in (("daily_budget", daily_budget), ("lifetime_budget", lifetime_budget),
                       ("bid_strategy", bid_strategy)):
        if value is not None:
            params[key] = value
    body = client.write("create", f"{client._account()}/campaigns", params, plan_key=plan_key,
                        object_type="campaign", receipt=receipt, gate_pass=gate_pass)
    return {"id": str(body["id"]), "name": params["name"]}


def get_campaign(client: MetaClient, campaign_id: str, fields: str = CAMPAIGN_FIELDS
                 ) -> dict[str, Any]:
    """Read one campaign."""
    return client.get(str(campaign_id), {"fields": fields})


def list_campaigns(client: MetaClient, effective_status: list[str] | None = None
                   ) -> list[dict[str, Any]]:
    """List the ad account's campaigns, optionally filtered by effective status."""
    params: dict[str, Any] = {"fields": CAMPAIGN_FIELDS}
    if effective_status:
        params["filtering"] = [{"field": "effective_status", "operator": "IN",
                                "value": list(effective_status)}]
    return client.get_all(f"{client._account()}/campaigns", params)


def update_campaign_budget(client: MetaClient, campaign_id: str, *,
                           daily_budget: int | None = None, lifetime_budget: int | None = None,
                           receipt: str | None = None, gate_pass: GatePass | None = None
                           ) -> dict[str, Any]:
    """Change a campaign budget (minor units, with its `gate_pass`); returns before and after."""
    params = {k: v for k, v in (("daily_budget", daily_budget),
                                ("lifetime_budget", lifetime_budget)) if v is not None}
    return update_object(client, campaign_id, params, object_type="campaign", receipt=receipt,
                         op="budget", gate_pass=gate_pass)


def set_campaign_status(client: MetaClient, campaign_id: str, status: str, *,
                        receipt: str | None = None, gate_pass: GatePass | None = None
                        ) -> dict[str, Any]:
    """Set a campaign's status (ACTIVE needs `gate_pass`; PAUSED / ARCHIVED / DELETED do not)."""
    return set_status(client, campaign_id, status, object_type="campaign", receipt=receipt,
                      gate_pass=gate_pass)
