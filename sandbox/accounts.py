"""The user, ad accounts and pixels (created by the scenario; read-only here).

An ad account's profile fields (business, age, payment method, ...) are
`sandbox.account_fields`; pages are `sandbox.pages`.
"""

from __future__ import annotations

from typing import Any

from sandbox import account_fields, pages, recommendations
from sandbox.context import RequestContext
from sandbox.enums import minimum_budgets as min_budget_row
from sandbox.errors import not_found
from sandbox.fields import select
from sandbox.paging import paginate
from sandbox.scenario_nodes import SANDBOX_USER
from sandbox.status import incident_of


def read_me(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /me`: the token's user."""
    return select(SANDBOX_USER, "user", params, fields=None)


def list_adaccounts(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /me/adaccounts`."""
    docs = ctx.store.list_objects("adaccount")
    return paginate(ctx, [account_view(ctx, d, params) for d in docs], params)


def list_pixels(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /act_<id>/adspixels`."""
    docs = ctx.store.list_objects("adspixel", account_id=ctx.account_id)
    return paginate(ctx, [select(d, "adspixel", params) for d in docs], params)


def read_account(ctx: RequestContext, act: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /act_<id>`."""
    doc = ctx.store.get_object(act, "adaccount")
    if doc is None:
        raise not_found(act)
    return account_view(ctx, doc, params)


def account_view(
    ctx: RequestContext, doc: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Ad account `doc` restricted to `params`' fields, as `GET /act_<id>` renders it."""
    currency = str(doc.get("currency", "USD"))
    mins = min_budget_row(currency)
    disabled = (incident_of(doc, ctx.now()) or {}).get("status") == "DISABLED"
    computed = {
        **account_fields.profile(ctx, doc),
        "min_daily_budget": lambda: doc.get("min_daily_budget", mins["min_daily_budget_imp"]),
        "amount_spent": lambda: str(doc.get("amount_spent", "0")),
        "spend_cap": lambda: str(doc.get("spend_cap", "0")),
        "balance": lambda: str(doc.get("balance", "0")),
        "timezone_name": lambda: doc.get("timezone_name", "America/Los_Angeles"),
        # a scenario's `account_disabled` incident (sandbox/incidents.py) holds now
        "account_status": lambda: 2 if disabled else doc.get("account_status", 1),
        "disable_reason": lambda: 1 if disabled else doc.get("disable_reason", 0),
        "opportunity_score": lambda: recommendations.opportunity_score(ctx),
    }
    return select(doc, "adaccount", params, computed)


def minimum_budgets(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /act_<id>/minimum_budgets`: rows per currency, the account's first."""
    acct = ctx.account() or {}
    own = str(acct.get("currency", "USD"))
    from sandbox.enums import CURRENCIES

    rows = [min_budget_row(own)] + [min_budget_row(c) for c in sorted(CURRENCIES) if c != own]
    return paginate(ctx, rows, params)


def read_simple(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{id}` for pages, pixels, businesses and other read-only nodes."""
    doc = ctx.store.get_object(oid)
    if doc is None:
        raise not_found(oid)
    if doc["_type"] == "page":
        return pages.read_page(ctx, oid, params)
    return select(doc, str(doc["_type"]), params)
