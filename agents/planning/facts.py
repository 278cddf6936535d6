"""Read every fact the rules planner understands out of a brief, with the text it used.

`read_facts(brief, defaults)` runs the parsers (money, time, geo, audience, interests, intent)
and returns a `Facts` record; `agents/planning/rules.py` turns it into a plan. The consumed
spans let the planner report the phrases it did not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.planning import Adjustment, PlanDefaults, Question
from agents.planning.budget import BudgetRead, read_budget
from agents.planning.copy import PRODUCT_RE, product_of
from agents.planning.parse_audience import (
    ALL_GENDERS,
    MEN,
    WOMEN,
    Audience,
    find_ages,
    find_locales,
    find_placements,
)
from agents.planning.parse_dates import date_order
from agents.planning.parse_geo import LOOSE_RADIUS, RADIUS_BEFORE, GeoResult, find_geo
from agents.planning.parse_intent import (
    DSA_RE,
    OBJECTIVE_CUES,
    SPECIAL,
    Assets,
    find_advertiser,
    find_assets,
    find_cta,
    find_ids,
    find_objective,
    find_special,
)
from agents.planning.parse_interests import InterestResult, find_interests
from agents.planning.parse_money import Money
from agents.planning.parse_targets import Targets, find_targets
from agents.planning.parse_time import Schedule, find_schedule

QUOTED = r"[\"“‘']([^\"”’'\n]{2,125})[\"”’']"
HEADLINE_RE = re.compile(rf"\bheadlines?\b[^\"“‘'\n]{{0,40}}?((?:{QUOTED}\s*(?:,|/|"
                         rf"\bvs\.?|\bversus|\band|\bor)?\s*)+)", re.I)
PRIMARY_RE = re.compile(rf"\b(?:primary\s+text|body(?:\s+copy)?|ad\s+copy|copy|text|message)\s*"
                        rf"(?:[:=-]|should\s+(?:say|read)|says?|reads?)\s*{QUOTED}", re.I)
DESCRIPTION_RE = re.compile(rf"\bdescription\s*(?:[:=-]|should\s+(?:say|read))\s*{QUOTED}", re.I)
AB_RE = re.compile(r"\b(?:a\s*/\s*b|ab|split)[- ]?test(?:ing)?\b|\btest(?:ing)?\s+(?:two|2|three|3|"
                   r"different|a\s+couple\s+of)\b|\bcompare\s+(?:two|2|three|3)\b|\bvs\.?\b|"
                   r"\bversus\b|\bhead[- ]to[- ]head\b|\bto\s+test\b|\bwhich\s+(?:one\s+)?(?:converts|performs|"
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
VIDEO_VIEWS = re.compile(r"\b(?:video\s+views|thruplays?|watch\s+(?:time|the\s+video))\b", re.I)
PAGE_LIKES = re.compile(r"\b(?:page\s+likes|followers|follows)\b", re.I)
NO_INTERESTS = re.compile(r"\b(?:broad|no\s+interests|advantage\+?\s+audience|no\s+targeting)\b",
                          re.I)
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
    headlines: list[str] = field(default_factory=list)
    primary: list[str] = field(default_factory=list)
    description: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    advertiser: str | None = None
    targets: Targets = field(default_factory=Targets)
    ab: bool = False
    ab_count: int = 2
    ab_creative: bool = False
    gender_split: bool = False
    carousel: bool = False
    lead_website: bool = False
    value_goal: bool = False
    lpv_goal: bool = False
    video_views: bool = False
    page_likes: bool = False
    broad: bool = False
    unknown_places: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
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
    f.objective, f.objective_scores = find_objective(brief)
    for cues in OBJECTIVE_CUES.values():
        spans += [m.span() for pat, _ in cues for m in re.finditer(pat, brief, re.I)]
    f.special = find_special(brief)
    f.assets = find_assets(brief, d.asset_dir)
    spans += f.assets.spans
    masked = _mask(brief, f.assets.spans)  # URLs and paths must not read as places or money
    f.targets = find_targets(masked, d.currency)
    spans += f.targets.spans
    masked = _mask(masked, f.targets.spans)  # "target CPA $25" is no budget, "EUR" no place
    f.schedule = find_schedule(masked, d.today, order=date_order(d.currency))
    spans += f.schedule.spans
    f.budget = read_budget(masked, d.currency, f.schedule.days)
    f.money, f.all_money = f.budget.money, f.budget.seen
    spans += [(m.start, m.end) for m in f.all_money]
    # "US$50/day" names no place, "over 10 days" no age: money and dates are masked for them
    unmoney = _mask(masked, [(m.start, m.end) for m in f.all_money] + f.schedule.spans)
    f.geo = find_geo(unmoney, d.currency)
    spans += f.geo.spans
    f.audience = find_ages(unmoney, d.today)
    spans += f.audience.spans
    f.locales, s = find_locales(masked)
    spans += s
    f.placements, s = find_placements(masked)
    spans += s
    f.broad = bool(NO_INTERESTS.search(masked))
    f.interests = InterestResult() if f.broad else find_interests(masked)
    spans += f.interests.spans
    f.cta, span = find_cta(masked)
    if span:
        spans.append(span)
    for m in HEADLINE_RE.finditer(brief):
        f.headlines += [q for q in re.findall(QUOTED, m.group(1))]
        spans.append(m.span())
    for m in PRIMARY_RE.finditer(brief):
        f.primary.append(m.group(1))
        spans.append(m.span())
    if desc := DESCRIPTION_RE.search(brief):
        f.description = desc.group(1)
        spans.append(desc.span())
    f.ids = find_ids(masked)
    f.advertiser = find_advertiser(masked) or d.advertiser
    if dsa := DSA_RE.search(masked):
        spans.append(dsa.span())
    f.ab = bool(AB_RE.search(masked))
    # Phrases read as flags also count as understood.
    for pat in (AB_RE, AB_COUNT, GENDER_SPLIT, CAROUSEL, LEAD_WEBSITE, VALUE_GOAL, LPV_GOAL,
                VIDEO_VIEWS, PAGE_LIKES, NO_INTERESTS, WOMEN, MEN, ALL_GENDERS, LOOSE_RADIUS,
                RADIUS_BEFORE):
        spans += [m.span() for m in pat.finditer(masked)]
    for pat_text in SPECIAL.values():
        spans += [m.span() for m in re.finditer(pat_text, masked, re.I)]
    if count := AB_COUNT.search(masked):
        f.ab_count = _count(count.group(1))
    f.ab_creative = f.ab and bool(AB_CREATIVE.search(masked)) and not f.audience.age_variants
    f.gender_split = f.ab and bool(GENDER_SPLIT.search(masked))
    f.carousel = bool(CAROUSEL.search(masked))
    f.lead_website = bool(LEAD_WEBSITE.search(masked))
    f.value_goal = bool(VALUE_GOAL.search(masked))
    f.lpv_goal = bool(LPV_GOAL.search(masked))
    f.video_views = bool(VIDEO_VIEWS.search(masked))
    f.page_likes = bool(PAGE_LIKES.search(masked))
    if product := PRODUCT_RE.search(masked):
        name = product_of(masked) or ""
        spans.append((product.start(), product.start("p") + len(name)))
    for result in (f.geo, f.audience, f.schedule, f.interests, f.targets, f.assets, f.budget):
        f.flags += getattr(result, "flags", None) or []
        f.adjustments += getattr(result, "adjustments", None) or []
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


def unparsed_phrases(brief: str, spans: list[tuple[int, int]]) -> list[str]:
    """Return sentences of the brief where most content words fed no parser."""
    covered = [False] * len(brief)
    for s, e in spans:
        for i in range(max(0, s), min(len(brief), e)):
            covered[i] = True
    out = []
    for m in re.finditer(r"(?:[^.!?\n;]|[.!?](?=\S))+", brief):  # "a.jpg" is not a sentence end
        seg = m.group(0)
        words = [(w.start() + m.start(), w.group(0)) for w in re.finditer(r"[A-Za-z][\w'-]*", seg)]
        content = [(i, w) for i, w in words if w.lower() not in FILLER and len(w) > 2]
        if len(content) < 2:
            continue
        loose = [w for i, w in content if not covered[i]]
        if len(loose) >= 3 and len(loose) / len(content) > 0.75:
            out.append(seg.strip())
    return out


def as_dict(f: Facts) -> dict[str, Any]:
    """Return a debugging view of the facts (for `adpilot plan --json --debug`-style use)."""
    return {"objective": f.objective, "special": f.special, "geo": f.geo.geo_locations(),
            "ages": [f.audience.age_min, f.audience.age_max], "genders": f.audience.genders,
            "money": f.money and vars(f.money), "schedule": vars(f.schedule),
            "interests": f.interests.found, "cta": f.cta, "headlines": f.headlines}
