"""Scenario sections for the nodes around the ad accounts: the page and the business.

`Page` is what `GET /me/accounts` and `GET /<page id>` serve; `Business` is the Business
Manager that owns the scenario's ad accounts, page and pixels (`GET /me/businesses`). Every
key is optional beyond the page's `id` and `name`: what a scenario leaves out is derived from
the ids and names, so the same scenario always gives the same values (`stable`).

Page keys (schema: `sandbox/scenarios/README.md`): `username` (`""` = derived from the name,
null = none, then the page's `link` uses its id), `about` and `website` (`""` = derived, null
= none), `category_list` (`[{id, name}]`, the first is `category`), `fan_count` and
`followers_count` (null = derived from the id), `verification_status`, `tasks` (what the
token's user may do on the page, as `/me/accounts` lists them).

Business keys: `id` and `name` (null = derived from the main ad account), `verification_status`,
`created_time` (a date; null = 1,900 days before the scenario starts, before any account),
`country` (ISO code of the business address; null = the scenario's first country).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from facebook_business.adobjects.page import Page as SdkPage
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sandbox.clock import fmt_time
from sandbox.enums import values

_Strict = ConfigDict(extra="forbid")
PAGE_TASKS = values(SdkPage.PermittedTasks)
# What an admin of a page may do, in the order Meta's `/me/accounts` example lists them.
ADMIN_TASKS = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"]
# Meta's "Brand" page category (id as seen in Graph responses, via pyfacebook's fixtures).
BRAND = {"id": "1605186416478696", "name": "Brand"}
BUSINESS_AGE_DAYS = 1900  # a derived business is older than any derived ad account
SANDBOX_USER = {"id": "100000000000000", "name": "Sandbox User"}  # the token's user (`/me`)


def stable(*parts: object) -> int:
    """Return a non-negative integer fixed by `parts` (the same inputs, the same number)."""
    digest = hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def slug(name: str) -> str:
    """`Trailhead Running Co.` → `TrailheadRunningCo` (letters and digits, at most 50)."""
    return "".join(c for c in name if c.isascii() and c.isalnum())[:50] or "SandboxPage"


def created_at(key: str, given: date | None, start: datetime, days_before: int | None) -> datetime:
    """When an object was created: the scenario's date at local midnight, else derived from `key`.

    Derived: `days_before` days before `start` (None: 60–1,859 days, from `key`), at a time of
    day also fixed by `key`.
    """
    if given is not None:
        return datetime(given.year, given.month, given.day, tzinfo=start.tzinfo)
    days = days_before if days_before is not None else 60 + stable(key, "age") % 1800
    return start - timedelta(days=days, seconds=stable(key, "time") % 86_400)


class Named(BaseModel):
    """An object the scenario creates (page, pixel)."""

    model_config = _Strict
    id: str = Field(pattern=r"^\d+$")
    name: str


class Category(BaseModel):
    """A page category as Meta lists it in `category_list`."""

    model_config = _Strict
    id: str = Field(pattern=r"^\d+$")
    name: str = Field(min_length=1, max_length=100)


class Page(Named):
    """The page: its profile, its linked WhatsApp number and Instagram account (null: none)."""

    whatsapp_number: str | None = Field(
        default="+15550100199",
        pattern=r"^\+?[0-9 ()-]{6,20}$",
        description="the page's linked WhatsApp Business number (null: none)",
    )
    instagram_business_account: str | None = Field(
        default="17841400000000001",
        pattern=r"^\d+$",
        description="id of the linked Instagram professional account (null: none)",
    )
    username: str | None = Field(
        default="",
        pattern=r"^([A-Za-z0-9.]{5,50})?$",
        description='the @username ("" = derived from the name; null = none)',
    )
    about: str | None = Field(
        default="", max_length=255, description='short description ("" = derived; null = none)'
    )
    website: str | None = Field(
        default="", pattern=r"^(https?://\S+)?$", description='the site ("" = derived; null = none)'
    )
    category_list: list[Category] = Field(
        default_factory=lambda: [Category.model_validate(BRAND)],
        min_length=1,
        max_length=3,
        description="the page's categories; the first is `category`",
    )
    fan_count: int | None = Field(default=None, ge=0, description="likes (null: derived)")
    followers_count: int | None = Field(default=None, ge=0, description="followers (null: derived)")
    verification_status: Literal["blue_verified", "gray_verified", "not_verified"] = "not_verified"
    tasks: list[str] = Field(
        default_factory=lambda: list(ADMIN_TASKS),
        max_length=20,
        description="what the token's user may do on the page",
    )

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if t not in PAGE_TASKS]
        if bad:
            raise ValueError(f"unknown page task {bad[0]!r} (e.g. {', '.join(ADMIN_TASKS)})")
        return v

    def handle(self) -> str | None:
        """Return the page's username (derived when the scenario says `""`), or None."""
        if self.username is None:
            return None
        return self.username or slug(self.name)

    def fields(self) -> dict[str, Any]:
        """Return the page as Meta returns it (fields left out when nothing is set or linked)."""
        handle = self.handle()
        fans = self.fan_count if self.fan_count is not None else 800 + stable(self.id) % 60_000
        followers = self.followers_count
        if followers is None:  # people follow without liking, rarely the other way round
            followers = fans + fans * (5 + stable(self.id, "followers") % 20) // 100
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "category": self.category_list[0].name,
            "category_list": [c.model_dump() for c in self.category_list],
            "link": f"https://www.facebook.com/{handle or self.id}",
            "fan_count": fans,
            "followers_count": followers,
            "verification_status": self.verification_status,
            "is_published": True,
            "has_whatsapp_business_number": bool(self.whatsapp_number),
        }
        if handle:
            out["username"] = handle
        about = f"{self.name} on Facebook." if self.about == "" else self.about
        website = (
            f"https://{slug(self.name).lower()}.example" if self.website == "" else self.website
        )
        for key, value in (("about", about), ("website", website)):
            if value:
                out[key] = value
        if self.whatsapp_number:
            out["whatsapp_number"] = self.whatsapp_number
        if self.instagram_business_account:
            out["instagram_business_account"] = {"id": self.instagram_business_account}
        return out


