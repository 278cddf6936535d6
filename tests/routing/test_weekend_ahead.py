"""'Pause X for the weekend' said before Friday is a change days away, refused by name.

Paused at once it would go dark from Wednesday (only the resume was said to be unsupported);
from Friday the weekend is here, so the pause is made now and the resume is the later ask.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.routing import read_request
from tests.routing.conftest import WORLD

WEDNESDAY, FRIDAY, SATURDAY = date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 21)


def _ask(text: str, today: date):
    return read_request(text, WORLD["accounts"], account="act_1001", today=today)


def _routes(text: str, today: date) -> list[tuple[str, str]]:
    d = _ask(text, today).model_dump()
    asks = [d] + list(d.get("also") or [])
    return [(a["route"], ", ".join(e["name"] for e in a["entities"])) for a in asks]


@pytest.mark.parametrize("text", ["pause brand awareness for the weekend",
                                  "kill Brand Awareness over the weekend",
                                  "turn off brand awareness this weekend",
                                  "pause brand awareness this coming weekend",
                                  "stop brand awareness for the long weekend",
                                  "pause brand awareness over the wknd"])
def test_before_friday_the_weekend_is_days_away_and_nothing_is_paused_now(text):
    routes = _routes(text, WEDNESDAY)
    assert ("status", "Brand Awareness") not in routes
    intent = _ask(text, WEDNESDAY)
    assert intent.route == "unsupported" and "Wednesday" in intent.params["why"]
    assert "weekend" in intent.params["why"] and "now" in intent.params["why"]


@pytest.mark.parametrize("today", [FRIDAY, SATURDAY])
def test_from_friday_it_pauses_now_and_says_the_resume_is_not_scheduled(today):
    routes = _routes("pause brand awareness for the weekend", today)
    assert routes[0] == ("status", "Brand Awareness") and routes[1][0] == "unsupported"


def test_said_with_now_it_pauses_now_whatever_the_day():
    routes = _routes("pause brand awareness now, for the weekend", WEDNESDAY)
    assert routes[0] == ("status", "Brand Awareness")


@pytest.mark.parametrize("today", [WEDNESDAY, FRIDAY])
@pytest.mark.parametrize("text", ["turn brand awareness off for weekends",
                                  "pause brand awareness on weekends",
                                  "pause brand awareness every weekend",
                                  "pause brand awareness next weekend"])
def test_every_weekend_or_next_weekend_is_never_made_now(text, today):
    # a change that repeats, or one a week or more away: refused on any day, naming the words
    intent = _ask(text, today)
    assert intent.route == "unsupported" and intent.also == []
    assert text.split("awareness ")[-1].replace("off ", "") in intent.params["why"]


def test_till_after_the_weekend_pauses_now_and_says_it_will_not_resume():
    routes = _routes("pause brand awareness till after the weekend", WEDNESDAY)
    assert routes[0] == ("status", "Brand Awareness") and routes[1][0] == "unsupported"


def test_the_note_for_a_resume_not_scheduled_does_not_send_the_person_round_in_a_circle():
    # it said "— run adpilot ask "<the same request>" on its own", which gives the same card
    from state.later_asks import later_note

    intent = _ask("pause brand awareness until Monday", WEDNESDAY)
    note = later_note(intent.also[0])
    assert "on its own" not in note and "will not undo it by itself" in note
