"""The one money gate: every write that can raise spend passes `gate()` before it is sent.

Longer than 300 lines because the gate is one pure function over every cap, and the caps must be
read together to judge one write.

`gate(actions, policy, snapshot) -> GateResult` is pure (no I/O, no clock): it takes typed
`MoneyAction`s (`state/money.py`), the run's `Policy` (`state/policy.py`) and the account's
live state as Meta reports it (`tools/money.py::account_state` reads it: every campaign and ad
set of the account, adpilot's or not), and returns one `GatePass` per action it lets through
and one `Refusal` per action that would break a cap. A refusal is final: only a person
changing the policy file lets the action through; no flag, auto-approval or caller can.

Caps (`Policy` fields; defaults in brackets):

| field | refuses |
| --- | --- |
| `max_daily_exposure_minor` [100000] | a write after which the account's worst-case daily spend (`state/exposure.py`: live daily budgets × 1.75 for Meta's overspend + lifetime budgets spread per remaining day) is above the cap and higher than before |
| `max_campaign_daily_budget_minor` [50000] | a write that raises one campaign's daily budget (its own or its ad sets' sum, lifetime spread per day, live or paused) above the cap |
| `max_budget_change_pct` [0.2] | a budget change of one object by more than ±20 % in one step |
| `budget_cooldown_hours` [24] | a budget or spend-limit edit of an object edited less than 24 h ago |
| `allowed_actions` / `forbidden_actions` | optimise action kinds the policy does not allow (creates of a launch are judged by the caps only) |

Spend cuts (pauses, lower budgets) never break the exposure or campaign caps and are judged
first, so an approved reallocation passes whatever order it was listed in. An undo restoring a
lower budget skips the per-step and cool-down caps (it only takes money off the table).

A `GatePass` is sealed with a key made fresh in each process: it cannot be built from JSON,
state or a resume value, and `tools/meta_client.py` sends a spend-raising request only with a
pass covering exactly that request. The snapshot is a mapping: `now` (on the account's clock),
`currency`, `objects` (campaigns and ad sets as Meta lists them: `id`, `status`,
`daily_budget`, `lifetime_budget`, `budget_remaining`, `start_time`, `end_time`/`stop_time`,
`campaign_id`, `daily_spend_cap`) and `budget_edits` (object id → ISO times of earlier budget
edits, on the same clock).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from state.exposure import (
    META_DAILY_OVERSPEND,
    AccountObject,
    campaign_budget_of,
    campaign_daily_budget,
    campaign_of,
    daily_exposure,
    exposure_of,
    parse_objects,
    parse_time,
)
from state.money import (
    SPEND_LIMIT_KEYS,
    MoneyAction,
    MoneyActionError,
    UngatedSpendError,
    action_kind,
    request_digest,
    spend_reason,
)
from state.policy import MAX_POLICY_MONEY_MINOR, POLICY_MONEY_FIELDS, Policy, as_policy
from state.rules import format_money

SANITY_MULTIPLE = 10  # a launch's daily budget above 10× the account's best day is spelled out
_RAISING = ("activate", "set_budget", "set_spend_limits", "set_schedule", "copy")

# -- passes ----------------------------------------------------------------------------------

# Made fresh per process and never stored, so a pass cannot come from JSON (state, a resume
# value, an MCP call) or from another process.
_SEAL_KEY = os.urandom(32)


def _seal(request: str, policy: str) -> str:
    return hmac.new(_SEAL_KEY, f"{request}:{policy}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class GatePass:
    """Proof that `gate()` passed one exact request under one policy, in this process."""

    request_digest: str
    policy_digest: str
    seal: str

    def covers(self, path: str, params: Mapping[str, Any], plan_key: str | None = None) -> bool:
        """Tell whether this pass is genuine and was issued for exactly this request."""
        if not hmac.compare_digest(self.seal, _seal(self.request_digest, self.policy_digest)):
            return False
        return hmac.compare_digest(self.request_digest, request_digest(path, params, plan_key))

    def __repr__(self) -> str:
        return f"GatePass(request={self.request_digest[:12]}, policy={self.policy_digest[:12]})"


def _issue(action: MoneyAction, policy_digest: str) -> GatePass:
    digest = action.request_digest()
    return GatePass(digest, policy_digest, _seal(digest, policy_digest))


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """One action the gate will not let through: the cap, the numbers, and how to allow it."""

    index: int
    action: str
    cap: str
    limit: Any
    value: Any
    message: str
    object_id: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for state, the ledger and reports."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class GateResult:
    """The gate's verdict on a batch of actions."""

    actions: tuple[MoneyAction, ...]
    passes: tuple[GatePass | None, ...]
    refusals: tuple[Refusal, ...]
    policy_digest: str
    exposure_before: int
    exposure_after: int
    currency: str
    cap: int
    now: datetime | None = None  # the account clock it judged at (lifetime budgets per day from it)

    @property
    def ok(self) -> bool:
        """True when nothing was refused."""
        return not self.refusals

    def passes_by_key(self) -> dict[str, GatePass]:
        """Return the passes of creates by plan key (what `tools.launch.launch_tree` takes)."""
        return {a.key: p for a, p in zip(self.actions, self.passes, strict=True)
                if a.key and p is not None}

    def summary(self) -> dict[str, Any]:
        """JSON-friendly verdict for state and the card."""
        return {"ok": self.ok, "policy_digest": self.policy_digest, "currency": self.currency,
                "exposure_before_minor": self.exposure_before,
                "exposure_after_minor": self.exposure_after, "cap_minor": self.cap,
                "refusals": [r.as_dict() for r in self.refusals],
                **({"at": self.now.isoformat()} if self.now is not None else {})}


