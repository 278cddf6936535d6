"""Table-driven tests of the rules planner's parsers."""

from datetime import date

import pytest

from agents.orchestrator.planning.geo.parse import find_geo
from agents.orchestrator.planning.money.parse import find_budget, parse_number
from agents.orchestrator.planning.parse_intent import (
    find_assets,
    find_cta,
    find_objective,
    find_special,
)
from agents.orchestrator.planning.people.audience import (
    find_ages,
    find_genders,
    find_locales,
    find_placements,
)
from agents.orchestrator.planning.people.interests import find_interests
from agents.orchestrator.planning.schedule.time import find_schedule

TODAY = date(2026, 3, 2)  # a Monday


@pytest.mark.parametrize("text,account,amount,currency,kind", [
    ("$60/day", "USD", 60, "USD", "daily"),
    ("60 USD a day", "EUR", 60, "USD", "daily"),
    ("€1,500 total over two weeks", "EUR", 1500, "EUR", "lifetime"),
    ("¥8000 per day", "JPY", 8000, "JPY", "daily"),
    ("budget 1.2k a day", "USD", 1200, "USD", "daily"),
    ("£45 daily", "GBP", 45, "GBP", "daily"),
    ("daily budget of 25 EUR", "EUR", 25, "EUR", "daily"),
    ("2.000 € in total", "EUR", 2000, "EUR", "lifetime"),
    ("around 40 quid a day", "GBP", 40, "GBP", "daily"),
    ("CA$80/day", "USD", 80, "CAD", "daily"),
    ("$80/day", "CAD", 80, "CAD", "daily"),  # a Canadian's dollars are Canadian
    ("R$ 150 por dia", "BRL", 150, "BRL", "daily"),
    ("₹2,000 per day", "INR", 2000, "INR", "daily"),
    ("50,000 KRW per day", "KRW", 50000, "KRW", "daily"),
    ("35$/day", "USD", 35, "USD", "daily"),
    ("spend 500 dollars for the whole campaign", "USD", 500, "USD", "lifetime"),
    ("$300 a week", "USD", 300 / 7, "USD", "daily"),
    ("$900/month", "USD", 30, "USD", "daily"),
    ("Budget: 50 a day", "GBP", 50, "GBP", "daily"),
    ("$4k total", "USD", 4000, "USD", "lifetime"),
    ("run it 10 days with $500", "USD", 500, "USD", None),
])
def test_money_forms(text, account, amount, currency, kind):
    money, _ = find_budget(text, account)
    assert money is not None
    assert money.amount == pytest.approx(amount)
    assert (money.currency, money.kind) == (currency, kind)


@pytest.mark.parametrize("text", [
    "we sell shoes from $19", "20% off everything", "free shipping on orders over $50",
    "30 day free trial", "ages 25-45", "within 15 miles of Austin"])
def test_prices_and_other_numbers_are_not_budgets(text):
    money, _ = find_budget(text, "USD")
    assert money is None


def test_the_budget_wins_over_a_price():
    money, seen = find_budget("mugs start from $19 - budget is $35 a day", "USD")
    assert money is not None and money.amount == 35 and len(seen) == 2


@pytest.mark.parametrize("text,value", [("1,500", 1500), ("1.500", 1500), ("1.500,50", 1500.5),
                                        ("60,50", 60.5), ("1.2", 1.2)])
def test_number_formats(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,start,end,days", [
    ("for two weeks", "2026-03-03", "2026-03-17", 14),
    ("from March 16 to March 29", "2026-03-16", "2026-03-30", 14),
    ("March 3-17", "2026-03-03", "2026-03-18", 15),
    ("3–17 April", "2026-04-03", "2026-04-18", 15),
    ("starting next Monday for 10 days", "2026-03-09", "2026-03-19", 10),
    ("until the end of the month", "2026-03-03", "2026-04-01", 29),
    ("2026-04-01 to 2026-04-30", "2026-04-01", "2026-05-01", 30),
    ("from 4/1 to 4/15", "2026-04-01", "2026-04-16", 15),
    ("a 14-day campaign", "2026-03-03", "2026-03-17", 14),
    ("this weekend", "2026-03-07", "2026-03-09", 2),
    ("between March 1 and March 10 2027", "2027-03-01", "2027-03-11", 10),
    ("Nov 27 - Nov 30", "2026-11-27", "2026-12-01", 4),
    ("Dec 28 to Jan 3", "2026-12-28", "2027-01-04", 7),
])
def test_dates_and_durations(text, start, end, days):
    s = find_schedule(text, TODAY)
    assert (str(s.start), str(s.end), s.days) == (start, end, days)


