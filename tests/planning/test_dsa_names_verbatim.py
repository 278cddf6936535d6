"""The legal name after "paid for by" is a name: never corrected into a place.

"sales, Italy, €40 per day. paid for by Olio Srl" targeted Italy and Ohio ('Olio' read as a
misspelling of 'Ohio'), launchable. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="EUR", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    ("brief", "country", "payor"),
    [
        (
            "sales, Italy, €40 per day. paid for by Olio Srl https://olio.it/shop bottle.jpg",
            "IT",
            "Olio Srl",
        ),
        (
            "sales, France, 40 € par jour, advertiser: Lyonne Textiles SAS. https://x.fr/a a.jpg",
            "FR",
            "Lyonne Textiles SAS",
        ),
    ],
)
def test_the_payors_name_is_read_as_written(brief: str, country: str, payor: str) -> None:
    out = plan_brief(brief, D).to_dict()
    geo = out["plan"]["ad_sets"][0]["targeting"]["geo_locations"]
    assert geo["countries"] == [country] and not geo["regions"] and not geo["cities"]
    assert not [a for a in out["adjustments"] if a["path"] == "brief"]
    assert out["plan"]["ad_sets"][0]["dsa_payor"] == payor
