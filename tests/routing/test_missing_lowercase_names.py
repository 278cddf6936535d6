"""A name that exists nowhere is named back, also when typed in lower case.

"pause the summer sale campaign" answered "Nothing is named: which campaign, ad set or ad?"
(only capitalised words were read as names), and "how did the summer sale do" was answered for
the whole account, the name dropped without a word.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize(("request_", "words"), [
    ("pause the summer sale campaign", "summer sale"),
    ("raise summer sale by 10%", "summer sale"),
    ("pause autumn promo", "autumn promo"),
    ("how did the summer sale do", "summer sale"),
])
def test_a_missing_name_is_named(request_, words):
    i = ask(request_)
    assert i.route == "clarify" and not i.entities
    assert i.params["phrase"] == words and f'"{words}"' in i.params["why"]


@pytest.mark.parametrize("request_", [
    "how did we do last week", "how did the ctr do last week", "what did we spend yesterday",
    "how did the mobile placements perform",
])
def test_account_questions_and_metrics_are_not_names(request_):
    assert ask(request_).route == "question"
