"""Creative and ad rules for issue 15: dynamic creative, lead-form and click-to-message calls to action.

`check_creative_capabilities` runs first in `sandbox/creatives.py::check_creative` and fully
validates a dynamic creative (`asset_feed_spec`, whose `object_story_spec` holds only the
page); `check_ad_capabilities` runs last in `check_ad`, where the ad set is known. Meta's codes
where a source gives one (docs/facts-bidding-placements-destinations.md §7): 100/1885998
dynamic creative in a non-dynamic ad set, 100/1885392 dynamic creative in a WhatsApp ad,
105/1815630 a WhatsApp call to action with a link, 100/2061015 a lead-form creative without a
link, 100/1443048 ("object_story_spec param is invalid") a dynamic creative whose
object_story_spec names no page or repeats the feed's video in video_data; otherwise code 100 with the sandbox's subcode (`sandbox.errors.CHOSEN_SUBCODES`). Limits
are `state/rules.py`'s `DC_*` tables, the ones the plan checks use.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from sandbox.context import RequestContext
from sandbox.errors import GraphError, chosen, invalid
from sandbox.videos import video_status
from state import rules

__all__ = ["check_ad_capabilities", "check_creative_capabilities"]

_FEED = ["asset_feed_spec"]
# The asset list an ad format shows (CAROUSEL_IMAGE's two images are checked on their own).
_FORMAT_MEDIA = {"SINGLE_IMAGE": "images", "CAROUSEL_IMAGE": "images", "SINGLE_VIDEO": "videos"}


def _ctas(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every call to action of a creative body, as `{type, value}` dicts."""
    oss = body.get("object_story_spec") or {}
    out = [d.get("call_to_action") for d in (oss.get("link_data"), oss.get("video_data"))
           if isinstance(d, dict)]
    for card in (oss.get("link_data") or {}).get("child_attachments") or []:
        out.append(card.get("call_to_action") if isinstance(card, dict) else None)
    found = [c for c in out if isinstance(c, dict) and c.get("type")]
    if body.get("call_to_action_type") and not found:
        found.append({"type": body["call_to_action_type"]})
    for cta in (body.get("asset_feed_spec") or {}).get("call_to_action_types") or []:
        found.append({"type": cta})
    return found


def check_creative_capabilities(ctx: RequestContext, spec: dict[str, Any]) -> bool:
    """Check the issue-15 creative rules; return True when the creative is a dynamic one (done)."""
    for cta in _ctas(spec):
        value = cta.get("value") or {}
        if cta["type"] == "WHATSAPP_MESSAGE" and isinstance(value, dict) and value.get("link"):
            raise GraphError(
                105, "(#105) Too many parameters in Call To Action", subcode=1815630,
                user_title="Too many parameters in Call To Action",
                user_msg="Please remove parameter 'link' from the value of WHATSAPP_MESSAGE "
                "call to action type: Meta opens the page's linked WhatsApp number.",
                blame_field_specs=[["object_story_spec"]],
            )
        form_id = value.get("lead_gen_form_id") if isinstance(value, dict) else None
        if form_id:
            _lead_form(ctx, spec, str(form_id))
    feed = spec.get("asset_feed_spec")
    if not feed:
        return False
    if not isinstance(feed, dict):
        raise invalid("asset_feed_spec must be a JSON object.", fields=_FEED)
    _identity(ctx, spec.get("object_story_spec"), feed)
    _feed(ctx, feed)
    return True


def _ill_formed(detail: str) -> GraphError:
    """Meta's 100/1443048: the object_story_spec does not say who runs the ad, or says too much."""
    return invalid("Object story spec is ill formed. Maybe missing Page ID or creative details, "
                   f"or invalid fields exist. {detail}", fields=["object_story_spec"],
                   subcode=1443048, title="object_story_spec param is invalid")


