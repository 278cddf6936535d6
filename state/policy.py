"""The approval policy and money guardrails (`Policy`): only a person changes them, never the model.

The one definition of the money limits and the action kinds a policy allows or forbids. The
money gate (`state/guardrails.py`) enforces them; the optimise loop's decisions
(`agents/optimize/decide/stats.py::DecisionPolicy`) are built from them; the run context
(`state/context.py`) carries the run's policy.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from state import bounds
from state.settings import doc, env_value

DEFAULT_ALLOWED_ACTIONS = frozenset(
    {"pause", "activate", "set_budget", "shift_budget", "duplicate_ad", "rename"})
DEFAULT_FORBIDDEN_ACTIONS = frozenset(
    {"delete", "archive", "edit_targeting", "set_bid", "raise_spend_cap"})
# The action kinds a policy may name (allowed_actions, forbidden_actions, auto_approve); the
# optimise loop's action names map onto them (`state.guardrails.action_kind`).
KNOWN_ACTION_KINDS = DEFAULT_ALLOWED_ACTIONS | DEFAULT_FORBIDDEN_ACTIONS
# Kinds that can raise spend: they always ask a person, so a policy may not auto-approve them
# (a policy file naming one is refused; the optimise loop never applies one without a card).
NEVER_AUTO_APPROVED = frozenset({"activate", "set_budget", "shift_budget", "duplicate_ad",
                                 "raise_spend_cap"})
# The policy fields that are sets of action kinds.
ACTION_KIND_FIELDS = ("auto_approve", "allowed_actions", "forbidden_actions")
# The largest money cap a policy may set, in minor units (10,000,000.00 in a two-decimal
# currency such as USD; 1,000,000,000 yen): anything larger is a typo, not a limit.
MAX_POLICY_MONEY_MINOR = 1_000_000_000
MAX_COOLDOWN_HOURS = 720.0  # 30 days
POLICY_MONEY_FIELDS = ("max_daily_exposure_minor", "max_campaign_daily_budget_minor")
_MINOR_UNITS = ("is in minor units of the account currency: 100000 = 1,000.00 USD (or EUR, GBP; "
                "100,000 yen in JPY, which has no minor unit)")
POLICY_FILE_HINT = "ADPILOT_HOME/policy.json, or the file ADPILOT_POLICY names"


def _finite_number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Policy:
    """Approval policy and money guardrails; only a person changes these (never the model).

    Every value is checked when the policy is built (`__post_init__`): finite, in range, whole
    minor units for money, known action kinds. `digest()` names the policy in force; every
    write the money gate passes records it in the ledger.
    """

    auto_approve: frozenset[str] = field(default=frozenset(), metadata=doc(
        "action kinds approved without asking (e.g. {'pause'}); empty = ask for everything; "
        "activations and spend increases always ask"))
    max_daily_exposure_minor: int = field(default=100_000, metadata=doc(
        "cap on the account's worst-case daily spend after a write (every live campaign and ad "
        "set, adpilot's or not: daily budgets × 1.75 for Meta's overspend + lifetime budgets "
        "spread per remaining day), in minor units of the account currency (100000 = 1,000.00)"))
    max_campaign_daily_budget_minor: int = field(default=50_000, metadata=doc(
        "cap on one campaign's daily budget (its own, or the sum of its ad sets'; lifetime "
        "budgets spread per day), in minor units of the account currency (50000 = 500.00)"))
    max_budget_change_pct: float = field(default=0.2, metadata=doc(
        "largest relative budget change of one object per optimise cycle (0.2 = ±20%)"))
    budget_cooldown_hours: float = field(default=24.0, metadata=doc(
        "hours between two budget edits of the same object (0 to 720)"))
    allowed_actions: frozenset[str] = field(default=DEFAULT_ALLOWED_ACTIONS, metadata=doc(
        "action kinds an approved decision may execute"))
    forbidden_actions: frozenset[str] = field(default=DEFAULT_FORBIDDEN_ACTIONS, metadata=doc(
        "action kinds refused even when approved"))
    go_live: bool = field(default=False, metadata=doc(
        "default for the approval's go-live choice: False keeps the tree PAUSED after launch"))
    source: str | None = field(default=None, compare=False, metadata=doc(
        "the file this policy was read from (None: the built-in defaults); not part of digest()"))

    def __post_init__(self) -> None:
        for name in POLICY_MONEY_FIELDS:
            value = getattr(self, name)
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                object.__setattr__(self, name, int(value))  # 1e5 from JSON is 100000
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                number = f"a whole number, got {value!r}"
                raise ValueError(f"policy.{name} must be {number}; it {_MINOR_UNITS}")
            if not 0 < value <= MAX_POLICY_MONEY_MINOR:
                raise ValueError(
                    f"policy.{name} must be > 0 and at most {MAX_POLICY_MONEY_MINOR:,} (a "
                    f"larger cap is no cap), got {value:,}; it {_MINOR_UNITS}")
        pct = _finite_number("policy.max_budget_change_pct", self.max_budget_change_pct)
        if not 0 < pct <= 1:
            raise ValueError("policy.max_budget_change_pct must be in (0, 1], e.g. 0.2 for 20% "
                             f"per cycle; got {self.max_budget_change_pct!r}")
        object.__setattr__(self, "max_budget_change_pct", pct)  # 1 and 1.0 digest alike
        hours = _finite_number("policy.budget_cooldown_hours", self.budget_cooldown_hours)
        if not 0 <= hours <= MAX_COOLDOWN_HOURS:
            raise ValueError(f"policy.budget_cooldown_hours must be from 0 to {MAX_COOLDOWN_HOURS:g}"
                             f" hours (24 = one day between budget edits of an object); got "
                             f"{self.budget_cooldown_hours!r}")
        object.__setattr__(self, "budget_cooldown_hours", hours)
        for name in ACTION_KIND_FIELDS:
            kinds = getattr(self, name)
            if isinstance(kinds, str) or not all(isinstance(k, str) for k in kinds):
                raise ValueError(f"policy.{name} must be a list of action kinds")
            unknown = sorted(set(kinds) - KNOWN_ACTION_KINDS)
            if unknown:
                raise ValueError(f"policy.{name}: unknown action kind(s) {', '.join(unknown)}; "
                                 f"use {', '.join(sorted(KNOWN_ACTION_KINDS))}")
            object.__setattr__(self, name, frozenset(kinds))
        if not isinstance(self.go_live, bool):
            raise ValueError("policy.go_live must be true or false")

    def values(self) -> dict[str, Any]:
        """Return the settings as JSON values (sorted lists for kinds), without `source`."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "source":
                continue
            value = getattr(self, f.name)
            out[f.name] = sorted(value) if isinstance(value, frozenset) else value
        return out

    def digest(self) -> str:
        """sha256 of the canonical JSON of every setting: which policy a write passed."""
        text = json.dumps(self.values(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def where(self) -> str:
        """Where a person changes this policy (its file, or where a file would be read)."""
        return self.source or f"a policy file ({POLICY_FILE_HINT})"

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Policy:
        """Read a policy from a JSON object whose keys are this class's field names.

        This is how a person changes the guardrails (the model never can): write the keys to
        change into `ADPILOT_HOME/policy.json`, or point `ADPILOT_POLICY` at a file. Numbers
        must be finite (`NaN`, `Infinity` and overflowing numbers such as `1e400` are refused)
        and in range; money is in whole minor units. The file is bounded before it is parsed
        (`state/bounds.py`: at most `MAX_POLICY_FILE_BYTES`, nested at most `MAX_POLICY_DEPTH`).
        """
        where = Path(path)

        def no_constant(name: str) -> Any:
            raise ValueError(f"{name} is not a number a policy can use")

        try:
            raw = bounds.read_json_file(
                where, f"policy file {where}", max_bytes=bounds.MAX_POLICY_FILE_BYTES,
                max_depth=bounds.MAX_POLICY_DEPTH, parse_constant=no_constant,
                fix="a policy file is one JSON object of the fields to change, e.g. "
                    '{"max_daily_exposure_minor": 200000, "auto_approve": ["pause"]}')
        except bounds.BoundsError:
            raise
        except OSError as exc:
            raise ValueError(f"policy file {where}: cannot read it ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise ValueError(f"policy file {where}: not UTF-8 text (byte {exc.start}); save it "
                             "as UTF-8 JSON") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"policy file {where}: not valid JSON ({exc.msg}, line {exc.lineno})"
                             ) from exc
        except ValueError as exc:
            raise ValueError(f"policy file {where}: {exc} (numbers must be finite)") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"policy file {where}: must hold a JSON object of policy fields")
        known = {f.name: f for f in fields(cls) if f.name != "source"}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"policy file {where}: unknown field(s) {', '.join(unknown)}; "
                             f"use {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ACTION_KIND_FIELDS:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"policy file {where}: {key} must be a list of action kinds")
                values[key] = frozenset(value)
            elif key == "go_live":
                if not isinstance(value, bool):
                    raise ValueError(f"policy file {where}: go_live must be true or false")
                values[key] = value
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"policy file {where}: {key} must be a number")
            else:
                values[key] = value
        spend = sorted(set(values.get("auto_approve") or ()) & NEVER_AUTO_APPROVED)
        if spend:
            # Never applied without a card anyway (`agents/optimize/cycle.py::auto_approvable`);
            # a person writing them expects something that will not happen, so say so.
            raise ValueError(f"policy file {where}: auto_approve: {', '.join(spend)} can raise "
                             "spend, and actions that can raise spend always ask a person; "
                             "remove them")
        try:
            return cls(**values, source=str(where))
        except ValueError as exc:
            raise ValueError(f"policy file {where}: {exc}") from exc

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None, home: str) -> Policy:
        """`ADPILOT_POLICY` (a file path), else `<home>/policy.json` when present, else defaults."""
        explicit = env_value("ADPILOT_POLICY", env)
        if explicit:
            return cls.from_file(explicit)
        default = Path(home) / "policy.json"
        return cls.from_file(default) if default.is_file() else cls()


def as_policy(policy: Any) -> Policy:
    """Return the run's `Policy` from a Policy, a mapping of its fields, or None."""
    if isinstance(policy, Policy):
        return policy
    if policy is None:
        return Policy()
    names = {f.name for f in fields(Policy)}
    if isinstance(policy, Mapping):
        values = {k: v for k, v in policy.items() if k in names}
    else:
        values = {k: getattr(policy, k) for k in names if getattr(policy, k, None) is not None}
    for k in ACTION_KIND_FIELDS:
        if k in values:
            values[k] = frozenset(values[k])
    return Policy(**values)
