"""Language audiences in other words are read or asked; ethnicity is asked, never dropped.

"francophones only" was listed as harmless (no locale set);
"target Hispanic audience" vanished with nothing said — Meta has no ethnic or multicultural
targeting, so it is asked (a language such as Spanish speakers is the usual stand-in).
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="CAD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " https://x.ca/a a.jpg"


@pytest.mark.parametrize(
    ("brief", "locales"),
    [
        ("sales, Canada, $50/day, francophones only", [1003]),
        ("sales, Canada, $50/day, anglophones and francophones", [1001, 1003]),
    ],
)
def test_language_people_are_locales(brief: str, locales: list[int]) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert out["plan"]["ad_sets"][0]["targeting"]["locales"] == locales
    assert not out["questions"], out["questions"]


@pytest.mark.parametrize(
    ("brief", "words"),
    [
        ("sales, Canada, $50/day, target Hispanic audience", "hispanic"),
        ("sales, Canada, $50/day, latino families", "latino"),
    ],
)
def test_who_adpilot_cannot_read_is_asked(brief: str, words: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert any(words in (q.get("phrase") or "").lower() for q in out["questions"]), out["questions"]


@pytest.mark.parametrize(
    "brief",
    [
        "sales, Latin America, $50/day",
        "sales, Canada, $50/day, black friday deals",
        "sales for our ethnic wear label, Canada, $50/day",
        "sales, Canada, $50/day, Latino food truck",
        "sales, Canada, $50/day, copy in English",
    ],
)
def test_other_uses_are_untouched(brief: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert not [q for q in out["questions"] if q["kind"] == "unsupported"], out["questions"]
