"""Placements and placement exclusions → the exact platforms and positions."""

from __future__ import annotations

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.people.placement_keys import STANDARD
from agents.orchestrator.planning.people.placements import read_placements
from agents.orchestrator.planning.rules import plan_brief

FB, IG, MSG, AN = "facebook", "instagram", "messenger", "audience_network"


def _all_but(platform: str, *left_out: str) -> list[str]:
    return [p for p in STANDARD[platform] if p not in left_out]


@pytest.mark.parametrize(("text", "expected"), [
    ("Instagram reels and explore only", {"publisher_platforms": [IG],
                                          "instagram_positions": ["reels", "explore"]}),
    ("Instagram explore home only", {"publisher_platforms": [IG],
                                     "instagram_positions": ["explore_home"]}),
    ("run on FB feed + Marketplace", {"publisher_platforms": [FB],
                                      "facebook_positions": ["feed", "marketplace"]}),
    ("reels only please", {"publisher_platforms": [FB, IG], "facebook_positions":
                           ["facebook_reels"], "instagram_positions": ["reels"]}),
    ("skip the audience network", {"publisher_platforms": [FB, IG, MSG]}),
    ("please no Messenger ads", {"publisher_platforms": [FB, IG, AN]}),
    ("no AN, no Messenger", {"publisher_platforms": [FB, IG]}),
    ("all placements except stories", {"publisher_platforms": [FB, IG, MSG, AN],
                                       "facebook_positions": _all_but(FB, "story"),
                                       "instagram_positions": _all_but(IG, "story"),
                                       "messenger_positions": ["messenger_home"]}),
    ("Facebook and Instagram, everywhere except reels",
     {"publisher_platforms": [FB, IG], "facebook_positions": _all_but(FB, "facebook_reels"),
      "instagram_positions": _all_but(IG, "reels")}),
    ("exclude the right-hand column", {"publisher_platforms": [FB, IG, MSG, AN],
                                       "facebook_positions": _all_but(FB, "right_hand_column")}),
    ("only on mobile", {"device_platforms": ["mobile"]}),
    ("no desktop", {"device_platforms": ["mobile"]}),
    ("just Insta, no stories", {"publisher_platforms": [IG],
                                "instagram_positions": _all_but(IG, "story")}),
    ("stories on Instagram and the Facebook feed", {"publisher_platforms": [FB, IG],
                                                    "facebook_positions": ["feed"],
                                                    "instagram_positions": ["story"]}),
    ("in-stream video on facebook only", {"publisher_platforms": [FB],
                                          "facebook_positions": ["instream_video"]}),
    ("promote the new drop on Instagram", {"publisher_platforms": [IG]}),
    ("automatic placements", {}),
    ("follow us on Instagram for behind the scenes", {}),
    ("people can chat with us on Messenger", {}),
    ("our ads did well on Facebook last year", {}),
    ("our Instagram account has great customer stories", {}),
    ("a facebook page id 4242", {}),
])
def test_placement_grammar(text, expected):
    assert read_placements(text).placements == expected


def test_placement_words_are_understood_and_not_places():
    brief = ("Facebook feed only, NO instagram, NO audience network. Sales of our lamps, "
             "$40/day, Canada, https://glow.example.ca, lamp.jpg")
    r = plan_brief(brief, PlanDefaults(currency="CAD", page_id="1", pixel_id="2"))
    t = r.plan["ad_sets"][0]["targeting"]
    assert t["publisher_platforms"] == [FB] and t["facebook_positions"] == ["feed"]
    assert t["geo_locations"]["countries"] == ["CA"]  # "NO" is no Norway
    assert not r.questions and not r.not_understood


@pytest.mark.parametrize(("text", "phrase"), [
    ("no Facebook groups", "no Facebook groups"), ("Instagram Shop only", "Instagram Shop"),
    ("run ads in Facebook Watch", "Facebook Watch"),
])
def test_a_placement_without_a_key_is_asked_not_read_as_the_platform(text, phrase):
    r = read_placements(text)
    assert r.placements == {} and [q.phrase for q in r.flags] == [phrase]


def test_an_unsupported_platform_is_asked():
    r = read_placements("Threads only")
    assert r.flags and r.flags[0].kind == "not_understood" and "Threads" in r.flags[0].phrase


