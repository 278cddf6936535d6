"""Fixtures for planner tests that launch what they plan in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adimage import AdImage
from facebook_business.adobjects.user import User
from PIL import Image


@dataclass
class LaunchKit:
    """The sandbox account a planned tree is created in, its page, pixel and one image."""

    account: AdAccount
    page: str
    pixel: str
    image_hash: str


@pytest.fixture
def launch_kit(sandbox, fb_api, tmp_path) -> LaunchKit:
    account = AdAccount(sandbox.account_id, api=fb_api)
    page = User(fbid="me", api=fb_api).get_accounts()[0]["id"]
    pixel = account.get_ads_pixels()[0]["id"]
    still = tmp_path / "still.jpg"
    Image.new("RGB", (1080, 1080), (10, 90, 160)).save(still)
    image_hash = account.create_ad_image(params={AdImage.Field.filename: str(still)})["hash"]
    return LaunchKit(account, page, pixel, image_hash)
