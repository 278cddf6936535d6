"""A bare "everyone" far from a correction cue changes no gender ("… I'd rather they chat on
WhatsApp, that's where I book everyone" keeps "girls 24-34"); one right after the cue does
("women — actually, everyone"). Briefs of our own, not eval rows."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.people.genders import find_gender_result
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))


@pytest.mark.parametrize("text", [
    "girls 24-34 around Austin, $25 a day. the site is https://x.example.com but I'd rather they "
    "just message me on WhatsApp, that's where I book everyone lol",
    "women 30-50, Denver. Instead of the site, send them to Messenger; we answer everyone fast.",
])
def test_everyone_in_passing_after_a_far_cue_keeps_the_gender(text: str) -> None:
    r = find_gender_result(text)
    assert r.genders == [2]
    assert not r.adjustments


def test_the_plan_keeps_women() -> None:
    r = plan_brief("moms 28-40 in Austin, sales, $25 a day, https://x.example.com, a.jpg. I'd "
                   "rather not use stories, people there skip everyone's ads", D)
    assert r.plan["ad_sets"][0]["targeting"].get("genders") == [2]


@pytest.mark.parametrize("text", ["women 25-34 — actually, everyone",
                                  "men only. no wait, make it everyone"])
def test_everyone_right_after_a_correction_still_corrects(text: str) -> None:
    r = find_gender_result(text)
    assert r.genders is None
    assert r.adjustments
