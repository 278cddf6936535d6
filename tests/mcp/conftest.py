"""A sandbox over HTTP with one SDK-made campaign, and the tools' handle pointed at it.

`world` is one sandbox per test module: "Spring Sale" (an ACTIVE sales campaign with a
campaign budget, one ad set, one ad) created with the facebook_business SDK — not by
adpilot — and seven days of delivery. Every test gets its own ADPILOT_HOME; the tools never
write to the sandbox, so the module can share it (each test checks the write count).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.campaign import Campaign
from PIL import Image

from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api
from tests.cli.conftest import META_VARS


class World:
    """The module's sandbox and the SDK-made objects."""

    def __init__(self, sb: SandboxServer, ids: dict[str, str], image: Path) -> None:
        self.sb, self.ids, self.image = sb, ids, image
        self.url = sb.url
        self.account = sb.account_id

    def writes(self) -> int:
        """Return the sandbox's write count so far."""
        return int(self.sb.admin("GET", "/__sandbox__/stats")["writes"])

    def status_of(self, object_id: str) -> str:
        """Return an object's status as Meta says it (read with the SDK, not adpilot)."""
        return str(Campaign(object_id, api=make_api(self.url)).api_get(fields=["status"])["status"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("mcp")
    image = tmp / "files" / "shoe.png"
    image.parent.mkdir()
    Image.new("RGB", (1080, 1080), (30, 120, 200)).save(image)
    with SandboxServer(tmp / "sb.db", scenario="ecommerce_usd", seed=7,
                       token=SANDBOX_TOKEN) as sb:
        api = make_api(sb.url)
        acct = AdAccount(sb.account_id, api=api)
        store = sb.store
        assert store is not None
        page = str(store.list_objects("page")[0]["id"])
        pixel = str(store.list_objects("adspixel")[0]["id"])
        image_hash = acct.create_ad_image(params={"filename": str(image)})["hash"]
        campaign = str(acct.create_campaign(params={
            "name": "Spring Sale", "objective": "OUTCOME_SALES", "special_ad_categories": [],
            "status": "ACTIVE", "daily_budget": 15000,
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP"})["id"])
        adset = str(acct.create_ad_set(params={
            "name": "Women 25-34", "campaign_id": campaign, "billing_event": "IMPRESSIONS",
            "optimization_goal": "OFFSITE_CONVERSIONS", "status": "ACTIVE",
            "promoted_object": {"pixel_id": pixel, "custom_event_type": "PURCHASE"},
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25,
                          "age_max": 34, "genders": [2]}})["id"])
        creative = acct.create_ad_creative(params={"name": "C Trail", "object_story_spec": {
            "page_id": page, "link_data": {"link": "https://shop.example.com", "message": "Run",
                                           "image_hash": image_hash,
                                           "call_to_action": {"type": "SHOP_NOW"}}}})
        ad = str(acct.create_ad(params={"name": "Trail", "adset_id": adset, "status": "ACTIVE",
                                        "creative": {"creative_id": creative["id"]}})["id"])
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 7})
        yield World(sb, {"campaign": campaign, "adset": adset, "ad": ad}, image)


@pytest.fixture
def meta_env(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point adpilot at the world's sandbox by env, with a fresh ADPILOT_HOME."""
    for name in META_VARS:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    env = {"META_GRAPH_URL": world.url, "META_ACCESS_TOKEN": SANDBOX_TOKEN,
           "ADPILOT_HOME": str(tmp_path / "home")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    return env


@pytest.fixture
def tool_env(world: World, meta_env: dict[str, str]) -> Iterator[Any]:
    """The tools' handle, built the way `adpilot mcp` builds it (files: the world's image folder)."""
    from graph.toolkit import open_tool_env

    with open_tool_env(files=world.image.parent, announce=lambda _: None) as env:
        yield env