# -- the gate --------------------------------------------------------------------------------


@dataclass
class _Judge:
    policy: Policy
    currency: str
    now: datetime

    def money(self, minor: int) -> str:
        return format_money(int(minor), self.currency)

    def hint(self, field: str, needed: Any) -> str:
        if field in POLICY_MONEY_FIELDS and needed > MAX_POLICY_MONEY_MINOR:
            return (f"Nothing was sent. No policy can allow it: the largest {field} a policy may "
                    f"set is {MAX_POLICY_MONEY_MINOR} ({self.money(MAX_POLICY_MONEY_MINOR)}).")
        if field == "max_budget_change_pct" and needed > 1:
            return ("Nothing was sent. No policy can allow it in one step (max_budget_change_pct"
                    " is at most 1 = 100 %): make the change in smaller steps.")
        return (f"Nothing was sent. To allow it, a person sets \"{field}\": {needed} (or more) in "
                f"{self.policy.where}.")

    def refuse(self, i: int, a: MoneyAction, cap: str, limit: Any, value: Any, why: str,
               hint: str) -> Refusal:
        return Refusal(i, a.name, cap, limit, value, f"Refused: {why} {hint}", a.object_id, a.key)


def _what(a: MoneyAction, judge: _Judge) -> str:
    target = f"{a.object_type or 'object'} {a.object_id}"
    if a.kind in ("create_campaign", "create_adset"):
        budget = (f" with a daily budget of {judge.money(a.daily_budget)}" if a.daily_budget
                  else f" with a lifetime budget of {judge.money(a.lifetime_budget)}"
                  if a.lifetime_budget else "")
        live = " (counted live: the approval says go live)" if a.live else ""
        kind = "campaign" if a.kind == "create_campaign" else "ad set"
        return f"creating {kind} “{a.label or a.key}”{budget}{live}"
    if a.kind == "set_budget":
        which = "daily" if a.daily_budget is not None else "lifetime"
        value = a.daily_budget if a.daily_budget is not None else a.lifetime_budget
        return f"setting the {which} budget of {target} to {judge.money(value or 0)}"
    if a.kind == "set_spend_limits":
        limits = ", ".join(f"{k} {judge.money(getattr(a, k))}" for k in SPEND_LIMIT_KEYS
                           if getattr(a, k) is not None)
        return f"setting the spend limits of {target} ({limits})"
    verbs = {"activate": "activating", "pause": "pausing", "set_schedule": "moving the end of",
             "copy": "copying"}
    return f"{verbs.get(a.kind, a.name)} {target}"


