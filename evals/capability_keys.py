"""Label keys for the capability rows (issue 15) and the check that every label key resolves.

`evals/datasets/CAPABILITIES.md` labels audiences, bids, placements, lead forms and estimates
partly with plan paths and partly with *invented* keys that name what a media buyer means
rather than where the plan keeps it. This module maps each invented key onto the plan model
(`state/plan.py`, `state/plan_capabilities.py`):

| key | resolved as |
| --- | --- |
| `included_audience_kinds` / `excluded_audience_kinds` | the kinds of `ad_sets[0].targeting.custom_audiences` / `excluded_custom_audiences`: a `{key}` looked up in the plan's `audiences`, an `{id}` or `{name}` is `"existing"`, a key the plan does not define is `"undefined:<key>"` (never a kind) |
| `audience.<kind>.<field>` | `<field>` of the first `audiences` entry of that kind; `lookalike.seed_kind` is the kind of its `seed` resolved the same way; `lookalike.country` is `country` |
| `detailed_targeting` / `detailed_exclusions` | `"type:name"` entries of every `flexible_spec` group / of `exclusions`; each expected entry must match one of the same type whose name contains it or is contained in it (case-insensitive) |
| `placements_exclude` | passes only when `publisher_platforms` is set and holds none of the listed platforms, and every `platform.position` item's platform stays with explicit `<platform>_positions` lacking it |
| `delivery_estimate` | the result's `delivery_estimate` for ad set 0 (`estimate_mau_lower_bound` and `_upper_bound`); the offline planners call no Meta endpoint, so a result without one scores **not applicable offline** — counted apart, never as right |

`check_keys` refuses a label it cannot resolve (an unknown invented key, an audience kind or
field the model does not have, a plan path through a field no model declares), naming every
such key, so a typo in a label is an error instead of a quiet miss or pass.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from state.plan import CampaignPlan
from state.plan_capabilities import AudiencePlan


class NotApplicable:
    """A label the offline evaluation cannot score (e.g. a delivery estimate from Meta)."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"n/a ({self.why})"


class UnknownKey(ValueError):
    """Label keys no resolver understands; the message lists them all."""


AUDIENCE_KINDS = ("website", "customer_list", "engagement", "lookalike")
# Fields an `audience.<kind>.<field>` label may name, besides the model's own.
_AUDIENCE_EXTRA = {"seed_kind"}
INVENTED = ("included_audience_kinds", "excluded_audience_kinds", "detailed_targeting",
            "detailed_exclusions", "placements_exclude", "delivery_estimate")
# Keys evals/evaluators.py resolves itself.
SPECIAL = ("questions", "problems", "interests", "schedule_days", "go_live", "languages",
           "ad_sets[0].targeting.interests", "ad_sets[0].targeting.languages")
# Meta keys that pass through the extra-allowing GeoLocations model and may be labelled.
_GEO_EXTRAS = {"country_groups", "zips", "geo_markets", "places", "custom_locations",
               "neighborhoods", "metro_areas", "subcities", "medium_geo_areas",
               "large_geo_areas", "electoral_districts"}
OFFLINE = "the offline planners call no Meta delivery-estimate endpoint"


def _targeting(plan: dict[str, Any]) -> dict[str, Any]:
    sets = plan.get("ad_sets") or []
    first = sets[0] if sets and isinstance(sets[0], dict) else {}
    t = first.get("targeting")
    return t if isinstance(t, dict) else {}


def _audiences(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in plan.get("audiences") or [] if isinstance(a, dict)]


def ref_kind(plan: dict[str, Any], ref: Any) -> str:
    """The kind of an audience reference: the plan audience's kind, or `existing`."""
    if not isinstance(ref, dict):
        return f"invalid:{ref!r}"
    if ref.get("key"):
        for a in _audiences(plan):
            if a.get("key") == ref["key"]:
                return str(a.get("kind"))
        return f"undefined:{ref['key']}"
    return "existing" if ref.get("id") or ref.get("name") else "invalid:{}"


def audience_kinds(plan: dict[str, Any], field: str) -> list[str]:
    """Kinds of the audiences ad set 0 includes (`custom_audiences`) or excludes."""
    return [ref_kind(plan, r) for r in _targeting(plan).get(field) or []]


def audience_field(plan: dict[str, Any], kind: str, field: str) -> Any:
    """`field` of the first audience of `kind` in the plan's `audiences` (None when none)."""
    for a in _audiences(plan):
        if a.get("kind") == kind:
            if field == "seed_kind":
                return ref_kind(plan, a.get("seed")) if a.get("seed") else None
            return a.get(field)
    return None


def detailed(spec: Any) -> list[str]:
    """`type:name` entries of one flexible-targeting object or a list of them."""
    groups = spec if isinstance(spec, list) else [spec] if isinstance(spec, dict) else []
    out = []
    for g in groups:
        if not isinstance(g, dict):
            continue
        for typ, items in g.items():
            for item in items if isinstance(items, list) else []:
                name = item.get("name") if isinstance(item, dict) else item
                out.append(f"{typ}:{name}")
    return out


