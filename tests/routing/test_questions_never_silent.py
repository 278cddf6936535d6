"""A question about a name that matched nothing is asked, never answered for the whole account.

Sentences written for these tests (found by a fresh-eyes review, not taken from a dataset).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize("request_text", [
    "how much did Sprng Sael spend last week",
    "what did Autumn Flash Deal return yesterday?",
])
def test_an_unknown_name_in_a_question_is_asked(request_text):
    intent = ask(request_text)
    assert intent.route == "clarify" and intent.params["phrase"], intent


def test_a_word_of_several_names_lists_them():
    intent = ask("Spring spend last week")
    assert intent.route == "clarify"
    assert set(intent.params["candidates"]) == {"120330000000101", "120330000000102"}


def test_a_name_running_on_into_a_number_is_asked_for_a_question_too():
    intent = ask("Spring Sale 3 spend last week")
    assert intent.route == "clarify" and "numbers differ" in intent.params["why"]


@pytest.mark.parametrize("request_text", ["how much did we spend last week?",
                                          "Wie viel haben wir letzte Woche ausgegeben?",
                                          "What was our ROAS yesterday?"])
def test_an_account_wide_question_is_still_answered(request_text):
    intent = ask(request_text)
    assert intent.route == "question" and intent.entities == []


@pytest.mark.parametrize(("words", "since", "until"), [
    ("from 3 March to 10 March", "2026-03-03", "2026-03-10"),
    ("since 10 March", "2026-03-10", "2026-03-18"),
    ("on 12 March", "2026-03-12", "2026-03-12"),
    ("on March 12th", "2026-03-12", "2026-03-12"),
])
def test_day_month_dates_are_read_not_replaced(words, since, until):
    intent = ask(f"Spring Sale spend {words}")
    assert intent.route == "question"
    assert intent.params["date_range"] == {"preset": None, "since": since, "until": until}
