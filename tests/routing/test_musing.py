"""Musing about a change is a question, like "should we pause X?" (rule 4); asking for it is not.

"thinking of pausing spring sale", "we should probably pause spring sale" and "maybe pause
spring sale?" proposed pausing Spring Sale.
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize("request_", [
    "thinking of pausing spring sale",
    "we should probably pause spring sale",
    "maybe pause spring sale?",
    "considering doubling trail shoes prospecting",
])
def test_musing_about_a_change_is_a_question(request_):
    i = ask(request_)
    assert i.route == "question" and i.entities


@pytest.mark.parametrize("request_", ["I'd like to pause spring sale", "let's pause spring sale",
                                      "can you pause spring sale"])
def test_asking_for_a_change_is_the_change(request_):
    assert ask(request_).route == "status"
