"""Dynamic creative in the report: which headline, text, image, description and button won.

A dynamic creative (`asset_feed_spec` on an `is_dynamic_creative` ad set) is one ad whose
assets Meta mixes per impression. Meta reports it with one *asset breakdown* per query
(`title_asset`, `body_asset`, `image_asset`, `video_asset`, `description_asset`,
`call_to_action_asset`; each row names its asset, e.g. `title_asset: {"text", "id"}`,
`image_asset: {"hash", "url", "id"}`), so `fetch_assets` asks once per breakdown per dynamic
ad over the report's dates, and `rank_assets` totals each asset's spend and results — the
ad set's own result (`results.adset_event`: leads, conversations, purchases) — and orders
them best first (a kind with a single asset has nothing to compare and is left out): the lowest cost per result first, then those with no result yet (least spent
first). A VALUE ad set's assets rank by purchase value per unit spent.

The per-asset numbers are not a controlled test: Meta chose which combination each person
saw and shifts delivery toward the mixes it predicts do best, so an asset shown more had
more chances and was judged alongside the others it ran with. Every rendering says so
(`CAUTION`).

    assets_for_report(client, plan, created, since, until, currency)
        -> {"ads": [...], "caution", "problems"}  (a read that failed is a problem, shown)
    dynamic_ads(plan, created)               -> {ad_id: {"name", "adset_id", "event", "value"}}
    fetch_assets(client, ads, since, until)  -> raw rows, each tagged with its breakdown
    image_names(client, rows, problems)      -> {hash: file name} (images are named, not hashed)
    rank_assets(rows, ads, currency, names)  -> {"ads": [...], "caution"}
    asset_lines(report, currency) / asset_rows(report)   markdown lines / flat CSV rows
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents.insights.question import result_words
from agents.insights.results import ad_ids as launched_ads
from agents.insights.results import ad_set_ids, adset_event
from state.insights_store import conversions_of, currency_factor
from state.rules import format_money
from tools.errors import MetaError

# Meta's asset breakdowns and what a marketer calls each asset.
ASSET_BREAKDOWNS = {
    "title_asset": "headline",
    "body_asset": "primary text",
    "image_asset": "image",
    "video_asset": "video",
    "description_asset": "description",
    "call_to_action_asset": "call to action",
}
FIELDS = "ad_id,ad_name,adset_id,impressions,clicks,spend,actions,action_values"
CAUTION = (
    "Meta chose which combination of assets each person saw, and moves delivery toward the "
    "mixes it predicts do best, so these per-asset numbers are not a controlled test: an asset "
    "shown more had more chances, and each was judged alongside the assets it ran with."
)


def assets_for_report(
    client: Any,
    plan: Mapping[str, Any] | None,
    created: Mapping[str, Any],
    since: str | None,
    until: str | None,
    currency: str,
) -> dict[str, Any]:
    """Rank the dynamic ads' assets for the report; a read that could not be made says why."""
    ads = dynamic_ads(plan, created)
    empty: dict[str, Any] = {"ads": [], "caution": None, "problems": []}
    if not ads or not since or not until:
        return empty
    if client is None:
        return {**empty, "problems": [
            "the dynamic creative's asset breakdowns were not read: the report was built "
            "without a connection to Meta"]}
    problems: list[str] = []
    rows = fetch_assets(client, ads, since, until, problems)
    names = image_names(client, rows, problems)
    return {**rank_assets(rows, ads, currency, names), "problems": problems}


def image_names(client: Any, rows: list[dict[str, Any]], problems: list[str]) -> dict[str, str]:
    """Return the file name of each image asset by hash (`/act_<id>/adimages`), for people."""
    hashes = sorted({str((r.get("image_asset") or {}).get("hash")) for r in rows
                     if (r.get("image_asset") or {}).get("hash")})
    account = getattr(client, "account_id", None)
    if not hashes or not account:
        return {}
    try:
        images = client.get_all(f"{account}/adimages", {"hashes": hashes, "fields": "hash,name"})
    except MetaError as exc:
        problems.append(f"the images' file names could not be read ({exc}): shown by hash")
        return {}
    return {str(i["hash"]): str(i["name"]) for i in images if i.get("hash") and i.get("name")}


def dynamic_ads(plan: Mapping[str, Any] | None, created: Mapping[str, Any]) -> dict[str, Any]:
    """Return the launched ads whose creative is dynamic, by Meta id, with their result."""
    plan = plan or {}
    set_ids, ad_ids = ad_set_ids(plan, created), launched_ads(plan, created)
    out: dict[str, Any] = {}
    for s, sid, ids in zip(plan.get("ad_sets") or [], set_ids, ad_ids, strict=True):
        for ad, aid in zip(s.get("ads") or [], ids, strict=True):
            dynamic = s.get("is_dynamic_creative") or (ad.get("creative") or {}).get(
                "format") == "dynamic"
            if dynamic and aid:
                out[aid] = {
                    "name": ad.get("name") or "", "adset_id": sid or "",
                    "event": adset_event(s, plan.get("objective")),
                    "value": s.get("optimization_goal") == "VALUE",
                }
    return out


