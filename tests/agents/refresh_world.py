"""A marketer's campaign in the sandbox for the creative-refresh tests (tests/agents, tests/optimize).

Created with the facebook_business SDK (as a marketer's own campaign would be): one ACTIVE ad
set with the tired ad "Trail A" and a sibling "Trail B", and an ad in another campaign. The
loop's pure decision (`refresh_action`) is filled by the ad-creation agent and launched by
`execute_approved`, as the optimise loop and the bench do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adimage import AdImage

from agents.optimize.cycle import execute_approved
from agents.optimize.decide.refresh import refresh_action
from agents.optimize.refresh_io import fill_refreshes
from prompts.optimize import describe_action
from sandbox.testing import make_api
from state.policy import Policy
from tests.sandbox.conftest import adset_params, campaign_params, link_creative_params, png_bytes

ORIGINAL = {"headline": "Run lighter", "primary_text": "New running shoes"}
FATIGUE = {"frequency_before": 1.3, "frequency_after": 1.7, "ctr_before": 1.5, "ctr_after": 0.9}


class World:
    """A marketer's ACTIVE campaign: one ad set, the tired ad and a sibling; another campaign."""

    def __init__(self, ctx: Any, url: str, tmp: Path) -> None:
        self.ctx, self.url, self.tmp = ctx, url, tmp
        account = AdAccount(ctx.account_id, api=make_api(url))
        path = tmp / "control.png"
        path.write_bytes(png_bytes())
        self.image_hash = account.create_ad_image(
            params={AdImage.Field.filename: str(path)})[AdImage.Field.hash]
        self.campaign_id = account.create_campaign(params=campaign_params(status="ACTIVE"))["id"]
        self.adset_id = account.create_ad_set(params=adset_params(
            self.campaign_id, ctx.pixel_id, name="Runners 25-44", daily_budget=4000,
            status="ACTIVE"))["id"]
        self.creative_id = account.create_ad_creative(
            params=link_creative_params(ctx.page_id, self.image_hash))["id"]
        self.ad_id = account.create_ad(params={
            "name": "Trail A", "adset_id": self.adset_id, "status": "ACTIVE",
            "creative": {"creative_id": self.creative_id}})["id"]
        self.sibling_id = account.create_ad(params={
            "name": "Trail B", "adset_id": self.adset_id, "status": "ACTIVE",
            "creative": {"creative_id": self.creative_id}})["id"]
        other = account.create_campaign(params=campaign_params(name="Other", status="ACTIVE"))
        other_set = account.create_ad_set(params=adset_params(other["id"], ctx.pixel_id,
                                                              status="ACTIVE"))
        self.other_ad_id = account.create_ad(params={
            "name": "Elsewhere", "adset_id": other_set["id"], "status": "ACTIVE",
            "creative": {"creative_id": self.creative_id}})["id"]
        self.client = ctx.client_factory(thread_id="refresh")

    def proposed(self, ctx: Any = None) -> dict[str, Any]:
        """The loop's fatigue proposal for Trail A, its variants filled in, as on the card."""
        action = refresh_action({"id": self.ad_id, "name": "Trail A", "adset_id": self.adset_id},
                                {"id": self.adset_id, "name": "Runners 25-44"},
                                trigger="fatigue", reasons=["creative fatigue"], evidence=FATIGUE)
        [filled] = fill_refreshes(self.client, [action], ctx=ctx or self.ctx,
                                  campaign_id=self.campaign_id)
        filled["target"]["campaign_id"] = self.campaign_id
        filled["description"] = describe_action(filled, "USD")
        return filled

    def execute(self, action: dict[str, Any], decision: dict[str, Any] | None = None,
                policy: Policy | None = None) -> dict[str, Any]:
        return execute_approved(self.client, [action], [decision or {"type": "approve"}],
                                receipt="r-refresh", policy=policy or Policy(),
                                now=self.client.account_clock(), budget_edits={},
                                image_roots=[self.tmp])

    def read(self, oid: str, fields: str) -> dict[str, Any]:
        return self.client.get(oid, {"fields": fields})

    def ads_of_set(self) -> list[dict[str, Any]]:
        return self.client.get_all(f"{self.adset_id}/ads", {"fields": "id,name,status,adlabels"})
