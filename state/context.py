"""The run context (LangGraph `context_schema`): account, model, policy, limits, client factory.

Read in nodes as `runtime.context`. Frozen: a run's settings never change mid-run. Tokens are
*not* fields here — `tools/meta_client.py` reads them from the environment when it builds a
client, so they never reach state, checkpoints or traces. `Context.from_env()` reads DESIGN §2's
variables (and a `.env` file in the working directory, without overriding the environment).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

DEFAULT_HOME = ".adpilot"
DEFAULT_ALLOWED_ACTIONS = frozenset(
    {"pause", "activate", "set_budget", "shift_budget", "duplicate_ad", "rename"})
DEFAULT_FORBIDDEN_ACTIONS = frozenset(
    {"delete", "archive", "edit_targeting", "set_bid", "raise_spend_cap"})


def _d(text: str) -> dict[str, str]:
    return {"description": text}


def load_env_file(path: str = ".env") -> None:
    """Load `.env` into the environment without overriding variables already set."""
    if os.path.exists(path):
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def _env(name: str, env: Mapping[str, str] | None) -> str | None:
    value = (env if env is not None else os.environ).get(name)
    return value.strip() or None if value is not None else None


@dataclass(frozen=True)
class MetaSettings:
    """Where and as whom to talk to Meta (no secrets: the token is read when a client is built)."""

    graph_url: str | None = field(default=None, metadata=_d(
        "Graph base URL; None means Meta's (https://graph.facebook.com); the sandbox prints its own"))
    api_version: str | None = field(default=None, metadata=_d(
        "Graph API version such as v26.0; None means the SDK's default"))
    account_id: str | None = field(default=None, metadata=_d("ad account id, act_<digits>"))
    page_id: str | None = field(default=None, metadata=_d("Facebook page that runs the ads"))
    pixel_id: str | None = field(default=None, metadata=_d("Meta pixel measuring conversions"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MetaSettings:
        """Read META_GRAPH_URL, META_API_VERSION, META_AD_ACCOUNT_ID, META_PAGE_ID, META_PIXEL_ID."""
        if env is None:
            load_env_file()
        account = _env("META_AD_ACCOUNT_ID", env)
        if account and not account.startswith("act_"):
            account = f"act_{account}"
        return cls(graph_url=_env("META_GRAPH_URL", env), api_version=_env("META_API_VERSION", env),
                   account_id=account, page_id=_env("META_PAGE_ID", env),
                   pixel_id=_env("META_PIXEL_ID", env))


@dataclass(frozen=True)
class Policy:
    """Approval policy and money guardrails; only a person changes these (never the model)."""

    auto_approve: frozenset[str] = field(default=frozenset(), metadata=_d(
        "action kinds approved without asking (e.g. {'pause'}); empty = ask for everything"))
    max_daily_exposure_minor: int = field(default=100_000, metadata=_d(
        "cap on the account's worst-case daily spend after an action, minor units"))
    max_budget_change_pct: float = field(default=0.2, metadata=_d(
        "largest relative budget change of one object per optimise cycle (0.2 = ±20%)"))
    budget_cooldown_hours: float = field(default=24.0, metadata=_d(
        "hours between two budget edits of the same object"))
    allowed_actions: frozenset[str] = field(default=DEFAULT_ALLOWED_ACTIONS, metadata=_d(
        "action kinds an approved decision may execute"))
    forbidden_actions: frozenset[str] = field(default=DEFAULT_FORBIDDEN_ACTIONS, metadata=_d(
        "action kinds refused even when approved"))
    go_live: bool = field(default=False, metadata=_d(
        "default for the approval's go-live choice: False keeps the tree PAUSED after launch"))

    def __post_init__(self) -> None:
        if not 0 < self.max_budget_change_pct <= 1:
            raise ValueError("policy.max_budget_change_pct must be in (0, 1], e.g. 0.2 for 20%")
        if self.max_daily_exposure_minor < 0:
            raise ValueError("policy.max_daily_exposure_minor must be >= 0 (minor units)")

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Policy:
        """Read a policy from a JSON object whose keys are this class's field names.

        This is how a person changes the guardrails (the model never can): write the keys to
        change into `ADPILOT_HOME/policy.json`, or point `ADPILOT_POLICY` at a file.
        """
        where = Path(path)
        try:
            raw = json.loads(where.read_text())
        except OSError as exc:
            raise ValueError(f"policy file {where}: cannot read it ({exc.strerror})") from exc
        except json.JSONDecodeError as exc:
            raise ValueError(f"policy file {where}: not valid JSON ({exc.msg}, line {exc.lineno})"
                             ) from exc
        if not isinstance(raw, dict):
            raise ValueError(f"policy file {where}: must hold a JSON object of policy fields")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"policy file {where}: unknown field(s) {', '.join(unknown)}; "
                             f"use {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key in {"auto_approve", "allowed_actions", "forbidden_actions"}:
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
                values[key] = int(value) if key == "max_daily_exposure_minor" else float(value)
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"policy file {where}: {exc}") from exc

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None, home: str) -> Policy:
        """`ADPILOT_POLICY` (a file path), else `<home>/policy.json` when present, else defaults."""
        explicit = _env("ADPILOT_POLICY", env)
        if explicit:
            return cls.from_file(explicit)
        default = Path(home) / "policy.json"
        return cls.from_file(default) if default.is_file() else cls()


def _parse_model(value: str | None) -> str:
    if not value or value.strip().lower() == "rules":
        return "rules"
    value = value.strip()
    if ":" not in value:
        raise ValueError(f"ADPILOT_MODEL={value!r}: use 'rules' or 'provider:model', "
                         "e.g. openai:gpt-4.1-mini")
    return value


@dataclass(frozen=True)
class Context:
    """Run settings for one graph run (LangGraph `context_schema`)."""

    account_id: str | None = field(default=None, metadata=_d("ad account id, act_<digits>"))
    page_id: str | None = field(default=None, metadata=_d("Facebook page that runs the ads"))
    pixel_id: str | None = field(default=None, metadata=_d("pixel for sales objectives"))
    currency: str = field(default="USD", metadata=_d(
        "the ad account's currency; plan money is in its minor units"))
    model: str = field(default="rules", metadata=_d(
        "'rules' (offline planner) or 'provider:model' for init_chat_model"))
    policy: Policy = field(default_factory=Policy, metadata=_d("approval policy and guardrails"))
    max_cycles: int = field(default=3, metadata=_d("optimise cycles before the thread ends"))
    cycle_days: int = field(default=3, metadata=_d("simulated days between optimise cycles"))
    sandbox: bool = field(default=False, metadata=_d("True when talking to the local sandbox"))
    client_factory: Callable[..., MetaClient] | None = field(default=None, metadata=_d(
        "builds a ledgered MetaClient; injected, never seen by the model"), compare=False)
    home: str = field(default=DEFAULT_HOME, metadata=_d(
        "ADPILOT_HOME: checkpoints, ledger and reports live here"))
    meta: MetaSettings = field(default_factory=MetaSettings, metadata=_d(
        "Graph URL, API version and ids for building clients"))
    timezone: str = field(default="UTC", metadata=_d("the ad account's timezone (IANA name)"))

    def __post_init__(self) -> None:
        if self.max_cycles < 0:
            raise ValueError("max_cycles must be >= 0")
        if self.cycle_days < 1:
            raise ValueError("cycle_days must be >= 1")
        if len(self.currency) != 3:
            raise ValueError(f"currency {self.currency!r}: use a 3-letter ISO code such as USD")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Context:
        """Build a context from DESIGN §2's environment variables (and `.env`)."""
        meta = MetaSettings.from_env(env)
        values: dict[str, Any] = {
            "account_id": meta.account_id, "page_id": meta.page_id, "pixel_id": meta.pixel_id,
            "model": _parse_model(_env("ADPILOT_MODEL", env)),
            "home": _env("ADPILOT_HOME", env) or DEFAULT_HOME,
            "sandbox": False, "meta": meta,
        }
        if currency := _env("ADPILOT_CURRENCY", env):
            values["currency"] = currency.upper()
        if "policy" not in overrides:
            values["policy"] = Policy.from_env(env, values["home"])
        values.update(overrides)
        return cls(**values)

    def describe(self) -> dict[str, Any]:
        """Return the JSON-safe, secret-free summary used in traces and reports."""
        return {"account_id": self.account_id, "page_id": self.page_id,
                "pixel_id": self.pixel_id, "currency": self.currency, "model": self.model,
                "max_cycles": self.max_cycles, "cycle_days": self.cycle_days,
                "sandbox": self.sandbox, "go_live": self.policy.go_live}
