"""The name resolver: evals/README.md rule 1, table by table."""

from __future__ import annotations

import pytest

from agents.orchestrator.routing import resolve_entities, resolve_name
from agents.orchestrator.routing.resolve import norm
from tests.routing.conftest import WORLD

ACC = WORLD["accounts"]


def one(text: str, account: str | None = "act_1001"):
    found = [m for m in resolve_entities(text, ACC, account=account) if not m.qualifier]
    assert len(found) == 1, found
    return found[0]


def test_normalisation_folds_case_and_separators_but_not_accents():
    assert norm("Trail Shoes – Prospecting") == "trail shoes prospecting"
    assert norm("Lookalike 1%") == "lookalike 1%"
    assert norm("Frühjahrs-Sale DE") == "frühjahrs sale de"


@pytest.mark.parametrize("text,name", [
    ("pause Spring Sale", "Spring Sale"),
    ("pause spring sale - retargeting", "Spring Sale - Retargeting"),
    ("pause Trail Shoes Prospecting", "Trail Shoes - Prospecting"),
])
def test_exact_beats_names_that_contain_it(text, name):
    m = one(text)
    assert m.match == "exact" and [c.name for c in m.candidates] == [name]


@pytest.mark.parametrize("text,name", [
    ("pause sprng sale", "Spring Sale"),             # distance 1
    ("pause Newsleter Signup", "Newsletter Signups"),  # distance 2 on a long name
    ("watch the retargeting campaign", "Spring Sale - Retargeting"),  # partial, one in scope
    ("stop the Race Kit carousel", "Carousel - Race Kit"),           # descriptive
])
def test_close_or_partial_names_resolve_flagged_fuzzy(text, name):
    m = one(text)
    assert m.resolved and m.match == "fuzzy" and m.candidates[0].name == name


def test_numbers_in_names_must_match():
    m = one("pause Women 25-35")
    assert not m.resolved and [c.name for c in m.near] == ["Women 25-34"]
    m = one("pause the Lookalike 2% ad set")
    assert not m.resolved and {c.name for c in m.near} == {"Lookalike 1%", "Lookalike 3%"}


def test_ambiguous_names_need_all_or_a_qualifier():
    assert len(one("pause Broad US").candidates) == 3 and not one("pause Broad US").resolved
    assert one("pause Video - Trail everywhere").resolved
    m = one("pause Broad US in Trail Shoes - Prospecting")
    assert m.resolved and m.candidates[0].id == "120331000000131"


def test_the_weakest_match_on_the_path_wins():
    m = one("turn off Carousel A in the retargeting campaign")
    assert m.resolved and m.candidates[0].id == "120332000001211" and m.match == "fuzzy"


def test_other_account_names_are_not_resolved_but_named():
    m = one("raise Retargeting EU by 20%")
    assert not m.candidates and [c.id for c in m.other_account] == ["120330000000204"]


def test_no_account_searches_every_account():
    m = one("how is Brand Awareness doing?", account=None)
    assert {c.account for c in m.candidates} == {"act_1001", "act_2002"} and not m.resolved


def test_ids_resolve_everywhere_and_never_fuzzy():
    m = one("pause campaign 120330000000204")
    assert m.match == "id" and m.candidates[0].name == "Retargeting EU"
    assert one("pause campaign 120330000000999").candidates == []


def test_resolve_name_reads_one_reference():
    m = resolve_name("Broad US", ACC, account="act_1001", within="Spring Sale")
    assert m.resolved and m.candidates[0].id == "120331000000113"
    assert not resolve_name("Summer Sale", ACC, account="act_1001").candidates
