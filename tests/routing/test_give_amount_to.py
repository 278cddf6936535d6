""""give $10 to X" gives X $10 more; it never sets X's budget to $10.

"give $10 to interest - trail running" set Interest - Trail Running from $50 to $10 a day (the
amount before "to ⟨X⟩" was read as the new budget): the wrong amount, in the wrong direction.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

INTEREST = "120331000000132"


@pytest.mark.parametrize("request_", [
    "give $10 to interest - trail running",
    "give $10 a day to interest - trail running",
    "give 10 bucks to interest - trail running",
])
def test_an_amount_given_to_an_object_is_added(request_):
    i = ask(request_)
    assert i.route == "budget" and [e.id for e in i.entities] == [INTEREST]
    assert i.params["change"]["delta_minor"] == 1000 and i.params["change"].get("to_minor") is None


@pytest.mark.parametrize(("request_", "minor"), [
    ("give interest - trail running $80 a day", 8000),
    ("give spring sale $200 a day", 20000),
])
def test_an_object_given_an_amount_a_day_is_set_to_it(request_, minor):
    i = ask(request_)
    assert i.route == "budget" and i.params["change"]["to_minor"] == minor
