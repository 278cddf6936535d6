"""The typed money action the gate judges and the writer sends, and which requests need a pass.

`MoneyAction` is one write that can change spend, with its ONE target and its exact new
values: the money gate (`state/guardrails.py::gate`) reads it, and the writers
(`tools/money.py::apply_update`, the launcher, the activation batch) send exactly what it
says, so the two cannot disagree about what is changed or where. Approved or edited optimise
actions become one with `MoneyAction.from_action(name, args)`, which refuses — naming the
field — args that name two different objects (`object_id` vs `adset_id`), unknown keys, or
money that is not a whole, non-negative number of minor units. It never guesses.

`spend_reason(method, path, params)` tells whether a Graph request can raise spend (creating a
campaign or ad set with a budget or ACTIVE, activating anything, setting a budget, a spend cap
or limit, an end time, any `/copies`); `tools/meta_client.py` refuses such a request unless it
carries a `state.guardrails.GatePass` (issued only by the gate) covering exactly that request.
Pauses, deletes, reads and `validate_only` dry runs never need one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from state.provenance import display_name

SPEND_LIMIT_KEYS = (
    "daily_spend_cap",
    "daily_min_spend_target",
    "lifetime_spend_cap",
    "lifetime_min_spend_target",
)
BUDGET_KEYS = ("daily_budget", "lifetime_budget")
# Request fields whose value can change spend; a pass covers a request's values of these.
MONEY_FIELDS = ("status", *BUDGET_KEYS, "spend_cap", *SPEND_LIMIT_KEYS, "end_time", "stop_time",
                "status_option")
_ID_KEYS: dict[str, str | None] = {"object_id": None, "id": None, "ad_id": "ad",
                                   "adset_id": "adset", "ad_set_id": "adset",
                                   "campaign_id": "campaign"}
_VALUE_KEYS = ("status", *BUDGET_KEYS, *SPEND_LIMIT_KEYS, "end_time")
_CREATE_EDGES = {"campaign": "campaigns", "adset": "adsets"}

Kind = Literal["create_campaign", "create_adset", "activate", "pause", "set_budget",
               "set_spend_limits", "set_schedule", "copy", "other"]
Minor = int | None


class MoneyActionError(ValueError):
    """An action that cannot be read as one typed money action; the message names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UngatedSpendError(RuntimeError):
    """A request that can raise spend reached the client without a gate pass covering it."""


def action_kind(name: str) -> str:
    """Map an action name (`pause_ad`, `increase_budget`, ...) to its policy kind."""
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


def _level_of_name(name: str) -> str | None:
    n = name.lower()
    if "ad_set" in n or "adset" in n:
        return "adset"
    if "campaign" in n:
        return "campaign"
    if n.endswith("_ad") or "_ad_" in n:
        return "ad"
    return None


