"""What every plan check module shares: the account facts it may use and where it reports.

`state/plan_checks.py` runs the checks; the modules beside it (`plan_targeting`,
`plan_audience_checks`, `plan_bid_checks`, `plan_destination_checks`, `plan_format_checks`,
`plan_placement_checks`) report to a `Findings`, so none of them imports the checker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from state.plan import CampaignPlan


@dataclass(frozen=True)
class AccountInfo:
    """What the validator needs to know about the ad account the plan will run in.

    `page_whatsapp` / `page_instagram`: whether the plan's page has a linked WhatsApp number /
    Instagram account; `audiences`: the account's custom audiences as id -> subtype
    (`CUSTOM`, `WEBSITE`, `LOOKALIKE`, ...). None = not looked up: the checks then leave
    those rules to Meta.
    """

    currency: str
    account_id: str | None = None
    page_id: str | None = None
    pixel_id: str | None = None
    now: datetime | None = None
    min_budget_row: dict[str, Any] | None = None  # Meta's minimum_budgets row, when fetched
    page_whatsapp: bool | None = None
    page_instagram: bool | None = None
    audiences: dict[str, str] | None = None


class Findings(Protocol):
    """Where a check reports: the plan under check, blocking problems, warnings, URL checks."""

    plan: CampaignPlan
    account: AccountInfo

    def bad(self, path: str, message: str, fix: str, rule: str) -> None:
        """Record a problem that blocks a launch."""

    def warn(self, path: str, message: str, fix: str, rule: str) -> None:
        """Record a warning (legal but unwise)."""

    def url(self, path: str, url: str) -> None:
        """Check a web address, recording a problem when it is not one."""