def _identity(ctx: RequestContext, oss: Any, feed: dict[str, Any]) -> None:
    """Refuse a dynamic creative whose story names no page (the feed holds everything else)."""
    page_id = oss.get("page_id") if isinstance(oss, dict) else None
    if not page_id:
        raise _ill_formed("A dynamic creative needs object_story_spec {\"page_id\": ...} (plus "
                          "instagram_user_id to run on Instagram); asset_feed_spec carries the "
                          "images, texts and links.")
    if ctx.store.get_object(str(page_id), "page") is None:
        raise invalid(f"The page {page_id} does not exist or this account cannot advertise for "
                      "it.", fields=["object_story_spec"])
    if isinstance(oss, dict) and oss.get("video_data") and feed.get("videos"):
        raise _ill_formed("The video is in both object_story_spec.video_data and "
                          "asset_feed_spec.videos; keep it in asset_feed_spec only.")


def _lead_form(ctx: RequestContext, spec: dict[str, Any], form_id: str) -> None:
    link = ((spec.get("object_story_spec") or {}).get("link_data") or {}).get("link")
    if not link and not (spec.get("object_story_spec") or {}).get("video_data"):
        raise invalid("The link field is required: a lead-form ad still needs link_data.link "
                      "(any URL of the advertiser, e.g. the page's).",
                      fields=["link"], subcode=2061015, title="Link Required")
    if ctx.store.get_object(form_id, "leadgen_form") is None:
        raise chosen("lead_form_not_found", f"The lead form {form_id} does not exist; create it "
                     "with POST /<page_id>/leadgen_forms first.",
                     fields=["object_story_spec"], title="Invalid Lead Form")


def _feed(ctx: RequestContext, feed: dict[str, Any]) -> None:
    counts = {k: len(feed.get(k) or []) for k in rules.DC_MAX_COUNTS}
    for key, most in rules.DC_MAX_COUNTS.items():
        if counts[key] > most:
            raise chosen("dc_counts", f"asset_feed_spec.{key} holds {counts[key]}; the limit is "
                         f"{most}.", fields=_FEED, title="Too Many Assets")
    total = sum(counts[k] for k in ("images", "videos", "titles", "bodies", "descriptions"))
    if total > rules.DC_MAX_ASSETS:
        raise chosen("dc_counts", f"asset_feed_spec holds {total} assets; the limit is "
                     f"{rules.DC_MAX_ASSETS}.", fields=_FEED, title="Too Many Assets")
    links = feed.get("link_urls") or []
    if len(links) != 1 or not isinstance(links[0], dict) or not links[0].get("website_url"):
        raise chosen("dc_link_urls", f"asset_feed_spec.link_urls needs exactly one "
                     f"{{website_url}} (got {len(links)}).", fields=_FEED, title="Invalid Link")
    url = urlparse(str(links[0]["website_url"]))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise invalid(f"{links[0]['website_url']!r} is not a valid external URL (http or https).",
                      fields=_FEED, subcode=2446383, title="Invalid Link")
    for key, most in rules.DC_TEXT_MAX.items():
        for item in feed.get(key) or []:
            text = str(item.get("text", "")) if isinstance(item, dict) else str(item)
            if len(text) > most:
                raise chosen("dc_text_length", f"An asset_feed_spec.{key} text is {len(text)} "
                             f"characters; the limit is {most}.", fields=_FEED,
                             title="Text Too Long")
    formats = feed.get("ad_formats") or []
    if len(formats) != 1 or formats[0] not in rules.DC_AD_FORMATS:
        raise chosen("dc_ad_formats", "asset_feed_spec.ad_formats takes exactly one of "
                     f"{', '.join(rules.DC_AD_FORMATS)} (got {formats}).", fields=_FEED,
                     title="Invalid Ad Format")
    if formats[0] == "CAROUSEL_IMAGE" and counts["images"] < 2:
        raise chosen("dc_carousel", "A CAROUSEL_IMAGE asset feed needs at least 2 images.",
                     fields=_FEED, title="Invalid Carousel")
    media = _FORMAT_MEDIA.get(formats[0])
    if media and not counts[media]:
        raise chosen("dc_ad_formats", f"ad_formats {formats[0]} shows asset_feed_spec.{media}, "
                     "and the feed has none.", fields=_FEED, title="Invalid Ad Format")
    for item in feed.get("images") or []:
        h = item.get("hash") if isinstance(item, dict) else None
        if not (isinstance(item, dict) and item.get("url") and not h):
            _image(ctx, h)
    for item in feed.get("videos") or []:
        _feed_video(ctx, item)
    for cta in feed.get("call_to_action_types") or []:
        if cta not in rules.CALL_TO_ACTION_TYPES:
            raise invalid(f"{cta!r} is not a call to action type.", fields=_FEED,
                          subcode=1373054, title="Invalid Call to Action")