def fetch_assets(
    client: Any, ads: Mapping[str, Any], since: str, until: str,
    problems: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Read each dynamic ad's insights once per asset breakdown (rows tagged `_breakdown`).

    A breakdown Meta refuses is skipped, and why is appended to `problems` (the others are
    still read); without `problems` the error is raised.
    """
    rows: list[dict[str, Any]] = []
    for ad_id in ads:
        for breakdown in ASSET_BREAKDOWNS:
            params = {"fields": FIELDS, "breakdowns": breakdown,
                      "time_range": {"since": since, "until": until}}
            try:
                got = client.get_all(f"{ad_id}/insights", params, limit=500)
            except MetaError as exc:
                if problems is None:
                    raise
                problems.append(f"the {ASSET_BREAKDOWNS[breakdown]}s of ad {ad_id} could not be "
                                f"read from Meta ({breakdown}): {exc}")
                continue
            rows += [{**raw, "_breakdown": breakdown, "ad_id": raw.get("ad_id") or ad_id}
                     for raw in got if raw.get(breakdown)]
    return rows


def asset_text(value: Any, names: Mapping[str, str] | None = None) -> str:
    """Name an asset as a person would recognise it: its text, else its image, video or id."""
    if not isinstance(value, Mapping):
        return str(value)
    if (names or {}).get(str(value.get("hash"))):
        return f"{(names or {})[str(value['hash'])]} ({str(value['hash'])[:8]})"
    for key in ("text", "name", "type", "url", "hash", "video_id", "id"):
        if value.get(key):
            return str(value[key])
    return "?"


def rank_assets(
    rows: list[dict[str, Any]], ads: Mapping[str, Any], currency: str,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Total each asset's spend and results per ad and kind, best first (see the module doc)."""
    factor = currency_factor(currency)
    table: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for raw in rows:
        ad_id, kind = str(raw.get("ad_id")), raw["_breakdown"]
        info = ads.get(ad_id) or {"event": "PURCHASE", "value": False}
        asset = raw.get(kind) or {}
        key = str(asset.get("id") or asset_text(asset)) if isinstance(asset, Mapping) else str(asset)
        cell = table.setdefault(ad_id, {}).setdefault(kind, {}).setdefault(key, {
            "asset": asset_text(asset, names), "asset_id": key, "impressions": 0, "clicks": 0,
            "spend_minor": 0, "results": 0.0, "value_minor": 0})
        cell["impressions"] += int(float(raw.get("impressions") or 0))
        cell["clicks"] += int(float(raw.get("clicks") or 0))
        cell["spend_minor"] += round(float(raw.get("spend") or 0) * factor)
        cell["results"] += conversions_of(raw.get("actions"), info["event"])
        cell["value_minor"] += round(conversions_of(raw.get("action_values"), "PURCHASE") * factor)
    out = []
    for ad_id, kinds in table.items():
        info = ads.get(ad_id) or {"name": ad_id, "event": "PURCHASE", "value": False}
        ranked = {}
        for kind in ASSET_BREAKDOWNS:
            cells = list((kinds.get(kind) or {}).values())
            if len(cells) < 2:
                continue  # one headline (or none) has nothing to win against
            for c in cells:
                c["results"] = round(c["results"], 2)
                c["cost_per_result_minor"] = (round(c["spend_minor"] / c["results"])
                                              if c["results"] else None)
                c["roas"] = round(c["value_minor"] / c["spend_minor"], 2) if c["spend_minor"] else None
            if cells:
                ranked[kind] = sorted(cells, key=lambda c: _rank_key(c, info["value"]))
        out.append({"ad_id": ad_id, "ad_name": info.get("name") or ad_id,
                    "result": "purchase value" if info["value"] else result_words(info["event"]),
                    "assets": ranked})
    return {"ads": out, "caution": CAUTION if out else None}


def _rank_key(cell: Mapping[str, Any], by_value: bool) -> tuple[int, float]:
    if by_value:
        return (0, -(cell["roas"] or 0.0))
    if cell["results"]:
        return (0, float(cell["cost_per_result_minor"]))
    return (1, float(cell["spend_minor"]))


def asset_lines(report: Mapping[str, Any], currency: str) -> list[str]:
    """Markdown: per dynamic ad, one table per asset kind, best first, under the caution."""
    problems = [f"- {p}." for p in report.get("problems") or []]
    if not report.get("ads"):
        return ["## Dynamic creative: which assets won", "", *problems, ""] if problems else []
    lines = ["## Dynamic creative: which assets won", "", f"> {CAUTION}", ""]
    lines += [*problems, ""] if problems else []
    for ad in report["ads"]:
        lines += [f"### {ad['ad_name']}", ""]
        for kind, cells in ad["assets"].items():
            lines += [f"**{ASSET_BREAKDOWNS[kind].capitalize()}s**, best first:", "",
                      f"| {ASSET_BREAKDOWNS[kind]} | spend | {ad['result']} | cost per result |",
                      "|---|---|---|---|"]
            for c in cells:
                results = (format_money(c["value_minor"], currency) + f" (ROAS {c['roas']:.2f}x)"
                           if ad["result"] == "purchase value" and c["roas"] is not None
                           else f"{c['results']:g}")
                cpr = (format_money(c["cost_per_result_minor"], currency)
                       if c["cost_per_result_minor"] is not None else "no result yet")
                text = str(c["asset"]).replace("|", "/").replace("\n", " ")[:80]
                lines.append(f"| {text} | {format_money(c['spend_minor'], currency)} | {results} "
                             f"| {cpr} |")
            lines.append("")
    return lines


def asset_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Flat rows for `assets.csv`: one per ad, asset kind and asset, with its rank."""
    return [
        {"ad_id": ad["ad_id"], "ad_name": ad["ad_name"], "kind": ASSET_BREAKDOWNS[kind],
         "breakdown": kind, "rank": i + 1, "result": ad["result"], **c}
        for ad in report.get("ads") or []
        for kind, cells in ad["assets"].items()
        for i, c in enumerate(cells)
    ]


__all__ = ["ASSET_BREAKDOWNS", "CAUTION", "asset_lines", "asset_rows", "asset_text",
           "assets_for_report", "dynamic_ads", "fetch_assets", "image_names",
           "rank_assets"]