def _sim_id(ref: str | None, sim: Mapping[str, AccountObject]) -> str | None:
    if ref is None:
        return None
    return ref if ref in sim else f"new:{ref}"


def _apply(sim: dict[str, AccountObject], a: MoneyAction) -> str | None:
    """Apply `a` to the simulated account; return the campaign it touches (if any)."""
    if a.kind in ("create_campaign", "create_adset"):
        oid = f"new:{a.key}"
        parent = _sim_id(a.parent_id, sim) if a.kind == "create_adset" else None
        sim[oid] = AccountObject(id=oid, parent=parent, status="ACTIVE" if a.live else "PAUSED",
                                 type="campaign" if a.kind == "create_campaign" else "adset",
                                 daily=a.daily_budget or 0, lifetime=a.lifetime_budget or 0,
                                 start=parse_time(a.start_time), end=parse_time(a.end_time),
                                 spend_cap=a.daily_spend_cap or 0)
        return oid if parent is None else campaign_of(parent, sim) or parent
    obj = sim.get(str(a.object_id))
    if obj is None:
        return None  # an ad (or an object the caller already refused as unknown)
    if a.kind in ("activate", "pause"):
        obj.status = a.status
    elif a.kind == "set_budget":
        if a.daily_budget is not None:
            obj.daily = a.daily_budget
        if a.lifetime_budget is not None:
            if obj.remaining is not None:
                obj.remaining += a.lifetime_budget - obj.lifetime  # what was spent stays spent
            obj.lifetime = a.lifetime_budget
    elif a.kind == "set_spend_limits" and a.daily_spend_cap is not None:
        obj.spend_cap = a.daily_spend_cap
    elif a.kind == "set_schedule":
        obj.end = parse_time(a.end_time)
    elif a.kind == "copy" and obj.type == "adset":
        copy = obj.copy()
        copy.id = f"copy:{obj.id}"
        copy.status = "ACTIVE" if (a.status_option or "PAUSED").upper() != "PAUSED" else "PAUSED"
        sim[copy.id] = copy
    return campaign_of(obj.id, sim)


def _trial(sim: Mapping[str, AccountObject],
           a: MoneyAction) -> tuple[dict[str, AccountObject], str | None]:
    trial = {k: v.copy() for k, v in sim.items()}
    return trial, _apply(trial, a)


