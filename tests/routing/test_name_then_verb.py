"""A partial name followed by the sentence's verb: "if ROAS on frühjahrs sale dips under 2".

The descriptive name was the whole run of words after "on" ("frühjahrs sale dips"), which no
name has, so the request named nothing ("Nothing is named: which campaign …") though it named
Frühjahrs-Sale DE; "is boston promo profitable yet?" was answered for the whole account. The
name is now the run's first words when the words after them are no
name's words and no numbers ("Women 25-35" still never reads as Women 25-34).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize(("request_", "account", "cid"), [
    ("if roas on frühjahrs sale dips under 2, pause the ad set", "act_2002", "120330000000202"),
    ("if CPA on trail shoes goes over 50 pause it", "act_1001", "120330000000103"),
    ("when trail shoes drops below 1.5 roas, stop it", "act_1001", "120330000000103"),
])
def test_the_name_before_the_verb_is_found(request_, account, cid):
    i = ask(request_, account=account)
    assert [e.id for e in i.entities] == [cid]
    assert "Nothing is named" not in (i.params.get("why") or "")


@pytest.mark.parametrize(("request_", "account", "cid"), [
    ("is boston promo profitable yet?", "act_1001", "120330000000105"),
    ("is frühjahrs sale profitable?", "act_2002", "120330000000202"),
])
def test_a_question_about_a_partial_name_is_not_answered_for_the_whole_account(request_, account, cid):
    i = ask(request_, account=account)
    assert i.route == "question"
    assert [e.id for e in i.entities] == [cid]


@pytest.mark.parametrize("request_", ["pause Women 25-35", "pause women 25 35 now"])
def test_a_number_after_the_words_is_still_part_of_the_name(request_):
    i = ask(request_)
    assert i.route == "clarify" and not i.entities


def test_a_typo_at_the_end_of_a_name_is_a_typo_of_the_whole_name():
    i = ask("pause Static - Shoe Closup")
    assert [e.id for e in i.entities] == ["120332000001113"]
    assert any('"Static - Shoe Closup"' in n for n in i.notes)  # the whole words were read
