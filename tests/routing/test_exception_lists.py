"""Exceptions said as "all but", "everything … but Y", or with a kind inside a list of names.

"pause all but the carousels in spring sale" paused the carousels (the exception inverted);
"pause spring sale except for carousel b and the videos" paused the videos; "pause every ad in
spring sale except videos and carousel b" asked about Carousel B as a second target;
"pause everything in spring sale but carousel a" asked which Carousel A.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

SPRING_ACTIVE = {"120332000001111", "120332000001112", "120332000001121", "120332000001122",
                 "120332000001131", "120332000001132"}
VIDEOS = {"120332000001111", "120332000001121", "120332000001131"}
CAROUSELS = {"120332000001112", "120332000001122"}


@pytest.mark.parametrize(("request_", "left"), [
    ("pause all but the carousels in spring sale", CAROUSELS),
    ("pause spring sale except for carousel b and the videos", VIDEOS | {"120332000001122"}),
    ("pause every ad in spring sale except videos and carousel b", VIDEOS | {"120332000001122"}),
    ("pause everything in spring sale but carousel a", {"120332000001112"}),
])
def test_what_is_left_out_keeps_running(request_, left):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert {e.id for e in i.entities} == SPRING_ACTIVE - left


def test_but_with_an_amount_before_it_is_an_exception_too():
    i = ask("raise every ad set in trail shoes by 10% but lookalike 3%")
    assert i.route == "budget"
    assert {e.id for e in i.entities} == {"120331000000131", "120331000000132"}


def test_a_but_without_all_is_not_read_as_an_exception():
    assert ask("pause spring sale but carousel b").route == "clarify"
