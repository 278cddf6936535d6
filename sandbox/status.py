"""Meta's effective status of a campaign, ad set, ad or creative, derived from stored docs.

`effective_status(store, doc, now)` is the one place that derives it from the object's own
status, its parents' and ad review; the object handlers, the writes, the rate limiter (active
ads) and the delivery model all use it. A scenario's status incidents (`sandbox/incidents.py`)
are stamped on the doc with the times they hold (`incident_of`), so they count here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.store import Store

HIDDEN_BY_DEFAULT = ("DELETED", "ARCHIVED")


def effective_status(store: Store, doc: dict[str, Any], now: datetime) -> str:
    """Meta's effective_status for a campaign, ad set, ad or creative at sim time `now`.

    Effective status combines parents (docs/meta-api-facts.md §5.2, §11.1), strongest first:
    DELETED, then ARCHIVED, on the object or a parent; the object's own PAUSED; a finished
    review's DISAPPROVED (the ad's own verdict, which needs the advertiser whatever the
    parents say); CAMPAIGN_PAUSED, then ADSET_PAUSED; PENDING_REVIEW; WITH_ISSUES; ACTIVE.
    A paused parent masks a review still under way, as Meta shows it: the ad cannot deliver
    either way, and what stops it is the parent's pause.
    """
    type_ = doc.get("_type") or _infer_type(doc)
    own = str(doc.get("status", "ACTIVE"))
    if type_ == "adcreative":
        return own
    campaign = store.get_object(str(doc["campaign_id"])) if doc.get("campaign_id") else None
    adset = store.get_object(str(doc["adset_id"])) if doc.get("adset_id") else None
    parents = [p for p in (campaign, adset) if p]
    for status in ("DELETED", "ARCHIVED"):
        if own == status or any(p.get("status") == status for p in parents):
            return status
    if own == "PAUSED":
        return "PAUSED"
    incident = (incident_of(doc, now) or {}).get("status")
    in_review = type_ == "ad" and float(doc.get("_review_until", 0) or 0) > now.timestamp()
    if type_ == "ad" and not in_review:
        if doc.get("_review") == "DISAPPROVED" or incident == "DISAPPROVED":
            return "DISAPPROVED"
    if campaign and campaign.get("status") == "PAUSED":
        return "CAMPAIGN_PAUSED"
    if adset and adset.get("status") == "PAUSED":
        return "ADSET_PAUSED"
    if in_review:
        return "PENDING_REVIEW"
    if incident == "WITH_ISSUES":
        return "WITH_ISSUES"
    return "ACTIVE"


def incident_of(doc: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
    """Return the scenario incident stamped on `doc` that holds at `now` (`sandbox/incidents.py`).

    It holds over (from, until]: delivery judges a day by the status at its end, so the day
    before the incident (ending exactly at `from`) still delivers and its last day (ending at
    `until`) does not; the clock always reads a little past midnight, so reads see it from
    its first day on.
    """
    t = now.timestamp()
    for mark in (doc or {}).get("_incidents") or ():
        if float(mark["from"]) < t and (mark.get("until") is None or t <= float(mark["until"])):
            return dict(mark)
    return None


def _infer_type(doc: dict[str, Any]) -> str:
    if "adset_id" in doc:
        return "ad"
    if "campaign_id" in doc:
        return "adset"
    if "objective" in doc:
        return "campaign"
    return "adcreative"
