"""The params of an `ab_test` ask: which variable, the variant, and when the test stops.

`variable` is `copy` (quoted copy, or copy words), `image` (a file name, or visual words) or
`audience` (audience, ages, genders, interests, countries); `variant` is the quoted copy with
its label ("headline: …"), the file name or the audience phrase; `stop_rule` is days, a spend
cap (minor units, with its currency) or a confidence.
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.routing.params import Clause

FILE = re.compile(r"[\w-]+\.(?:jpe?g|png|gif|webp|mp4|mov|m4v|avi)\b", re.I)
COPY_LABELS = [("headline", r"headlines?|hedlines?|titles?|überschrift|titre|título"),
               ("primary text", r"primary\s+text|body(?:\s+text)?|main\s+text|ad\s+text"),
               ("description", r"descriptions?|link\s+description")]
COPY_WORDS = re.compile(r"\b(?:headlines?|hedlines?|primary\s+text|description|copy|text|wording|"
                        r"caption|tagline|message|cta|call\s+to\s+action)\b", re.I)
AUDIENCE_WORDS = re.compile(r"\b(?:audiences?|targeting|target(?:ing)?\s+\w+|ages?|age\s+range|"
                            r"women|men|female|male|interests?|countr(?:y|ies)|locations?|"
                            r"lookalike|broad)\b|\b\d{2}\s*-\s*\d{2}\b", re.I)
IMAGE_WORDS = re.compile(r"\b(?:images?|photos?|pictures?|pics?|videos?|visuals?|creatives?|"
                         r"static|carousel|gif|thumbnail)\b", re.I)
AGES = re.compile(r"^(?:ages?\s+|aged\s+)?(\d{2}\s*[-–]\s*\d{2}\+?|\d{2}\+)$", re.I)
AUDIENCE_VARIANT = [r"\baudiences?\b[^:→]{0,40}(?::|→|->)\s*(.+?)[\s?.!]*$",
                    r"\b(?:a|an)\s+([^,.;]+?)\s+(?:version|variant)\b", r"\bwith\s+(.+?)\s+instead\s+of\b",
                    r"\bsame\s+(?:\w+\s+){0,2}?but\s+(?:with\s+|for\s+)?(.+?)(?:[.,;]|\s*$)",
                    r"(?:\baudiences?\s+(?:of\s+)?|\bages?\s+)?(\d{2}\s*[-–]\s*\d{2}\+?)\s+instead\s+of\b",
                    r"\bagainst\s+(?:an?\s+|the\s+)?(.+?)(?:\s+for\s+\d|\s+until|\s*$|[.;]|,\s*\w+\s+\d)",
                    r"\btargeting\s+(.+?)(?:\s+too|\s+as\s+well|\s*—|[.,;]|\s+set\s+up|\s*$)",
                    r"\b(?:to|on)\s+(women|men|ages?\s+\d.+?)(?:[.,;]|\s*$)"]


def ab_params(c: Clause) -> dict[str, Any]:
    """Params of an `ab_test`."""
    text = c.text
    outside = re.sub(r"⟨[eq][a-z]+⟩", " ", text)
    variable, variant = None, None
    files = c.files or FILE.findall(text)
    if files:
        variable, variant = "image", files[0]
    elif c.quotes or COPY_WORDS.search(outside):
        variable = "copy"
        if c.quotes:
            label = next((name for name, pat in COPY_LABELS if re.search(rf"\b(?:{pat})\b", outside)), None)
            variant = f"{label}: {c.quotes[0]}" if label else c.quotes[0]
    elif AUDIENCE_WORDS.search(outside):
        variable = "audience"
        for pat in AUDIENCE_VARIANT:
            if m := re.search(pat, outside, re.I):
                variant = m.group(1).strip(" ,.-—")
                if ages := AGES.match(variant):  # a bare age range is an age audience
                    variant = "ages " + re.sub(r"\s+", "", ages.group(1)).replace("–", "-")
                break
    elif IMAGE_WORDS.search(outside):
        variable = "image"
        if m := re.search(AUDIENCE_VARIANT[1], outside, re.I):
            variant = m.group(1).strip()
    stop: dict[str, Any] = {}
    if m := re.search(r"\b(\d+)\s*(?:days?|d)\b|\bfor\s+(a|one|two|three|\d+)\s+weeks?\b", outside):
        if m.group(1):
            stop["days"] = int(m.group(1))
        else:
            stop["days"] = 7 * {"a": 1, "one": 1, "two": 2, "three": 3}.get(m.group(2), 0) or \
                7 * int(m.group(2))
    elif m := re.search(r"\bfor\s+a\s+(week|fortnight)\b", outside):
        stop["days"] = 7 if m.group(1) == "week" else 14
    for a in c.amounts:
        if a.percent and re.search(r"confiden|significan|wins?|winner|sure|certain",
                                   text[max(0, a.start - 30):a.end + 25]):
            stop["confidence"] = round(a.value / 100, 4)
        elif not a.percent and not a.times and (a.explicit or re.search(
                r"\b(?:cap|spend|budget|limit|stop|after)\b", text[max(0, a.start - 30):a.start])):
            stop["spend_minor"], stop["currency"] = a.minor(), a.currency
    return {"variable": variable, "variant": variant, "stop_rule": stop or None}


__all__ = ["ab_params"]
