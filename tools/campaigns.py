"""Campaigns: create (PAUSED, tagged), read, list, change budget, set status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.tools import tool

from state.guardrails import MoneyAction
from tools.common import activation, compact, set_status, update_object
from tools.injection import ClientRuntime, client_from
from tools.meta_client import with_tag
from tools.money import gated_write

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


@tool("create_campaign")
def create_campaign_tool(name: str, objective: str, runtime: ClientRuntime,
                         special_ad_categories: list[str] | None = None,
                         daily_budget: int | None = None, lifetime_budget: int | None = None
                         ) -> dict[str, Any]:
    """Create a paused campaign with an OUTCOME_* objective; budgets are in minor currency units."""
    client = client_from(runtime)
    budget = {k: v for k, v in (("daily_budget", daily_budget),
                                ("lifetime_budget", lifetime_budget)) if v is not None}
    action = None if not budget else (
        lambda: MoneyAction.create("campaign", None, {"name": name, **budget},
                                   account_id=client._account()))
    return gated_write(runtime, client, action, lambda gate_pass: create_campaign(
        client, name, objective, special_ad_categories, daily_budget=daily_budget,
        lifetime_budget=lifetime_budget, gate_pass=gate_pass))


@tool("get_campaign")
def get_campaign_tool(campaign_id: str, runtime: ClientRuntime) -> dict[str, Any]:
    """Read a campaign's name, objective, status and budget."""
    c = get_campaign(client_from(runtime), campaign_id)
    return compact(c, tuple(CAMPAIGN_FIELDS.split(",")))


@tool("update_campaign_budget")
def update_campaign_budget_tool(campaign_id: str, runtime: ClientRuntime,
                                daily_budget: int | None = None,
                                lifetime_budget: int | None = None) -> dict[str, Any]:
    """Change a campaign's daily or lifetime budget (minor currency units)."""
    client = client_from(runtime)
    args = {k: v for k, v in (("daily_budget", daily_budget),
                              ("lifetime_budget", lifetime_budget)) if v is not None}
    return gated_write(
        runtime, client,
        lambda: MoneyAction.from_action("set_campaign_budget", {"campaign_id": campaign_id, **args}),
        lambda gate_pass: update_campaign_budget(client, campaign_id, daily_budget=daily_budget,
                                                 lifetime_budget=lifetime_budget,
                                                 gate_pass=gate_pass))


@tool("set_campaign_status")
def set_campaign_status_tool(campaign_id: str, status: str, runtime: ClientRuntime
                             ) -> dict[str, Any]:
    """Pause or activate a campaign (status ACTIVE or PAUSED)."""
    client = client_from(runtime)
    action = activation("campaign", campaign_id) if str(status).upper() == "ACTIVE" else None
    return gated_write(runtime, client, action, lambda gate_pass: set_campaign_status(
        client, campaign_id, status, gate_pass=gate_pass))
