import math

import pytest

from tools.batching import BatchItem, jsonpath, plan_chunks


def _tree(n_sets, n_ads):
    items = [BatchItem("c", "POST", "act_1/campaigns", {"name": "c"})]
    for s in range(n_sets):
        items.append(BatchItem(f"s{s}", "POST", "act_1/adsets",
                               {"campaign_id": "{result=c:$.id}"}))
        for a in range(n_ads):
            items.append(BatchItem(f"k{s}.{a}", "POST", "act_1/adcreatives", {"name": "k"}))
            items.append(BatchItem(f"a{s}.{a}", "POST", "act_1/ads", {
                "adset_id": f"{{result=s{s}:$.id}}",
                "creative": {"creative_id": f"{{result=k{s}.{a}:$.id}}"}}))
    return items


@pytest.mark.parametrize("sets,ads", [(3, 3), (5, 8), (1, 1), (2, 30), (10, 10)])
def test_chunks_hit_the_lower_bound_and_respect_limits(sets, ads):
    items = _tree(sets, ads)
    chunks = plan_chunks(items)
    n_ads = sets * ads
    assert len(chunks) == max(math.ceil(len(items) / 50), math.ceil(n_ads / 10))
    seen = set()
    for chunk in chunks:
        assert len(chunk) <= 50
        assert sum(it.is_ad_create for it in chunk) <= 10
        for it in chunk:
            assert all(d in seen or d in {x.name for x in chunk[:chunk.index(it)]}
                       for d in it.deps())
        seen |= {it.name for it in chunk}
    assert sorted(seen) == sorted(it.name for it in items)


def test_unknown_and_circular_dependencies_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        plan_chunks([BatchItem("a", "POST", "x/ads", {"adset_id": "{result=zz:$.id}"})])
    with pytest.raises(ValueError, match="circular"):
        plan_chunks([BatchItem("a", "POST", "x", depends_on="b"),
                     BatchItem("b", "POST", "x", depends_on="a")])
    with pytest.raises(ValueError, match="unique"):
        plan_chunks([BatchItem("a", "GET", "x"), BatchItem("a", "GET", "y")])


def test_jsonpath_subset():
    body = {"id": "7", "images": {"a.jpg": {"hash": "h1"}}, "data": [{"id": 1}, {"id": 2}]}
    assert jsonpath(body, "$.id") == "7"
    assert jsonpath(body, "$.images.*.hash") == "h1"
    assert jsonpath(body, "$.data.*.id") == "1,2"
    assert jsonpath(body, "$.missing") == ""
