"""A gender said with a hedge is asked, never made a hard restriction.

"21 to 35, mostly guys", "mainly women 25-54", "audience skews female", "primarily men",
"women mostly" each targeted one gender only, launchable: the other gender was cut although
the brief said it is only the larger part. Now each is asked (only that gender, or everyone?).
A plain or exclusive gender ("women 25-54", "men only") is read as before.
"""

from __future__ import annotations

import pytest

from agents.orchestrator.planning.people.genders import find_gender_result


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("21 to 35, mostly guys", "mostly guys"),
        ("mainly women 25-54", "mainly women"),
        ("audience skews female, 25-54", "skews female"),
        ("primarily men", "primarily men"),
        ("women mostly, 30-50", "women mostly"),
        ("largely dads", "largely dads"),
        ("our buyers are predominantly women", "predominantly women"),
    ],
)
def test_a_hedged_gender_is_asked(text: str, phrase: str) -> None:
    r = find_gender_result(text)
    assert r.genders is None
    assert [q.phrase for q in r.flags] == [phrase]


@pytest.mark.parametrize(
    ("text", "genders"),
    [
        ("women 25-54", [2]),
        ("men only", [1]),
        ("moms and dads", None),
        ("mostly in Texas, women", [2]),
    ],
)
def test_plain_genders_are_read_as_before(text: str, genders: list[int] | None) -> None:
    r = find_gender_result(text)
    assert r.genders == genders
    assert not r.flags
