"""Dynamic creative checks: `asset_feed_spec` only in a `dynamic` creative on an `is_dynamic_creative` ad set.

docs/facts-bidding-placements-destinations.md §4: one ad per dynamic-creative ad set; at most
10 images, 10 videos, 5 titles, bodies, descriptions and call-to-action types, exactly one
link URL, 30 assets in all; titles and descriptions up to 255 characters, bodies 1,024; one ad
format, CAROUSEL_IMAGE with at least two images. The counts are [3P] (AiTarget, Zernio) and
live in `state/rules.py` (`DC_*`) so the sandbox refuses the same feeds.
"""

from __future__ import annotations

from state import rules
from state.plan import AdSetPlan, AssetFeedPlan
from state.plan_findings import Findings

__all__ = ["check_dynamic"]


def check_dynamic(ck: Findings, i: int, s: AdSetPlan) -> None:
    """Ad set `i`'s dynamic-creative setup and every asset feed in it."""
    base = f"ad_sets[{i}]"
    if s.is_dynamic_creative and len(s.ads) > 1:
        ck.bad(f"{base}.ads", f"a dynamic-creative ad set holds one ad, this one has {len(s.ads)}",
               "put the variations in one ad's asset_feed_spec, or turn is_dynamic_creative "
               "off and keep separate ads", "dynamic")
    for j, ad in enumerate(s.ads):
        c, path = ad.creative, f"{base}.ads[{j}].creative"
        if c.format == "dynamic" and not s.is_dynamic_creative:
            ck.bad(f"{base}.is_dynamic_creative", "a dynamic creative runs only in an ad set "
                   "with is_dynamic_creative on (Meta: 1885998)", "set is_dynamic_creative "
                   "to true on this ad set, or use an image, video or carousel ad", "dynamic")
        if c.asset_feed_spec is not None and c.format != "dynamic":
            ck.bad(f"{path}.asset_feed_spec", f"asset_feed_spec belongs to dynamic creatives, "
                   f"not {c.format}", "set format to dynamic, or remove asset_feed_spec",
                   "dynamic")
        if c.format == "dynamic":
            if c.asset_feed_spec is None:
                ck.bad(f"{path}.asset_feed_spec", "a dynamic creative needs its assets",
                       "add asset_feed_spec with images, titles, bodies and one link URL",
                       "dynamic")
            else:
                _feed(ck, f"{path}.asset_feed_spec", c.asset_feed_spec)
        elif s.is_dynamic_creative:
            ck.bad(f"{path}.format", "a dynamic-creative ad set needs a dynamic creative",
                   "set format to dynamic with an asset_feed_spec, or turn is_dynamic_creative "
                   "off", "dynamic")


def _feed(ck: Findings, path: str, feed: AssetFeedPlan) -> None:
    for key, most in rules.DC_MAX_COUNTS.items():
        n = len(getattr(feed, key))
        if n > most:
            ck.bad(f"{path}.{key}", f"{n} {key}; Meta allows at most {most}",
                   f"keep your best {most}", "dynamic")
    total = sum(len(getattr(feed, k)) for k in ("images", "videos", "titles", "bodies",
                                                 "descriptions"))
    if total > rules.DC_MAX_ASSETS:
        ck.bad(path, f"{total} assets in one feed; Meta allows {rules.DC_MAX_ASSETS}",
               "drop some images, videos or texts", "dynamic")
    if len(feed.link_urls) != 1:
        ck.bad(f"{path}.link_urls", f"a feed needs exactly one link URL, found "
               f"{len(feed.link_urls)}", "keep one website_url (the landing page)", "dynamic")
    for k, link in enumerate(feed.link_urls):
        ck.url(f"{path}.link_urls[{k}].website_url", link.website_url)
    for key, most in rules.DC_TEXT_MAX.items():
        for k, text in enumerate(getattr(feed, key)):
            if len(text.text) > most:
                ck.bad(f"{path}.{key}[{k}].text", f"{len(text.text)} characters; Meta allows "
                       f"{most}", f"shorten it to {most} characters", "dynamic")
    if len(feed.ad_formats) != 1:
        ck.bad(f"{path}.ad_formats", f"a feed takes exactly one ad format, found "
               f"{len(feed.ad_formats)}", "use one of " + ", ".join(rules.DC_AD_FORMATS) +
               " (AUTOMATIC_FORMAT mixes images and videos)", "dynamic")
    for k, fmt in enumerate(feed.ad_formats):
        if fmt not in rules.DC_AD_FORMATS:
            ck.bad(f"{path}.ad_formats[{k}]", f"{fmt!r} is not an asset-feed ad format",
                   "use one of " + ", ".join(rules.DC_AD_FORMATS), "dynamic")
    formats = set(feed.ad_formats)
    if "CAROUSEL_IMAGE" in formats and len(feed.images) < 2:
        ck.bad(f"{path}.images", "a carousel feed needs at least two images",
               "add a second image or use SINGLE_IMAGE", "dynamic")
    if formats & {"SINGLE_IMAGE", "CAROUSEL_IMAGE"} and not feed.images:
        ck.bad(f"{path}.images", "an image feed has no images", "add images", "dynamic")
    if "SINGLE_VIDEO" in formats and not feed.videos:
        ck.bad(f"{path}.videos", "a video feed has no videos", "add videos", "dynamic")
    if not (feed.titles or feed.bodies):
        ck.warn(f"{path}.bodies", "the feed has no text to vary", "add titles and bodies",
                "dynamic")
    for k, cta in enumerate(feed.call_to_action_types):
        if cta not in rules.CALL_TO_ACTION_TYPES:
            ck.bad(f"{path}.call_to_action_types[{k}]", f"{cta!r} is not a call to action "
                   "Meta knows", "use e.g. SHOP_NOW, LEARN_MORE or SIGN_UP", "dynamic")