def _precheck(i: int, a: MoneyAction, objs: Mapping[str, AccountObject],
              edits: Mapping[str, list[datetime]], keys: set[str], j: _Judge) -> Refusal | None:
    pol = j.policy
    if a.kind not in ("create_campaign", "create_adset"):
        kinds = sorted(pol.forbidden_actions)
        if a.policy_kind in pol.forbidden_actions or a.name in pol.forbidden_actions:
            return j.refuse(i, a, "forbidden_actions", kinds, a.policy_kind,
                            f"`{a.name}` is a {a.policy_kind} action, which the policy forbids "
                            f"(forbidden_actions = {kinds}).",
                            f"Nothing was sent. To allow it, a person removes \"{a.policy_kind}\""
                            f" from forbidden_actions in {pol.where}.")
        if a.policy_kind not in pol.allowed_actions and a.name not in pol.allowed_actions:
            allowed = sorted(pol.allowed_actions)
            return j.refuse(i, a, "allowed_actions", allowed, a.policy_kind,
                            f"`{a.name}` ({a.policy_kind}) is not an allowed action kind "
                            f"(allowed_actions = {allowed}).",
                            f"Nothing was sent. To allow it, a person adds \"{a.policy_kind}\" to "
                            f"allowed_actions in {pol.where}.")
        if a.kind == "other":
            return j.refuse(i, a, "allowed_actions", sorted(pol.allowed_actions), a.policy_kind,
                            f"adpilot has no writer for `{a.name}`.", "Nothing was sent.")
    if a.kind == "create_adset" and a.parent_id not in objs and a.parent_id not in keys:
        return j.refuse(i, a, "max_campaign_daily_budget_minor",
                        pol.max_campaign_daily_budget_minor, None,
                        f"{_what(a, j)} names campaign {a.parent_id}, which is neither in the "
                        "account nor created in this launch.", "Nothing was sent.")
    unknown = a.object_id is not None and a.object_id not in objs
    if a.kind in _RAISING and unknown and a.object_type != "ad":  # ads hold no budget
        return j.refuse(i, a, "max_daily_exposure_minor", pol.max_daily_exposure_minor, None,
                        f"{_what(a, j)}: {a.object_id} is not among the account's campaigns and "
                        "ad sets as Meta lists them now, so its effect on the caps cannot be "
                        "computed.", "Nothing was sent.")
    if a.kind not in ("set_budget", "set_spend_limits") or a.object_id is None:
        return None
    obj = objs[a.object_id]
    new = a.daily_budget if a.daily_budget is not None else a.lifetime_budget
    old = obj.daily if a.daily_budget is not None else obj.lifetime
    if a.restore and a.kind == "set_budget" and new is not None and new <= old:
        return None  # an undo that lowers a budget only takes money off the table
    if a.kind == "set_budget" and old > 0 and new is not None:
        change = abs(new - old) / old
        if change > pol.max_budget_change_pct + 1e-9:
            return j.refuse(i, a, "max_budget_change_pct", pol.max_budget_change_pct,
                            round(change, 4),
                            f"{_what(a, j)} changes it by {change:.0%} (from {j.money(old)}), "
                            f"above max_budget_change_pct = {pol.max_budget_change_pct:g} "
                            f"(±{pol.max_budget_change_pct:.0%} per step).",
                            j.hint("max_budget_change_pct", math.ceil(change * 100) / 100))
    last = max(edits.get(a.object_id, []), default=None)
    if last is not None:
        since = (j.now - last) / timedelta(hours=1)
        if since < pol.budget_cooldown_hours:
            free_at = last + timedelta(hours=pol.budget_cooldown_hours)
            return j.refuse(i, a, "budget_cooldown_hours", pol.budget_cooldown_hours,
                            round(since, 2),
                            f"{_what(a, j)} comes {since:.1f} h after its last budget edit; "
                            f"budget_cooldown_hours = {pol.budget_cooldown_hours:g} asks for "
                            f"{pol.budget_cooldown_hours:g} h between budget edits of one object.",
                            f"Nothing was sent. Ask again after {free_at:%Y-%m-%d %H:%M} UTC "
                            f"({pol.budget_cooldown_hours - since:.1f} h from now); to allow "
                            "it sooner, a person sets \"budget_cooldown_hours\": "
                            f"{max(0, math.floor(since))} in {pol.where}.")
    return None


def _twice(i: int, a: MoneyAction, batched: dict[str, int], j: _Judge) -> Refusal | None:
    """Refuse a second budget edit of one object in one batch.

    Each edit is judged against the budget Meta has now, so two +20% steps sent together
    would make +44% in one go and skip the cooldown between them: the later one waits.
    """
    if a.kind not in ("set_budget", "set_spend_limits") or a.object_id is None:
        return None
    first = batched.setdefault(a.object_id, i)
    if first == i:
        return None
    pol = j.policy
    return j.refuse(i, a, "budget_cooldown_hours", pol.budget_cooldown_hours, 0,
                    f"{_what(a, j)}: action #{first + 1} of this batch already changes the budget "
                    f"of {a.object_id}; one budget edit per object at a time (each is judged "
                    "against the budget Meta has now, so two steps together would skip the "
                    "step and cooldown limits).", "Nothing was sent for this one. Ask again "
                    f"after the first edit has landed and {pol.budget_cooldown_hours:g} h passed.")


