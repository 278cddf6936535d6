"""Hypothesis strategies for fuzzing adpilot's inputs: plans, images, briefs, resume values."""

from __future__ import annotations

import copy
import io
from typing import Any

from hypothesis import strategies as st
from PIL import Image

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    JSON_LEAVES,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
    max_leaves=12,
)

BASE_PLAN: dict[str, Any] = {
    "name": "Spring sale",
    "objective": "OUTCOME_SALES",
    "currency": "USD",
    "budget": {"kind": "daily", "amount_minor": 5000, "level": "campaign"},
    "landing_url": "https://example.com/shop",
    "ad_sets": [
        {
            "name": "US adults",
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 54},
            "optimization_goal": "OFFSITE_CONVERSIONS",
            "destination_type": "WEBSITE",
            "billing_event": "IMPRESSIONS",
            "promoted_object": {"pixel_id": "555", "custom_event_type": "PURCHASE"},
            "ads": [
                {
                    "name": "Ad A",
                    "creative": {
                        "format": "image",
                        "primary_text": "Shop now",
                        "headline": "Sale",
                        "link": "https://example.com/shop",
                        "call_to_action": "SHOP_NOW",
                        "assets": [{"kind": "image", "url": "https://example.com/a.jpg"}],
                    },
                }
            ],
        }
    ],
}

# Values that are plausible for some field but wrong for others: they reach deeper checks
# than random JSON does.
NASTY_VALUES = [
    0, -1, 1, 99, 2**31, 10**13, "", " ", "US", "XX", "EU", "DE", "JPY", "usd", "ACTIVE",
    "OUTCOME_TRAFFIC", "LINK_CLICKS", "REACH", "THRUPLAY", "LOWEST_COST_WITH_BID_CAP", "COST_CAP",
    "lifetime", "daily", "ad_set", "campaign", "carousel", "video", "http://x", "ftp://y",
    "javascript:alert(1)", "https://example.com/" + "a" * 3000, "ü" * 500, [], {}, [1, 2],
    {"countries": []}, {"countries": ["FR"]}, "2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z",
    "not a date", 13, 12, 66, 65, [3], [1, 2, 3], None, True, 1.5, float("nan"),
]
# Copied on every draw: a mutation must never change the shared sample (hypothesis replays).
NASTY = st.sampled_from(NASTY_VALUES).map(copy.deepcopy)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple, value: Any, delete: bool) -> Any:
    if not path:
        return value
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