def _image(ctx: RequestContext, image_hash: Any) -> None:
    doc = ctx.store.get_object(f"{ctx.account_id}:{image_hash}", "adimage") if image_hash else None
    if doc is None or doc.get("status") == "DELETED":
        raise invalid(f"The image hash {image_hash} is not in this ad account's image library; "
                      "upload it to /adimages first.", fields=_FEED, title="Image Not Found")


def _feed_video(ctx: RequestContext, item: Any) -> None:
    vid = item.get("video_id") if isinstance(item, dict) else None
    doc = ctx.store.get_object(str(vid), "advideo") if vid else None
    if doc is None or doc.get("_account_id") != ctx.account_id:
        raise invalid(f"The video {vid} does not exist in this ad account.", fields=_FEED)
    status = video_status(ctx, doc)
    if status != "ready":
        raise invalid(f"The video {vid} is {status}; an ad can only use a video whose status is "
                      "ready.", fields=_FEED, title="Video Not Ready")
    if item.get("thumbnail_hash"):
        _image(ctx, item["thumbnail_hash"])


def check_ad_capabilities(
    ctx: RequestContext, spec: dict[str, Any], body: dict[str, Any], adset: dict[str, Any]
) -> None:
    """Refuse an ad whose creative does not fit its ad set (dynamic, lead form, messaging)."""
    dynamic = bool(body.get("asset_feed_spec"))
    dc_set = bool(adset.get("is_dynamic_creative"))
    dest = adset.get("destination_type")
    if dynamic and not dc_set:
        raise invalid("Cannot create dynamic creative ad in non-dynamic creative ad set: "
                      "dynamic creative ads can only be created under ad sets with "
                      "is_dynamic_creative=true.", fields=["creative"], subcode=1885998,
                      title="Cannot create dynamic creative ad")
    if dynamic and "whatsapp" in rules.MESSAGING_APPS.get(dest or "", ()):
        raise invalid("Dynamic creative (asset_feed_spec) is not available for click-to-"
                      "WhatsApp ads; use a single image or video creative.",
                      fields=["creative"], subcode=1885392, title="Invalid Creative")
    if dc_set and not dynamic:
        raise chosen("dc_needs_feed", "This ad set uses dynamic creative: its ad needs a "
                     "creative with asset_feed_spec.", fields=["creative"],
                     title="Dynamic Creative Required")
    if dc_set and "id" not in spec:
        live = [a for a in ctx.store.list_objects("ad", parent_id=adset["id"])
                if a.get("status") not in ("ARCHIVED", "DELETED")]
        if live:
            raise chosen("dc_one_ad", f"A dynamic creative ad set holds one ad; {adset['id']} "
                         f"already has {live[0]['id']}. Put the variations in its "
                         "asset_feed_spec.", fields=["adset_id"], title="Too Many Ads")
    ctas = _ctas(body)
    wanted = rules.messaging_ctas(dest)
    if wanted:
        bad = [c["type"] for c in ctas if c["type"] not in wanted]
        if bad or not ctas:
            raise chosen("messaging_cta", f"Ads in a {dest} ad set start a conversation: the "
                         f"call to action must be {' or '.join(sorted(wanted))} (got "
                         f"{bad or 'none'}).", fields=["creative"], title="Invalid Call to Action")
    if dest == "ON_AD" and not dynamic and not any(
            isinstance(c.get("value"), dict) and c["value"].get("lead_gen_form_id") for c in ctas):
        raise chosen("lead_form_missing", "Ads in an instant-form (ON_AD) ad set need a lead "
                     "form: set call_to_action.value.lead_gen_form_id on the creative.",
                     fields=["creative"], title="Lead Form Required")