def test_nothing_left_is_asked():
    r = read_placements("Instagram only, no instagram")
    assert r.flags and r.flags[0].kind == "conflict" and r.placements == {}


D = PlanDefaults(currency="USD", page_id="1", pixel_id="2")


@pytest.mark.parametrize("said", ["Use boots.jpg only on Instagram.",
                                  "Show the video only in Reels and the image in feed.",
                                  "Put hero.jpg on Stories and boots.jpg on Facebook feed"])
def test_placements_for_one_image_among_others_are_asked_as_unsupported(said):
    r = plan_brief(f"Sales for boots, $70/day, US, https://a.example.com, boots.jpg. {said}", D)
    [q] = r.questions
    assert q["kind"] == "unsupported" and "placements per image" in q["question"]


@pytest.mark.parametrize("said", ["Images for Instagram feed only", "Instagram only.",
                                  "Run it on Instagram only"])
def test_placements_for_all_the_ads_are_planned_not_asked(said):
    r = plan_brief(f"Sales for boots, $70/day, US, https://a.example.com, boots.jpg. {said}", D)
    assert r.questions == []
    assert r.plan["ad_sets"][0]["targeting"]["publisher_platforms"] == ["instagram"]


# A left-out placement and an "only" list in one comma-joined run: each clause keeps its own
# polarity ("no audience network, instagram only" was read as "no audience network, no
# instagram": Facebook and Messenger, the opposite of what was asked).
@pytest.mark.parametrize(("text", "expected"), [
    ("no audience network, instagram only", {"publisher_platforms": [IG]}),
    ("skip messenger, instagram stories only", {"publisher_platforms": [IG],
                                                "instagram_positions": ["story"]}),
    ("not on messenger, facebook and instagram only", {"publisher_platforms": [FB, IG]}),
    ("exclude audience network or messenger, facebook feed only",
     {"publisher_platforms": [FB], "facebook_positions": ["feed"]}),
    ("everywhere but messenger, instagram reels only", {"publisher_platforms": [IG],
                                                        "instagram_positions": ["reels"]}),
    ("instagram only, no audience network", {"publisher_platforms": [IG]}),
    ("no audience network, messenger or right column",  # a list of exclusions stays one
     {"publisher_platforms": [FB, IG], "facebook_positions": _all_but(FB, "right_hand_column")}),
])
def test_a_negation_does_not_reach_an_only_clause_after_a_comma(text, expected):
    r = read_placements(text)
    assert r.placements == expected and r.flags == []


@pytest.mark.parametrize(("text", "phrases"), [
    ("Instagram only, no instagram", ["Instagram only", "no instagram"]),
    ("instagram stories only, skip stories", ["instagram stories only", "skip stories"]),
    ("facebook and instagram, no facebook", ["facebook and instagram", "no facebook"]),
])
def test_an_only_and_its_own_exclusion_are_asked_naming_both(text, phrases):
    r = read_placements(text)
    [q] = r.flags
    assert q.kind == "conflict" and r.placements == {}
    assert all(p in q.question for p in phrases), q.question


def test_an_inverted_placement_brief_plans_only_what_was_asked():
    for brief in ("sales for shoes in US, $50 a day, no audience network, instagram only, "
                  "https://example.com/t, image a.jpg",
                  "sales for shoes in US, $50 a day, instagram only, no audience network, "
                  "https://example.com/t, image a.jpg"):
        r = plan_brief(brief, D)
        t = r.plan["ad_sets"][0]["targeting"]
        assert t["publisher_platforms"] == [IG], brief
        assert not r.questions, brief


@pytest.mark.parametrize(("text", "phrase"), [("no messenger reels", "no messenger reels"),
                                              ("instagram marketplace only",
                                               "instagram marketplace only")])
def test_a_position_the_platform_lacks_is_asked_not_read_as_nothing(text, phrase):
    r = read_placements(text)  # was: nothing left out / Facebook's marketplace, silently
    [q] = r.flags
    assert q.kind == "invalid" and q.phrase == phrase and r.placements == {}


def test_a_position_only_one_platform_has_is_that_platforms():
    assert read_placements("messenger inbox only").placements == {  # was: "nowhere left"
        "publisher_platforms": [MSG], "messenger_positions": ["messenger_home"]}
