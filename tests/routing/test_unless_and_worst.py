""""unless …" is an exception never dropped; "X's worst ad" is a ranking, not the default rule.

"pause any ad with cpa over $40 in spring sale unless it's a video" paused the videos too (the
"unless" was dropped); "pause spring sale's worst ad" became the default pause rule, which may
pause several ads or none.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


def test_unless_a_kind_leaves_that_kind_running():
    i = ask("pause all ads in spring sale unless they're videos")
    assert i.route == "status"
    assert {e.id for e in i.entities} == {"120332000001112", "120332000001122", "120332000001132"}


@pytest.mark.parametrize("request_", [
    "pause any ad with cpa over $40 in spring sale unless it's a video",
    "pause spring sale unless cpa drops",
])
def test_an_unless_that_cannot_be_applied_is_asked_about(request_):
    i = ask(request_)
    assert i.route == "clarify" and "unless" in i.params["phrase"]


def test_the_worst_ad_is_a_ranking_asked_about():
    i = ask("pause spring sale's worst ad")
    assert i.route == "clarify" and "threshold" in i.params["why"]
