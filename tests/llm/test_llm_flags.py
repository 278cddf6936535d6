"""What the LLM planner could not do is reported, never dropped; invalid values are asked about."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.orchestrator.planning import GOAL, SPEND, WHO, PlanDefaults, Question
from agents.orchestrator.planning import llm as llm_planner
from tests.llm.scripted import VALID_DRAFT, ad_set, draft, scripted_model

DEFAULTS = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", account_id="act_1",
                        today=date(2026, 3, 1))


def _defaults(**changes: Any) -> PlanDefaults:
    values = {**DEFAULTS.__dict__, **changes}
    return PlanDefaults(**values)


def _plan(*drafts: dict[str, Any], brief: str = "a brief", defaults: PlanDefaults = DEFAULTS,
          calls: int = 1) -> Any:
    model = scripted_model(*drafts)
    result = llm_planner.plan_brief(brief, defaults, model=model)
    assert len(model.calls) == calls, [m.content for m in model.calls[-1][-1:]]
    return result


def _kinds(result: Any) -> list[tuple[str, str, str | None]]:
    return [(q["kind"], q.get("phrase", ""), q.get("affects")) for q in result.questions]


# --- the model's reports become questions -------------------------------------------------

REPORTS = [
    ("not understood, could change who sees the ads",
     {"not_understood": [{"phrase": "only folks who rent", "affects": WHO}]},
     ("not_understood", "only folks who rent", WHO), "targeting"),
    ("not understood, could change the money",
     {"not_understood": [{"phrase": "spend heavier on weekends", "affects": SPEND}]},
     ("not_understood", "spend heavier on weekends", SPEND), "budget"),
    ("not understood, could change the goal",
     {"not_understood": [{"phrase": "need more sals", "affects": GOAL}]},
     ("not_understood", "need more sals", GOAL), "objective"),
    ("unsupported: a cost cap",
     {"unsupported": [{"phrase": "cost cap $25", "feature": "cost_cap"}]},
     ("unsupported", "cost cap $25", SPEND), "bid_strategy"),
    ("unsupported: a lookalike",
     {"unsupported": [{"phrase": "1% lookalike of buyers", "feature": "lookalike"}]},
     ("unsupported", "1% lookalike of buyers", WHO), "targeting"),
    ("unsupported: a lead form",
     {"unsupported": [{"phrase": "use an instant form", "feature": "lead_form"}]},
     ("unsupported", "use an instant form", GOAL), "destination_type"),
    ("ambiguous place",
     {"ambiguous": [{"phrase": "Portland", "options": ["Portland, Oregon", "Portland, Maine"]}]},
     ("ambiguous", "Portland", None), "brief"),
    ("two budgets",
     {"conflicts": [{"phrases": ["$75 a day", "$2000 total"], "about": "budget"}]},
     ("conflict", "$75 a day / $2000 total", None), "budget"),
    ("impossible ages the model reported (and left out)",
     {"invalid": [{"phrase": "aged 70-12", "field": "ages", "why": "the youngest is above the oldest"}]},
     ("invalid", "aged 70-12", None), "ages"),
]


@pytest.mark.parametrize(("said", "report", "expected", "field"), REPORTS, ids=[r[0] for r in REPORTS])
def test_reports_become_questions_naming_the_phrase(said, report, expected, field):
    result = _plan(draft(**report))
    assert _kinds(result) == [expected], said
    question = result.questions[0]
    assert question["field"] == field
    for phrase in expected[1].split(" / "):
        assert phrase in question["question"]
    if expected[0] == "ambiguous":
        assert "Oregon" in question["question"] and "Maine" in question["question"]


def test_not_understood_phrases_are_listed_and_only_the_harmful_ones_asked():
    result = _plan(draft(not_understood=[{"phrase": "hi team!", "affects": None},
                                         {"phrase": "skip the renters", "affects": WHO}]))
    assert result.not_understood == [
        {"phrase": "hi team!", "affects": None, "waived": False},
        {"phrase": "skip the renters", "affects": WHO, "waived": False}]
    assert _kinds(result) == [("not_understood", "skip the renters", WHO)]


def test_a_waived_phrase_is_shown_not_asked():
    report = draft(not_understood=[{"phrase": "Skip the renters", "affects": WHO}],
                   unsupported=[{"phrase": "cost cap $25", "feature": "cost_cap"}],
                   conflicts=[{"phrases": ["$75 a day", "$2000 total"], "about": "budget"}])
    result = _plan(report, defaults=_defaults(waived=("skip the renters ", "COST CAP $25",
                                                      "$75 a day / $2000 total")))
    assert result.not_understood == [{"phrase": "Skip the renters", "affects": WHO, "waived": True}]
    # Only not-understood and unsupported phrases can be waived; a conflict still needs an answer.
    assert [q["kind"] for q in result.questions] == ["conflict"]


def test_adjustments_pass_through_with_from_and_to():
    adj = [{"path": "ad_sets[0].age_max", "from": 80, "to": 65, "why": "Meta's oldest age is 65 (65+)"},
           {"path": "budget_amount", "from": "$50 a day", "to": 70,
            "why": "the brief corrected itself: 'actually make it $70'"}]
    result = _plan(draft(adjustments=adj))
    assert result.adjustments == adj
    assert result.questions == []


# --- deterministic checks: never trust the model to have flagged it ----------------------

INVALID = [
    ("ages upside down", ad_set(VALID_DRAFT, age_min=70, age_max=12), "ages", "70-12"),
    ("negative budget", draft(budget_amount=-50), "budget", "-50"),
    ("zero budget", draft(budget_amount=0), "budget", "0 USD"),
    ("a start date in the past", draft(start_date="2026-02-01"), "start_date", "2026-02-01"),
    ("an end before the start", draft(start_date="2026-03-10", end_date="2026-03-05"),
     "end_date", "2026-03-05"),
    ("a flight of no days", draft(duration_days=0), "duration", "0 days"),
    ("a budget in another currency", draft(budget_currency="EUR"), "currency", "EUR"),
    ("a radius of zero", ad_set(VALID_DRAFT, countries=[], cities=[
        {"name": "Austin", "country": "US", "radius": 0, "unit": "mile"}]), "radius", "0 miles"),
]


@pytest.mark.parametrize(("said", "d", "field", "phrase"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_values_are_questions_and_never_repaired(said, d, field, phrase):
    result = _plan(d, VALID_DRAFT)  # a second reply exists, but no repair turn may be asked for
    invalid = [q for q in result.questions if q["kind"] == "invalid"]
    assert [q["field"] for q in invalid] == [field], said
    assert phrase in invalid[0]["phrase"]
    assert result.adjustments == []


def test_inverted_ages_are_kept_as_stated_never_swapped_or_defaulted():
    result = _plan(ad_set(VALID_DRAFT, age_min=70, age_max=12))
    targeting = result.plan["ad_sets"][0]["targeting"]
    assert (targeting["age_min"], targeting["age_max"]) == (70, 12)


def test_a_negative_budget_is_left_out_and_asked_about():
    result = _plan(draft(budget_amount=-50))
    assert "budget" not in result.plan
    assert [q["field"] for q in result.questions] == ["budget"]


def test_the_model_and_the_check_naming_one_invalid_value_ask_once():
    d = ad_set(draft(invalid=[{"phrase": "aged 70-12", "field": "ages",
                               "why": "the youngest is above the oldest"}]), age_min=70, age_max=12)
    result = _plan(d)
    assert _kinds(result) == [("invalid", "aged 70-12", None)]


# --- the repair loop ---------------------------------------------------------------------

def test_values_a_repair_changed_are_adjustments():
    too_young = ad_set(VALID_DRAFT, age_min=12)
    result = _plan(too_young, VALID_DRAFT, calls=2)
    assert result.problems == []
    assert result.adjustments == [{"path": "ad_sets[0].targeting.age_min", "from": 12, "to": 25,
                                   "why": result.adjustments[0]["why"]}]
    assert "13" in result.adjustments[0]["why"]  # the problem the model was asked to fix


def test_quoted_copy_must_be_used_verbatim_or_the_model_is_asked_again():
    brief = 'trail shoes, $60/day, headline: "Run further, slip less", primary text: "Grip that holds."'
    rewritten = draft()
    for ad in rewritten["ad_sets"][0]["ads"]:
        ad["creative"]["primary_text"] = "Our best trail shoes yet!"
    verbatim = draft()
    verbatim["ad_sets"][0]["ads"] = verbatim["ad_sets"][0]["ads"][:1]
    verbatim["ad_sets"][0]["ads"][0]["creative"]["primary_text"] = "Grip that holds."
    model = scripted_model(rewritten, verbatim)
    result = llm_planner.plan_brief(brief, DEFAULTS, model=model)
    assert len(model.calls) == 2
    feedback = model.calls[1][-1].content
    assert '"Grip that holds."' in feedback and "verbatim" in feedback
    assert result.problems == []
    ad = result.plan["ad_sets"][0]["ads"][0]["creative"]
    assert (ad["headline"], ad["primary_text"]) == ("Run further, slip less", "Grip that holds.")


def test_every_quoted_headline_gets_an_ad():
    brief = 'trail shoes, test headlines "Run further" vs "Slip less" vs "Trail ready", $60/day'
    two = draft()
    for ad, text in zip(two["ad_sets"][0]["ads"], ("Run further", "Slip less"), strict=True):
        ad["creative"]["headline"] = text
    result = llm_planner.plan_brief(brief, DEFAULTS, model=scripted_model(two, two, two))
    assert any(p.get("rule") == "verbatim_copy" and "Trail ready" in p["message"]
               for p in result.problems)


# --- the unsupported-ask recogniser runs on the brief, whatever the model said ------------

def test_unsupported_asks_found_in_the_brief_are_asked_even_if_the_model_missed_them(monkeypatch):
    seen: list[str] = []

    def recogniser(brief: str) -> list[Question]:
        seen.append(brief)
        return [Question("bid_strategy", "'cost cap' is not supported yet", kind="unsupported",
                         phrase="cost cap", affects=SPEND)]

    monkeypatch.setattr(llm_planner, "_unsupported_asks", recogniser)
    result = _plan(draft(), brief="sneakers, cost cap $25")
    assert seen == ["sneakers, cost cap $25"]
    assert _kinds(result) == [("unsupported", "cost cap", SPEND)]
    # The model naming the same ask does not ask twice.
    both = _plan(draft(unsupported=[{"phrase": "cost cap $25", "feature": "cost_cap"}]),
                 brief="sneakers, cost cap $25")
    assert _kinds(both) == [("unsupported", "cost cap $25", SPEND)]


def test_unsupported_asks_in_the_brief_are_asked_even_when_the_model_misses_them():
    result = _plan(draft(advertiser="Trail SAS"),
                   brief="trail shoes in France, with a frequency cap, and use dayparting")
    # (retargeting and cost caps were the examples until issue 15 made them plan fields)
    phrases = [q.get("phrase", "").lower() for q in result.questions if q["kind"] == "unsupported"]
    assert any("frequency cap" in p for p in phrases) and any("dayparting" in p for p in phrases)


@pytest.mark.parametrize(("report", "changes"), [
    ({"invalid": [{"phrase": "5 km around Lyon", "field": "radius", "why": "Meta's minimum is 17 km"}]},
     {"countries": [], "cities": [{"name": "Lyon", "country": "FR", "radius": 5, "unit": "kilometer"}]}),
    ({"conflicts": [{"phrases": ["ages 25-34", "ages 12-20"], "about": "ages"}]}, {"age_min": 12}),
])
def test_values_the_model_reported_are_not_sent_back_for_repair(report, changes):
    d = ad_set(draft(**report, advertiser="Trail SAS"), **changes)
    result = _plan(d, VALID_DRAFT)
    assert result.problems  # Meta's rule still stands in the way...
    assert len(result.questions) == 1  # ...and the person, not the model, settles it


def test_apostrophes_are_not_quoted_copy():
    brief = "trail shoes, a headline about our shop's 'best' deals, $60/day"
    result = _plan(draft(), brief=brief)
    assert not [p for p in result.problems if p.get("rule") == "verbatim_copy"]
