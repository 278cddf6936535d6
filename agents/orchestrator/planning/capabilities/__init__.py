"""Issue 15's capabilities in the rules planner: read them from a brief, put them in the plan.

`read_capabilities` runs in `facts.read_facts` before the asset, money, place, age and
interest readers (whose words it takes: a privacy page is no landing page, "last 30 days" no
schedule, "parents with toddlers (01-02 yrs)" no age range). `setup` turns a lead form or a
conversation into the ad sets' destination and goal; `apply` writes audiences, references,
detailed targeting, Advantage+ audience, the bid strategy, the lead form and dynamic creative
into the plan dict `rules.build_plan` made, and returns the questions they raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import GOAL, WHO, Adjustment, PlanDefaults, Question
from agents.orchestrator.planning.audiences.custom import (
    AudienceRead,
    finish,
    lookalikes,
    read_audiences,
)
from agents.orchestrator.planning.audiences.detailed import DetailedRead, flexible, read_detailed
from agents.orchestrator.planning.formats.destinations import DestinationRead, read_destination
from agents.orchestrator.planning.formats.dynamic import asks_dynamic, dynamic_ad
from agents.orchestrator.planning.money.bids import BidRead
from state import rules

ORIGINAL = ("flexible_spec", "exclusions")
# An audience read from these words is made of buyers: a campaign for it sells.
BUYER_WORDS = re.compile(r"\b(?:purchas(?:ers?|ed)|buyers?|bought|ordered|(?:carts?|baskets?|"
                         r"checkouts?)\b)", re.I)


@dataclass
class Capabilities:
    """What the brief asks of issue 15's capabilities."""

    audiences: AudienceRead = field(default_factory=AudienceRead)
    detailed: DetailedRead = field(default_factory=DetailedRead)
    destination: DestinationRead = field(default_factory=DestinationRead)
    bids: BidRead = field(default_factory=BidRead)
    dynamic: list[tuple[int, int]] = field(default_factory=list)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Return every span these readers took."""
        return [*self.audiences.spans, *self.detailed.spans, *self.destination.spans,
                *self.bids.spans, *self.dynamic]

    @property
    def flags(self) -> list[Question]:
        """Return every question these readers raised."""
        return [*self.audiences.flags, *self.detailed.flags, *self.destination.flags,
                *self.bids.flags]


def read_capabilities(text: str, d: PlanDefaults, pixel: str | None) -> Capabilities:
    """Read audiences, detailed targeting, the destination and dynamic creative (not bids)."""
    caps = Capabilities()
    caps.audiences = read_audiences(text, pixel)
    rest = _mask(text, caps.audiences.spans)
    caps.destination = read_destination(rest)
    rest = _mask(rest, caps.destination.spans)
    caps.detailed = read_detailed(rest)
    caps.dynamic = asks_dynamic(rest)
    del d
    return caps


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


def objective_for(caps: Capabilities, objective: str | None, text: str = "") -> str | None:
    """Return the goal a lead form, a conversation or buyers imply when the brief names none.

    An audience read from words about buyers in `text` ("a 1% lookalike of our purchasers
    list", "abandoned their cart") makes a sales campaign, said as an adjustment.
    """
    if objective is not None:
        return objective
    said = [text[s:e] for s, e in caps.audiences.spans if BUYER_WORDS.search(text[s:e])]
    if said and caps.destination.destination_type is None:
        caps.audiences.adjustments.append(Adjustment(
            "objective", None, "OUTCOME_SALES", f"the brief names no goal; its audience "
            f"‘{said[0].strip()}’ is made of buyers, so the plan optimises for sales; say "
            "traffic, leads, awareness or engagement to change it"))
        return "OUTCOME_SALES"
    dest = caps.destination.destination_type
    if dest == "ON_AD":
        return "OUTCOME_LEADS"
    if dest:
        return "OUTCOME_ENGAGEMENT"
    if caps.bids.strategy == "LOWEST_COST_WITH_MIN_ROAS":
        return "OUTCOME_SALES"
    return None


def setup(caps: Capabilities, objective: str, d: dict[str, Any]) -> dict[str, Any]:
    """Return the ad sets' destination and goal for a lead form or a conversation."""
    dest = caps.destination.destination_type
    if dest is None:
        return d
    out = dict(d)
    if dest == "ON_AD":
        if objective == "OUTCOME_LEADS":
            out.update(destination_type="ON_AD", optimization_goal="LEAD_GENERATION",
                       custom_event_type=None)
        return out
    out["destination_type"] = dest
    allowed = rules.allowed_goals(objective, dest)
    # conversations, unless the objective's own goal works there (sales measured by the pixel)
    if objective == "OUTCOME_ENGAGEMENT" or out["optimization_goal"] not in allowed:
        goal = "CONVERSATIONS" if "CONVERSATIONS" in allowed or not allowed else allowed[0]
        out.update(optimization_goal=goal, custom_event_type=None)
    return out


def needs_pixel(caps: Capabilities, objective: str) -> bool:
    """Tell whether a leads plan still measures on the site (not with an instant form or a chat)."""
    return not (objective == "OUTCOME_LEADS" and caps.destination.destination_type)


def apply(plan: dict[str, Any], f: Any, restricted: bool, page: str | None,
          pixel: str | None) -> list[Question]:
    """Write the capabilities into the plan dict; return the questions they raise.

    `f` is the brief's `facts.Facts` (not imported: facts imports this module).
    """
    caps: Capabilities = f.caps
    asked: list[Question] = []
    aud = caps.audiences
    finish(aud, sorted(f.geo.all_countries()) or list(f.geo.countries))
    if aud.audiences:
        plan["audiences"] = aud.audiences
    if aud.website_phrase and pixel is None:
        asked.append(Question("pixel_id", f"‘{aud.website_phrase}’: a website audience comes "
                              "from the Meta pixel on the site. Which pixel? (its id)", "missing",
                              aud.website_phrase, WHO))
    both = [r for r in aud.include if r in aud.exclude]
    if both:
        name = next((a.get("file") or a["name"] for a in aud.audiences
                     if a["key"] == both[0].get("key")), next(iter(both[0].values())))
        asked.append(Question("excluded_custom_audiences", f"The brief both targets and excludes "
                              f"‘{name}’: nobody would see the ads. Which should it be?",
                              "conflict", name, WHO))
    det = caps.detailed
    if restricted and (det.include or det.exclude):
        cats = " and ".join(sorted(set(f.special) & rules.RESTRICTED_TARGETING_CATEGORIES))
        said = ", ".join(det.phrases)
        asked.append(Question("ad_sets[0].targeting.flexible_spec", f"‘{said}’: {cats} ads "
                              "cannot target by detailed targeting such as income, job titles or "
                              "life events (Meta refuses it). Launch without it?", "conflict",
                              said, WHO))
    bids = caps.bids
    if bids.strategy == "LOWEST_COST_WITH_MIN_ROAS" and plan["objective"] not in (
            "OUTCOME_SALES", "OUTCOME_APP_PROMOTION"):
        nice = plan["objective"].removeprefix("OUTCOME_").lower()
        asked.append(Question("bid_strategy", f"‘{bids.phrase}’: minimum ROAS bidding needs a "
                              f"sales campaign that optimises for purchase value; a {nice} "
                              "campaign has no purchase value. Drop the ROAS floor, or make it a "
                              "sales campaign?", "conflict", bids.phrase, GOAL))
    for s in plan["ad_sets"]:
        _ad_set(s, f, caps, restricted, pixel)
    lals = {a["key"]: a for a in aud.audiences if a["kind"] == "lookalike"}
    for s in plan["ad_sets"][:1]:
        mine = [lals[r["key"]] for r in s["targeting"].get("custom_audiences") or [] if r.get("key") in lals]
        seeds = [str(a["seed"]) for a in mine]
        if len(set(seeds)) < len(seeds):
            # "a 1% and a 5% lookalike of buyers.csv" in one ad set: the 5% holds the 1%
            said = ", ".join(a["name"] for a in mine)
            asked.append(Question("audiences", f"‘{said}’: lookalikes of one seed in one ad set "
                                  "overlap (the larger holds the smaller), so they cannot be "
                                  "compared. Put each in an ad set of its own ('one ad set each'), "
                                  "or keep one size?", "ambiguous", said, WHO))
    if bids.strategy and not bids.flags:
        # with a campaign budget Meta takes the strategy from the campaign: both say the same
        plan["bid_strategy"] = bids.strategy
    form = caps.destination.lead_form
    if form is not None and plan["objective"] == "OUTCOME_LEADS":
        plan["lead_form"] = form
        _thank_you_button(form, plan.get("landing_url"), f)
    elif form is not None:
        nice = plan["objective"].removeprefix("OUTCOME_").lower()
        asked.append(Question("objective", f"‘{caps.destination.phrase}’: an instant form "
                              f"collects leads, but the brief asks for {nice}. Make it a leads "
                              "campaign, or send people to the website?", "conflict",
                              caps.destination.phrase, GOAL))
    if caps.dynamic:
        _dynamic(plan, f)
    elif len(f.ctas) > 1:
        said = ", ".join(c.replace("_", " ").lower() for c in f.ctas)
        asked.append(Question("call_to_action", f"‘{said}’: an ad has one button. Which one "
                              "should it be? (or let Meta mix them: 'dynamic creative')",
                              "ambiguous", said, GOAL))
    del page
    return asked


def _ad_set(s: dict[str, Any], f: Any, caps: Capabilities, restricted: bool,
            pixel: str | None) -> None:
    t = s["targeting"]
    aud, det, bids = caps.audiences, caps.detailed, caps.bids
    if own := t.get("custom_audiences"):  # one lookalike per ad set: with every other audience
        t["custom_audiences"] = [dict(r) for r in aud.include if r not in lookalikes(aud)] + own
    elif aud.include:
        t["custom_audiences"] = [dict(r) for r in aud.include]
    if aud.exclude:
        t["excluded_custom_audiences"] = [dict(r) for r in aud.exclude]
    if det.include:
        spec = t.get("flexible_spec") or [{}]
        spec[0] = {**spec[0], **flexible(det.include)}
        t["flexible_spec"] = spec
    if det.exclude:
        t["exclusions"] = {**(t.get("exclusions") or {}), **flexible(det.exclude)}
    if det.advantage is not None:
        t["targeting_automation"] = {"advantage_audience": det.advantage}
    if bids.strategy and not bids.flags:
        s["bid_strategy"] = bids.strategy
        if bids.amount_minor is not None:
            s["bid_amount"] = bids.amount_minor
        if bids.roas_floor is not None:
            s["bid_constraints"] = {"roas_average_floor": bids.roas_floor}
            if s["optimization_goal"] in rules.PIXEL_GOALS:
                s["optimization_goal"] = "VALUE"
    if s["optimization_goal"] == "VALUE" and not s.get("bid_strategy"):
        s["bid_strategy"] = "LOWEST_COST_WITHOUT_CAP"  # Meta's "highest value", said on the ad set
    dest = caps.destination
    if dest.destination_type and dest.destination_type != "ON_AD":
        if s["optimization_goal"] in rules.PIXEL_GOALS and pixel:
            po = s.get("promoted_object") or {}
            s["promoted_object"] = {**po, "pixel_id": pixel,
                                    "custom_event_type": po.get("custom_event_type", "PURCHASE")}
        if not f.cta and dest.cta:
            for ad in s["ads"]:
                ad["creative"]["call_to_action"] = dest.cta
    del restricted


def _thank_you_button(form: dict[str, Any], landing: str | None, f: Any) -> None:
    """Give the thank-you screen a button Meta accepts: the site, or none without a site.

    VIEW_WEBSITE (the model's default) needs `website_url`; Meta refuses the form without it
    (docs/facts-bidding-placements-destinations.md §3.1, sandbox/leadforms.py).
    """
    thanks = form.get("thank_you_page")
    if thanks is None or thanks.get("button_type") or thanks.get("website_url"):
        return
    if landing:
        thanks.update(button_type="VIEW_WEBSITE", website_url=landing)
        return
    thanks["button_type"] = "NONE"
    f.adjustments.append(Adjustment(
        "lead_form.thank_you_page.button_type", "VIEW_WEBSITE", "NONE", "the brief names no "
        "website, and a 'view website' button needs one: the thank-you screen has no button; "
        "name a site (e.g. 'thank-you button to https://example.com') to add one"))


def _dynamic(plan: dict[str, Any], f: Any) -> None:
    for s in plan["ad_sets"]:
        s["is_dynamic_creative"] = True
        cta = s["ads"][0]["creative"]["call_to_action"] if s["ads"] else "LEARN_MORE"
        s["ads"] = [dynamic_ad(s["ads"], list(f.headlines), list(f.primary),
                               list(f.descriptions), plan.get("landing_url"), cta)]
        if len(f.ctas) > 1:  # "CTAs: Shop now and Learn more": Meta tries every button
            s["ads"][0]["creative"]["asset_feed_spec"]["call_to_action_types"] = list(f.ctas)
    plan.pop("experiment", None)
    f.adjustments.append(Adjustment(
        "ad_sets[0].ads", "one ad per image and text", "one dynamic-creative ad",
        "the brief asks Meta to mix the assets: every image, headline and text goes into one "
        "asset feed and Meta combines them"))
