"""An ad's `tracking_specs`: Meta's defaults from its creative's page and its ad set's pixel."""

from __future__ import annotations

import pytest
from facebook_business.adobjects.ad import Ad

from tests.sandbox.conftest import Tree


def test_an_ad_without_specs_reads_metas_defaults(tree: Tree) -> None:
    specs = Ad(tree.ad_id, api=tree.api).api_get(fields=["tracking_specs"])["tracking_specs"]
    assert [dict(s) for s in specs] == [
        {"action.type": ["post_engagement"], "page": [tree.page_id]},
        {"action.type": ["offsite_conversion"], "fb_pixel": [tree.pixel_id]},
    ]


# The SDK types tracking_specs as one Object and warns about the list Meta documents.
@pytest.mark.filterwarnings("ignore:value of tracking_specs:UserWarning")
def test_specs_an_ad_was_given_are_kept(tree: Tree) -> None:
    given = [{"action.type": ["offsite_conversion"], "fb_pixel": [tree.pixel_id]}]
    ad = tree.account.create_ad(params={
        "name": "Ad 2", "adset_id": tree.adset_id, "status": "PAUSED",
        "creative": {"creative_id": tree.creative_id}, "tracking_specs": given})["id"]
    specs = Ad(ad, api=tree.api).api_get(fields=["tracking_specs"])["tracking_specs"]
    assert [dict(s) for s in specs] == given
