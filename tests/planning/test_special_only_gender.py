"""A special ad category with an exclusive gender ask ("only show to men 25-35") is refused,
naming the phrase and `genders` — widening it to everyone would invert what was asked. A plain
mention ("drivers, men 21-30") is still widened and said (test_rules_planner). Briefs of our
own, not eval rows."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))


@pytest.mark.parametrize(("brief", "phrase"), [
    ("We're hiring cooks in Ohio, women only 30-45, $30/day, https://jobs.example.com, a.jpg",
     "women only 30-45"),
    ("Apartments for rent in Denver, show it just to men, leads, $50/day, "
     "https://flats.example.com, b.jpg", "just to men"),
    ("personal loans, US, only for women 25-50 pls, $90/day, https://lend.example.com, c.jpg",
     "only for women 25-50"),
])
def test_exclusive_gender_in_a_special_category_is_refused(brief: str, phrase: str) -> None:
    r = plan_brief(brief, D).to_dict()
    assert any("genders" in p["path"] for p in r["problems"]), r["problems"]
    said = " ".join(q["question"] for q in r["questions"]) + " ".join(
        p["message"] for p in r["problems"])
    assert phrase.lower() in said.lower()
    assert not any(a["path"].endswith("genders") for a in r["adjustments"])


def test_politics_only_women_is_kept() -> None:
    r = plan_brief("Vote Lopez for council! only women 30-60 in Phoenix, $25/day, "
                   "https://lopez.example.com, maria.jpg", D)
    assert r.plan["ad_sets"][0]["targeting"]["genders"] == [2] and not r.problems
