"""Ad copy for the rules planner: copy the brief states, or variants from `prompts/templates.py`.

Everything returned fits Meta's text guidance (primary ≤ 125, headline ≤ 40, description ≤ 30
characters): template fills that run long are shortened at a word boundary, never mid-word.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlparse

from agents.orchestrator.planning.names.given import given_name
from agents.orchestrator.planning.parse_copy import find_copy
from prompts import templates
from state import rules

PRODUCT_RE = re.compile(r"\b(?:promot(?:e|ing)|advertis(?:e|ing)|launch(?:ing)?|sell(?:ing)?|"
                        r"push(?:ing)?|market(?:ing)?|showcas(?:e|ing)|announc(?:e|ing)|"
                        r"ads?\s+for|campaign\s+for|get\s+the\s+word\s+out\s+about|"
                        r"(?:for|about|of)(?=\s+(?:our|my)\b))\s+(?:(?:our|my|"
                        r"the|a|an|some|new)\b)?\s*(?:new\s+|brand[- ]new\s+|latest\s+)?"
                        r"(?P<p>[A-Za-z][\w'&-]*(?:\s+[A-Za-z][\w'&-]*){0,4})", re.I)
PRODUCT_STOP = re.compile(r"\s+\b(?:https?|www|to|in|for|on|at|with|across|from|and|aimed|targeting|"
                          r"starting|budget|this|next|online|via|using|by|who|that|near|around|"
                          r"over|during|until|before|after)\b.*$", re.I)
OFFER_RE = re.compile(r"\b(\d{1,2}\s?%\s+off|free\s+shipping|buy\s+one,?\s+get\s+one(?:\s+free)?|"
                      r"bogo|\d{1,2}\s?%\s+discount)\b", re.I)


# "push it live", "don't launch yet": the verb is about the campaign, not a product.
NOT_A_PRODUCT = {"it", "this", "that", "them", "us", "these", "those", "yet", "now", "today",
                 "tomorrow", "immediately", "asap", "live", "right", "soon", "paused", "off",
                 "on", "everything"}
# What follows "campaign for" but names no product: a web address, a file, a list of people.
NOT_PRODUCT_AT = re.compile(r"(?:https?:|www\.|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b|[\w~./-]+\.(?:csv|tsv|"
                            r"txt|xlsx?)\b|(?:(?:existing|current|past)\s+)?(?:customer|client|email|"
                            r"e-mail|contact|crm|mailing|subscriber)s?\s+(?:lists?|files?|base)\b|"
                            r"(?:look-?a-?likes?|lals?|retargeting|website\s+visitors)\b)", re.I)
GENERIC = re.compile(r"^(?:\w+\s+){0,2}(?:campaigns?|ads?|adverts?|promotions?)$", re.I)


def product_of(brief: str) -> str | None:
    """Return what the brief advertises ("trail running shoes"), or None.

    "Launch a sales campaign for our trail shoes" names the campaign first: a generic phrase
    ("sales campaign", "new ads") is skipped and the search goes on from inside it, where
    "campaign for our trail shoes" names the product.
    """
    if given := given_name(brief):  # "a campaign named 'Winter Boots'" names no product
        a, b = given.span
        brief = f"{brief[:a]}campaign{brief[b:]}"  # "… a sales campaign for our boots"
    pos = 0
    while m := PRODUCT_RE.search(brief, pos):
        if NOT_PRODUCT_AT.match(brief, m.start("p")):
            pos = m.end()  # "campaign for https://shop.example.com", "ads for our customer list"
            continue
        p = PRODUCT_STOP.sub("", m.group("p")).strip(" .,'")
        if p and not GENERIC.match(p) and p.split()[0].lower() not in NOT_A_PRODUCT:
            return p
        pos = m.start("p")
    return None


def brand_of(url: str | None) -> str:
    """Return a brand name from the landing page's domain ("shop.acme.com" → "Acme")."""
    if not url:
        return "us"
    host = urlparse(url).netloc.lower().removeprefix("www.")
    parts = [p for p in host.split(".") if p not in ("shop", "store", "get", "try", "app", "go")]
    name = parts[0] if parts else host
    return name.replace("-", " ").title()


def offer_of(brief: str) -> str | None:
    """Return an offer stated in the brief ("20% off", "free shipping"), or None."""
    m = OFFER_RE.search(brief)
    return m.group(1) if m else None


def shorten(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters at a word boundary (no ellipsis: Meta adds its own)."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-&")
    return cut or text[:limit]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _fill(template: str, product: str, brand: str, offer: str | None) -> str:
    cap = _cap
    out = template.format(product=product, Product=cap(product), brand=brand, Brand=cap(brand),
                          offer=offer or "", Offer=f"{cap(offer)}! " if offer else "")
    return re.sub(r"\s+", " ", out).strip()


def make_copy(objective: str, brief: str, landing_url: str | None, n: int = 1
              ) -> list[dict[str, str]]:
    """Return `n` template copy variants `{primary_text, headline, description}`.

    Quoted copy is laid over them by the callers (`structure.creatives`, `fill_missing_copy` below).
    """
    product = product_of(brief) or templates.DEFAULT_PRODUCT
    brand = brand_of(landing_url)
    offer = offer_of(brief)
    obj = objective if objective in templates.HEADLINES else "OUTCOME_TRAFFIC"
    heads = [_fill(h, product, brand, offer) for h in templates.HEADLINES[obj]]
    bodies = [_fill(b, product, brand, offer) for b in templates.PRIMARY[obj]]
    desc = _fill(templates.DESCRIPTIONS[obj], product, brand, offer)
    out = []
    for i in range(n):
        head = shorten(heads[i % len(heads)], rules.TEXT_GUIDANCE["headline"])
        body = shorten(bodies[i % len(bodies)], rules.TEXT_GUIDANCE["primary_text"])
        out.append({"primary_text": body, "headline": head,
                    "description": shorten(desc, rules.TEXT_GUIDANCE["description"])})
    return out


def fill_missing_copy(plan: dict[str, Any], brief: str = "") -> dict[str, Any]:
    """Return the plan with copy for every ad that lacks primary text or a headline.

    Copy quoted in the brief (`agents.orchestrator.planning.parse_copy`) is used verbatim before any
    template copy; a field the ad already has is never replaced.
    """
    def lacks(ad: dict[str, Any]) -> bool:
        creative = ad.get("creative") or {}
        return not (creative.get("primary_text") and creative.get("headline"))

    if not any(lacks(ad) for s in plan.get("ad_sets", []) for ad in s.get("ads", [])):
        return plan

    # Copy the brief quotes wins over templates: it is used verbatim, in order, one quoted
    # headline / text per ad (the first when there are fewer quotes than ads).
    quoted = find_copy(brief)
    given = {"headline": quoted.headlines, "primary_text": quoted.primary,
             "description": quoted.descriptions}
    plan = copy.deepcopy(plan)
    for ad_set in plan.get("ad_sets", []):
        ads = ad_set.get("ads", [])
        variants = make_copy(plan.get("objective", ""), brief or plan.get("name", ""),
                             plan.get("landing_url"), n=max(len(ads), 1))
        for i, variant in enumerate(variants):
            variant.update({k: v[i] if i < len(v) else v[0] for k, v in given.items() if v})
        for ad, variant in zip(ads, variants, strict=False):
            if lacks(ad):
                creative = ad.setdefault("creative", {})
                for field in ("primary_text", "headline", "description"):
                    creative[field] = creative.get(field) or variant.get(field)
    return plan
