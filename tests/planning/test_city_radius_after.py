"""A city that is also a word ("Phoenix", "Nice", "Reading") is a place when a radius follows it.

"Phoenix +25 mi" left Phoenix out (a word like "phoenix" needs a place cue before it) and asked
for a country, although the radius right after it says it is a place: the brief's target and
radius were both lost to a question it had answered.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 4))
TAIL = " Sales, $45 a day, https://mugs.example.com/shop, mug.jpg."


@pytest.mark.parametrize(("text", "radius"), [
    ("Phoenix +25 mi.", 25),
    ("Phoenix +25mi.", 25),
    ("Phoenix + 25 miles.", 25),
    ("Phoenix (+25 mi).", 25),
    ("Phoenix 25 mi radius.", 25),
    ("Phoenix, 30 miles.", 30),
])
def test_a_wordlike_city_with_a_radius_after_it_is_that_city(text, radius):
    r = plan_brief(text + TAIL, D)
    assert not [q for q in r.questions if q["field"] in ("country", "brief")], r.questions
    (city,) = r.plan["ad_sets"][0]["targeting"]["geo_locations"]["cities"]
    assert (city["name"], city["country"], city["radius"], city["distance_unit"]) == \
        ("Phoenix", "US", radius, "mile")


def test_a_wordlike_name_with_no_radius_is_still_no_place():
    r = plan_brief("Phoenix rising candles. US." + TAIL, D)
    assert not r.plan["ad_sets"][0]["targeting"]["geo_locations"].get("cities")
