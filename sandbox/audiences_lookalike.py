"""Lookalike audiences: `subtype=LOOKALIKE`, `origin_audience_id`, `lookalike_spec` (docs/facts-audiences.md §5).

`lookalike_spec` is a JSON string: `{"ratio": 0.01, "country": "US"}`, optionally
`starting_ratio` (< ratio, the lower edge of the band) and, instead of `country`, a
`location_spec` `{"geo_locations": {"countries": [...]}}`. Meta's API takes ratios 0.01–0.20
in steps of 0.01. The seed must be an audience of the same ad account with at least 100
people; the same seed, countries and band twice is Meta's duplicate-lookalike error
2654/1713007. The lookalike's size is its band of each country's reachable people
(`sandbox/audiences_size.py`); it is ready at once.
"""

from __future__ import annotations

from typing import Any

from sandbox.audiences_size import SEED_MINIMUM, count_fields, lookalike_size
from sandbox.catalog import geo
from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid, required
from sandbox.params import get_dict, get_str

MIN_RATIO, MAX_RATIO = 0.01, 0.20
TYPE_RATIOS = {"similarity": 0.01, "reach": 0.05}  # the legacy `type` instead of a ratio


def _fail(msg: str, field: str, subcode: int | None = None, title: str = "") -> GraphError:
    return GraphError(
        2654,
        "(#2654) Failed to create custom audience",
        subcode=subcode,
        user_title=title or "Failed to Create Lookalike",
        user_msg=msg,
        blame_field_specs=[[field]],
    )


def _ratio(value: Any, name: str) -> float:
    try:
        ratio = float(value)
    except (TypeError, ValueError) as exc:
        raise invalid(f"lookalike_spec.{name} must be a number such as 0.01 (1%).",
                      fields=["lookalike_spec"]) from exc
    if not MIN_RATIO - 1e-9 <= ratio <= MAX_RATIO + 1e-9 or abs(ratio * 100 - round(ratio * 100)) > 1e-6:
        if name == "starting_ratio" and ratio == 0:
            return 0.0
        raise invalid(
            f"lookalike_spec.{name} {value} is out of range: use {MIN_RATIO}-{MAX_RATIO} in "
            "steps of 0.01 (0.01 = the 1% of the country most like the seed).",
            fields=["lookalike_spec"], title="Invalid Lookalike Ratio",
        )
    return round(ratio, 2)


def _countries(spec: dict[str, Any]) -> list[str]:
    if spec.get("country") and spec.get("location_spec"):
        raise invalid("lookalike_spec takes either country or location_spec, not both.",
                      fields=["lookalike_spec"])
    codes: Any
    if spec.get("country"):
        raw = spec["country"]
        codes = raw if isinstance(raw, list) else [c.strip() for c in str(raw).split(",")]
    else:
        loc = spec.get("location_spec")
        geo_loc = loc.get("geo_locations") if isinstance(loc, dict) else None
        codes = (geo_loc or {}).get("countries") if isinstance(geo_loc, dict) else None
        if not codes:
            raise invalid("lookalike_spec needs a country (e.g. \"US\") or location_spec "
                          '{"geo_locations": {"countries": ["US"]}}.', fields=["lookalike_spec"])
    known = geo()["country"]
    codes = [str(c).upper() for c in codes]
    bad = [c for c in codes if known and c not in known]
    if bad:
        raise invalid(f"lookalike_spec countries {bad} are not ISO 3166 alpha-2 codes Meta "
                      "knows; use codes such as US, GB or DE.", fields=["lookalike_spec"])
    return sorted(set(codes))


def lookalike_fields(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Check a lookalike create request; return the fields to store."""
    origin_id = get_str(params, "origin_audience_id")
    if not origin_id:
        raise required("origin_audience_id", "name the seed audience of the lookalike")
    spec = get_dict(params, "lookalike_spec")
    if spec is None:
        raise required("lookalike_spec", 'e.g. {"ratio": 0.01, "country": "US"}')
    if "ratio" in spec:
        ratio = _ratio(spec["ratio"], "ratio")
    elif spec.get("type") in TYPE_RATIOS:
        ratio = TYPE_RATIOS[str(spec["type"])]
    else:
        raise invalid("lookalike_spec needs ratio (0.01-0.20) or type (similarity | reach).",
                      fields=["lookalike_spec"])
    start = _ratio(spec["starting_ratio"], "starting_ratio") if spec.get("starting_ratio") else 0.0
    if start >= ratio:
        raise invalid(f"lookalike_spec.starting_ratio ({start}) must be below ratio ({ratio}).",
                      fields=["lookalike_spec"], title="Invalid Lookalike Ratio")
    countries = _countries(spec)
    origin = ctx.store.get_object(origin_id, "customaudience")
    if origin is None or origin.get("_deleted"):
        raise invalid(f"origin_audience_id {origin_id} is not a custom audience; give the id of "
                      "an audience of this ad account.", fields=["origin_audience_id"])
    if origin.get("_account_id") != ctx.account_id:
        raise invalid(f"The seed audience {origin_id} belongs to another ad account; a "
                      "lookalike's seed must be an audience of the same ad account (share it "
                      "first).", fields=["origin_audience_id"], title="Seed Not In This Account")
    seed_size = int(origin.get("_size") or 0)
    if seed_size < SEED_MINIMUM:
        raise _fail(f"Source Audience is Too Small: the seed has about {seed_size} people and a "
                    f"lookalike needs at least {SEED_MINIMUM} from one country. Add people to "
                    "the seed or pick a larger one.", "origin_audience_id",
                    title="Source Audience is Too Small")
    for other in ctx.store.list_objects("customaudience", account_id=ctx.account_id):
        ls = other.get("lookalike_spec") or {}
        if (not other.get("_deleted") and other.get("origin_audience_id") == origin_id
                and sorted(ls.get("target_countries") or []) == countries
                and ls.get("ratio") == ratio and float(ls.get("starting_ratio") or 0) == start):
            raise _fail(f"Can't Create a Duplicate Lookalike: {other['id']} already is the "
                        f"{start:.0%}-{ratio:.0%} lookalike of this seed in "
                        f"{', '.join(countries)}; reuse it.", "lookalike_spec", 1713007,
                        "Can't Create a Duplicate Lookalike")
    out_spec: dict[str, Any] = {
        "country": ",".join(countries),
        "target_countries": countries,
        "ratio": ratio,
        "starting_ratio": start,
        "type": "custom_ratio",
        "origin": [{"id": origin_id, "name": origin.get("name"), "type": "custom_audience"}],
    }
    return {
        "subtype": "LOOKALIKE",
        "origin_audience_id": origin_id,
        "lookalike_spec": out_spec,
        **count_fields(lookalike_size(countries, ratio, start)),
    }
