"""Meta's string formatting of aggregated insights groups, field by field.

Counts are integer strings, ratios six-decimal strings computed from sums (never averaged),
money in major units (no decimals for zero-decimal currencies such as JPY). Sales report one
purchase under `offsite_conversion.fb_pixel_purchase`, `purchase` and `omni_purchase` with the
same count, as Meta does (clients must de-duplicate); leads under `lead` and
`offsite_conversion.fb_pixel_lead`. Hourly breakdowns carry no unique metrics. With a "Type 1"
breakdown (`region`, `dma`, the hourly ones) Meta returns no off-Meta action metrics: pixel
results, their values and ROAS, and landing page views are left out, on-Meta actions (link
clicks, engagement, instant-form leads, conversations) stay.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.dynamic_creative import ASSET_BREAKDOWNS
from sandbox.insights_fields import COUNTS, HOURLY, LISTS, RANKINGS, RATIOS, TYPE1_BREAKDOWNS
from sandbox.insights_query import Query
from sandbox.scenario import Scenario
from sandbox.tree import Tree

ZERO_DECIMAL = {"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"}
EVENT_TYPES = {
    "purchase": ["offsite_conversion.fb_pixel_purchase", "purchase", "omni_purchase"],
    "lead": ["lead", "offsite_conversion.fb_pixel_lead"],
    # Instant-form leads: `lead` and `onsite_conversion.lead_grouped` count the same leads
    # (docs/facts-bidding-placements-destinations.md §3.1): never add them up.
    "lead_form": ["lead", "onsite_conversion.lead_grouped"],
    "conversation": ["onsite_conversion.messaging_conversation_started_7d"],
}
# Results counted on Meta (instant forms, conversations); pixel events happen off Meta.
ON_META_EVENTS = {"lead_form", "conversation"}
MESSAGING = {
    "MESSENGER", "WHATSAPP", "INSTAGRAM_DIRECT", "MESSAGING_MESSENGER_WHATSAPP",
    "MESSAGING_INSTAGRAM_DIRECT_MESSENGER", "MESSAGING_INSTAGRAM_DIRECT_WHATSAPP",
    "MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP",
}


def result_kind(adset: dict[str, Any], sc: Scenario) -> str:
    """Return which `EVENT_TYPES` entry an ad set's conversions are reported under.

    Lead-form ad sets (LEAD_GENERATION / QUALITY_LEAD off the website, e.g. ON_AD) report
    instant-form leads; CONVERSATIONS or a messaging destination report conversations
    started; everything else the scenario's pixel event. Only pixel purchases carry value.
    """
    goal, dest = adset.get("optimization_goal"), adset.get("destination_type")
    if goal in ("LEAD_GENERATION", "QUALITY_LEAD") and dest != "WEBSITE":
        return "lead_form"
    if goal == "CONVERSATIONS" or (dest in MESSAGING and goal not in ("LINK_CLICKS",)):
        return "conversation"
    return sc.conversion_event or ""


class Formatter:
    """Meta's string formatting of one aggregated group, field by field."""

    def __init__(self, sc: Scenario, q: Query, tree: Tree, account: dict[str, Any]) -> None:
        self.sc, self.q, self.tree, self.account = sc, q, tree, account
        self.offset = 1 if sc.currency in ZERO_DECIMAL else 100
        self.hourly = any(b in HOURLY for b in q.breakdowns)
        self.on_meta_only = any(b in TYPE1_BREAKDOWNS for b in q.breakdowns)

    def money(self, minor: float) -> str:
        """Minor units as Meta's major-unit string."""
        return str(int(round(minor))) if self.offset == 1 else f"{minor / self.offset:.2f}"

    @staticmethod
    def ratio(x: float) -> str:
        """Return a derived metric, six decimals like Meta."""
        return f"{x:.6f}"

    def metric(self, name: str, g: dict[str, Any]) -> float | None:
        """Numeric value of a count or ratio (None when undefined, e.g. cpc with no clicks)."""
        spend = g["spend"] / self.offset
        base = {
            "impressions": g["impressions"],
            "reach": g["reach"],
            "clicks": g["clicks"],
            "unique_clicks": min(g["unique_clicks"], g["clicks"]),
            "inline_link_clicks": g["link_clicks"],
            "unique_inline_link_clicks": min(g["link_clicks"], g["unique_clicks"]),
            "inline_post_engagement": g["clicks"],
            "estimated_ad_recallers": g["recallers"],
            "spend": spend,
            "social_spend": 0,
        }
        if name in base:
            return float(base[name])
        num, den, scale = {
            "frequency": (g["impressions"], g["reach"], 1),
            "ctr": (g["clicks"], g["impressions"], 100),
            "cpc": (spend, g["clicks"], 1),
            "cpm": (spend, g["impressions"], 1000),
            "cpp": (spend, g["reach"], 1000),
            "inline_link_click_ctr": (g["link_clicks"], g["impressions"], 100),
            "unique_ctr": (base["unique_clicks"], g["reach"], 100),
            "unique_link_clicks_ctr": (base["unique_inline_link_clicks"], g["reach"], 100),
            "cost_per_inline_link_click": (spend, g["link_clicks"], 1),
            "cost_per_unique_click": (spend, base["unique_clicks"], 1),
            "cost_per_unique_inline_link_click": (spend, base["unique_inline_link_clicks"], 1),
            "estimated_ad_recall_rate": (g["recallers"], g["reach"], 100),
            "cost_per_estimated_ad_recallers": (spend, g["recallers"], 1),
        }.get(name, (0, 0, 1))
        return num / den * scale if den else None

    def _stats(
        self, pairs: list[tuple[str, float]], money: bool = False, ratio: bool = False
    ) -> list[dict[str, str]]:
        allowed = self.q.action_types
        out = []
        for t, v in pairs:
            if v <= 0 or (allowed is not None and t not in allowed):
                continue
            val = self.ratio(v) if ratio else self.money(v) if money else str(int(v))
            item = {"action_type": t, "value": val}
            # 7d_view / 28d_view stopped being returned on 2026-01-12 (docs/meta-api-facts.md §7.6).
            for w in (w for w in self.q.windows if w not in ("7d_view", "28d_view")):
                item[w] = (
                    val if (ratio or money or w in ("default", "dda")) else self._window(int(v), w)
                )
            out.append(item)
        return out

    @staticmethod
    def _window(n: int, w: str) -> str:
        view = int(n * 0.12)
        click = n - view
        return str(
            {
                "1d_click": int(click * 0.75),
                "7d_click": click,
                "28d_click": click,
                "1d_view": view,
                "1d_ev": 0,
            }.get(w, 0)
        )

    def lists(self, name: str, g: dict[str, Any]) -> list[dict[str, str]] | None:
        """actions, action_values, cost_per_action_type, conversions, purchase_roas, ..."""
        # Type 1 breakdowns (region, dma, hourly) return on-Meta actions only.
        clicked = [("link_click", g["link_clicks"])]
        if not self.on_meta_only:
            clicked.append(("landing_page_view", g["landing_page_views"]))
        events = g.get("_events") or {self.sc.conversion_event or "": [g["conversions"], g["value"]]}
        if self.on_meta_only:
            events = {k: v for k, v in events.items() if k in ON_META_EVENTS}
        merged: dict[str, list[float]] = {}
        for kind, (n, v) in events.items():
            for t in EVENT_TYPES.get(kind, []):
                acc = merged.setdefault(t, [0, 0])
                acc[0] += n
                acc[1] += v if kind == "purchase" or kind == self.sc.conversion_event else 0
        results = [(t, n) for t, (n, _) in merged.items()]
        counts = [*clicked, ("page_engagement", g["clicks"]), ("post_engagement", g["clicks"])]
        counts += results
        values = [(t, v) for t, (_, v) in merged.items() if v]
        purchase_value = float((events.get("purchase") or [0, 0])[1])
        spend = float(g["spend"])
        result = {
            "actions": lambda: self._stats(counts),
            "unique_actions": lambda: self._stats(clicked),
            "conversions": lambda: self._stats(results),
            "action_values": lambda: self._stats(values, money=True),
            "conversion_values": lambda: self._stats(values, money=True),
            "cost_per_action_type": lambda: self._stats(
                [(t, spend / c) for t, c in counts if c], money=True
            ),
            "cost_per_unique_action_type": lambda: self._stats(
                [(t, spend / c) for t, c in clicked if c], money=True
            ),
            "cost_per_conversion": lambda: self._stats(
                [(t, spend / c) for t, c in results if c], money=True
            ),
            "purchase_roas": lambda: self._stats(
                [("omni_purchase", purchase_value / spend)] if spend and purchase_value else [],
                ratio=True,
            ),
            "website_purchase_roas": lambda: self._stats(
                [("offsite_conversion.fb_pixel_purchase", purchase_value / spend)]
                if spend and purchase_value
                else [],
                ratio=True,
            ),
            "outbound_clicks": lambda: self._stats([("outbound_click", g["link_clicks"])]),
            "cost_per_outbound_click": lambda: self._stats(
                [("outbound_click", spend / g["link_clicks"])] if g["link_clicks"] else [],
                money=True,
            ),
        }[name]()
        return result or None

    def identity(self, name: str, g: dict[str, Any]) -> str | None:
        """account/campaign/ad set/ad ids and names, objective, goal, attribution."""
        ids = g["_ids"]
        level = self.q.level
        depth = ["account", "campaign", "adset", "ad"].index(level)
        camp = self.tree.campaigns.get(ids["campaign_id"], {})
        adset = self.tree.adset(ids["adset_id"]) or {}
        ad = next(
            (
                a
                for a in self.tree.ads_by_adset.get(ids["adset_id"], [])
                if str(a["id"]) == ids["ad_id"]
            ),
            {},
        )
        own = [self.account, camp, adset, ad][depth]
        table = {
            "account_id": self.sc.account.id.removeprefix("act_"),
            "account_name": self.account.get("name"),
            "account_currency": self.sc.currency,
            "buying_type": "AUCTION",
            "campaign_id": ids["campaign_id"] if depth >= 1 else None,
            "campaign_name": camp.get("name") if depth >= 1 else None,
            "adset_id": ids["adset_id"] if depth >= 2 else None,
            "adset_name": adset.get("name") if depth >= 2 else None,
            "ad_id": ids["ad_id"] if depth >= 3 else None,
            "ad_name": ad.get("name") if depth >= 3 else None,
            "objective": camp.get("objective") if depth >= 1 else self.sc.objective,
            "optimization_goal": adset.get("optimization_goal") if depth >= 2 else None,
            "attribution_setting": "7d_click_1d_view",
            "created_time": str(own.get("created_time", ""))[:10] or None,
            "updated_time": str(own.get("updated_time") or own.get("created_time", ""))[:10]
            or None,
        }
        value = table.get(name)
        return None if value is None else str(value)

    def row(self, g: dict[str, Any]) -> dict[str, Any]:
        """Return the output row with the requested fields (always date_start/date_stop)."""
        out: dict[str, Any] = {}
        skip = (
            {
                "reach",
                "frequency",
                "cpp",
                "unique_clicks",
                "unique_ctr",
                "unique_inline_link_clicks",
                "unique_link_clicks_ctr",
                "cost_per_unique_click",
                "unique_actions",
            }
            if self.hourly
            else set()
        )
        for f in self.q.fields:
            if f in skip or f in ("date_start", "date_stop"):
                continue
            if f in COUNTS:
                v = self.metric(f, g)
                out[f] = (
                    self.money(g["spend"])
                    if f == "spend"
                    else ("0" if f == "social_spend" else str(int(v or 0)))
                )
            elif f in RATIOS:
                v = self.metric(f, g)
                if v is not None:
                    out[f] = self.ratio(v)
            elif f in LISTS:
                lst = self.lists(f, g)
                if lst:
                    out[f] = lst
            elif f in RANKINGS:
                out[f] = "UNKNOWN"
            else:
                v2 = self.identity(f, g)
                if v2 is not None:
                    out[f] = v2
        _, b0, b1, _, values = g["_key"]
        for bd, value in zip(self.q.breakdowns, values, strict=True):
            out[bd] = json.loads(value) if bd in ASSET_BREAKDOWNS else value
        out["date_start"], out["date_stop"] = b0.isoformat(), b1.isoformat()
        return out
