"""Geography the way people write it: exclusions, groups, ambiguous and unknown places, radii."""

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.geo.groups import EUROPE
from agents.orchestrator.planning.geo.names import place_names, place_words
from agents.orchestrator.planning.geo.parse import find_geo
from agents.orchestrator.planning.rules import plan_brief
from state import rules


def _names(rows):
    return sorted(r["name"] for r in rows)


# (text, included countries, included regions, included cities, excluded regions, excluded cities)
EXCLUSIONS = [
    ("everywhere in the US except California", ["US"], [], [], ["California"], []),
    ("Canada, but not Alberta", ["CA"], [], [], ["Alberta"], []),
    ("exclude Ohio; the rest of the US is fine", ["US"], [], [], ["Ohio"], []),
    ("Ireland, not in Dublin please", ["IE"], [], [], [], ["Dublin"]),
    ("New York State outside of NYC", [], ["New York"], [], [], ["New York"]),
    ("the US (no Hawaii or Alaska)", ["US"], [], [], ["Alaska", "Hawaii"], []),
    ("France except Corsica and Brittany", ["FR"], [], [], ["Brittany", "Corsica"], []),
    ("Texas and Florida excluded, rest of the US", ["US"], [], [], ["Florida", "Texas"], []),
    ("leave California out, everywhere else in the US", ["US"], [], [], ["California"], []),
    ("the lower 48 states", ["US"], [], [], ["Alaska", "Hawaii"], []),
    ("Spain without the Canary Islands", ["ES"], [], [], ["Canary Islands"], []),
    ("all of Ohio except Cleveland", [], ["Ohio"], [], [], ["Cleveland"]),
    ("Australia, skipping the NT and WA", ["AU"], [], [],
     ["Northern Territory", "Western Australia"], []),
    ("Germany but skip Bavaria, and Austria", ["DE", "AT"], [], [], ["Bavaria"], []),
]


@pytest.mark.parametrize("text,countries,regions,cities,ex_regions,ex_cities", EXCLUSIONS)
def test_exclusions_however_phrased(text, countries, regions, cities, ex_regions, ex_cities):
    g = find_geo(text, "AUD" if "Australia" in text else "USD")
    assert sorted(g.countries) == sorted(countries)
    assert _names(g.regions) == regions and _names(g.cities) == cities
    assert _names(g.excluded_regions) == ex_regions
    assert _names(g.excluded_cities) == ex_cities
    assert g.country_groups == [] and g.flags == []


@pytest.mark.parametrize("text,missing", [
    ("all of Europe minus Spain", "ES"),
    ("EU except Poland, Hungary and Czechia", "PL"),
    ("the Nordics, leaving out Finland", "FI"),
    ("DACH without Switzerland", "CH"),
])
def test_a_country_excluded_from_a_group_leaves_the_list(text, missing):
    g = find_geo(text)
    assert missing not in g.countries and g.countries
    assert g.excluded_countries == []  # Meta cannot exclude a country the spec also lists


def test_an_excluded_region_outside_the_target_is_a_question():
    g = find_geo("Germany, but not Texas")
    assert g.countries == ["DE"] and not g.excluded_regions
    assert [(q.kind, q.phrase) for q in g.flags] == [("conflict", "Texas")]


def test_an_excluded_country_that_is_not_targeted_is_only_a_warning():
    g = find_geo("Spain only, not Portugal")
    assert g.countries == ["ES"] and g.flags == [] and g.warnings


def test_countries_can_be_excluded_from_the_whole_world():
    g = find_geo("worldwide except China")
    assert g.country_groups == ["worldwide"] and g.excluded_countries == ["CN"]


