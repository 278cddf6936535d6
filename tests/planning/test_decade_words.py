"""Ages said as decades in words: "late twenties", "early thirties to mid forties", "twenty-somethings".

"people in their late twenties" targeted 20-29 (the "late" dropped) and "twenty-somethings"
targeted everyone 18-65 — launchable, saying nothing. Digits ("late 20s") were already read.
"""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief


@pytest.mark.parametrize("people,ages", [
    ("people in their late twenties", (27, 29)),
    ("people in their late 20s", (27, 29)),
    ("women in their early thirties to mid forties", (30, 46)),
    ("twenty-somethings", (20, 29)),
    ("thirtysomethings", (30, 39)),
    ("30-somethings", (30, 39)),
    ("people in their forties", (40, 49)),
])
def test_decades_in_words_are_read_with_their_part(people, ages):
    r = plan_brief(f"sales, US, $50/day, {people}, https://x.example/p , a.jpg",
                   PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 3, 4)))
    assert not r.questions, r.questions
    t = r.plan["ad_sets"][0]["targeting"]
    assert (t["age_min"], t["age_max"]) == ages
