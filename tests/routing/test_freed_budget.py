""""pause X and give its budget to Y": Y gets X's own budget, on a later card, said in a note.

"pause lookalike 3% until further notice and give its budget to interest - trail running"
paused Lookalike 3% and asked "By how much?" for the rest, though the amount was said: its
budget ($40 a day).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

LAL3, INTEREST = "120331000000133", "120331000000132"


@pytest.mark.parametrize("request_", [
    "pause lookalike 3% until further notice and give its budget to interest - trail running",
    "pause lookalike 3% and move its budget to interest - trail running",
    "pause lookalike 3% and put the money into interest - trail running",
])
def test_the_budget_a_pause_frees_goes_to_the_other_object(request_):
    i = ask(request_)
    assert i.route == "status" and [e.id for e in i.entities] == [LAL3]
    later = i.also[0]
    assert later.route == "budget" and [e.id for e in later.entities] == [INTEREST]
    assert later.params["change"]["delta_minor"] == 4000 and later.params["currency"] == "USD"
    assert any("Lookalike 3%'s daily budget" in n for n in i.notes)


def test_an_object_with_no_budget_of_its_own_is_asked_about():
    i = ask("pause women 25-34 and give its budget to men 25-44")  # the budget is Spring Sale's
    assert i.route == "status"
    assert i.also[0].route == "clarify"
