"""The shape of a rules-planned campaign: ad sets, ads, targeting and the experiment record.

One ad set per audience variant, one ad per creative variant or medium, and the experiment
record (`{"kind", "variants", "metric", "kpi", "stopping_rule"}`) the optimise loop reads.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import product
from string import ascii_uppercase
from typing import Any

from agents.orchestrator.planning import SPEND, WHO, Question
from agents.orchestrator.planning.audiences.custom import lookalikes
from agents.orchestrator.planning.copy import make_copy
from agents.orchestrator.planning.facts import Facts
from agents.orchestrator.planning.money.parse import PER_AD_SET
from agents.orchestrator.planning.names.derive import asset_label, media_ad_name, variant_ad_name
from agents.orchestrator.planning.people.splits import COUNTRY_WORDS, per_ad

KPI = {"OUTCOME_SALES": ("cost_per_purchase", "conversions"),
       "OUTCOME_LEADS": ("cost_per_lead", "conversions"),
       "OUTCOME_TRAFFIC": ("cost_per_link_click", "link_clicks"),
       "OUTCOME_AWARENESS": ("cpm", "impressions"),
       "OUTCOME_ENGAGEMENT": ("cost_per_engagement", "impressions"),
       "OUTCOME_APP_PROMOTION": ("cost_per_install", "conversions")}
LABELS = ascii_uppercase
THUMB = re.compile(r"thumb|poster|cover|still", re.I)


def ad_set_variants(f: Facts, restricted: bool = False) -> list[dict[str, Any]]:
    """Return per-ad-set targeting overrides (one entry = one ad set).

    Under a special ad category every ad set targets 18-65 and all genders, so audiences
    split by age or gender would be identical: they become one ad set (the adjustments say so).
    """
    aud = f.audience
    if len(f.copy_languages) >= 2:  # copy per language: one ad set per language
        return [{"locales": [c.locale], "label": c.name.title(), "copy": c.copy}
                for c in f.copy_languages]
    lals = lookalikes(f.caps.audiences)
    if f.caps.audiences.split_lookalikes and len(lals) >= 2:  # "1% and 5% lookalike, one ad set each"
        names = {a["key"]: a["name"] for a in f.caps.audiences.audiences}
        return [{"lookalike": ref, "label": names.get(ref["key"], ref["key"])} for ref in lals]
    if not restricted and len(aud.age_variants) >= 2:
        out: list[dict[str, Any]] = [{"age_min": lo, "age_max": hi, "label": f"{lo}-{hi}"}
                                     for lo, hi in aud.age_variants]
        for v, g in zip(out, aud.variant_genders, strict=False):  # "women 18-24 and men 45+"
            if g:
                v.update(genders=g, label=f"{v['label']} {'women' if g == [2] else 'men'}")
        return out
    if not restricted and (f.gender_split or f.split.by == "gender"):  # a test, or apart
        apart = not f.gender_split
        return [{"genders": [2], "label": "women", "split": apart},
                {"genders": [1], "label": "men", "split": apart}]
    countries = f.geo.countries
    # "one ad set per country", "$50 a day each" over several countries: apart, no test
    apart = (f.split.by == "place" and f.split.what in COUNTRY_WORDS or f.split.by is None
             and bool(f.money and f.money.per_ad_set)) and not f.geo.regions
    if (f.ab and not f.ab_creative or apart) and len(countries) >= 2 and not f.geo.cities:
        return [{"countries": [c], "label": c, "split": apart and not f.ab} for c in countries]
    found = f.interests.found
    if f.ab and not f.ab_creative and len(found) >= 2 and not f.broad and not restricted:
        return [{"interests": [i], "label": i["name"]} for i in found]
    return [{}]


def targeting(f: Facts, override: dict[str, Any], restricted: bool) -> dict[str, Any]:
    """Return Meta's targeting spec for one ad set (special categories stay broad)."""
    geo = f.geo.geo_locations()
    if "countries" in override:
        geo = {**geo, "countries": override["countries"]}
    t: dict[str, Any] = {"geo_locations": geo}
    excluded = f.geo.excluded_geo_locations()
    if "countries" in override:  # one country per ad set: leave out only what lies inside it
        excluded = {k: [x for x in v if x.get("country") in override["countries"]]
                    for k, v in excluded.items() if k != "countries"}
        excluded = {k: v for k, v in excluded.items() if v}
    if excluded:
        t["excluded_geo_locations"] = excluded
    aud = f.audience
    age_min = override.get("age_min", aud.age_min)
    age_max = override.get("age_max", aud.age_max)
    t["age_min"] = 18 if restricted or age_min is None else age_min
    t["age_max"] = 65 if restricted or age_max is None else age_max
    genders = override.get("genders", aud.genders)
    if genders and (not restricted or aud.gender_only):
        t["genders"] = genders  # "only men" in a special category: refused, never widened
    if "locales" in override:
        t["locales"] = override["locales"]
    elif f.locales:
        t["locales"] = f.locales
    if f.interests.excluded and not restricted:
        t["exclusions"] = {"interests": list(f.interests.excluded)}
    chosen = override.get("interests", f.interests.found)
    if chosen and not restricted:
        t["flexible_spec"] = [{"interests": chosen}]
    if "lookalike" in override:  # this ad set's own lookalike (capabilities adds the rest)
        t["custom_audiences"] = [dict(override["lookalike"])]
    t.update(f.placements)
    return t