class Business(BaseModel):
    """The Business Manager that owns the scenario's ad accounts, page and pixels."""

    model_config = _Strict
    id: str | None = Field(
        default=None, pattern=r"^\d+$", description="null: derived from the main ad account id"
    )
    name: str | None = Field(
        default=None, min_length=1, max_length=100, description="null: the main ad account's name"
    )
    verification_status: Literal[
        "expired",
        "failed",
        "ineligible",
        "not_verified",
        "pending",
        "pending_need_more_info",
        "pending_submission",
        "rejected",
        "revoked",
        "verified",
    ] = "not_verified"
    created_time: date | None = Field(
        default=None, description=f"null: {BUSINESS_AGE_DAYS} days before the scenario starts"
    )
    country: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="business address country; null: first country",
    )

    def resolved(self, account_id: str, account_name: str, country: str) -> Business:
        """Return this business with its derived values filled in."""
        return self.model_copy(
            update={
                "id": self.id or str(10**14 + stable("business", account_id) % (9 * 10**14)),
                "name": self.name or account_name,
                "country": self.country or country,
            }
        )

    def fields(self, start: datetime, tz: ZoneInfo, page: Named) -> dict[str, Any]:
        """Return the resolved business as Meta returns it (its primary page is the scenario's)."""
        assert self.id is not None, "resolve the business first (Scenario does)"
        created = fmt_time(created_at(self.id, self.created_time, start, BUSINESS_AGE_DAYS), tz)
        return {
            "id": self.id,
            "name": self.name,
            "verification_status": self.verification_status,
            "created_time": created,
            "updated_time": created,
            "created_by": dict(SANDBOX_USER),
            "primary_page": {"id": page.id, "name": page.name},
            # the business's page in Business Manager [U: Meta documents only "URI"]
            "link": f"https://business.facebook.com/latest/settings/?business_id={self.id}",
            "two_factor_type": "none",
            "is_hidden": False,
            "block_offline_analytics": False,
        }
