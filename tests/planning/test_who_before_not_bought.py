"""'People who <did X> but never bought': the X is who sees the ads, never dropped.

A "but never checked out" leaves the buyers out of some audience named before it. When that
audience is read the plan targets it; when it is not, the planner asks, naming the phrase —
it never runs the ads to everyone but the buyers. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
TAIL = " Sales, US, $45 a day, https://mugs.example.com/shop, mug.jpg."


def launchable(r) -> bool:
    return r.plan is not None and not r.problems and not r.questions


def included(r) -> list[dict]:
    auds = {a["key"]: a for a in r.plan.get("audiences", [])}
    return [auds.get(ref.get("key"), ref) for ref in
            r.plan["ad_sets"][0]["targeting"].get("custom_audiences") or []]


@pytest.mark.parametrize("who", [
    "people who put stuff in their basket in the last 14 days but never checked out",
    "shoppers who placed items into their cart in the last 14 days but never bought",
    "folks that left something in the shopping bag in the last 14 days and did not buy",
    "anyone who threw a mug in the trolley in the last 14 days without buying",
])
def test_items_put_in_the_cart_are_the_audience(who: str) -> None:
    r = plan_brief(f"Retarget {who}." + TAIL, D)
    assert launchable(r), (r.questions, r.problems)
    inc = included(r)
    assert [a.get("event") for a in inc] == ["AddToCart"]
    assert inc[0]["retention_days"] == 14


@pytest.mark.parametrize("who", [
    "people who wished for a mug on our quiz but never bought",
    "ppl who got the catalogue last spring but never ordered",
])
def test_an_unread_who_before_never_bought_is_asked(who: str) -> None:
    r = plan_brief(f"Show the ads to {who}." + TAIL, D)
    assert not launchable(r)
    said = " ".join(q["question"] for q in r.to_dict()["questions"]).lower()
    assert who.split(" but ")[0].lower() in said