def gate(actions: Sequence[MoneyAction], policy: Any, snapshot: Mapping[str, Any]) -> GateResult:
    """Judge `actions` against every cap of `policy` on the account `snapshot` (pure)."""
    pol = as_policy(policy)
    now = parse_time(snapshot.get("now"))
    if now is None:
        raise ValueError("gate: snapshot['now'] is required (ISO-8601 on the account clock)")
    j = _Judge(pol, str(snapshot.get("currency") or "USD"), now)
    objs = parse_objects(snapshot.get("objects") or [])
    edits = {str(k): [t for t in (parse_time(x) for x in v) if t is not None]
             for k, v in (snapshot.get("budget_edits") or {}).items()}
    keys = {a.key for a in actions if a.kind == "create_campaign" and a.key}
    refused: dict[int, Refusal] = {}
    batched: dict[str, int] = {}  # object id -> the action of this batch that edits its budget
    for i, a in enumerate(actions):
        if (r := _precheck(i, a, objs, edits, keys, j)) is None:
            r = _twice(i, a, batched, j)
        if r is not None:
            refused[i] = r
    sim = {k: v.copy() for k, v in objs.items()}
    before = current = exposure_of(sim, now)

    def raises(i: int) -> bool:
        trial, _ = _trial(sim, actions[i])
        return exposure_of(trial, now) > current

    # Cuts first (they always pass and make room), then the rest in the order given.
    for i in sorted((i for i in range(len(actions)) if i not in refused),
                    key=lambda i: (raises(i), i)):
        a = actions[i]
        trial, camp = _trial(sim, a)
        after = exposure_of(trial, now)
        if after > current and after > pol.max_daily_exposure_minor:
            refused[i] = j.refuse(
                i, a, "max_daily_exposure_minor", pol.max_daily_exposure_minor, after,
                f"{_what(a, j)} would raise the account's worst-case daily spend from "
                f"{j.money(current)} to {j.money(after)}, above max_daily_exposure_minor = "
                f"{pol.max_daily_exposure_minor} ({j.money(pol.max_daily_exposure_minor)}). "
                f"Worst case = every live campaign and ad set in the account, adpilot's or not: "
                f"daily budgets × {1 + META_DAILY_OVERSPEND:g} (Meta may spend up to "
                f"{META_DAILY_OVERSPEND:.0%} over a daily budget on one day) + lifetime budgets' "
                "remainder per remaining day.", j.hint("max_daily_exposure_minor", after))
            continue
        if camp is not None:
            was = campaign_budget_of(sim, camp, now)
            now_budget = campaign_budget_of(trial, camp, now)
            cap = pol.max_campaign_daily_budget_minor
            if now_budget > was and now_budget > cap:
                name = "the new campaign" if camp.startswith("new:") else f"campaign {camp}"
                refused[i] = j.refuse(
                    i, a, "max_campaign_daily_budget_minor", cap, now_budget,
                    f"{_what(a, j)} would make {name}'s daily budget {j.money(now_budget)} (its "
                    "own, or its ad sets' together; lifetime budgets per day), above "
                    f"max_campaign_daily_budget_minor = {cap} ({j.money(cap)}).",
                    j.hint("max_campaign_daily_budget_minor", now_budget))
                continue
        sim, current = trial, after
    digest = pol.digest()
    passes = tuple(None if i in refused else _issue(a, digest) for i, a in enumerate(actions))
    return GateResult(tuple(actions), passes, tuple(refused[i] for i in sorted(refused)), digest,
                      before, current, j.currency, pol.max_daily_exposure_minor, now)


