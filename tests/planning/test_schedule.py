"""Dates and schedules in briefs: local formats, past and impossible dates, conflicts, overrides."""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from agents.orchestrator.planning.schedule.dates import date_order
from agents.orchestrator.planning.schedule.time import find_schedule

TODAY = date(2026, 3, 2)  # a Monday


def run(brief: str, currency: str = "USD"):
    return plan_brief(brief, PlanDefaults(currency=currency, page_id="1", pixel_id="2",
                                          today=TODAY, advertiser="Example GmbH"))


@pytest.mark.parametrize("text,order,start,end", [
    ("from 20/04/2026 to 04/05/2026", "dmy", "2026-04-20", "2026-05-05"),
    ("from 20.04.2026 to 04.05.2026", "dmy", "2026-04-20", "2026-05-05"),
    ("from 20-04-2026 to 04-05-2026", "dmy", "2026-04-20", "2026-05-05"),
    ("from 20/04/26 to 04/05/26", "dmy", "2026-04-20", "2026-05-05"),
    ("starting 06/04 for a week", "dmy", "2026-04-06", "2026-04-13"),
    ("starting 06/04 for a week", "mdy", "2026-06-04", "2026-06-11"),
    ("starting 4/6 for a week", "ask", None, None),  # Canada: 4 June or April 6? asked
    ("starting 13/04 for a week", "ask", "2026-04-13", "2026-04-20"),  # only one reading
    ("May 4th through May 10th", "dmy", "2026-05-04", "2026-05-11"),
    ("the 4th of May to the 10th of May", "dmy", "2026-05-04", "2026-05-11"),
    ("May 28 – June 3", "dmy", "2026-05-28", "2026-06-04"),
    ("2026-05-04 to 2026-05-10", "dmy", "2026-05-04", "2026-05-11"),
    ("2026/05/04 to 2026/05/10", "dmy", "2026-05-04", "2026-05-11"),
    ("Monday, May 4 to May 10", "mdy", "2026-05-04", "2026-05-11"),
    ("starting Thursday for 5 days", "mdy", "2026-03-05", "2026-03-10"),
    ("for the month of June", "mdy", "2026-06-01", "2026-07-01"),
    ("throughout July", "mdy", "2026-07-01", "2026-08-01"),
    ("$900 lifetime, 12 days, US", "mdy", "2026-03-03", "2026-03-15"),
    ("run it over the weekend", "mdy", "2026-03-07", "2026-03-09"),
    ("next weekend", "mdy", "2026-03-14", "2026-03-16"),
    ("until the end of April", "mdy", "2026-03-03", "2026-05-01"),
    ("from 20.04. to 04.05.", "dmy", "2026-04-20", "2026-05-05"),
    ("launch on the 20th for a week", "mdy", "2026-03-20", "2026-03-27"),
    ("from April 6th through the 19th", "mdy", "2026-04-06", "2026-04-20"),
    ("starting in 2 weeks for 10 days", "mdy", "2026-03-16", "2026-03-26"),
    ("from June to August", "mdy", "2026-06-01", "2026-09-01"),
    ("kick off April 6 and run through April", "mdy", "2026-04-06", "2026-05-01"),
    ("traffic to March Madness deals", "mdy", None, None),
    ("we may run it for a while", "mdy", None, None),
])
def test_dates_in_local_formats(text, order, start, end):
    s = find_schedule(text, TODAY, order=order)
    assert (str(s.start) if s.start else None, str(s.end) if s.end else None) == (start, end)


def test_numeric_dates_follow_the_accounts_country():
    assert date_order("USD") == "mdy" and date_order("JPY") == "mdy"
    assert date_order("GBP") == "dmy" and date_order("EUR") == "dmy" and date_order("INR") == "dmy"
    assert date_order("CAD") == "ask"
    r = run("leads in Canada, $40/day, starting 4/6, https://x.example.ca, a.jpg", "CAD")
    [q] = r.questions
    assert q["kind"] == "ambiguous" and q["phrase"] == "4/6" and "4 June" in q["question"]


@pytest.mark.parametrize("brief,field,phrase", [
    ("start Feb 12 for 10 days", "start_date", "Feb 12"),
    ("start date 2026-02-27", "start_date", "2026-02-27"),
    ("run until the end of January", "end_date", "end of January"),
    ("run until Feb 28", "end_date", "Feb 28"),
    ("start yesterday", "start_date", "yesterday"),
    ("starting last Monday", "start_date", "last Monday"),
])
def test_dates_in_the_past_are_asked_not_moved_a_year(brief, field, phrase):
    r = run(f"sales in the US, $40/day, {brief}, https://x.example.com, a.jpg")
    [q] = [q for q in r.questions if q["field"] == field]
    assert q["kind"] == "invalid" and phrase in q["question"] and "in the past" in q["question"]


