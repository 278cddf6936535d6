"""Property test: insights numbers add up, over HTTP, for random worlds and random queries.

Worlds are real sandboxes (bundled and regime scenarios, several seeds, 4-13 days of delivery,
ad sets targeting whole countries, regions or a city, one ad archived half-way) built once
each and shared. Queries draw an object, a level at or below it, a date range, a
`time_increment` and a breakdown (or allowed combination). For every answer:

- an action value, a cost per action or a ROAS appears only where its action count is >= 1;
- breakdown rows sum to the row of the same query without breakdowns: counts exactly, money
  within a cent (one minor unit for zero-decimal currencies) per row;
- rows of a finer level sum to the coarser level (ads -> ad sets -> campaigns -> account),
  the listings asked to include archived and deleted objects.

Reach and the other unique metrics are not additive (`sandbox.insights_rows`) and are not
summed. The example count is `ADDITIVITY_EXAMPLES` (default 60).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sandbox.catalog import geo
from sandbox.fixtures import build_scenario_tree
from sandbox.scenario import SCENARIO_DIR, get_scenario
from sandbox.server import SandboxServer
from sandbox.testing import API_VERSION
from tests.conftest import SANDBOX_TOKEN

EXAMPLES = int(os.environ.get("ADDITIVITY_EXAMPLES", "60"))
SCENARIOS = [
    "ecommerce_usd",
    "leadgen_eur",
    "awareness_jpy",
    str(SCENARIO_DIR / "regimes" / "heavy_restatement_mxn.json"),
    str(SCENARIO_DIR / "regimes" / "krw_zero_decimal.json"),
    str(SCENARIO_DIR / "regimes" / "value_roas_hetero.json"),
]
PLACEMENT = ["publisher_platform", "platform_position", "device_platform", "impression_device"]
SINGLE = [
    ["age"],
    ["gender"],
    ["age", "gender"],
    ["country"],
    ["region"],
    ["dma"],
    ["media_type"],
    ["hourly_stats_aggregated_by_advertiser_time_zone"],
    ["hourly_stats_aggregated_by_audience_time_zone"],
    ["image_asset"],
    ["title_asset"],
    ["ad_format_asset"],
]
COUNTS = ["impressions", "clicks", "inline_link_clicks", "inline_post_engagement"]
MONEY = ["spend"]
LISTS = ["actions", "action_values", "cost_per_action_type", "conversions", "conversion_values"]
FIELDS = ["account_id", "campaign_id", "adset_id", "ad_id", *COUNTS, *MONEY, *LISTS,
          "purchase_roas", "website_purchase_roas"]
ALL_STATUSES = ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "CAMPAIGN_PAUSED", "ADSET_PAUSED",
                "IN_PROCESS", "WITH_ISSUES", "DISAPPROVED", "PENDING_REVIEW", "PREAPPROVED",
                "PENDING_BILLING_INFO"]
LEVELS = ["account", "campaign", "adset", "ad"]


class World:
    """One sandbox with delivery, its ids per level and its reporting days."""

    def __init__(self, root: Path, scenario: str, seed: int, days: int) -> None:
        self.sb = SandboxServer(root / f"{seed}-{days}-{Path(scenario).stem}.db",
                                scenario=scenario, seed=seed, token=SANDBOX_TOKEN).start()
        store = self.sb.store
        assert store is not None
        tree = build_scenario_tree(store)
        self.countries = list(get_scenario(store).countries)
        self._vary_geo(store, tree["adsets"])
        self.ids = {"campaign": [tree["campaign"]], "adset": tree["adsets"], "ad": tree["ads"]}
        self.sb.admin("POST", "/__sandbox__/clock/advance", {"days": days // 2})
        self.post(tree["ads"][-1], {"status": "ARCHIVED"})
        self.sb.admin("POST", "/__sandbox__/clock/advance", {"days": days - days // 2})
        body = self.get(self.sb.account_id, fields="spend", date_preset="maximum")
        (row,) = body["data"]
        self.first, self.last = row["date_start"], row["date_stop"]

    def _vary_geo(self, store: Any, adsets: list[str]) -> None:
        """Second ad set: two regions of the first country; third: one of its cities."""
        cat = geo()
        home = self.countries[0]
        regions = [k for k, r in cat["region"].items() if r["country_code"] == home][:2]
        cities = [k for k, c in cat["city"].items() if c["country_code"] == home][:1]
        specs = [{"regions": [{"key": k} for k in regions]} if regions else None,
                 {"cities": [{"key": k, "radius": 25, "distance_unit": "mile"} for k in cities]}
                 if cities else None]
        for sid, spec in zip(adsets[1:], specs, strict=False):
            doc = store.get_object(sid)
            if spec and doc:
                store.update_object(sid, {"targeting": {**doc["targeting"], "geo_locations": spec}})

    def post(self, oid: str, data: dict[str, Any]) -> None:
        r = requests.post(f"{self.sb.url}/{API_VERSION}/{oid}", data=data,
                          headers={"Authorization": f"OAuth {SANDBOX_TOKEN}"}, timeout=30)
        assert r.status_code == 200, r.text

    def get(self, oid: str, **params: Any) -> dict[str, Any]:
        q = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
        r = requests.get(f"{self.sb.url}/{API_VERSION}/{oid}/insights", params=q,
                         headers={"Authorization": f"OAuth {SANDBOX_TOKEN}"}, timeout=60)
        body = r.json()
        assert r.status_code == 200 or "error" in body, body
        return dict(body)

    def rows(self, oid: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a query, page by page; a query too big for a sync call is rejected."""
        params = {"fields": ",".join(FIELDS), "limit": 5000, **params}
        out: list[dict[str, Any]] = []
        while True:
            body = self.get(oid, **params)
            assume(body.get("error", {}).get("error_subcode") != 1487534)
            assert "error" not in body, body
            out += body["data"]
            if "next" not in body.get("paging", {}):
                return out
            params["after"] = body["paging"]["cursors"]["after"]


