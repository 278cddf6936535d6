"""An exact name that runs on into a longer one, or into a name inside it, is not that name.

"pause spring sale retarget" / "… rt" / "… retargetting" paused Spring Sale (the exact name
won, the rest of Spring Sale - Retargeting was dropped); "bump the add to cart adset in spring
sale retargetting 15%" asked whether "cart" was in Spring Sale; "pause spring sale women"
paused all of Spring Sale, not its Women 25-34 ad set; "pause spring sale video" too.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

RETARGETING = "120330000000102"


@pytest.mark.parametrize("request_", [
    "pause spring sale retargetting",
    "pause spring sale retarget",
    "pause spring sale rt",
    "pause spring sale remarketing",
])
def test_a_typo_or_shorthand_of_the_longer_name_is_the_longer_name(request_):
    i = ask(request_)
    assert i.route == "status"
    assert [(e.id, e.match) for e in i.entities] == [(RETARGETING, "fuzzy")]


def test_a_typo_of_the_container_still_finds_the_ad_set():
    i = ask("bump the add to cart adset in spring sale retargetting 15%")
    assert i.route == "budget" and [e.id for e in i.entities] == ["120331000000122"]
    assert i.params["change"]["pct"] == 15


def test_a_name_word_after_a_campaign_is_inside_it():
    i = ask("pause spring sale women")
    assert i.route == "status" and [e.id for e in i.entities] == ["120331000000111"]


def test_a_kind_after_a_campaign_is_asked_about_not_the_campaign():
    i = ask("pause spring sale video")
    assert i.route == "clarify" and i.params["candidates"]


@pytest.mark.parametrize(("request_", "cid"), [
    ("pause spring sale", "120330000000101"),
    ("pause spring sale asap", "120330000000101"),
    ("pause Video - Trail in all ad sets of Spring Sale", None),
])
def test_an_exact_name_with_nothing_of_another_after_it_stays_exact(request_, cid):
    i = ask(request_)
    assert i.route == "status"
    assert all(e.match == "exact" for e in i.entities)
    if cid:
        assert [e.id for e in i.entities] == [cid]


def test_a_kind_after_an_ad_name_describes_it():
    i = ask("can we test the UGC - Unboxing video vs a static image version? cap the test at $300")
    assert i.route == "ab_test"
