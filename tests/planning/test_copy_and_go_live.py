"""Quoted copy is used verbatim, several headlines are a headline test, go-live asks are kept."""

from __future__ import annotations

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.copy import fill_missing_copy
from agents.orchestrator.planning.parse_copy import find_copy, quotes
from agents.orchestrator.planning.rules import plan_brief
from agents.orchestrator.planning.schedule.golive import find_go_live

D = PlanDefaults(currency="USD", page_id="1", pixel_id="2")
BASE = "Sales of our linen shirts, $45/day, US, https://linenco.example.com, shirt.jpg. {}"


def creative(brief: str, i: int = 0) -> dict:
    return plan_brief(brief, D).plan["ad_sets"][0]["ads"][i]["creative"]


@pytest.mark.parametrize(("copy", "field", "text"), [
    ('headline: "Breathe easy this summer"', "headline", "Breathe easy this summer"),
    ("Headline 'It's linen season'", "headline", "It's linen season"),
    ('primary text "cool. crisp. yours."', "primary_text", "cool. crisp. yours."),
    ("body copy: “Woven in Lisbon, worn everywhere.”", "primary_text",
     "Woven in Lisbon, worn everywhere."),
    ("description ‘Free returns’", "description", "Free returns"),
    ("title «Leinen für alle»", "headline", "Leinen für alle"),
    ("Überschrift: headline „Sommer in Leinen“", "headline", "Sommer in Leinen"),
    ('ad copy: "Only $19 — 30% off for women"', "primary_text", "Only $19 — 30% off for women"),
    ('"Linen that lasts" as the headline', "headline", "Linen that lasts"),
])
def test_quoted_copy_is_used_verbatim(copy, field, text):
    r = plan_brief(BASE.format(copy), D)
    assert r.plan["ad_sets"][0]["ads"][0]["creative"][field] == text
    # quoted words feed no other field: no budget from "$45", no gender from "women"
    assert r.plan["budget"]["amount_minor"] == 4500
    assert "genders" not in r.plan["ad_sets"][0]["targeting"]
    assert not r.questions


def test_several_headlines_with_one_image_are_a_headline_test():
    r = plan_brief(BASE.format('Headlines to test: "Cool all day" / "Linen, finally" and '
                               '"Wrinkles welcome". primary text: "Made in Portugal."'), D)
    ads = r.plan["ad_sets"][0]["ads"]
    assert [a["creative"]["headline"] for a in ads] == ["Cool all day", "Linen, finally",
                                                        "Wrinkles welcome"]
    assert [a["variant"] for a in ads] == ["A", "B", "C"]
    assert {a["creative"]["primary_text"] for a in ads} == {"Made in Portugal."}
    assert r.plan["experiment"]["kind"] == "creative"


def test_several_primary_texts_are_a_test_too():
    ads = plan_brief(BASE.format('primary text: "Short." or "A little longer text."'),
                     D).plan["ad_sets"][0]["ads"]
    assert [a["creative"]["primary_text"] for a in ads] == ["Short.", "A little longer text."]


def test_a_headline_test_keeps_every_image():
    brief = BASE.replace("shirt.jpg", "a.jpg, b.jpg").format('headlines "One" vs "Two"')
    ads = plan_brief(brief, D).plan["ad_sets"][0]["ads"]
    assert len(ads) == 4 and len({a["variant"] for a in ads}) == 4


def test_a_corrected_headline_replaces_the_one_named():
    r = plan_brief(BASE.format('headlines: "Alpha", "Beta", "Gamma" -- scratch that, replace '
                               'the last one with "Delta"'), D)
    ads = r.plan["ad_sets"][0]["ads"]
    assert [a["creative"]["headline"] for a in ads] == ["Alpha", "Beta", "Delta"]
    assert any(a["from"] == "Gamma" and a["to"] == "Delta" for a in r.adjustments)


def test_apostrophes_do_not_end_quotes():
    assert [q.text for q in quotes("headline 'Don't miss it' and 'rock 'n' roll'")][0] == \
        "Don't miss it"
    assert find_copy('headline "We’ve got you"').headlines == ["We’ve got you"]


