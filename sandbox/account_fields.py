"""The ad account's profile fields: its business, age, payment method, capabilities, tax state.

`profile(ctx, doc)` returns computed `fields=` values for `GET /act_<id>` and every list of ad
accounts, derived from the scenario (the account's `created_time` and `is_prepay_account`, the
scenario's `business`) and the simulated clock, so they agree with one another and with
`GET /<business id>`:

| field | value |
| --- | --- |
| `business` | `{id, name}` of the scenario's business (it owns every account) |
| `owner`, `business_name`, `business_country_code` | its id, name and address country |
| `created_time`, `age` | the creation time and the days from it to the simulated now (float) |
| `funding_source`, `funding_source_details` | a card `{id, display_string: "Visa *1234", type: 1}` fixed by the account id; prepaid accounts show `"Available balance"`, type 20 |
| `is_prepay_account`, `is_personal` | the scenario's flag; 0 (business accounts) |
| `capabilities` | what the sandbox lets every account do |
| `tax_id_status` | 1 (no VAT needed) for US/CA businesses, 3 (VAT submitted) in the EU/EEA/UK/CH, else 0 |
| `timezone_offset_hours_utc` | the account time zone's offset now (DST-aware) |
| `user_tasks`, `offsite_pixels_tos_accepted` | an admin's tasks; true |
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.clock import fmt_time
from sandbox.context import RequestContext
from sandbox.scenario import get_scenario
from sandbox.scenario_nodes import created_at, stable

# Ad account capabilities Meta lists (as seen in Graph responses; [3P]) that hold in the sandbox.
CAPABILITIES = [
    "CAN_CREATE_LOOKALIKES_WITH_CUSTOM_RATIO",
    "CAN_USE_CONVERSION_LOOKALIKES",
    "HAS_AD_SET_TARGETING",
    "HAS_AVAILABLE_PAYMENT_METHODS",
    "NEW_CAMPAIGN_STRUCTURE",
    "PRORATED_BUDGET",
]
ADMIN_TASKS = ["DRAFT", "ANALYZE", "ADVERTISE", "MANAGE"]
_CARDS = ("Visa", "MasterCard", "American Express")
_VAT = frozenset(
    "AT BE BG CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO "
    "SE SI SK".split()
)


def profile(ctx: RequestContext, doc: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """Return the computed profile fields of ad account `doc` (none without a scenario)."""
    act = str(doc["id"])
    try:
        sc = get_scenario(ctx.store).for_account(act)
    except RuntimeError:
        return {}
    biz, prepay = sc.business, sc.account.is_prepay_account
    tz = ZoneInfo(str(doc.get("timezone_name") or sc.timezone))

    @cache
    def created() -> datetime:
        return created_at(act, sc.account.created_time, sc.start_dt(), None)

    return {
        "business": lambda: {"id": biz.id, "name": biz.name},
        "owner": lambda: biz.id,
        "business_name": lambda: biz.name,
        "business_country_code": lambda: biz.country,
        "created_time": lambda: fmt_time(created(), tz),
        "age": lambda: round((ctx.now() - created()).total_seconds() / 86_400, 12),
        "funding_source": lambda: funding(act, prepay)["id"],
        "funding_source_details": lambda: funding(act, prepay),
        "is_prepay_account": lambda: prepay,
        "is_personal": lambda: 0,
        "capabilities": lambda: list(CAPABILITIES),
        "tax_id_status": lambda: tax_id_status(str(biz.country)),
        "timezone_offset_hours_utc": lambda: utc_offset_hours(ctx.now(), tz),
        "user_tasks": lambda: list(ADMIN_TASKS),
        "offsite_pixels_tos_accepted": lambda: True,
    }


def funding(act: str, prepay: bool) -> dict[str, Any]:
    """Return the account's payment method as Meta's `funding_source_details` shows it."""
    fid = str(10**15 + stable("funding", act) % (9 * 10**15))
    if prepay:
        return {"id": fid, "display_string": "Available balance", "type": 20}
    n = stable("card", act)
    return {"id": fid, "display_string": f"{_CARDS[n % 3]} *{n // 3 % 10_000:04d}", "type": 1}


def tax_id_status(country: str) -> int:
    """Meta's VAT status code for a business address country."""
    if country in ("US", "CA"):
        return 1
    return 3 if country in _VAT else 0


def utc_offset_hours(now: datetime, tz: ZoneInfo) -> float | int:
    """Return the zone's UTC offset at `now` in hours (an int when whole, as Meta writes it)."""
    offset = now.astimezone(tz).utcoffset()
    hours = (offset.total_seconds() if offset else 0.0) / 3600
    return int(hours) if hours.is_integer() else hours