@pytest.mark.parametrize("text", ["40 bucks a day", "30 day free trial", "ages 25-45", "ongoing"])
def test_no_schedule_where_none_is_stated(text):
    s = find_schedule(text, TODAY)
    assert s.start is None and s.end is None


def test_day_month_order_follows_the_account():
    assert str(find_schedule("from 4/5 to 10/5", TODAY, us_dates=False).start) == "2026-05-04"
    assert str(find_schedule("from 4/5 to 4/10", TODAY, us_dates=True).start) == "2026-04-05"


@pytest.mark.parametrize("text,countries,cities,regions", [
    ("Target the US and Canada", ["US", "CA"], [], []),
    ("people in Germany, Austria and Switzerland", ["DE", "AT", "CH"], [], []),
    ("Germans and Austrians", ["DE", "AT"], [], []),
    ("Japanese shoppers", ["JP"], [], []),
    ("US, CA, and MX", ["US", "CA", "MX"], [], []),
    ("targeting FR and BE", ["FR", "BE"], [], []),
    ("DACH region", ["DE", "AT", "CH"], [], []),
    ("UK + IE", ["GB", "IE"], [], []),
    ("within 15 miles of Austin", [], ["Austin"], []),
    ("Austin, TX", [], ["Austin"], []),
    ("New York and LA", [], ["New York", "Los Angeles"], []),
    ("Seattle, Washington, USA", [], ["Seattle"], []),
    ("in California and Texas", [], [], ["California", "Texas"]),
    ("golfers in Scotland and England", [], [], ["Scotland", "England"]),
    ("Singapore and Malaysia", ["SG", "MY"], [], []),
    ("Turkey recipes for Thanksgiving", [], [], []),
    ("Nice looking shoes", [], [], []),
    ("Spanish-speaking audience in the US", ["US"], [], []),
    ("American football fans in the US", ["US"], [], []),
])
def test_geo(text, countries, cities, regions):
    g = find_geo(text)
    assert g.countries == countries
    assert [c["name"] for c in g.cities] == cities
    assert [r["name"] for r in g.regions] == regions


def test_city_radius_units_and_range():
    g = find_geo("25km around Berlin")
    assert g.cities[0]["radius"] == 25 and g.cities[0]["distance_unit"] == "kilometer"
    g = find_geo("within 5 miles of Denver")  # under Meta's 10 miles: asked, not corrected
    assert g.cities[0]["radius"] == 5 and [q.kind for q in g.flags] == ["invalid"]
    assert find_geo("Paris")
    assert find_geo("in Paris").cities[0]["distance_unit"] == "kilometer"


def test_exclusions_and_groups():
    g = find_geo("across the EU except France")  # out of the list: Meta can't exclude it too
    assert "FR" not in g.countries and len(g.countries) == 26 and g.excluded_countries == []
    assert find_geo("worldwide").country_groups == ["worldwide"]


@pytest.mark.parametrize("text,age_min,age_max", [
    ("aged 25-45", 25, 45), ("25–45", 25, 45), ("25 to 45 year olds", 25, 45),
    ("between 30 and 50", 30, 50), ("18+", 18, 65), ("21 and up", 21, 65),
    ("over 30", 30, 65), ("older than 30", 31, 65), ("under 35", None, 34),
    ("in their 30s", 30, 39), ("30s and 40s", 30, 49), ("65+", 65, 65),
    ("millennials", 30, 45), ("gen z", 18, 29), ("Gen X", 46, 61), ("students", 18, 24),
])
def test_ages(text, age_min, age_max):
    a = find_ages(text, TODAY)
    assert (a.age_min, a.age_max) == (age_min, age_max)


def test_age_variants_for_a_test():
    a = find_ages("test 25–34 vs 35–44", TODAY)
    assert a.age_variants == [(25, 34), (35, 44)]


@pytest.mark.parametrize("text,genders", [
    ("women 25-45", [2]), ("moms", [2]), ("men only", [1]), ("dads and grads", [1]),
    ("men and women", None), ("women's running shoes for everyone", None), ("our menu", None),
])
def test_genders(text, genders):
    assert find_genders(text) == genders


def test_languages():
    assert find_locales("Spanish-speaking audience")[0] == [1002]
    assert find_locales("German speakers in Switzerland")[0] == [5]
    assert find_locales("sell in Germany")[0] == []


