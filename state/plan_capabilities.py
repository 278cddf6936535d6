"""Plan models for audiences, lead forms, dynamic creative and bid constraints (issue 15).

`state/plan.py` composes these into `CampaignPlan` / `AdSetPlan` / `Targeting` / `CreativePlan`;
this module imports nothing from it. Field names are Meta's where Meta has one
(docs/facts-audiences.md, docs/facts-bidding-placements-destinations.md). The models only
hold shape; Meta's rules for them (ranges, required combinations, special categories) are
checked by `state/plan_checks.py` so a plan that breaks one still loads and gets a problem
naming the field and the fix, instead of a pydantic error.

Audiences the launch creates are listed once in `CampaignPlan.audiences`, each with a
plan-local `key` (a short handle the planner picks, e.g. `"visitors_30d"`); ad sets point at
them with `{"key": ...}` in `targeting.custom_audiences` / `excluded_custom_audiences`, or at an
audience the account already has with `{"id": ...}` (a `{"name": ...}` is resolved to an id
against the account before the card is shown). Unlike node keys, an audience's `key` is not a
content hash and is never rewritten: it is how the plan refers to the audience. The launch
derives the provenance key of the created audience from the campaign key and this handle.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


AudienceKind = Literal["website", "customer_list", "engagement", "lookalike"]
EngagementSource = Literal["facebook_page", "instagram", "video", "lead_form"]


class AudienceRef(_Model):
    """One entry of `custom_audiences` / `excluded_custom_audiences` (or a lookalike's seed).

    Exactly one of `id` (an audience the account has), `key` (an audience in the plan's
    `audiences`, created by the launch) or `name` (an existing audience to look up by name;
    resolved to an `id` before approval) is set. `name` may accompany `id` for display.
    """

    id: str | None = None
    key: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _one_handle(self) -> AudienceRef:
        if not (self.id or self.key or self.name):
            raise ValueError("an audience reference needs an id, a key or a name")
        if self.id and self.key:
            raise ValueError("give either id (an existing audience) or key (one the plan "
                             "creates), not both")
        return self


class AudiencePlan(_Model):
    """An audience the launch creates (`POST /act_<id>/customaudiences`).

    Fields by `kind` (the checks name a missing one):
    - `website`: `retention_days` (1–180), optional `event` (a pixel event such as
      `Purchase`; default every visit, `PageView`), optional `url_contains`; `pixel_id`
      defaults to the account's pixel.
    - `customer_list`: `file` (a CSV read once at launch, hashed and uploaded in batches;
      never stored), `customer_file_source`, optional `phone_country` (ISO code prefixed to
      phone numbers that have no country code).
    - `engagement`: `source`, `retention_days` (1–365), optional `source_ids` (page,
      Instagram account, video or form ids; default the plan's page) and `event` (Meta's
      engagement event, default by source: `page_engaged`, `ig_business_profile_all`, ...).
    - `lookalike`: `seed` (an `AudienceRef`), `country` (ISO codes), `ratio` (0.01–0.10,
      the top share of the country), optional `starting_ratio`.
    """

    key: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$",
                     description="plan-local handle ad sets use in {'key': ...}")
    kind: AudienceKind
    name: str
    description: str | None = None
    # website
    pixel_id: str | None = None
    event: str | None = None
    url_contains: str | None = None
    retention_days: int | None = None
    # customer list
    file: str | None = None
    customer_file_source: str = "USER_PROVIDED_ONLY"
    phone_country: str | None = None
    # engagement
    source: EngagementSource | None = None
    source_ids: list[str] | None = None
    # lookalike
    seed: AudienceRef | None = None
    country: list[str] | None = None
    ratio: float | None = None
    starting_ratio: float | None = None


class BidConstraints(_Model):
    """Meta's `bid_constraints`: the minimum-ROAS floor, ROAS × 10,000 (2.5x → 25000)."""

    roas_average_floor: int


class TextAsset(_Model):
    """One headline, primary text or description of an asset feed."""

    text: str


class LinkUrl(_Model):
    """The asset feed's destination (Meta allows exactly one)."""

    website_url: str
    display_url: str | None = None


class AssetFeedPlan(_Model):
    """Meta's `asset_feed_spec` for dynamic creative (`is_dynamic_creative` ad sets).

    Images and videos are `AssetRef`-shaped dicts (`{"kind", "path"|"url", "sha256"}`); the
    launch swaps them for Meta's `{"hash"}` / `{"video_id"}`. `ad_formats` holds one of
    `SINGLE_IMAGE`, `SINGLE_VIDEO`, `CAROUSEL_IMAGE`, `AUTOMATIC_FORMAT`.
    """

    images: list[dict[str, Any]] = Field(default_factory=list)
    videos: list[dict[str, Any]] = Field(default_factory=list)
    titles: list[TextAsset] = Field(default_factory=list)
    bodies: list[TextAsset] = Field(default_factory=list)
    descriptions: list[TextAsset] = Field(default_factory=list)
    call_to_action_types: list[str] = Field(default_factory=list)
    link_urls: list[LinkUrl] = Field(default_factory=list)
    ad_formats: list[str] = Field(default_factory=list)


class LeadQuestion(_Model):
    """A lead-form question: Meta's `type` (FULL_NAME, EMAIL, PHONE, ZIP, CITY, ..., CUSTOM).

    A CUSTOM question needs `label` (and `key`); `options` makes it multiple choice.
    """

    type: str
    key: str | None = None
    label: str | None = None
    options: list[dict[str, str]] | None = None


class PrivacyPolicy(_Model):
    """The privacy policy every lead form links to (Meta requires one)."""

    url: str
    link_text: str | None = None


class ThankYouPage(_Model):
    """The screen after a lead is submitted."""

    title: str
    body: str = ""
    button_type: str = "VIEW_WEBSITE"
    button_text: str | None = None
    website_url: str | None = None


class LeadFormPlan(_Model):
    """An instant form on the plan's page (`POST /<page_id>/leadgen_forms`) for `ON_AD` ad sets.

    `form_id` reuses a form the page already has instead of creating one.
    """

    name: str
    questions: list[LeadQuestion] = Field(default_factory=list)
    privacy_policy: PrivacyPolicy | None = None
    thank_you_page: ThankYouPage | None = None
    locale: str | None = None
    form_id: str | None = None


__all__ = [
    "AssetFeedPlan", "AudienceKind", "AudiencePlan", "AudienceRef", "BidConstraints",
    "EngagementSource", "LeadFormPlan", "LeadQuestion", "LinkUrl", "PrivacyPolicy",
    "TextAsset", "ThankYouPage",
]
