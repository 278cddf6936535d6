"""Money in briefs: shorthand, local formats, regional number words, periods, and settling budgets."""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.money.amount import parse_number
from agents.orchestrator.planning.money.budget import read_budget
from agents.orchestrator.planning.money.parse import find_budget
from agents.orchestrator.planning.rules import plan_brief

TODAY = date(2026, 3, 2)


def run(brief: str, currency: str = "USD"):
    return plan_brief(brief, PlanDefaults(currency=currency, page_id="1", pixel_id="2",
                                          today=TODAY, advertiser="Example GmbH"))


@pytest.mark.parametrize("text,account,amount,currency,kind", [
    # shorthand and abbreviations
    ("80/d", "USD", 80, "USD", "daily"),
    ("$45/day", "USD", 45, "USD", "daily"),
    ("35 a day", "USD", 35, "USD", "daily"),
    ("USD90pd", "EUR", 90, "USD", "daily"),
    ("$25 p/d", "USD", 25, "USD", "daily"),
    ("120 daily", "GBP", 120, "GBP", "daily"),
    ("3k total", "USD", 3000, "USD", "lifetime"),
    ("$5K lifetime", "USD", 5000, "USD", "lifetime"),
    ("30 bucks a day", "USD", 30, "USD", "daily"),
    ("3 grand total", "USD", 3000, "USD", "lifetime"),
    ("€2,5k in total", "EUR", 2500, "EUR", "lifetime"),
    # regional number words
    ("₹2 lakh in total", "INR", 200000, "INR", "lifetime"),
    ("₹1 crore total", "INR", 1e7, "INR", "lifetime"),
    ("R$ 4 mil in total", "BRL", 4000, "BRL", "lifetime"),
    ("12 mil pesos total", "MXN", 12000, "MXN", "lifetime"),
    ("$3 mil total", "USD", 3e6, "USD", "lifetime"),
    ("€1,5 Mio. total", "EUR", 1.5e6, "EUR", "lifetime"),
    ("¥2M total", "JPY", 2e6, "JPY", "lifetime"),
    ("USD 1.5MM total", "USD", 1.5e6, "USD", "lifetime"),
    # local formats
    ("2.345,67 € total", "EUR", 2345.67, "EUR", "lifetime"),
    ("3 456,78 € in total", "EUR", 3456.78, "EUR", "lifetime"),
    ("3\u202f456,78 € total", "EUR", 3456.78, "EUR", "lifetime"),
    ("CHF 2'400 total", "CHF", 2400, "CHF", "lifetime"),
    ("CHF 2’400 total", "CHF", 2400, "CHF", "lifetime"),
    ("R$ 2.500,00 por dia", "BRL", 2500, "BRL", "daily"),
    ("¥12,000 a day", "JPY", 12000, "JPY", "daily"),
    ("25.000 ₹ per day", "INR", 25000, "INR", "daily"),
    ("₹2,50,000 total", "INR", 250000, "INR", "lifetime"),
    # periods said differently
    ("$4k budget total", "USD", 4000, "USD", "lifetime"),
    ("$1,200 for April", "USD", 1200, "USD", "lifetime"),
    ("daily spend 70", "USD", 70, "USD", "daily"),
    ("C$45 per diem", "CAD", 45, "CAD", "daily"),
    ("budget 12 000 a day", "KRW", 12000, "KRW", "daily"),
    ("70USD/day", "USD", 70, "USD", "daily"),
    ("1500eur total", "EUR", 1500, "EUR", "lifetime"),
    ("$15.000 per day", "CLP", 15000, "CLP", "daily"),  # Chilean pesos are written with "$"
    ("$400 a day", "MXN", 400, "MXN", "daily"),
])
def test_amount_forms(text, account, amount, currency, kind):
    money, _ = find_budget(text, account)
    assert money is not None
    assert money.amount == pytest.approx(amount)
    assert (money.currency, money.kind) == (currency, kind)


@pytest.mark.parametrize("text,value", [
    ("2,345.67", 2345.67), ("2.345,67", 2345.67), ("2 345,67", 2345.67), ("2'345.67", 2345.67),
    ("1,00,000", 100000), ("12,5", 12.5), ("12.5", 12.5), ("7.000", 7000), ("7,000", 7000),
])
def test_numbers_in_local_formats(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "bid cap of $3", "cost cap $30 per lead", "target CPA around $12", "plans from $9/month",
    "ages 30 - 45", "top 5 100 stores", "test with 3 options", "budget $50/day; products $20-$40"])
