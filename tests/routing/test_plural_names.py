"""A name said with its kind in the plural is every object of that kind whose name contains it.

"pause the spring sale campaigns" / "pause both spring sale campaigns" paused Spring Sale only:
the exact name won and Spring Sale - Retargeting was dropped without a word.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

BOTH = {"120330000000101", "120330000000102"}


@pytest.mark.parametrize("request_", [
    "pause the spring sale campaigns",
    "pause both spring sale campaigns",
    "pause all spring sale campaigns",
])
def test_a_plural_kind_after_a_name_takes_every_name_containing_it(request_):
    i = ask(request_)
    assert i.route == "status" and {e.id for e in i.entities} == BOTH
    assert all(e.match == "fuzzy" for e in i.entities)  # never auto-approved


def test_a_question_about_them_asks_about_both():
    i = ask("what did the spring sale campaigns spend last week")
    assert i.route == "question" and {e.id for e in i.entities} == BOTH


@pytest.mark.parametrize(("request_", "ids"), [
    ("pause spring sale", {"120330000000101"}),
    ("pause all of spring sale", {"120330000000101"}),
    ("pause all Broad US ad sets", {"120331000000113", "120331000000131", "120331000000171"}),
])
def test_a_name_without_its_kind_in_the_plural_is_that_name(request_, ids):
    i = ask(request_)
    assert i.route == "status" and {e.id for e in i.entities} == ids


def test_the_ads_of_a_campaign_are_its_ads():
    i = ask("pause all spring sale ads")
    assert i.route == "status" and {e.type for e in i.entities} == {"ad"}
