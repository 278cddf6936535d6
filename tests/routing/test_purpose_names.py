"""A name in the reason or purpose after an ask is not an object of that ask.

"pause spring sale so we can scale brand awareness" and "pause spring sale, we need the money
for brand awareness" paused Brand Awareness too: the purpose's exact name was read as a second
object of the pause (only partial names in a purpose were read as words).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

SPRING, BRAND = "120330000000101", "120330000000104"


@pytest.mark.parametrize("request_", [
    "pause spring sale, we need the money for brand awareness",
    "pause spring sale because brand awareness is doing better",
])
def test_a_name_in_a_reason_is_not_paused(request_):
    i = ask(request_)
    assert i.route == "status" and [e.id for e in i.entities] == [SPRING]
    assert not any(e.id == BRAND for a in i.also for e in a.entities if a.route == "status")


def test_a_change_in_a_purpose_is_its_own_ask_asked_about():
    i = ask("pause spring sale so we can scale brand awareness")
    assert i.route == "status" and [e.id for e in i.entities] == [SPRING]
    assert [(a.route, [e.id for e in a.entities]) for a in i.also] == [("clarify", [BRAND])]


def test_a_request_that_starts_with_its_reason_still_names_its_object():
    i = ask("so the CFO wants numbers: can you pull spend for Spring Sale this month?")
    assert i.route == "question" and [e.id for e in i.entities] == [SPRING]
