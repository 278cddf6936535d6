"""The learning phase of ad sets (Meta: ~50 optimisation events within 7 days).

An ad set is LEARNING from its first delivery and again after each *significant edit*, judged
per edit as Meta's Help Center describes it (docs/meta-api-facts.md §3.9), never by cumulative drift:

- any change of targeting, optimisation goal, billing event, bid strategy or bid amount, or
  promoted object (the optimisation event);
- a creative change on one of its ads, or a new ad;
- a large budget change: one edit that moves the (daily-equivalent) budget by more than
  `sig_budget_change` (50%) relative to the budget in force just before it. Meta publishes no
  figure; the often-quoted 20% is folklore, so the sandbox uses 50% and a scenario may set
  its own. A steady ramp of 20% steps therefore never restarts learning, and one +60% edit
  does;
- re-enabling after being paused (not delivering) for 7 days or more.

Edits are observed once a day, when the day is generated, so several edits made on one day
are judged by their net effect against the previous day's state. The ad set exits (SUCCESS)
once it has `learning_events` events since the phase started, and becomes learning-limited
(FAIL) after `learning_days` days without them (a FAIL ad set that reaches the events over a
trailing window exits too).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.daymodel import events_of
from sandbox.delivery_tables import LEARN, ROWS
from sandbox.scenario import Scenario
from sandbox.store import Store
from sandbox.tree import window

LEARNING_FACTOR = {"LEARNING": 1.0, "FAIL": 0.5, "SUCCESS": 0.0}
SIG_FIELDS = (
    "targeting",
    "optimization_goal",
    "billing_event",
    "bid_strategy",
    "bid_amount",
    "promoted_object",
)


def update_learning(
    store: Store,
    tree: Any,
    doc: dict[str, Any],
    ad_ids: list[str],
    budget: float,
    kind: str,
    day: date,
    day_start: datetime,
    sc: Scenario,
) -> str:
    """Update and return the ad set's learning status at the start of `day`."""
    fp = json.dumps({k: doc.get(k) for k in SIG_FIELDS}, sort_keys=True, default=str)
    sid = str(doc["id"])
    creatives = _creatives(tree, sid)
    rows = list(store.db.query(f"select * from {LEARN} where adset_id = ?", [sid]))
    st = rows[0] if rows else None
    created = window(doc, "created_time", "created_time")[0]
    if st is None:
        st = {
            "adset_id": sid,
            "fingerprint": fp,
            "budget": int(budget),
            "ad_ids": json.dumps(ad_ids),
            "phase_start": day.isoformat(),
            "status": "LEARNING",
            "last_sig_edit_ts": int((created or day_start).timestamp()),
        }
    else:
        if significant_edit(st, fp, ad_ids, creatives, budget, day, sc):
            st.update(
                fingerprint=fp,
                phase_start=day.isoformat(),
                status="LEARNING",
                last_sig_edit_ts=int(day_start.timestamp()),
            )
        st["ad_ids"] = json.dumps(sorted(set(ad_ids) | set(json.loads(st["ad_ids"]))))
    # The reference for the next edit is today's state, not the phase start's.
    st.update(budget=int(budget), creatives=json.dumps(creatives), last_day=day.isoformat())
    if st["status"] != "SUCCESS":
        events = events_since(store, sid, kind, st["phase_start"], day)
        trailing = events_since(
            store, sid, kind, (day - timedelta(days=sc.model.learning_days)).isoformat(), day
        )
        started = date.fromisoformat(st["phase_start"])
        if events >= sc.model.learning_events or (
            st["status"] == "FAIL" and trailing >= sc.model.learning_events
        ):
            st["status"] = "SUCCESS"
        elif (day - started).days >= sc.model.learning_days:
            st["status"] = "FAIL"
    store.db.table(LEARN).upsert(st, pk="adset_id", alter=True)
    return str(st["status"])


def events_since(store: Store, adset_id: str, kind: str, since: str, until: date) -> float:
    """Return the optimisation events of an ad set on days in [since, until)."""
    rows = store.db.query(
        f"select sum(conversions) conversions, sum(recallers) recallers, sum(link_clicks) link_clicks "
        f"from {ROWS} where adset_id = ? and date >= ? and date < ?",
        [adset_id, since, until.isoformat()],
    )
    row = next(iter(rows))
    return float(
        events_of(kind, {k: row[k] or 0 for k in ("conversions", "recallers", "link_clicks")})
    )


def _creatives(tree: Any, adset_id: str) -> dict[str, str]:
    """{ad id: creative id} of the ad set's ads (a changed creative is a significant edit)."""
    out = {}
    for ad in tree.ads_by_adset.get(adset_id, []):
        cr = ad.get("creative")
        out[str(ad["id"])] = str(cr.get("id") if isinstance(cr, dict) else cr)
    return out


def significant_edit(
    st: dict[str, Any],
    fp: str,
    ad_ids: list[str],
    creatives: dict[str, str],
    budget: float,
    day: date,
    sc: Scenario,
) -> bool:
    """Return whether today's state differs from the last generated day by a significant edit.

    `st` is the stored learning row; the rules are in the module docstring.
    """
    old_creatives = json.loads(st.get("creatives") or "{}")
    changed_creative = any(old_creatives.get(a) not in (None, c) for a, c in creatives.items())
    new_ads = set(ad_ids) - set(json.loads(st["ad_ids"]))
    prev = max(1, st["budget"])
    last = st.get("last_day")
    idle = (day - date.fromisoformat(last)).days - 1 if last else 0
    return (
        fp != st["fingerprint"]
        or bool(new_ads)
        or changed_creative
        or abs(budget - prev) / prev > sc.model.sig_budget_change
        or idle >= 7
    )
