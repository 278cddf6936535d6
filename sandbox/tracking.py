"""An ad's default `tracking_specs`, as Meta fills them when the ad is created without any.

Meta derives default tracking specs from the ad's creative and its ad set's optimisation
(Marketing API "Tracking Specs", default specs; facts sheet §4.5 "defaults are derived from the
creative/objective"): engagement with the creative's page, and the ad set's pixel for its
conversions. Specs an ad was given are kept as given. The sandbox has no page posts, so the
default engagement spec names the page without a `post` [U: Meta adds the post id].
"""

from __future__ import annotations

from typing import Any

from sandbox.store import Store


def tracking_specs(store: Store, ad: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Return the ad's tracking specs: its own, or Meta's defaults from its creative and ad set."""
    if ad.get("tracking_specs"):
        return list(ad["tracking_specs"])
    creative = store.get_object(str((ad.get("creative") or {}).get("id") or "")) or {}
    page = (creative.get("object_story_spec") or {}).get("page_id")
    adset = store.get_object(str(ad.get("adset_id") or "")) or {}
    pixel = (adset.get("promoted_object") or {}).get("pixel_id")
    specs: list[dict[str, Any]] = []
    if page:
        specs.append({"action.type": ["post_engagement"], "page": [str(page)]})
    if pixel:
        specs.append({"action.type": ["offsite_conversion"], "fb_pixel": [str(pixel)]})
    return specs or None
