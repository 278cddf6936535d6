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
