"""Guardrails: hard money limits checked in code before an approved action reaches Meta.

A guardrail is a *refusal*, not a warning: `check_actions` returns one `Refusal` per action
that would break a cap, and `apply_actions` must not send those actions even when a human
approved them. Only a person changing the policy (the `Policy` in the run's context) lets
them through. Everything here is pure: no I/O, no clock reads (the caller passes `now`).

Caps and their defaults (`Limits`, read from the run's `Policy` by `Limits.from_policy`):

| field | default | meaning |
| --- | --- | --- |
| `max_daily_exposure_minor` | 100_000 | worst-case daily spend exposure of the account after the actions, in minor units of the account currency (100_000 = 1,000.00 USD/EUR/GBP; for zero-decimal currencies such as JPY it is 100,000 yen) |
| `max_budget_change_pct` | 0.2 | largest relative change of one object's budget in one optimise cycle (0.2 = ±20 %) |
| `budget_cooldown_hours` | 24 | hours that must pass between two budget edits of the same object (Meta also caps budget edits at ~4/hour/ad set, and every large edit restarts learning) |
| `allowed_actions` | pause, activate, set_budget, shift_budget, duplicate_ad, rename | action kinds an approved decision may execute at all |
| `forbidden_actions` | delete, archive, edit_targeting, set_bid, raise_spend_cap | kinds that are refused even if also listed as allowed |

**Worst-case daily spend exposure** is what the account could spend in one day if everything
that is switched on delivered its full budget: the sum of the daily budgets of live objects
plus, for live objects with a lifetime budget, the unspent remainder spread evenly over the
remaining (started) days until `end_time`. "Live" means the object's own `status` is ACTIVE
(or unknown — worst case) and so is every ancestor's, and it has not ended. Meta may overspend
a daily budget by up to 25 % on a single day while keeping the weekly average; the cap is on
budgets, so set it with that headroom in mind.

Actions are the approval payload's `action_requests` (`{"name", "args", "description"}`).
The name maps to a kind (`pause_ad` → `pause`, `increase_budget` → `set_budget`, ...);
`args` name the target (`object_id`, or `ad_id` / `adset_id` / `campaign_id`) and, for budget
changes, the new value (`daily_budget` / `lifetime_budget`, optionally with a `_minor`
suffix, or `amount_minor` with `budget_kind`), or `from_id`, `to_id`, `amount_minor` for a
shift of daily budget between two objects. Ad set spend limits under a campaign budget
(`set_adset_spend_limits`, args `daily_spend_cap` / `daily_min_spend_target`) are a
`shift_budget` that moves no exposure (the campaign budget is unchanged); the cool-down applies.

The account snapshot is a mapping: `now` (ISO-8601 or datetime, on the account's clock — the
sandbox's simulated clock when running there), `objects` (campaigns, ad sets and ads as Meta
returns them: `id`, `status`, `daily_budget`, `lifetime_budget`, `budget_remaining`,
`end_time`, `campaign_id` / `adset_id` / `parent_id`) and `budget_edits` (object id → ISO
times of its previous budget edits, on the same clock).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from state.exposure import _exposure, _int, _Obj, _objects, daily_exposure, parse_time

DEFAULT_ALLOWED = frozenset(
    {"pause", "activate", "set_budget", "shift_budget", "duplicate_ad", "rename"}
)
DEFAULT_FORBIDDEN = frozenset({"delete", "archive", "edit_targeting", "set_bid", "raise_spend_cap"})
_POLICY_HINT = (
    "A person must change the policy to allow it: set `{field}` in the run's Policy "
    "(state/context.py Policy, passed in the run context)."
)
_ID_KEYS = ("object_id", "id", "ad_id", "adset_id", "ad_set_id", "campaign_id")
# Ad set spend limits under a campaign budget (CBO): they split a campaign budget that stays
# as it is, so they move no exposure, but count as budget edits (cool-down).
SPEND_LIMIT_KEYS = (
    "daily_spend_cap",
    "daily_min_spend_target",
    "lifetime_spend_cap",
    "lifetime_min_spend_target",
)


@dataclass(frozen=True)
class Limits:
    """The guardrail caps in force for one run (see the module docstring for defaults)."""

    max_daily_exposure_minor: int = 100_000
    max_budget_change_pct: float = 0.2
    budget_cooldown_hours: float = 24.0
    allowed_actions: frozenset[str] = DEFAULT_ALLOWED
    forbidden_actions: frozenset[str] = DEFAULT_FORBIDDEN

    @classmethod
    def from_policy(cls, policy: Any) -> Limits:
        """Read the caps from a `Policy` (object or mapping); missing fields keep defaults."""
        if isinstance(policy, Limits):
            return policy
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = (
                policy.get(f.name) if isinstance(policy, Mapping) else getattr(policy, f.name, None)
            )
            if raw is None:
                continue
            values[f.name] = frozenset(raw) if f.name.endswith("_actions") else raw
        return cls(**values)


@dataclass(frozen=True)
class Refusal:
    """One approved action the guardrails will not let through, and why."""

    index: int
    action: str
    cap: str
    limit: Any
    value: Any
    message: str

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for state and reports."""
        return {
            "index": self.index,
            "action": self.action,
            "cap": self.cap,
            "limit": self.limit,
            "value": self.value,
            "message": self.message,
        }