def creatives(f: Facts, objective: str, landing: str | None, cta: str,
              override: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return the ads (name, variant, creative) of one ad set (its language's copy, if any)."""
    if override and "copy" in override:
        c = override["copy"]
        f = replace(f, headlines=list(c.headlines), primary=list(c.primary),
                    descriptions=list(c.descriptions),
                    description=c.descriptions[0] if c.descriptions else None)
    a = f.assets
    images = [{"kind": "image", "path": p} for p in a.images] + \
             [{"kind": "image", "url": u} for u in a.image_urls]
    videos = [{"kind": "video", "path": p} for p in a.videos] + \
             [{"kind": "video", "url": u} for u in a.video_urls]
    given = copy_variants(f)
    n_copy = len(given) if len(given) > 1 else \
        (f.ab_count if f.ab_creative and not (len(images) + len(videos) > 1) else 1)
    # Template copy only fills what the brief did not quote; quoted copy is kept verbatim.
    # In a test of quoted copy the fields the brief leaves out stay the same in every variant
    # (only what is tested differs).
    templates = make_copy(objective, f.brief, landing, n_copy)
    if len(given) > 1:
        templates = [templates[0]] * n_copy
    copies = [{**t, **given[i % len(given)]} for i, t in enumerate(templates)]
    base = {"link": None, "call_to_action": cta}
    if f.carousel and images:
        return [{"name": "Carousel", "creative": {**base, **copies[0], "format": "carousel",
                                                  "assets": images}}]
    # media: (format, assets of one ad). A still named as the video's thumbnail/poster rides
    # along with the video instead of becoming an image ad of its own.
    thumbs = [i for i in images if THUMB.search(str(i.get("path") or i.get("url")))] \
        if videos else []
    media: list[tuple[str, list[dict[str, Any]]]] = \
        [("image", [i]) for i in images if i not in thumbs] + \
        [("video", [v, *thumbs[:1]]) for v in videos]
    if len(copies) > 1:
        # A copy test: every copy variant on every image or video (none is dropped).
        combos = list(product(media or [("image", [])], copies))
        return [{"name": variant_ad_name(_label(i), c["headline"],
                                         asset_label(assets) if len(media) > 1 else None),
                 "variant": _label(i),
                 "creative": {**base, **c, "format": kind, "assets": assets}}
                for i, ((kind, assets), c) in enumerate(combos)]
    if not media:
        return [{"name": "Ad", "creative": {**base, **copies[0], "format": "image", "assets": []}}]
    test = f.ab_creative and len(media) > 1
    ads = []
    for i, (kind, assets) in enumerate(media):
        ad: dict[str, Any] = {"name": media_ad_name(kind, i + 1, asset_label(assets)),
                              "creative": {**base, **copies[0], "format": kind, "assets": assets}}
        if test:
            ad["variant"] = LABELS[i]
        ads.append(ad)
    return ads


def copy_variants(f: Facts) -> list[dict[str, str]]:
    """Quoted copy as variants: several headlines (or texts) = one ad each, every mix of them.

    Returns `[{}]` when the brief quotes no copy.
    """
    heads: list[str | None] = list(f.headlines) or [None]
    bodies: list[str | None] = list(f.primary) or [None]
    descs: list[str | None] = list(f.descriptions) or [f.description]
    out = []
    for h, b, d in product(heads, bodies, descs):
        given = {"headline": h, "primary_text": b, "description": d}
        out.append({k: v for k, v in given.items() if v is not None})
    return out


def _label(i: int) -> str:
    return LABELS[i] if i < len(LABELS) else f"{LABELS[i // len(LABELS) - 1]}{LABELS[i % len(LABELS)]}"


def experiment(f: Facts, objective: str, ad_sets: list[dict], audience_test: bool
                ) -> dict[str, Any] | None:
    """Return the experiment record when the plan holds labelled variants, else None."""
    metric, kpi = KPI[objective]
    days = f.schedule.days or 21
    rule = {"probability": 0.95, "min_days": min(7, max(3, days // 3)), "max_days": days}
    if audience_test:
        return {"kind": "audience", "variants": [{"label": s["variant"], "ad_set": s["name"]}
                                                 for s in ad_sets],
                "metric": metric, "kpi": kpi, "stopping_rule": rule}
    ads = ad_sets[0]["ads"] if ad_sets else []
    labelled = [a for a in ads if a.get("variant")]
    if len(labelled) >= 2:
        return {"kind": "creative", "variants": [{"label": a["variant"], "ad": a["name"]}
                                                 for a in labelled],
                "metric": metric, "kpi": kpi, "stopping_rule": rule}
    return None


def split_questions(f: Facts, n_sets: int, restricted: bool) -> list[Question]:
    """Ask about a budget or a split the plan cannot honour.

    "$20 a day per ad", "… each" over one ad set, "one ad set per city": never planned as one
    ad set without a word.
    """
    out: list[Question] = []
    m = f.money
    if m is not None and (end := per_ad(f.brief, m.end)) is not None:
        phrase = f.brief[m.start:end].strip()
        n = len(f.assets.images) + len(f.assets.videos) + len(f.assets.image_urls) + \
            len(f.assets.video_urls)
        num = re.search(r"\d[\d,]*(?:\.\d+)?", m.amount_text)
        total = ""
        if n > 1 and num and float(num.group(0).replace(",", "")) == m.amount:  # "$20" → "$40"
            whole = f"{m.amount * n:,.2f}".removesuffix(".00")
            total = f" ({n} ads at {m.amount_text} each: e.g. 'Budget: " \
                    f"{m.amount_text.replace(num.group(0), whole)} a day in total')"
        out.append(Question("budget", f"‘{phrase}’: Meta sets a budget on the campaign or on an "
                            "ad set, never on one ad. What should the campaign spend in all?"
                            f"{total}", "ambiguous", phrase, SPEND))
    elif m is not None and m.per_ad_set and n_sets == 1:
        each = PER_AD_SET.match(f.brief[m.end:m.end + 40])
        phrase = f.brief[m.start:m.end + (each.end() if each else 0)].strip()
        out.append(Question("budget", f"‘{phrase}’: the plan has one ad set, so 'each' has "
                            f"nothing to split over. Is {m.amount_text} the whole budget, or "
                            "which ad sets should the campaign have (e.g. 'one ad set per "
                            "country')?", "ambiguous", phrase, SPEND))
    if f.split.by and n_sets == 1 and not (restricted and f.split.by == "gender"):
        out.append(Question("ad_sets", f"‘{f.split.phrase}’: adpilot splits ad sets by country "
                            "(two or more countries) or by gender, not this way. Which ad sets "
                            "should the campaign have?", "unsupported", f.split.phrase, WHO))
    return out
