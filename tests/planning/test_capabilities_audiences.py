"""Issue 15, audiences: custom audiences, lookalikes, exclusions, detailed targeting, Advantage+.

Briefs of our own (not the eval rows), in the languages the lexicon reads. Each asserts the
plan fields the brief asks for, or the question naming the field when it leaves one out.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
EUR = PlanDefaults(currency="EUR", page_id="100", pixel_id="200", today=date(2026, 3, 2),
                   advertiser="Kaffee GmbH")
NO_PIXEL = PlanDefaults(currency="USD", page_id="100", today=date(2026, 3, 2))
TAIL = " Sales, US, $45 a day, https://mugs.example.com/shop, mug.jpg."


def plan(text: str, d: PlanDefaults = D, tail: str = TAIL):
    return plan_brief(text + tail, d)


def launchable(r) -> bool:
    return r.plan is not None and not r.problems and not r.questions


def by_key(r) -> dict[str, dict]:
    return {a["key"]: a for a in r.plan.get("audiences", [])}


def refs(r, side: str = "custom_audiences") -> list[dict]:
    """The audiences an ad set includes (or excludes), resolved through the plan's `audiences`."""
    auds = by_key(r)
    return [auds.get(ref.get("key"), ref) for ref in
            r.plan["ad_sets"][0]["targeting"].get(side) or []]


def fields_asked(r) -> set[str]:
    return {q["field"] for q in r.questions}


# -- website audiences ---------------------------------------------------------------------------

def test_visitors_of_a_page_in_the_past_two_weeks_is_a_url_rule_with_14_days():
    r = plan("Show it to people who viewed our /pricing page in the past 2 weeks.")
    assert launchable(r), r.questions
    (aud,) = refs(r)
    assert aud["kind"] == "website" and aud["url_contains"] == "/pricing"
    assert aud["retention_days"] == 14 and aud["pixel_id"] == "200"


def test_added_to_cart_but_did_not_buy_includes_cart_adders_and_excludes_purchasers():
    r = plan("Retarget shoppers who added to cart but didn't purchase in the last 7 days.")
    assert launchable(r), r.questions
    (inc,), (exc,) = refs(r), refs(r, "excluded_custom_audiences")
    assert (inc["event"], inc["retention_days"]) == ("AddToCart", 7)
    assert (exc["event"], exc["retention_days"]) == ("Purchase", 7)


def test_a_look_back_beyond_metas_limit_is_kept_as_given_for_the_checks_to_refuse():
    r = plan("Retarget everyone who visited our website in the last 2 years.")
    (aud,) = refs(r)
    assert aud["retention_days"] == 730  # never clamped silently to 180


def test_retargeting_with_no_window_takes_30_days_and_says_so():
    r = plan("Retarget our site visitors.")
    (aud,) = refs(r)
    assert aud["retention_days"] == 30
    assert any(a["path"] == "audiences" and a["to"] == "30 days" for a in r.adjustments)


def test_a_website_audience_without_a_pixel_asks_for_the_pixel_naming_the_words():
    r = plan("Retarget website visitors from the last 30 days.", NO_PIXEL)
    q = [q for q in r.questions if q["field"] == "pixel_id"]
    assert q and any("website visitors" in (x.get("phrase") or "") for x in q)
    assert not r.plan.get("audiences")


def test_german_site_visitors_of_the_last_30_days():
    r = plan_brief("Wir möchten die Websitebesucher der letzten 30 Tage mit unserer neuen Tasse "
                   "erneut ansprechen. Verkäufe in Deutschland, 40 € pro Tag, "
                   "https://kaffee.example.de, tasse.jpg", EUR)
    (aud,) = refs(r)
    assert aud["kind"] == "website" and aud["retention_days"] == 30


# -- customer lists, engagement, existing audiences --------------------------------------------

def test_a_named_file_is_a_customer_list_to_include():
    r = plan("Target our newsletter subscribers, list in exports/subs_march.csv.")
    assert launchable(r), r.questions
    (aud,) = refs(r)
    assert aud["kind"] == "customer_list" and aud["file"] == "exports/subs_march.csv"


def test_excluding_existing_customers_from_a_file_is_an_excluded_customer_list():
    r = plan("Find new buyers, but exclude existing customers (crm_dump.xlsx).")
    assert launchable(r), r.questions
    assert refs(r) == []
    (aud,) = refs(r, "excluded_custom_audiences")
    assert aud["kind"] == "customer_list" and aud["file"] == "crm_dump.xlsx"


@pytest.mark.parametrize("who", ["Target our loyal customers only.",
                                 "Show this to our email list."])
def test_our_customers_with_no_file_asks_for_the_customer_list(who):
    r = plan(who)
    assert "customer_list" in fields_asked(r)
    assert not launchable(r)


