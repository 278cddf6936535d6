"""Turning delivery rows into Meta-shaped insights rows for a validated `Query`.

Sums are added; ratios (ctr, cpc, cpm, cpp, frequency, ...) are computed from the sums; reach
is *not* summed: inside an ad set, days and ads are treated as independent draws from the ad
set's reachable pool (`R = pool * (1 - prod(1 - r_i / pool))`), and ad sets combine the same
way over the union of their pools, so weekly reach < the sum of daily reach and account reach
< the sum of ad-set reach. Rows with no delivery are omitted. Formatting the groups as Meta's
strings is `sandbox.insights_format`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from functools import partial
from typing import Any

from sandbox.breakdowns import cells, split_row
from sandbox.breakdowns_media import media_parts
from sandbox.daymodel import METRICS
from sandbox.delivery import ROWS, visible_fraction
from sandbox.dynamic_creative import ASSET_BREAKDOWNS, asset_parts, creative_of
from sandbox.insights_format import result_kind
from sandbox.insights_query import Query
from sandbox.scenario import Scenario
from sandbox.store import Store
from sandbox.tree import DEAD, Tree
from sandbox.truth import goal_kind

CREATIVE_BREAKDOWNS = ASSET_BREAKDOWNS | {"media_type"}  # split by the ad's creative
LEVEL_KEY = {"account": None, "campaign": "campaign_id", "adset": "adset_id", "ad": "ad_id"}


def buckets(since: date, until: date, increment: str | int) -> list[tuple[date, date]]:
    """Return the reporting periods of a range for a `time_increment`."""
    if increment == "all_days":
        return [(since, until)]
    out, start = [], since
    while start <= until:
        if increment == "monthly":
            nxt = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        else:
            nxt = start + timedelta(days=int(increment))
        out.append((start, min(until, nxt - timedelta(days=1))))
        start = nxt
    return out


def _union(pool: float, reaches: list[float]) -> tuple[float, float]:
    """(pool, people reached) of independent draws `reaches` from a pool."""
    log_miss = sum(math.log1p(-min(r / pool, 0.999999)) for r in reaches)
    return pool, pool * -math.expm1(log_miss)


def _entity_ok(
    row: dict[str, Any], q: Query, status: Any, names: dict[str, str], tree: Tree
) -> bool:
    wants_status = {
        f["field"].split(".")[0] for f in q.filtering if f["field"].endswith("effective_status")
    }
    for lvl in ("campaign", "adset", "ad"):
        # Listings below the account omit deleted/archived objects unless a filter names them.
        if (
            q.level != "account"
            and LEVEL_KEY[q.level]
            and lvl == q.level
            and lvl not in wants_status
        ):
            if status(row[f"{lvl}_id"]) in DEAD:
                return False
    for f in q.filtering:
        lvl, _, attr = f["field"].partition(".")
        if not attr:
            continue
        oid = row[f"{lvl}_id"]
        value = {
            "id": oid,
            "name": names.get(oid, ""),
            "effective_status": status(oid) if attr == "effective_status" else "",
            "objective": tree.campaigns.get(row["campaign_id"], {}).get("objective", ""),
        }[attr]
        if not compare(value, f["operator"], f["value"]):
            return False
    return True


def compare(value: Any, op: str, target: Any) -> bool:
    """Meta's filtering operators on one value."""
    targets = target if isinstance(target, list) else [target]
    if op in ("IN", "ANY"):
        return str(value) in {str(t) for t in targets}
    if op in ("NOT_IN", "NONE"):
        return str(value) not in {str(t) for t in targets}
    if op == "EQUAL":
        return str(value) == str(target)
    if op == "NOT_EQUAL":
        return str(value) != str(target)
    if op in ("CONTAIN", "NOT_CONTAIN", "STARTS_WITH", "ENDS_WITH"):
        v, t = str(value).lower(), str(target).lower()
        hit = {
            "CONTAIN": t in v,
            "NOT_CONTAIN": t not in v,
            "STARTS_WITH": v.startswith(t),
            "ENDS_WITH": v.endswith(t),
        }
        return hit[op]
    try:
        num = float(value)
        if op in ("IN_RANGE", "NOT_IN_RANGE"):
            inside = float(targets[0]) <= num <= float(targets[1])
            return inside if op == "IN_RANGE" else not inside
        limit = float(target)
    except (TypeError, ValueError, IndexError):
        return False
    return {
        "GREATER_THAN": num > limit,
        "GREATER_THAN_OR_EQUAL": num >= limit,
        "LESS_THAN": num < limit,
        "LESS_THAN_OR_EQUAL": num <= limit,
    }.get(op, True)


def _cumulative(store: Store, until: date) -> dict[tuple[str, str], float]:
    """{(ad id, date): the ad's impressions before that date} (for dynamic creative shares)."""
    out, run, last = {}, 0.0, None
    for r in store.db.query(
        f"select ad_id, date, impressions from {ROWS} where date <= ? order by ad_id, date",
        [until.isoformat()],
    ):
        if r["ad_id"] != last:
            run, last = 0.0, r["ad_id"]
        out[(r["ad_id"], r["date"])] = run
        run += r["impressions"]
    return out


