"""More ways of leaving a place out, and "nobody outside X" meaning X only.

"nobody outside London" excluded London from the UK (the double negative read as "outside
London"), "everywhere bar Scotland" and "ignore Wales" targeted the very region (asked, but
with the place turned around). Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="GBP", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    ("where", "region"),
    [
        ("everywhere bar Scotland", "Scotland"),
        ("ignore Wales", "Wales"),
        ("all of it barring Northern Ireland", "Northern Ireland"),
    ],
)
def test_the_place_is_left_out(where: str, region: str) -> None:
    out = plan_brief(f"sales, UK, £50/day, {where} https://x.co.uk/a a.jpg", D).to_dict()
    t = out["plan"]["ad_sets"][0]["targeting"]
    assert t["geo_locations"]["countries"] == ["GB"]
    assert [r["name"] for r in t["excluded_geo_locations"]["regions"]] == [region]


@pytest.mark.parametrize("who", ["nobody outside London", "no one outside of London"])
def test_nobody_outside_means_only(who: str) -> None:
    out = plan_brief(f"sales, £50/day, {who} https://x.co.uk/a a.jpg", D).to_dict()
    geo = out["plan"]["ad_sets"][0]["targeting"]["geo_locations"]
    assert [c["name"] for c in geo["cities"]] == ["London"] and not geo["countries"]
    assert not out["plan"]["ad_sets"][0]["targeting"].get("excluded_geo_locations")


def test_a_wine_bar_is_no_exclusion() -> None:
    out = plan_brief("sales for our wine bar London, £50/day https://x.co.uk/a a.jpg", D).to_dict()
    assert not out["plan"]["ad_sets"][0]["targeting"].get("excluded_geo_locations")