def test_amounts_that_are_not_budgets(text):
    money, _ = find_budget(text, "USD")
    assert money is None or money.amount == 50


@pytest.mark.parametrize("text,account,daily_minor,period", [
    ("£420 a week", "GBP", 6000, "weekly"),
    ("$2,100 per month", "USD", 7000, "monthly"),
    ("1.8k/mo", "USD", 6000, "monthly"),
    ("₹3 lakh a month", "INR", 1000000, "monthly"),
    ("R$ 1.050 per week", "BRL", 15000, "weekly"),
])
def test_weekly_and_monthly_budgets_become_daily_with_an_adjustment(text, account, daily_minor,
                                                                    period):
    r = run(f"sales in the US, {text}, https://shop.example.com, a.jpg", account)
    assert r.plan["budget"]["kind"] == "daily"
    assert r.plan["budget"]["amount_minor"] == daily_minor
    [adj] = [a for a in r.adjustments if a["path"] == "budget.amount_minor"]
    assert adj["from"] == text and adj["to"] == daily_minor
    assert f"a {period} budget, spread per day" in adj["why"]
    assert "Meta budgets are daily or lifetime" in adj["why"]


@pytest.mark.parametrize("brief,phrase", [
    ("-$40/day, leads in Ohio", "-$40/day"),
    ("budget: minus 40 a day, leads in Ohio", "minus 40 a day"),
    ("$0 a day for now, leads in Ohio", "$0 a day"),
    ("leads in Ohio with a budget of €0", "€0"),
    ("$-40/day, leads in Ohio", "-40/day"),
])
def test_negative_and_zero_budgets_are_asked_never_corrected(brief, phrase):
    r = run(brief + ", https://shop.example.com, a.jpg", "EUR" if "€" in brief else "USD")
    [q] = [q for q in r.questions if q["field"] == "budget"]
    assert q["kind"] == "invalid" and q["phrase"] == phrase and phrase in q["question"]
    assert r.plan.get("budget") is None


def test_a_budget_below_metas_minimum_is_one_problem_naming_the_phrase_even_with_questions():
    r = run("sales in the US, $0.30 a day, a.jpg")  # the landing page is still asked
    assert [q["field"] for q in r.questions] == ["landing_url"]
    [p] = [p for p in r.problems if p["rule"] == "budget_minimum"]
    assert "‘$0.30 a day’" in p["message"]
    r = run("sales in the US, $0.30 a day, https://shop.example.com, a.jpg")
    assert [p["rule"] for p in r.problems] == ["budget_minimum"] and r.questions == []


@pytest.mark.parametrize("brief,account,phrase", [
    ("£35/day, sales in the US", "USD", "£35/day"),
    ("35 euros a day, sales in the US", "USD", "35 euros a day"),
    ("US$35/day, sales in Canada", "CAD", "US$35/day"),
    ("¥4000 a day in Japan", "USD", "¥4000 a day"),
])
def test_a_currency_not_the_accounts_is_a_problem_naming_the_phrase(brief, account, phrase):
    r = run(brief + ", https://shop.example.com, a.jpg", account)
    [p] = [p for p in r.problems if p["rule"] == "currency"]
    assert phrase in p["message"] and "never converts" in p["message"]
    assert r.plan["budget"]["amount_minor"] > 0  # the stated amount, not a conversion


def test_a_foreign_currency_is_shown_while_other_questions_are_open():
    r = run("£35/day, sales in the US, a.jpg")
    assert [q["field"] for q in r.questions] == ["landing_url"]
    assert [p["rule"] for p in r.problems] == ["currency"]


def test_us_dollar_sign_is_no_place():
    r = run("US$35/day, leads in Canada, https://plow.example.ca, a.jpg", "CAD")
    assert r.plan["ad_sets"][0]["targeting"]["geo_locations"]["countries"] == ["CA"]


@pytest.mark.parametrize("brief,phrases", [
    ("$60 a day or $1800 total, you pick", ["$60 a day", "$1800 total"]),
    ("budget $40/day, cap spend at $25/day", ["$40/day", "$25/day"]),
    ("35 a day or maybe 80", ["35 a day", "80"]),
    ("$80/day, $900 total for 30 days", ["$80/day", "$900 total"]),
    ("£20/day for 2 weeks and £500 in total", ["£20/day", "£500 in total"]),
])
def test_two_different_budgets_are_a_conflict_naming_both(brief, phrases):
    r = run(f"leads in Ohio, {brief}, https://shop.example.com, a.jpg",
            "GBP" if "£" in brief else "USD")
    [q] = [q for q in r.questions if q["field"] == "budget"]
    assert q["kind"] == "conflict"
    assert all(f"‘{p}’" in q["question"] for p in phrases)
    assert r.plan.get("budget") is None


