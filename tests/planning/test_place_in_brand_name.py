"""A place inside a company name ("Montana Knife Co") is the company, not a target.

"our brand Montana Knife Co ships US-wide" targeted the state of Montana, launchable: the
company-name guard knew GmbH, Ltd, LLC, Inc … but not Co, Corp or Company.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    "brief",
    [
        "sales, $50/day, our brand Montana Knife Co ships US-wide https://x.com/a a.jpg",
        "sales for Boston Beer Company, $50/day, https://x.com/a a.jpg",
        "sales for Texas Saddle Corp., $50/day, https://x.com/a a.jpg",
    ],
)
def test_a_place_in_a_company_name_is_not_targeted(brief: str) -> None:
    out = plan_brief(brief, D).to_dict()
    geo = out["plan"]["ad_sets"][0]["targeting"]["geo_locations"]
    assert not geo["regions"] and not geo["cities"], geo


def test_a_state_code_after_a_city_is_still_a_place() -> None:
    out = plan_brief("sales, Denver, CO + 20 mi, $50/day, https://x.com/a a.jpg", D).to_dict()
    cities = out["plan"]["ad_sets"][0]["targeting"]["geo_locations"]["cities"]
    assert [c["name"] for c in cities] == ["Denver"]