@pytest.mark.parametrize("brief,phrase", [
    ("start Feb 30", "Feb 30"), ("start 30/02/2026", "30/02/2026"),
    ("from April 31 to May 9", "April 31"), ("start 2026-13-01", "2026-13-01"),
])
def test_impossible_dates_are_reported_not_dropped(brief, phrase):
    r = run(f"sales in the UK, £40/day, {brief}, https://x.example.co.uk, a.jpg", "GBP")
    [q] = [q for q in r.questions if q["field"] == "start_date"]
    assert q["kind"] == "invalid" and q["phrase"] == phrase and "not a date" in q["question"]


def test_an_end_before_the_start_is_invalid():
    r = run("awareness in Ohio, $900 total, from May 18 to May 2, https://x.example.com, a.jpg")
    [q] = [q for q in r.questions if q["field"] == "end_date"]
    assert q["kind"] == "invalid" and "‘May 2’" in q["question"] and "‘May 18’" in q["question"]


def test_a_range_over_new_year_is_no_end_before_start():
    s = find_schedule("Dec 20 to Jan 4", TODAY)
    assert (str(s.start), str(s.end)) == ("2026-12-20", "2027-01-05") and s.flags == []


def test_a_weekday_that_does_not_match_the_date_is_asked():
    r = run("sales in the US, $40/day, starting Friday March 12, https://x.example.com, a.jpg")
    [q] = r.questions
    assert q["kind"] == "invalid" and "Thursday" in q["question"]


@pytest.mark.parametrize("brief", [
    "for 3 weeks, until March 31",
    "7 days, April 1 to April 30",
    "for 10 days, ending April 30",
])
def test_a_duration_that_disagrees_with_the_dates_is_a_conflict(brief):
    r = run(f"sales in the US, $40/day, {brief}, https://x.example.com, a.jpg")
    [q] = r.questions
    assert q["kind"] == "conflict" and q["field"] == "end_date"


def test_a_duration_that_agrees_with_the_dates_is_fine():
    r = run("sales in the US, $40/day, for 2 weeks, April 1 to April 14, https://x.example.com, "
            "a.jpg")
    assert r.questions == [] and r.plan["end_time"][:10] == "2026-04-15"


def test_two_start_dates_are_a_conflict_unless_corrected():
    r = run("sales in the US, $40/day, starting March 9, https://x.example.com, a.jpg. "
            "We start on March 16 for 2 weeks")
    [q] = r.questions
    assert q["kind"] == "conflict" and "March 9" in q["question"] and "March 16" in q["question"]
    r = run("sales in the US, $40/day, starting March 9 — actually start March 16, "
            "https://x.example.com, a.jpg")
    assert r.questions == [] and r.plan["start_time"][:10] == "2026-03-16"
    assert any("later ‘March 16’ overrides earlier ‘March 9’" in a["why"] for a in r.adjustments)


def test_an_answered_start_date_replaces_a_past_one():
    from agents.orchestrator.answers import merge_answer

    brief = "sales in the US, $40/day, start Feb 16, https://x.example.com, a.jpg"
    assert run(brief).questions[0]["kind"] == "invalid"
    fixed = run(merge_answer(brief, {"answers": {"start_date": "March 16"}}))
    assert fixed.questions == [] and fixed.plan["start_time"][:10] == "2026-03-16"


def test_go_live_now_and_a_later_date_take_the_date():
    r = run("go live asap, start April 6, sales in the US, $40/day, https://x.example.com, a.jpg")
    assert r.questions == [] and r.plan["start_time"][:10] == "2026-04-06"


def test_a_duration_after_a_budget_is_no_age():
    r = run("sales in Switzerland, CHF 900 total over 12 days, https://x.example.ch, a.jpg", "CHF")
    t = r.plan["ad_sets"][0]["targeting"]
    assert r.questions == [] and (t["age_min"], t["age_max"]) == (18, 65)
    assert r.plan["budget"]["amount_minor"] == 90000