def test_a_daily_budget_and_a_total_that_agree_take_the_daily_and_the_dates():
    r = run("leads in Ohio, $40/day, $1,200 total over 30 days, https://x.example.com, a.jpg")
    assert r.questions == []
    assert r.plan["budget"] == {"kind": "daily", "amount_minor": 4000, "level": "campaign"}
    assert r.plan["start_time"][:10] == "2026-03-03" and r.plan["end_time"][:10] == "2026-04-02"


def test_a_daily_budget_and_a_total_without_dates_say_how_long_the_total_lasts():
    r = run("leads in Ohio, $40/day, $1,200 total, https://x.example.com, a.jpg")
    [q] = r.questions
    assert q["kind"] == "conflict" and "lasts 30 days" in q["question"]


@pytest.mark.parametrize("brief,minor,later,earlier", [
    ("$40/day — actually make it $65", 6500, "$65", "$40/day"),
    ("$40/day, no wait, $65", 6500, "$65", "$40/day"),
    ("$40 a day. scratch that, 65 a day", 6500, "65 a day", "$40 a day"),
    ("budget $40/day... change the budget to $65/day", 6500, "$65/day", "$40/day"),
    ("$40/day. update: $65/day", 6500, "$65/day", "$40/day"),
    ("$40/day, budget is now $65/day", 6500, "$65/day", "$40/day"),
    ("£280 a week, actually make it £350", 5000, "£350", "£280 a week"),
    ("$40/day. Actually let's keep it under $30", 3000, "$30", "$40/day"),
    ("budget $40/day, edit: $35", 3500, "$35", "$40/day"),
    ("$40/day - nvm, $65", 6500, "$65", "$40/day"),
    ("$40/day. Budget's now $65/day", 6500, "$65/day", "$40/day"),
    ("$40/day, increase it to $65", 6500, "$65", "$40/day"),
    ("$40/day, I meant $65/day", 6500, "$65/day", "$40/day"),
])
def test_a_later_budget_with_a_correction_cue_wins_and_the_card_says_so(brief, minor, later,
                                                                        earlier):
    r = run(f"leads in Ohio, {brief}, https://x.example.com, a.jpg",
            "GBP" if "£" in brief else "USD")
    assert r.questions == [] and r.plan["budget"]["amount_minor"] == minor
    assert r.plan["budget"]["kind"] == "daily"
    assert any(f"later ‘{later}’" in a["why"] and f"earlier ‘{earlier}’" in a["why"]
               for a in r.adjustments)


def test_a_budget_said_instead_of_another_needs_no_question():
    r = run("leads in Ohio, $65 a day instead of $40, https://x.example.com, a.jpg")
    assert r.questions == [] and r.plan["budget"]["amount_minor"] == 6500


@pytest.mark.parametrize("brief,kind", [
    ("total budget of $45 a day", "conflict"),
    ("€1,2k for the month, or weekly?", "conflict"),
    ("$40-60 a day", "ambiguous"),
    ("between $40 and $60 a day", "ambiguous"),
])
def test_unclear_periods_and_ranges_are_asked(brief, kind):
    r = run(f"leads in Ohio, {brief}, https://x.example.com, a.jpg", "EUR" if "€" in brief else "USD")
    [q] = [q for q in r.questions if q["field"] == "budget"]
    assert q["kind"] == kind and q["phrase"] in q["question"]


def test_an_answer_appended_by_the_orchestrator_settles_a_budget_conflict():
    from agents.orchestrator.answers import merge_answer

    brief = "sales in the US, $60 a day or $1800 total, https://shop.example.com, a.jpg"
    first = run(brief)
    assert [q["kind"] for q in first.questions] == ["conflict"]
    second = run(merge_answer(brief, {"answers": {"budget": "$60 a day"}}))
    assert second.questions == [] and second.problems == []
    assert second.plan["budget"] == {"kind": "daily", "amount_minor": 6000, "level": "campaign"}
    third = run(merge_answer(brief, {"answers": {"budget": "$90 a day"}}))
    assert third.questions == [] and third.plan["budget"]["amount_minor"] == 9000
    assert any("later ‘$90 a day’" in a["why"] for a in third.adjustments)