def detailed_matches(expected: list[str], actual: list[str]) -> bool:
    """Every expected `type:name` has an actual entry of that type whose name contains it
    or is contained in it (case-insensitive): catalogue names vary ("Newly engaged (6 months)")."""
    pairs = [a.lower().split(":", 1) for a in actual if ":" in a]
    for e in expected:
        typ, _, name = e.lower().partition(":")
        if not any(t == typ and (name in n or n in name) for t, n in pairs):
            return False
    return True


def placements_ok(expected: list[str], targeting: dict[str, Any]) -> bool:
    """The plan leaves out every listed platform / `platform.position` (see module doc)."""
    platforms = targeting.get("publisher_platforms")
    if not platforms:
        return False  # automatic placements include everything
    for item in expected:
        platform, _, position = item.partition(".")
        if not position:
            if platform in platforms:
                return False
            continue
        positions = targeting.get(f"{platform}_positions")
        if platform not in platforms or not positions or position in positions:
            return False
    return True


def delivery_estimate(outputs: dict[str, Any]) -> Any:
    """True when the result carries Meta's estimate for ad set 0; n/a when it has none."""
    est = outputs.get("delivery_estimate")
    if est is None:
        return NotApplicable(OFFLINE)
    if isinstance(est, list):
        est = est[0] if est else None
    if isinstance(est, dict) and isinstance(est.get("data"), list):  # Meta's raw shape
        est = est["data"][0] if est["data"] else None
    return isinstance(est, dict) and all(
        isinstance(est.get(k), (int, float))
        for k in ("estimate_mau_lower_bound", "estimate_mau_upper_bound"))


def resolve(outputs: dict[str, Any], path: str) -> Any:
    """The actual value of an invented key (`check_keys` first: unknown keys raise)."""
    plan = outputs.get("plan") or {}
    if path == "included_audience_kinds":
        return audience_kinds(plan, "custom_audiences")
    if path == "excluded_audience_kinds":
        return audience_kinds(plan, "excluded_custom_audiences")
    if path == "detailed_targeting":
        return detailed(_targeting(plan).get("flexible_spec"))
    if path == "detailed_exclusions":
        return detailed(_targeting(plan).get("exclusions"))
    if path == "placements_exclude":
        t = _targeting(plan)
        return {k: v for k, v in t.items() if k == "publisher_platforms" or
                k.endswith("_positions")}
    if path == "delivery_estimate":
        return delivery_estimate(outputs)
    if m := re.fullmatch(r"audience\.(\w+)\.(\w+)", path):
        return audience_field(plan, m.group(1), m.group(2))
    raise UnknownKey(f"no resolver for label key {path!r}")


def is_invented(path: str) -> bool:
    """Whether `resolve` (not a plain plan path) answers this key."""
    return path in INVENTED or path.startswith("audience.")


def matches(path: str, expected: Any, actual: Any) -> bool | None:
    """Compare an invented key; None when the key compares like any other value."""
    if path in ("detailed_targeting", "detailed_exclusions") and expected is not None:
        return isinstance(expected, list) and detailed_matches(expected, actual or [])
    if path == "placements_exclude":
        return isinstance(expected, list) and placements_ok(expected, actual or {})
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (through Optional and list), or None for free JSON."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if (m := _model_of(arg)) is not None:
                return m
    return None


def _plan_path_error(path: str) -> str | None:
    """Why a dotted plan path names no field of the plan model (None when it does)."""
    model: type[BaseModel] | None = CampaignPlan
    for tok in re.findall(r"[^.\[\]]+|\[\*\]|\[\d+\]", path):
        if tok.startswith("["):
            continue
        if model is None:
            return None  # inside a free-form dict (promoted_object, experiment, ...)
        field = model.model_fields.get(tok)
        if field is None:
            if model.__name__ == "GeoLocations" and tok in _GEO_EXTRAS:
                return None
            return f"{model.__name__} has no field {tok!r}"
        model = _model_of(field.annotation)
    return None


def key_error(path: str) -> str | None:
    """Why a label key cannot be resolved, or None when it can."""
    if path in SPECIAL or path in INVENTED:
        return None
    if m := re.fullmatch(r"len\((.+)\)", path):
        return key_error(m.group(1))
    if path.startswith("audience."):
        m = re.fullmatch(r"audience\.(\w+)\.(\w+)", path)
        if not m:
            return "audience keys are audience.<kind>.<field>"
        kind, field = m.groups()
        if kind not in AUDIENCE_KINDS:
            return f"unknown audience kind {kind!r} (known: {', '.join(AUDIENCE_KINDS)})"
        if field not in AudiencePlan.model_fields and field not in _AUDIENCE_EXTRA:
            return f"AudiencePlan has no field {field!r}"
        if field == "seed_kind" and kind != "lookalike":
            return "seed_kind is a lookalike's field"
        return None
    return _plan_path_error(path)


def check_keys(keys: Iterable[str], where: str = "") -> None:
    """Raise UnknownKey listing every key that cannot be resolved."""
    bad = {k: e for k in keys if (e := key_error(k))}
    if bad:
        raise UnknownKey(f"{where}cannot resolve label key(s): " +
                         "; ".join(f"{k!r}: {e}" for k, e in bad.items()))


__all__ = ["INVENTED", "NotApplicable", "UnknownKey", "check_keys", "is_invented", "key_error",
           "matches", "resolve"]
