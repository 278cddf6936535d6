"""The LLM planner's issue-15 fields: each capability in a draft becomes the plan's fields (code
converts money, ROAS and percents), a capability the brief names but the draft drops is flagged,
a capability missing what Meta needs is asked about, and the OpenAI-compatible path carries them."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning import llm as llm_planner
from agents.orchestrator.planning.capabilities.net import named_capabilities
from evals.evaluators import field_results
from tests.llm.openai_stub import OpenAIStub
from tests.llm.scripted import VALID_DRAFT, ad_set, openai_reply, scripted_model

DEFAULTS = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", today=date(2026, 3, 1))
URL = "https://example.com/trail"


def cap_draft(set_changes: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """VALID_DRAFT with one ad, no interests, and the given draft / ad-set changes."""
    d = copy.deepcopy(VALID_DRAFT)
    d["ad_sets"][0]["ads"] = d["ad_sets"][0]["ads"][:1]
    d["ad_sets"][0]["interests"] = []
    d.update(changes)
    return ad_set(d, **(set_changes or {}))


def plan(brief: str, d: dict[str, Any], defaults: PlanDefaults = DEFAULTS, replies: int = 1,
         **kw: Any) -> dict[str, Any]:
    model = scripted_model(*[d] * replies)
    return llm_planner.plan_brief(brief, defaults, model=model, **kw).to_dict()


def assert_labels(out: dict[str, Any], labels: dict[str, Any]) -> None:
    """The evaluator's capability labels (evals/capability_keys.py) all hold."""
    misses = [r for r in field_results(out, labels) if not r["ok"]]
    assert not misses, misses


def assert_launchable(out: dict[str, Any]) -> None:
    assert out["plan"] and not out["problems"] and not out["questions"], \
        (out["problems"], out["questions"])


def test_website_retargeting_excluding_buyers_becomes_audiences_and_refs():
    d = cap_draft({"custom_audiences": [{"key": "visitors 30d"}],
                   "excluded_custom_audiences": [{"key": "buyers"}]},
                  audiences=[{"key": "visitors 30d", "kind": "website", "retention_days": 30},
                             {"key": "buyers", "kind": "website", "retention_days": 30,
                              "event": "Purchase"}])
    out = plan(f"retarget anyone who hit the site in the last 30 days but didnt buy, exclude "
               f"purchasers. $60/day US {URL} shoe.jpg", d)
    assert_launchable(out)  # the shared recogniser's "retarget" question is served, so dropped
    assert_labels(out, {"audiences[*].kind": ["website", "website"],
                        "included_audience_kinds": ["website"],
                        "excluded_audience_kinds": ["website"],
                        "audience.website.retention_days": 30})
    first = out["plan"]["audiences"][0]
    assert first["key"] == "visitors_30d" and first["pixel_id"] == "2002"  # a valid handle
    assert out["plan"]["ad_sets"][0]["targeting"]["custom_audiences"] == [{"key": "visitors_30d"}]


def test_lookalike_of_a_customer_list_converts_the_percent_and_takes_the_ad_set_country():
    d = cap_draft({"custom_audiences": [{"key": "lal1"}]},
                  audiences=[{"key": "buyers", "kind": "customer_list", "file": "buyers_2025.csv"},
                             {"key": "lal1", "kind": "lookalike", "seed": {"key": "buyers"},
                              "lookalike_percent": 1}])
    out = plan(f"1% lookalike off our purchasers list (buyers_2025.csv), US, $60/day, {URL}", d)
    assert_launchable(out)
    assert_labels(out, {"audiences[*].kind": ["customer_list", "lookalike"],
                        "included_audience_kinds": ["lookalike"],
                        "audience.lookalike.ratio": 0.01, "audience.lookalike.country": ["US"],
                        "audience.lookalike.seed_kind": "customer_list",
                        "audience.customer_list.file": "buyers_2025.csv"})


def test_engagement_detailed_targeting_advantage_audience_and_placement_exclusions():
    d = cap_draft({"custom_audiences": [{"key": "ig90"}],
                   "detailed_targeting": [{"type": "behaviors",
                                           "name": "Frequent international travelers"}],
                   "excluded_detailed_targeting": [{"type": "work_positions", "name": "Student"}],
                   "advantage_audience": False,
                   "excluded_platforms": ["audience_network"],
                   "excluded_facebook_positions": ["right_hand_column"]},
                  audiences=[{"key": "ig90", "kind": "engagement", "source": "instagram",
                              "retention_days": 90}])
    out = plan(f"people who engaged with our instagram in the last 90 days who travel a lot, not "
               f"students, advantage+ audience off, no audience network, no right column. "
               f"$60/day US {URL}", d)
    assert_launchable(out)
    assert_labels(out, {"audience.engagement.source": "instagram",
                        "audience.engagement.retention_days": 90,
                        "detailed_targeting": ["behaviors:frequent international travelers"],
                        "detailed_exclusions": ["work_positions:student"],
                        "ad_sets[0].targeting.targeting_automation.advantage_audience": 0,
                        "placements_exclude": ["audience_network", "facebook.right_hand_column"]})


