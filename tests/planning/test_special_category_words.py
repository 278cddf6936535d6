"""Jobs, housing and credit said in everyday words still declare Meta's special ad category.

"recruit nurses for our clinic", "nurses wanted", "open roles at our warehouse", "rent out our
new apartments", "lease our new 2-bed units", "sell our condos", "tenants for our new
building", "get pre-approved for a car" each planned an ordinary campaign, launchable: an ad
Meta requires to run under EMPLOYMENT, HOUSING or CREDIT (with its targeting limits) would be
created without it. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = ", US, $50/day https://example.com/a a.jpg"


@pytest.mark.parametrize(
    ("brief", "category"),
    [
        ("recruit nurses for our clinic", "EMPLOYMENT"),
        ("nurses wanted at our clinic", "EMPLOYMENT"),
        ("open roles at our warehouse", "EMPLOYMENT"),
        ("apply to be a delivery driver", "EMPLOYMENT"),
        ("now accepting applications for line cooks", "EMPLOYMENT"),
        ("rent out our new apartments", "HOUSING"),
        ("lease our new 2-bed units", "HOUSING"),
        ("sell our condos downtown", "HOUSING"),
        ("find tenants for our new building", "HOUSING"),
        ("get pre-approved for a car", "CREDIT"),
        ("0% financing available on all sofas", "CREDIT"),
    ],
)
def test_the_category_is_declared(brief: str, category: str) -> None:
    plan = plan_brief(brief + TAIL, D).to_dict()["plan"]
    assert category in plan["special_ad_categories"], brief


@pytest.mark.parametrize(
    "brief",
    [
        "sales for our new sofas",
        "hire a DJ for your wedding, sales",
        "traffic to our blog about interior design",
    ],
)
def test_ordinary_briefs_declare_none(brief: str) -> None:
    plan = plan_brief(brief + TAIL, D).to_dict()["plan"]
    assert plan["special_ad_categories"] == [], brief


def test_other_things_wanted_are_no_jobs() -> None:
    plan = plan_brief("new ads needed by friday, sales" + TAIL, D).to_dict()["plan"]
    assert plan["special_ad_categories"] == []
