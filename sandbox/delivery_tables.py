"""The delivery model's own tables in the sandbox store."""

from __future__ import annotations

from typing import Any

from sandbox.daymodel import METRICS
from sandbox.store import Store

ROWS = "delivery_rows"  # one row per ad per account-local day, money in minor units
LEARN = "delivery_learning"  # one row per ad set: learning phase state


def ensure_tables(store: Store) -> None:
    """Create the tables on first use."""
    if ROWS not in store.db.table_names():
        cols: dict[str, Any] = {"ad_id": str, "date": str, "adset_id": str, "campaign_id": str}
        cols.update(dict.fromkeys(METRICS, int))
        cols.update({"pool": float, "capacity": float, "learning": str})
        store.db.table(ROWS).create(cols, pk=("ad_id", "date"))
        store.db.table(ROWS).create_index(["date"])
        store.db.table(ROWS).create_index(["adset_id", "date"])
    if LEARN not in store.db.table_names():
        store.db.table(LEARN).create(
            {
                "adset_id": str,
                "fingerprint": str,
                "budget": int,
                "ad_ids": str,
                "phase_start": str,
                "status": str,
                "last_sig_edit_ts": int,
            },
            pk="adset_id",
        )