def test_the_same_list_included_and_excluded_is_asked_naming_the_file():
    r = plan("Target buyers.csv and also exclude buyers.csv.")
    q = [q for q in r.questions if q["field"] == "excluded_custom_audiences"]
    assert q and "buyers.csv" in q[0]["question"]


@pytest.mark.parametrize(("text", "source", "days"), [
    ("Retarget people who engaged with our Instagram account in the last 60 days.", "instagram", 60),
    ("Reach people who engaged with our Facebook page in the past 6 months.", "facebook_page", 180),
    ("Target people who watched our brand video (video id 998877665544) in the last 14 days.",
     "video", 14),
])
def test_engagement_audiences_by_source_and_window(text, source, days):
    r = plan(text)
    assert launchable(r), r.questions
    (aud,) = refs(r)
    assert (aud["kind"], aud["source"], aud["retention_days"]) == ("engagement", source, days)
    if source == "video":
        assert aud["source_ids"] == ["998877665544"]


def test_engagers_with_no_source_asks_which_audience():
    r = plan("Retarget our warm audience with the spring bundle.")
    assert "audiences" in fields_asked(r)


def test_an_existing_audience_by_name_or_id_is_referenced_not_created():
    r = plan("Show it to our 'Repeat buyers 2025' audience, and exclude custom audience 23851234567890.")
    assert launchable(r), r.questions
    t = r.plan["ad_sets"][0]["targeting"]
    assert t["custom_audiences"] == [{"name": "Repeat buyers 2025"}]
    assert t["excluded_custom_audiences"] == [{"id": "23851234567890"}]
    assert not r.plan.get("audiences")


# -- lookalikes ---------------------------------------------------------------------------------

def test_a_lookalike_of_a_file_seeds_from_the_list_in_the_briefs_country():
    r = plan_brief("Prospecting: 2% lookalike of our VIP list (vip_2025.csv) in Canada. Sales, "
                   "CA$80/day, https://mugs.example.ca, mug.jpg",
                   PlanDefaults(currency="CAD", page_id="1", pixel_id="2", today=date(2026, 3, 2)))
    assert launchable(r), r.questions
    (lal,) = refs(r)  # the seed list is created, not targeted
    assert (lal["kind"], lal["ratio"], lal["country"]) == ("lookalike", 0.02, ["CA"])
    seed = by_key(r)[lal["seed"]["key"]]
    assert seed["kind"] == "customer_list" and seed["file"] == "vip_2025.csv"


def test_a_lookalike_of_website_purchasers_seeds_from_the_pixels_purchase_event():
    r = plan("5% LAL of website purchasers from the last 90 days.")
    (lal,) = refs(r)
    seed = by_key(r)[lal["seed"]["key"]]
    assert lal["ratio"] == 0.05 and lal["country"] == ["US"]
    assert (seed["kind"], seed["event"], seed["retention_days"]) == ("website", "Purchase", 90)


def test_a_spanish_lookalike_audience_of_a_file():
    r = plan_brief("Ventas en España con un público similar del 3% de clientes.csv, 50 € al día, "
                   "https://tienda.example.es, foto.jpg, pagado por Tienda SL",
                   PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2)))
    (lal,) = refs(r)
    assert (lal["ratio"], lal["country"]) == (0.03, ["ES"])


@pytest.mark.parametrize("text", ["Run it to a lookalike audience.",
                                  "Build a 1% lookalike of our buyers."])
def test_a_lookalike_without_a_nameable_seed_asks_which_audience(text):
    r = plan(text)
    assert "audiences" in fields_asked(r)
    assert not any(a["kind"] == "lookalike" for a in r.plan.get("audiences", []))


# -- detailed targeting and Advantage+ audience ---------------------------------------------------

def spec(r) -> dict:
    return (r.plan["ad_sets"][0]["targeting"].get("flexible_spec") or [{}])[0]


def test_behaviours_life_events_parents_and_income_resolve_from_the_catalogue():
    r = plan("Target recently moved people, expectant parents and the top 10% household income, "
             "plus technology early adopters.")
    assert launchable(r), r.questions
    s = spec(r)
    assert [x["name"] for x in s["life_events"]] == ["Recently moved"]
    assert [x["name"] for x in s["family_statuses"]] == ["Expectant parents"]
    assert [x["name"] for x in s["income"]] == ["Top 10% of ZIP codes (US)"]
    assert [x["name"] for x in s["behaviors"]] == ["Technology early adopters"]
    assert all(isinstance(x["id"], str) for v in s.values() for x in v)


