"""Ad creative and ad rules (docs/meta-api-facts.md §4, §5, §14.4–5).

A creative needs `object_story_spec` (with `page_id` and exactly one `*_data`) or
`object_story_id`; a dynamic creative (`asset_feed_spec`, its story naming only the page) is
checked whole in `sandbox.validation_creative`. Link ads need `link`; image hashes must exist
in the account; carousels hold 2–10 cards; video creatives need a ready video and a
thumbnail; CTA types come from Meta's enum (unparseable → 100/1373054). Identical creatives are de-duplicated
as Meta does: creating one returns the existing id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlparse

from sandbox.context import RequestContext
from sandbox.enums import CTA_TYPES
from sandbox.errors import invalid, required
from sandbox.validation import check_name, check_status_at_create
from sandbox.validation_creative import check_ad_capabilities, check_creative_capabilities

_DATA_KEYS = ("link_data", "photo_data", "video_data", "text_data", "template_data")


def _cta(cta: Any, where: str) -> None:
    if cta is None:
        return
    if isinstance(cta, str):
        try:
            cta = json.loads(cta)
        except ValueError:
            cta = None
    if not isinstance(cta, dict) or cta.get("type") not in CTA_TYPES:
        shown = cta.get("type") if isinstance(cta, dict) else cta
        raise invalid(
            f'The call_to_action {shown!r} could not be parsed; use {{"type": "SHOP_NOW", '
            '"value": {"link": "https://..."}} with a type from Meta\'s list.',
            fields=[where],
            subcode=1373054,
            title="Invalid Call to Action",
        )


def _image(ctx: RequestContext, image_hash: Any, where: str) -> None:
    if image_hash is None:
        return
    oid = f"{ctx.account_id}:{image_hash}"
    doc = ctx.store.get_object(oid, "adimage")
    if doc is None or doc.get("status") == "DELETED":  # a deleted image is gone too
        raise invalid(
            f"The image hash {image_hash} is not in this ad account's image library; upload the "
            "image to /adimages first.",
            fields=[where],
            title="Image Not Found",
        )


def _link(url: Any, where: str) -> None:
    if not url:
        raise required(where, "link ads need a destination URL.")
    parsed = urlparse(str(url))
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(str(url)) > 1000:
        raise invalid(
            f"{url!r} is not a valid external URL (http or https, at most 1000 characters).",
            fields=[where],
            subcode=2446383,
            title="Invalid Link",
        )


def _video(ctx: RequestContext, vid: Any, where: str) -> None:
    from sandbox.videos import video_status

    doc = ctx.store.get_object(str(vid), "advideo") if vid else None
    if doc is None or doc.get("_account_id") != ctx.account_id:
        raise invalid(f"The video {vid} does not exist in this ad account.", fields=[where])
    status = video_status(ctx, doc)
    if status != "ready":
        raise invalid(
            f"The video {vid} is {status}; an ad can only use a video whose status is ready.",
            fields=[where],
            title="Video Not Ready",
        )


def check_creative(ctx: RequestContext, spec: dict[str, Any]) -> None:
    """Validate a creative spec (raises GraphError)."""
    if spec.get("name") is not None:
        check_name(spec, 100)
    check_status_at_create(spec)
    dof = spec.get("degrees_of_freedom_spec")
    if dof is not None:
        enh = (
            ((dof.get("creative_features_spec") or {}).get("standard_enhancements"))
            if isinstance(dof, dict)
            else None
        )
        if isinstance(enh, dict) and not enh.get("enroll_status"):
            raise invalid(
                "degrees_of_freedom_spec.creative_features_spec.standard_enhancements needs "
                "enroll_status (OPT_IN or OPT_OUT).",
                fields=["degrees_of_freedom_spec"],
                subcode=3858082,
            )
    _cta(
        {"type": spec["call_to_action_type"]} if spec.get("call_to_action_type") else None,
        "call_to_action_type",
    )
    if check_creative_capabilities(ctx, spec):
        return  # a dynamic creative (asset_feed_spec), checked whole there
    oss = spec.get("object_story_spec")
    if oss is None:
        if spec.get("object_story_id"):
            return
        raise required(
            "object_story_spec",
            "give object_story_spec (page_id + link_data/video_data/...) or object_story_id.",
        )
    page_id = oss.get("page_id")
    if not page_id:
        raise required("object_story_spec", "object_story_spec.page_id is required.")
    if ctx.store.get_object(str(page_id), "page") is None:
        raise invalid(
            f"The page {page_id} does not exist or this account cannot advertise for it.",
            fields=["object_story_spec"],
        )
    present = [k for k in _DATA_KEYS if oss.get(k)]
    if len(present) != 1:
        raise invalid(
            "object_story_spec needs exactly one of link_data, photo_data, video_data, "
            f"text_data, template_data (got {', '.join(present) or 'none'}).",
            fields=["object_story_spec"],
        )
    kind = present[0]
    data = oss[kind]
    if not isinstance(data, dict):
        raise invalid(f"object_story_spec.{kind} must be an object.", fields=["object_story_spec"])
    if kind == "link_data":
        _check_link_data(ctx, data)
    elif kind == "video_data":
        _video(ctx, data.get("video_id"), "object_story_spec")
        if not (data.get("image_hash") or data.get("image_url")):
            raise invalid(
                "video_data needs a thumbnail: image_hash or image_url.",
                fields=["object_story_spec"],
                title="Thumbnail Required",
            )
        _image(ctx, data.get("image_hash"), "object_story_spec")
        _cta(data.get("call_to_action"), "object_story_spec")
    elif kind == "photo_data":
        if not (data.get("image_hash") or data.get("url")):
            raise invalid("photo_data needs image_hash or url.", fields=["object_story_spec"])
        _image(ctx, data.get("image_hash"), "object_story_spec")


def _check_link_data(ctx: RequestContext, data: dict[str, Any]) -> None:
    _link(data.get("link"), "object_story_spec")
    _image(ctx, data.get("image_hash"), "object_story_spec")
    _cta(data.get("call_to_action"), "object_story_spec")
    cards = data.get("child_attachments")
    if cards is None:
        return
    if not isinstance(cards, list) or not 2 <= len(cards) <= 10:
        n = len(cards) if isinstance(cards, list) else 0
        raise invalid(
            f"A carousel needs 2 to 10 cards in child_attachments (got {n}).",
            fields=["object_story_spec"],
            title="Invalid Carousel",
        )
    for card in cards:
        _link(card.get("link"), "object_story_spec")
        if card.get("video_id"):
            _video(ctx, card["video_id"], "object_story_spec")
        if not (card.get("image_hash") or card.get("picture")):
            raise invalid(
                "Every carousel card needs an image (image_hash or picture).",
                fields=["object_story_spec"],
            )
        _image(ctx, card.get("image_hash"), "object_story_spec")
        _cta(card.get("call_to_action"), "object_story_spec")


def content_hash(spec: dict[str, Any]) -> str:
    """Identity of a creative's content (for Meta's de-duplication)."""
    body = {k: v for k, v in spec.items() if not k.startswith("_") and k not in ("status",)}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def find_identical(ctx: RequestContext, spec: dict[str, Any]) -> str | None:
    """Id of an existing non-deleted creative with the same content, if any."""
    h = content_hash(spec)
    for doc in ctx.store.list_objects("adcreative", account_id=ctx.account_id):
        if doc.get("_content_hash") == h and doc.get("status") != "DELETED":
            return str(doc["id"])
    return None


def derived_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """Read-only creative fields Meta derives from the story spec."""
    oss = spec.get("object_story_spec") or {}
    out: dict[str, Any] = {"object_type": "SHARE"}
    link = oss.get("link_data") or {}
    video = oss.get("video_data") or {}
    if video:
        out.update(
            object_type="VIDEO",
            video_id=video.get("video_id"),
            title=video.get("title"),
            body=video.get("message"),
            image_hash=video.get("image_hash"),
        )
    elif link:
        out.update(
            title=link.get("name"),
            body=link.get("message"),
            link_url=link.get("link"),
            image_hash=link.get("image_hash"),
            object_url=link.get("link"),
        )
        if link.get("call_to_action"):
            out["call_to_action_type"] = link["call_to_action"].get("type")
    if oss.get("page_id"):
        out["actor_id"] = str(oss["page_id"])
    return {k: v for k, v in out.items() if v is not None}


def check_ad(ctx: RequestContext, spec: dict[str, Any], adset: dict[str, Any]) -> None:
    """Validate an ad: name, creative reference, ads per ad set, CTA need."""
    check_name(spec, 400)
    if spec.get("status") not in ("ACTIVE", "PAUSED", "ARCHIVED", "DELETED"):
        raise invalid("status must be ACTIVE or PAUSED.", fields=["status"])
    creative = spec.get("creative")
    if not creative:
        raise required("creative", 'give {"creative_id": "<id>"} or an inline creative spec.')
    if "id" not in spec:  # a new ad: the ad set's capacity
        live = [
            a
            for a in ctx.store.list_objects("ad", parent_id=adset["id"])
            if a.get("status") not in ("ARCHIVED", "DELETED")
        ]
        if len(live) >= 50:
            raise invalid(
                "This ad set already has 50 ads (the limit of non-archived ads per ad set); "
                "archive or delete some, or use another ad set.",
                fields=["adset_id"],
                title="Too Many Ads",
            )
    cid = creative.get("creative_id") or creative.get("id")
    if cid:
        doc = ctx.store.get_object(str(cid), "adcreative")
        if (
            doc is None
            or doc.get("_account_id") != ctx.account_id
            or doc.get("status") == "DELETED"
        ):
            raise invalid(
                f"The creative {cid} does not exist in this ad account.", fields=["creative"]
            )
        body = doc
    else:
        inline = {k: v for k, v in creative.items() if k != "name"}
        inline.setdefault("name", spec.get("name"))
        check_creative(ctx, {**inline, "status": "ACTIVE"})
        body = {**inline, **derived_fields(inline)}
    if (
        adset.get("optimization_goal") == "LINK_CLICKS"
        and adset.get("billing_event") == "LINK_CLICKS"
    ):
        oss = body.get("object_story_spec") or {}
        data = oss.get("link_data") or oss.get("video_data") or {}
        if not (data.get("call_to_action") or body.get("call_to_action_type")):
            raise invalid(
                "Ad sets optimizing and billing for LINK_CLICKS need a creative with a "
                "call_to_action.",
                fields=["creative"],
            )
    check_ad_capabilities(ctx, spec, body, adset)


def check_creative_deletable(ctx: RequestContext, cid: str) -> None:
    """Refuse to delete a creative that a live ad uses."""
    for ad in ctx.store.list_objects("ad", account_id=ctx.account_id):
        if (ad.get("creative") or {}).get("id") == cid and ad.get("status") != "DELETED":
            raise invalid(
                f"The creative {cid} is used by ad {ad['id']}; delete the ad or point it at "
                "another creative first.",
                fields=["status"],
            )


def review(ctx: RequestContext, creative_id: str) -> dict[str, Any]:
    """Return the review outcome for an ad using `creative_id` (private doc keys).

    Ads are approved unless the setting `disapprove_terms` (a list, empty by default) names a
    term found in the creative's text: then, once review ends, the ad is DISAPPROVED with
    `ad_review_feedback` naming the term, as Meta reports policy rejections.
    """
    terms = [str(t).lower() for t in ctx.store.get_setting("disapprove_terms", []) or []]
    doc = ctx.store.get_object(creative_id, "adcreative") or {}
    text = json.dumps(doc.get("object_story_spec") or {}).lower()
    hit = next((t for t in terms if t and t in text), None)
    if hit is None:
        return {"_review": "APPROVED", "_feedback": None}
    return {
        "_review": "DISAPPROVED",
        "_feedback": {
            "global": {"Unacceptable Business Practices": f"The ad text mentions {hit!r}."}
        },
    }
