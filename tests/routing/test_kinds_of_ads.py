"""A kind of ad said as a filter, and exceptions that name nothing adpilot can place.

"turn off all the video creatives in Spring Sale, keep the statics running" paused the whole
campaign (the statics too); "pause the video ads in Spring Sale" answered "No campaign named
Spring Sale"; "pause everything in Spring Sale apart from the winners" paused everything. The
sentences are written for these tests; the world is the router evals'.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

SPRING_SALE_VIDEOS = {"120332000001111", "120332000001121", "120332000001131"}  # UGC - Review too
TRAIL_SHOES_NOT_VIDEO = {"120332000001312", "120332000001322", "120332000001331"}


@pytest.mark.parametrize("request_", [
    "pause the video ads in Spring Sale",
    "turn off all the video creatives in spring sale, keep the statics running",
    "kill every video in spring sale",
    "pause spring sale's video ads",
    "can you switch off the videos in Spring Sale please",
])
def test_the_video_ads_of_a_campaign_are_its_ads_whose_format_is_video(request_):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert {e.id for e in i.entities} == SPRING_SALE_VIDEOS
    assert any("format" in n for n in i.notes)


@pytest.mark.parametrize("request_", [
    "pause everything in trail shoes except the video ads",
    "pause all ads in Trail Shoes - Prospecting but keep the videos running",
    "turn off trail shoes prospecting, not the videos",
])
def test_a_kind_said_as_an_exception_keeps_those_ads_running(request_):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert {e.id for e in i.entities} == TRAIL_SHOES_NOT_VIDEO


def test_the_static_ads_skip_what_is_already_paused():
    i = ask("pause the static ads in spring sale")
    assert i.route == "status"
    assert {e.id for e in i.entities} == {"120332000001132"}  # Shoe Closeup and Summit are paused


def test_resuming_a_kind_lists_those_ads():
    i = ask("turn the carousels in spring sale back on")
    assert i.route == "status" and i.params["to"] == "ACTIVE"
    assert {e.id for e in i.entities} == {"120332000001112", "120332000001122"}


def test_a_question_about_a_kind_asks_about_those_ads():
    i = ask("how are the video ads in spring sale doing this week?")
    assert i.route == "question" and i.params["level"] == "ad"
    assert {e.id for e in i.entities} == SPRING_SALE_VIDEOS


@pytest.mark.parametrize("request_", [
    "cut the budget of the video ads in spring sale by 20%",
    "pause the video ads in spring sale with a CPA over $40",
])
def test_a_write_that_cannot_be_limited_to_a_kind_is_asked_about(request_):
    i = ask(request_)
    assert i.route == "clarify"
    assert "video" in i.params["why"]


def test_a_kind_with_no_ads_of_it_is_asked_about():
    i = ask("pause the carousels in Brand Awareness")
    assert i.route == "clarify" and "carousel" in i.params["why"]


@pytest.mark.parametrize(("request_", "kept"), [
    ("pause all ads in spring sale except carousel a", "120332000001112"),  # a name, not a kind
    ("pause everything in Spring Sale except Carousel B", "120332000001122"),
])
def test_a_name_that_starts_with_a_kind_is_still_a_name(request_, kept):
    i = ask(request_)
    assert i.route == "status"
    ids = {e.id for e in i.entities}
    assert kept not in ids and len(ids) == 5


def test_the_video_ad_in_an_ad_set_is_one_ad():
    i = ask("try some different copy on the video ad in the women adset, you pick")
    assert i.route == "ab_test"


@pytest.mark.parametrize("request_", [
    "pause everything in spring sale apart from the winners",
    "pause every ad in spring sale - retargeting except the blue ones",
    "pause spring sale but keep the best ones running",
    "cut trail shoes prospecting by 20% except the good ad sets",
])
def test_an_exception_that_names_nothing_is_asked_about_never_dropped(request_):
    i = ask(request_)
    assert i.route == "clarify"
    assert i.params["phrase"] and i.params["phrase"] in i.params["why"]


def test_a_name_word_in_the_plural_is_every_object_with_it_left_out():
    i = ask("pause every ad in spring sale - retargeting except the reminders")
    assert i.route == "status"
    assert {e.id for e in i.entities} == {"120332000001211", "120332000001222"}


def test_a_name_word_in_the_plural_is_asked_about_when_it_is_what_changes():
    i = ask("pause the reminders")
    assert i.route == "clarify"
    assert set(i.params["candidates"]) == {"120332000001212", "120332000001221"}


def test_a_metric_in_the_plural_is_no_name():
    i = ask("what were the sales last week")
    assert i.route == "question" and not i.entities


@pytest.mark.parametrize("request_", [
    "test new videos in spring sale",
    "a/b test two videos in women 25-34",
    "try different images in trail shoes",
])
def test_new_creative_of_a_kind_in_a_test_is_no_filter(request_):
    assert ask(request_).route == "ab_test"


def test_watching_only_a_kind_is_asked_about():
    i = ask("watch the videos in spring sale")
    assert i.route == "clarify" and "watch" in i.params["why"]
