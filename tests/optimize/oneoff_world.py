"""A sandbox world for the one-off request tests: campaigns made directly with the SDK.

The scenario is ecommerce_usd with Meta's delivery split evenly over an ad set's ads
(`distribution_power` 0) and fixed truths by ad name: "Loser …" ads convert at 5 % of their
ad set's rate (a CPA some 20× the others'; "Loser A" never converts), "Winner …" ads at 130 %.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.api import FacebookAdsApi
from PIL import Image

from sandbox.scenario import SCENARIO_DIR
from sandbox.server import SandboxServer
from state.context import MetaSettings
from state.intent import EntityRef, Intent
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"
ACCOUNT = "act_1010101010"
PAGE = "102030405060708"
PIXEL = "880011223344556"


def scenario_file(folder: Path) -> Path:
    """Write the test scenario (even split, fixed losers and winners) and return its path."""
    doc = json.loads((SCENARIO_DIR / "ecommerce_usd.json").read_text())
    doc["name"] = "oneoff_usd"
    doc["model"] = {"distribution_power": 0.0}
    ads = {f"Loser {k}": {"cvr_mult": 0.05} for k in ("A", "B1", "B2", "C1", "C2", "F", "E")}
    ads["Loser A"] = {"cvr_mult": 0.0}  # never converts: "no results" after real spend
    ads.update({f"Winner {k}": {"cvr_mult": 1.3} for k in ("A", "C", "F", "E")})
    doc["fixed"] = {"ads": ads}
    path = folder / "oneoff_usd.json"
    path.write_text(json.dumps(doc))
    return path


class Maker:
    """Create campaigns, ad sets and ads through the facebook_business SDK."""

    def __init__(self, api: FacebookAdsApi, image: Path) -> None:
        self.acct = AdAccount(ACCOUNT, api=api)
        Image.new("RGB", (1080, 1080), (30, 120, 200)).save(image)
        self.hash = self.acct.create_ad_image(params={"filename": str(image)})["hash"]

    def campaign(self, name: str, *, status: str = "ACTIVE", **budget: Any) -> str:
        params = {"name": name, "objective": "OUTCOME_SALES", "special_ad_categories": [],
                  "status": status, **budget}
        if budget:
            params["bid_strategy"] = "LOWEST_COST_WITHOUT_CAP"
        return str(self.acct.create_campaign(params=params)["id"])

    def adset(self, campaign: str, name: str, *, status: str = "ACTIVE", **budget: Any) -> str:
        params = {
            "name": name, "campaign_id": campaign, "billing_event": "IMPRESSIONS",
            "optimization_goal": "OFFSITE_CONVERSIONS", "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
            "promoted_object": {"pixel_id": PIXEL, "custom_event_type": "PURCHASE"},
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 54},
            "status": status, **budget,
        }
        return str(self.acct.create_ad_set(params=params)["id"])

    def ad(self, adset: str, name: str, *, status: str = "ACTIVE") -> str:
        creative = self.acct.create_ad_creative(params={
            "name": f"C {name}",
            "object_story_spec": {"page_id": PAGE, "link_data": {
                "link": "https://shop.example.com", "message": f"Run {name}",
                "image_hash": self.hash, "call_to_action": {"type": "SHOP_NOW"}}},
        })
        return str(self.acct.create_ad(params={
            "name": name, "adset_id": adset, "creative": {"creative_id": creative["id"]},
            "status": status})["id"])


def client_for(sb: SandboxServer) -> MetaClient:
    """Adpilot's own Graph client on the sandbox (no ledger)."""
    return MetaClient(MetaSettings(graph_url=sb.url, account_id=ACCOUNT, page_id=PAGE),
                      token=TOKEN)


def ref(kind: str, id_: str, name: str, match: str = "exact") -> EntityRef:
    """An entity as the router resolves it."""
    return EntityRef(type=kind, id=id_, name=name, match=match)  # type: ignore[arg-type]


def intent(route: str, entities: list[EntityRef], **params: Any) -> Intent:
    """A routed request."""
    return Intent(route=route, entities=entities, params=params)  # type: ignore[arg-type]
