"""Parsing and validating an insights request into a `Query` (Meta's rules, Meta's errors).

Dates are account-local. `date_preset` takes Meta's 20 values (`lifetime` is refused: it was
removed in v10, use `maximum`); `time_range` / `time_ranges` override it; the default is
`last_30d`. A start more than 37 months back is error 3018. `breakdowns` may only combine
within one documented group (demographic `age`,`gender`; one geography; placement
`publisher_platform`,`platform_position`,`device_platform`,`impression_device` with
`platform_position` needing `publisher_platform`; one hourly breakdown alone; `media_type`
alone and only with `action_breakdowns=[]`, since Meta cannot cross it with the default
`action_type`); anything else is error 2 / 1504041 (docs/meta-api-facts.md's code for an
invalid breakdown combination), its message naming the action breakdowns too, as Meta's does.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sandbox.errors import GraphError, invalid, nonexisting_field
from sandbox.insights_fields import (
    ACTION_BREAKDOWNS,
    COUNTS,
    DEFAULT_FIELDS,
    ENTITY_FILTERS,
    FIELDS,
    GROUPS,
    KNOWN_BREAKDOWNS,
    LEVELS,
    NO_ACTION_TYPE,
    OPERATORS,
    PRESETS,
    RATIOS,
    RETENTION_MONTHS,
    SUPPORTED_BREAKDOWNS,
    WINDOWS,
)
from sandbox.params import get_fields, get_json, get_list


@dataclass
class Query:
    """A validated insights request."""

    object_id: str
    object_type: str
    level: str
    fields: list[str]
    ranges: list[tuple[date, date]]
    increment: str | int
    breakdowns: list[str]
    filtering: list[dict[str, Any]] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    windows: list[str] = field(default_factory=list)
    action_types: list[str] | None = None


def _months_back(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def preset_range(preset: str, today: date, first_data: date) -> tuple[date, date]:
    """Return the (since, until) of a date preset relative to the account-local `today`."""
    m = re.fullmatch(r"last_(\d+)d", preset)
    if m:
        return today - timedelta(days=int(m.group(1))), today - timedelta(days=1)
    month_start = today.replace(day=1)
    prev_month_end = month_start - timedelta(days=1)
    q = _quarter_start(today)
    mon = today - timedelta(days=today.weekday())
    sun = today - timedelta(days=(today.weekday() + 1) % 7)
    table = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "this_month": (month_start, today),
        "last_month": (prev_month_end.replace(day=1), prev_month_end),
        "this_quarter": (q, today),
        "last_quarter": (_quarter_start(q - timedelta(days=1)), q - timedelta(days=1)),
        "maximum": (max(first_data, _months_back(today, RETENTION_MONTHS)), today),
        "data_maximum": (first_data, today),
        "last_week_mon_sun": (mon - timedelta(days=7), mon - timedelta(days=1)),
        "last_week_sun_sat": (sun - timedelta(days=7), sun - timedelta(days=1)),
        "this_week_mon_today": (mon, today),
        "this_week_sun_today": (sun, today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "this_year": (date(today.year, 1, 1), today),
    }
    return table[preset]


def _date(value: Any, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise invalid(
            f"{name} must be a date written YYYY-MM-DD, got {str(value)[:30]!r}.",
            fields=["time_range"],
            message=f"Invalid date for {name}",
        ) from exc


def _range(value: Any, name: str) -> tuple[date, date]:
    if not isinstance(value, dict) or "since" not in value or "until" not in value:
        raise invalid(
            f'{name} must be a JSON object {{"since": "YYYY-MM-DD", "until": "YYYY-MM-DD"}}.',
            fields=[name],
            message=f"Invalid {name}",
        )
    since, until = _date(value["since"], f"{name}.since"), _date(value["until"], f"{name}.until")
    if since > until:
        raise invalid(
            f"{name}.since ({since}) is after {name}.until ({until}); swap them.",
            fields=[name],
            message=f"Invalid {name}",
        )
    return since, until


def _breakdowns(params: dict[str, Any], action_bds: list[str]) -> list[str]:
    bds = [str(b) for b in get_list(params, "breakdowns") or []]
    for b in bds:
        if b not in KNOWN_BREAKDOWNS:
            raise invalid(
                f"{b!r} is not a valid breakdown; use e.g. age, gender, country, "
                "publisher_platform, platform_position, device_platform.",
                fields=["breakdowns"],
                message=f"breakdowns[{b}] is not a valid breakdown",
            )
    groups = {g for b in bds for g, members in GROUPS.items() if b in members}
    geo = [b for b in bds if b in GROUPS["geography"]]
    ungrouped = [b for b in bds if not any(b in m for m in GROUPS.values())]
    bad = (
        len(groups) + len(ungrouped) > 1
        or len(geo) > 1
        or ("platform_position" in bds and "publisher_platform" not in bds)
        or len(set(bds)) != len(bds)
        or bool(NO_ACTION_TYPE & set(bds) and "action_type" in action_bds)
    )
    if bad:
        # Meta names the action breakdowns too: "(action_type, platform_position)".
        raise GraphError(
            2,
            "Current combination of data breakdown columns "
            f"({', '.join([*action_bds, *bds])}) is invalid",
            subcode=1504041,
            user_title="Invalid breakdown combination",
            user_msg="Breakdowns combine only within one group: age and gender; one of country, "
            "region or dma; the placement breakdowns (platform_position needs publisher_platform); "
            "an hourly breakdown alone; media_type only with action_breakdowns=[]. Split the query.",
            blame_field_specs=[["breakdowns"]],
        )
    unsupported = [b for b in bds if b not in SUPPORTED_BREAKDOWNS]
    if unsupported:
        raise invalid(
            f"The sandbox has no data for breakdown {unsupported[0]!r}; supported: "
            f"{', '.join(sorted(SUPPORTED_BREAKDOWNS))}.",
            fields=["breakdowns"],
            message="Unsupported breakdown",
        )
    return bds


def _filtering(params: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str] | None]:
    raw = get_json(params, "filtering") or []
    if not isinstance(raw, list):
        raise invalid(
            'filtering must be a JSON array of {"field", "operator", "value"} objects.',
            fields=["filtering"],
            message="Invalid filtering",
        )
    out, action_types = [], None
    for f in raw:
        if not isinstance(f, dict) or not {"field", "operator"} <= set(f):
            raise invalid(
                'each filtering entry needs "field", "operator" and "value".',
                fields=["filtering"],
                message="Invalid filtering",
            )
        fld, op = str(f["field"]), str(f["operator"]).upper()
        if op not in OPERATORS:
            raise invalid(
                f"filtering operator {op!r} is not valid; use e.g. EQUAL, IN, GREATER_THAN.",
                fields=["filtering"],
                message="Invalid filtering operator",
            )
        metric = fld.split(".", 1)[1] if "." in fld and fld not in ENTITY_FILTERS else fld
        if fld == "action_type":
            raw_value = f.get("value")
            values = raw_value if isinstance(raw_value, list) else [raw_value]
            action_types = [str(v) for v in values]
            continue
        if fld not in ENTITY_FILTERS and metric not in COUNTS | RATIOS:
            raise invalid(
                f"filtering on field {fld!r} is not supported; use campaign.id, adset.id, "
                "ad.id, ad.effective_status, ... or a metric such as impressions or spend.",
                fields=["filtering"],
                message="Invalid filtering field",
            )
        out.append(
            {
                "field": fld if fld in ENTITY_FILTERS else metric,
                "operator": op,
                "value": f.get("value"),
            }
        )
    return out, action_types


def _sort(params: dict[str, Any], fields: list[str]) -> list[tuple[str, bool]]:
    out = []
    for s in get_list(params, "sort") or []:
        m = re.fullmatch(r"(.+)_(ascending|descending)", str(s))
        if not m or m.group(1) not in FIELDS:
            raise invalid(
                f"sort value {s!r} must be <field>_ascending or <field>_descending, "
                "e.g. spend_descending.",
                fields=["sort"],
                message="Invalid sort",
            )
        out.append((m.group(1), m.group(2) == "descending"))
    return out


def parse_query(
    params: dict[str, Any], object_id: str, object_type: str, today: date, first_data: date
) -> Query:
    """Validate insights parameters; raises `GraphError` naming the bad parameter."""
    fields = get_fields(params) or list(DEFAULT_FIELDS)
    for f in fields:
        if f not in FIELDS:
            raise nonexisting_field(f, "AdsInsights")
    level = str(params.get("level") or object_type)
    if level not in LEVELS:
        raise invalid(
            f"level must be one of {', '.join(LEVELS)}, got {level!r}.",
            fields=["level"],
            message="Invalid level",
        )
    ranges_raw = get_json(params, "time_ranges")
    tr = get_json(params, "time_range")
    preset = str(params.get("date_preset") or "")
    if ranges_raw:
        if not isinstance(ranges_raw, list):
            raise invalid(
                "time_ranges must be a JSON array of {since, until} objects.",
                fields=["time_ranges"],
                message="Invalid time_ranges",
            )
        ranges = [_range(r, "time_ranges") for r in ranges_raw]
    elif tr:
        ranges = [_range(tr, "time_range")]
    elif preset:
        if preset == "lifetime":
            raise invalid(
                "date_preset=lifetime was removed in v10; use date_preset=maximum.",
                fields=["date_preset"],
                message="Invalid date_preset lifetime",
            )
        if preset not in PRESETS:
            raise invalid(
                f"date_preset {preset!r} is not valid; use e.g. last_7d, last_30d, "
                "this_month, maximum.",
                fields=["date_preset"],
                message="Invalid date_preset",
            )
        ranges = [preset_range(preset, today, first_data)]
    else:
        ranges = [preset_range("last_30d", today, first_data)]
    oldest = _months_back(today, RETENTION_MONTHS)
    for since, _ in ranges:
        if since < oldest:
            raise GraphError(
                3018,
                "(#3018) The start date of the time range cannot be beyond 37 "
                "months from the current date",
                user_title="Date out of range",
                user_msg=f"Insights are kept for 37 months: start on or after {oldest}.",
                blame_field_specs=[["time_range"]],
            )
    inc_raw = str(params.get("time_increment") or "all_days")
    increment: str | int = inc_raw
    if inc_raw not in ("all_days", "monthly"):
        if not inc_raw.isdigit() or not 1 <= int(inc_raw) <= 90:
            raise invalid(
                "time_increment must be a whole number of days from 1 to 90, 'monthly' "
                "or 'all_days'.",
                fields=["time_increment"],
                message="Invalid time_increment",
            )
        increment = int(inc_raw)
    raw_abs = get_list(params, "action_breakdowns")
    action_bds = ["action_type"] if raw_abs is None else [str(a) for a in raw_abs]
    for ab in action_bds:
        if ab not in ACTION_BREAKDOWNS:
            raise invalid(
                f"The sandbox supports action_breakdowns=action_type only, got {ab!r}.",
                fields=["action_breakdowns"],
                message="Unsupported action_breakdowns",
            )
    windows = [str(w) for w in get_list(params, "action_attribution_windows") or []]
    for w in windows:
        if w not in WINDOWS:
            raise invalid(
                f"action_attribution_windows value {w!r} is not valid; use 1d_click, "
                "7d_click, 28d_click, 1d_view, 1d_ev, dda or default.",
                fields=["action_attribution_windows"],
                message="Invalid attribution window",
            )
    filtering, action_types = _filtering(params)
    return Query(
        object_id,
        object_type,
        level,
        fields,
        ranges,
        increment,
        _breakdowns(params, action_bds),
        filtering,
        _sort(params, fields),
        windows,
        action_types,
    )
