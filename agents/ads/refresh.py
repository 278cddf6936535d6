"""A creative refresh's proposal: read the tired ad's creative, write the variants into the card.

`fill_refresh(client, action, *, account_id, campaign_id, model=, home=)` takes a
`refresh_creative` action from the optimise loop's pure decisions
(`agents/optimize/decide/refresh.py`: which ad and why) and returns it with concrete args, so
the approval card shows — and its receipt pins — exactly what would be created. Reads only.

The tired ad's creative is read from Meta (`object_story_spec` `link_data` or `video_data`:
message, name/headline, description, link, image_hash / video, call_to_action; or an
`asset_feed_spec`). Copy comes from `agents/ads/refresh_copy.py` (model or templates). The
image is the tired ad's own, reused by hash (no upload); a person may give a variant a new
image file by editing the card (`image_file`, checked and uploaded on approval,
`agents/ads/refresh_apply.py`).

Filled args::

    {"ad_id", "adset_id", "campaign_id", "account_id", "creative_id",
     "creative": {the tired creative's copyable spec: object_story_spec / asset_feed_spec /
                  url_tags, and its name},
     "variants": [{"key", "name", "headline", "primary_text", "description",
                   "image_hash" | "video_id", "copy_source": "model" | "template"}],
     "key"}

and `action["refresh"]` holds what the card says beside them (names, notes). A creative
adpilot cannot copy (a page post, a carousel) turns the action into advice saying why.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from agents.ads.refresh_copy import Original, write_copies
from agents.ads.variants import IMAGE, Change, copy_into, image_into
from state.provenance import display_name

AD_FIELDS = "id,name,status,adset_id,campaign_id,creative"
CREATIVE_FIELDS = "id,name,object_story_spec,asset_feed_spec,url_tags"
COPYABLE = ("object_story_spec", "asset_feed_spec", "url_tags")
# A variant's copy field → the field name `agents/ads/variants.py::copy_into` takes.
COPY_FIELDS = {"headline": "headline", "primary_text": "primary text",
               "description": "description"}


def original_of(creative: dict[str, Any]) -> tuple[Original, dict[str, Any]] | str:
    """Return the creative's copy and its media (`{"image_hash"}` / `{"video_id"}`), or why not."""
    story = creative.get("object_story_spec") or {}
    feed = creative.get("asset_feed_spec") or {}
    if isinstance(story.get("link_data"), dict):
        d = story["link_data"]
        if d.get("child_attachments"):
            return ("it is a carousel: each card has its own headline and image, so a refresh "
                    "is a creative task for a person")
        cta = d.get("call_to_action") or {}
        media = {"image_hash": d.get("image_hash")} if d.get("image_hash") else {}
        if not media:
            return "its image is a URL, not an image in the ad account that a new ad can reuse"
        return Original(str(d.get("name") or ""), str(d.get("message") or ""),
                        d.get("description"), str(d.get("link") or ""),
                        str(cta.get("type") or "")), media
    if isinstance(story.get("video_data"), dict):
        d = story["video_data"]
        cta = d.get("call_to_action") or {}
        return Original(str(d.get("title") or ""), str(d.get("message") or ""),
                        d.get("link_description"), str((cta.get("value") or {}).get("link") or ""),
                        str(cta.get("type") or "")), {"video_id": d.get("video_id")}
    if feed:
        def first(key: str) -> str:
            items = [i.get("text") for i in feed.get(key) or [] if isinstance(i, dict)]
            return str(items[0]) if items else ""
        hashes = [i.get("hash") for i in feed.get("images") or [] if isinstance(i, dict)]
        links = [i.get("website_url") for i in feed.get("link_urls") or [] if isinstance(i, dict)]
        return Original(first("titles"), first("bodies"), first("descriptions") or None,
                        str(links[0] if links else ""),
                        str((feed.get("call_to_action_types") or [""])[0])), (
            {"image_hash": hashes[0]} if hashes else {})
    return ("its creative uses an existing page post (no link, video or flexible-format spec "
            "adpilot can copy)")