@pytest.mark.parametrize("text,countries", [
    ("across the EU", sorted(rules.EU_COUNTRIES)),
    ("the whole EEA", sorted(rules.EEA_COUNTRIES)),
    ("Benelux shoppers", ["BE", "LU", "NL"]),
    ("the GCC", ["AE", "BH", "KW", "OM", "QA", "SA"]),
    ("ANZ", ["AU", "NZ"]),
    ("SEA markets", ["ID", "KH", "MY", "PH", "SG", "TH", "VN"]),
    ("all of Europe", sorted(EUROPE)),
    ("by Europe we mean the EU plus Norway", sorted(rules.EU_COUNTRIES | {"NO"})),
    ("LATAM (Mexico, Chile)", ["CL", "MX"]),
    ("nationwide in Japan", ["JP"]),
    ("UK-wide", ["GB"]),
    ("all of Mexico", ["MX"]),
])
def test_groups_are_explicit_country_lists(text, countries):
    g = find_geo(text)
    assert sorted(g.countries) == countries and g.country_groups == []


def test_europe_means_european_countries_only():
    assert {"GB", "CH", "NO", "FR"} <= EUROPE and not {"RU", "TR", "US"} & EUROPE


def test_new_england_is_six_states():
    g = find_geo("New England")
    assert _names(g.regions) == ["Connecticut", "Maine", "Massachusetts", "New Hampshire",
                                 "Rhode Island", "Vermont"]


@pytest.mark.parametrize("text,groups,asked", [
    ("worldwide", ["worldwide"], False),
    ("everywhere", ["worldwide"], False),
    ("everywhere in Canada", [], False),
    ("Canada, all placements everywhere but stories", [], False),
    ("we ship worldwide; ads in Canada", [], False),
    ("worldwide, but mostly Canada", [], True),
])
def test_worldwide_only_when_the_brief_means_the_world(text, groups, asked):
    g = find_geo(text)
    assert g.country_groups == groups
    assert bool(g.flags) == asked


# (text, account currency, expected (kind, name, country) or None when it must be asked)
AMBIGUOUS = [
    ("Portland", "USD", None),
    ("Portland, ME", "USD", ("city", "Portland", "Maine")),
    ("Portland (Oregon)", "USD", ("city", "Portland", "Oregon")),
    ("Portland and Seattle", "USD", ("city", "Portland", "Oregon")),  # both Pacific
    ("Portland and Boston", "USD", ("city", "Portland", "Maine")),  # both New England
    ("Portland and Denver", "USD", None),
    ("Georgia", "USD", None),
    ("across georgia", "USD", None),
    ("Georgia, especially Savannah", "USD", ("region", "Georgia", "US")),
    ("the state of Georgia", "USD", ("region", "Georgia", "US")),
    ("Georgia (the country)", "USD", ("country", "GE", "GE")),
    ("Georgia (we're based in Tbilisi)", "USD", ("country", "GE", "GE")),
    ("Birmingham", "USD", None),
    ("Birmingham", "GBP", ("city", "Birmingham", "England")),
    ("Birmingham, AL", "USD", ("city", "Birmingham", "Alabama")),
    ("Birmingham and Manchester", "USD", ("city", "Birmingham", "England")),
    ("all of Victoria", "AUD", ("region", "Victoria", "AU")),
    ("Victoria, BC", "USD", ("city", "Victoria", "British Columbia")),
    ("Cambridge, MA", "USD", ("city", "Cambridge", "Massachusetts")),
    ("Newcastle", "AUD", ("city", "Newcastle", "New South Wales")),
    ("Newcastle", "USD", None),
    ("Washington", "USD", None),
    ("Washington DC", "USD", ("city", "Washington", "Washington D.C.")),
]


@pytest.mark.parametrize("text,currency,expected", AMBIGUOUS)
def test_ambiguous_names_are_settled_by_context_or_asked(text, currency, expected):
    g = find_geo(text, currency)
    asked = [q for q in g.flags if q.kind == "ambiguous"]
    if expected is None:
        assert len(asked) == 1 and asked[0].phrase.lower() in text.lower().split()
        assert asked[0].field == "ad_sets[0].targeting.geo_locations"
        assert " or " in asked[0].question
        return
    assert asked == []
    kind, name, where = expected
    if kind == "country":
        assert g.countries == [name]
    elif kind == "region":
        assert [(r["name"], r["country"]) for r in g.regions] == [(name, where)]
    else:
        from agents.orchestrator.planning.geo.scan import name_table
        rows = [c for c in name_table()[1][name.lower()] if c.kind == "city"]
        key = next(c.key for c in rows if c.region == where)
        assert [c["key"] for c in g.cities][:1] == [key]


