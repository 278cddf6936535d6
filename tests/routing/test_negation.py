"""What a request says not to do is never done, and what it takes back is dropped; both said.

"don't pause spring sale, just cut it by 20%" paused Spring Sale; "dont touch brand awareness
but halve trail shoes prospecting" halved both; "pause spring sale. actually no, pause spring
sale - retargeting" paused both; "pause trail shoes prospecting but don't touch lookalike 3%"
paused Lookalike 3% with the rest.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


def test_a_negated_pause_is_not_done_and_it_points_to_its_object():
    i = ask("don't pause spring sale, just cut it by 20%")
    assert i.route == "budget" and [e.id for e in i.entities] == ["120330000000101"]
    assert i.params["change"]["pct"] == -20
    assert any("don't pause spring sale" in n for n in i.notes)


@pytest.mark.parametrize(("request_", "cid"), [
    ("dont touch brand awareness but halve trail shoes prospecting", "120330000000103"),
    ("do not change boston marathon promo, cut brand awareness by $10", "120330000000104"),
])
def test_an_object_it_says_not_to_touch_is_not_changed(request_, cid):
    i = ask(request_)
    assert i.route == "budget" and [e.id for e in i.entities] == [cid]
    assert not i.also


def test_an_object_not_to_touch_inside_the_one_changed_is_left_out():
    i = ask("pause trail shoes prospecting but don't touch lookalike 3%")
    assert i.route == "status"
    assert {e.id for e in i.entities} == {"120331000000131", "120331000000132"}


def test_only_a_negation_changes_nothing():
    i = ask("don't pause spring sale")
    assert i.route == "clarify" and not i.entities


@pytest.mark.parametrize(("request_", "cid"), [
    ("pause spring sale. actually no, pause spring sale - retargeting", "120330000000102"),
    ("pause carousel b. scratch that, pause carousel c", "120332000001322"),
])
def test_what_is_taken_back_is_dropped_and_said(request_, cid):
    i = ask(request_)
    assert i.route == "status" and [e.id for e in i.entities] == [cid] and not i.also
    assert any("Taken back" in n for n in i.notes)


def test_a_correction_of_a_part_is_asked_about():
    i = ask("raise spring sale 20%... sorry i meant 10%")
    assert i.route == "clarify" and "correction" in i.params["why"]


@pytest.mark.parametrize("request_", ["why don't we pause spring sale?",
                                      "if it doesn't convert, pause spring sale"])
def test_a_question_or_condition_with_a_negation_is_read_as_before(request_):
    assert ask(request_).route in ("question", "clarify")
    assert ask("why don't we pause spring sale?").route == "question"