@pytest.mark.parametrize("text,expected", [
    ("only Instagram", {"publisher_platforms": ["instagram"]}),
    ("Instagram feed only", {"publisher_platforms": ["instagram"],
                             "instagram_positions": ["stream"]}),
    ("stories and reels", {"publisher_platforms": ["facebook", "instagram"],
                           "facebook_positions": ["story", "facebook_reels"],
                           "instagram_positions": ["story", "reels"]}),
    ("no audience network please", {"publisher_platforms": ["facebook", "instagram", "messenger"]}),
    ("mobile only", {"device_platforms": ["mobile"]}),
    ("a nice campaign", {}),
])
def test_placements(text, expected):
    assert find_placements(text)[0] == expected


@pytest.mark.parametrize("text,names", [
    ("runners and yogis", ["Running", "Yoga"]),
    ("people interested in hiking, camping and fishing", ["Hiking", "Camping", "Fishing"]),
    ("women who like yoga and pilates, US, sales", ["Yoga", "Pilates"]),
    ("coffe lovers", ["Coffee"]),
    ("dog owners", ["Dogs"]),
    ("running shoes on sale", []),
    ("women 25-45 who run", ["Running"]),
    ("students who cycle to campus", ["Cycling"]),
    ("people who practice yoga at home", ["Yoga"]),
    ("people who running late", []),
])
def test_interests(text, names):
    assert [i["name"] for i in find_interests(text).found] == names


def test_unknown_interest_is_reported_not_dropped():
    res = find_interests("people interested in underwater basket weaving")
    assert res.found == [] and res.unknown == ["underwater basket weaving"]


@pytest.mark.parametrize("text,objective", [
    ("sell more shoes", "OUTCOME_SALES"), ("get leads", "OUTCOME_LEADS"),
    ("drive traffic to our blog", "OUTCOME_TRAFFIC"), ("brand awareness", "OUTCOME_AWARENESS"),
    ("more likes and comments", "OUTCOME_ENGAGEMENT"),
    ("app installs", "OUTCOME_APP_PROMOTION"), ("objective: reach", "OUTCOME_AWARENESS"),
    ("hello", None),
])
def test_objectives(text, objective):
    assert find_objective(text)[0] == objective


@pytest.mark.parametrize("text,cats", [
    ("apartments for rent", ["HOUSING"]), ("we're hiring drivers", ["EMPLOYMENT"]),
    ("our new credit card", ["CREDIT"]), ("vote yes on measure 4", ["ISSUES_ELECTIONS_POLITICS"]),
    ("running shoes", []),
])
def test_special_categories(text, cats):
    assert find_special(text) == cats


@pytest.mark.parametrize("text,cta", [
    ("CTA: Shop Now", "SHOP_NOW"), ("button: Sign Up", "SIGN_UP"), ("with a book now button",
                                                                    "BOOK_NOW"),
    ("'Learn more' button", "LEARN_MORE"), ("cta GET_QUOTE", "GET_QUOTE"),
    ("CTA: Buy me", "BUY_ME"), ("no button mentioned", None),
])
def test_cta(text, cta):
    assert find_cta(text)[0] == cta


def test_assets_and_landing_page(tmp_path):
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(b"x")
    a = find_assets("see shop.example.com/sale, hero.jpg, 'my photo.png', clip.mp4, "
                    "https://cdn.example.com/x.jpg and imgs/*.jpg", str(tmp_path))
    assert a.landing_url == "https://shop.example.com/sale"
    assert a.images == ["hero.jpg", "my photo.png"] and a.videos == ["clip.mp4"]
    assert a.image_urls == ["https://cdn.example.com/x.jpg"]
    assert a.unresolved_globs == ["imgs/*.jpg"]
    assert find_assets("photos: *.jpg", str(tmp_path)).images == ["a.jpg", "b.jpg"]


@pytest.mark.parametrize("email", [
    "info@acme-roofing.com", "sales@mail.acme-roofing.co.uk", "jo.smith+ads@acme-roofing.com.au",
    "hello@www-acme.com", "first_last@acme.roofing-pros.io", "Team@ACME-Roofing.COM",
    "ops@acme--roofing.shop",
])
def test_no_part_of_an_email_address_is_a_web_page(email):
    # "info@acme-roofing.com" was read as the landing page https://roofing.com
    a = find_assets(f"send the leads to {email}, and a page https://acme.example.com/quote")
    assert a.landing_url == "https://acme.example.com/quote" and a.other_urls == []
    a = find_assets(f"send the leads to {email} please")
    assert a.landing_url is None and a.other_urls == [] and a.spans == []
