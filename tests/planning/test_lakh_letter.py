""" "1.5L INR" is one and a half lakh rupees; "1.5L" without rupees is no money.

"lifetime budget 1.5L INR for 2 weeks" asked for a budget (the L shorthand Indian marketers use
for a lakh was not read). A bare "1.5L" (a bottle) stays no amount.
"""

from __future__ import annotations

import pytest

from agents.orchestrator.planning.money.parse import find_money


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("lifetime budget 1.5L INR for 2 weeks", 150000),
        ("₹2L total", 200000),
        ("Rs 3.5L for the month", 350000),
        ("2 lakh rupees total", 200000),
    ],
)
def test_a_lakh_in_rupees(text: str, amount: float) -> None:
    assert [m.amount for m in find_money(text, "INR") if m.is_budget][0] == amount


@pytest.mark.parametrize("text", ["sales for our 1.5L water bottle", "2L soda, $40/day"])
def test_litres_are_no_money(text: str) -> None:
    assert all(m.amount not in (150000, 200000) for m in find_money(text, "INR"))
