"""Turn a `CampaignPlan` into the Meta create tree `tools/launch.py::launch_tree` consumes.

```
{"audiences": [{"key", "handle", "kind", "params", ...}],             # state/meta_tree_audiences
 "lead_form": {"key", "page_id", "params"} | {"key", "form_id"} | None,
 "campaign": {"key", "params"},
 "ad_sets":   [{"key", "params"}],                                   # campaign_id: launcher
 "creatives": [{"key", "params", "ad_set_key"}],
 "ads":       [{"key", "params", "ad_set_key", "creative_key"}]}     # adset_id, creative: launcher
```

Params are Meta's create parameters; everything is created PAUSED; the campaign, ad sets,
creatives and ads carry the provenance ad label `ap-<key[:8]>` (`state.provenance.label_for`),
and their names end with the tag ` [ap:<key[:8]>]` only with `ADPILOT_NAME_TAGS=on`
(`state.provenance.visible_name`; audiences and the lead form, which take no label, always
carry it). `image_hashes` and
`video_ids` are keyed by `AssetRef.ref` (the path or URL), or by the asset's `sha256` when set.
Audiences and the lead form come before the campaign; ad sets and creatives refer to them by
placeholders (`{audience:<key>}`, `{lead_form:<key>}`) the launcher fills in. Destinations'
calls to action and dynamic creative: `state/meta_tree_creatives.py`.
"""

from __future__ import annotations

from typing import Any

from state.meta_tree_audiences import (
    audience_nodes,
    audience_refs,
    lead_form_node,
    placeholder,
)
from state.meta_tree_creatives import (
    PAGE_DESTINATIONS,
    asset_feed_spec,
    call_to_action,
    story_link,
)
from state.plan import (
    AdSetPlan,
    AssetRef,
    CampaignPlan,
    CreativePlan,
    advantage_audience,
    budget_for_ad_set,
    campaign_bid_strategy,
    lead_form_key,
    load_plan,
    targets_eu,
    uses_cbo,
)
from state.provenance import visible_name, with_label

NAME_LIMITS = {"campaign": 400, "ad_set": 400, "creative": 100, "ad": 400}


def _name(base: str, key: str, kind: str) -> str:
    return visible_name(base, key, NAME_LIMITS[kind])


def _lookup(asset: AssetRef, table: dict[str, str], what: str) -> str:
    for k in (asset.sha256, asset.ref):
        if k and k in table:
            return table[k]
    raise KeyError(f"no uploaded {what} for asset {asset.ref!r}; upload it before launching")


def _story(creative: CreativePlan, page_id: str, image_hashes: dict[str, str],
           video_ids: dict[str, str], landing: str | None, destination: str | None = None,
           lead_form: str | None = None) -> dict[str, Any]:
    link = story_link(creative, landing, destination)

    def _cta(creative: CreativePlan, link: str | None) -> dict[str, Any]:
        return call_to_action(creative, link, destination, lead_form)

    images = [a for a in creative.assets if a.kind == "image"]
    videos = [a for a in creative.assets if a.kind == "video"]
    if creative.format == "video":
        data: dict[str, Any] = {
            "video_id": _lookup(videos[0], video_ids, "video"),
            "message": creative.primary_text,
            "title": creative.headline,
            "call_to_action": _cta(creative, link),
        }
        if creative.description:
            data["link_description"] = creative.description
        if images:
            data["image_hash"] = _lookup(images[0], image_hashes, "image")
        elif f"{videos[0].ref}#thumbnail" in image_hashes:
            data["image_hash"] = image_hashes[f"{videos[0].ref}#thumbnail"]
        return {"page_id": page_id, "video_data": data}
    link_data: dict[str, Any] = {"link": link, "message": creative.primary_text}
    if creative.format == "carousel":
        cards = creative.cards or []
        link_data["child_attachments"] = [
            {
                "link": card.link or link,
                "image_hash": _lookup(card.asset, image_hashes, "image"),
                "name": card.headline or creative.headline,
                **({"description": card.description} if card.description else {}),
                "call_to_action": _cta(creative, card.link or link),
            }
            for card in cards
        ]
        link_data["multi_share_optimized"] = True
    else:
        link_data["name"] = creative.headline
        if creative.description:
            link_data["description"] = creative.description
        if images:
            link_data["image_hash"] = _lookup(images[0], image_hashes, "image")
    link_data["call_to_action"] = _cta(creative, link)
    return {"page_id": page_id, "link_data": link_data}


def _geo(raw: dict[str, Any]) -> dict[str, Any]:
    # Drop empty geo lists and our display-only city fields; Meta wants {key, radius, unit}.
    geo = {k: v for k, v in raw.items() if v not in ([], None)}
    if "cities" in geo:
        geo["cities"] = [{k: v for k, v in c.items() if k in ("key", "radius", "distance_unit")}
                         for c in geo["cities"]]
    if "regions" in geo:
        geo["regions"] = [{"key": r["key"]} for r in geo["regions"]]
    return geo


def _targeting(p: CampaignPlan, s: AdSetPlan) -> dict[str, Any]:
    spec = s.targeting.model_dump(mode="json", exclude_none=True)
    out = {**spec, "geo_locations": _geo(spec.get("geo_locations", {}))}
    if spec.get("excluded_geo_locations"):
        out["excluded_geo_locations"] = _geo(spec["excluded_geo_locations"])
    for field in ("custom_audiences", "excluded_custom_audiences"):
        if field in out:
            out[field] = audience_refs(p, getattr(s.targeting, field))
    adv = advantage_audience(s.targeting)
    if adv is not None:  # Meta needs an explicit choice for a narrowed ad set (v23+)
        out["targeting_automation"] = {**(out.get("targeting_automation") or {}),
                                       "advantage_audience": adv}
    return out


