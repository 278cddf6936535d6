"""The approval card states each issue-15 capability in words and money, from plan dicts."""

import copy

from agents.orchestrator.approval import approval_payload
from agents.orchestrator.card import render_card

BASE = {
    "name": "Trail shoes", "objective": "OUTCOME_SALES", "currency": "USD",
    "budget": {"kind": "daily", "amount_minor": 6000, "level": "ad_set"},
    "landing_url": "https://shop.example.com/trail",
    "ad_sets": [{
        "name": "Retarget", "optimization_goal": "OFFSITE_CONVERSIONS", "billing_event": "IMPRESSIONS",
        "promoted_object": {"pixel_id": "1", "custom_event_type": "PURCHASE"},
        "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 45},
        "ads": [{"name": "A", "creative": {"format": "image", "primary_text": "Grip", "headline": "Go",
                                           "assets": [{"kind": "image", "path": "/x/a.png"}]}}],
    }],
}


def plan(**ad_set):
    p = copy.deepcopy(BASE)
    targeting = ad_set.pop("targeting", {})
    p["ad_sets"][0].update(ad_set)
    p["ad_sets"][0]["targeting"].update(targeting)
    return p


AUDIENCES = [
    {"key": "visitors", "kind": "website", "name": "Pricing visitors 30d", "retention_days": 30,
     "url_contains": "/pricing"},
    {"key": "buyers", "kind": "customer_list", "name": "Buyers", "file": "/data/customers.csv"},
    {"key": "lal", "kind": "lookalike", "name": "LAL buyers", "seed": {"key": "buyers"},
     "country": ["US"], "ratio": 0.01},
    {"key": "fans", "kind": "engagement", "name": "Page fans", "source": "facebook_page",
     "retention_days": 365},
]


def test_created_and_existing_audiences_say_kind_and_size():
    p = plan(targeting={"custom_audiences": [{"key": "visitors"}, {"key": "lal"}, {"key": "fans"}],
                        "excluded_custom_audiences": [{"key": "buyers"},
                                                      {"id": "555", "name": "Past customers"}]})
    p["audiences"] = AUDIENCES
    facts = {"555": {"name": "Past customers", "subtype": "CUSTOM", "lower": 12000, "upper": 15000,
                     "delivery_status": {"code": 200}}}
    card = render_card(p, estimates={"audiences": facts})
    for text in ["Only people in any of: “Pricing visitors 30d” (created by this launch: website visitors, "
                 "last 30 days, URL contains /pricing",
                 "“LAL buyers” (created by this launch: 1% lookalike of “Buyers” in US",
                 "people who engaged with your Facebook page, last 365 days",
                 "Never shown to people in: “Buyers” (created by this launch: customer list from customers.csv "
                 "— uploaded hashed", "size known after upload and matching",
                 "“Past customers” (existing customer list, id 555; Meta counts about "
                 "12,000–15,000 people)"]:
        assert text in card, text
    assert "size known after launch" in card
    assert "/data/customers.csv" not in card  # the file's name, not where it lives


def test_existing_audience_not_ready_says_what_meta_says():
    facts = {"9": {"name": "Tiny", "subtype": "WEBSITE", "lower": 0, "upper": 20,
                   "delivery_status": {"code": 300, "description": "audience too small"}}}
    card = render_card(plan(targeting={"custom_audiences": [{"id": "9", "name": "Tiny"}]}),
                       estimates={"audiences": facts})
    assert "existing website visitors, id 9; Meta counts about 0–20 people" in card
    assert "Meta says: audience too small" in card


def test_detailed_targeting_by_type_groups_and_exclusions():
    one = render_card(plan(targeting={"flexible_spec": [{
        "interests": [{"id": "1", "name": "Running"}],
        "behaviors": [{"id": "2", "name": "Frequent Travelers"}],
        "life_events": [{"id": "3", "name": "Newly engaged (1 year)"}]}],
        "exclusions": {"interests": [{"id": "4", "name": "Hunting"}],
                       "work_positions": [{"id": "5", "name": "Student"}]}}))
    assert "interests: Running" in one
    assert ("Detailed targeting: behaviours: Frequent Travelers; life events: Newly engaged (1 year) "
            "(people matching any of these)") in one
    assert "not people interested in: Hunting" in one
    assert "Excluded detailed targeting: job titles: Student" in one
    two = render_card(plan(targeting={"flexible_spec": [
        {"interests": [{"id": "1", "name": "Running"}]},
        {"industries": [{"id": "6", "name": "Healthcare"}]}]}))
    assert "(interests: Running) **and** (industries: Healthcare) (people must match every group)" in two


