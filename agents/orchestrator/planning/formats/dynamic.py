"""Dynamic creative: "dynamic creative", "DCT", "let Meta mix them" → one ad with an asset feed.

The ad set becomes `is_dynamic_creative` and holds ONE ad whose creative (format "dynamic")
carries Meta's `asset_feed_spec`: every image and video of the brief, the quoted headlines and
primary texts verbatim (template copy only when the brief quotes none), one link and the call to
action. A brief that asks for separate ads or a test ("A/B test two headlines") keeps the
one-ad-per-variant structure (`structure.creatives`); Meta's limits (5 headlines, 10 images)
are the plan checks', which name the field.
"""

from __future__ import annotations

import re
from typing import Any

DYNAMIC = re.compile(r"\bdynamic\s+creatives?\b|\bdct\b|\blet\s+(?:meta|facebook|fb|the\s+algorithm)\s+"
                     r"(?:mix|combine|match|pick\s+the\s+best\s+combination|find\s+the\s+best\s+combination)"
                     r"(?:\s+(?:and\s+match|them|it|these))*\b|\bmix\s+(?:and|&)\s+match\b|"
                     r"\bdynamische\s+(?:anzeigen|kreative?)\b|\bcr[ée]ation\s+dynamique\b|"
                     r"\bcreativo\s+din[aá]mico\b|\bcriativo\s+din[aâ]mico\b", re.I)
FORMATS = {"image": "SINGLE_IMAGE", "video": "SINGLE_VIDEO"}
# "these 7 headlines", "4 Bilder", "2 textos": how many assets the feed gets (the list says it)
COUNTS = re.compile(r"\b\d{1,2}\s+(?:headlines?|titles?|texts?|bodies|primary\s+texts?|descriptions?|"
                    r"images?|pictures?|photos?|videos?|bilder|texte|titel|im[aá]genes|textos|"
                    r"t[ií]tulos|imagens|titres|visuels)\b", re.I)


def asks_dynamic(text: str) -> list[tuple[int, int]]:
    """Return the spans of the brief's asks for dynamic creative, with its counts (empty: none)."""
    asks = [m.span() for m in DYNAMIC.finditer(text)]
    return asks + [m.span() for m in COUNTS.finditer(text)] if asks else []


def dynamic_ad(ads: list[dict[str, Any]], headlines: list[str], bodies: list[str],
               descriptions: list[str], landing: str | None, cta: str) -> dict[str, Any]:
    """Fold the planned ads into one dynamic-creative ad (asset feed of every asset and text)."""
    images: list[dict[str, Any]] = []
    videos: list[dict[str, Any]] = []
    for ad in ads:
        for a in ad["creative"].get("assets") or []:
            target = images if a.get("kind") == "image" else videos
            if a not in target:
                target.append(a)
    first = ads[0]["creative"] if ads else {}
    titles = headlines or [first.get("headline", "")]
    texts = bodies or [first.get("primary_text", "")]
    feed: dict[str, Any] = {
        "images": images, "videos": videos,
        "titles": [{"text": t} for t in titles if t],
        "bodies": [{"text": b} for b in texts if b],
        "descriptions": [{"text": d} for d in descriptions],
        "call_to_action_types": [cta],
        "link_urls": [{"website_url": landing}] if landing else [],
        "ad_formats": [FORMATS["video" if videos and not images else "image"]],
    }
    creative: dict[str, Any] = {"format": "dynamic", "primary_text": texts[0] if texts else "",
                "headline": titles[0] if titles else "", "link": None, "call_to_action": cta,
                "assets": [], "asset_feed_spec": feed}
    if descriptions:
        creative["description"] = descriptions[0]
    n = len(images) + len(videos)
    return {"name": f"Dynamic creative: {n} asset{'s' if n != 1 else ''}, {len(feed['titles'])} "
            f"headline{'s' if len(feed['titles']) != 1 else ''}, {len(feed['bodies'])} text"
            f"{'s' if len(feed['bodies']) != 1 else ''}", "creative": creative}