def _creative_params(p: CampaignPlan, s: AdSetPlan, c: CreativePlan, name: str, page_id: str,
                     image_hashes: dict[str, str], video_ids: dict[str, str],
                     instagram_user_id: str | None) -> dict[str, Any]:
    if c.format == "dynamic":
        story: dict[str, Any] = {"page_id": page_id}
        if instagram_user_id:
            story["instagram_user_id"] = instagram_user_id
        feed = asset_feed_spec(
            c, lambda a, what: _lookup(a, image_hashes if what == "image" else video_ids, what),
            image_hashes, p.landing_url)
        return {"name": name, "object_story_spec": story, "asset_feed_spec": feed}
    form = (placeholder("lead_form", lead_form_key(p))
            if s.destination_type == "ON_AD" and p.lead_form is not None else None)
    return {"name": name, "object_story_spec": _story(c, page_id, image_hashes, video_ids,
                                                      p.landing_url, s.destination_type, form)}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def to_meta_tree(plan: CampaignPlan | dict[str, Any], *, account_id: str, page_id: str,
                 image_hashes: dict[str, str], video_ids: dict[str, str],
                 pixel_id: str | None = None,
                 instagram_user_id: str | None = None) -> dict[str, Any]:
    """Build Meta create params for every node of the plan (see the module docstring).

    `pixel_id` is the account's pixel (website audiences without their own);
    `instagram_user_id` the page's Instagram account, if any (dynamic creatives, and the
    default source of Instagram engagement audiences).
    """
    p = load_plan(plan)
    assert p.key is not None
    cbo = uses_cbo(p)
    campaign: dict[str, Any] = {
        "name": _name(p.name, p.key, "campaign"),
        "objective": p.objective,
        "status": "PAUSED",
        "buying_type": "AUCTION",
        "special_ad_categories": [c for c in p.special_ad_categories if c != "NONE"],
    }
    if campaign["special_ad_categories"]:
        countries = p.special_ad_category_country or sorted(
            {c for s in p.ad_sets for c in s.targeting.geo_locations.countries})
        campaign["special_ad_category_country"] = countries
    if cbo and p.budget is not None:
        campaign[f"{p.budget.kind}_budget"] = p.budget.amount_minor
        campaign["bid_strategy"] = campaign_bid_strategy(p)
        if p.budget.kind == "lifetime" and p.end_time is not None:
            # A campaign's lifetime budget runs to its stop time: Meta paces it over the days
            # left, and the money gate spreads it the same way (not as one day's spend).
            campaign["stop_time"] = _iso(p.end_time)
    else:
        campaign["is_adset_budget_sharing_enabled"] = False
    tree: dict[str, Any] = {"account_id": account_id,
                            "audiences": audience_nodes(p, page_id=page_id, pixel_id=pixel_id,
                                                        instagram_id=instagram_user_id),
                            "lead_form": lead_form_node(p, page_id=page_id),
                            "campaign": {"key": p.key, "params": with_label(campaign, p.key)},
                            "ad_sets": [], "creatives": [], "ads": []}
    for i, s in enumerate(p.ad_sets):
        assert s.key is not None
        params: dict[str, Any] = {
            "name": _name(s.name, s.key, "ad_set"),
            "status": "PAUSED",
            "optimization_goal": s.optimization_goal,
            "billing_event": s.billing_event,
            "targeting": _targeting(p, s),
        }
        if s.destination_type:
            params["destination_type"] = s.destination_type
        if s.promoted_object:
            params["promoted_object"] = s.promoted_object
        elif s.destination_type in PAGE_DESTINATIONS:
            params["promoted_object"] = {"page_id": page_id}
        if s.is_dynamic_creative:
            params["is_dynamic_creative"] = True
        if s.bid_constraints is not None:
            params["bid_constraints"] = s.bid_constraints.model_dump(mode="json")
        if p.start_time:
            params["start_time"] = _iso(p.start_time)
        if p.end_time:
            params["end_time"] = _iso(p.end_time)
        budget = None if cbo else budget_for_ad_set(p, i)
        if budget is not None:
            params[f"{budget.kind}_budget"] = budget.amount_minor
            params["bid_strategy"] = s.bid_strategy or p.bid_strategy
        # under a campaign budget the strategy is the campaign's (Meta refuses it on the ad
        # set); the ad set keeps its bid_amount / bid_constraints
        if s.bid_amount is not None:
            params["bid_amount"] = s.bid_amount
        if targets_eu(s) or s.dsa_payor or p.dsa_payor:
            params["dsa_payor"] = s.dsa_payor or p.dsa_payor
            params["dsa_beneficiary"] = s.dsa_beneficiary or p.dsa_beneficiary
        tree["ad_sets"].append({"key": s.key, "params": with_label(params, s.key)})
        for ad in s.ads:
            c = ad.creative
            assert ad.key is not None and c.key is not None
            ckey: str = c.key
            tree["creatives"].append({
                "key": ckey, "ad_set_key": s.key,
                "params": with_label(_creative_params(
                    p, s, c, _name(ad.name, ckey, "creative"), page_id, image_hashes, video_ids,
                    instagram_user_id), ckey),
            })
            tree["ads"].append({
                "key": ad.key, "ad_set_key": s.key, "creative_key": ckey,
                "params": with_label({"name": _name(ad.name, ad.key, "ad"), "status": "PAUSED"},
                                     ad.key),
            })
    return tree
