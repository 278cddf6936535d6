"""Read every fact the rules planner understands out of a brief, with the text it used.

`read_facts(brief, defaults)` runs the parsers (money, time, geo, audience, interests, intent,
and issue 15's audiences, bids, forms, conversations and dynamic creative in `caps`) and
returns a `Facts` record; `agents/orchestrator/planning/rules.py` turns it into a plan. The consumed
spans let the planner report the phrases it did not understand.

Longer than 300 lines because the parsers run in one order that hides each one's words from the
next ("cost cap $35" is no budget), and that order reads best in one function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import GOAL, Adjustment, PlanDefaults, Question
from agents.orchestrator.planning.audiences.detailed import quoted_titles
from agents.orchestrator.planning.capabilities import Capabilities, objective_for, read_capabilities
from agents.orchestrator.planning.copy import PRODUCT_RE, product_of
from agents.orchestrator.planning.cues import correction_span
from agents.orchestrator.planning.dsa import DSA_RE, find_dsa
from agents.orchestrator.planning.geo.parse import LOOSE_RADIUS, RADIUS_BEFORE, GeoResult, find_geo
from agents.orchestrator.planning.money.bids import find_bids
from agents.orchestrator.planning.money.budget import BudgetRead, read_budget
from agents.orchestrator.planning.money.context import REVENUE_PHRASE, cost_limit
from agents.orchestrator.planning.money.parse import Money
from agents.orchestrator.planning.money.targets import Targets, find_targets
from agents.orchestrator.planning.names.derive import goal_words
from agents.orchestrator.planning.names.given import GivenName, given_name
from agents.orchestrator.planning.parse_copy import find_copy
from agents.orchestrator.planning.parse_intent import (
    ID_RE,
    OBJECTIVE_CUES,
    SPECIAL,
    Assets,
    find_assets,
    find_cta,
    find_ctas,
    find_ids,
    find_objective,
    find_special,
    objective_conflict,
)
from agents.orchestrator.planning.parse_optimisation import (
    OBJECTIVE_OF_GOAL,
    Optimisation,
    find_optimisation,
)
from agents.orchestrator.planning.people.audience import (
    Audience,
    find_ages,
    find_locales,
)
from agents.orchestrator.planning.people.copy_languages import LanguageCopy, find_copy_languages
from agents.orchestrator.planning.people.interests import InterestResult, find_interests
from agents.orchestrator.planning.people.placements import read_placements
from agents.orchestrator.planning.people.splits import Split, find_split
from agents.orchestrator.planning.schedule.dates import date_order
from agents.orchestrator.planning.schedule.golive import find_go_live
from agents.orchestrator.planning.schedule.time import Schedule, find_schedule

AB_RE = re.compile(r"\b(?:a\s*/\s*b|ab|split)[- ]?test(?:ing)?\b|\btest(?:ing)?\s+(?:two|2|three|3|"
                   r"different|a\s+couple\s+of)\b|\bcompare\s+(?:two|2|three|3)\b|\bvs\.?\b|"
                   r"\bversus\b|\btest(?:ing)?\s+\w+\s+against\b|\bhead[- ]to[- ]head\b|\bto\s+test\b|\bwhich\s+(?:one\s+)?(?:converts|performs|"
                   r"works|does)\s+better\b", re.I)
AB_CREATIVE = re.compile(r"\b(?:headlines?|copy|images?|creatives?|visuals?|videos?|texts?|"
                         r"photos?|ads?|hooks?|angles?|ctas?)\b", re.I)
AB_COUNT = re.compile(r"\b(two|2|three|3|four|4)\s+(?:different\s+)?(?:headlines?|versions?|"
                      r"variants?|creatives?|images?|copies|texts?|hooks?|angles?)\b", re.I)
GENDER_SPLIT = re.compile(r"\b(?:women|female)\s+(?:vs\.?|versus|against|and)\s+(?:men|male)\b|"
                          r"\b(?:men|male)\s+(?:vs\.?|versus|against|and)\s+(?:women|female)\b",
                          re.I)
CAROUSEL = re.compile(r"\bcarou?sell?\b", re.I)
LEAD_WEBSITE = re.compile(r"\b(?:on\s+(?:our|the)\s+(?:website|site)|landing\s+page\s+form|"
                          r"form\s+on\s+(?:our|the)\s+(?:site|website))\b", re.I)
VALUE_GOAL = re.compile(r"\b(?:roas|purchase\s+value|maximi[sz]e\s+(?:value|revenue))\b", re.I)
LPV_GOAL = re.compile(r"\blanding[- ]page[- ]views?\b", re.I)
VIDEO_VIEWS = re.compile(r"\b(?:video\s+views|thruplays?|watch(?:es|ing)?\s+(?:time|(?:the|our)\s+(?:new\s+)?(?:video|trailer|film|clip)))\b", re.I)
PAGE_LIKES = re.compile(r"\b(?:page\s+likes|followers|follows)\b", re.I)
# "advantage+ audience off" keeps the interests the brief names (only "on" goes broad)
NO_INTERESTS = re.compile(r"\b(?:broad|no\s+interests|advantage\s*(?:\+|plus)?\s*audience(?!\s*(?:[:,-]\s*)?"
                          r"(?:off|disabled|turned\s+off))|no\s+targeting)\b", re.I)
PLACE_WORD = re.compile(r"\b(?:in|across|to|targeting|target)\s+(?:the\s+)?([A-Z][a-z]{3,}"
                        r"(?:\s+[A-Z][a-z]+)?)\b")


@dataclass
class Facts:
    """What the brief says, parser by parser."""

    brief: str
    defaults: PlanDefaults
    objective: str | None = None
    objective_scores: dict[str, int] = field(default_factory=dict)
    special: list[str] = field(default_factory=list)
    geo: GeoResult = field(default_factory=GeoResult)
    audience: Audience = field(default_factory=Audience)
    locales: list[int] = field(default_factory=list)
    placements: dict[str, list[str]] = field(default_factory=dict)
    interests: InterestResult = field(default_factory=InterestResult)
    money: Money | None = None
    all_money: list[Money] = field(default_factory=list)
    budget: BudgetRead = field(default_factory=BudgetRead)
    schedule: Schedule = field(default_factory=Schedule)
    assets: Assets = field(default_factory=Assets)
    cta: str | None = None
    ctas: list[str] = field(default_factory=list)  # several buttons listed together
    headlines: list[str] = field(default_factory=list)
    primary: list[str] = field(default_factory=list)
    description: str | None = None
    descriptions: list[str] = field(default_factory=list)
    go_live: bool | None = None  # the brief asks to go live (True) or to stay paused (False)
    ids: dict[str, str] = field(default_factory=dict)
    advertiser: str | None = None  # the DSA payor
    beneficiary: str | None = None  # the DSA beneficiary (the advertiser unless named apart)
    targets: Targets = field(default_factory=Targets)
    ab: bool = False
    ab_count: int = 2
    ab_creative: bool = False
    gender_split: bool = False
    split: Split = field(default_factory=Split)  # "one ad set per country", "men and women apart"
    carousel: bool = False
    value_goal: bool = False
    lpv_goal: bool = False
    optimisation: list[Optimisation] = field(default_factory=list)  # "optimise for add to cart"
    video_views: bool = False
    page_likes: bool = False
    broad: bool = False
    unknown_places: list[str] = field(default_factory=list)
    caps: Capabilities = field(default_factory=Capabilities)  # audiences, bids, forms (issue 15)
    copy_languages: list[LanguageCopy] = field(default_factory=list)  # copy per language
    spans: list[tuple[int, int]] = field(default_factory=list)
    given: GivenName | None = None  # "a campaign called Winter Boots": its name, as written
    # What the parsers could not settle on their own (asked) and what they changed (shown).
    # Each parser result may carry `flags` and `adjustments` lists; `read_facts` gathers them.
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


def _count(word: str) -> int:
    return {"two": 2, "three": 3, "four": 4}.get(word.lower(), int(word) if word.isdigit() else 2)


def read_facts(brief: str, d: PlanDefaults) -> Facts:
    """Run every parser over the brief."""
    f = Facts(brief=brief, defaults=d)
    spans = f.spans
    # Quoted copy is read verbatim from the brief and hidden from the other parsers ("Ships
    # free over $50" is no budget, "For the women who run" no gender, "Get a free quote" no goal).
    # "job title 'Nurse'" and "a campaign named 'Winter Boots'" are no headline
    f.given = given_name(brief)
    if f.given:
        spans.append(f.given.span)
    named = [f.given.quote] if f.given and f.given.quote else []
    copy = find_copy(_mask(brief, quoted_titles(brief) + named))
    f.headlines, f.primary, f.descriptions = copy.headlines, copy.primary, copy.descriptions
    per_language = find_copy_languages(brief)
    f.copy_languages = per_language.languages
    spans += per_language.spans
    f.description = copy.descriptions[0] if copy.descriptions else None
    spans += copy.spans
    uncopied = _mask(brief, copy.quote_spans)
    # "we do $30k a month in sales" tells turnover, not the goal.
    f.optimisation = find_optimisation(uncopied)
    # "optimise for landing page views" names an event, not the goal ("views" is no
    # engagement); with no goal word elsewhere, the event tells the goal
    goal_text = _mask(uncopied, [m.span() for m in REVENUE_PHRASE.finditer(uncopied)] +
                      [o.span for o in f.optimisation])
    for cues in OBJECTIVE_CUES.values():
        spans += [m.span() for pat, _ in cues for m in re.finditer(pat, uncopied, re.I)]
    f.special = find_special(brief)
    spans += [o.span for o in f.optimisation]
    # Audiences, forms, chats, detailed targeting and dynamic creative first: their words
    # ("hit shop.com", a privacy page, "last 30 days", "(01-02 yrs)") are no landing page,
    # schedule or age range.
    unoptimised = _mask(uncopied, [o.span for o in f.optimisation])  # "optimise for add to cart"
    f.caps = caps = read_capabilities(unoptimised, d, find_ids(uncopied).get("pixel_id") or d.pixel_id)
    spans += caps.spans
    f.assets = find_assets(_mask(uncopied, caps.spans), d.asset_dir, roots=d.asset_roots)
    spans += f.assets.spans
    # URLs and paths must not read as places or money
    masked = _mask(brief, f.assets.spans + copy.quote_spans + caps.spans)
    caps.bids = find_bids(masked, d.currency)
    spans += caps.bids.spans
    masked = _mask(masked, caps.bids.mask)  # "cost cap $35" is no budget and no target CPA
    # The goal is read once the capabilities are: "click-to-WhatsApp" names where people go,
    # "retarget site visitors" who sees the ads — neither is a goal of clicks or visits.
    who = caps.destination.spans if caps.destination.destination_type not in (None, "ON_AD") \
        else []
    goal_text = _mask(goal_text, who + caps.audiences.spans)
    f.objective, f.objective_scores = find_objective(goal_text)
    if f.objective is None and f.optimisation:
        f.objective = OBJECTIVE_OF_GOAL.get((f.optimisation[0].goal, f.optimisation[0].event))
    _settle_objective(f, goal_text)
    f.objective = objective_for(caps, f.objective, unoptimised)
    f.targets = find_targets(masked, d.currency)
    spans += f.targets.spans
    masked = _mask(masked, f.targets.spans)  # "target CPA $25" is no budget, "EUR" no place
    # Placements before places: "NO instagram" is no Norway, "everywhere but stories" no
    # worldwide.
    placements = read_placements(masked)
    f.placements = placements.placements
    spans += [(s, m.end() if (m := PLACEMENT_WORD.match(masked, e)) else e)
              for s, e in placements.spans]
    masked = _mask(masked, placements.spans)
    f.schedule = find_schedule(masked, d.today, order=date_order(d.currency))
    spans += f.schedule.spans
    f.budget = read_budget(masked, d.currency, f.schedule.days)
    f.money, f.all_money = f.budget.money, f.budget.seen
    spans += [(m.start, m.end) for m in f.all_money if not cost_limit(masked, m.start, m.end)]
    # "US$50/day" names no place, "over 10 days" no age: money and dates are masked for them
    unmoney = _mask(masked, [(m.start, m.end) for m in f.all_money] + f.schedule.spans)
    f.geo = find_geo(unmoney, d.currency)
    spans += [_with_place_cue(unmoney, s, e) for s, e in f.geo.spans]
    f.audience = find_ages(unmoney, d.today)
    spans += f.audience.spans
    f.locales, s = find_locales(masked, f.flags)  # "Chinese": which script is asked
    spans += s
    f.broad = bool(NO_INTERESTS.search(masked))
    f.interests = InterestResult() if f.broad else find_interests(masked)
    spans += f.interests.spans
    f.ctas, span = find_ctas(masked)
    f.cta = f.ctas[0] if f.ctas else None
    if not f.ctas:
        f.cta, span = find_cta(masked)
    if span:
        spans.append(span)
    go_live = find_go_live(masked)
    f.go_live = go_live.value
    spans += go_live.spans
    f.ids = find_ids(masked)
    spans += [m.span() for pat in ID_RE.values() for m in pat.finditer(masked)]
    payor, beneficiary = find_dsa(masked)
    f.advertiser = payor or beneficiary or d.advertiser
    f.beneficiary = beneficiary or f.advertiser
    spans += [m.span() for m in DSA_RE.finditer(masked)]
    f.ab = bool(AB_RE.search(masked))
    # Phrases read as flags also count as understood.
    for pat in (AB_RE, AB_COUNT, GENDER_SPLIT, CAROUSEL, LEAD_WEBSITE, VALUE_GOAL, LPV_GOAL,
                VIDEO_VIEWS, PAGE_LIKES, NO_INTERESTS, LOOSE_RADIUS, RADIUS_BEFORE):
        spans += [m.span() for m in pat.finditer(masked)]
    for pat_text in SPECIAL.values():
        spans += [m.span() for m in re.finditer(pat_text, masked, re.I)]
    if count := AB_COUNT.search(masked):
        f.ab_count = _count(count.group(1))
    f.ab_creative = f.ab and bool(AB_CREATIVE.search(masked)) and not f.audience.age_variants
    f.gender_split = f.ab and bool(GENDER_SPLIT.search(masked))
    f.split = find_split(masked)
    spans += f.split.spans
    f.carousel = bool(CAROUSEL.search(masked))
    f.value_goal = bool(VALUE_GOAL.search(masked))
    f.lpv_goal = bool(LPV_GOAL.search(masked))
    f.video_views = bool(VIDEO_VIEWS.search(masked))
    f.page_likes = bool(PAGE_LIKES.search(masked))
    if product := PRODUCT_RE.search(masked):
        name = product_of(masked) or ""
        spans.append((product.start(), product.start("p") + len(name)))
    for result in (f.geo, f.audience, f.schedule, f.interests, f.targets, f.assets, f.budget,
                   placements, go_live, copy, caps.audiences, caps.destination, caps.detailed):
        f.flags += getattr(result, "flags", None) or []
        f.adjustments += getattr(result, "adjustments", None) or []
    f.flags += [q for q in caps.flags if q not in [*caps.audiences.flags, *caps.destination.flags,
                                                   *caps.detailed.flags]]
    known = {c.lower() for c in ("Instagram", "Facebook", "Meta", "Monday", "Tuesday",
                                 "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
                                 "January", "February", "March", "April", "June", "July",
                                 "August", "September", "October", "November", "December",
                                 "Reels", "Stories", "Spanish", "English", "French", "German")}
    for m in PLACE_WORD.finditer(masked):
        word = m.group(1)
        if word.lower() in known or any(s <= m.start(1) < e for s, e in spans):
            continue
        if word.split()[0].lower() in known:
            continue
        f.unknown_places.append(word)
    return f


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = " "
    return "".join(chars)


FILLER = set("""
a an the and or but to of in on at for with from by as is are be was were it its this that these
those we our us i my me you your they them their he she his her who which what when where how
please pls thanks thank hi hey hello team so just also very really want wanna need needs would
like could should can will shall let lets let's do does did make making run running set setup up
get getting go going some any all more most new campaign campaigns ad ads advert adverts meta
facebook instagram fb ig budget target targeting audience people folks users customers
launch launching live start starting ok okay thx asap here there about into out over than then
only per each every day days week weeks month months total daily around approx roughly
""".split())


def as_dict(f: Facts) -> dict[str, Any]:
    """Return a debugging view of the facts (for `adpilot plan --json --debug`-style use)."""
    return {"objective": f.objective, "special": f.special, "geo": f.geo.geo_locations(),
            "ages": [f.audience.age_min, f.audience.age_max], "genders": f.audience.genders,
            "money": f.money and vars(f.money), "schedule": vars(f.schedule),
            "interests": f.interests.found, "cta": f.cta, "headlines": f.headlines}


def _settle_objective(f: Facts, text: str) -> None:
    """Two goals named about equally: a correction between them picks the later; else ask."""
    both = objective_conflict(text, f.objective_scores)
    if both is None:
        return
    earlier, later, earlier_end, later_start = both
    name = {o: goal_words(o).lower() for o in both[:2]}
    if cue := correction_span(text, earlier_end, later_start, later_start):
        f.spans.append(cue)
        if f.objective != later:
            f.adjustments.append(Adjustment("objective", earlier, later, f"the later "
                                            f"‘{name[later]}’ corrects the earlier ‘{name[earlier]}’"))
        f.objective = later
        return
    f.flags.append(Question("objective", f"The brief asks for {name[earlier]} and also for "
                            f"{name[later]}. A campaign optimises for one: which should it be?",
                            kind="conflict", phrase=f"{name[earlier]} … {name[later]}", affects=GOAL))


PLACE_CUE_BEFORE = re.compile(r"\b(?:near|around|in|across|within|throughout|all\s+over|"
                              r"nearby|close\s+to)\s+(?:the\s+)?(?:downtown|central|greater|"
                              r"metro|city\s+of|area\s+of)?\s*$", re.I)


def _with_place_cue(text: str, start: int, end: int) -> tuple[int, int]:
    """Return a place's span with the words that introduce it ("near downtown Denver")."""
    m = PLACE_CUE_BEFORE.search(text, max(0, start - 30), start)
    return (m.start(), end) if m else (start, end)


# "NO facebook placements at all": the word after a placement the parser read is read too.
PLACEMENT_WORD = re.compile(r"\s+(?:placements?|positions?|(?:at\s+)?all)\b(?:\s+at\s+all\b)?",
                            re.I)
