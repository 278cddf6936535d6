"""A radius said once for a list of cities is every listed city's.

"Denver and Boulder, 15 miles around each" gave Boulder 15 miles and Denver Meta's default 25;
"15 miles around Denver and Boulder" gave Boulder 25; "Munich and Stuttgart, 25 km around
each city" gave Munich 40 km — a plan that could launch with other radii than the brief's.
"""

import pytest

from agents.orchestrator.planning.geo.parse import find_geo


@pytest.mark.parametrize("text,radii", [
    ("Denver and Boulder, 15 miles around each", [15, 15]),
    ("15 miles around Denver and Boulder", [15, 15]),
    ("Denver, Boulder, Colorado Springs - 20 miles radius", [20, 20, 20]),
    ("Munich and Stuttgart, 25 km around each city", [25, 25]),
    ("Lyon, Lille and Nantes, 25 km each", [25, 25, 25]),
    ("Denver (20mi) and Boulder (15mi)", [20, 15]),
    ("Denver with a 20 mile radius and Boulder with 12 miles", [20, 12]),
    ("20 miles around Denver, and Boulder", [20, 20]),
])
def test_one_radius_for_a_list_of_cities_is_each_citys(text, radii):
    g = find_geo(text)
    assert [c["radius"] for c in g.cities] == radii, g.cities
    assert g.flags == []


def test_a_city_named_apart_keeps_its_own_default():
    g = find_geo("Denver within 15 miles. Also Boulder.")
    assert [c["radius"] for c in g.cities] == [15, 25]


def test_two_radii_said_on_their_own_are_asked_not_dropped():
    g = find_geo("Denver and Boulder; within 20 miles; within 12 miles")
    assert g.flags and "20 miles" in g.flags[0].phrase and "12 miles" in g.flags[0].phrase
