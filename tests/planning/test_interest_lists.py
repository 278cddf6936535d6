"""Every interest of a list is targeted, left out, or asked about — never dropped.

An interest list stopped at its first miss once it had a hit, and the whole list counted as
read: "into yoga, barre and pilates" targeted Yoga alone, "yoga or pilates — but …" lost
Pilates, "interests: yoga, pilates — no crossfit" lost Pilates and the exclusion, and "yoga and
pickleball" (not in the catalogue) launched with Yoga, saying nothing.
"""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.people.interests import find_interests
from agents.orchestrator.planning.rules import plan_brief

TAIL = "US, $50/day, sales, https://example.com/t , a.jpg"


def run(brief: str):
    return plan_brief(brief, PlanDefaults(currency="USD", page_id="1", pixel_id="2",
                                          today=date(2026, 3, 4)))


def names(r, key="flexible_spec"):
    t = r.plan["ad_sets"][0]["targeting"]
    if key == "flexible_spec":
        return sorted(i["name"] for s in t.get("flexible_spec") or [] for i in s.get("interests", []))
    return sorted(i["name"] for i in (t.get("exclusions") or {}).get("interests", []))


@pytest.mark.parametrize("text,kept,left_out", [
    ("women who are into yoga or pilates — but leave out anyone interested in CrossFit, "
     "different vibe", ["Pilates", "Yoga"], ["CrossFit"]),
    ("people who are into hiking - and camping", ["Camping", "Hiking"], []),
    ("interests: yoga, pilates — no crossfit", ["Pilates", "Yoga"], ["CrossFit"]),
    ("interested in tennis, golf but not hunting", ["Golf", "Tennis"], ["Hunting"]),
])
def test_every_item_of_an_interest_list_is_read(text, kept, left_out):
    r = run(f"{text}, {TAIL}")
    assert not r.questions and not r.problems, r.questions
    assert names(r) == kept
    assert names(r, "exclusions") == left_out


@pytest.mark.parametrize("text,missing", [
    ("women interested in yoga and pickleball", "pickleball"),
    ("women into yoga, barre and pilates", "barre"),
    ("fans of tennis or padel", "padel"),
])
def test_an_interest_the_catalogue_lacks_inside_a_list_is_asked(text, missing):
    r = run(f"{text}, {TAIL}")
    asked = [q for q in r.questions if missing in (q.get("phrase") or "")]
    assert asked, r.questions
    assert asked[0]["kind"] == "not_understood" and asked[0]["field"] == "interests"


def test_the_other_interests_of_that_list_are_still_read():
    assert [i["name"] for i in find_interests("women into yoga, barre and pilates").found] == \
        ["Yoga", "Pilates"]


def test_waiving_the_missing_interest_launches_with_the_rest():
    r = plan_brief(f"women interested in yoga and pickleball, {TAIL}",
                   PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 3, 4),
                                waived=("pickleball",)))
    assert not r.questions, r.questions
    assert names(r) == ["Yoga"]


@pytest.mark.parametrize("text,kept", [
    ("people interested in yoga, US", ["Yoga"]),
    ("women interested in hiking and want new boots", ["Hiking"]),
])
def test_other_facts_after_an_interest_list_are_not_asked_as_interests(text, kept):
    r = run(f"{text}, {TAIL}")
    assert not [q for q in r.questions if q.get("field") == "interests"], r.questions
    assert names(r) == kept


@pytest.mark.parametrize("text,missing", [
    ("target people into Peloton and Strava", ["Peloton", "Strava"]),
    ("women who love Zwift", ["Zwift"]),
    ("fans of Strava, Zwift and Garmin", ["Strava", "Zwift", "Garmin"]),
    ("Into yoga and pickleball.", ["pickleball"]),
])
def test_interests_the_catalogue_lacks_are_asked_when_nothing_else_is_found(text, missing):
    # "people into Peloton and Strava" launched with no interest at all, the names only
    # listed as not understood: who sees the ads changed, silently
    r = run(f"{text}, {TAIL}")
    asked = [q["phrase"] for q in r.questions if q["field"] == "interests"]
    assert asked == missing, r.questions
    assert all(q["kind"] == "not_understood" for q in r.questions if q["field"] == "interests")


@pytest.mark.parametrize("text", [
    "people interested in Peloton, women 28-50",
    "fans of our brand",
    "people who like to travel light",
])
def test_what_follows_a_cue_and_is_no_interest_is_not_asked_as_one(text):
    r = run(f"{text}, {TAIL}")
    asked = [q["phrase"] for q in r.questions if q["field"] == "interests"]
    assert asked in ([], ["Peloton"]), r.questions
