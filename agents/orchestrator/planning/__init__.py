"""Planners: brief → campaign plan. One result type, two implementations.

- `agents.orchestrator.planning.rules.plan_brief` — the offline, deterministic parser (default).
- `agents.orchestrator.planning.llm.plan_brief` — `init_chat_model` with structured output.

Both return a `PlannerResult`. A planner never guesses a fact the marketer must give (landing
page, page, pixel for sales, budget, country): it lists it in `questions` instead. Nothing in
a brief is dropped silently (docs/design.md §3):

- `not_understood`: every phrase no field took, with what it could change (`affects`: who sees
  the ads, what is spent, what is optimised — or None for a harmless one such as a greeting);
- `adjustments`: every value the planner or a rule changed on its own, with why;
- `questions`: what blocks a launch until a person answers — a missing fact (`kind`
  "missing"), a phrase that could change the audience, the money or the goal but was not
  understood ("not_understood"), an ask adpilot cannot serve yet ("unsupported"), a place or
  word with two readings ("ambiguous"), two statements that disagree ("conflict"), an
  impossible value ("invalid"). Each names the phrase and the fix. A person may waive a
  not-understood or unsupported phrase explicitly (`PlanDefaults.waived`); it is then shown,
  not asked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

FlagKind = Literal["missing", "not_understood", "unsupported", "ambiguous", "conflict", "invalid"]
WAIVABLE: frozenset[str] = frozenset({"not_understood", "unsupported"})
# What a phrase could change, in the words the card uses.
WHO, SPEND, GOAL = "who sees the ads", "what is spent", "what is optimised"


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
    # Folders a glob may list (None: any, as in the CLI). On the server and over MCP a glob
    # outside them is not expanded, so a brief cannot list the server's files.
    asset_roots: tuple[str, ...] | None = None
    waived: tuple[str, ...] = ()  # phrases a person chose to launch without (not asked again)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanDefaults:
        """Build from a JSON-like dict (as in the eval dataset); `today` as YYYY-MM-DD."""
        values = dict(data)
        if isinstance(values.get("today"), str):
            values["today"] = date.fromisoformat(values["today"])
        if isinstance(values.get("waived"), list):
            values["waived"] = tuple(values["waived"])
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"defaults: unknown keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)


@dataclass(frozen=True)
class Question:
    """What blocks a launch until a person answers: which field, the phrase, how to ask.

    `kind` says why (see the module docstring); `phrase` quotes the brief's words it is about
    ("" for a fact the brief leaves out); `affects` is WHO, SPEND or GOAL when known.
    """

    field: str
    question: str
    kind: FlagKind = "missing"
    phrase: str = ""
    affects: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-like form used in clarify payloads and state."""
        out: dict[str, Any] = {"field": self.field, "question": self.question, "kind": self.kind}
        if self.phrase:
            out["phrase"] = self.phrase
        if self.affects:
            out["affects"] = self.affects
        return out


@dataclass(frozen=True)
class NotUnderstood:
    """A phrase of the brief that fed no plan field.

    `affects` is WHO, SPEND or GOAL when the words could change the plan (such a phrase also
    raises a question unless waived), None when harmless (a greeting, a brand story).
    """

    phrase: str
    affects: str | None = None
    waived: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return `{"phrase", "affects", "waived"}`."""
        return {"phrase": self.phrase, "affects": self.affects, "waived": self.waived}


@dataclass(frozen=True)
class Adjustment:
    """A value the planner or a rule set on its own, different from what the brief said.

    E.g. `Adjustment("ad_sets[0].targeting.age_max", 80, 65, "Meta's oldest age is 65 (65+)")`.
    """

    path: str
    before: Any
    after: Any
    why: str

    def to_dict(self) -> dict[str, Any]:
        """Return `{"path", "from", "to", "why"}` (the form `plan --json` prints)."""
        return {"path": self.path, "from": self.before, "to": self.after, "why": self.why}


@dataclass
class PlannerResult:
    """What a planner returns, as JSON-like dicts.

    A plan (or None), problems, warnings, questions, and what it could not read
    (`not_understood`) or changed on its own (`adjustments`).
    """

    plan: dict[str, Any] | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    not_understood: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-like form (`adpilot plan --json` prints most of it)."""
        return asdict(self)


__all__ = ["GOAL", "SPEND", "WAIVABLE", "WHO", "Adjustment", "FlagKind", "NotUnderstood",
           "PlanDefaults", "PlannerResult", "Question"]
