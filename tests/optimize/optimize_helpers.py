"""Evidence builders for the decision tests (plain dicts, as build_evidence makes them)."""

from __future__ import annotations

from typing import Any

from state.insights_store import derive

NOW = "2026-03-20T10:00:00+00:00"


def stats(spend: float, clicks: float, conversions: float, days: int = 7, impressions: float | None = None,
          value: float | None = None) -> dict[str, Any]:
    imp = impressions if impressions is not None else clicks * 70
    return derive({
        "impressions": imp, "reach": imp / 1.5, "clicks": clicks, "link_clicks": clicks * 0.75,
        "spend_minor": spend, "conversions": conversions,
        "conversion_value_minor": value if value is not None else conversions * 6000,
        "recallers": 0, "days": days,
    })


def ad(id_: str, adset: str, st: dict[str, Any], status: str = "ACTIVE", weeks: list | None = None) -> dict:
    return {"id": id_, "name": f"Ad {id_}", "adset_id": adset, "status": status, "stats": st,
            "weeks": weeks or []}


def adset(id_: str, budget: int, st: dict[str, Any], learning: str | None = "SUCCESS",
          status: str = "ACTIVE") -> dict:
    return {"id": id_, "name": f"Set {id_}", "status": status, "daily_budget_minor": budget,
            "learning": learning, "stats": st}


def evidence(ads: list[dict], ad_sets: list[dict], **kw: Any) -> dict[str, Any]:
    base = {
        "now": NOW, "today": NOW[:10], "currency": "USD", "kpi": "conversions",
        "target_cpa_minor": 2500, "target_roas": None, "budget_level": "ad_set",
        "min_daily_budget_minor": 100, "spend_cap_remaining_minor": None,
        "campaign": {"id": "c1", "name": "Spring Sale", "status": "ACTIVE", "daily_budget_minor": None},
        "ad_sets": ad_sets, "ads": ads, "budget_edits": {}, "experiment": None,
    }
    base.update(kw)
    return base


GOOD = dict(spend=20000, clicks=1000, conversions=40)  # CPA 500: far better than target
BAD = dict(spend=20000, clicks=1000, conversions=2)  # CPA 10000: 4x the target
