"""Helpers for the sandbox tests: images, and a campaign → ad set → creative → ad tree."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adimage import AdImage
from facebook_business.api import FacebookAdsApi
from PIL import Image

from sandbox.server import SandboxServer


def form(params: dict[str, Any]) -> str:
    """URL-encode params as a batch item body, JSON-encoding structured values like the SDK."""
    return urlencode(
        {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
    )


def png_bytes(size: tuple[int, int] = (1080, 1080), color: str = "red") -> bytes:
    """A real PNG of the given size."""
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def campaign_params(**over: Any) -> dict[str, Any]:
    """Valid campaign create params (ad-set budgets)."""
    return {
        "name": "Spring Sale",
        "objective": "OUTCOME_SALES",
        "special_ad_categories": [],
        "status": "PAUSED",
        **over,
    }


def adset_params(campaign_id: str, pixel_id: str, **over: Any) -> dict[str, Any]:
    """Valid ad set create params for an OUTCOME_SALES campaign."""
    return {
        "name": "US 25-44",
        "campaign_id": campaign_id,
        "daily_budget": 2000,
        "billing_event": "IMPRESSIONS",
        "optimization_goal": "OFFSITE_CONVERSIONS",
        "promoted_object": {"pixel_id": pixel_id, "custom_event_type": "PURCHASE"},
        "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 44},
        "status": "PAUSED",
        **over,
    }


def link_creative_params(page_id: str, image_hash: str, **over: Any) -> dict[str, Any]:
    """Valid single-image link creative params."""
    return {
        "name": "Shoe ad",
        "object_story_spec": {
            "page_id": page_id,
            "link_data": {
                "link": "https://example.com/shoes",
                "message": "New running shoes",
                "name": "Run lighter",
                "image_hash": image_hash,
                "call_to_action": {
                    "type": "SHOP_NOW",
                    "value": {"link": "https://example.com/shoes"},
                },
            },
        },
        **over,
    }


class Tree:
    """Ids of a created tree plus the account and handy ids."""

    def __init__(self, sandbox: SandboxServer, api: FacebookAdsApi, tmp_path: Path) -> None:
        self.sandbox = sandbox
        self.api = api
        self.account = AdAccount(sandbox.account_id, api=api)
        store = sandbox.store
        assert store is not None
        self.page_id = str(store.list_objects("page")[0]["id"])
        self.pixel_id = str(store.list_objects("adspixel")[0]["id"])
        path = tmp_path / "shoe.png"
        path.write_bytes(png_bytes())
        image = self.account.create_ad_image(params={AdImage.Field.filename: str(path)})
        self.image_hash = image[AdImage.Field.hash]
        self.campaign_id = self.account.create_campaign(params=campaign_params())["id"]
        self.adset_id = self.account.create_ad_set(
            params=adset_params(self.campaign_id, self.pixel_id)
        )["id"]
        self.creative_id = self.account.create_ad_creative(
            params=link_creative_params(self.page_id, self.image_hash)
        )["id"]
        self.ad_id = self.account.create_ad(
            params={
                "name": "Ad 1",
                "adset_id": self.adset_id,
                "creative": {"creative_id": self.creative_id},
                "status": "PAUSED",
            }
        )["id"]


@pytest.fixture
def tree(sandbox: SandboxServer, fb_api: FacebookAdsApi, tmp_path: Path) -> Tree:
    """A full PAUSED tree in a fresh sandbox."""
    return Tree(sandbox, fb_api, tmp_path)