@pytest.mark.parametrize("text,regions,cities", [
    ("get leeds for our plumbing business in ohio", ["Ohio"], []),
    ("more leeds please, Florida statewide", ["Florida"], []),
    ("within 15 miles of Leeds", [], ["Leeds"]),
])
def test_a_goal_word_that_looks_like_a_place_is_not_a_place(text, regions, cities):
    g = find_geo(text, "USD")
    assert _names(g.regions) == regions and _names(g.cities) == cities
    assert g.flags == []


def test_a_goal_look_alike_with_no_other_place_is_asked():
    g = find_geo("generate leeds for our gutter cleaning")
    assert [(q.kind, q.phrase) for q in g.flags] == [("ambiguous", "leeds")]


@pytest.mark.parametrize("text,phrase,radius", [
    ("within 5 km of Lyon", "5 km", 5),
    ("100 miles around Boise", "100 miles", 100),
    ("Austin + 3 mi", "3 mi", 3),
])
def test_a_radius_outside_metas_range_is_a_question_not_a_correction(text, phrase, radius):
    g = find_geo(text)
    assert g.cities[0]["radius"] == radius  # as stated: the question decides, nothing silent
    [q] = g.flags
    assert q.kind == "invalid" and q.phrase == phrase and "10–50 miles" in q.question


@pytest.mark.parametrize("text,radius,unit", [
    ("Dallas -- 15 mile radius", 15, "mile"),
    ("Lyon; we want people within 30 km of the city", 30, "kilometer"),
    ("Portland, OR, 12-mile radius", 12, "mile"),
    ("20 km around Graz", 20, "kilometer"),
    ("in Boise", 25, "mile"),  # a default, not an adjustment: nothing was said
    ("in Graz", 40, "kilometer"),
])
def test_radius_binding_and_defaults(text, radius, unit):
    g = find_geo(text)
    assert (g.cities[0]["radius"], g.cities[0]["distance_unit"]) == (radius, unit)
    assert g.flags == [] and g.adjustments == []


def test_an_excluded_city_gets_metas_smallest_radius():
    g = find_geo("the UK but not Manchester")
    assert g.excluded_cities[0]["radius"] == 10 and g.excluded_cities[0]["distance_unit"] == "mile"


@pytest.mark.parametrize("text,phrase", [
    ("Boise and Twin Falls", "Twin Falls"),
    ("the US and Twin Falls", "Twin Falls"),
    ("Ohio, plus around Springfield", "Springfield"),
])
def test_an_unknown_place_beside_known_ones_is_asked(text, phrase):
    g = find_geo(text)
    assert [(q.kind, q.phrase) for q in g.flags] == [("not_understood", phrase)]


def test_an_unknown_city_with_its_state_code_is_asked_and_the_code_not_targeted():
    g = find_geo("our pest control business in Asheville NC")
    assert g.regions == [] and [q.phrase for q in g.flags] == ["Asheville"]


def test_words_after_in_that_are_not_places_are_not_unknown_places():
    g = find_geo("yoga fans interested in Pilates, in Texas, ads in Stories in March")
    assert _names(g.regions) == ["Texas"] and g.flags == [] and g.unknown == []


@pytest.mark.parametrize("text,countries,regions,cities", [
    ("US + CA", ["US", "CA"], [], []),
    ("LA and SF", [], [], ["Los Angeles", "San Francisco"]),
    ("TX and NM", [], ["New Mexico", "Texas"], []),
    ("US$40/day in Mexico", ["MX"], [], []),
    ('Germany, headline "Fresh from our Hamburg roastery"', ["DE"], [], []),
    ("Germany, paid for by Leipziger Kaffee GmbH", ["DE"], [], []),
    ("Bristol only.\n\nBest,\nAna Ruiz\n14 High Street, Leeds LS1 1AA", [], [], ["Bristol"]),
    ("lower case latam push (mx, co, cl)", ["MX", "CO", "CL"], [], []),
    ("all of Texas, we're an Austin shop", [], ["Texas"], []),
    ("Houston-based, targeting all of Texas", [], ["Texas"], []),
    ("Sao Paulo (the city)", [], [], ["São Paulo"]),
    ("the state of São Paulo", [], ["São Paulo"], []),
])
def test_what_is_and_is_not_a_place_to_target(text, countries, regions, cities):
    g = find_geo(text, "USD")
    assert g.countries == countries and _names(g.regions) == regions
    assert _names(g.cities) == sorted(cities)
    assert g.flags == [] and g.adjustments == []


