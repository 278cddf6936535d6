"""What the insights tests compare against: the sandbox's own delivery, and a tree that delivers.

`launch` creates an ACTIVE campaign with two ad sets of one ad each straight over HTTP (so the
insights tests do not depend on a client's create commands), then the tests advance the clock.
`delivered` sums the sandbox's delivery rows (`delivery_rows`, one per ad per local day, money
in minor units): the numbers every client's insights must show.
"""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta
from typing import Any

from PIL import Image

from sandbox.server import SandboxServer
from tests.clients.harness import Graph


def png(color: str = "red", size: tuple[int, int] = (1080, 1080)) -> bytes:
    """A real PNG (Meta checks image sizes; so does the sandbox)."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def launch(graph: Graph, ids: dict[str, str]) -> dict[str, Any]:
    """An ACTIVE OUTCOME_SALES campaign, ad sets for 25-34 and 35-54, one ad each."""
    act = ids["account"]
    image = graph.post(f"{act}/adimages", bytes=base64.b64encode(png("navy")).decode())
    image_hash = next(iter(image["images"].values()))["hash"]
    campaign = graph.post(f"{act}/campaigns", name="Insights tree", objective="OUTCOME_SALES",
                          special_ad_categories=[], status="ACTIVE")["id"]
    tree: dict[str, Any] = {"campaign": campaign, "adsets": [], "ads": []}
    for low, high in ((25, 34), (35, 54)):
        adset = graph.post(
            f"{act}/adsets", name=f"Ages {low}-{high}", campaign_id=campaign, daily_budget=6000,
            billing_event="IMPRESSIONS", optimization_goal="OFFSITE_CONVERSIONS",
            bid_strategy="LOWEST_COST_WITHOUT_CAP", status="ACTIVE",
            promoted_object={"pixel_id": ids["pixel"], "custom_event_type": "PURCHASE"},
            targeting={"geo_locations": {"countries": ["US"]}, "age_min": low, "age_max": high},
        )["id"]
        creative = graph.post(f"{act}/adcreatives", name=f"Creative {low}", object_story_spec={
            "page_id": ids["page"],
            "link_data": {"link": "https://shop.example.com/run", "message": f"Run at {low}",
                          "name": "Run lighter", "image_hash": image_hash,
                          "call_to_action": {"type": "SHOP_NOW"}},
        })["id"]
        ad = graph.post(f"{act}/ads", name=f"Ad {low}", adset_id=adset, status="ACTIVE",
                        creative={"creative_id": creative})["id"]
        tree["adsets"].append(adset)
        tree["ads"].append(ad)
    return tree


def launched(sb: SandboxServer, graph: Graph, ids: dict[str, str], days: int) -> dict[str, Any]:
    """`launch`, then `days` of delivery; the tree with the sandbox's `today` after them."""
    made = launch(graph, ids)
    sb.admin("POST", "/__sandbox__/clock/advance", {"days": days})
    made["today"] = today(sb)
    return made


def today(sb: SandboxServer) -> date:
    """The account's local date on the sandbox clock."""
    return date.fromisoformat(sb.admin("GET", "/__sandbox__/clock")["now_local"][:10])


def delivered(sb: SandboxServer, ad_ids: list[str], since: date, until: date) -> dict[str, int]:
    """Impressions, clicks and spend (minor units) the sandbox delivered for the ads, per window."""
    assert sb.store is not None
    marks = ",".join("?" for _ in ad_ids)
    with sb.store.lock:
        rows = list(sb.store.db.query(
            "select coalesce(sum(impressions), 0) impressions, coalesce(sum(clicks), 0) clicks, "
            "coalesce(sum(spend), 0) spend from delivery_rows "
            f"where ad_id in ({marks}) and date >= ? and date <= ?",
            [*ad_ids, since.isoformat(), until.isoformat()],
        ))
    return {k: int(v) for k, v in rows[0].items()}


def daily(sb: SandboxServer, ad_ids: list[str], since: date, until: date) -> dict[str, int]:
    """Spend (minor units) per local day for the ads."""
    out = {}
    day = since
    while day <= until:
        out[day.isoformat()] = delivered(sb, ad_ids, day, day)["spend"]
        day += timedelta(days=1)
    return out


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insights rows summed the way `delivered` reports: spend back in minor units."""
    return {
        "impressions": sum(int(r.get("impressions", 0)) for r in rows),
        "clicks": sum(int(r.get("clicks", 0)) for r in rows),
        "spend": sum(round(float(r.get("spend", 0)) * 100) for r in rows),
    }