def test_job_titles_after_their_cue_and_an_excluded_title():
    r = plan("Job titles: software engineer, data scientist. Exclude people whose job title is "
             "recruiter.")
    assert launchable(r), r.questions
    assert [x["name"] for x in spec(r)["work_positions"]] == ["Software engineer", "Data scientist"]
    excl = r.plan["ad_sets"][0]["targeting"]["exclusions"]
    assert [x["name"] for x in excl["work_positions"]] == ["Recruiter"]


def test_education_and_relationship_statuses_are_integer_ids():
    r = plan("Reach college grads who are married.")
    s = spec(r)
    assert s["education_statuses"] == [3] and s["relationship_statuses"] == [3]


def test_a_one_word_job_title_without_its_cue_is_no_targeting():
    r = plan("Our founder designed this mug for every teacher's desk.")
    assert "work_positions" not in spec(r)


def test_detailed_targeting_in_a_special_category_is_asked_not_dropped():
    r = plan_brief("Credit card offer (credit). Target the top 10% household income. US, $60/day, "
                   "https://card.example.com, card.jpg", D)
    assert any(q["field"].endswith("flexible_spec") and "top 10%" in q["question"].lower()
               for q in r.questions)


@pytest.mark.parametrize(("text", "value"), [
    ("Advantage+ audience on, 25-44 is only a guide.", 1),
    ("Let Meta find the people.", 1),
    ("Advantage+ audience off: strictly 30-45.", 0),
    ("Women 30-45, no audience expansion.", 0),
    ("Advantage+ Zielgruppe aus, Frauen 30-45.", 0),
])
def test_advantage_audience_on_or_off_when_the_brief_says_so(text, value):
    r = plan(text)
    assert r.plan["ad_sets"][0]["targeting"]["targeting_automation"] == {"advantage_audience": value}


def test_advantage_audience_is_left_unset_when_the_brief_is_silent():
    r = plan("Women 30-45.")
    assert "targeting_automation" not in r.plan["ad_sets"][0]["targeting"]


def test_a_bare_advantage_plus_asks_which_one():
    r = plan("Use advantage plus on this one.")
    assert "advantage_audience" in fields_asked(r)


def test_advantage_audience_on_with_a_hard_age_limit_is_asked():
    r = plan("Advantage+ audience on, but never show it to anyone over 50.")
    q = [q for q in r.questions if q["field"] == "advantage_audience"]
    assert q and q[0]["kind"] == "conflict"


def test_cart_abandoners_are_cart_adders_without_the_purchasers_of_the_window():
    r = plan("Retarget cart abandoners from the last 10 days.")
    (inc,), (exc,) = refs(r), refs(r, "excluded_custom_audiences")
    assert (inc["event"], exc["event"], exc["retention_days"]) == ("AddToCart", "Purchase", 10)


def test_a_french_lookalike_with_its_size_after_the_noun():
    eur = PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2),
                       advertiser="Bol SA")
    r = plan_brief("Ventes en France : audience similaire à 2 % de nos clients (clients.csv), "
                   "40 € par jour, https://bols.example.fr, bol.jpg", eur)
    (lal,) = refs(r)
    assert (lal["ratio"], lal["country"]) == (0.02, ["FR"])


def test_a_named_audience_targeted_and_its_lookalike_are_both_reached():
    r = plan("Target our 'Newsletter 2025' audience and a 1% lookalike of it.")
    kinds = sorted(a.get("kind", "existing") for a in refs(r))
    assert kinds == ["existing", "lookalike"]
    lal = next(a for a in refs(r) if a.get("kind") == "lookalike")
    assert lal["seed"] == {"name": "Newsletter 2025"}


def test_parents_of_teenagers_is_the_catalogues_parents_with_teenagers():
    r = plan("Only show to parents of teenagers.")
    assert [x["name"] for x in spec(r)["family_statuses"]] == ["Parents with teenagers (13-17 years)"]


def test_advantage_audience_off_keeps_the_interests_the_brief_names():
    r = plan("Advantage+ audience off, people interested in yoga.")
    t = r.plan["ad_sets"][0]["targeting"]
    assert t["targeting_automation"] == {"advantage_audience": 0}
    assert [i["name"] for i in spec(r)["interests"]] == ["Yoga"]


def test_detailed_targeting_in_spanish_and_the_variant_taken_is_shown():
    eur = PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2),
                       advertiser="Maletas SL")
    r = plan_brief("Ventas de maletas en España para viajeros frecuentes y recién comprometidos, "
                   "40 € al día, https://maletas.example.es, maleta.jpg", eur)
    s = spec(r)
    assert [x["name"] for x in s["behaviors"]] == ["Frequent Travelers"]
    assert [x["name"] for x in s["life_events"]] == ["Newly engaged (6 months)"]
    assert any(a["to"] == "Newly engaged (6 months)" for a in r.adjustments)
