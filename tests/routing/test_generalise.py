"""General mechanisms of the rules router, each pinned with new sentences.

Every sentence here is written for these tests (none comes from a dataset): quoted earlier
messages and list markers, context sentences, jargon and other languages' ad-ops verbs,
conditional later asks, refusals that name the supported alternative, and params read in any
word order.
"""

from __future__ import annotations

import pytest

from agents.orchestrator.routing.discourse import blank
from tests.routing.conftest import ask


def _set(d: dict) -> dict:
    """Return the keys of `d` that are set."""
    return {k: v for k, v in d.items() if v is not None}


def test_a_quoted_earlier_message_is_not_read():
    i = ask("> should we kill Brand Awareness?\nnah, leave it — just pause Newsletter Signups")
    assert i.route == "status" and [e.name for e in i.entities] == ["Newsletter Signups"]


def test_blank_keeps_positions_and_line_breaks():
    text = "[OPS-77] halve Brand Awareness\nPriority: low"
    out = blank(text)
    assert len(out) == len(text) and out.count("\n") == 1
    assert "OPS" not in out and "Priority" not in out and "halve Brand Awareness" in out


def test_a_ticket_tag_and_its_priority_field_are_not_amounts():
    i = ask("[ADS-913] Brand Awareness: trim the budget 15% (too much frequency). Priority: high")
    assert i.route == "budget" and _set(i.params["change"]) == {"pct": -15}


def test_numbered_items_are_separate_asks():
    i = ask("1) pause Carousel C\n2) double Brand Awareness")
    assert i.route == "status" and [e.name for e in i.entities] == ["Carousel C"]
    assert [a.route for a in i.also] == ["budget"]
    assert _set(i.also[0].params["change"]) == {"factor": 2.0}


def test_an_email_greeting_and_signature_are_not_asks():
    i = ask("Hello all,\n\ncould Spring Sale go to $180 a day?\n\nCheers,\nRobin")
    assert i.route == "budget" and _set(i.params["change"]) == {"to_minor": 18000}
    assert not i.also


@pytest.mark.parametrize("request_,account", [
    ("Wyłącz Static - Ridge, proszę", "act_1001"),  # Polish
    ("Stäng av Static - Ridge", "act_1001"),  # Swedish
    ("Kunt u Static - Ridge even op pauze zetten?", "act_1001"),  # Dutch, polite question
    ("sunset Static - Ridge, it has run its course", "act_1001"),  # jargon
    ("Tu peux couper Static - Ridge ?", "act_1001"),  # French, polite question
])
def test_pause_verbs_across_languages_and_jargon(request_, account):
    i = ask(request_, account=account)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert [e.name for e in i.entities] == ["Static - Ridge"]


@pytest.mark.parametrize("request_,change", [
    ("dial Brand Awareness back 20%", {"pct": -20}),
    ("Zwiększ budżet Brand Awareness o 10%", {"pct": 10}),  # Polish
    ("Sänk budgeten för Brand Awareness med 30 %", {"pct": -30}),  # Swedish
    ("Riduci il budget di Brand Awareness del 15%", {"pct": -15}),  # Italian
])
def test_budget_verbs_across_languages_and_jargon(request_, change):
    i = ask(request_)
    assert i.route == "budget" and _set(i.params["change"]) == change


def test_money_in_zloty_in_a_dollar_account_is_asked_about():
    i = ask("Zwiększ budżet Brand Awareness do 90 zł dziennie")
    assert i.route == "clarify" and "PLN" in i.params["why"]


@pytest.mark.parametrize("request_", ["elimina Static - Ridge", "usuń Static - Ridge",
                                      "ta bort Static - Ridge", "verwijder Static - Ridge"])
def test_delete_in_other_languages_is_refused(request_):
    assert ask(request_).route == "unsupported"


def test_an_italian_question_reads_its_period():
    i = ask("Qual è stato il CPC di Spring Sale negli ultimi 10 giorni?")
    assert i.route == "question" and i.params["metrics"] == ["cpc"]
    assert i.params["date_range"]["since"] == "2026-03-08"


def test_a_conditional_change_after_a_question_is_a_later_ask_never_the_intent():
    i = ask("How did Brand Awareness do yesterday? If its CPC went above $1.20, trim its budget 10%")
    assert i.route == "question" and not i.params.get("change")
    assert [a.route for a in i.also] == ["budget"]
    assert _set(i.also[0].params["change"]) == {"pct": -10}  # the $1.20 is the condition's
    assert "only if" in i.notes[0]


@pytest.mark.parametrize("request_", [
    "if Brand Awareness gets pricier than $9 CPM, halve its budget",
    "pull Brand Awareness back 30% once its frequency tops 4",
    "When Newsletter Signups' CPA falls under $12 turn it back on",
])
def test_a_conditional_change_asked_first_is_never_written_now(request_):
    i = ask(request_)
    assert i.route == "clarify" and "condition" in i.params["why"]


def test_a_partial_name_in_a_purpose_tail_is_a_word():
    i = ask("add $500 to Boston Marathon Promo's lifetime budget because the finish line creative is doing great")
    assert i.route == "budget" and [e.name for e in i.entities] == ["Boston Marathon Promo"]
    assert _set(i.params["change"]) == {"delta_minor": 50000} and i.params["period"] == "lifetime"


def test_a_context_sentence_after_a_complete_ask_names_nothing():
    i = ask("turn Carousel C back on. The mountain shoot wrapped up and looks great")
    assert i.route == "status" and i.params["to"] == "ACTIVE"
    assert [e.name for e in i.entities] == ["Carousel C"] and not i.also


