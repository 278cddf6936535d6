""""X: 150 -> 200" sets X to 200; the amount before the arrow is what it has now.

"spring sale: 150 -> 200" set Spring Sale's budget to $150 a day (it already was): the first
amount was read as the new one, the second dropped. "from 150 to 200" was read right already.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize(("request_", "cid", "minor"), [
    ("spring sale: 150 -> 200", "120330000000101", 20000),
    ("spring sale 150→200", "120330000000101", 20000),
    ("brand awareness 50 -> 35/day", "120330000000104", 3500),
    ("lower brand awareness from $50 to $35", "120330000000104", 3500),
])
def test_the_amount_after_the_arrow_is_the_new_budget(request_, cid, minor):
    i = ask(request_)
    assert i.route == "budget" and [e.id for e in i.entities] == [cid]
    assert i.params["change"]["to_minor"] == minor