def _asset_cells(
    store: Store, bd: str, row: dict[str, Any], tree: Tree, sc: Scenario, seed: int,
    cum: dict[tuple[str, str], float],
) -> list[tuple[dict[str, str], float, float, float, float]]:
    ad = next((a for a in tree.ads_by_adset.get(row["adset_id"], []) if str(a["id"]) == row["ad_id"]),
              {"id": row["ad_id"]})
    adset = tree.adset(row["adset_id"]) or {}
    where = (tree.adset_index.get(row["adset_id"], 0), tree.ad_index.get(row["ad_id"], 0))
    split = media_parts if bd == "media_type" else partial(asset_parts, bd)
    return split(creative_of(store, ad), seed, where, cum.get((row["ad_id"], row["date"]), 0.0),
                 goal_kind(adset.get("optimization_goal"), sc))


def aggregate(
    store: Store, q: Query, sc: Scenario, seed: int, tree: Tree, status: Any
) -> list[dict[str, Any]]:
    """Return grouped sums per (range, period, level object, breakdown values)."""
    since = min(r[0] for r in q.ranges)
    until = max(r[1] for r in q.ranges)
    sql, args = (
        f"select * from {ROWS} where date >= ? and date <= ?",
        [since.isoformat(), until.isoformat()],
    )
    if q.object_type != "account":
        sql += f" and {q.object_type}_id = ?"
        args.append(q.object_id)
    names = {str(c["id"]): str(c.get("name", "")) for c in tree.campaigns.values()}
    names.update({str(s["id"]): str(s.get("name", "")) for s in tree.adsets})
    names.update(
        {str(a["id"]): str(a.get("name", "")) for ads in tree.ads_by_adset.values() for a in ads}
    )
    periods = [(i, b) for i, (s, u) in enumerate(q.ranges) for b in buckets(s, u, q.increment)]
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    frac_cache: dict[str, float] = {}
    kinds: dict[str, str] = {}  # ad set id -> how its conversions are reported
    by_creative = bool(q.breakdowns) and q.breakdowns[0] in CREATIVE_BREAKDOWNS
    cum = _cumulative(store, until) if by_creative else {}
    for row in store.db.query(sql + " order by date, ad_id", args):
        if q.object_type == "account" and row["campaign_id"] not in tree.campaigns:
            continue  # another ad account's delivery (`tree` is this account's)
        if not _entity_ok(row, q, status, names, tree):
            continue
        d = row["date"]
        if d not in frac_cache:
            frac_cache[d] = visible_fraction(d, store, sc)
        frac = frac_cache[d]
        if frac < 1:
            conv = row["conversions"]
            row["conversions"] = int(conv * frac)
            row["value"] = int(round(row["value"] * row["conversions"] / conv)) if conv else 0
        parts = [row]
        if row["adset_id"] not in kinds:
            kinds[row["adset_id"]] = result_kind(tree.adset(row["adset_id"]) or {}, sc)
        kind = kinds[row["adset_id"]]
        if by_creative:
            parts = split_row(row, _asset_cells(store, q.breakdowns[0], row, tree, sc, seed, cum))
        elif q.breakdowns:
            adset = tree.adset(row["adset_id"]) or {}
            parts = split_row(
                row,
                cells(
                    q.breakdowns, adset.get("targeting") or {}, sc.countries, seed, row["ad_id"], d
                ),
            )
        day = date.fromisoformat(d)
        level_id = row[LEVEL_KEY[q.level]] if LEVEL_KEY[q.level] else sc.account.id
        for i, (b0, b1) in periods:
            if not b0 <= day <= b1:
                continue
            for cell in parts:
                key = (i, b0, b1, level_id, tuple(cell.get(b, "") for b in q.breakdowns))
                g = groups.get(key)
                if g is None:
                    g = groups[key] = {
                        "_key": key,
                        "_ids": {k: row[k] for k in ("campaign_id", "adset_id", "ad_id")},
                        "_sets": defaultdict(lambda: [0.0, 0, []]),
                        "_events": defaultdict(lambda: [0, 0]),
                        **dict.fromkeys(METRICS, 0),
                    }
                for m in METRICS:
                    g[m] += cell[m]
                ev = g["_events"][kind]
                ev[0] += cell["conversions"]
                ev[1] += cell["value"]
                acc = g["_sets"][row["adset_id"]]
                acc[0] += max(float(cell["pool"]), 1.0)
                acc[1] += 1
                acc[2].append(cell["reach"])
    out = []
    for g in groups.values():
        sets = [_union(total / n, rs) for total, n, rs in g.pop("_sets").values()]
        if len(sets) == 1:
            reach = sets[0][1]
        else:
            union = sum(p for p, _ in sets)
            reach = union * (1 - math.prod(1 - r / union for _, r in sets))
        g["reach"] = min(int(round(reach)), g["impressions"])
        if g["impressions"] > 0 or g["spend"] > 0:
            out.append(g)
    out.sort(key=lambda g: (g["_key"][0], g["_key"][1], str(g["_key"][3]), g["_key"][4]))
    return out
