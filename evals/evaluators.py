"""Plain evaluators for the planner: `(inputs, outputs, reference_outputs) -> {key, score, comment}`.

`outputs` is a `PlannerResult.to_dict()` (`plan`, `problems`, `warnings`, `questions`,
`not_understood`, `adjustments`); `reference_outputs` maps field paths to the values a marketer meant. Paths:

- dotted Meta/plan paths with indexes: `budget.amount_minor`, `ad_sets[1].targeting.age_min`;
- `[*]` collects over a list: `ad_sets[0].targeting.geo_locations.cities[*].name`;
- `len(PATH)`: the length of a list;
- `interests`: names of `ad_sets[0]`'s interests (`...exclusions.interests`: names too); `schedule_days`: days from start to end;
- `languages`: `ad_sets[0]`'s locales as lower-case language names; `go_live`: the plan's
  go-live request (absent = false);
- `start_time` / `end_time` compared by date (`"2026-03-16"`);
- `questions`: the fields the planner asked for (set equality; `[]` = asked nothing);
- `problems`: rule ids that must be among the problems found;
- the capability keys of `evals/capability_keys.py` (`included_audience_kinds`,
  `audience.<kind>.<field>`, `detailed_targeting`, `placements_exclude`, `delivery_estimate`, ...).

A key no resolver understands raises `UnknownKey` naming it (`check_keys`), never scores. A
field the offline evaluation cannot judge (a delivery estimate from Meta) comes back with
`"na"` set and `ok` false: callers count it apart, never as right.

Lists of plain values compare order-insensitively (a marketer's "US and Canada" has no order);
`None` means the field must be absent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from evals import capability_keys
from evals.capability_keys import NotApplicable, check_keys

_MISSING = object()


def _get(node: Any, path: str) -> Any:
    """Resolve a dotted path with [i] and [*] against nested dicts/lists."""
    tokens = re.findall(r"[^.\[\]]+|\[\*\]|\[\d+\]", path)
    values = [node]
    spread = False
    for tok in tokens:
        nxt = []
        for v in values:
            if tok == "[*]":
                spread = True
                nxt.extend(v if isinstance(v, list) else [])
            elif tok.startswith("["):
                i = int(tok[1:-1])
                if isinstance(v, list) and i < len(v):
                    nxt.append(v[i])
            elif isinstance(v, dict) and tok in v:
                nxt.append(v[tok])
        values = nxt
    if spread:
        return values
    return values[0] if values else _MISSING


def _days(plan: dict[str, Any]) -> int | None:
    try:
        start = datetime.fromisoformat(plan["start_time"])
        end = datetime.fromisoformat(plan["end_time"])
    except (KeyError, TypeError, ValueError):
        return None
    return round((end - start).total_seconds() / 86400)


def actual_value(outputs: dict[str, Any], path: str) -> Any:
    """Return the planner's value for an expected-field path (see the module docstring)."""
    plan = outputs.get("plan") or {}
    if capability_keys.is_invented(path):
        return capability_keys.resolve(outputs, path)
    if path == "questions":
        return sorted(q.get("field") if isinstance(q, dict) else str(q)
                      for q in outputs.get("questions") or [])
    if path == "problems":
        return sorted({p.get("rule", "") for p in outputs.get("problems") or []})
    if path in ("interests", "ad_sets[0].targeting.interests"):
        specs = _get(plan, "ad_sets[0].targeting.flexible_spec")
        specs = specs if isinstance(specs, list) else []
        return [i.get("name") for s in specs for i in s.get("interests", [])]
    if path == "schedule_days":
        return _days(plan)
    if path == "go_live":
        return bool(plan.get("go_live", False))
    if path in ("languages", "ad_sets[0].targeting.languages"):
        from agents.orchestrator.planning.people.languages import LOCALE_NAMES

        keys = _get(plan, "ad_sets[0].targeting.locales")
        return [LOCALE_NAMES.get(k, str(k)) for k in keys] if isinstance(keys, list) else []
    if m := re.fullmatch(r"len\((.+)\)", path):
        v = _get(plan, m.group(1))
        return len(v) if isinstance(v, list) else 0
    v = _get(plan, path)
    if path.endswith(".interests") and isinstance(v, list):  # exclusions.interests: names
        return [i.get("name") if isinstance(i, dict) else i for i in v]
    return None if v is _MISSING else v