def adoption_refusals(campaign_id: str, policy: Any, snapshot: Mapping[str, Any],
                      *, name: str | None = None) -> list[Refusal]:
    """Judge adopting an existing campaign into the optimise loop (`adpilot watch`); pure.

    Adopting hands the campaign's spend to adpilot's loop, so the campaign is judged as if it
    ran (a paused one counted live; its ad sets as Meta has them): refused when that puts the account's worst-case daily spend above
    `max_daily_exposure_minor`, or the campaign's daily budget above
    `max_campaign_daily_budget_minor` — whether or not the cap is already broken today.
    """
    pol = as_policy(policy)
    now = parse_time(snapshot.get("now"))
    if now is None:
        raise ValueError("adoption_refusals: snapshot['now'] is required")
    j = _Judge(pol, str(snapshot.get("currency") or "USD"), now)
    objs = parse_objects(snapshot.get("objects") or [])
    label = f"adopting campaign “{name}” ({campaign_id})" if name else f"adopting campaign {campaign_id}"
    action = MoneyAction(kind="activate", name="adopt_campaign", policy_kind="activate",
                         object_id=str(campaign_id), object_type="campaign", status="ACTIVE",
                         label=name)
    if str(campaign_id) not in objs:
        return [j.refuse(0, action, "max_daily_exposure_minor", pol.max_daily_exposure_minor, None,
                         f"{label}: it is not among the account's campaigns as Meta lists them "
                         "now, so its effect on the caps cannot be computed.",
                         "Nothing was adopted: check the id and the --account.")]
    sim = {k: v.copy() for k, v in objs.items()}
    sim[str(campaign_id)].status = "ACTIVE"  # as if running; its ad sets as Meta has them
    out: list[Refusal] = []
    after = exposure_of(sim, now)
    if after > pol.max_daily_exposure_minor:
        out.append(j.refuse(
            0, action, "max_daily_exposure_minor", pol.max_daily_exposure_minor, after,
            f"{label} would leave the account's worst-case daily spend at {j.money(after)} with "
            f"it running, above max_daily_exposure_minor = {pol.max_daily_exposure_minor} "
            f"({j.money(pol.max_daily_exposure_minor)}): adpilot does not take over spend its "
            "policy does not allow.", j.hint("max_daily_exposure_minor", after)))
    budget = campaign_budget_of(sim, str(campaign_id), now)
    if budget > pol.max_campaign_daily_budget_minor:
        out.append(j.refuse(
            0, action, "max_campaign_daily_budget_minor", pol.max_campaign_daily_budget_minor,
            budget, f"{label}: its daily budget is {j.money(budget)} (its own, or its ad sets' "
            f"together), above max_campaign_daily_budget_minor = "
            f"{pol.max_campaign_daily_budget_minor} "
            f"({j.money(pol.max_campaign_daily_budget_minor)}).",
            j.hint("max_campaign_daily_budget_minor", budget)))
    return out


def spend_sanity(daily_minor: int, best_day_minor: int, currency: str) -> dict[str, Any] | None:
    """Spell out a launch budget above 10× the account's largest day of the last 30 (or None)."""
    if best_day_minor <= 0 or daily_minor <= SANITY_MULTIPLE * best_day_minor:
        return None
    ratio = daily_minor / best_day_minor
    text = (f"This plan spends {format_money(daily_minor, currency)} a day, {ratio:,.0f}× the "
            "most this account has spent in a day in the last 30 days "
            f"({format_money(best_day_minor, currency)}).")
    return {"daily_minor": int(daily_minor), "best_day_minor": int(best_day_minor),
            "ratio": round(ratio, 1), "currency": currency, "text": text}


def format_refusals(refusals: Sequence[Refusal | Mapping[str, Any]]) -> str:
    """One line per refusal, for the CLI and messages."""
    return "\n".join(f"- {r['message'] if isinstance(r, Mapping) else r.message}"
                     for r in refusals)


__all__ = [
    "META_DAILY_OVERSPEND",
    "SANITY_MULTIPLE",
    "SPEND_LIMIT_KEYS",
    "GatePass",
    "GateResult",
    "MoneyAction",
    "MoneyActionError",
    "Refusal",
    "UngatedSpendError",
    "action_kind",
    "as_policy",
    "campaign_daily_budget",
    "daily_exposure",
    "format_refusals",
    "gate",
    "parse_time",
    "spend_reason",
    "spend_sanity",
]
