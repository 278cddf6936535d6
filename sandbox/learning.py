"""The learning phase of ad sets (Meta: ~50 optimisation events within 7 days).

An ad set is LEARNING from its first delivery and again after each significant edit
(targeting, optimisation goal, billing event, bid strategy or amount, promoted object, a new
ad, or a budget change of more than `sig_budget_change`); it exits (SUCCESS) once it has
`learning_events` events since then, and becomes learning-limited (FAIL) after
`learning_days` days without them (a FAIL ad set that reaches the events over a trailing
window exits too). Edits are detected by fingerprinting the ad set at each day's generation.
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
        new_ads = set(ad_ids) - set(json.loads(st["ad_ids"]))
        old_budget = max(1, st["budget"])
        sig = (
            fp != st["fingerprint"]
            or bool(new_ads)
            or abs(budget - old_budget) / old_budget > sc.model.sig_budget_change
        )
        if sig:
            st.update(
                fingerprint=fp,
                budget=int(budget),
                phase_start=day.isoformat(),
                status="LEARNING",
                last_sig_edit_ts=int(day_start.timestamp()),
            )
        st["ad_ids"] = json.dumps(sorted(set(ad_ids) | set(json.loads(st["ad_ids"]))))
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
    store.db.table(LEARN).upsert(st, pk="adset_id")
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
