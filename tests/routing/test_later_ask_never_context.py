"""A later change that names an object is an ask of its own, never context dropped in silence.

"pause spring sale and scale brand awareness", "…, then boost brand awareness", "… and move its
money to brand awareness" paused Spring Sale and said nothing of Brand Awareness: the second
ask had no amount, so it was read as context and its name as words.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

SPRING, BRAND = "120330000000101", "120330000000104"


@pytest.mark.parametrize("request_", [
    "pause spring sale and scale brand awareness",
    "pause spring sale, then boost brand awareness",
    "pause spring sale and bump brand awareness a bit",
])
def test_a_later_change_with_no_amount_is_asked_about(request_):
    i = ask(request_)
    assert i.route == "status" and [e.id for e in i.entities] == [SPRING]
    assert [(a.route, [e.id for e in a.entities]) for a in i.also] == [("clarify", [BRAND])]
    assert any("Brand Awareness" in n for n in i.notes)


@pytest.mark.parametrize("request_", [
    "pause spring sale and move its money to brand awareness",
    "pause spring sale and move whatever is left to brand awareness",
])
def test_the_money_a_pause_frees_goes_where_it_is_sent(request_):
    i = ask(request_)
    assert i.route == "status"
    later = i.also[0]
    assert later.route == "budget" and [e.id for e in later.entities] == [BRAND]
    assert later.params["change"]["delta_minor"] == 15000

