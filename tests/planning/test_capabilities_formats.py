"""Issue 15, formats: lead forms, conversations, dynamic creative, placements, copy per language.

Also: the asks issue 15 turned into plans are no longer "unsupported", and the ones it did not
(frequency caps, dayparting) still are.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
NO_PIXEL = PlanDefaults(currency="USD", page_id="100", today=date(2026, 3, 2))


def ad_set(r) -> dict:
    return r.plan["ad_sets"][0]


def launchable(r) -> bool:
    return r.plan is not None and not r.problems and not r.questions


# -- lead forms -----------------------------------------------------------------------------------

def test_an_instant_form_with_questions_privacy_and_thanks_is_a_leads_plan_on_the_ad():
    r = plan_brief("Instant form for free quotes: name, email, phone, zip code, question "
                   "'When do you want to start?'. Privacy policy https://fence.example.com/privacy . "
                   "Thank you text \"We'll call you within a day\". Denver + 20mi, $40/day, "
                   "fence.jpg, site https://fence.example.com", NO_PIXEL)
    assert launchable(r), r.questions
    s, form = ad_set(r), r.plan["lead_form"]
    assert r.plan["objective"] == "OUTCOME_LEADS"
    assert (s["destination_type"], s["optimization_goal"]) == ("ON_AD", "LEAD_GENERATION")
    assert s["promoted_object"] == {"page_id": "100"}  # no pixel needed for a form
    assert [q["type"] for q in form["questions"]] == ["FULL_NAME", "EMAIL", "PHONE", "ZIP", "CUSTOM"]
    assert form["questions"][-1]["label"] == "When do you want to start?"
    assert form["privacy_policy"] == {"url": "https://fence.example.com/privacy"}
    assert form["thank_you_page"]["title"] == "We'll call you within a day"
    assert r.plan["landing_url"] == "https://fence.example.com"  # the privacy page is no landing page


def test_a_lead_form_without_a_privacy_policy_asks_for_it_naming_the_words():
    r = plan_brief("Lead form with name and phone for solar quotes, Texas, $50/day, panel.jpg, "
                   "https://solar.example.com", D)
    q = [q for q in r.questions if q["field"] == "lead_form.privacy_policy"]
    assert q and q[0]["phrase"].lower() == "lead form"


def test_a_portuguese_instant_form():
    brl = PlanDefaults(currency="BRL", page_id="1", today=date(2026, 3, 2))
    r = plan_brief("Formulário instantâneo: nome, e-mail e telefone. Política de privacidade "
                   "https://casa.example.com.br/privacidade . Leads em São Paulo, R$100 por dia, "
                   "casa.jpg, site https://casa.example.com.br", brl)
    form = r.plan["lead_form"]
    assert [q["type"] for q in form["questions"]] == ["FULL_NAME", "EMAIL", "PHONE"]
    assert form["privacy_policy"]["url"] == "https://casa.example.com.br/privacidade"
    assert ad_set(r)["destination_type"] == "ON_AD"


def test_a_german_instant_form():
    eur = PlanDefaults(currency="EUR", page_id="1", today=date(2026, 3, 2), advertiser="Dach GmbH")
    r = plan_brief("Wir wollen Leads für Dachsanierungen in Bayern über ein Sofortformular: Name, "
                   "E-Mail, Telefon, PLZ. Datenschutzerklärung https://dach.example.de/datenschutz . "
                   "50 € pro Tag, dach.jpg, Website https://dach.example.de", eur)
    form = r.plan["lead_form"]
    assert [q["type"] for q in form["questions"]] == ["FULL_NAME", "EMAIL", "PHONE", "ZIP"]
    assert form["privacy_policy"]["url"] == "https://dach.example.de/datenschutz"


def test_a_form_with_no_questions_listed_asks_name_and_email_and_says_so():
    r = plan_brief("Lead form, privacy https://gym.example.com/privacy, Austin, $30/day, gym.jpg, "
                   "https://gym.example.com", D)
    assert [q["type"] for q in r.plan["lead_form"]["questions"]] == ["FULL_NAME", "EMAIL"]
    assert any(a["path"] == "lead_form.questions" for a in r.adjustments)


def test_opening_a_lead_form_is_an_audience_not_a_form_campaign():
    r = plan_brief("Sales of gym gear, exclude people who opened our lead form in the last 30 days. "
                   "US, $30/day, gear.jpg, https://gym.example.com", D)
    assert ad_set(r)["destination_type"] == "WEBSITE" and "lead_form" not in r.plan
    (ref,) = ad_set(r)["targeting"]["excluded_custom_audiences"]
    aud = next(a for a in r.plan["audiences"] if a["key"] == ref["key"])
    assert (aud["source"], aud["retention_days"]) == ("lead_form", 30)


# -- conversations --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "dest", "cta"), [
    ("Click-to-WhatsApp ads so people message us to book a table", "WHATSAPP", "WHATSAPP_MESSAGE"),
    ("Get people to message us on Messenger about custom cakes", "MESSENGER", "MESSAGE_PAGE"),
    ("Let people DM us on Instagram Direct or Messenger",
     "MESSAGING_INSTAGRAM_DIRECT_MESSENGER", None),
])
def test_a_conversation_app_is_the_destination_with_the_conversations_goal(text, dest, cta):
    r = plan_brief(f"{text}. Miami, $25/day, cake.jpg, https://cakes.example.com", D)
    # the planner asks nothing; whether Meta takes the destination is the plan checks' to say
    assert not r.questions, r.questions
    s = ad_set(r)
    assert r.plan["objective"] == "OUTCOME_ENGAGEMENT"
    assert (s["destination_type"], s["optimization_goal"]) == (dest, "CONVERSATIONS")
    assert s["promoted_object"] == {"page_id": "100"}
    if cta:
        assert s["ads"][0]["creative"]["call_to_action"] == cta


def test_message_us_naming_no_app_asks_for_the_destination():
    r = plan_brief("We want people to message us about custom suits. London, £40/day, suit.jpg, "
                   "https://suits.example.co.uk", PlanDefaults(currency="GBP", page_id="1",
                                                              today=date(2026, 3, 2)))
    assert [q["field"] for q in r.questions] == ["destination_type"]


def test_no_messenger_is_a_placement_not_a_destination():
    r = plan_brief("Sales, US, $30/day, no Messenger, mug.jpg, https://mugs.example.com", D)
    s = ad_set(r)
    assert s["destination_type"] == "WEBSITE" and "messenger" not in s["targeting"]["publisher_platforms"]


# -- dynamic creative -------------------------------------------------------------------------

def test_dynamic_creative_is_one_ad_with_every_asset_and_the_copy_verbatim():
    r = plan_brief("Sales, dynamic creative please: headlines \"Sleep better\" and \"Wake up rested\", "
                   "texts \"Memory foam that breathes.\" and \"100 nights to try it.\"; images "
                   "mattress1.jpg mattress2.jpg mattress3.jpg. US, $90/day, https://beds.example.com", D)
    assert not r.questions, r.questions  # the dynamic-creative rules are the plan checks'
    assert not [p for p in r.problems if "asset_feed_spec" in p["path"]]
    s = ad_set(r)
    assert s["is_dynamic_creative"] is True and len(s["ads"]) == 1
    c = s["ads"][0]["creative"]
    feed = c["asset_feed_spec"]
    assert c["format"] == "dynamic"
    assert [t["text"] for t in feed["titles"]] == ["Sleep better", "Wake up rested"]
    assert [b["text"] for b in feed["bodies"]] == ["Memory foam that breathes.", "100 nights to try it."]
    assert [i["path"] for i in feed["images"]] == ["mattress1.jpg", "mattress2.jpg", "mattress3.jpg"]
    assert feed["link_urls"] == [{"website_url": "https://beds.example.com"}]
    assert "experiment" not in r.plan


def test_an_ab_test_of_headlines_stays_one_ad_per_variant():
    r = plan_brief("Sales, A/B test two headlines: \"Sleep better\" vs \"Wake up rested\". US, "
                   "$90/day, mattress.jpg, https://beds.example.com", D)
    s = ad_set(r)
    assert not s.get("is_dynamic_creative") and len(s["ads"]) == 2
    assert r.plan["experiment"]["kind"] == "creative"


# -- placements -----------------------------------------------------------------------------------

def test_everything_but_the_right_column_and_audience_network():
    r = plan_brief("Sales, US, $50/day, all placements except right column and Audience Network, "
                   "wax.jpg, https://wax.example.com", D)
    t = ad_set(r)["targeting"]
    assert "audience_network" not in t["publisher_platforms"] and "facebook" in t["publisher_platforms"]
    assert "right_hand_column" not in t["facebook_positions"] and "feed" in t["facebook_positions"]


def test_instagram_only_and_facebook_marketplace_too_is_asked():
    r = plan_brief("Sales, US, $50/day, Instagram only, and also Facebook Marketplace, chair.jpg, "
                   "https://chairs.example.com", D)
    q = [q for q in r.questions if q["field"] == "publisher_platforms"]
    assert q and q[0]["kind"] == "conflict" and "marketplace" in q[0]["question"].lower()


# -- languages ------------------------------------------------------------------------------------

def test_copy_in_two_languages_is_one_ad_set_per_language_with_its_copy():
    r = plan_brief("Sales in Canada, CA$60/day, https://maple.example.ca, syrup.jpg. English: "
                   "headline \"Pure maple, no shortcuts\". French: headline \"Du vrai sirop, sans "
                   "raccourci\".", PlanDefaults(currency="CAD", page_id="1", pixel_id="2",
                                                today=date(2026, 3, 2)))
    assert launchable(r), r.questions
    sets = r.plan["ad_sets"]
    assert [s["targeting"]["locales"] for s in sets] == [[1001], [1003]]
    assert [s["ads"][0]["creative"]["headline"] for s in sets] == [
        "Pure maple, no shortcuts", "Du vrai sirop, sans raccourci"]
    assert r.plan["budget"]["level"] == "ad_set" and "experiment" not in r.plan


def test_german_speakers_of_two_languages_in_switzerland():
    chf = PlanDefaults(currency="CHF", page_id="1", pixel_id="2", today=date(2026, 3, 2),
                       advertiser="Käse AG")
    r = plan_brief("Verkäufe in der Schweiz, nur französisch- und italienischsprachige Leute, "
                   "CHF 40 pro Tag, https://kaese.example.ch, kaese.jpg", chf)
    assert ad_set(r)["targeting"]["locales"] == [1003, 10]


# -- what is still unsupported --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "supported"), [
    ("Use a cost cap of $20.", True), ("Add a frequency cap.", False),
    ("Retarget site visitors from the last 30 days.", True), ("Use dayparting.", False),
])
def test_only_asks_adpilot_cannot_serve_are_unsupported(text, supported):
    r = plan_brief(f"Sales, US, $40/day, hat.jpg, https://hats.example.com. {text}", D)
    unsupported = [q for q in r.questions if q["kind"] == "unsupported"]
    assert (not unsupported) == supported, r.questions


@pytest.mark.parametrize("text", [
    "leads, no instant form - send them to our site",
    "leads on our site (no lead ads)",
    "leads but NOT a facebook form, our own quote page",
    "website leads, not an instant form",
])
def test_a_form_said_not_to_be_used_is_website_leads_not_an_instant_form(text):
    # it read the form and dropped the negation: an instant form the brief refused
    r = plan_brief(f"{text}, US, $40/day, https://x.example/quote , a.jpg", D)
    s = r.plan["ad_sets"][0]
    assert s["destination_type"] != "ON_AD" and s["optimization_goal"] == "OFFSITE_CONVERSIONS"
    assert not r.questions, r.questions
