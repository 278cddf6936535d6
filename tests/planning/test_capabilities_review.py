"""Issue 15 review: what a fresh-eyes reviewer found the rules planner dropped, inverted or crossed.

Each problem has a brief of our own wording and the reviewer's brief; each asserts the plan
carries what was asked, or a question names the field.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 3, 2))
TAIL = " Sales, US, $45 a day, https://mugs.example.com/shop, mug.jpg."


def audiences(r, side: str = "custom_audiences") -> list[dict]:
    by_key = {a["key"]: a for a in r.plan.get("audiences", [])}
    return [by_key.get(ref.get("key"), ref) for ref in
            r.plan["ad_sets"][0]["targeting"].get(side) or []]


def fields_asked(r) -> set[str]:
    return {q["field"] for q in r.questions}


# -- 1. an exclusion cue governs the whole list ----------------------------------------------------

@pytest.mark.parametrize("text", [
    "Target people interested in running, exclude our existing customers (customer list "
    "customers.csv) and website purchasers, last 180 days.",
    "Leave out buyers.csv, plus website purchasers in the last 180 days, and show it to "
    "runners.",
])
def test_every_audience_after_one_exclusion_cue_is_excluded(text):
    r = plan_brief(text + TAIL, D)
    assert audiences(r) == [], audiences(r)
    kinds = sorted(a["kind"] for a in audiences(r, "excluded_custom_audiences"))
    assert kinds == ["customer_list", "website"]


# -- 2. URL rules and engagement sources are never dropped -----------------------------------------

@pytest.mark.parametrize("text", [
    "Retarget people who visited https://shop.example.com/pricing or "
    "https://shop.example.com/checkout in the last 14 days.",
    "Reach anyone who viewed /pricing, /checkout in the past 14 days.",
])
def test_two_pages_in_an_audience_phrase_are_two_url_rules_and_no_landing_page(text):
    r = plan_brief(text + " Sales, US, $45 a day, mug.jpg.", D)
    rules = sorted(a.get("url_contains") for a in audiences(r))
    assert rules == ["/checkout", "/pricing"]
    assert all(a["retention_days"] == 14 for a in audiences(r))
    assert "landing_url" in fields_asked(r)  # neither page is where the ads send people


def test_visitors_of_a_url_keep_the_rule_and_the_other_url_is_the_landing_page():
    r = plan_brief("Retarget visitors of https://shop.example.com/pricing in the last 30 days "
                   "and send them to https://shop.example.com/offer. Sales, US, $45 a day, "
                   "mug.jpg.", D)
    (aud,) = audiences(r)
    assert (aud["url_contains"], aud["retention_days"]) == ("/pricing", 30)
    assert r.plan["landing_url"] == "https://shop.example.com/offer"


@pytest.mark.parametrize("text", [
    "Target people who engaged with our Instagram account or our Facebook page in the last "
    "90 days.",
    "Show it to people who interacted with our IG profile and FB page, last 90 days.",
])
def test_two_engagement_sources_are_two_audiences(text):
    r = plan_brief(text + TAIL, D)
    assert sorted(a["source"] for a in audiences(r)) == ["facebook_page", "instagram"]


# -- 3. job titles are targeting, never ad copy, never harmless ------------------------------------

def titles(r) -> list[str]:
    spec = r.plan["ad_sets"][0]["targeting"].get("flexible_spec") or [{}]
    return sorted(t["name"] for t in spec[0].get("work_positions", []))


@pytest.mark.parametrize("text, want", [
    ("Target people with the job title 'Software Engineer' in Germany.", ["Software engineer"]),
    ("Target software engineers (job title) in Texas.", ["Software engineer"]),
    ("Reach nurses and teachers (job titles) in Ohio.", ["Nurse", "Teacher"]),
    ("Show it to people whose job title is “Data Scientist”, in Texas.", ["Data scientist"]),
])
def test_a_job_title_is_work_positions_and_not_the_headline(text, want):
    r = plan_brief(text + " Sales, $45 a day, https://mugs.example.com/shop, mug.jpg.",
                   PlanDefaults(currency="USD", page_id="1", pixel_id="2",
                                today=date(2026, 3, 2), advertiser="Mugs GmbH"))
    assert titles(r) == want
    headlines = [ad["creative"].get("headline") for s in r.plan["ad_sets"] for ad in s["ads"]]
    assert not any(h and h.lower() in text.lower() for h in headlines), headlines
    assert not r.not_understood


@pytest.mark.parametrize("text", [
    "Target crane operators (job title) in Ohio.",
    "Target people with the job title 'Underwater Welder' in the US.",
])
def test_a_job_title_meta_lacks_is_asked_naming_flexible_spec(text):
    r = plan_brief(text + " Sales, $45 a day, https://mugs.example.com/shop, mug.jpg.", D)
    asked = [q for q in r.questions if q["field"].endswith("flexible_spec")]
    assert asked, r.questions
    assert all(n.get("affects") for n in r.not_understood)


# -- 4. copy in two languages: one ad set per language, never crossed ------------------------------

def copy_by_locale(r) -> dict[int, tuple]:
    out = {}
    for s in r.plan["ad_sets"]:
        (locale,) = s["targeting"]["locales"]
        out[locale] = tuple(sorted({(a["creative"].get("headline"), a["creative"].get("primary_text"))
                                    for a in s["ads"]}))
    return out


@pytest.mark.parametrize("copy", [
    "Copy in Spanish and English: Spanish headline 'Corre más lejos', Spanish text 'Nuestro "
    "mejor tenis.'; English headline 'Run farther', English text 'Our best shoe.'",
    "Spanish headline \"Corre más lejos\" and English headline \"Run farther\". Spanish text "
    "\"Nuestro mejor tenis.\" English text \"Our best shoe.\"",
])
def test_copy_named_by_language_is_one_ad_set_per_language(copy):
    r = plan_brief("Sales in the US, $45 a day, https://mugs.example.com/shop, mug.jpg. " + copy, D)
    assert copy_by_locale(r) == {1002: (("Corre más lejos", "Nuestro mejor tenis."),),
                                 1001: (("Run farther", "Our best shoe."),)}


# -- 5. a cap with no amount asks the amount only ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "Sales for https://shop.example.com in the US, $100/day for 2 weeks, use a cost cap. mug.jpg.",
    "Sales for https://shop.example.com in the US with $100/day for 2 weeks and use a bid cap. "
    "mug.jpg.",
    "Use a cost cap for sales in Canada, $80 a day, https://shop.example.com, mug.jpg.",
])
def test_a_cap_without_amount_asks_bid_amount_and_keeps_budget_place_and_dates(text):
    r = plan_brief(text, D)
    assert fields_asked(r) == {"bid_amount"}, r.questions


# -- 6. windows, video shares and the named chat app are kept -------------------------------------

@pytest.mark.parametrize("text, days", [
    ("Retarget site visitors excluding purchasers in the last 30 days.", 30),
    ("Show it to everyone who browsed our site, but not buyers from the past 2 weeks.", 14),
])
def test_buyers_with_a_window_are_the_pixels_purchasers_of_that_window(text, days):
    r = plan_brief(text + TAIL, D)
    (exc,) = audiences(r, "excluded_custom_audiences")
    assert (exc["kind"], exc["event"], exc["retention_days"]) == ("website", "Purchase", days)
    assert not r.questions and not r.not_understood


def test_each_audience_keeps_its_own_window_and_the_video_share():
    r = plan_brief("Target people who watched 50% of our videos in the last 30 days and "
                   "Instagram engagers in the last 60 days." + TAIL, D)
    got = {a["source"]: (a["retention_days"], a.get("event")) for a in audiences(r)}
    assert got == {"video": (30, "video_view_50_percent"), "instagram": (60, None)}
    assert not r.not_understood


def test_a_video_share_meta_lacks_is_asked():
    r = plan_brief("Reach people who viewed 60% of our video (video id 1234567) in the past "
                   "month." + TAIL, D)
    assert "audiences" in fields_asked(r)


@pytest.mark.parametrize("text", [
    "Messenger conversations for our car dealership in the US, $30 a day, car.jpg.",
    "Get more Messenger chats for the bakery in Canada, $20/day, bread.jpg.",
])
def test_a_named_messenger_chat_is_the_messenger_destination(text):
    r = plan_brief(text, D)
    assert r.plan["ad_sets"][0]["destination_type"] == "MESSENGER"
    assert "destination_type" not in fields_asked(r) and "landing_url" not in fields_asked(r)


# -- 7. several lookalikes, lead-form options, several CTAs ---------------------------------------

def lookalike_per_ad_set(r) -> list[list[float]]:
    auds = {a["key"]: a for a in r.plan["audiences"]}
    return [[auds[ref["key"]]["ratio"] for ref in s["targeting"].get("custom_audiences") or []
             if auds[ref["key"]]["kind"] == "lookalike"] for s in r.plan["ad_sets"]]


@pytest.mark.parametrize("text, want", [
    ("1% and 5% lookalike of customers.csv, one ad set each.", [[0.01], [0.05]]),
    ("Test a 1% lookalike against a 5% lookalike in separate ad sets, seed: website purchasers.",
     [[0.01], [0.05]]),
    ("Compare a 2% LAL vs a 4% LAL of buyers.csv.", [[0.02], [0.04]]),
])
def test_several_lookalikes_to_compare_get_an_ad_set_each(text, want):
    r = plan_brief(text + TAIL, D)
    assert sorted(lookalike_per_ad_set(r)) == want, r.questions
    assert not r.questions and not r.not_understood


def test_two_sizes_of_one_seed_in_one_ad_set_are_asked():
    r = plan_brief("Target a 1% and a 5% lookalike of buyers.csv." + TAIL, D)
    assert "audiences" in fields_asked(r)


def test_each_lookalike_keeps_the_seed_named_after_it():
    r = plan_brief("Target a 1% lookalike of buyers.csv and a 2% lookalike of website "
                   "purchasers." + TAIL, D)
    auds = {a["key"]: a for a in r.plan["audiences"]}
    seeds = sorted(auds[a["seed"]["key"]]["kind"] for a in auds.values() if a["kind"] == "lookalike")
    assert seeds == ["customer_list", "website"]


LEADS = "Leads in the US, $40/day, house.jpg. "


@pytest.mark.parametrize("form, options", [
    ("Instant form: name, phone, custom question \"When are you looking to buy?\" with options "
     "ASAP / 1-3 months / just looking. Privacy policy https://ex.com/privacy.",
     ["ASAP", "1-3 months", "just looking"]),
    ("Lead form with name, email and the question \"Do you own a home?\" (answers: yes, no, "
     "renting). Privacy policy https://ex.com/privacy.", ["yes", "no", "renting"]),
])
def test_a_custom_questions_options_are_its_multiple_choice(form, options):
    r = plan_brief(LEADS + form, D)
    custom = [q for q in r.plan["lead_form"]["questions"] if q["type"] == "CUSTOM"]
    assert [o["value"] for o in custom[0]["options"]] == options
    assert all(o["key"] for o in custom[0]["options"])
    assert not r.not_understood and not r.problems


def test_listed_ctas_are_every_button_of_a_dynamic_creative():
    r = plan_brief("Sales in the US, $40/day, https://shop.example.com, a.jpg, b.jpg. Dynamic "
                   "creative: let Meta mix the images. CTAs: Shop now and Learn more.", D)
    feed = r.plan["ad_sets"][0]["ads"][0]["creative"]["asset_feed_spec"]
    assert feed["call_to_action_types"] == ["SHOP_NOW", "LEARN_MORE"]
    assert not r.not_understood


def test_two_buttons_for_one_plain_ad_are_asked():
    r = plan_brief("Sales in the US, $40/day, https://shop.example.com, a.jpg. Buttons: "
                   "'Book now' or 'Learn more'.", D)
    assert "call_to_action" in fields_asked(r)


# -- 8. a thank-you screen with no website has no website button ----------------------------------

def test_a_thank_you_screen_without_a_site_has_no_view_website_button():
    r = plan_brief(LEADS + "Instant form: name, phone. Privacy policy https://ex.com/privacy. "
                   "Thank-you screen: \"Thanks, we will call you\".", D)
    thanks = r.plan["lead_form"]["thank_you_page"]
    assert thanks["button_type"] == "NONE" and not thanks.get("website_url")
    assert any(a["path"].endswith("button_type") for a in r.adjustments)


def test_a_thank_you_screen_with_a_site_links_to_it():
    r = plan_brief("Leads in the US, $40/day, house.jpg, https://ex.com/homes. Lead form: "
                   "name, email. Privacy policy https://ex.com/privacy. Thank you text 'Thanks!'.", D)
    thanks = r.plan["lead_form"]["thank_you_page"]
    assert (thanks["button_type"], thanks["website_url"]) == ("VIEW_WEBSITE", "https://ex.com/homes")


# -- 9. DSA payer and beneficiary ------------------------------------------------------------------

EU_TAIL = " Sales in Portugal, €30 a day, https://pao.example.pt, pao.jpg."


@pytest.mark.parametrize("said, payor, beneficiary", [
    ("Advertiser and payer: Padaria Lisboa Lda.", "Padaria Lisboa Lda.", "Padaria Lisboa Lda."),
    ("Advertiser: Ink Studio GmbH. Image /tmp/x.png", "Ink Studio GmbH", "Ink Studio GmbH"),
    ("Paid for by Acme SAS; beneficiary: Acme Group.", "Acme SAS", "Acme Group"),
    ("Payer / beneficiary = Padaria do Porto Lda.", "Padaria do Porto Lda.", "Padaria do Porto Lda."),
])
def test_dsa_names_end_at_the_sentence_and_each_label_sets_its_field(said, payor, beneficiary):
    r = plan_brief(said + EU_TAIL, PlanDefaults(currency="EUR", page_id="1", pixel_id="2",
                                                today=date(2026, 3, 2)))
    s = r.plan["ad_sets"][0]
    assert (s["dsa_payor"], s["dsa_beneficiary"]) == (payor, beneficiary)
    assert "dsa_payor" not in fields_asked(r)


# -- 10. a URL, a file or a customer list is never the product -------------------------------------

@pytest.mark.parametrize("text", [
    "Run a sales campaign for https://shop.example.com in the US, $50/day, mug.jpg.",
    "Ads for our customer list customers.csv, sales, US, $50/day, https://shop.example.com, mug.jpg.",
    "Promote shop.example.com in the US, sales, $50/day, mug.jpg.",
])
def test_no_url_or_list_is_named_as_the_product(text):
    r = plan_brief(text, D)
    creative = r.plan["ad_sets"][0]["ads"][0]["creative"]
    words = " ".join([r.plan["name"], creative["primary_text"], creative["headline"]]).lower()
    assert "https" not in words and "customer list" not in words and ".com" not in words, words