def test_fill_missing_copy_uses_the_briefs_quotes_before_templates():
    plan = {"objective": "OUTCOME_SALES", "landing_url": "https://x.example.com",
            "ad_sets": [{"ads": [{"name": "a", "creative": {}}]}]}
    out = fill_missing_copy(plan, 'sales, headline "Exactly this" primary text "And this."')
    c = out["ad_sets"][0]["ads"][0]["creative"]
    assert (c["headline"], c["primary_text"]) == ("Exactly this", "And this.")
    kept = {"ad_sets": [{"ads": [{"name": "a", "creative": {"headline": "Mine",
                                                            "primary_text": "Mine too"}}]}]}
    assert fill_missing_copy(kept, 'headline "Other"') is kept


@pytest.mark.parametrize(("ask", "live"), [
    ("Go live right away.", True), ("launch it live today", True),
    ("Turn it on immediately.", True), ("start delivering now", True),
    ("activate on approval", True), ("publish immediately", True),
    ("put the ads live asap", True), ("Keep it paused.", False),
    ("don't turn it on yet", False), ("leave it as a draft", False),
    ("make it active right away", True), ("hold off on launching", False),
    ("don't go live until I say so", False),
    ("our shop goes live next week", None), ("launch our new range", None),
])
def test_go_live_asks(ask, live):
    g = find_go_live(ask)
    assert g.value is live and (bool(g.spans) is (live is not None))
    r = plan_brief(BASE.format(ask), D)
    assert r.plan.get("go_live") is live  # "keep it paused" (False) is not silence (None)
    if live is not None:
        assert not r.not_understood and not r.questions


@pytest.mark.parametrize(("asked", "explicit", "policy", "live"), [
    (False, None, True, False),  # the brief's "keep it paused" beats the policy's default
    (None, None, True, True), (None, None, False, False), (True, None, False, True),
    (False, True, False, True),  # --live decides (and the card says it overrides the plan)
])
def test_what_the_launch_does_about_going_live(asked, explicit, policy, live):
    from types import SimpleNamespace

    from agents.orchestrator.launch_gate import requested_go_live
    ctx = SimpleNamespace(policy=SimpleNamespace(go_live=policy))
    state = {"plan": {"go_live": asked}, "go_live": explicit}
    assert requested_go_live(state, ctx) is live


def test_go_live_and_paused_without_a_correction_is_a_conflict():
    g = find_go_live("go live right away. keep it paused")
    assert g.value is None and g.flags and g.flags[0].kind == "conflict"
    assert find_go_live("go live now — actually no, keep it paused").value is False


def test_the_words_of_quoted_copy_do_not_choose_the_goal():
    brief = ('Awareness for our roofing company, $30/day, Texas, https://roof.example.com, '
             'roof.jpg. headline "Get a free quote: leads welcome"')
    r = plan_brief(brief, D)
    assert r.plan["objective"] == "OUTCOME_AWARENESS"
    assert r.plan["ad_sets"][0]["ads"][0]["creative"]["headline"] == \
        "Get a free quote: leads welcome"


@pytest.mark.parametrize(("brief", "product"), [
    ("Selling our oat milk. Push it live right away.", "oat milk"),
    ("Promote our pottery classes, don't launch yet", "pottery classes"),
    ("Traffic campaign for the blog https://cooking.example.com", "blog"),
])
def test_go_live_words_are_not_the_product(brief, product):
    from agents.orchestrator.planning.copy import product_of
    assert product_of(brief) == product


def test_a_quoted_file_is_never_copy():
    r = plan_brief(BASE.replace("shirt.jpg", 'headline image "banner.jpg"').format(""), D)
    ad = r.plan["ad_sets"][0]["ads"][0]["creative"]
    assert ad["assets"] == [{"kind": "image", "path": "banner.jpg"}]
    assert ad["headline"] != "banner.jpg"


def test_a_brief_in_another_language_is_warned_that_the_template_copy_is_english():
    from agents.orchestrator.planning import PlanDefaults
    from agents.orchestrator.planning.rules import plan_brief

    d = PlanDefaults(currency="EUR", page_id="1", pixel_id="2")
    spanish = plan_brief("Ventas de nuestros zapatos para mujeres en España, 50 €/día, "
                         "https://a.example.es, a.jpg", d)
    [w] = [w for w in spanish.warnings if w["rule"] == "copy_language"]
    assert "Spanish" in w["message"] and "headline" in w["message"] and "quotes" in w["fix"]
    english = plan_brief("Sales of our shoes for women in Spain, €50/day, https://a.example.es, "
                         "a.jpg", d)
    assert not [w for w in english.warnings if w["rule"] == "copy_language"]