_WORLDS: dict[tuple[str, int, int], World] = {}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("additivity")

    def world(scenario: str, seed: int, days: int) -> World:
        key = (scenario, seed, days)
        if key not in _WORLDS:
            _WORLDS[key] = World(root, scenario, seed, days)
        return _WORLDS[key]

    yield world
    for w in _WORLDS.values():
        w.sb.stop()
    _WORLDS.clear()


@st.composite
def breakdowns(draw: st.DrawFn) -> list[str]:
    """One breakdown or an allowed combination (placements: any subset, position needs platform)."""
    if draw(st.booleans()):
        return list(draw(st.sampled_from(SINGLE)))
    chosen = draw(st.lists(st.sampled_from(PLACEMENT), min_size=1, max_size=4, unique=True))
    if "platform_position" in chosen and "publisher_platform" not in chosen:
        chosen.append("publisher_platform")
    return chosen


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "world": (draw(st.sampled_from(SCENARIOS)), draw(st.sampled_from([3, 7, 11])),
                  draw(st.sampled_from([4, 13]))),
        "object_level": draw(st.sampled_from(LEVELS)),
        "pick": draw(st.integers(0, 100)),
        "level_step": draw(st.integers(0, 3)),
        "span": (draw(st.floats(0, 1)), draw(st.floats(0, 1))),
        "increment": draw(st.sampled_from(["all_days", "1", "3", "monthly"])),
        "breakdowns": draw(breakdowns()),
    }


def _day_range(w: World, span: tuple[float, float]) -> dict[str, str]:
    from datetime import date, timedelta

    first, last = date.fromisoformat(w.first), date.fromisoformat(w.last)
    n = (last - first).days
    a, b = sorted(int(x * n) for x in span)
    return {"since": (first + timedelta(days=a)).isoformat(),
            "until": (first + timedelta(days=b)).isoformat()}


def _stats(row: dict[str, Any], name: str) -> dict[str, float]:
    return {a["action_type"]: float(a["value"]) for a in row.get(name) or []}


def _money_tol(rows: list[dict[str, Any]]) -> float:
    decimals = any("." in str(r.get("spend", "")) for r in rows)
    return (0.01 if decimals else 1.0) * max(1, len(rows)) + 1e-6


