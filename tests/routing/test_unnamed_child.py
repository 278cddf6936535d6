"""A child said by words that name nothing is asked about; the change never falls on its container.

"pause the blue ad set in spring sale" paused Spring Sale; "pause the florida ad in brand
awareness" paused Brand Awareness; "raise the young people adset in trail shoes by 10%" raised
every ad set of Trail Shoes - Prospecting.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize(("request_", "words"), [
    ("pause the blue ad set in spring sale", "blue"),
    ("pause the florida ad in brand awareness", "florida"),
    ("raise the young people adset in trail shoes by 10%", "young people"),
])
def test_the_words_for_a_child_that_name_nothing_are_asked_about(request_, words):
    i = ask(request_)
    assert i.route == "clarify"
    assert i.params["phrase"] == words and words in i.params["why"]


@pytest.mark.parametrize("request_", [
    "Lookalike 1 % adset → live again please",
    "pause all the ad sets in spring sale",
    "pause the weak ads in spring sale",
])
def test_a_name_or_a_quantity_before_the_kind_is_read_as_before(request_):
    assert ask(request_).route != "clarify"
