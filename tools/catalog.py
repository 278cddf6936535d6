"""What exists in the ad accounts: accounts → campaigns → ad sets → ads, read from Meta.

- `list_accounts(client)`: the ad accounts the token reaches (`GET /me/adaccounts`), each
  `{id, name, currency, timezone_name, account_status}`;
- `read_catalog(client, account_ids)`: each account with its campaigns, their ad sets and
  their ads, in the shape of `evals/datasets/request_world.json`'s `accounts` (the shape the
  router resolves names against, `state.intent.Catalog*`).

The read is one `GET /?ids=` for the accounts' settings plus, per account, one paged list
per edge (`/act_<id>/campaigns`, `/adsets`, `/ads`, 500 a page): 1 + 3 × accounts Graph
calls while each edge fits one page. Meta's nested edge expansion
(`campaigns{adsets{ads}}`) would save two calls per account, but it caps each nested edge at
its own page size without a cursor to follow, and the sandbox refuses edges inside `fields`.
Deleted and archived objects are not listed (Meta's default), and an ad whose ad set is not
listed is left out.

Money is int minor units of the account's currency (null at the level that has no budget);
`start_time` / `stop_time` are account-local ISO dates; `budget_level` is `"campaign"` when
the campaign has a daily or lifetime budget (Advantage campaign budget), else `"adset"`.
Besides the world's keys every object carries `effective_status`, ad sets also
`promoted_object` and `targeting_spec` (Meta's targeting; `targeting` is its summary in
words), ads `format` (`image`, `video`, `carousel`, or null when the creative says neither).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from state.context import act_id
from state.exposure import as_int, parse_time

if TYPE_CHECKING:
    from tools.graph_client import GraphClient

ACCOUNT_FIELDS = ("id", "name", "currency", "timezone_name", "account_status")
CAMPAIGN_FIELDS = ("id,name,status,effective_status,objective,daily_budget,lifetime_budget,"
                   "start_time,stop_time")
ADSET_FIELDS = ("id,name,status,effective_status,campaign_id,daily_budget,lifetime_budget,"
                "optimization_goal,promoted_object,targeting,start_time,end_time")
AD_FIELDS = ("id,name,status,effective_status,campaign_id,adset_id,"
             "creative{object_type,object_story_spec,asset_feed_spec}")
PAGE = 500
GENDERS = {1: "men", 2: "women"}


def list_accounts(client: GraphClient) -> list[dict[str, Any]]:
    """Return the ad accounts the token reaches: id, name, currency, time zone, status."""
    rows = client.get_all("me/adaccounts", {"fields": ",".join(ACCOUNT_FIELDS)}, limit=PAGE)
    return [{k: row.get(k) for k in ACCOUNT_FIELDS} for row in rows]


def read_catalog(client: GraphClient, account_ids: list[str]) -> list[dict[str, Any]]:
    """Read each account's settings and its campaigns → ad sets → ads (module docstring)."""
    ids = [act_id(str(a)) for a in account_ids if a]
    if not ids:
        return []
    settings = client.get("", {"ids": ",".join(ids), "fields": ",".join(ACCOUNT_FIELDS[1:])})
    return [_account(client, act, settings.get(act) or {}) for act in ids]


def _account(client: GraphClient, act: str, raw: dict[str, Any]) -> dict[str, Any]:
    tz_name = str(raw.get("timezone_name") or "UTC")
    tz = ZoneInfo(tz_name)
    campaigns = client.get_all(f"{act}/campaigns", {"fields": CAMPAIGN_FIELDS}, limit=PAGE)
    adsets = client.get_all(f"{act}/adsets", {"fields": ADSET_FIELDS}, limit=PAGE)
    ads = client.get_all(f"{act}/ads", {"fields": AD_FIELDS}, limit=PAGE)
    ads_of: dict[str, list[dict[str, Any]]] = {}
    for ad in _oldest_first(ads):
        ads_of.setdefault(str(ad.get("adset_id") or ""), []).append(_ad(ad))
    sets_of: dict[str, list[dict[str, Any]]] = {}
    for s in _oldest_first(adsets):
        entry = _adset(s, ads_of.get(str(s["id"]), []))
        sets_of.setdefault(str(s.get("campaign_id") or ""), []).append(entry)
    return {
        "id": act,
        "name": raw.get("name"),
        "currency": str(raw.get("currency") or "USD").upper(),
        "timezone_name": tz_name,
        "account_status": raw.get("account_status"),
        "campaigns": [_campaign(c, sets_of.get(str(c["id"]), []), tz)
                      for c in _oldest_first(campaigns)],
    }