def test_bids_are_converted_by_code_into_minor_units_and_roas_floors():
    cost = plan(f"cost cap $35 per purchase, $150/day US {URL}",
                cap_draft(bid_strategy="cost_cap", bid_amount=35, bid_currency="USD"))
    assert_launchable(cost)
    assert_labels(cost, {"ad_sets[0].bid_strategy": "COST_CAP", "ad_sets[0].bid_amount": 3500})
    yen = plan(f"bid cap ¥120 per result, ¥8000/day Japan {URL}",
               cap_draft(budget_amount=8000, budget_currency="JPY", bid_strategy="bid_cap",
                         bid_amount=120, bid_currency="JPY"),
               PlanDefaults(currency="JPY", page_id="1001", pixel_id="2002", today=date(2026, 3, 1)))
    assert_labels(yen, {"ad_sets[0].bid_strategy": "LOWEST_COST_WITH_BID_CAP",
                        "ad_sets[0].bid_amount": 120})  # JPY has no minor unit
    roas = plan(f"ROAS floor of 250% please, $180/day US {URL}",
                cap_draft(bid_strategy="min_roas", min_roas=2.5))
    assert_launchable(roas)
    assert_labels(roas, {"ad_sets[0].bid_strategy": "LOWEST_COST_WITH_MIN_ROAS",
                         "ad_sets[0].bid_constraints.roas_average_floor": 25000,
                         "ad_sets[0].optimization_goal": "VALUE", "ad_sets[0].bid_amount": None})


def test_lead_form_and_whatsapp_set_destination_goal_and_promoted_object():
    form = {"questions": ["FULL_NAME", "EMAIL", "PHONE"], "custom_questions": ["Budget?"],
            "privacy_policy_url": "https://example.com/privacy"}
    out = plan(f"instant form: name, email, phone + 'Budget?'. privacy https://example.com/privacy "
               f"$45/day US, leads, {URL}",
               cap_draft(objective="OUTCOME_LEADS", destination="instant_form", lead_form=form))
    assert_launchable(out)
    assert_labels(out, {"ad_sets[0].destination_type": "ON_AD",
                        "ad_sets[0].optimization_goal": "LEAD_GENERATION",
                        "lead_form.questions[*].type": ["FULL_NAME", "EMAIL", "PHONE", "CUSTOM"],
                        "lead_form.privacy_policy.url": "https://example.com/privacy"})
    assert out["plan"]["ad_sets"][0]["promoted_object"] == {"page_id": "1001"}
    wa_draft = cap_draft(objective="OUTCOME_ENGAGEMENT", destination="whatsapp")
    wa_draft["ad_sets"][0]["ads"][0]["creative"]["call_to_action"] = "WHATSAPP_MESSAGE"
    wa = plan(f"click to WhatsApp so people message the store, $30/day US {URL}", wa_draft)
    assert_launchable(wa)
    assert_labels(wa, {"ad_sets[0].destination_type": "WHATSAPP",
                       "ad_sets[0].optimization_goal": "CONVERSATIONS",
                       "ad_sets[0].ads[0].creative.call_to_action": "WHATSAPP_MESSAGE"})
    # a button that cannot open a chat goes back to the model with the checks' words
    shop = plan(f"click to WhatsApp so people message the store, $30/day US {URL}",
                cap_draft(objective="OUTCOME_ENGAGEMENT", destination="whatsapp"), replies=3)
    assert [p["path"] for p in shop["problems"]] == ["ad_sets[0].ads[0].creative.call_to_action"]