def test_advantage_audience_on_off_and_default():
    on = render_card(plan(targeting={"targeting_automation": {"advantage_audience": 1}}))
    assert "Advantage+ audience: on — Meta may reach beyond these ages and interests when" in on
    with_list = render_card(plan(targeting={"targeting_automation": {"advantage_audience": 1},
                                            "custom_audiences": [{"id": "7", "name": "Fans"}]}))
    assert "beyond these ages and interests and audiences" in with_list
    off = render_card(plan(targeting={"targeting_automation": {"advantage_audience": 0}}))
    assert "Advantage+ audience: off — Meta keeps to the audience above" in off
    # a narrowed audience with no choice stated: Meta needs one (v23+), adpilot sends 0
    narrowed = plan()
    assert "Advantage+ audience: off — the ages, genders, audiences and interests above are " \
        "firm limits" in render_card(narrowed)
    broad = plan(targeting={"age_min": 18, "age_max": 65, "flexible_spec": None})
    assert "Advantage+ audience: not set — Meta's default applies" in render_card(broad)
    from state.meta_tree import to_meta_tree

    def sent(p):
        tree = to_meta_tree(p, account_id="act_1", page_id="p1",
                            image_hashes={"/x/a.png": "h"}, video_ids={})
        return tree["ad_sets"][0]["params"]["targeting"].get("targeting_automation")

    assert sent(narrowed) == {"advantage_audience": 0}
    assert sent(broad) is None
    assert sent(plan(targeting={"targeting_automation": {"advantage_audience": 1}})) == \
        {"advantage_audience": 1}


def test_bidding_in_plain_words_and_account_money():
    cap = render_card(plan(bid_strategy="COST_CAP", bid_amount=3500))
    assert ("Cost cap USD 35.00 per purchase: Meta aims to keep the average cost at or under this; "
            "spend may fall short of the budget") in cap
    bid = render_card(plan(bid_strategy="LOWEST_COST_WITH_BID_CAP", bid_amount=250))
    assert "Bid cap USD 2.50: Meta never bids more than this in an auction" in bid
    roas = render_card(plan(bid_strategy="LOWEST_COST_WITH_MIN_ROAS", optimization_goal="VALUE",
                            bid_constraints={"roas_average_floor": 30000}))
    assert "Minimum ROAS at least 3.0x" in roas
    yen = copy.deepcopy(plan(bid_strategy="COST_CAP", bid_amount=1200))
    yen["currency"] = "JPY"
    assert "Cost cap JPY 1,200 per purchase" in render_card(yen)
    assert "Highest volume: Meta spends the whole budget on the most purchases" in render_card(plan())
    # The campaign's strategy applies to an ad set that names none.
    campaign_level = plan(bid_amount=900)
    campaign_level["bid_strategy"] = "COST_CAP"
    assert "Cost cap USD 9.00 per purchase" in render_card(campaign_level)


def test_placements_default_manual_and_left_out():
    assert "Placements: Advantage+ placements" in render_card(plan())
    manual = render_card(plan(targeting={"publisher_platforms": ["facebook", "instagram"],
                                         "facebook_positions": ["feed", "story"]}))
    assert ("Manual placements: Facebook (feed, story), Instagram (all positions); "
            "not on Audience Network, Messenger, Threads, WhatsApp") in manual


def test_lead_form_destination_lists_questions_and_privacy_policy():
    p = plan(destination_type="ON_AD", optimization_goal="LEAD_GENERATION", promoted_object={"page_id": "1"})
    p["objective"] = "OUTCOME_LEADS"
    p["lead_form"] = {"name": "Quote request", "questions": [{"type": "FULL_NAME"}, {"type": "EMAIL"},
                                                             {"type": "CUSTOM", "label": "Budget?"}],
                      "privacy_policy": {"url": "https://shop.example.com/privacy"},
                      "thank_you_page": {"title": "Thanks!"}}
    card = render_card(p)
    assert ("Instant form “Quote request” on Facebook/Instagram (created by this launch): asks full name, "
            "email, Budget?; privacy policy https://shop.example.com/privacy; thank-you screen “Thanks!”") in card
    del p["lead_form"]["privacy_policy"]
    assert "**no privacy policy URL**" in render_card(p)


def test_messaging_destinations():
    for dest, words in [("WHATSAPP", "Conversations in WhatsApp"), ("MESSENGER", "Conversations in Messenger"),
                        ("INSTAGRAM_DIRECT", "Conversations in Instagram Direct"),
                        ("MESSAGING_MESSENGER_WHATSAPP", "Messenger or WhatsApp")]:
        card = render_card(plan(destination_type=dest, optimization_goal="CONVERSATIONS"))
        assert words in card, dest
        assert "per conversation" in render_card(plan(destination_type=dest, optimization_goal="CONVERSATIONS",
                                                      bid_strategy="COST_CAP", bid_amount=400))