def test_an_answer_settles_an_invalid_budget():
    from agents.orchestrator.answers import merge_answer

    brief = "sales in the US, -$60/day, https://shop.example.com, a.jpg"
    assert run(brief).questions[0]["kind"] == "invalid"
    fixed = run(merge_answer(brief, {"answers": {"budget": "$60 a day"}}))
    assert fixed.questions == [] and fixed.plan["budget"]["amount_minor"] == 6000


def test_a_yearly_marketing_budget_beside_the_campaigns_is_context():
    r = run("our yearly ad budget is $200k, this campaign gets $1,500 a month, leads in Ohio, "
            "https://x.example.com, a.jpg")
    assert r.questions == [] and r.plan["budget"]["amount_minor"] == 5000


def test_someone_elses_spend_is_not_a_budget():
    r = run("our competitors spend $20k a month. we do $45/day, leads in Ohio, "
            "https://x.example.com, a.jpg")
    assert r.questions == [] and r.plan["budget"]["amount_minor"] == 4500


def test_a_price_in_quoted_copy_is_not_a_budget():
    r = run('sales in the US, $50/day, headline "Only $5 a day", https://x.example.com, a.jpg')
    assert r.questions == [] and r.plan["budget"]["amount_minor"] == 5000


def test_read_budget_reports_every_amount_seen():
    read = read_budget("mugs from $19, budget $35 a day", "USD", None)
    assert read.money is not None and read.money.amount == 35
    assert len(read.seen) == 2 and read.flags == []


def test_an_answer_says_whether_a_bare_budget_is_daily_or_total():
    from agents.orchestrator.answers import merge_answer

    brief = "sales in the US, budget $45, https://shop.example.com, a.jpg"
    [q] = run(brief).questions
    assert q["field"] == "budget"
    daily = run(merge_answer(brief, {"answers": {"budget": "per day"}}))
    assert daily.questions == [] and daily.plan["budget"]["kind"] == "daily"
    total = run(merge_answer(brief, {"answers": {"budget": "in total"}}))
    assert [q["field"] for q in total.questions] == ["end_date"]  # a total needs an end date


@pytest.mark.parametrize("brief", [
    "$40/day (so ~$1.2k for the month)",
    "daily: $40. total: $1,200. 30 days.",
    "$40 a day, $280 a week",
])
def test_equivalent_amounts_are_one_budget(brief):
    r = run(f"sales in the US, {brief} https://shop.example.com, a.jpg")
    assert r.questions == [] and r.plan["budget"]["kind"] == "daily"
    assert r.plan["budget"]["amount_minor"] == 4000


@pytest.mark.parametrize("context", [
    "our revenue is $40k/month", "we do $30k a month in sales", "we spend $2k/month on Google",
    "we spent $900 last month", "last month we spent $900", "our competitors spend $20k a month",
])
def test_other_money_is_not_the_campaigns_budget(context):
    r = run(f"{context}. this campaign: $45/day, leads in Ohio, https://x.example.com, a.jpg")
    assert r.questions == [] and r.plan["budget"]["amount_minor"] == 4500


def test_a_brief_written_as_lines_reads_each_line_apart():
    brief = ("Goal: sales\nDaily budget: $40\nTotal budget: $1,200\nDates: April 1 - April 30\n"
             "Where: US\nhttps://shop.example.com, a.jpg")
    r = run(brief)
    assert r.questions == [] and r.plan["budget"]["kind"] == "daily"
    assert r.plan["budget"]["amount_minor"] == 4000 and r.adjustments == []


@pytest.mark.parametrize(("said", "kind", "minor"), [
    ("$50/día", "daily", 5000), ("$80/dia", "daily", 8000), ("$40/jour", "daily", 4000),
    ("$40/Tag", "daily", 4000), ("$50/dya", "daily", 5000), ("$50 a dya", "daily", 5000),
    ("$300/mes", "daily", 1000),
])
def test_periods_in_other_languages_and_typos_of_day(said, kind, minor):
    r = run(f"sales in the US, {said}, https://shop.example.com, a.jpg")
    assert r.plan["budget"]["kind"] == kind and r.plan["budget"]["amount_minor"] == minor
    assert not [q for q in r.questions if q["field"] == "budget"]