def check_values_imply_counts(row: dict[str, Any]) -> None:
    """An action value, cost per action or ROAS only where its count is at least one."""
    actions, conversions = _stats(row, "actions"), _stats(row, "conversions")
    for t in _stats(row, "action_values"):
        assert actions.get(t, 0) >= 1, (t, row)
    for t in _stats(row, "cost_per_action_type"):
        assert actions.get(t, 0) >= 1, (t, row)
    for t in _stats(row, "conversion_values"):
        assert conversions.get(t, 0) >= 1, (t, row)
    if row.get("purchase_roas"):
        assert actions.get("omni_purchase", 0) >= 1, row
        assert _stats(row, "action_values").get("omni_purchase", 0) > 0, row
    if row.get("website_purchase_roas"):
        assert actions.get("offsite_conversion.fb_pixel_purchase", 0) >= 1, row


def check_sums(parents: dict[Any, dict[str, Any]], children: list[tuple[Any, dict[str, Any]]],
               what: str, type1: bool = False) -> None:
    """Children grouped by key sum to their parent: counts exactly, money within rounding."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for key, row in children:
        groups[key].append(row)
    assert set(groups) == set(parents), (what, sorted(map(str, set(groups) ^ set(parents))))
    for key, rows in groups.items():
        parent = parents[key]
        for f in COUNTS:
            assert sum(int(r.get(f, 0)) for r in rows) == int(parent.get(f, 0)), (what, key, f)
        tol = _money_tol(rows)
        for f in MONEY:
            got = sum(float(r.get(f, 0)) for r in rows)
            assert abs(got - float(parent.get(f, 0))) <= tol, (what, key, f, got, parent[f])
        for name, money in (("actions", False), ("action_values", True)):
            want = _stats(parent, name)
            got: dict[str, float] = defaultdict(float)
            for r in rows:
                for t, v in _stats(r, name).items():
                    got[t] += v
            if type1:  # off-Meta actions are not returned with these breakdowns
                assert not any(t.startswith("offsite_conversion.") for t in got), (what, key)
                want = {t: v for t, v in want.items() if t in got}
            for t in set(want) | set(got):
                if money:
                    assert abs(got[t] - want.get(t, 0)) <= tol, (what, key, name, t)
                else:
                    assert got[t] == want.get(t, 0), (what, key, name, t, got[t], want.get(t))


def _key(row: dict[str, Any], level: str) -> tuple[str, str, str]:
    return (row[f"{level}_id"], row["date_start"], row["date_stop"])


TYPE1 = {"region", "dma", "hourly_stats_aggregated_by_advertiser_time_zone",
         "hourly_stats_aggregated_by_audience_time_zone"}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(q=queries())
def test_insights_add_up(worlds: Any, q: dict[str, Any]) -> None:
    w = worlds(*q["world"])
    obj_level = q["object_level"]
    oid = (w.sb.account_id if obj_level == "account"
           else w.ids[obj_level][q["pick"] % len(w.ids[obj_level])])
    below = LEVELS[LEVELS.index(obj_level):]
    level = below[min(q["level_step"], len(below) - 1)]
    base: dict[str, Any] = {"time_range": _day_range(w, q["span"]),
                            "time_increment": q["increment"], "level": level}
    if level != "account":
        base["filtering"] = [{"field": f"{level}.effective_status", "operator": "IN",
                              "value": ALL_STATUSES}]
    plain = w.rows(oid, **base)
    # media_type cannot cross the default action_breakdowns=action_type.
    extra = {"action_breakdowns": []} if "media_type" in q["breakdowns"] else {}
    split = w.rows(oid, breakdowns=q["breakdowns"], **extra, **base)
    for row in plain + split:
        check_values_imply_counts(row)
    assert all(all(b in r for b in q["breakdowns"]) for r in split)
    parents = {_key(r, level): r for r in plain}
    check_sums(parents, [(_key(r, level), r) for r in split], f"breakdowns={q['breakdowns']}",
               type1=bool(TYPE1 & set(q["breakdowns"])))
    # Finer levels sum to coarser ones: each child row goes to its parent object's row.
    for finer in LEVELS[LEVELS.index(level) + 1:]:
        rows = w.rows(oid, **{**base, "level": finer, "filtering": [
            {"field": f"{finer}.effective_status", "operator": "IN", "value": ALL_STATUSES}]})
        children = [(_key(r, level), r) for r in rows]
        check_sums(parents, children, f"level {finer} -> {level}")