def matches(path: str, expected: Any, actual: Any, today: str | None = None) -> bool:
    """Tell whether the planner's value is what the marketer meant.

    Dates follow the plan's conventions: an end is the midnight after the last day, so a
    label naming the last day (April 5) matches an end of April 6 00:00; a start of None
    means "on approval", which is `today` (the day the brief is planned).
    """
    if path == "problems":
        return set(expected) <= set(actual or [])
    if isinstance(actual, NotApplicable):
        return False
    if (special := capability_keys.matches(path, expected, actual)) is not None:
        return special
    if path in ("start_time", "end_time"):
        if path == "start_time" and actual is None and today and expected == today[:10]:
            return True
        if path == "end_time" and isinstance(actual, str) and isinstance(expected, str) and \
                actual[10:16] in ("", "T00:00"):
            from datetime import date, timedelta

            try:
                last = date.fromisoformat(actual[:10]) - timedelta(days=1)
            except ValueError:
                last = None
            if last is not None and last.isoformat() == expected[:10]:
                return True
        return expected is None and actual is None or (
            isinstance(actual, str) and isinstance(expected, str) and actual[:10] == expected[:10])
    if expected is None:
        return actual in (None, [], {})
    if isinstance(expected, list) and isinstance(actual, list):
        if all(not isinstance(x, (dict, list)) for x in expected + actual):
            return sorted(map(str, expected)) == sorted(map(str, actual))
        return expected == actual
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, (int, float)) and abs(float(actual) - float(expected)) < 1e-6
    return bool(expected == actual)


def field_results(outputs: dict[str, Any], reference: dict[str, Any],
                  today: str | None = None) -> list[dict[str, Any]]:
    """Return one `{path, expected, actual, ok, na}` per expected field (`today`: see `matches`).

    Raises `UnknownKey` when a key cannot be resolved. `na` is the reason a field cannot be
    judged offline (then `ok` is false and `actual` is None), else None.
    """
    check_keys(reference)
    out = []
    for path, expected in reference.items():
        actual = actual_value(outputs, path)
        na = actual.why if isinstance(actual, NotApplicable) else None
        out.append({"path": path, "expected": expected, "actual": None if na else actual,
                    "ok": not na and matches(path, expected, actual, today), "na": na})
    return out


def _reference(reference_outputs: dict[str, Any] | None) -> dict[str, Any]:
    ref = reference_outputs or {}
    inner = ref.get("expected")
    return inner if isinstance(inner, dict) else ref


def plan_field_accuracy(inputs: dict[str, Any], outputs: dict[str, Any],
                        reference_outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the share of expected plan fields the planner got right, naming the misses."""
    everything = field_results(outputs, _reference(reference_outputs))
    results = [r for r in everything if not r["na"]]
    skipped = [r["path"] for r in everything if r["na"]]
    if not results:
        return {"key": "plan_field_accuracy", "score": 1.0, "comment": "no expected fields"}
    misses = [r for r in results if not r["ok"]]
    comment = "; ".join(f"{r['path']}: expected {r['expected']!r}, got {r['actual']!r}"
                        for r in misses) or "all fields right"
    if skipped:
        comment += f" (not applicable offline: {', '.join(skipped)})"
    return {"key": "plan_field_accuracy", "score": (len(results) - len(misses)) / len(results),
            "comment": comment}


def clarifies_when_missing(inputs: dict[str, Any], outputs: dict[str, Any],
                           reference_outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Score 1 when the planner asks for every missing fact (and nothing when none is missing)."""
    expected = _reference(reference_outputs).get("questions")
    asked = set(actual_value(outputs, "questions"))
    if expected is None:
        return {"key": "clarifies_when_missing", "score": 1.0, "comment": "not checked"}
    if not expected:
        ok = not asked
        comment = "asked nothing, as expected" if ok else f"asked needlessly: {sorted(asked)}"
    else:
        missing = set(expected) - asked
        ok = not missing
        comment = f"asked {sorted(asked)}" if ok else f"did not ask for {sorted(missing)}"
    return {"key": "clarifies_when_missing", "score": 1.0 if ok else 0.0, "comment": comment}
