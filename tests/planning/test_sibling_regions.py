"""Two regions of one country side by side are two places, not a place and its country.

The catalogue lists Scotland, Wales and England also as names of the United Kingdom, so
"excluding Scotland, Wales" read Wales as saying where Scotland is (like "Portland, Oregon")
and left Wales in, launchable; "exclude Scotland and Wales" targeted Wales. A region's own
name is the region when it stands beside another region.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="GBP", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    "where",
    ["excluding Scotland, Wales", "exclude Scotland and Wales", "except Wales and Scotland"],
)
def test_both_regions_are_left_out(where: str) -> None:
    out = plan_brief(f"sales, UK, £50/day, {where} https://x.co.uk/a a.jpg", D).to_dict()
    t = out["plan"]["ad_sets"][0]["targeting"]
    assert t["geo_locations"]["countries"] == ["GB"]
    assert {r["name"] for r in t["excluded_geo_locations"]["regions"]} == {"Scotland", "Wales"}
    assert not out["questions"], out["questions"]


@pytest.mark.parametrize(
    ("where", "city"), [("Leeds, England", "Leeds"), ("Portland, Oregon", "Portland")]
)
def test_a_region_after_a_city_still_says_where_it_is(where: str, city: str) -> None:
    d = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 11, 4))
    out = plan_brief(f"sales, {where} + 20 miles, $50/day https://x.com/a a.jpg", d).to_dict()
    geo = out["plan"]["ad_sets"][0]["targeting"]["geo_locations"]
    assert [c["name"] for c in geo["cities"]] == [city] and not geo["regions"]