@st.composite
def plans(draw: st.DrawFn) -> Any:
    """A base plan with 1–4 random mutations (replace, delete, add a key), or plain junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    doc = copy.deepcopy(BASE_PLAN)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc) if isinstance(doc, dict | list) else [()]
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if op == "delete" and path:
            doc = _set(doc, path, None, delete=True)
        elif op == "add":
            target = doc
            for part in path:
                target = target[part]
            if isinstance(target, dict):
                target[draw(st.sampled_from(["extra", "daily_budget", "status", "key", "id"]))] = draw(NASTY)
        else:
            doc = _set(doc, path, draw(NASTY | json_values), delete=False)
        if not isinstance(doc, dict | list):
            break
    return doc


IMAGE_FORMATS = ["PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"]


@st.composite
def image_files(draw: st.DrawFn) -> bytes:
    """Bytes of an image file: a real one of random size/format, truncated or not, or junk."""
    kind = draw(st.sampled_from(["real", "real", "truncated", "junk", "empty"]))
    if kind == "junk":
        return draw(st.binary(min_size=1, max_size=2048))
    if kind == "empty":
        return b""
    width = draw(st.integers(1, 1400))
    height = draw(st.integers(1, 1400))
    fmt = draw(st.sampled_from(IMAGE_FORMATS))
    mode = "RGB" if fmt in ("JPEG", "BMP") else draw(st.sampled_from(["RGB", "RGBA", "L", "P"]))
    buf = io.BytesIO()
    Image.new(mode, (width, height)).save(buf, format=fmt)
    data = buf.getvalue()
    if kind == "truncated":
        data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
    return data


briefs = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda *parts: " ".join(p for p in parts if p),
        st.sampled_from(["", "Sell", "Promote", "Get leads for", "Drive traffic to", "Launch"]),
        st.sampled_from(["", "our shoes", "a SaaS trial", "the café", "🚀 rockets", "x" * 200]),
        st.sampled_from(["", "in the US", "in Germany", "in Japan", "worldwide", "in Atlantis"]),
        st.sampled_from(["", "$50/day", "¥3000 a day", "€-5 per day", "1e9 USD daily",
                         "budget 0", "$1,000 lifetime", "lots of money"]),
        st.sampled_from(["", "for 2 weeks", "starting yesterday", "until 1999", "forever"]),
        st.sampled_from(["", "https://example.com", "http://bad host", "image: /nope.jpg",
                         "ages 10-90", "women 25-34", "landing page example.com/shop"]),
    ),
)


DECISION = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["approve", "reject", "edit", "APPROVE", "yes", ""])}),
    st.fixed_dictionaries({"type": st.just("reject"), "message": st.text(max_size=30) | st.integers()}),
    st.fixed_dictionaries({"type": st.just("edit"), "edited_action": json_values}),
    st.fixed_dictionaries({"type": st.just("edit"), "edited_action": st.fixed_dictionaries(
        {"name": st.sampled_from(["set_adset_budget", "pause_ad", "delete_ad"]), "args": json_values})}),
    st.fixed_dictionaries({"type": st.just("approve"), "extra": json_values}),
    json_values,
)


@st.composite
def resume_values(draw: st.DrawFn, receipt: str, n_actions: int) -> Any:
    """Resume values for an approval of `n_actions` actions: mostly near-valid, some junk."""
    shape = draw(st.sampled_from(["decisions", "decisions", "decisions", "junk", "text"]))
    if shape == "junk":
        return draw(json_values)
    if shape == "text":
        return draw(st.sampled_from(["approve", "yes", "", "y", "{}", "null"]))
    n = draw(st.sampled_from([n_actions, n_actions, 0, n_actions - 1, n_actions + 1]))
    value: dict[str, Any] = {"decisions": draw(st.lists(DECISION, min_size=max(0, n), max_size=max(0, n)))}
    which = draw(st.sampled_from(["none", "right", "forged", "stale", "junk"]))
    if which == "right":
        value["receipt"] = receipt
    elif which == "forged":
        value["receipt"] = draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    elif which == "stale":
        value["receipt"] = receipt[::-1]
    elif which == "junk":
        value["receipt"] = draw(json_values)
    if draw(st.booleans()) and draw(st.booleans()):
        value[draw(st.sampled_from(["decision", "approve", "actions"]))] = draw(json_values)
    return value


# -- hostile resume values: too deep, too big, not JSON ------------------------------------------
def nested(depth: int, leaf: Any = 0, kind: str = "list") -> Any:
    """A value `depth` containers deep, built without recursion."""
    value = leaf
    for i in range(depth):
        value = [value] if kind == "list" or (kind == "mixed" and i % 2) else {"k": value}
    return value


class Opaque:
    """An object no JSON encoder knows."""

    def __repr__(self) -> str:
        return "Opaque()"


def _cycle(_: Any) -> dict[str, Any]:
    loop: dict[str, Any] = {"decisions": []}
    loop["decisions"].append(loop)
    return loop


DEEP = st.builds(nested, st.sampled_from([33, 100, 1_000, 3_000, 5_000]) | st.integers(30, 40),
                 json_values, st.sampled_from(["list", "dict", "mixed"]))
# A few big strings, up to 5 MB; built by repetition (drawing 5 MB of text would take minutes).
BIG_TEXT = st.builds(lambda n, c: c * n, st.sampled_from([200_000, 300_000, 1_000_000, 5_000_000]),
                     st.sampled_from(["x", "é", "🚀"]))
WEIRD = st.sampled_from([
    float("nan"), float("inf"), -float("inf"), 2**63, -(2**63) - 1, 10**5000, b"bytes",
    {"a", "b"}, ("tuple", 1), Opaque(), {1: "int key"}, {("t",): "tuple key"}, "\ud800 lone",
    {"decisions": [{"type": "approve", "x": float("nan")}]},
]).map(copy.copy) | st.just(None).map(_cycle)


@st.composite
def hostile_resume_values(draw: st.DrawFn, receipt: str, n_actions: int) -> Any:
    """Arbitrary resume values: near-valid decisions, junk, deep, huge or not JSON at all."""
    kind = draw(st.sampled_from(["near", "near", "junk", "deep", "big", "weird", "wrapped"]))
    if kind == "near":
        return draw(resume_values(receipt, n_actions))
    if kind == "junk":
        return draw(json_values)
    if kind == "deep":
        return draw(DEEP)
    if kind == "big":
        return draw(BIG_TEXT)
    if kind == "weird":
        return draw(WEIRD)
    # A hostile part inside an otherwise well-formed answer.
    part = draw(DEEP | BIG_TEXT | WEIRD)
    where = draw(st.sampled_from(["message", "plan", "name", "extra"]))
    if where == "message":
        return {"decisions": [{"type": "reject", "message": part}] * n_actions}
    if where == "plan":
        return {"decisions": [{"type": "edit", "edited_action": {
            "name": "launch_campaign", "args": {"plan": {**BASE_PLAN, "name": part}}}}]}
    if where == "name":
        return {"decisions": [{"type": "edit", "edited_action": {"name": part, "args": {}}}]}
    return {"decisions": [{"type": "approve"}] * n_actions, "extra": part}