def test_dynamic_creative_is_one_ad_with_an_asset_feed():
    feed = {"headlines": ["Sleep cooler tonight", "Try it 100 nights"],
            "primary_texts": ["Cooling gel foam."], "assets": ["pillow1.jpg", "pillow2.jpg"]}
    out = plan(f'dynamic creative: headlines "Sleep cooler tonight", "Try it 100 nights"; text '
               f'"Cooling gel foam."; images pillow1.jpg pillow2.jpg. $90/day US {URL}',
               cap_draft(dynamic_creative=feed), replies=3)  # the checks may ask for repairs
    # no quoted-copy problem: the quoted headlines are in the asset feed
    assert not [p for p in out["problems"] if p.get("rule") == "verbatim_copy"], out["problems"]
    assert_labels(out, {"ad_sets[0].is_dynamic_creative": True, "len(ad_sets[0].ads)": 1,
                        "ad_sets[0].ads[0].creative.asset_feed_spec.titles[*].text":
                            feed["headlines"],
                        "ad_sets[0].ads[0].creative.asset_feed_spec.bodies[*].text":
                            feed["primary_texts"],
                        "len(ad_sets[0].ads[0].creative.asset_feed_spec.images)": 2})
    spec = out["plan"]["ad_sets"][0]["ads"][0]["creative"]["asset_feed_spec"]
    assert spec["link_urls"] == [{"website_url": URL}] and spec["ad_formats"] == ["SINGLE_IMAGE"]


def test_a_capability_the_brief_names_but_the_draft_drops_is_flagged(monkeypatch):
    # Without the shared unsupported-ask recogniser (the rules planner's, which issue 15 may
    # retire for these asks), the LLM planner's own check still stops the plan.
    monkeypatch.setattr(llm_planner, "_unsupported_asks", lambda brief: [])
    for brief, fld in ((f"cost cap $35 per purchase, $60/day US {URL}", "ad_sets[0].bid_strategy"),
                       (f"1% lookalike of buyers.csv, $60/day US {URL}", "audiences"),
                       (f"use an instant form, privacy https://x.com/p, $60/day US {URL}",
                        "ad_sets[0].destination_type"),
                       (f"no Audience Network please, $60/day US {URL}",
                        "ad_sets[0].publisher_platforms"),
                       (f"Verkäufe, mit Kostenobergrenze 20 $ pro Kauf, $60/day US {URL}",
                        "ad_sets[0].bid_strategy")):
        out = plan(brief, cap_draft())  # the draft has none of these fields
        flagged = [q for q in out["questions"] if q["field"] == fld]
        assert flagged and flagged[0]["kind"] == "not_understood", (brief, out["questions"])
        assert flagged[0]["phrase"].lower() in brief.lower()
    served = plan(f"cost cap $35 per purchase, $60/day US {URL}",
                  cap_draft(bid_strategy="cost_cap", bid_amount=35, bid_currency="USD"))
    assert_launchable(served)
    waived = llm_planner.plan_brief(
        f"cost cap $35 per purchase, $60/day US {URL}",
        PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", today=date(2026, 3, 1),
                     waived=("cost cap",)), model=scripted_model(cap_draft())).to_dict()
    assert not waived["questions"]  # a person may still choose to launch without it


def test_two_caps_in_one_brief_with_one_strategy_in_the_draft_is_flagged():
    out = plan(f"bid cap $12 AND min roas 2.5, both. $200/day US {URL}",
               cap_draft(bid_strategy="bid_cap", bid_amount=12, bid_currency="USD"))
    assert any("min roas" in q.get("phrase", "").lower() for q in out["questions"]), \
        out["questions"]


def test_missing_facts_of_a_capability_are_asked_never_guessed():
    no_amount = plan(f"put a cost cap on it, $100/day US {URL}", cap_draft(bid_strategy="cost_cap"))
    assert [q["field"] for q in no_amount["questions"]] == ["bid_amount"]
    assert "bid_amount" not in no_amount["plan"]["ad_sets"][0]
    no_policy = plan(f"instant form leads, name + phone, $60/day US {URL}",
                     cap_draft(objective="OUTCOME_LEADS", destination="instant_form",
                               lead_form={"questions": ["FULL_NAME", "PHONE"]}))
    assert [q["field"] for q in no_policy["questions"]] == ["lead_form.privacy_policy"]
    no_pixel = plan(f"retarget website visitors from the last 30d, $50/day US {URL}",
                    cap_draft({"custom_audiences": [{"key": "v"}]},
                              audiences=[{"key": "v", "kind": "website", "retention_days": 30}]),
                    PlanDefaults(currency="USD", page_id="1001", today=date(2026, 3, 1)))
    assert "pixel_id" in {q["field"] for q in no_pixel["questions"]}
    no_seed = plan(f"just run it to a lookalike audience, $90/day US {URL}",
                   cap_draft({"custom_audiences": [{"key": "lal"}]},
                             audiences=[{"key": "lal", "kind": "lookalike"}]))
    assert [q["field"] for q in no_seed["questions"]] == ["audiences"]
    dangling = plan(f"1% lookalike of our buyers list, $90/day US {URL}",
                    cap_draft({"custom_audiences": [{"key": "lal"}, {"key": "ghost"}]},
                              audiences=[{"key": "lal", "kind": "lookalike", "lookalike_percent": 1,
                                          "seed": {"key": "buyers"}}]), replies=3)
    assert {p["path"] for p in dangling["problems"]} >= {"audiences[0].seed",
                                                          "ad_sets[0].targeting.custom_audiences"}
    # the model's own `missing` uses the same question fields
    said = plan(f"use min roas bidding, $140/day US {URL}",
                cap_draft(bid_strategy="min_roas", missing=["min_roas"]))
    assert [q["field"] for q in said["questions"]] == ["bid_constraints"]


