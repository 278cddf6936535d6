""" "mainland Spain", "mainland UK", "mainland US" leave out the islands, as a marketer means.

"mainland Spain only (not the islands)" targeted all of Spain, the Canary and Balearic Islands
included, with nothing said; "mainland UK" targeted Northern Ireland, "mainland US" Alaska and
Hawaii. Each is now its country less the regions off the mainland that the catalogue knows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(
    currency="EUR", page_id="100", pixel_id="200", today=date(2026, 11, 4), advertiser="Example SL"
)


@pytest.mark.parametrize(
    ("where", "country", "left_out"),
    [
        ("mainland Spain only", "ES", {"Canary Islands", "Balearic Islands"}),
        ("peninsular Spain", "ES", {"Canary Islands", "Balearic Islands"}),
        ("mainland UK", "GB", {"Northern Ireland"}),
        ("mainland US", "US", {"Alaska", "Hawaii"}),
        ("mainland Italy", "IT", {"Sicily", "Sardinia"}),
        ("mainland France", "FR", {"Corsica"}),
        ("mainland Australia", "AU", {"Tasmania"}),
    ],
)
def test_mainland_leaves_the_islands_out(where: str, country: str, left_out: set[str]) -> None:
    out = plan_brief(f"sales, {where}, €50/day, https://example.com/a a.jpg", D).to_dict()
    t = out["plan"]["ad_sets"][0]["targeting"]
    assert t["geo_locations"]["countries"] == [country]
    assert {r["name"] for r in t["excluded_geo_locations"]["regions"]} == left_out


@pytest.mark.parametrize(
    "where", ["mainland Portugal", "mainland Greece only", "continental Europe"]
)
def test_a_mainland_adpilot_cannot_draw_is_asked(where: str) -> None:
    out = plan_brief(f"sales, {where}, €50/day, https://example.com/a a.jpg", D).to_dict()
    assert any(
        w in (q.get("phrase") or "").lower()
        for q in out["questions"]
        for w in ("mainland", "continental")
    ), out["questions"]