def _oldest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Meta lists newest first; the catalog reads in creation order (ids grow with time)."""
    return sorted(items, key=lambda o: (len(str(o.get("id"))), str(o.get("id"))))


def _minor(value: Any) -> int | None:
    return as_int(value) or None


def _day(value: Any, tz: ZoneInfo) -> str | None:
    parsed = parse_time(value)
    return parsed.astimezone(tz).date().isoformat() if parsed else None


def _campaign(raw: dict[str, Any], adsets: list[dict[str, Any]], tz: ZoneInfo) -> dict[str, Any]:
    daily, lifetime = _minor(raw.get("daily_budget")), _minor(raw.get("lifetime_budget"))
    return {
        "id": str(raw["id"]),
        "name": raw.get("name"),
        "status": raw.get("status"),
        "effective_status": raw.get("effective_status"),
        "objective": raw.get("objective"),
        "budget_level": "campaign" if daily or lifetime else "adset",
        "daily_budget": daily,
        "lifetime_budget": lifetime,
        "start_time": _day(raw.get("start_time"), tz),
        "stop_time": _day(raw.get("stop_time"), tz),
        "adsets": adsets,
    }


def _adset(raw: dict[str, Any], ads: list[dict[str, Any]]) -> dict[str, Any]:
    targeting = raw.get("targeting") or {}
    return {
        "id": str(raw["id"]),
        "name": raw.get("name"),
        "status": raw.get("status"),
        "effective_status": raw.get("effective_status"),
        "daily_budget": _minor(raw.get("daily_budget")),
        "lifetime_budget": _minor(raw.get("lifetime_budget")),
        "optimization_goal": raw.get("optimization_goal"),
        "promoted_object": raw.get("promoted_object") or None,
        "targeting": targeting_words(targeting) if targeting else None,
        "targeting_spec": targeting or None,
        "ads": ads,
    }


def _ad(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(raw["id"]),
        "name": raw.get("name"),
        "status": raw.get("status"),
        "effective_status": raw.get("effective_status"),
        "format": creative_format(raw.get("creative") or {}),
    }


def creative_format(creative: dict[str, Any]) -> str | None:
    """Return `video`, `carousel` or `image` for a creative's story spec (None if unknown)."""
    spec = creative.get("object_story_spec") or {}
    link = spec.get("link_data") or {}
    if spec.get("video_data") or str(creative.get("object_type") or "") == "VIDEO":
        return "video"
    if link.get("child_attachments"):
        return "carousel"
    if link.get("image_hash") or link.get("picture") or spec.get("photo_data"):
        return "image"
    feed = creative.get("asset_feed_spec") or {}
    if feed.get("videos"):
        return "video"
    return "image" if feed.get("images") else None


def targeting_words(spec: dict[str, Any]) -> str:
    """Summarise Meta's targeting in words: `US, women 25-34, interests: Running`."""
    geo = spec.get("geo_locations") or {}
    places = [str(c) for c in geo.get("countries") or []]
    places += [str(r.get("name") or r.get("key")) for r in geo.get("regions") or []]
    places += [str(c.get("name") or c.get("key")) for c in geo.get("cities") or []]
    age_min, age_max = spec.get("age_min"), spec.get("age_max")
    ages = f"{age_min or 18}-{age_max}" if age_max and int(age_max) < 65 else f"{age_min or 18}-65+"
    genders = [GENDERS.get(int(g), str(g)) for g in spec.get("genders") or []]
    who = f"{genders[0]} {ages}" if len(genders) == 1 else ages
    parts = [", ".join(places)] if places else []
    parts.append(who)
    interests = [str(i.get("name") or i.get("id")) for i in spec.get("interests") or []]
    for group in spec.get("flexible_spec") or []:
        interests += [str(i.get("name") or i.get("id")) for i in group.get("interests") or []]
    if interests:
        parts.append("interests: " + ", ".join(interests))
    audiences = [str(a.get("name") or a.get("id")) for a in spec.get("custom_audiences") or []]
    if audiences:
        parts.append("audiences: " + ", ".join(audiences))
    return ", ".join(parts)
