"""Creative params that depend on the ad set: destinations' calls to action, dynamic creative.

* **Lead ads** (`destination_type=ON_AD`): `call_to_action = {type, value: {lead_gen_form_id,
  link}}`. Meta refuses a lead creative without a link (100/2061015, facts §3.1), so the link
  is the creative's, else the plan's landing URL, else `http://fb.me/` (what Meta's own
  examples and other clients send when the ad has no site).
* **Messaging** (facts §3.2): MESSENGER → `MESSAGE_PAGE` with `value.app_destination`
  `MESSENGER`; WHATSAPP → `WHATSAPP_MESSAGE` with **no** value (Meta takes the number from the
  page; a `link` in the value is refused, 105/1815630); INSTAGRAM_DIRECT → `MESSAGE_PAGE`
  with `app_destination` `INSTAGRAM_DIRECT` (SDK 26 has no INSTAGRAM_MESSAGE button;
  state/rules.MESSAGING_CTAS). The button type is the plan's (the checks make it one that opens
  the chat); multi-app destinations (`MESSAGING_*`) send it with no value, Meta picks the app. The link_data link defaults to Meta's
  `https://fb.com/messenger_doc/` placeholder when the plan has none.
* **Dynamic creative** (`format="dynamic"`, facts §4): `asset_feed_spec` with images as
  `{hash}`, videos as `{video_id}` (+ `thumbnail_hash` when one was uploaded), titles, bodies
  and descriptions as `{text}`, one `link_urls` entry, `call_to_action_types` and one
  `ad_formats` value; `object_story_spec` holds only `page_id` (and `instagram_user_id` when
  the page has an Instagram account).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from state import rules
from state.plan import AssetRef, CreativePlan

LEAD_LINK = "http://fb.me/"
MESSAGE_LINK = "https://fb.com/messenger_doc/"
MESSAGING_CTA: dict[str, dict[str, Any]] = {
    "MESSENGER": {"type": "MESSAGE_PAGE", "value": {"app_destination": "MESSENGER"}},
    "WHATSAPP": {"type": "WHATSAPP_MESSAGE"},
    "INSTAGRAM_DIRECT": {"type": "MESSAGE_PAGE",
                         "value": {"app_destination": "INSTAGRAM_DIRECT"}},
}
# Meta's multi-app messaging destinations (state/rules.MESSAGING_APPS): Meta picks the app.
MULTI_MESSAGING = tuple(d for d, apps in rules.MESSAGING_APPS.items() if len(apps) > 1)
# Destinations whose ad set promotes the page itself (`promoted_object.page_id`).
PAGE_DESTINATIONS = ("ON_AD", *MESSAGING_CTA, *MULTI_MESSAGING)


def call_to_action(creative: CreativePlan, link: str | None, destination: str | None,
                   lead_form: str | None) -> dict[str, Any]:
    """Meta's `call_to_action` for a creative in an ad set with this destination."""
    if destination in MESSAGING_CTA:
        out = {k: (dict(v) if isinstance(v, dict) else v)
               for k, v in MESSAGING_CTA[destination].items()}
        out["type"] = creative.call_to_action if creative.call_to_action in (
            "MESSAGE_PAGE", "WHATSAPP_MESSAGE") else out["type"]
        return out
    if destination in MULTI_MESSAGING:
        return {"type": creative.call_to_action}
    cta: dict[str, Any] = {"type": creative.call_to_action}
    if destination == "ON_AD" and lead_form:
        cta["value"] = {"lead_gen_form_id": lead_form, "link": link or LEAD_LINK}
    elif link:
        cta["value"] = {"link": link}
    return cta


def story_link(creative: CreativePlan, landing: str | None, destination: str | None) -> str | None:
    """Return the link a link ad carries: the plan's, or the placeholder its destination needs."""
    link = creative.link or landing
    if link:
        return link
    if destination == "ON_AD":
        return LEAD_LINK
    return MESSAGE_LINK if destination in (*MESSAGING_CTA, *MULTI_MESSAGING) else None


def asset_feed_spec(creative: CreativePlan, lookup: Callable[[AssetRef, str], str],
                    image_hashes: dict[str, str], landing: str | None) -> dict[str, Any]:
    """Meta's `asset_feed_spec` for a dynamic creative (module docstring)."""
    feed = creative.asset_feed_spec
    images = list(feed.images) if feed else []
    videos = list(feed.videos) if feed else []
    if not images and not videos:  # a dynamic creative given only as `assets`
        images = [a.model_dump(exclude_none=True) for a in creative.assets if a.kind == "image"]
        videos = [a.model_dump(exclude_none=True) for a in creative.assets if a.kind == "video"]
    spec: dict[str, Any] = {}
    if images:
        spec["images"] = [{"hash": lookup(AssetRef.model_validate({"kind": "image", **im}),
                                          "image")} for im in images]
    if videos:
        out = []
        for v in videos:
            ref = AssetRef.model_validate({"kind": "video", **v})
            entry = {"video_id": lookup(ref, "video")}
            if f"{ref.ref}#thumbnail" in image_hashes:
                entry["thumbnail_hash"] = image_hashes[f"{ref.ref}#thumbnail"]
            out.append(entry)
        spec["videos"] = out

    def texts(given: list[Any] | None, fallback: str | None) -> list[dict[str, str]]:
        if given:
            return [{"text": t.text} for t in given]
        return [{"text": fallback}] if fallback else []

    spec["titles"] = texts(feed.titles if feed else None, creative.headline)
    spec["bodies"] = texts(feed.bodies if feed else None, creative.primary_text)
    descriptions = texts(feed.descriptions if feed else None, creative.description)
    if descriptions:
        spec["descriptions"] = descriptions
    links = [u.model_dump(exclude_none=True) for u in (feed.link_urls if feed else [])]
    if not links and (creative.link or landing):
        links = [{"website_url": creative.link or landing}]
    spec["link_urls"] = links
    spec["call_to_action_types"] = list((feed.call_to_action_types if feed else None)
                                        or [creative.call_to_action])
    formats = list(feed.ad_formats) if feed and feed.ad_formats else []
    if not formats:
        formats = (["AUTOMATIC_FORMAT"] if images and videos else
                   ["SINGLE_VIDEO"] if videos else ["SINGLE_IMAGE"])
    spec["ad_formats"] = formats
    return spec


def feed_assets(creative: CreativePlan) -> list[dict[str, Any]]:
    """Return the image/video refs of a dynamic creative's asset feed (for uploads)."""
    feed = creative.asset_feed_spec
    if feed is None:
        return []
    return ([{"kind": "image", **im} for im in feed.images]
            + [{"kind": "video", **v} for v in feed.videos])