def test_a_place_inside_another_is_asked_unless_the_brief_says_which():
    g = find_geo("Texas and Austin")
    [question] = g.flags
    assert question.kind == "ambiguous" and "all of Texas" in question.question
    assert "Austin" in question.question and g.adjustments == []
    g = find_geo("Texas and Austin. only Austin")
    assert _names(g.cities) == ["Austin"] and g.regions == [] and g.flags == []
    g = find_geo("Texas and Austin. all of Texas")
    assert _names(g.regions) == ["Texas"] and g.cities == [] and g.flags == []


def test_a_later_place_overrides_an_earlier_one_and_the_card_says_so():
    g = find_geo("Spain... actually, Portugal only")
    assert g.countries == ["PT"]
    [note] = g.adjustments
    assert note.before == ["Spain"] and note.after == ["Portugal"]


def test_place_names_give_the_spelling_to_correct_to():
    names = place_names()
    assert names["california"] == "California" and names["scotland"] == "Scotland"
    assert names["georgia"] == "Georgia" and names["nordics"] == "Nordics"
    assert "ca" not in names and "tx" not in names  # codes are not spelling targets
    assert place_words()["zealand"] == "Zealand"


# The plan: excluded_geo_locations reaches the ad set; questions block launch.
D = PlanDefaults(currency="USD", page_id="1", pixel_id="2")


def test_the_plan_excludes_what_the_brief_excludes():
    r = plan_brief("Sell our socks everywhere in the US except California, $40/day, "
                   "https://socks.example.com, socks.jpg", D)
    t = r.plan["ad_sets"][0]["targeting"]
    assert t["geo_locations"]["countries"] == ["US"]
    assert "country_groups" not in t["geo_locations"]
    assert [x["name"] for x in t["excluded_geo_locations"]["regions"]] == ["California"]
    assert r.questions == [] and r.problems == []


def test_the_plan_asks_which_portland():
    r = plan_brief("awareness for our bakery in Portland, $20/day, https://bake.example.com, "
                   "loaf.jpg", D)
    assert [q["kind"] for q in r.questions] == ["ambiguous"]
    assert "Portland" in r.questions[0]["question"]


def test_the_plan_does_not_target_leeds_for_roofing_leads_in_florida():
    r = plan_brief("get leeds for our roofing company in florida, $50/day, "
                   "https://roof.example.com, roof.jpg", D)
    geo = r.plan["ad_sets"][0]["targeting"]["geo_locations"]
    assert [x["name"] for x in geo.get("regions", [])] == ["Florida"] and not geo.get("cities")
    assert any(a["from"] == "leeds" for a in r.adjustments)


def test_a_country_a_b_test_keeps_each_exclusion_in_its_own_ad_set():
    r = plan_brief("test US vs Canada, but not Quebec, $40/day each, sales, "
                   "https://mitts.example.com, mitts.jpg", D)
    sets = {s["targeting"]["geo_locations"]["countries"][0]: s["targeting"]
            for s in r.plan["ad_sets"]}
    assert "excluded_geo_locations" not in sets["US"]
    assert sets["CA"]["excluded_geo_locations"]["regions"][0]["name"] == "Quebec"