def test_a_cap_in_another_currency_and_min_roas_on_leads_are_stopped():
    eur = plan(f"cost cap 20 EUR per purchase, $60/day US {URL}",
               cap_draft(bid_strategy="cost_cap", bid_amount=20, bid_currency="EUR"))
    assert any(q["kind"] == "invalid" and "EUR" in q["question"] for q in eur["questions"])
    leads = plan(f"lead gen with minimum ROAS 4, $90/day US {URL}",
                 cap_draft(objective="OUTCOME_LEADS", bid_strategy="min_roas", min_roas=4))
    assert any("bid_strategy" in p["path"] for p in leads["problems"]), leads["problems"]


def test_interest_search_keeps_other_detailed_targeting():
    d = cap_draft({"interests": ["Nowhere interest"],
                   "detailed_targeting": [{"type": "life_events", "name": "Newly engaged"}],
                   "excluded_detailed_targeting": [{"type": "work_positions", "name": "Student"}]})
    out = plan(f"newly engaged, not students, into nowhere interest, $40/day US {URL}", d,
               search_interests=lambda name: [])
    t = out["plan"]["ad_sets"][0]["targeting"]
    assert t["flexible_spec"] == [{"life_events": [{"name": "Newly engaged"}]}]
    assert t["exclusions"] == {"work_positions": [{"name": "Student"}]}


def test_the_recogniser_reads_other_languages_through_the_normaliser():
    names = {c.name for c, _ in named_capabilities(["mit Kostenobergrenze 20 € pro Kauf",
                                                    "quiero que nos escriban por WhatsApp"])}
    assert names == {"a cost cap", "a WhatsApp destination"}


def test_schema_asks_for_every_capability_field_and_the_openai_path_carries_them(monkeypatch):
    schema = llm_planner.draft_schema()
    for name in ("audiences", "bid_strategy", "bid_amount", "min_roas", "destination",
                 "lead_form", "dynamic_creative"):
        assert name in schema["required"], name
    audience = schema["$defs"]["DraftAudience"]
    assert sorted(audience["required"]) == sorted(audience["properties"])
    d = cap_draft(bid_strategy="cost_cap", bid_amount=35, bid_currency="USD")
    with OpenAIStub([openai_reply(d)]) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("ADPILOT_MODEL", "openai:gpt-4.1-mini")
        out = llm_planner.plan_brief(f"cost cap $35 per purchase, $60/day US {URL}", DEFAULTS)
    sent = stub.requests[0]["response_format"]["json_schema"]["schema"]
    assert "bid_strategy" in sent["required"] and "DraftAudience" in sent["$defs"]
    assert out.plan is not None and out.plan["ad_sets"][0]["bid_amount"] == 3500
    assert "audiences" in stub.requests[0]["messages"][0]["content"]  # the prompt explains them


def test_advantage_audience_in_other_words_that_the_draft_drops_is_asked():
    # "let Meta expand the audience": a draft without advantage_audience launched at Meta's
    # default, silently; the capability net now reads these words too.
    out = plan(f"Let Meta expand the audience. Sales, US, $60/day, {URL} shoe.jpg", cap_draft())
    assert any("targeting_automation" in q["field"] for q in out["questions"]), out["questions"]
    assert named_capabilities(["go broad, let the algorithm find people"])


def test_a_roas_made_the_floor_that_the_draft_drops_is_asked():
    # "ROAS of 3 — make that the floor": a draft with lowest-cost bidding launched with no floor
    out = plan(f"ROAS of 3 — make that the floor. Sales, US, $60/day, {URL} shoe.jpg", cap_draft())
    assert any(q["field"].endswith("bid_strategy") for q in out["questions"]), out["questions"]
