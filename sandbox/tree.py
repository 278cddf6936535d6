"""A snapshot of an ad account's campaign tree as the delivery model sees it.

Ad sets are indexed by creation order in the account and ads by creation order in their ad
set; those indices (not ids) key the latent truth, so the same plan has the same truth in
every sandbox with the same seed. Deleted and archived objects keep their index. Each ad
account has its own tree (`load_tree(store, account)`), so its indices start at 0.
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


def load_tree(store: Store, account: str | None = None) -> Tree:
    """Read every campaign, ad set and ad (including deleted ones) in creation order.

    `account` (`act_<digits>` or digits) keeps one ad account's objects; None keeps all.
    """
    digits = None if account is None else str(account).removeprefix("act_")
    tree = Tree()
    for c in store.list_objects("campaign", account_id=digits):
        tree.campaigns[str(c["id"])] = c
    for i, s in enumerate(store.list_objects("adset", account_id=digits)):
        tree.adsets.append(s)
        tree.adset_index[str(s["id"])] = i
        tree.ads_by_adset[str(s["id"])] = []
    for ad in store.list_objects("ad", account_id=digits):
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


def window(
    doc: dict[str, Any], start_key: str, end_key: str
) -> tuple[datetime | None, datetime | None]:
    """Return the (start, end) schedule of an object, aware datetimes or None."""
    return parse_time(doc.get(start_key)), parse_time(doc.get(end_key))
