"""A cost limit no reader takes is asked, never swallowed as "some money".

"don't pay more than $25 per purchase" and "CPM under $8" planned nothing for them, launchable
and unsaid (every amount in the brief counted as read, budget or not); "cost per lead no higher
than $40" was listed as harmless. Now a per-result amount or a cost-metric amount that neither
the bid nor the target reader took is left for the not-understood net, which asks about it; the
target reader also takes "no higher than". Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " US, $50/day, https://example.com/shop hero.jpg"


@pytest.mark.parametrize(
    ("brief", "words"),
    [
        ("sales, don't pay more than $25 per purchase.", "more than $25"),
        ("awareness, CPM under $8.", "CPM under $8"),
        ("traffic, we'd like to stay below $0.90 a click.", "below $0.90"),
    ],
)
def test_a_cost_limit_no_reader_takes_is_asked(brief: str, words: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert any(words.lower() in (q.get("phrase") or "").lower() for q in out["questions"]), out[
        "questions"
    ]


def test_no_higher_than_is_a_cpa_target() -> None:
    out = plan_brief("leads, cost per lead no higher than $40." + TAIL, D).to_dict()
    assert out["plan"]["targets"]["cpa_minor"] == 4000


@pytest.mark.parametrize(
    "brief",
    [
        "sales for our $49 sneakers.",
        "sales, cost cap $25 per purchase.",
        "sales, target CPA $25.",
        "sales, free shipping on orders over $50.",
    ],
)
def test_prices_caps_and_targets_plan_as_before(brief: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert not out["questions"], out["questions"]
