"""A snapshot of the account's campaign tree as the delivery model sees it.

Ad sets are indexed by creation order in the account and ads by creation order in their ad
set; those indices (not ids) key the latent truth, so the same plan has the same truth in
every sandbox with the same seed. Deleted and archived objects keep their index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.clock import parse_time
from sandbox.store import Store

DEAD = {"DELETED", "ARCHIVED"}


@dataclass
class Tree:
    """Campaigns, ad sets and ads of the sandbox, with their truth indices."""

    campaigns: dict[str, dict[str, Any]] = field(default_factory=dict)
    adsets: list[dict[str, Any]] = field(default_factory=list)
    adset_index: dict[str, int] = field(default_factory=dict)
    ads_by_adset: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ad_index: dict[str, int] = field(default_factory=dict)

    def adset(self, adset_id: str) -> dict[str, Any] | None:
        """Return the ad set doc with this id."""
        i = self.adset_index.get(str(adset_id))
        return None if i is None else self.adsets[i]

    def campaign_of(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Return the campaign doc of an ad set or ad ({} when missing)."""
        return self.campaigns.get(str(doc.get("campaign_id") or ""), {})


def load_tree(store: Store) -> Tree:
    """Read every campaign, ad set and ad (including deleted ones) in creation order."""
    tree = Tree()
    for c in store.list_objects("campaign"):
        tree.campaigns[str(c["id"])] = c
    for i, s in enumerate(store.list_objects("adset")):
        tree.adsets.append(s)
        tree.adset_index[str(s["id"])] = i
        tree.ads_by_adset[str(s["id"])] = []
    for ad in store.list_objects("ad"):
        parent = str(ad.get("adset_id") or ad.get("_parent_id") or "")
        siblings = tree.ads_by_adset.setdefault(parent, [])
        tree.ad_index[str(ad["id"])] = len(siblings)
        siblings.append(ad)
    return tree


def money(value: Any) -> int:
    """Return a budget field as integer minor units (0 when unset)."""
    try:
        return int(float(value or 0))
    except (TypeError, ValueError):
        return 0


def _fallback_status(tree: Tree, doc: dict[str, Any]) -> str:
    """Effective status from configured statuses, used until `sandbox.objects` provides it."""
    status = str(doc.get("status") or "ACTIVE")
    if status in DEAD or status == "PAUSED":
        return status
    if doc.get("_type") == "ad":
        adset = tree.adset(str(doc.get("adset_id") or doc.get("_parent_id") or "")) or {}
        parent = str(adset.get("status") or "ACTIVE")
        if parent in DEAD:
            return parent
        if parent == "PAUSED":
            return "ADSET_PAUSED"
        doc = adset
    camp = str(tree.campaign_of(doc).get("status") or "ACTIVE")
    if camp in DEAD:
        return camp
    if camp == "PAUSED":
        return "CAMPAIGN_PAUSED"
    return "ACTIVE"


def effective_status(store: Store, tree: Tree, doc: dict[str, Any], now: datetime) -> str:
    """Meta's effective status of a campaign, ad set or ad at `now`."""
    try:
        from sandbox.objects import effective_status as core_status
    except ImportError:
        return _fallback_status(tree, doc)
    return str(core_status(store, doc, now))


def window(
    doc: dict[str, Any], start_key: str, end_key: str
) -> tuple[datetime | None, datetime | None]:
    """Return the (start, end) schedule of an object, aware datetimes or None."""
    return parse_time(doc.get(start_key)), parse_time(doc.get(end_key))