@pytest.mark.parametrize("request_,stop", [
    ("A/B test a new image on Static - Ridge. let it run 9 days", {"days": 9}),
    ("test a new video on Static - Ridge; we stop as soon as we've spent $120",
     {"spend_minor": 12000, "currency": "USD"}),
])
def test_a_stop_rule_said_after_a_test_belongs_to_the_test(request_, stop):
    i = ask(request_)
    assert i.route == "ab_test" and _set(i.params["stop_rule"]) == stop and not i.also


def test_a_later_ask_about_a_refused_thing_is_refused_with_it():
    i = ask("upload our customer list and target it in Spring Sale")
    assert i.route == "unsupported" and not i.also


def test_a_question_after_watching_is_a_later_ask():
    i = ask("watch Brand Awareness with a target CPA of $12 — and how did it do yesterday?")
    assert i.route == "adopt" and i.params["target_cpa_minor"] == 1200
    assert [a.route for a in i.also] == ["question"]


def test_the_same_setup_but_another_audience_is_the_variant():
    i = ask("split test Men 25-44 against the same targeting but men 45-54")
    assert i.route == "ab_test" and i.params["variable"] == "audience"
    assert i.params["variant"] == "men 45-54"


def test_swapping_the_creative_of_a_live_ad_is_refused_and_names_the_test():
    i = ask("replace the image in Static - Ridge with ridge_sunset.jpg")
    assert i.route == "unsupported" and "A/B test" in i.params["why"]


@pytest.mark.parametrize("request_,alternative", [
    ("hook the pixel up to Spring Sale properly", "Events Manager"),
    ("switch Brand Awareness to a 1-day click attribution window", "questions"),
    ("connect our product feed to Spring Sale", "Commerce Manager"),
    ("boost our latest instagram post with $50", "new brief"),
])
def test_more_refusals_name_where_it_is_done_or_the_supported_alternative(request_, alternative):
    i = ask(request_)
    assert i.route == "unsupported" and alternative in i.params["why"]


@pytest.mark.parametrize("request_", [
    "please do the loser sweep on Trail Shoes - Prospecting",
    "cull the duds in Trail Shoes - Prospecting, standard rules",
])
def test_the_underperformer_sweep_is_the_pause_rule_with_its_defaults(request_):
    i = ask(request_)
    assert i.route == "pause_underperformers"
    assert i.params["metric"] is None and i.params["threshold"] is None


def test_a_brief_that_never_says_campaign_is_still_a_brief():
    i = ask("kick off a summer clearance push: sales, Canada only, $70/day")
    assert i.route == "new_campaign" and not i.entities


def test_the_kind_that_gets_paused_is_what_the_verb_acts_on_not_the_containers_label():
    i = ask("stop the ads inside ad set Broad DE when their CTR is under 0.6%", account="act_2002")
    assert i.route == "pause_underperformers" and i.params["level"] == "ad"
    j = ask("pause Trail Shoes - Prospecting's ad sets with CPC above $3")
    assert j.params["level"] == "adset"


def test_a_period_number_is_never_a_threshold():
    i = ask("which ads in Spring Sale had a CTR under 0.9% over the last 21 days?")
    assert i.route == "question"
    assert [(f["metric"], f["op"], f["threshold"]) for f in i.params["filter"]] == [("ctr", "<", 0.9)]


@pytest.mark.parametrize("request_,metric,threshold", [
    ("pause ads in Spring Sale costing above 22 dollars a lead", "cpa", 2200),
    ("pause ads in Spring Sale that cost more than $3 each click", "cpc", 300),
])
def test_money_per_unit_is_a_cost_per_metric_in_any_order(request_, metric, threshold):
    i = ask(request_)
    assert i.route == "pause_underperformers"
    assert (i.params["metric"], i.params["op"], i.params["threshold"]) == (metric, ">", threshold)


def test_from_old_to_new_budget_is_the_new_amount():
    i = ask("Brand Awareness daily: from $50 -> $72 please")
    assert i.route == "budget" and _set(i.params["change"]) == {"to_minor": 7200}


def test_side_by_side_with_the_period_before_compares():
    i = ask("show Brand Awareness reach for last 10 days side by side with the period before")
    assert i.route == "question" and i.params["compare_previous"] is True


def test_the_top_end_of_a_curve_is_no_ranking():
    i = ask("what if I halved Brand Awareness, would we only lose the top end of reach?")
    assert i.route == "question" and i.params["rank"] is None


def test_the_longest_metric_phrase_wins():
    i = ask("landing page views for Boston Marathon Promo yesterday?")
    assert i.params["metrics"] == ["results"]


def test_a_name_in_a_context_sentence_is_not_written_unless_the_sentence_adds_it():
    i = ask("switch off Carousel C. Static - Ridge is doing fine though")
    assert i.route == "status" and [e.name for e in i.entities] == ["Carousel C"]
    j = ask("switch off Carousel C. Static - Ridge as well")
    assert sorted(e.name for e in j.entities) == ["Carousel C", "Static - Ridge"]


def test_a_polite_if_is_no_condition():
    i = ask("if you have a sec, switch off Carousel C")
    assert i.route == "status" and i.params["to"] == "PAUSED"


def test_an_audience_age_is_never_an_amount():
    i = ask("open a fresh ad set in Brand Awareness for men 55+, $30/day")
    assert i.route == "unsupported" and "A/B test" in i.params["why"]


def test_ages_are_not_read_as_money():
    from agents.orchestrator.routing.amounts import find_amounts

    assert [a.value for a in find_amounts("for men 55+ at $30 a day, ages 18-24 too", "USD")] == [30.0]
