"""Money, factors and dates as the router reads them."""

from __future__ import annotations

import pytest

from agents.orchestrator.routing.amounts import find_amounts, find_factor, words_to_digits
from agents.orchestrator.routing.dates import read_dates
from tests.routing.conftest import TODAY


@pytest.mark.parametrize("text,account,minor,currency", [
    ("$1.2k", "USD", 120000, "USD"), ("12,50 €", "EUR", 1250, "EUR"), ("USD 35", "EUR", 3500, "USD"),
    ("250$", "USD", 25000, "USD"), ("40 bucks", "USD", 4000, "USD"), ("€9.50", "EUR", 950, "EUR"),
    ("45", "USD", 4500, "USD"), ("$4,000", "USD", 400000, "USD"),
])
def test_money_formats(text, account, minor, currency):
    [a] = find_amounts(text, account)
    assert a.minor() == minor and a.currency == currency


def test_number_words_percent_and_multiples():
    [a] = find_amounts(words_to_digits("two and a half grand"), "USD")
    assert a.minor() == 250000
    assert find_amounts("-25%", "USD")[0].value == -25 and find_amounts("-25%", "USD")[0].percent
    assert find_amounts("ROAS under 2x", "USD")[0].times
    assert find_amounts("CTR under 0.5%", "USD")[0].value == 0.5


@pytest.mark.parametrize("text,factor", [("double it", 2), ("halve it", 0.5),
                                         ("cut X by a third", 0.6667), ("triple the budget", 3)])
def test_factors(text, factor):
    assert find_factor(text) == factor


@pytest.mark.parametrize("text,expected,compare", [
    ("last week", {"preset": "last_week_mon_sun"}, False),
    ("past week", {"preset": "last_7d"}, False),
    ("last 7 days vs the previous 7", {"preset": "last_7d"}, True),
    ("since monday", {"preset": "this_week_mon_today"}, False),
    ("in march so far", {"preset": "this_month"}, False),
    ("february", {"preset": "last_month"}, False),
    ("since it launched", {"preset": "maximum"}, False),
    ("over the weekend", {"since": "2026-03-14", "until": "2026-03-15"}, False),
    ("3/1-3/14", {"since": "2026-03-01", "until": "2026-03-14"}, False),
    ("01.03.–14.03.", {"since": "2026-03-01", "until": "2026-03-14"}, False),
    ("first two weeks of march", {"since": "2026-03-01", "until": "2026-03-14"}, False),
    ("last 10 days", {"since": "2026-03-08", "until": "2026-03-17"}, False),
    ("lately", None, False),
])
def test_dates(text, expected, compare):
    assert read_dates(text, TODAY) == (expected, compare)