class MoneyAction(BaseModel):
    """One write that can change spend: its one target and its exact new values (minor units)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    kind: Kind
    name: str = Field(description="the action's name as approved, e.g. set_adset_budget")
    policy_kind: str = Field(description="the Policy's vocabulary: pause, activate, set_budget…")
    object_id: str | None = Field(default=None, description="the one object (None: a create)")
    object_type: Literal["campaign", "adset", "ad"] | None = None
    key: str | None = Field(default=None, description="a create's plan key (provenance tag)")
    parent_id: str | None = Field(default=None, description="an ad set's campaign (id or key); "
                                  "an ad's ad set; a copy's destination ad set")
    account_id: str | None = Field(default=None, description="creates: the receiving account")
    live: bool = Field(default=False, description="creates: counted live (the approval goes live)")
    label: str | None = Field(default=None, description="a human name for messages")
    status: Literal["ACTIVE", "PAUSED"] | None = None
    daily_budget: Minor = Field(default=None, ge=0)
    lifetime_budget: Minor = Field(default=None, ge=0)
    spend_cap: Minor = Field(default=None, ge=0)
    daily_spend_cap: Minor = Field(default=None, ge=0)
    daily_min_spend_target: Minor = Field(default=None, ge=0)
    lifetime_spend_cap: Minor = Field(default=None, ge=0)
    lifetime_min_spend_target: Minor = Field(default=None, ge=0)
    start_time: str | None = None
    end_time: str | None = None
    status_option: str | None = None
    restore: bool = Field(default=False, description="an undo restoring recorded before-values")

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_action(cls, name: str, args: Any) -> MoneyAction:
        """Read an approved or edited optimise action strictly; raise `MoneyActionError`."""
        if not isinstance(name, str) or not name.strip():
            raise MoneyActionError("the action has no name", "name")
        if not isinstance(args, Mapping):
            raise MoneyActionError(f"`{name}`: args must be an object", "args")
        unknown = sorted(str(k) for k in set(args) - set(_ID_KEYS) - set(_VALUE_KEYS))
        if unknown:
            raise MoneyActionError(
                f"`{name}`: unknown field(s) {', '.join(unknown)} in args; an action may name "
                f"its object ({', '.join(_ID_KEYS)}) and {', '.join(_VALUE_KEYS)}", unknown[0])
        ids = {k: args[k] for k in _ID_KEYS if k in args}
        for key, value in ids.items():
            if isinstance(value, bool) or not isinstance(value, str | int) or not str(value):
                raise MoneyActionError(f"`{name}`: {key} must be an object id, got {value!r}", key)
        distinct = sorted({str(v) for v in ids.values()})
        if len(distinct) > 1:
            named = " and ".join(f"{k}={v}" for k, v in ids.items())
            raise MoneyActionError(
                f"`{name}` names {len(distinct)} different objects ({named}); an action acts on "
                "exactly one object: edit it to name one", next(iter(ids)))
        if not distinct:
            raise MoneyActionError(f"`{name}` names no object: give ad_id, adset_id or "
                                   "campaign_id", "args")
        levels = {lv for k in ids if (lv := _ID_KEYS[k])}
        by_name = _level_of_name(name)
        if len(levels) > 1 or (by_name and levels and by_name not in levels):
            raise MoneyActionError(
                f"`{name}` acts on {'/'.join(sorted(levels | ({by_name} if by_name else set())))}"
                f" at once ({', '.join(ids)}): name the {by_name or 'object'} with its own key",
                next(iter(ids)))
        values: dict[str, Any] = {}
        for key in (*BUDGET_KEYS, *SPEND_LIMIT_KEYS):
            if key in args:
                value = args[key]
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise MoneyActionError(
                        f"`{name}`: {key} must be a whole, non-negative number of minor units "
                        f"of the account currency (5000 = 50.00 USD), got {value!r}", key)
                values[key] = value
        if "end_time" in args:
            if not isinstance(args["end_time"], str):
                raise MoneyActionError(f"`{name}`: end_time must be an ISO-8601 time", "end_time")
            values["end_time"] = args["end_time"]
        status = args.get("status")
        if status is not None and status not in ("ACTIVE", "PAUSED"):
            raise MoneyActionError(f"`{name}`: status must be ACTIVE or PAUSED, got {status!r}",
                                   "status")
        policy_kind = action_kind(name)
        base: dict[str, Any] = {"name": name, "policy_kind": policy_kind,
                                "object_id": distinct[0], "object_type": by_name or
                                next(iter(levels), None)}
        kind = cls._kind_for(name, policy_kind, status, values)
        if kind in ("pause", "activate"):
            base["status"] = "PAUSED" if kind == "pause" else "ACTIVE"
        elif status is not None:
            raise MoneyActionError(f"`{name}` changes money, not status: remove status", "status")
        return cls(kind=kind, **base, **values)

    @staticmethod
    def _kind_for(name: str, policy_kind: str, status: Any, values: dict[str, Any]) -> Kind:
        budgets = [k for k in BUDGET_KEYS if k in values]
        limits = [k for k in SPEND_LIMIT_KEYS if k in values]
        if policy_kind in ("pause", "activate"):
            want = "PAUSED" if policy_kind == "pause" else "ACTIVE"
            if status not in (None, want):
                raise MoneyActionError(f"`{name}`: status must be {want}, got {status!r}",
                                       "status")
            extra = budgets + limits + (["end_time"] if "end_time" in values else [])
            if extra:
                raise MoneyActionError(f"`{name}` changes status only: remove {', '.join(extra)}",
                                       extra[0])
            return policy_kind  # type: ignore[return-value]
        if policy_kind == "set_budget":
            if len(budgets) != 1 or limits:
                raise MoneyActionError(f"`{name}` needs exactly one of daily_budget or "
                                       "lifetime_budget (minor units)", "daily_budget")
            return "set_budget"
        if policy_kind == "shift_budget" and limits:
            if budgets:
                raise MoneyActionError(f"`{name}` sets spend limits: remove {budgets[0]}",
                                       budgets[0])
            return "set_spend_limits"
        if budgets or limits:
            first = (budgets + limits)[0]
            raise MoneyActionError(f"`{name}` is not a budget action: remove {first}", first)
        return "other"

    @classmethod
    def create(cls, object_type: str, key: str | None, params: Mapping[str, Any], *, account_id: str,
               parent_id: str | None = None, live: bool = False) -> MoneyAction:
        """Build a campaign or ad set create from its Meta create params (the launcher's tree)."""
        kind: Kind = "create_campaign" if object_type == "campaign" else "create_adset"
        money = {k: params[k] for k in (*BUDGET_KEYS, "spend_cap", *SPEND_LIMIT_KEYS)
                 if params.get(k) is not None}
        for k, v in money.items():
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise MoneyActionError(f"{object_type} {key}: {k} must be whole minor units "
                                       f"≥ 0, got {v!r}", k)
        return cls(kind=kind, name=f"create_{object_type}", policy_kind="launch",
                   object_type=object_type, key=key, account_id=account_id,  # type: ignore[arg-type]
                   parent_id=parent_id, live=live,
                   label=display_name(str(params.get("name") or key)).strip(),
                   status=params.get("status", "PAUSED"),
                   start_time=_str_or_none(params.get("start_time")),
                   end_time=_str_or_none(params.get("stop_time" if kind == "create_campaign"
                                                     else "end_time")),
                   **money)

    # -- the request it becomes ---------------------------------------------------------------

    @property
    def path(self) -> str:
        """The Graph path the write goes to (an object id, a create edge, or `/copies`)."""
        if self.kind in ("create_campaign", "create_adset"):
            edge = _CREATE_EDGES["campaign" if self.kind == "create_campaign" else "adset"]
            return f"{self.account_id}/{edge}"
        if self.kind == "copy":
            return f"{self.object_id}/copies"
        return str(self.object_id)

    def params(self) -> dict[str, Any]:
        """Return the money fields of the request, exactly as the writer sends them."""
        keys = ("status", *BUDGET_KEYS, "spend_cap", *SPEND_LIMIT_KEYS, "status_option")
        out = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        if self.end_time is not None:  # a campaign's end is `stop_time`
            out["stop_time" if self.kind == "create_campaign" else "end_time"] = self.end_time
        return out

    def request_digest(self) -> str:
        """Return the digest a pass for this action binds (see `request_digest`)."""
        return request_digest(self.path, self.params(), self.key)




def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _is_create(path: str) -> bool:
    parts = path.split("?", 1)[0].strip("/").split("/")
    return len(parts) > 1 and parts[-1] in ("campaigns", "adsets", "ads", "copies")


def request_digest(path: str, params: Mapping[str, Any], plan_key: str | None = None) -> str:
    """sha256 over a request's target and money fields (and a create's plan key)."""
    target = path.split("?", 1)[0].strip("/")
    money = {k: str(params[k]).upper() if k in ("status", "status_option") else str(params[k])
             for k in MONEY_FIELDS if k in params and params[k] is not None}
    body = {"path": target, "money": money, "key": plan_key if _is_create(target) else None}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _validate_only(params: Mapping[str, Any]) -> bool:
    opts = params.get("execution_options")
    if isinstance(opts, str):
        return "validate_only" in opts
    return isinstance(opts, list | tuple) and "validate_only" in opts


def _nonzero(value: Any) -> bool:
    try:
        return float(value) != 0
    except (TypeError, ValueError):
        return True  # unreadable money is treated as money


def spend_reason(method: str, path: str, params: Mapping[str, Any]) -> str | None:
    """Why a Graph request can raise spend (None when it cannot: reads, pauses, dry runs)."""
    if method.upper() != "POST" or _validate_only(params):
        return None
    parts = path.split("?", 1)[0].strip("/").split("/")
    edge = parts[-1] if len(parts) > 1 else None
    status = str(params.get("status") or "").upper()
    if edge == "copies":
        return "copies an object (a copy can carry a budget and run)"
    if edge in ("campaigns", "adsets"):
        if status == "ACTIVE":
            return f"creates an ACTIVE {edge[:-1]}"
        money = [k for k in (*BUDGET_KEYS, "spend_cap", *SPEND_LIMIT_KEYS)
                 if k in params and _nonzero(params[k])]
        return f"creates a {edge[:-1]} with {', '.join(money)}" if money else None
    if edge == "ads":
        return "creates an ACTIVE ad" if status == "ACTIVE" else None
    if edge is None and parts[0]:
        if status == "ACTIVE":
            return "sets status ACTIVE"
        changed = [k for k in MONEY_FIELDS if k in params and k not in ("status", "status_option")]
        return f"sets {', '.join(changed)}" if changed else None
    return None