@pytest.mark.parametrize("text,countries,regions,cities,ex_regions", [
    ("ads for our Phoenix AZ roofing company", [], [], ["Phoenix"], []),
    ("Valencia, Spain", [], [], ["Valencia"], []),
    ("Phoenix rising tees, sold in the US", ["US"], [], [], []),
    ("Canada (not Quebec, not the Maritimes)", ["CA"], [], [],
     ["New Brunswick", "Nova Scotia", "Prince Edward Island", "Quebec"]),
    ("the West Coast minus Oregon", [], ["California", "Washington"], [], []),
    ("all 50 states except Alaska", ["US"], [], [], ["Alaska"]),
    ("our Vermont maple syrup, nationwide", ["US"], [], [], []),
    ("we ship anywhere in the US, but run the ads in Oregon only", [], ["Oregon"], [], []),
    ("Georgia, especially Savannah", [], ["Georgia"], [], []),
])
def test_more_ways_people_write_places(text, countries, regions, cities, ex_regions):
    g = find_geo(text)
    assert g.countries == countries and _names(g.regions) == regions
    assert _names(g.cities) == cities and _names(g.excluded_regions) == ex_regions
    assert g.flags == []


def test_the_business_place_is_context_when_other_places_are_targeted():
    g = find_geo("We're a Boston-based charity; target Maine and Vermont")
    assert _names(g.regions) == ["Maine", "Vermont"] and g.cities == []
    assert [a.before for a in g.adjustments] == ["Boston"]


def test_an_excluded_sibling_is_a_warning_and_a_foreign_one_a_question():
    g = find_geo("Seattle but not Portland")  # Portland, Oregon: another state, outside
    assert _names(g.cities) == ["Seattle"] and g.flags == [] and g.warnings
    assert g.excluded_cities == []
    g = find_geo("the US except Quebec")
    assert [(q.kind, q.phrase) for q in g.flags] == [("conflict", "Quebec")]


@pytest.mark.parametrize(("said", "kept", "left_out"), [
    ("LA and SF but not Oakland", ["Los Angeles", "San Francisco"], ["Oakland"]),
    ("Austin and Dallas but not Houston", ["Austin", "Dallas"], ["Houston"]),
])
def test_a_city_in_the_state_of_a_targeted_city_is_excluded_as_said(said, kept, left_out):
    """It may lie inside a targeted radius (Oakland is 8 miles from SF): never dropped."""
    g = find_geo(said)
    assert _names(g.cities) == kept and _names(g.excluded_cities) == left_out
    assert g.flags == [] and g.warnings == []


def test_everywhere_except_a_state_asks_which_everywhere():
    g = find_geo("everywhere except Texas")
    assert [(q.kind, q.phrase) for q in g.flags] == [("ambiguous", "Texas")]


def test_an_unknown_region_named_beside_a_city_is_asked():
    g = find_geo("London and the South West, £30/day", "GBP")
    assert [q.phrase for q in g.flags] == ["South West"]


@pytest.mark.parametrize("text,phrase", [
    ("Southern California", "Southern California"),
    ("East Texas and Louisiana", "East Texas"),
    ("Belgium (Wallonia only)", "Wallonia"),
    ("Reno within 20 miles, exclude Sparks", "Sparks"),
])
def test_part_of_a_place_or_an_unknown_part_is_asked(text, phrase):
    g = find_geo(text)
    assert phrase in [q.phrase for q in g.flags]


@pytest.mark.parametrize("text,radii", [
    ("Boston, Massachusetts and the surrounding area, 30 miles", [30]),
    ("Denver (20mi) and Boulder (15mi)", [20, 15]),
    ("Lyon, Lille and Nantes, 25 km each", [25, 25, 25]),
    ("sponsor our 10 km race in Berlin", [40]),  # a distance, not a radius
])
def test_radius_words_people_use(text, radii):
    g = find_geo(text)
    assert [c["radius"] for c in g.cities] == radii and g.flags == []


@pytest.mark.parametrize("text,countries,cities", [
    ("sales in Canada for our Tokyo-style ramen kits", ["CA"], []),
    ("anywhere in Canada", ["CA"], []),
    ("in Ohio, focusing on Columbus and Cleveland", [], []),
])
def test_adjectives_and_emphasis_are_not_targets(text, countries, cities):
    g = find_geo(text)
    assert g.countries == countries and _names(g.cities) == cities and g.flags == []


def test_anywhere_but_a_state_asks_which_anywhere():
    g = find_geo("anywhere but Nevada")
    assert [(q.kind, q.phrase) for q in g.flags] == [("ambiguous", "Nevada")]
