"""A move whose source is found through its container ("from Broad US in Trail Shoes").

"move 20 bucks a day from broad us in trail shoes over to lookalike 3%" was asked about ("which
one gives and which one gets it?"): "in Trail Shoes" was read as the destination, so Lookalike
3% was left over; "move $10 a day from lookalike 3% in trail shoes" asked how to split $10 over
Trail Shoes' ad sets, as if Trail Shoes were to get it.
"""

from __future__ import annotations

from tests.routing.conftest import ask

BROAD_US_TRAIL, LAL3, INTEREST = "120331000000131", "120331000000133", "120331000000132"


def test_the_container_of_the_source_is_not_the_destination():
    i = ask("move 20 bucks a day from broad us in trail shoes over to lookalike 3%")
    assert i.route == "budget" and [e.id for e in i.entities] == [BROAD_US_TRAIL]
    assert i.params["change"]["delta_minor"] == -2000 and i.params["move_to"] == LAL3
    assert [e.id for e in i.also[0].entities] == [LAL3]
    assert i.also[0].params["change"]["delta_minor"] == 2000


def test_into_after_a_container():
    i = ask("shift 10% from broad us in trail shoes into interest - trail running")
    assert i.route == "budget" and i.params["move_to"] == INTEREST


def test_a_move_with_only_a_container_after_the_source_asks_where_to():
    i = ask("move $10 a day from lookalike 3% in trail shoes")
    assert i.route == "clarify"
    assert "to which campaign or ad set" in i.params["why"]