def action_kind(name: str) -> str:
    """Map an action name (`pause_ad`, `increase_budget`, ...) to its guardrail kind."""
    n = name.strip().lower()
    if n.startswith("pause") or n in {"stop", "turn_off"}:
        return "pause"
    if n.startswith(("activate", "resume", "unpause", "enable")):
        return "activate"
    if "shift" in n or "realloc" in n or "move_budget" in n or "spend_limit" in n:
        return "shift_budget"
    if "spend_cap" in n:
        return "raise_spend_cap"
    if "budget" in n:
        return "set_budget"
    if n.startswith("delete") or n.startswith("remove"):
        return "delete"
    if n.startswith("archive"):
        return "archive"
    if "targeting" in n:
        return "edit_targeting"
    if "bid" in n:
        return "set_bid"
    if n.startswith(("duplicate", "copy")):
        return "duplicate_ad"
    if n.startswith("rename"):
        return "rename"
    return n


def target_id(args: Mapping[str, Any]) -> str | None:
    """Return the id of the object an action acts on, from its args."""
    for key in _ID_KEYS:
        if args.get(key):
            return str(args[key])
    return None


def _budget_change(args: Mapping[str, Any]) -> tuple[str, int] | None:
    for kind in ("daily", "lifetime"):
        for key in (f"{kind}_budget", f"{kind}_budget_minor", f"new_{kind}_budget_minor"):
            if args.get(key) is not None:
                return kind, _int(args[key])
    for key in ("new_budget_minor", "amount_minor", "budget_minor", "new_amount_minor"):
        if args.get(key) is not None:
            kind = str(args.get("budget_kind") or args.get("kind") or "daily")
            return ("lifetime" if kind.startswith("life") else "daily"), _int(args[key])
    return None


def _refuse(i: int, name: str, cap: str, limit: Any, value: Any, why: str) -> Refusal:
    return Refusal(i, name, cap, limit, value, f"{why} {_POLICY_HINT.format(field=cap)}")


