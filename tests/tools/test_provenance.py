"""One provenance tag: the plan's and the tools' agree for every key (state/provenance.py)."""

from __future__ import annotations

import hashlib

import pytest

from state.plan import tag
from state.provenance import label_for, tag_for, with_tag

HEX_KEY = hashlib.sha256(b"a plan node").hexdigest()


@pytest.mark.parametrize("key", [
    HEX_KEY, HEX_KEY.upper(), "ab12cd34ef", "abc", "optimize:120:set_adset_budget",
    "asset-5e1f0a2b", "t1-img", "gate:unreadable:x", "", "ZZZZZZZZZZ",
])
def test_the_plan_and_the_tools_tag_a_key_alike(key):
    assert tag(key) == tag_for(key)
    assert tag_for(key).startswith(" [ap:") and len(tag_for(key)) == len(" [ap:12345678]")
    assert label_for(key) == "ap-" + tag_for(key)[5:-1]


def test_a_hex_key_is_its_first_8_characters_and_any_other_key_is_hashed():
    assert tag(HEX_KEY) == f" [ap:{HEX_KEY[:8]}]"
    assert tag(HEX_KEY.upper()) == f" [ap:{HEX_KEY[:8]}]"  # lower-cased
    key = "optimize:120:set_adset_budget"
    assert tag(key) == f" [ap:{hashlib.sha256(key.encode()).hexdigest()[:8]}]"
    short = "abc"  # hex, but shorter than a tag
    assert tag(short) == f" [ap:{hashlib.sha256(short.encode()).hexdigest()[:8]}]"


def test_a_plan_named_object_keeps_one_tag_when_the_launcher_tags_it_again():
    key = "t1-img"
    named = "Spring sale" + tag(key)  # state/meta_tree.py names the tree with the plan's tag
    assert with_tag(named, key, 400) == named


def test_an_object_is_known_by_its_label_or_an_earlier_versions_name_tag_never_its_name():
    from state.provenance import carries, read_fields, visible_name, with_label

    key, other = HEX_KEY, "ab12cd34ef"
    labelled = {"name": "Spring sale", "adlabels": [{"id": "9", "name": label_for(key)}]}
    namesake = {"name": "Spring sale", "adlabels": [{"name": label_for(other)}]}
    old = {"name": "Spring sale" + tag_for(key)}  # an earlier version's object: no label
    assert carries(labelled, key) and carries(old, key)
    assert not carries(namesake, key) and not carries({"name": "Spring sale"}, key)
    assert carries({"name": "x", "adlabels": {"data": [{"name": label_for(key)}]}}, key)
    assert with_label(with_label({"adlabels": [{"name": "team-a"}]}, key), key)["adlabels"] == [
        {"name": "team-a"}, {"name": label_for(key)}]
    assert visible_name("Spring sale" + tag_for(key), key, tags=False) == "Spring sale"
    assert visible_name("Spring sale", key, tags=True) == "Spring sale" + tag_for(key)
    assert read_fields("act_1/ads", "id") == "id,name,adlabels"
    assert read_fields("act_1/adimages", "hash,name") == "hash,name"  # images take no label
    assert read_fields("act_1/customaudiences", "id,name") == "id,name"
