"""Placement, Advantage+ audience, language and detailed-targeting shape checks of one ad set.

docs/facts-bidding-placements-destinations.md §2 and docs/facts-audiences.md §7-8: a
`publisher_platforms` list must name at least one platform (omit it for Advantage+
placements); with Advantage+ audience on, `age_max` is only a suggestion (Meta wants it left
at 65 and the suggestion in `age_range`); `flexible_spec` / `exclusions` entries are
`{id, name}` except `education_statuses` and `relationship_statuses`, which are integers.
"""

from __future__ import annotations

from typing import Any

from state import rules
from state.plan import Targeting
from state.plan_findings import Findings

__all__ = ["check_placements"]


def check_placements(ck: Findings, base: str, t: Targeting) -> None:
    """Ad set targeting checks added for issue 15 (see the module docstring)."""
    if t.publisher_platforms is not None and not t.publisher_platforms:
        ck.bad(f"{base}.publisher_platforms", "no platform is left to show the ads on",
               "name at least one platform (facebook, instagram, ...), or omit "
               "publisher_platforms for Advantage+ placements", "placements")
    auto = t.targeting_automation or {}
    adv = auto.get("advantage_audience")
    if adv not in (None, 0, 1):
        ck.bad(f"{base}.targeting_automation.advantage_audience", f"{adv!r} is not 0 or 1",
               "use 1 (Advantage+ audience on) or 0 (off)", "advantage_audience")
    if adv == 1 and t.age_max < rules.AGE_MAX_CEIL:
        ck.bad(f"{base}.age_max", f"with Advantage+ audience on, age_max {t.age_max} is not a "
               "hard limit, and Meta refuses it below 65", "leave age_max at 65 and give the "
               "preferred range as a suggestion, or turn advantage_audience off (0) to keep the "
               "limit", "advantage_audience")
    for j, group in enumerate(t.flexible_spec or []):
        _detailed(ck, f"{base}.flexible_spec[{j}]", group)
    if t.exclusions:
        _detailed(ck, f"{base}.exclusions", t.exclusions)


def _detailed(ck: Findings, path: str, group: dict[str, Any]) -> None:
    for key, items in group.items():
        if key not in rules.DETAILED_KEYS:
            ck.bad(f"{path}.{key}", f"{key!r} is not a detailed-targeting type",
                   "use interests, behaviors, life_events, work_positions, industries, "
                   "family_statuses, income, education_statuses or relationship_statuses",
                   "detailed_targeting")
            continue
        if not isinstance(items, list):
            ck.bad(f"{path}.{key}", f"{key} must be a list", "write it as a list",
                   "detailed_targeting")
            continue
        for k, item in enumerate(items):
            if key in rules.DETAILED_INT_KEYS:
                if not isinstance(item, int) or isinstance(item, bool):
                    ck.bad(f"{path}.{key}[{k}]", f"{key} entries are Meta's integer codes, "
                           f"not {item!r}", "use the number from targeting search (e.g. 2 "
                           "for 'in college')", "detailed_targeting")
            elif not _option(item):
                ck.bad(f"{path}.{key}[{k}]", f"{key} entries are {{id, name}} objects with "
                       f"Meta's numeric id, not {item!r}", "look the option up with targeting "
                       "search and give its id", "detailed_targeting")


def _option(item: Any) -> bool:
    # A {name} without an id is allowed in a plan: the planner resolves names to ids with
    # targeting search before the card; an id, when given, must be Meta's numeric one.
    if not isinstance(item, dict) or not (item.get("id") or item.get("name")):
        return False
    return item.get("id") is None or str(item["id"]).isdigit()
