"""Ad sets named one by one are paused, not swept by the default pause rule.

"turn off the women and men ad sets in spring sale" became the pause rule with its default
threshold on those two ad sets (which pauses only the ones that fail it); named ads were
already paused as named.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize("request_", ["turn off the women and men ad sets in spring sale",
                                      "pause the women and men ad sets"])
def test_named_ad_sets_are_paused(request_):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert {e.id for e in i.entities} == {"120331000000111", "120331000000112"}


@pytest.mark.parametrize("request_", ["pause the weak ad sets among women 25-34 and men 25-44",
                                      "pause the losers in women 25-34"])
def test_a_word_of_quality_is_still_the_rule(request_):
    assert ask(request_).route == "pause_underperformers"