def test_dynamic_creative_counts_assets():
    feed = {"images": [{"kind": "image", "path": f"/x/{i}.png"} for i in range(3)],
            "titles": [{"text": "A"}, {"text": "B"}], "bodies": [{"text": t} for t in "xyz"],
            "call_to_action_types": ["SHOP_NOW"], "link_urls": [{"website_url": "https://s.example"}],
            "ad_formats": ["SINGLE_IMAGE"]}
    p = plan(is_dynamic_creative=True,
             ads=[{"name": "DC", "creative": {"format": "dynamic", "asset_feed_spec": feed}}])
    card = render_card(p)
    assert ("Dynamic creative: 3 images, 2 headlines, 3 texts, 1 call to action — Meta combines them") in card
    assert "| DC | dynamic |" in card and "/x/0.png, /x/1.png, /x/2.png" in card


def test_locales_by_name():
    assert "languages: Spanish, German" in render_card(plan(targeting={"locales": [1002, 5]}))


def test_estimates_on_card_always_say_estimate():
    est = {"ad_sets": [{"status": "ok", "mau_lower": 1_200_000, "mau_upper": 1_400_000,
                        "daily_budget_minor": 6000, "result": "purchases",
                        "daily": {"actions": [8, 12], "reach": [3000, 4100]},
                        "budget_basis": "the daily budget",
                        "warnings": ["the audience is small for the budget"]}]}
    card = render_card(plan(), estimates=est)
    assert ("Delivery estimate: Meta's estimate: audience about 1,200,000–1,400,000 people a month; "
            "at USD 60.00 a day: 8–12 purchases and 3,000–4,100 people reached a day") in card
    assert "⚠️ the audience is small for the budget" in card
    small = {"status": "ok", "daily_budget_minor": 1500, "daily": {"actions": [0.4, 0.5], "reach": [900, 900]},
             "budget_basis": "an equal share of the campaign budget", "result": "leads"}
    assert ("at USD 15.00 a day (an equal share of the campaign budget): 0.4–0.5 leads and 900 people"
            in render_card(plan(), estimates={"ad_sets": [small]}))
    for status, words in [("no_estimate", "no estimate yet"), ("unavailable", "estimate unavailable"),
                          ("after_launch", "available after launch")]:
        card = render_card(plan(), estimates={"ad_sets": [{"status": status, "reason": "r"}]})
        assert f"Delivery estimate: {words}" in card, status


def test_approval_action_description_carries_the_same_facts():
    p = plan(bid_strategy="COST_CAP", bid_amount=3500, targeting={"custom_audiences": [{"key": "visitors"}]})
    p["audiences"] = AUDIENCES[:1]
    est = {"ad_sets": [{"status": "after_launch", "reason": "it targets audiences this launch creates"}]}
    payload = approval_payload({"plan": p, "estimates": est}, go_live=False)
    description = payload["action_requests"][0]["description"]
    for text in ["Cost cap USD 35.00 per purchase", "created by this launch: website visitors",
                 "available after launch", "Advantage+ placements"]:
        assert text in description and text in payload["description"], text


def test_a_coded_status_without_its_name_says_it_is_a_code():
    card = render_card(plan(targeting={"flexible_spec": [{"relationship_statuses": [3]}]}))
    assert "relationship status: code 3" in card


def test_a_dynamic_creative_shows_every_headline_text_and_button():
    feed = {"images": [{"kind": "image", "path": "/x/a.png"}, {"kind": "image", "path": "/x/b.png"}],
            "titles": [{"text": "Grip that lasts"}, {"text": "Made for mud"}, {"text": "Go far"}],
            "bodies": [{"text": "Built for trails."}, {"text": "Light and fast."}],
            "call_to_action_types": ["SHOP_NOW", "LEARN_MORE"]}
    card = render_card(plan(is_dynamic_creative=True, ads=[{"name": "Mix", "creative": {
        "format": "dynamic", "asset_feed_spec": feed}}]))
    for words in ("“Grip that lasts”", "“Made for mud”", "“Go far”", "“Built for trails.”",
                  "“Light and fast.”", "SHOP_NOW, LEARN_MORE", "/x/a.png, /x/b.png"):
        assert words in card, words


def test_the_eu_payer_and_beneficiary_are_on_the_card():
    card = render_card({**plan(), "dsa_payor": "Padaria Lisboa Lda.",
                        "dsa_beneficiary": "Padaria Lisboa Lda."})
    assert "paid for by Padaria Lisboa Lda. · on behalf of Padaria Lisboa Lda." in card
    assert "EU transparency" not in render_card(plan())
