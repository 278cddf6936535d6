"""Budget changes said in chat words: "make X spend 20% more", "up X by 20%", "for the next 3 days".

"make spring sale spend 20% more" was answered as a question (Spring Sale's spend) and "up
spring sale by 20%" was not read at all; "raise spring sale by 20% for the next 3 days" asked
which of two budget changes was meant (the 3 days were read as an amount).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize("request_", ["make spring sale spend 20% more", "up spring sale by 20%"])
def test_a_raise_in_chat_words_is_a_raise(request_):
    i = ask(request_)
    assert i.route == "budget" and i.params["change"]["pct"] == 20


def test_spend_less_with_no_amount_asks_how_much():
    i = ask("make spring sale spend a bit less")
    assert i.route == "clarify" and "how much" in i.params["why"].lower()


def test_a_number_of_days_is_no_amount_and_the_change_back_is_said():
    i = ask("raise spring sale by 20% for the next 3 days")
    assert i.route == "budget" and i.params["change"]["pct"] == 20
    assert [a.route for a in i.also] == ["unsupported"]


def test_a_question_about_spend_is_still_a_question():
    assert ask("what did spring sale spend more on").route == "question"