def check_actions(
    actions: Sequence[Mapping[str, Any]], policy: Any, account_snapshot: Mapping[str, Any]
) -> list[Refusal]:
    """Return a refusal for every action that would break a cap; empty means all may run.

    Actions that only reduce spend (pauses, budget cuts) never break the exposure cap, and
    are applied first when judging the others, so the order of an approved batch does not
    decide whether a reallocation passes.
    """
    limits = Limits.from_policy(policy)
    now = parse_time(account_snapshot.get("now"))
    if now is None:
        raise ValueError("check_actions: account_snapshot['now'] is required (ISO-8601)")
    objs = _objects(account_snapshot.get("objects") or [])
    edits = {
        str(k): [t for t in (parse_time(x) for x in v) if t is not None]
        for k, v in (account_snapshot.get("budget_edits") or {}).items()
    }
    refusals: list[Refusal] = []
    steps: list[tuple[int, str, list[tuple[str, str, Any]]]] = []
    for i, action in enumerate(actions):
        name = str(action.get("name") or action.get("kind") or action.get("type") or "")
        args = action.get("args") or {}
        kind = action_kind(name)
        if kind in limits.forbidden_actions or name in limits.forbidden_actions:
            refusals.append(
                _refuse(
                    i,
                    name,
                    "forbidden_actions",
                    sorted(limits.forbidden_actions),
                    kind,
                    f"Action {i} `{name}` is a forbidden kind ({kind}).",
                )
            )
            continue
        if kind not in limits.allowed_actions and name not in limits.allowed_actions:
            refusals.append(
                _refuse(
                    i,
                    name,
                    "allowed_actions",
                    sorted(limits.allowed_actions),
                    kind,
                    f"Action {i} `{name}` ({kind}) is not an allowed action kind.",
                )
            )
            continue
        effects = _effects(kind, args, objs)
        if not effects and kind in ("activate", "set_budget", "shift_budget"):
            # A spend-raising kind whose target or amount cannot be read is not checkable.
            refusals.append(
                _refuse(
                    i,
                    name,
                    "allowed_actions",
                    sorted(limits.allowed_actions),
                    kind,
                    f"Action {i} `{name}` names no object or budget the guardrails can "
                    "read (expected object_id/adset_id/campaign_id and a budget value).",
                )
            )
            continue
        budget_refusal = _check_budget(i, name, effects, objs, edits, now, limits)
        if budget_refusal:
            refusals.append(budget_refusal)
            continue
        steps.append((i, name, effects))
    refusals.extend(_check_exposure(steps, objs, now, limits))
    return sorted(refusals, key=lambda r: r.index)


def _effects(
    kind: str, args: Mapping[str, Any], objs: Mapping[str, _Obj]
) -> list[tuple[str, str, Any]]:
    """List the (object id, field, new value) changes one action makes to the snapshot."""
    oid = target_id(args)
    if kind == "pause" and oid:
        return [(oid, "status", "PAUSED")]
    if kind == "activate" and oid:
        return [(oid, "status", "ACTIVE")]
    if kind == "set_budget" and oid:
        change = _budget_change(args)
        return [(oid, change[0], change[1])] if change else []
    if kind == "shift_budget" and oid and any(k in args for k in SPEND_LIMIT_KEYS):
        return [(oid, "spend_limits", {k: args[k] for k in SPEND_LIMIT_KEYS if k in args})]
    if kind == "shift_budget":
        src, dst = args.get("from_id"), args.get("to_id")
        amount = _int(args.get("amount_minor"))
        if src and dst:
            # An id missing from the snapshot is refused by the budget check.
            def daily(oid: str) -> int:
                return objs[oid].daily if oid in objs else 0

            return [
                (str(src), "daily", daily(str(src)) - amount),
                (str(dst), "daily", daily(str(dst)) + amount),
            ]
    return []


