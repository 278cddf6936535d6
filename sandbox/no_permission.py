"""Requests outside what the sandbox serves, answered as Meta answers an app without access.

The sandbox's token stands for an advertiser's app with `ads_management` and `ads_read`: it
manages ad accounts, campaigns, creatives, audiences and reads pages and pixels. Catalogs
(creating them, their product sets, items and feeds), writing datasets (pixels: creating one,
sharing it with an ad account, assigning users) and ad studies need permissions such an app
does not hold (`catalog_management`, `business_management`), so Meta refuses them with code
200, "Permissions error" — the code the Business, AdsPixel and ad-study references list for
these edges — rather than pretending to serve them. Listing a business's catalogs is served
(it has none).
"""

from __future__ import annotations

from typing import Any

from sandbox.context import RequestContext
from sandbox.errors import GraphError

NEEDS = {
    ("POST", "business", "owned_product_catalogs"): "catalog_management",
    ("POST", "business", "adspixels"): "business_management",
    ("POST", "adspixel", "shared_accounts"): "business_management",
    ("DELETE", "adspixel", "shared_accounts"): "business_management",
    ("POST", "adspixel", "assigned_users"): "business_management",
    ("GET", "adaccount", "impacting_ad_studies"): "business_management",
    ("GET", "business", "ad_studies"): "business_management",
}


def needs(method: str, node_type: str, edge: str) -> str | None:
    """Return the permission a request needs that the sandbox's app lacks (None: served)."""
    return NEEDS.get((method, node_type, edge))


def refuse(permission: str) -> Any:
    """Return a handler refusing with Meta's permissions error naming `permission`."""

    def run(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> Any:
        raise GraphError(
            200,
            f"(#200) Requires {permission} permission to manage the object",
            user_title="Permissions error",
            user_msg=f"This app does not have the {permission} permission this request needs.",
            http_status=403,
        )

    return run
