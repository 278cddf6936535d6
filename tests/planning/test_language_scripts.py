"""A language written in more than one script ("Chinese speakers": Simplified or Traditional,
Mandarin or Cantonese) is asked, naming the phrase, not read as every Chinese locale: the copy
and who reads it differ. Spanish / French keep their one "(All)" locale. Briefs of our own."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
TAIL = " Sales, $45 a day, https://mugs.example.com/shop, mug.jpg."


@pytest.mark.parametrize(("people", "phrase"), [
    ("Reach Chinese speakers in New York.", "chinese"),
    ("Vancouver, ads for Cantonese-speaking families.", "cantonese"),
    ("people who speak Mandarin in San Francisco", "mandarin"),
])
def test_a_language_of_several_scripts_is_asked(people: str, phrase: str) -> None:
    r = plan_brief(people + TAIL, D).to_dict()
    qs = [q for q in r["questions"] if q["field"] == "languages"]
    assert qs and phrase in qs[0]["question"].lower()


def test_one_script_languages_are_planned() -> None:
    r = plan_brief("Spanish speakers in the US." + TAIL, D)
    assert not r.questions and r.plan["ad_sets"][0]["targeting"]["locales"] == [1002]
