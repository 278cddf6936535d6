"""Launch an approved creative refresh: new ads beside the tired one, exactly once, gated.

`apply_refresh(client, args, *, card_args, policy, receipt, now, campaign_id, image_roots)`
takes the args of an approved (or edited) `refresh_creative` action (`agents/ads/refresh.py`)
and writes:

1. **The edit, checked** (`check_edit`): an edited approval may drop variants, rewrite a
   variant's copy (validated like the model's, `refresh_copy.CopyVariant`) or give a variant
   an image file; anything else that differs from the card — another ad, ad set or campaign,
   an image hash the card did not show, an unknown field — is refused with
   `RefreshArgsError` naming the field, and nothing is written.
2. **Meta, checked**: the tired ad must still be in the card's ad set and campaign (the loop's
   own campaign) with the card's creative.
3. **The money gate first**: switching on the new ads is an activation
   (`agents/ads/writes.py::activation_preview`); a policy that refuses it writes nothing.
4. Per variant: its image file (checked with `tools/asset_checks.py::check_image`, under the
   allowed folders, uploaded once), its creative (the tired creative's spec with the new
   copy) and its ad, both created PAUSED with provenance tags; then the ads are switched on
   through the gate (`activate_ads`), ledgered. The tired ad is never written.
5. Read back: every new ad ACTIVE in the tired ad's ad set, the tired ad's status unchanged.

**Exactly once**: every object's plan key derives from its variant's key; a re-run (a crash,
a lost response, another thread) adopts what exists (`writes.existing`) instead of creating
it again. Returns `{"status": "applied" | "partial" | "mismatch" | "refused", "created":
{"tired_ad_id", "adset_id", "ad_ids", "creative_ids", "image_hashes"}, "before", "after",
"refusals"}`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agents.ads.refresh import variant_params
from agents.ads.refresh_copy import CopyVariant, same
from agents.ads.variants import object_key
from agents.ads.writes import (
    activate_ads,
    activation_preview,
    create_creative,
    create_paused_ad,
    upload_once,
)
from agents.assets.nodes import file_digest
from tools.money import account_state

VARIANT_FIELDS = {"key", "name", "headline", "primary_text", "description", "image_hash",
                  "video_id", "copy_source", "image_file"}
COPY = ("headline", "primary_text", "description")
FIXED = ("name", "video_id", "copy_source")


class RefreshArgsError(ValueError):
    """An approved refresh that cannot be written as approved; `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _variant(i: int, v: Any, card: dict[str, dict[str, Any]], hashes: set[str],
             seen: set[str]) -> dict[str, Any]:
    where = f"args.variants[{i}]"
    if not isinstance(v, dict):
        raise RefreshArgsError(where, f"a variant is an object from the card, not {_short(v)}")
    unknown = sorted(set(v) - VARIANT_FIELDS)
    if unknown:
        raise RefreshArgsError(f"{where}.{unknown[0]}", "is not a field of a refresh variant "
                               f"(fields: {', '.join(sorted(VARIANT_FIELDS))})")
    key = v.get("key")
    if not isinstance(key, str) or key not in card:
        raise RefreshArgsError(f"{where}.key", "is not a variant on the card: an edit may drop "
                               "variants or rewrite their copy, not add new ones")
    if key in seen:
        raise RefreshArgsError(f"{where}.key", "names a variant already listed")
    seen.add(key)
    shown = card[key]
    for f in FIXED:
        if f in v and v[f] != shown.get(f):
            raise RefreshArgsError(f"{where}.{f}", f"differs from the card ({_short(shown.get(f))})")
    image = v.get("image_hash", shown.get("image_hash"))
    if image != shown.get("image_hash") and image not in hashes:
        raise RefreshArgsError(f"{where}.image_hash", f"{_short(image)} is not an image on the "
                               "card; to use a new image, give its file as image_file")
    out = {**shown, "image_hash": image}
    if "image_file" in v:
        if not isinstance(v["image_file"], str) or not v["image_file"].strip():
            raise RefreshArgsError(f"{where}.image_file", "is the name of an image file, e.g. "
                                   "shoe_blue.png")
        out["image_file"] = v["image_file"].strip()
    texts = {f: v.get(f, shown.get(f)) for f in COPY}
    try:
        CopyVariant.model_validate(texts)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RefreshArgsError(f"{where}.{err['loc'][0]}", str(err["msg"])) from None
    if any(not same(texts[f], shown.get(f)) for f in COPY):
        out.update(texts, copy_source="edited")
    return out


def check_edit(card_args: dict[str, Any], edited: Any) -> dict[str, Any]:
    """Return the args to write for an edited approval, or raise `RefreshArgsError`."""
    if not isinstance(edited, dict):
        raise RefreshArgsError("args", f"an edit's args are an object, not {_short(edited)}")
    for k in sorted(set(card_args) | set(edited)):
        if k == "variants":
            continue
        if k not in card_args:
            raise RefreshArgsError(f"args.{k}", "is not on the card")
        if k in edited and edited[k] != card_args[k]:
            raise RefreshArgsError(f"args.{k}", f"differs from the card ({_short(card_args[k])}):"
                                   " an edit may drop variants or rewrite their copy, not change "
                                   "the ad, ad set or creative the refresh runs on")
    variants = edited.get("variants", card_args["variants"])
    if not isinstance(variants, list) or not variants:
        raise RefreshArgsError("args.variants", "keep at least one variant of the card (reject "
                               "the action to create none)")
    card = {str(v["key"]): v for v in card_args["variants"]}
    hashes = {str(v["image_hash"]) for v in card_args["variants"] if v.get("image_hash")}
    seen: set[str] = set()
    return {**card_args, "variants": [_variant(i, v, card, hashes, seen)
                                      for i, v in enumerate(variants)]}


def _image(v: dict[str, Any], i: int, roots: list[Path] | None,
           targeting: dict[str, Any]) -> dict[str, Any]:
    """Check a variant's image file; return `{"path", "name", "sha256"}` for `upload_once`."""
    from tools.asset_checks import check_image

    where = f"args.variants[{i}].image_file"
    if not roots:
        raise RefreshArgsError(where, "this run allows no folder to read image files from")
    path = Path(v["image_file"]).expanduser()
    path = (path if path.is_absolute() else roots[0] / path).resolve()
    if not any(path.is_relative_to(r.resolve()) for r in roots):
        raise RefreshArgsError(where, f"{path.name} is outside the folders adpilot reads images "
                               f"from ({', '.join(str(r) for r in roots)})")
    problems, _ = check_image("refresh", path, {"targeting": targeting})
    if problems:
        raise RefreshArgsError(where, f"{problems[0]['message']} — {problems[0]['fix']}")
    return {"path": str(path), "name": path.name, "sha256": file_digest(path)}


def _check_meta(client: Any, args: dict[str, Any], campaign_id: str | None) -> dict[str, Any]:
    from tools.errors import PermanentError

    try:
        ad = client.get(str(args["ad_id"]), {"fields": "id,status,adset_id,campaign_id,creative"})
    except PermanentError as exc:
        raise RefreshArgsError("args.ad_id", f"is not an ad adpilot can read ({exc})") from None
    loop = str(campaign_id or args["campaign_id"])
    if str(ad.get("campaign_id")) != loop or str(args["campaign_id"]) != loop:
        raise RefreshArgsError("args.ad_id", f"{args['ad_id']} is in campaign "
                               f"{ad.get('campaign_id')}, not in the campaign this loop "
                               f"optimises ({loop})")
    if str(ad.get("adset_id")) != str(args["adset_id"]):
        raise RefreshArgsError("args.adset_id", f"ad {args['ad_id']} is in ad set "
                               f"{ad.get('adset_id')} on Meta, not {args['adset_id']}")
    if str((ad.get("creative") or {}).get("id")) != str(args["creative_id"]):
        raise RefreshArgsError("args.creative_id", "the ad's creative changed on Meta since the "
                               "card was shown; wait for the next cycle's card")
    return ad


def apply_refresh(client: Any, args: dict[str, Any], *, card_args: dict[str, Any] | None = None,
                  policy: Any, receipt: str | None, now: datetime,
                  campaign_id: str | None = None,
                  image_roots: list[Path] | None = None) -> dict[str, Any]:
    """Create the approved variants as new ads beside the tired one (module docstring)."""
    if card_args is not None and args != card_args:
        args = check_edit(card_args, args)
    tired = _check_meta(client, args, campaign_id)
    act, adset_id = str(args["account_id"]), str(args["adset_id"])
    images: dict[int, dict[str, Any]] = {}
    if any(v.get("image_file") for v in args["variants"]):
        targeting = client.get(adset_id, {"fields": "targeting"}).get("targeting") or {}
        images = {i: _image(v, i, image_roots, targeting)
                  for i, v in enumerate(args["variants"]) if v.get("image_file")}
    ad_ids: list[str] = []
    creative_ids: list[str] = []
    hashes: list[str | None] = []
    created = {"tired_ad_id": str(args["ad_id"]), "adset_id": adset_id, "ad_ids": ad_ids,
               "creative_ids": creative_ids, "image_hashes": hashes}
    snapshot = account_state(client, now=now)
    refused = activation_preview(policy, snapshot, len(args["variants"]))
    if refused:
        return {"status": "refused", "created": created, "before": None, "after": None,
                "refusals": [r.as_dict() for r in refused[:1]]}
    for i, v in enumerate(args["variants"]):
        key = str(v["key"])
        new_hash = (upload_once(client, images[i], object_key(key, "image")) if i in images
                    else v.get("image_hash") if v.get("image_hash") != _own_hash(args) else None)
        try:
            params = variant_params(args, v, new_hash)
        except ValueError as exc:
            raise RefreshArgsError(f"args.variants[{i}]", str(exc)) from None
        creative_id = create_creative(client, act, params, object_key(key, "creative"))
        creative_ids.append(creative_id)
        hashes.append(new_hash or v.get("image_hash"))
        ad_ids.append(create_paused_ad(client, act, str(v["name"]), adset_id, creative_id,
                                       object_key(key, "ad"), receipt))
    refusals = activate_ads(client, ad_ids, policy, receipt, now)
    after = {i: client.get(i, {"fields": "status,adset_id"}) for i in ad_ids}
    tired_now = str(client.get(str(args["ad_id"]), {"fields": "status"}).get("status"))
    ok = all(str(a.get("status")) == "ACTIVE" and str(a.get("adset_id")) == adset_id
             for a in after.values()) and tired_now == str(tired.get("status"))
    return {"status": "partial" if refusals else "applied" if ok else "mismatch",
            "created": created, "refusals": refusals,
            "before": {"ad_id": str(args["ad_id"]), "status": tired.get("status")},
            "after": {"tired_ad_status": tired_now,
                      "ads": {i: {"status": a.get("status"), "adset_id": a.get("adset_id")}
                              for i, a in after.items()}}}


def _own_hash(args: dict[str, Any]) -> str | None:
    """Return the tired creative's own image hash (a variant keeping it changes no image)."""
    story = (args.get("creative") or {}).get("object_story_spec") or {}
    link = story.get("link_data") or {}
    if link.get("image_hash"):
        return str(link["image_hash"])
    feed = (args.get("creative") or {}).get("asset_feed_spec") or {}
    hashes = [i.get("hash") for i in feed.get("images") or [] if isinstance(i, dict)]
    return str(hashes[0]) if hashes else None
