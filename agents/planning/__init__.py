"""Planners: brief → campaign plan. One result type, two implementations.

- `agents.planning.rules.plan_brief` — the offline, deterministic parser (default).
- `agents.planning.llm.plan_brief` — `init_chat_model` with structured output.

Both return a `PlannerResult`. A planner never guesses a fact the marketer must give (landing
page, page, pixel for sales, budget, country): it lists it in `questions` instead, and lists
the phrases it did not understand in `unparsed`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PlanDefaults:
    """Facts the brief does not carry: the account's currency, page, pixel, and today's date."""

    currency: str = "USD"
    page_id: str | None = None
    pixel_id: str | None = None
    account_id: str | None = None
    today: date = field(default_factory=date.today)
    timezone: str = "UTC"
    advertiser: str | None = None  # legal name used for the EU DSA payor/beneficiary
    asset_dir: str = "."  # where relative asset paths and globs are resolved

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanDefaults:
        """Build from a JSON-like dict (as in the eval dataset); `today` as YYYY-MM-DD."""
        values = dict(data)
        if isinstance(values.get("today"), str):
            values["today"] = date.fromisoformat(values["today"])
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"defaults: unknown keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)


@dataclass(frozen=True)
class Question:
    """A missing fact: which field, and how to ask for it."""

    field: str
    question: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON-like form used in clarify payloads and state."""
        return asdict(self)


@dataclass
class PlannerResult:
    """What a planner returns: a plan dict (or None), issues, questions and unparsed text."""

    plan: dict[str, Any] | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-like form (`adpilot plan --json` prints plan/problems/warnings)."""
        return asdict(self)


__all__ = ["PlanDefaults", "PlannerResult", "Question"]
