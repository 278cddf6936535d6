"""A goal word at the head of a list is the goal, not an interest.

"sales, men 18-34 who are into running … leave out the marathon crowd" targeted the interest
Sales (the list before "crowd" read back through the comma to the goal word), as did
"sales, yoga lovers" and "leads, hiking and camping fans". Briefs of our own.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.people.interests import find_interests
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("sales, yoga lovers (no gym rats)", ["Yoga"]),
        ("leads, hiking and camping fans", ["Hiking", "Camping"]),
        ("traffic, photography and travel buffs", ["Photography", "Travel"]),
        ("sales, men 18-34 who are into running and the gym, the marathon crowd", None),
    ],
)
def test_the_goal_word_is_no_interest(text: str, names: list[str] | None) -> None:
    found = [h["name"] for h in find_interests(text).found]
    assert "Sales" not in found and "Lead generation" not in found
    if names is not None:
        assert sorted(found) == sorted(names)


def test_the_plan_keeps_the_goal_out_of_the_interests() -> None:
    out = plan_brief(
        "sales, men 18-34 who are into running — leave out the marathon crowd tho. US, $55 a "
        "day, https://example.com/shop hero.jpg",
        D,
    ).to_dict()
    t = out["plan"]["ad_sets"][0]["targeting"]
    assert [i["name"] for s in t["flexible_spec"] for i in s["interests"]] == ["Running"]
