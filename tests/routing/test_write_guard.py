"""The write guard: a write only ever lands on what the request clearly named.

Every sentence here is new (written for these tests, not taken from a dataset): the guard is
a general rule, so it must hold for phrasings the router was never tuned on.
"""

from __future__ import annotations

import pytest

from evals.router import FILES, load_rows, load_world, rules_router, score_router
from state.intent import WRITE_ROUTES
from tests.routing.conftest import ask

# The fresh batch (requests_fresh.jsonl, another author's) scored 1.0 route accuracy after the
# generalisation work (0.814 before); the margin leaves room for a row or two, not a regression.
FRESH_ROUTE_FLOOR = 0.95
# The third author's batch (requests_fresh3.jsonl) scored 0.783 before the third round of
# general mechanisms (discourse, conditions, context, languages) and 1.0 after it.
FRESH3_ROUTE_FLOOR = 0.95


@pytest.mark.parametrize("file,floor", [("fresh", FRESH_ROUTE_FLOOR), ("fresh3", FRESH3_ROUTE_FLOOR)])
def test_fresh_batch_route_accuracy_stays_above_its_floor_and_the_floors_are_zero(file, floor):
    report = score_router(rules_router(), load_rows(FILES[file]), load_world())
    assert report["route_accuracy"] >= floor
    assert report["floors"] == {"question_writes": 0, "refusal_writes": 0, "wrong_entity_writes": 0}
    assert report["errors"] == 0


@pytest.mark.parametrize("request_,continued", [
    ("switch off Spring Sale 4 right away", "Spring Sale 4"),
    ("give Brand Awareness UK another $20 a day", "Brand Awareness UK"),
    ("turn Carousel B Mobile back on", "Carousel B Mobile"),
])
def test_a_name_that_runs_on_into_another_name_is_asked_about(request_, continued):
    i = ask(request_)
    assert i.route == "clarify" and i.params["phrase"] == continued and not i.entities


@pytest.mark.parametrize("request_", [
    "stop Spring Sale ASAP", "Spring Sale: cut the budget 10% please", "raise Spring Sale 15 percent",
])
def test_words_after_a_name_that_are_no_name_do_not_block_the_write(request_):
    i = ask(request_)
    assert i.route in WRITE_ROUTES and [e.name for e in i.entities] == ["Spring Sale"]


def test_an_object_outside_the_container_the_request_names_is_never_written():
    i = ask("switch off Static - Ridge inside Boston Marathon Promo")
    assert i.route == "clarify" and i.params["candidates"] == ["120332000001331"]


def test_every_x_in_the_ad_sets_of_y_stays_inside_y():
    i = ask("disable Video - Trail across all ad sets in Spring Sale")
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert sorted(e.id for e in i.entities) == ["120332000001111", "120332000001121"]


def test_an_object_and_its_own_campaign_are_never_written_together():
    from agents.orchestrator.routing.checks import write_guard
    from agents.orchestrator.routing.resolve import index
    from tests.routing.conftest import WORLD

    objs = index(WORLD["accounts"])
    ad = next(o for o in objs if o.id == "120332000001122")
    camp = next(o for o in objs if o.id == "120330000000101")
    problem = write_guard([], [ad, camp], objs)
    assert problem and problem["route"] == "clarify"
    assert sorted(problem["params"]["candidates"]) == sorted([ad.id, camp.id])


def test_a_thin_descriptive_name_is_enough_to_ask_about_but_not_to_write():
    write = ask("turn the mountain off")  # one word of "Static - Mountain", no kind said
    assert write.route == "clarify" and write.params["phrase"] == "mountain"
    assert write.params["candidates"] == ["120332000001312"]
    typed = ask("turn the mountain ad off")  # the kind of object is said: a fuzzy write
    assert typed.route == "status" and typed.entities[0].match == "fuzzy"


def test_descriptive_names_narrowed_by_their_container_resolve_flagged():
    i = ask("switch off the static ad in the lookalike 1% ad set")
    assert i.route == "status" and [(e.id, e.match) for e in i.entities] == [
        ("120332000001141", "fuzzy")]


def test_shorthand_for_name_words_resolves_only_when_one_name_fits():
    i = ask("halve the RT campaign")  # a relative change applies to each of its ad sets
    assert i.route == "budget" and i.params["change"]["factor"] == 0.5
    assert [(e.name, e.match) for e in i.entities] == [("Spring Sale - Retargeting", "fuzzy")]
    assert ask("pause the LAL adset").route == "clarify"  # Lookalike 1% and 3%: two fit


def test_a_misspelt_name_is_asked_about_with_the_words_of_the_request():
    i = ask("pause Carousl A")
    assert i.route in ("clarify", "status")
    if i.route == "clarify":
        assert i.params["phrase"] == "Carousl A" and i.params["candidates"]
    else:
        assert all(e.match == "fuzzy" for e in i.entities)


def test_an_id_substituted_for_the_asked_words_routes_to_that_object():
    i = ask("pause 120332000001112")
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert [(e.id, e.match) for e in i.entities] == [("120332000001112", "id")]


def test_a_description_then_kill_it_is_one_pause_with_its_rule():
    i = ask("ads in Spring Sale costing over 50 dollars per lead after $120 spent — switch them off")
    assert i.route == "pause_underperformers" and i.also == []
    assert (i.params["metric"], i.params["threshold"], i.params["min_spend_minor"]) == ("cpa", 5000,
                                                                                         12000)


def test_the_campaign_means_the_one_named_before_of_that_kind():
    i = ask("switch off ads in Spring Sale with CPA over $50, then lift the campaign by 10%")
    assert i.route == "pause_underperformers" and [a.route for a in i.also] == ["budget"]
    assert [e.name for e in i.also[0].entities] == ["Spring Sale"]
    j = ask("pause Carousel B, then lift the ad set by 10%")  # Carousel B is an ad: nothing fits
    assert [a.route for a in j.also] == ["clarify"] and not j.also[0].entities


@pytest.mark.parametrize("request_text", [
    "Women 25-34 pausieren und Broad US um 10 $ pro Tag erhöhen",
    "mettre Women 25-34 en pause et augmenter Broad US de 10 %",
    "Women 25-34 pauzeren en Broad US met 10% verhogen",
])
def test_a_later_ask_in_verb_final_order_is_never_written_under_the_first(request_text):
    """Written for this test (no dataset row): the later object must land in `also`."""
    intent = ask(request_text)
    assert intent.route == "status" and intent.params["to"] == "PAUSED", intent
    assert [e.name for e in intent.entities] == ["Women 25-34"]
    assert intent.also and intent.also[0].route in ("budget", "clarify")
