"""Issue 15 planner gaps the end-to-end briefs found (tests/capabilities), pinned on other words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from state.plan_checks import AccountInfo, validate_plan

D = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", today=date(2026, 3, 2))
TAIL = " $30/day in Canada for 10 days from tomorrow, image hero.png."


def _plan(brief: str) -> dict:
    r = plan_brief(brief, D)
    assert not r.questions and not r.problems, (r.questions, r.problems)
    assert r.plan is not None
    return r.plan


def test_new_customers_is_who_the_campaign_wants_not_an_audience() -> None:
    plan = _plan("Win more customers with a 2% lookalike of our subscriber list subs.csv. Sales, "
                 "https://shop.example.ca/" + TAIL)
    kinds = {a["key"]: a["kind"] for a in plan["audiences"]}
    refs = plan["ad_sets"][0]["targeting"]["custom_audiences"]
    assert [kinds[r["key"]] for r in refs] == ["lookalike"]  # the seed list is read, not targeted


def test_people_who_bought_on_the_site_are_the_pixel_purchasers_of_their_own_window() -> None:
    plan = _plan("Remarket to site visitors of the past 45 days, leaving out anyone who ordered "
                 "in the last 10 days. Sales, https://shop.example.ca/" + TAIL)
    by_key = {a["key"]: a for a in plan["audiences"]}
    t = plan["ad_sets"][0]["targeting"]
    out = by_key[t["excluded_custom_audiences"][0]["key"]]
    assert (out["kind"], out["event"], out["retention_days"]) == ("website", "Purchase", 10)
    assert by_key[t["custom_audiences"][0]["key"]]["retention_days"] == 45


def test_our_customers_without_a_source_is_still_asked() -> None:
    r = plan_brief("Remarket to site visitors of the past 45 days but not our customers. Sales, "
                   "https://shop.example.ca/" + TAIL, D)
    assert "audiences" in {q["field"] for q in r.questions}


def test_forms_and_chats_need_no_web_page() -> None:
    for brief in ("Leads for window cleaning with an instant form (name, phone); privacy policy "
                  "https://clean.example.ca/privacy." + TAIL,
                  "Get people to chat with us on Messenger about bike repairs." + TAIL):
        plan = _plan(brief)
        report = validate_plan(plan, AccountInfo(currency="USD", page_id="1001", pixel_id="2002"))
        assert report.ok, report.problems
    r = plan_brief("Sales of bike parts." + TAIL, D)
    assert "landing_url" in {q["field"] for q in r.questions}  # a website ad still needs one


def test_a_capability_no_reader_took_is_asked_not_dropped(monkeypatch) -> None:
    import agents.orchestrator.planning.facts as facts
    from agents.orchestrator.planning.capabilities import Capabilities

    # the capability readers miss (a phrasing none knows): the net asks for each ask
    monkeypatch.setattr(facts, "read_capabilities", lambda *a, **k: Capabilities())
    brief = ("Use dynamic creative with Advantage+ audience on. Sales, https://shop.example.ca/"
             + TAIL)
    r = plan_brief(brief, D)
    net = {q["field"]: q for q in r.questions if "planner left it out" in q["question"]}
    assert set(net) == {"ad_sets[0].is_dynamic_creative", "ad_sets[0].targeting_automation"}
    assert {q["kind"] for q in net.values()} == {"not_understood"}
    waived = plan_brief(brief, replace(D, waived=("dynamic creative",)))
    assert "ad_sets[0].is_dynamic_creative" not in {q["field"] for q in waived.questions}


def test_the_optimisation_event_still_tells_the_goal_beside_an_audience() -> None:
    # the goal is read once, after the audiences: "optimise for add to cart" with no goal word
    # is a sales campaign, whether or not the brief retargets anyone
    r = plan_brief("Retarget site visitors from the last 14 days, optimise for add to cart. "
                   "$20/day US, https://x.example.com image hero.png", D)
    assert r.plan is not None and not r.questions, r.questions
    plan = r.plan
    assert plan["objective"] == "OUTCOME_SALES"
