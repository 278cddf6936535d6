"""`excluded_geo_locations` is checked locally: codes, keys, and that it lies inside the target."""

import pytest

from state.meta_tree import to_meta_tree
from state.plan import load_plan
from state.plan_checks import validate_plan
from tests.state.planfix import ACCOUNT, good_plan

CA_CITY = {"key": "2420379", "name": "Los Angeles", "country": "US", "radius": 10,
           "distance_unit": "mile"}


def _with(excluded, geo=None):
    plan = good_plan()
    t = plan["ad_sets"][0]["targeting"]
    t["excluded_geo_locations"] = excluded
    if geo is not None:
        t["geo_locations"] = geo
    return validate_plan(load_plan(plan), ACCOUNT)


@pytest.mark.parametrize("excluded,geo,kind,rule", [
    ({"regions": [{"key": "3847", "name": "California", "country": "US"}]}, None, None, None),
    ({"cities": [CA_CITY]}, None, None, None),
    ({"countries": ["CN"]}, {"country_groups": ["asia"]}, None, None),
    ({"countries": ["XX"]}, None, "problem", "geo_country"),
    ({"countries": ["US"]}, None, "problem", "geo_excluded"),
    ({"countries": ["CA"]}, None, "warning", "geo_excluded"),
    ({"regions": [{"name": "California", "country": "US"}]}, None, "problem", "geo_excluded"),
    ({"regions": [{"key": "1008", "name": "Quebec", "country": "CA"}]}, None, "warning",
     "geo_excluded"),
    ({"cities": [{**CA_CITY, "radius": 3}]}, None, "problem", "geo_radius"),
])
def test_excluded_places_are_checked(excluded, geo, kind, rule):
    report = _with(excluded, geo)
    problems = [p.rule for p in report.problems]
    warnings = [w.rule for w in report.warnings]
    if kind is None:
        assert report.ok and warnings == [], report.to_dict()
    elif kind == "problem":
        assert rule in problems, report.to_dict()
    else:
        assert report.ok and rule in warnings, report.to_dict()


def test_the_meta_tree_sends_only_keys_for_excluded_places():
    plan = good_plan()
    plan["ad_sets"][0]["targeting"]["excluded_geo_locations"] = {
        "regions": [{"key": "3847", "name": "California", "country": "US"}], "cities": [CA_CITY]}
    tree = to_meta_tree(load_plan(plan), account_id="act_1", page_id="p1",
                        image_hashes={"hero.jpg": "h"}, video_ids={})
    excluded = tree["ad_sets"][0]["params"]["targeting"]["excluded_geo_locations"]
    assert excluded == {"regions": [{"key": "3847"}],
                        "cities": [{"key": "2420379", "radius": 10, "distance_unit": "mile"}]}
