"""Insights history: `ADPILOT_HOME/insights.db`, or PostgreSQL beside the checkpoints.

Stored through the one storage seam (`state/database.py`): a SQLite file by default; when the
checkpoints are in PostgreSQL (`ADPILOT_CHECKPOINT_URL`), the same tables in that database,
so every worker that resumes a thread reads the history its earlier cycles pulled.

Longer than 300 lines because its writer and its queries share one schema.

One row per (campaign, level, entity, day, breakdown). Rows hold *sums* only — impressions,
reach, clicks, link clicks, spend and conversion value in minor units, one de-duplicated
conversion count — plus the attribution setting Meta reported them under. Ratios (CTR, CPC,
CPM, CPA, ROAS, frequency, conversion rate) are derived from sums by `derive()`, never by
averaging per-row ratios.

Meta revises recent days (late conversions), so a re-pull *replaces* the window it covers
(`replace_window`) while older history survives.

Public API:
    InsightsStore(home)                     open / create the store (a home, a .db file or a URL)
    .replace_window(campaign_id, level, since, until, rows, dims=())
    .daily(campaign_id, level, since=None, until=None, dims=())  -> list[dict]
    .totals(campaign_id, level, since, until, dims=())           -> dict[entity_id, dict]
    .last_date(campaign_id)                                      -> str | None
    parse_row(raw, level, currency, conversion_event, dims)      Graph row -> store row
    derive(sums)                                                 sums -> sums + ratios
    conversions_of(actions, event)                               de-duplicated count
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from state.database import is_postgres_url, open_database, state_location

TABLE = "insights_daily"
WEEKS = "insights_weeks"
SUM_FIELDS = (
    "impressions",
    "reach",
    "clicks",
    "link_clicks",
    "spend_minor",
    "conversions",
    "conversion_value_minor",
    "recallers",
)

# Meta reports one purchase under several action types with the same count (pixel, the
# unified `purchase`, the cross-channel `omni_purchase`). Adding them would double or triple
# count, so each event has an ordered family and the first type present is the count.
CONVERSION_FAMILIES: dict[str, tuple[str, ...]] = {
    "PURCHASE": ("omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase"),
    # Website leads (the pixel's Lead event); instant-form leads are LEAD_FORM. `lead` and
    # `onsite_conversion.lead_grouped` report the same form leads: never add them together.
    "LEAD": ("offsite_conversion.fb_pixel_lead", "lead", "onsite_conversion.lead_grouped"),
    "LEAD_FORM": ("onsite_conversion.lead_grouped", "lead"),
    "CONVERSATIONS": ("onsite_conversion.messaging_conversation_started_7d",),
    "COMPLETE_REGISTRATION": (
        "omni_complete_registration",
        "complete_registration",
        "offsite_conversion.fb_pixel_complete_registration",
    ),
    "ADD_TO_CART": ("omni_add_to_cart", "add_to_cart", "offsite_conversion.fb_pixel_add_to_cart"),
    "INITIATED_CHECKOUT": (
        "omni_initiated_checkout",
        "initiate_checkout",
        "offsite_conversion.fb_pixel_initiate_checkout",
    ),
    "LINK_CLICK": ("link_click",),
}
# Goals whose result is an on-Meta action rather than a promoted pixel event (families above).
GOAL_RESULTS: dict[str, str] = {
    "LEAD_GENERATION": "LEAD_FORM", "QUALITY_LEAD": "LEAD_FORM", "CONVERSATIONS": "CONVERSATIONS",
}

_COLUMNS: dict[str, type] = {
    "campaign_id": str, "level": str, "entity_id": str, "date": str, "dims": str,
    "breakdown": str, "adset_id": str, "ad_id": str, "name": str, "impressions": int,
    "reach": int, "clicks": int, "link_clicks": int, "spend_minor": int, "conversions": float,
    "conversion_value_minor": int, "recallers": int, "currency": str, "conversion_event": str,
    "attribution_setting": str, "pulled_at": str,
}
_KEY = ("campaign_id", "level", "entity_id", "date", "dims", "breakdown")
# One whole-window row per ad (reach over a window is not a sum of days).
_WEEK_COLUMNS: dict[str, type] = {
    **{k: v for k, v in _COLUMNS.items() if k not in ("date", "dims", "breakdown", "level")},
    "since": str, "until": str,
}
_WEEK_KEY = ("campaign_id", "entity_id", "since", "until")

_ZERO_DECIMAL = {"JPY", "KRW", "CLP", "VND", "ISK", "HUF", "TWD", "PYG", "COP", "IDR", "CRC"}


def currency_factor(currency: str) -> int:
    """Minor units per major unit for `currency` (Meta's offsets; 100 for most)."""
    try:
        from state.rules import CURRENCY_OFFSETS  # the state engineer's table, when present

        return int(CURRENCY_OFFSETS.get(currency.upper(), 100))
    except (ImportError, AttributeError):
        return 1 if currency.upper() in _ZERO_DECIMAL else 100


def _num(value: Any) -> float:
    """Meta sends every metric as a string; missing means zero."""
    if value in (None, ""):
        return 0.0
    return float(value)


def conversions_of(actions: Sequence[dict[str, Any]] | None, event: str = "PURCHASE") -> float:
    """Return the conversion count for `event`, counting each conversion once."""
    if not actions:
        return 0.0
    by_type = {a.get("action_type"): a.get("value") for a in actions}
    for action_type in CONVERSION_FAMILIES.get(event.upper(), (event.lower(),)):
        if action_type in by_type:
            return _num(by_type[action_type])
    return 0.0


def breakdown_key(raw: dict[str, Any], dims: Sequence[str]) -> str:
    """Stable text key for a row's breakdown values, e.g. ``age=25-34|gender=female``."""
    return "|".join(f"{d}={raw.get(d, '')}" for d in sorted(dims))


def parse_row(
    raw: dict[str, Any],
    *,
    level: str,
    currency: str,
    conversion_event: str = "PURCHASE",
    dims: Sequence[str] = (),
) -> dict[str, Any]:
    """Turn one Graph insights row (strings, major units) into a store row (sums, minor)."""
    factor = currency_factor(currency)
    entity_id = str(raw.get(f"{level}_id") or raw.get("id") or "")
    if level == "adset":
        entity_id = str(raw.get("adset_id") or entity_id)
    if not entity_id:
        raise ValueError(f"insights row has no {level}_id: ask for it in `fields`")
    link_clicks = raw.get("inline_link_clicks")
    if link_clicks is None:
        link_clicks = conversions_of(raw.get("actions"), "LINK_CLICK")
    return {
        "level": level,
        "entity_id": entity_id,
        "campaign_id": str(raw.get("campaign_id", "")),
        "adset_id": str(raw.get("adset_id", "")),
        "ad_id": str(raw.get("ad_id", "")),
        "name": raw.get(f"{level}_name") or raw.get("adset_name") or "",
        "date": raw["date_start"],
        "dims": ",".join(sorted(dims)),
        "breakdown": breakdown_key(raw, dims),
        "impressions": int(_num(raw.get("impressions"))),
        "reach": int(_num(raw.get("reach"))),
        "clicks": int(_num(raw.get("clicks"))),
        "link_clicks": int(_num(link_clicks)),
        "spend_minor": round(_num(raw.get("spend")) * factor),
        "conversions": conversions_of(raw.get("actions"), conversion_event),
        "conversion_value_minor": round(
            conversions_of(raw.get("action_values"), conversion_event) * factor
        ),
        "recallers": int(_num(raw.get("estimated_ad_recallers"))),
        "currency": currency.upper(),
        "conversion_event": conversion_event.upper(),
        "attribution_setting": raw.get("attribution_setting") or "",
    }


def _week_before(until: Any) -> str:
    """Return the last day a window may end on to be the week before one ending on `until`."""
    return (date.fromisoformat(str(until)[:10]) - timedelta(days=7)).isoformat()


def _ratio(num: float, den: float, scale: float = 1.0) -> float | None:
    return (num / den) * scale if den else None


def derive(sums: dict[str, Any]) -> dict[str, Any]:
    """Return `sums` plus ratios computed from the sums (None where undefined).

    `frequency` is impressions / reach. Reach is not additive across days, so for a
    multi-day window built from daily rows it is a lower bound of Meta's figure.
    """
    out = dict(sums)
    imp, clk = sums.get("impressions", 0), sums.get("clicks", 0)
    link = sums.get("link_clicks", 0)
    spend, conv = sums.get("spend_minor", 0), sums.get("conversions", 0)
    out.update(
        ctr=_ratio(clk, imp, 100.0),
        link_ctr=_ratio(link, imp, 100.0),
        cpc_minor=_ratio(spend, clk),
        cpm_minor=_ratio(spend, imp, 1000.0),
        cpa_minor=_ratio(spend, conv),
        roas=_ratio(sums.get("conversion_value_minor", 0), spend),
        frequency=_ratio(imp, sums.get("reach", 0)),
        conversion_rate=_ratio(conv, link or clk),
    )
    return out


def add_sums(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Sum the additive fields of `rows` (and count the days covered)."""
    total: dict[str, Any] = {f: 0 for f in SUM_FIELDS}
    days: set[str] = set()
    for row in rows:
        for f in SUM_FIELDS:
            total[f] += row.get(f) or 0
        days.add(row["date"])
    total["days"] = len(days)
    return total


class InsightsStore:
    """History of daily insights rows for the campaigns adpilot watches."""

    def __init__(self, home: str | os.PathLike[str]) -> None:
        """Open the store of `home` (ADPILOT_HOME), or a `.db` file, or a PostgreSQL URL."""
        if is_postgres_url(home):
            location = str(home)
        elif Path(home).suffix == ".db":
            location = str(home)
        else:
            Path(home).mkdir(parents=True, exist_ok=True)
            location = state_location(home, "insights")
        self.db = open_database(location, what="the insights store")
        self.path = self.db.path
        self.db.ensure_table(TABLE, _COLUMNS, pk=_KEY,
                             indexes=(("campaign_id", "level", "dims", "date"),))
        self.db.ensure_table(WEEKS, _WEEK_COLUMNS, pk=_WEEK_KEY)
        self._week_columns = set(self.db.columns(WEEKS))

    def close(self) -> None:
        """Close the store's connection (or its share of the URL's pool)."""
        self.db.close()

    def replace_window(
        self,
        campaign_id: str,
        level: str,
        since: str,
        until: str,
        rows: Iterable[dict[str, Any]],
        dims: Sequence[str] = (),
    ) -> int:
        """Replace every stored row of this campaign/level/breakdown in [since, until].

        Rows for days outside the window are refused: a re-pull must say what it covers.
        Returns the number of rows written.
        """
        dims_key = ",".join(sorted(dims))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        batch = []
        for row in rows:
            if not since <= row["date"] <= until:
                raise ValueError(
                    f"row date {row['date']} outside the pulled window {since}..{until}"
                )
            batch.append(
                {
                    **row,
                    "campaign_id": campaign_id,
                    "level": level,
                    "dims": dims_key,
                    "pulled_at": now,
                }
            )
        with self.db.transaction(lock=f"{TABLE} {campaign_id}"):
            self.db.execute(
                f"delete from {TABLE} where campaign_id = ? and level = ? and dims = ? "
                "and date between ? and ?",
                [campaign_id, level, dims_key, since, until],
            )
            self.db.upsert(TABLE, batch, pk=_KEY)
        return len(batch)

    def daily(
        self,
        campaign_id: str,
        level: str,
        since: str | None = None,
        until: str | None = None,
        dims: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        """Return stored rows for a campaign and level, oldest first."""
        sql = f"select * from {TABLE} where campaign_id = ? and level = ? and dims = ?"
        args: list[Any] = [campaign_id, level, ",".join(sorted(dims))]
        if since:
            sql += " and date >= ?"
            args.append(since)
        if until:
            sql += " and date <= ?"
            args.append(until)
        return self.db.query(sql + " order by date, entity_id, breakdown", args)

    def totals(
        self,
        campaign_id: str,
        level: str,
        since: str | None = None,
        until: str | None = None,
        dims: Sequence[str] = (),
    ) -> dict[str, dict[str, Any]]:
        """Per-entity sums over the window with derived ratios (see `derive`)."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in self.daily(campaign_id, level, since, until, dims):
            groups.setdefault(row["entity_id"], []).append(row)
        out = {}
        for entity_id, rows in groups.items():
            summed = derive(add_sums(rows))
            summed["name"] = rows[-1]["name"]
            summed["attribution_setting"] = rows[-1]["attribution_setting"]
            out[entity_id] = summed
        return out

    def replace_weeks(
        self, campaign_id: str, since: str, until: str, rows: Iterable[dict[str, Any]]
    ) -> None:
        """Store one whole-window row per ad (reach over a window is not a sum of days)."""
        keep = self._week_columns
        batch = [
            {
                k: v
                for k, v in {
                    **r,
                    "campaign_id": campaign_id,
                    "since": since,
                    "until": until,
                }.items()
                if k in keep
            }
            for r in rows
        ]
        with self.db.transaction(lock=f"{WEEKS} {campaign_id}"):
            self.db.execute(
                f"delete from {WEEKS} where campaign_id = ? and since = ? and until = ?",
                [campaign_id, since, until],
            )
            self.db.upsert(WEEKS, batch, pk=_WEEK_KEY)

    def weeks(self, campaign_id: str, until: str) -> dict[str, list[dict[str, Any]]]:
        """Per ad, its last stored 7-day window ending by `until` and the week before it.

        Older first. The collector stores the window ending yesterday and the one a week
        earlier on every pull, so a daily loop leaves a window ending on each day; the older
        of the pair is the latest that ends a whole week before the newer one, never one
        that shares its days (two windows a day apart share six, and hide any change).
        """
        rows = self.db.query(
            f"select * from {WEEKS} where campaign_id = ? and until <= ? order by until desc",
            [campaign_id, until],
        )
        out: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            ends = out.setdefault(row["entity_id"], [])
            if not ends:
                ends.append(row)
            elif len(ends) == 1 and str(row["until"])[:10] <= _week_before(ends[0]["until"]):
                ends.insert(0, row)
        return out

    def last_date(self, campaign_id: str) -> str | None:
        """Return the latest day stored for a campaign, or None."""
        rows = self.db.query(
            f"select max(date) as d from {TABLE} where campaign_id = ?", [campaign_id]
        )
        return rows[0]["d"] if rows else None
