"""Faults a scenario injects into delivery (`incidents`): what an unattended campaign meets.

The alerts between optimise cycles (`agents/optimize/alerts.py`) are measured on these: each
fault is true from a known day, so a bench can count how late an alert comes and whether it
comes without one. Each incident holds in the scenario's main ad account from local midnight
of `start + day` until local midnight of `start + until` (or for good):

| kind | effect |
| --- | --- |
| `disapproval` | the ad (`ad`: index `"0.1"` or name; default `"0.0"`) shows `DISAPPROVED` with `ad_review_feedback`, and stops delivering |
| `with_issues` | the ad set (`adset`; default `"0"`) shows `WITH_ISSUES` with `issues_info`, and stops delivering |
| `account_disabled` | the account shows `account_status` 2 (DISABLED), `disable_reason` 1; nothing delivers |
| `pixel_outage` | the pixel loses `share` (default 1: all) of the conversions and their value; clicks go on |
| `cpm_shock` | CPM × `factor` (auction pressure) in `adset`, or in every ad set |
| `ctr_shock` | CTR × `factor` for the ads of `adset`, or of every ad set |
| `underdelivery` | Meta spends only `factor` of what it otherwise would in `adset`, or in every ad set |

The status kinds (the first three) are stamped on the stored object (`_incidents`: status,
`from`, `until` as POSIX times) whenever delivery catches up, so `sandbox.status` derives the
effective status at any time from the doc alone, and days before the incident keep their
status even when they are generated later. The delivery kinds change one day's model in
`sandbox.delivery` (`day_effects`). With no incidents nothing changes (no draw is added or
moved), so the bundled scenarios deliver exactly as before; the pixel outage thins the drawn
conversions with a generator of its own for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from sandbox.scenario import Incident, Scenario
from sandbox.store import Store
from sandbox.tree import Tree
from sandbox.truth import bare_name, rng_for

STATUS_OF = {"disapproval": "DISAPPROVED", "with_issues": "WITH_ISSUES",
             "account_disabled": "DISABLED"}
FEEDBACK = {"global": {"Misleading Claims": "Ads can't make misleading claims about a product "
                       "or service (sandbox incident)."}}
ISSUE = {"error_code": 2460003, "error_summary": "Ad set can't deliver",
         "error_message": "This ad set can't deliver: its audience or placements were "
         "restricted after review (sandbox incident).", "error_type": "HARD_ERROR",
         "level": "AD_SET"}


def _midnight(sc: Scenario, day: int) -> datetime:
    start = sc.start + timedelta(days=day)
    return datetime(start.year, start.month, start.day, tzinfo=sc.tz)


def _holds(inc: Incident, sc: Scenario, day: date) -> bool:
    n = (day - sc.start).days
    return inc.day <= n and (inc.until is None or n < inc.until)


def _adsets(tree: Tree, ref: str | None) -> list[dict[str, Any]]:
    """Return the ad sets an incident names: by index or name; None = every one."""
    if ref is None:
        return list(tree.adsets)
    if ref.isdigit():
        i = int(ref)
        return [tree.adsets[i]] if i < len(tree.adsets) else []
    return [s for s in tree.adsets if bare_name(s.get("name")) == ref]


def _ads(tree: Tree, ref: str | None) -> list[dict[str, Any]]:
    """Return the ads an incident names: `"i.j"` (ad j of ad set i) or a name; None = `"0.0"`."""
    ref = ref or "0.0"
    head, _, tail = ref.partition(".")
    if head.isdigit() and tail.isdigit():
        sets = _adsets(tree, head)
        ads = tree.ads_by_adset.get(str(sets[0]["id"]), []) if sets else []
        j = int(tail)
        return [ads[j]] if j < len(ads) else []
    return [a for ads in tree.ads_by_adset.values() for a in ads if bare_name(a.get("name")) == ref]


def stamp(store: Store, sc: Scenario, tree: Tree) -> None:
    """Record the status incidents on the objects they hit (idempotent; no-op without any)."""
    wanted: dict[str, list[dict[str, Any]]] = {}
    for inc in sc.incidents:
        status = STATUS_OF.get(inc.kind)
        if status is None:
            continue
        mark: dict[str, Any] = {
            "status": status,
            "from": _midnight(sc, inc.day).timestamp(),
            "until": _midnight(sc, inc.until).timestamp() if inc.until is not None else None,
        }
        if inc.kind == "disapproval":
            targets = _ads(tree, inc.ad)
            mark["feedback"] = FEEDBACK
        elif inc.kind == "with_issues":
            targets = _adsets(tree, inc.adset or "0")
            mark["issues"] = [ISSUE]
        else:
            targets = [store.get_object(sc.account.id) or {}]
        for doc in targets:
            if doc.get("id"):
                wanted.setdefault(str(doc["id"]), []).append(mark)
    for oid, marks in wanted.items():
        doc = store.get_object(oid) or {}
        if doc.get("_incidents") != marks:
            store.update_object(oid, {"_incidents": marks})


@dataclass
class DayEffects:
    """How the delivery incidents change one day of the main account."""

    disabled: bool = False
    cpm: dict[str, float] = field(default_factory=dict)  # ad set id → CPM multiplier
    ctr: dict[str, float] = field(default_factory=dict)  # ad set id → CTR multiplier
    spend: dict[str, float] = field(default_factory=dict)  # ad set id → share delivered
    pixel_loss: float = 0.0  # share of conversions the pixel loses


def day_effects(sc: Scenario, tree: Tree, day: date) -> DayEffects:
    """Return the delivery incidents in force on `day` (account-local)."""
    out = DayEffects()
    for inc in sc.incidents:
        if not _holds(inc, sc, day):
            continue
        if inc.kind == "account_disabled":
            out.disabled = True
        elif inc.kind == "pixel_outage":
            out.pixel_loss = max(out.pixel_loss, inc.share if inc.share is not None else 1.0)
        elif inc.kind in ("cpm_shock", "ctr_shock", "underdelivery"):
            table = {"cpm_shock": out.cpm, "ctr_shock": out.ctr, "underdelivery": out.spend}
            for s in _adsets(tree, inc.adset):
                sid = str(s["id"])
                table[inc.kind][sid] = table[inc.kind].get(sid, 1.0) * float(inc.factor or 1.0)
    return out


def lose_conversions(row: dict[str, Any], loss: float, seed: int, key: tuple[Any, ...]) -> None:
    """Drop `loss` of a drawn row's conversions (and their value) in place, seeded by `key`."""
    conv = int(row["conversions"])
    if loss <= 0 or conv <= 0:
        return
    if loss >= 1:
        kept = 0
    else:
        gen: np.random.Generator = rng_for(seed, "incident", *key)
        kept = int(gen.binomial(conv, 1.0 - loss))
    row["value"] = round(row["value"] * kept / conv)
    row["conversions"] = kept
