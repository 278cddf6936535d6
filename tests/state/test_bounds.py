"""Input bounds: measured without recursion, refused naming field, limit and fix."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state import bounds, hitl
from state import plan as plans
from tests.safety.strategies import BASE_PLAN, nested

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(JSON)
def test_size_and_digest_are_those_of_the_canonical_json(value):
    text = hitl.canonical(value)
    found = bounds.measure(value)
    assert found.problem is None
    assert found.size == len(text.encode())
    assert bounds.digest(value) == (hashlib.sha256(text.encode()).hexdigest(), found.size)


def test_depth_counts_containers():
    assert bounds.measure("x").depth == 0
    assert bounds.measure({}).depth == 1
    assert bounds.measure({"a": [1]}).depth == 2
    assert bounds.measure(nested(32)).problem is None
    assert bounds.measure(nested(33), max_depth=32).problem == "depth"


@pytest.mark.parametrize("depth", [1_000, 5_000, 100_000])
def test_deep_values_are_measured_without_recursion(depth):
    value = nested(depth, kind="mixed")
    with pytest.raises(RecursionError):
        json.dumps(value)  # what used to happen
    found = bounds.measure(value, max_depth=bounds.MAX_RESUME_DEPTH)
    assert found.problem == "depth" and found.depth == bounds.MAX_RESUME_DEPTH + 1
    sha, size = bounds.digest(value)  # the whole value, still no recursion
    assert len(sha) == 64 and size > 2 * depth
    with pytest.raises(bounds.BoundsError) as info:
        bounds.check_resume_value(value)
    msg = str(info.value)
    assert msg.startswith("resume value is nested more than 32 levels deep")
    assert "the limit is 32 levels" in msg and '{"decisions": [{"type": "approve"}]}' in msg


def test_a_big_value_is_refused_naming_its_size_the_limit_and_where():
    value = {"decisions": [{"type": "reject", "message": "x" * 5_000_000}]}
    with pytest.raises(bounds.BoundsError) as info:
        bounds.check_resume_value(value, "--decisions big.json")
    msg = str(info.value)
    assert msg.startswith("--decisions big.json is 5,000,046 bytes (4,883 KiB) as JSON")
    assert "decisions[0].message" in msg and "the limit is 262,144 bytes (256 KiB)" in msg
    assert "Nothing was sent to Meta" in msg and len(msg) < 1000


NOT_JSON = [
    (float("nan"), "NaN is not a JSON number"),
    ({"a": [float("-inf")]}, "at a[0]): -Infinity is not a JSON number"),
    (2**63, "64-bit range"),
    (10**5000, "64-bit range"),
    ({1: "x"}, "an int key (1) is not JSON"),
    ({"s": {1, 2}}, "at s): a set is not JSON"),
    (b"raw", "a bytes is not JSON"),
    (object(), "an object is not JSON"),
    ("\ud800", "lone surrogate"),
]


@pytest.mark.parametrize(("value", "says"), NOT_JSON, ids=[says for _, says in NOT_JSON])
def test_values_that_are_not_json_are_refused(value, says):
    with pytest.raises(bounds.BoundsError, match="resume value") as info:
        bounds.check_resume_value(value)
    assert says in str(info.value)
    assert len(bounds.digest(value)[0]) == 64  # still recorded by digest


def test_a_cycle_is_refused_and_digested():
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(bounds.BoundsError, match="contains itself"):
        bounds.check_resume_value(loop)
    assert bounds.digest(loop)[1] > 0


def test_a_rejection_keeps_digest_size_and_a_short_reason_never_the_value():
    value = {"decisions": [{"type": "edit", "edited_action": {"name": "y" * 300_000}}]}
    reason = "decisions[0]: bad name " + "y" * 5_000 + " — send the card's action name"
    record = bounds.rejection(value, reason)
    assert set(record) == {"digest", "size", "reason"}
    assert record["digest"] == hashlib.sha256(hitl.canonical(value).encode()).hexdigest()
    assert record["size"] == len(hitl.canonical(value).encode())
    assert len(record["reason"]) <= bounds.MAX_REASON_CHARS
    assert record["reason"].startswith("decisions[0]: bad name")
    assert record["reason"].endswith("send the card's action name")  # the fix survives


def _plan(ad_sets: int, ads: int, primary: int = 125, headline: int = 40, description: int = 30):
    """A launch plan as `adpilot plan --json` prints it: keys, interests, several ad sets."""
    doc = copy.deepcopy(BASE_PLAN)
    doc["key"] = "k" * 64
    template = doc["ad_sets"][0]
    template["key"] = "k" * 64
    template["targeting"]["flexible_spec"] = [{"interests": [
        {"id": str(6003107902433 + i), "name": f"Interest {i}"} for i in range(8)]}]
    template["targeting"]["excluded_geo_locations"] = {"regions": [{"key": "3847"}]}
    ad = template["ads"][0]
    ad["key"] = ad["creative"]["key"] = "k" * 64
    ad["creative"].update(primary_text="p" * primary, headline="h" * headline,
                          description="d" * description)
    template["ads"] = [{**copy.deepcopy(ad), "name": f"Ad {j}"} for j in range(ads)]
    doc["ad_sets"] = [{**copy.deepcopy(template), "name": f"Set {i}"} for i in range(ad_sets)]
    plans.load_plan(doc)  # a real plan, not just a big dict
    return doc


def _edit(plan):
    return {"decisions": [{"type": "edit", "edited_action": {
        "name": "launch_campaign", "args": {"plan": plan, "go_live": False}}}], "receipt": "0" * 64}


@pytest.mark.parametrize(("shape", "share"), [
    ((10, 5), 0.15),  # 10 ad sets × 5 ads, Meta's recommended copy lengths: ~35 KiB
    ((20, 10), 0.55),  # 200 ads: ~125 KiB
    ((10, 5, 2_000, 255, 255), 0.65),  # 50 ads, 2,000-character texts, longest headlines: ~148 KiB
])
def test_real_launch_plan_edits_fit_comfortably(shape, share):
    plan = _plan(*shape)
    assert bounds.check_plan(plan, "--edit plan.json") < share * bounds.MAX_PLAN_BYTES
    value = _edit(plan)
    assert bounds.check_resume_value(value) < share * bounds.MAX_RESUME_BYTES
    assert bounds.measure(plan).depth <= bounds.MAX_PLAN_DEPTH // 2
    assert bounds.measure(value).depth <= bounds.MAX_RESUME_DEPTH // 2
    # A plan file that passes is never refused once wrapped as the edit's resume value.
    assert bounds.MAX_PLAN_BYTES + len(hitl.canonical(_edit({}))) < bounds.MAX_RESUME_BYTES
    assert bounds.MAX_PLAN_DEPTH + bounds.measure(_edit({})).depth <= bounds.MAX_RESUME_DEPTH


def test_text_depth_ignores_brackets_inside_strings():
    assert bounds.json_text_depth('{"a": "[[[{{{\\"]]]", "b": [[1]]}', 99) == 3
    assert bounds.json_text_depth("[" * 5_000 + "]" * 5_000, 32) == 33  # stops early


def test_read_json_file_refuses_before_parsing(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 3_000 + "]" * 3_000)
    with pytest.raises(RecursionError):
        json.loads(deep.read_text())  # what used to happen
    with pytest.raises(bounds.BoundsError, match="--edit deep.json is nested more than 8 levels"):
        bounds.read_json_file(deep, "--edit deep.json", max_bytes=100_000, max_depth=8, fix="x")
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"a": "x" * 2_000}))
    with pytest.raises(bounds.BoundsError, match=r"larger than the limit of 1,024 bytes \(1 KiB\)"):
        bounds.read_json_file(big, "big.json", max_bytes=1_024, max_depth=8, fix="x")
    assert bounds.read_json_file(big, "big.json", max_bytes=4_096, max_depth=8, fix="x") == \
        {"a": "x" * 2_000}


def test_human_text_is_bounded_in_characters():
    assert bounds.check_text("é" * bounds.MAX_ANSWER_CHARS, "--answer") == "é" * 10_000
    with pytest.raises(bounds.BoundsError, match="--answer is 10,001 characters; the limit is 10,000"):
        bounds.check_text("a" * 10_001, "--answer")