def test_an_answered_end_date_settles_a_duration_conflict():
    from agents.orchestrator.answers import merge_answer

    brief = "sales in the US, $40/day, for 3 weeks, until March 31, https://x.example.com, a.jpg"
    [q] = run(brief).questions
    assert q["kind"] == "conflict"
    fixed = run(merge_answer(brief, {"answers": {"end_date": "April 10"}}))
    assert fixed.questions == [] and fixed.plan["end_time"][:10] == "2026-04-11"
    assert any("override" in a["why"] and "for 3 weeks" in a["why"] for a in fixed.adjustments)


def test_week_commencing_is_a_start():
    s = find_schedule("w/c 9 March, for 2 weeks", TODAY, order="dmy")
    assert (str(s.start), str(s.end)) == ("2026-03-09", "2026-03-23")


@pytest.mark.parametrize("text,start,end", [
    ("starting Dec 20, until Jan 4", "2026-12-20", "2027-01-05"),
    ("starting March 25 until the 5th", "2026-03-25", "2026-04-06"),
])
def test_an_end_without_a_year_follows_the_start(text, start, end):
    s = find_schedule(text, TODAY)
    assert (str(s.start), str(s.end)) == (start, end) and s.flags == []


# A start phrase with an object ("start it tomorrow", "start the ads on the 20th") was not
# read and not asked: the plan started on approval. Today is Monday March 2, 2026.
@pytest.mark.parametrize(("text", "start"), [
    ("start it tomorrow", "2026-03-03"),
    ("start the ads on the 20th", "2026-03-20"),
    ("start the campaign the 3rd", "2026-03-03"),
    ("launch them on Monday", "2026-03-09"),
    ("launch the campaign on Friday", "2026-03-06"),
    ("begin the ads March 20", "2026-03-20"),
    ("kick it off on the 25th", "2026-03-25"),
    ("go live on the 1st", "2026-04-01"),  # the 1st has passed this month: April's
    ("start running the ads on the 20th", "2026-03-20"),
    ("start it on the 20th of next month", "2026-04-20"),
    ("start on the 20th please", "2026-03-20"),
    ("launch date is the 12th", "2026-03-12"),
    ("go-live date: the 12th", "2026-03-12"),
])
def test_a_start_with_an_object_or_a_day_of_the_month_is_read(text, start):
    s = find_schedule(f"sales, $20 a day, {text}, https://a.example.com", TODAY, order="mdy")
    assert s.start == date.fromisoformat(start) and s.flags == []


@pytest.mark.parametrize(("text", "phrase"), [
    ("start it after easter", "start it after easter"),
    ("start it the week after next", "start it the week after next"),
    ("launch the ads for the new collection on the 20th",
     "launch the ads for the new collection on the 20th"),
    ("go live sometime mid-April", "go live sometime mid-April"),
    ("start it at 9am", "start it at 9am"),
    ("launch date is after easter", "launch date is after easter"),
])
def test_a_start_phrase_with_a_date_it_cannot_read_is_asked(text, phrase):
    s = find_schedule(f"sales, $20 a day, {text}, https://a.example.com", TODAY, order="mdy")
    assert s.start is None
    assert [(q.field, q.phrase) for q in s.flags] == [("start_date", phrase)]


@pytest.mark.parametrize("text", ["launch of our March collection", "start your free trial",
                                  "starting at $20 a pair", "kick off the summer sale"])
def test_a_start_word_without_a_date_asks_nothing(text):
    s = find_schedule(f"sales, $20 a day, {text}, https://a.example.com", TODAY, order="mdy")
    assert s.start is None and s.flags == []


def test_a_day_of_the_month_the_month_lacks_is_asked():
    s = find_schedule("start on the 31st", date(2026, 4, 10), order="mdy")  # April has 30
    assert s.start is None and [q.field for q in s.flags] == ["start_date"]


@pytest.mark.parametrize(("said", "start"), [("start it tomorrow", "2026-03-03"),
                                             ("start the ads on the 20th", "2026-03-20")])
def test_a_start_with_an_object_reaches_the_plan(said, start):
    r = run(f"sales for shoes in US, $20 a day, {said}, https://example.com/t, image a.jpg")
    assert r.questions == [] and r.plan["start_time"][:10] == start


@pytest.mark.parametrize("said", ["start it tmrw", "starting 2morrow", "launch tommorow"])
def test_tomorrow_as_people_type_it_is_read(said):
    s = find_schedule(f"sales, $20 a day, {said}", TODAY, order="mdy")
    assert s.start == date(2026, 3, 3) and s.flags == []