def _check_budget(
    i: int,
    name: str,
    effects: list[tuple[str, str, Any]],
    objs: Mapping[str, _Obj],
    edits: Mapping[str, list[datetime]],
    now: datetime,
    limits: Limits,
) -> Refusal | None:
    for oid, fld, new in effects:
        if fld not in ("daily", "lifetime", "spend_limits"):
            continue
        if fld != "spend_limits" and oid not in objs:
            # Without the current budget no cap can be checked: refuse rather than guess.
            return _refuse(
                i,
                name,
                "max_budget_change_pct",
                limits.max_budget_change_pct,
                None,
                f"Action {i} `{name}` changes the budget of {oid}, which is not in the account "
                "snapshot, so the change cannot be checked against the caps.",
            )
        # Spend limits have no budget to compare: only the cool-down below applies to them.
        old = getattr(objs[oid], fld) if fld != "spend_limits" else 0
        if old > 0:
            change = abs(new - old) / old
            if change > limits.max_budget_change_pct + 1e-9:
                return _refuse(
                    i,
                    name,
                    "max_budget_change_pct",
                    limits.max_budget_change_pct,
                    round(change, 4),
                    f"Action {i} `{name}` changes the {fld} budget of {oid} from "
                    f"{old} to {new} ({change:.0%}), above the "
                    f"{limits.max_budget_change_pct:.0%} per-cycle maximum.",
                )
        last = max(edits.get(oid, []), default=None)
        if last is not None:
            since = (now - last) / timedelta(hours=1)
            if since < limits.budget_cooldown_hours:
                return _refuse(
                    i,
                    name,
                    "budget_cooldown_hours",
                    limits.budget_cooldown_hours,
                    round(since, 2),
                    f"Action {i} `{name}` edits the budget of {oid} {since:.1f} h after "
                    f"its last budget edit; the cool-down is "
                    f"{limits.budget_cooldown_hours:g} h.",
                )
    return None


def _check_exposure(
    steps: list[tuple[int, str, list[tuple[str, str, Any]]]],
    objs: dict[str, _Obj],
    now: datetime,
    limits: Limits,
) -> list[Refusal]:
    sim = {k: _Obj(**vars(v)) for k, v in objs.items()}
    before = _exposure(sim, now)

    def apply(effects: list[tuple[str, str, Any]]) -> None:
        for oid, fld, new in effects:
            if fld == "spend_limits":
                continue  # the campaign budget, hence the exposure, is unchanged
            obj = sim.setdefault(oid, _Obj(id=oid, parent=None, status=None))
            if fld == "lifetime" and obj.remaining is not None:
                obj.remaining += new - obj.lifetime  # what was spent stays spent
            setattr(obj, fld, new)

    def delta(effects: list[tuple[str, str, Any]]) -> int:
        saved = {oid: _Obj(**vars(sim[oid])) for oid, _, _ in effects if oid in sim}
        base = _exposure(sim, now)
        apply(effects)
        after = _exposure(sim, now)
        for oid, _, _ in effects:
            if oid in saved:
                sim[oid] = saved[oid]
            else:
                sim.pop(oid, None)
        return after - base

    # Spend reductions first: they always pass, and make room for the increases after them.
    ordered = sorted(steps, key=lambda s: (delta(s[2]) > 0, s[0]))
    refusals: list[Refusal] = []
    current = before
    for i, name, effects in ordered:
        d = delta(effects)
        if d > 0 and current + d > limits.max_daily_exposure_minor:
            refusals.append(
                _refuse(
                    i,
                    name,
                    "max_daily_exposure_minor",
                    limits.max_daily_exposure_minor,
                    current + d,
                    f"Action {i} `{name}` would raise the account's worst-case daily spend exposure "
                    f"from {current} to {current + d} minor units, above the cap of "
                    f"{limits.max_daily_exposure_minor}.",
                )
            )
            continue
        apply(effects)
        current += d
    return refusals


def format_refusals(refusals: Sequence[Refusal]) -> str:
    """One line per refusal, for the CLI and the re-interrupt message."""
    return "\n".join(f"- {r.message}" for r in refusals)


__all__ = [
    "SPEND_LIMIT_KEYS",
    "Limits",
    "Refusal",
    "action_kind",
    "check_actions",
    "daily_exposure",
    "format_refusals",
    "parse_time",
    "target_id",
]
