"""The audiences a brief's reading makes: the read's result and the plan entries it adds.

`AudienceRead` collects what `custom.read_audiences` found (audiences to create, references
to include and exclude, the spans it took, its questions); `add_website`, `add_list` and
`add_engagement` add one audience to it, keyed by a readable handle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import Adjustment, Question

EVENT_NAMES = {"AddToCart": "Added to cart", "InitiateCheckout": "Started checkout",
               "Purchase": "Purchasers", None: "Website visitors"}


@dataclass
class AudienceRead:
    """Audiences to create, references to include / exclude, lookalikes to finish."""

    audiences: list[dict[str, Any]] = field(default_factory=list)
    include: list[dict[str, str]] = field(default_factory=list)
    exclude: list[dict[str, str]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    website_phrase: str = ""  # a website audience needs the pixel: the phrase that asked for one
    split_lookalikes: bool = False  # the brief puts each lookalike in an ad set of its own

    def add(self, audience: dict[str, Any]) -> str:
        """Add an audience once (by key) and return its key."""
        if all(a["key"] != audience["key"] for a in self.audiences):
            self.audiences.append(audience)
        return str(audience["key"])


def slug(text: str) -> str:
    """Return a short lower-case handle made of the text's letters and digits."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:40] or "x"


def add_website(r: AudienceRead, fields: dict[str, Any], days: int, pixel: str | None) -> str:
    """Add a website audience (pixel event, URL rule, window); return its handle."""
    event = fields.get("event")
    url = fields.get("url_contains")
    key = f"{slug(event or 'visitors')}{'_' + slug(url) if url else ''}_{days}d"
    name = f"{EVENT_NAMES.get(event, event)}{' of ' + url if url else ''}, last {days} days"
    aud: dict[str, Any] = {"key": key, "kind": "website", "name": name, "retention_days": days}
    aud.update({k: v for k, v in (("event", event), ("url_contains", url), ("pixel_id", pixel)) if v})
    return r.add(aud)


def add_list(r: AudienceRead, file: str) -> str:
    """Add a customer-list audience read from `file` at launch; return its handle."""
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return r.add({"key": f"list_{slug(stem)}", "kind": "customer_list",
                  "name": f"Customer list {file.rsplit('/', 1)[-1]}", "file": file})


def add_engagement(r: AudienceRead, fields: dict[str, Any], days: int) -> str:
    """Add an engagement audience (page, Instagram, video or form; window); return its handle."""
    source = fields["source"]
    label = {"instagram": "Instagram engagers", "facebook_page": "Page engagers",
             "video": "Video viewers", "lead_form": "Lead form openers"}[source]
    event = fields.get("event")
    if event:  # "watched 50% of our videos": video_view_50_percent
        label += f" ({event.removeprefix('video_view_').replace('_percent', '%')})"
    short = slug(event.removeprefix("video_view_")) if event else ""
    aud = {"key": f"{source}{'_' + short if short else ''}_{days}d", "kind": "engagement",
           "name": f"{label}, last {days} days", "source": source, "retention_days": days,
           **{k: v for k, v in fields.items() if k in ("source_ids", "event")}}
    return r.add(aud)