def variant_params(args: dict[str, Any], variant: dict[str, Any],
                   image_hash: str | None) -> dict[str, Any]:
    """Return one variant creative's create params: the tired creative's spec, new copy/image.

    `image_hash` replaces the tired ad's image (a new file's hash, or another image on the
    card); None keeps the spec's own. Raises ValueError when the spec cannot take the copy.
    """
    spec = copy.deepcopy(args["creative"])
    name = display_name(str(spec.pop("name", "") or "Creative"))
    for key, field in COPY_FIELDS.items():
        text = variant.get(key)
        if text in (None, ""):
            continue
        why = copy_into(spec, Change("copy", field, after=text))
        if why:
            raise ValueError(why)
    if image_hash is not None:
        why = image_into(spec, Change("image", "image"))
        if why:
            raise ValueError(why)
        spec = json.loads(json.dumps(spec).replace(json.dumps(IMAGE)[1:-1], image_hash))
    spec["name"] = f"{name} — {variant['name'].rsplit(' — ', 1)[-1]}"
    return spec


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _advice(action: dict[str, Any], why: str) -> dict[str, Any]:
    """Turn the refresh into a noted task: adpilot cannot write this one itself (why)."""
    name = display_name(str((action.get("target") or {}).get("name") or ""))
    return {**action, "args": {"ad_id": action["args"]["ad_id"],
                               "adset_id": action["args"].get("adset_id")},
            "advice": True, "reasons": [*action.get("reasons", []),
                                        f"adpilot cannot write the new variants: {why}"],
            "expected_effect": {**action.get("expected_effect", {}),
                                "text": f"a person refreshes {name}'s creative (new image or "
                                        "copy); approve to record the task"}}


def _copies_in_adset(client: Any, adset_id: str, ad_id: str) -> list[tuple[str, str]]:
    """Return (headline, primary text) of the ad set's other ads.

    Copy already tried there is never offered again: a refresh judged "regressed" must not
    come back word for word.
    """
    if not adset_id:
        return []
    ads = client.get_all(f"{adset_id}/ads", {"fields": f"id,creative{{{CREATIVE_FIELDS}}}"},
                         limit=200)
    out = []
    for a in ads:
        read = original_of(a.get("creative") or {}) if str(a.get("id")) != ad_id else None
        if read is not None and not isinstance(read, str):
            out.append((read[0].headline, read[0].primary_text))
    return out


def fill_refresh(client: Any, action: dict[str, Any], *, account_id: str, campaign_id: str,
                 model: Any = None, home: Any = None) -> dict[str, Any]:
    """Return the `refresh_creative` action with its variants written into its args (reads only)."""
    from tools.errors import PermanentError

    ad_id = str(action["args"]["ad_id"])
    n = int(action["args"].get("n_variants") or 2)
    try:
        ad = client.get(ad_id, {"fields": AD_FIELDS})
        ref = str((ad.get("creative") or {}).get("id") or "")
        creative = client.get(ref, {"fields": CREATIVE_FIELDS}) if ref else {}
        adset = client.get(str(ad.get("adset_id")), {"fields": "id,name,status"})
    except PermanentError as exc:
        return _advice(action, f"its creative could not be read ({exc})")
    read = original_of(creative)
    if isinstance(read, str):
        return _advice(action, read)
    original, media = read
    tried = _copies_in_adset(client, str(ad.get("adset_id") or ""), ad_id)
    copies, notes = write_copies(original, n, model=model, home=home, avoid=tried)
    base = {k: copy.deepcopy(creative[k]) for k in COPYABLE if creative.get(k)}
    base["name"] = display_name(str(creative.get("name") or "Creative"))
    ad_name = display_name(str(ad.get("name") or ad_id))
    variants = []
    for i, c in enumerate(copies):
        v = {"name": f"{ad_name} — refresh {i + 1}", **c, **media}
        v["key"] = _key(ad_id, ref, i, c["headline"], c["primary_text"], media)
        variants.append(v)
    args = {"ad_id": ad_id, "adset_id": str(ad.get("adset_id")), "campaign_id": campaign_id,
            "account_id": account_id, "creative_id": ref, "creative": base,
            "variants": variants}
    try:
        for v in variants:
            variant_params(args, v, None)  # the card offers only what can be written
    except ValueError as exc:
        return _advice(action, str(exc))
    if not variants:
        return _advice(action, "no copy variant could be written")
    args["key"] = _key(args["ad_id"], ref, [v["key"] for v in variants])
    copy_from = ("the model" if any(v["copy_source"] == "model" for v in variants)
                 else "offline templates")
    return {**action, "args": args,
            "refresh": {"ad": ad_name, "adset": display_name(str(adset.get("name") or "")),
                        "original": {"headline": original.headline,
                                     "primary_text": original.primary_text,
                                     "description": original.description},
                        "copy_from": copy_from, "notes": notes}}
