""" "test women against men" is a test of two ad sets, as "women vs men" is.

It planned one ad set for everyone (both genders read as all), launchable; the test words
"vs" and "versus" were known, "against" after "test" was not.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    "brief", ["test women against men", "testing men against women", "women vs men"]
)
def test_a_gender_test_is_two_ad_sets(brief: str) -> None:
    out = plan_brief(f"sales, US, $50/day, {brief} https://x.com/a a.jpg", D).to_dict()
    genders = sorted(a["targeting"].get("genders", [0])[0] for a in out["plan"]["ad_sets"])
    assert genders == [1, 2]
