"""Everyday ways of leaving people out are exclusions, never dropped or turned around.

"cut out anyone under 25" planned ages 18-24 and "keep teens out of it" ages 13-17 (the ages
read, the words that leave them out not); "filter out crossfit fans" targeted CrossFit;
"leave out the marathon crowd", "steer clear of the crossfit folks", "rule out pilates" were
listed as harmless; "don't want crossfit people" vanished. Each now leaves out what it names,
or asks. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " US, $55 a day, sales, https://example.com/shop hero.jpg"


def _plan(brief: str) -> tuple[dict[str, Any], dict[str, Any], bool]:
    out = plan_brief(brief + TAIL, D).to_dict()
    launch = bool(out["plan"]) and not out["problems"] and not out["questions"]
    return out, out["plan"]["ad_sets"][0]["targeting"], launch


def _names(specs: list[dict[str, Any]] | None) -> set[str]:
    return {i["name"] for s in specs or [] for i in s.get("interests", [])}


@pytest.mark.parametrize(
    ("brief", "interest"),
    [
        ("men 18-34 into running — leave out the marathon crowd tho.", "Marathon"),
        ("people into running but keep the marathon people out.", "Marathon"),
        ("people into yoga, filter out crossfit fans.", "CrossFit"),
        ("people into yoga, steer clear of the crossfit folks.", "CrossFit"),
        ("people into yoga, don't want crossfit people.", "CrossFit"),
        ("people into yoga, rule out pilates.", "Pilates"),
        ("people into yoga, stay away from pilates people.", "Pilates"),
    ],
)
def test_an_interest_left_out_is_excluded_or_asked(brief: str, interest: str) -> None:
    out, t, launch = _plan(brief)
    assert interest not in _names(t.get("flexible_spec")), t
    excluded = {i["name"] for i in (t.get("exclusions") or {}).get("interests", [])}
    assert interest in excluded or not launch, out["not_understood"]


@pytest.mark.parametrize(
    ("brief", "age_min", "age_max"),
    [
        ("cut out anyone under 25.", 25, 65),
        ("keep teens out of it.", 18, 65),
        ("filter out under-21s.", 21, 65),
        ("leave out people over 60.", 18, 60),
    ],
)
def test_ages_left_out_are_the_bound_they_leave(brief: str, age_min: int, age_max: int) -> None:
    _, t, _ = _plan(brief)
    assert (t["age_min"], t["age_max"]) == (age_min, age_max)


@pytest.mark.parametrize(
    "brief",
    ["take Alaska off the list.", "stay away from Alaska.", "leave Alaska out."],
)
def test_a_place_left_out_is_excluded(brief: str) -> None:
    _, t, _ = _plan(brief)
    assert t["geo_locations"]["countries"] == ["US"]
    assert [r["name"] for r in t["excluded_geo_locations"]["regions"]] == ["Alaska"]


@pytest.mark.parametrize(
    "brief",
    [
        "promote our take out menu to locals.",
        "we cut out the middleman so prices are lower.",
        "keep it simple, one image.",
    ],
)
def test_other_uses_of_the_words_change_nothing(brief: str) -> None:
    out, t, launch = _plan(brief)
    assert launch, out["questions"]
    assert not t.get("exclusions") and not t.get("excluded_geo_locations")


@pytest.mark.parametrize(
    "brief",
    [
        "we don't want to spend more than that.",
        "don't want a pushy tone in the copy.",
        "leave out the price in the ad text.",
        "steer clear of clickbait copy.",
    ],
)
def test_leaving_out_a_thing_is_no_exclusion(brief: str) -> None:
    from agents.orchestrator.planning.normalise import normalise

    assert "exclude" not in normalise(brief).text


@pytest.mark.parametrize(
    "brief",
    [
        "we don't want to buy sales at a loss.",
        "don't want people going to the website, WhatsApp only.",
    ],
)
def test_what_people_do_is_no_exclusion(brief: str) -> None:
    from agents.orchestrator.planning.normalise import normalise

    assert "exclude" not in normalise(brief).text


@pytest.mark.parametrize(
    ("brief", "included", "excluded"),
    [
        ("men 18-34 into running, leave out the marathon crowd.", "Running", "Marathon"),
        ("the yoga crowd, but steer clear of the crossfit folks.", "Yoga", "CrossFit"),
    ],
)
def test_a_crowd_or_folks_names_the_interest(brief: str, included: str, excluded: str) -> None:
    out, t, launch = _plan(brief)
    assert launch, out["questions"]
    assert _names(t.get("flexible_spec")) == {included}
    assert [i["name"] for i in t["exclusions"]["interests"]] == [excluded]
