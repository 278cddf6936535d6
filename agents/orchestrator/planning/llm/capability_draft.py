"""The draft's fields for audiences, bidding, lead forms, conversations and dynamic creative (issue 15).

Pieces of `DraftPlan` / `DraftAdSet` (`draft.py`), in the brief's own terms: audiences by kind
with their source, seeds by a plan-local key, bids in the brief's money (major units plus a
currency), a minimum ROAS as a ratio, a lookalike's size as the percent the brief says.
Deterministic code turns them into Meta's fields (`capability_plan.py`: minor units, ROAS
× 10 000, ratio 0.01–0.10, `destination_type`, `asset_feed_spec`) — the model never does
that arithmetic.

Every field has a default so a draft written before these fields existed still loads, but the
schema sent to the model lists every field as required (`llm.draft_schema`), so a strict-mode
model always answers each one, with null or [] when the brief says nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AudienceKind = Literal["website", "customer_list", "engagement", "lookalike"]
EngagementSource = Literal["facebook_page", "instagram", "video", "lead_form"]
PixelEvent = Literal["PageView", "ViewContent", "AddToCart", "InitiateCheckout", "Purchase",
                     "Lead", "CompleteRegistration"]
# Meta's detailed-targeting types other than interests (flexible_spec keys).
DetailedType = Literal["behaviors", "life_events", "work_positions", "work_employers",
                       "industries", "family_statuses", "income", "education_statuses",
                       "relationship_statuses", "home_ownership", "generation"]
LeadQuestionType = Literal["FULL_NAME", "FIRST_NAME", "LAST_NAME", "EMAIL", "PHONE", "ZIP",
                           "CITY", "STATE", "COUNTRY", "STREET_ADDRESS", "DATE_OF_BIRTH",
                           "GENDER", "JOB_TITLE", "COMPANY_NAME", "WORK_EMAIL"]
BidStrategy = Literal["cost_cap", "bid_cap", "min_roas", "lowest_cost"]
Destination = Literal["website", "instant_form", "whatsapp", "messenger", "instagram_direct",
                      "messenger_and_instagram"]


class _Draft(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class DraftAudienceRef(_Draft):
    """An audience an ad set reaches or leaves out: one of key, id or name."""

    key: str | None = Field(None, description="The key of an audience in the draft's `audiences` "
                            "(one the launch creates).")
    id: str | None = Field(None, description="The id of an audience the account already has, "
                           "when the brief gives it.")
    name: str | None = Field(None, description="The name of an audience the account already has "
                             "('our All Purchasers 180d audience'), when the brief names one.")


class DraftAudience(_Draft):
    """An audience the launch creates, with what its kind needs."""

    key: str = Field(description="A short handle for it: letters, digits, '_' ('visitors_30d').")
    kind: AudienceKind = Field(description="website: people the pixel saw on the site; "
                               "customer_list: a file of customers' emails / phones; engagement: "
                               "people who engaged with the page, Instagram account, a video or a "
                               "lead form; lookalike: people like a seed audience.")
    retention_days: int | None = Field(None, description="How far back, in days, as the brief "
                                       "says ('last 30 days' -> 30, '2 years' -> 730: never "
                                       "shortened); website and engagement only; null if unsaid.")
    event: PixelEvent | None = Field(None, description="Website: the pixel event ('abandoned "
                                     "cart' -> AddToCart, 'purchasers' -> Purchase); null = any visit.")
    url_contains: str | None = Field(None, description="Website: the part of the URL visitors saw "
                                     "('our /pricing page' -> '/pricing'); null if none.")
    file: str | None = Field(None, description="Customer list: the file name exactly as given; "
                             "null when the brief names none (then list it in missing).")
    source: EngagementSource | None = Field(None, description="Engagement: where people engaged.")
    source_ids: list[str] = Field(default_factory=list, description="Engagement: the ids the "
                                  "brief gives (a video id); empty for the plan's page / account.")
    seed: DraftAudienceRef | None = Field(None, description="Lookalike: the audience it is like.")
    lookalike_percent: float | None = Field(None, description="Lookalike: its size as the percent "
                                            "the brief says ('1%' -> 1, '15%' -> 15, never capped).")
    countries: list[str] = Field(default_factory=list, description="Lookalike: ISO codes of the "
                                 "countries it is built in; empty = the ad set's countries.")


class DraftDetailed(_Draft):
    """A detailed-targeting entry other than an interest, by Meta type and plain name."""

    type: DetailedType = Field(description="behaviors ('frequent international travelers'), "
                               "life_events ('newly engaged'), work_positions (job titles), "
                               "family_statuses ('parents with toddlers'), income, ...")
    name: str = Field(description="The option's name in plain words; ids are looked up later.")


class DraftLeadForm(_Draft):
    """An instant form (leads collected on Facebook / Instagram, `destination` instant_form)."""

    questions: list[LeadQuestionType] = Field(default_factory=list, description="Standard "
                                              "questions the brief asks for ('name' -> FULL_NAME).")
    custom_questions: list[str] = Field(default_factory=list, description="Other questions, "
                                        "verbatim ('budget', 'timeline', '¿cuándo piensas mudarte?').")
    privacy_policy_url: str | None = Field(None, description="The privacy-policy URL the brief "
                                           "gives; null when it gives none (then list it in missing).")


class DraftAssetFeed(_Draft):
    """Dynamic creative: assets Meta mixes into one ad ('let Meta mix', 'DCT')."""

    headlines: list[str] = Field(default_factory=list, description="Headlines, verbatim, all of "
                                 "them as given (never drop one to fit a limit).")
    primary_texts: list[str] = Field(default_factory=list, description="Primary texts, verbatim.")
    descriptions: list[str] = Field(default_factory=list, description="Descriptions, verbatim.")
    call_to_actions: list[str] = Field(default_factory=list, description="Meta CTA types in "
                                       "capitals; empty for the objective's default.")
    assets: list[str] = Field(default_factory=list, description="Image / video paths or URLs "
                              "exactly as given, all of them.")


__all__ = ["AudienceKind", "BidStrategy", "Destination", "DetailedType", "DraftAssetFeed",
           "DraftAudience", "DraftAudienceRef", "DraftDetailed", "DraftLeadForm",
           "EngagementSource", "LeadQuestionType", "PixelEvent"]
