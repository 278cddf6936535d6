"""Places the geo parser must not read silently: unknown names and goal-word look-alikes.

- `unknown_places`: a capitalised name (or an abbreviation in capitals: "the OC") where a place belongs — after "in", "near", "around",
  "within 10 miles of", beside a known place ("Boise and Twin Falls") or before a state or
  country ("Asheville NC", "Bradford (UK)") — that the catalogue does not know. When the brief
  names other places it becomes a question naming it (the plan would otherwise quietly leave
  it out); when it names none, the planner's country question quotes it.
- `goal_homographs`: a lower-case place name one letter away from a goal word, after a goal
  verb ("get leeds", "more leeds") is not read as a place when the brief names another place;
  alone, it is a question (the city, or the goal?).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning import lexicon as lx
from agents.orchestrator.planning.catalog import interest
from agents.orchestrator.planning.geo.context import QUAL_GAP
from agents.orchestrator.planning.geo.scan import GEO

if TYPE_CHECKING:
    from agents.orchestrator.planning.geo.result import GeoResult
    from agents.orchestrator.planning.geo.scan import Mention

GOAL_CUE = re.compile(r"\b(?:get|getting|more|generate|generating|need|needs|want|drive|driving|"
                      r"collect|capture|boost|increase|some|new|qualified|us)\s+$", re.I)
NAME = re.compile(r"(?<![\w@/.$-])[A-Z][a-zà-ÿ][\w'’.-]*(?:[ -](?:of\s+|upon\s+|on\s+)?"
                  r"[A-Z][a-zà-ÿ][\w'’.-]*){0,2}"
                  r"|(?<![\w@/.$-])[A-Z]{2,4}(?![\w'’@])")  # "LA and the OC": a local abbreviation
CUE = re.compile(r"\b(?:in|near|around|across|throughout|outside(?:\s+of)?|except|excluding|"
                 r"exclude|minus|without|skip|but\s+not|not\s+in|"
                 r"within\s+\d+(?:\.\d+)?\s*-?\s*(?:miles?|mi|kms?|kilomet(?:er|re)s?)\s+"
                 r"(?:of|from|around))\s+(?:the\s+)?$", re.I)
NOT_PLACE_IN = re.compile(r"\b(?:interest(?:ed|s)?|special(?:is|iz)(?:ed|ing)|experts?|degrees?|"
                          r"courses?|classes|lessons|available|made|written|shot|filmed|fluent|"
                          r"speak(?:ing|ers?)?|ads?|copy|text|engaged|involved|invest(?:ing|ed)?|"
                          r"majoring|placements?|positions?|only|run|running|show(?:n|ing)?)\s+"
                          r"in\s+(?:the\s+)?$", re.I)
COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
           "central", "upstate", "downstate", "midlands"}
LIST = re.compile(r"^\s*(?:&|\+|/|\band\b|\bor\b)\s*(?:the\s+)?$", re.I)
STOP = {w.lower() for w in """
January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday
Saturday Sunday Mon Tue Wed Thu Fri Sat Sun Today Tomorrow Tonight Weekend Weekends Weekdays
English Spanish French German Portuguese Italian Dutch Polish Swedish Danish Norwegian Finnish
Japanese Chinese Korean Arabic Hindi Russian Turkish Greek Hebrew Mandarin Cantonese Tagalog
Facebook Instagram Messenger WhatsApp Meta Audience Network Reels Reel Stories Story Feed Feeds
Explore Marketplace Google TikTok YouTube Shopify Amazon Etsy Threads Search Home
Christmas Xmas Easter Thanksgiving Halloween Ramadan Diwali Valentine Valentines Hanukkah Eid
Black Cyber Prime Boxing Mother Mothers Father Fathers Day Summer Winter Spring Autumn Fall
I We Our Us You Your They The A An This That These Those It My Me He She His Her
Hi Hey Hello Thanks Thank Please Pls Cheers Best Regards Ok Okay Also Just Only
Sales Sale Leads Lead Traffic Awareness Engagement Reach Conversions Installs Signups Clicks Views
Budget Target Targeting Image Images Photo Photos Video Videos Landing Page Site Website Ads Ad
Campaign Campaigns CTA Shop Buy Order Book Learn More Sign Up Download Install Apply Get Contact
Subscribe Watch Send Message Call Quote Offer Free Deal New Now Paid Payor Beneficiary Advertiser
Men Women Male Males Female Females People Customers Gen Millennials Boomers Teens Adults Moms Dads
Headline Headlines Text Copy Description Primary Daily Total Lifetime Ages Age Aged Both All
Downtown Uptown Central Greater North South East West Northern Southern Eastern Western Upstate
Metro Area Region State County City Country Province Coast Islands Island
""".split()}


def goal_homographs(text: str, ms: list[Mention], res: GeoResult) -> list[Mention]:
    """Drop lower-case place names used as goal words ("get leeds") — shown, or asked."""
    odd = [m for m in ms if m.raw.islower() and _near_goal(m.raw)
           and GOAL_CUE.search(text[max(0, m.start - 25):m.start])]
    if not odd:
        return ms
    others = [m for m in ms if m not in odd and m.role != "qualifier"]
    for m in odd:
        word = _near_goal(m.raw)
        name = m.cands[0].name if m.cands else m.raw
        if others:
            res.adjustments.append(Adjustment(
                GEO, m.raw, None, f"‘{m.raw}’ is not read as the place {name}: after "
                f"‘{text[:m.start].split()[-1]}’ it reads as the goal ‘{word}’, and the brief "
                "names other places"))
        else:
            res.flags.append(Question(
                GEO, f"Does ‘{m.raw}’ mean the place {name}, or ‘{word}’? Name the place the "
                "ads should reach.", kind="ambiguous", phrase=m.raw, affects=WHO))
            continue
        res.spans.append(m.span)
    return [m for m in ms if m not in odd or not others]


def _near_goal(word: str) -> str | None:
    for goal in lx.GOAL_WORDS:
        if word != goal and _one_edit(word.lower(), goal):
            return goal
    return None


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def find_unknown(text: str, ms: list[Mention]) -> list[tuple[str, tuple[int, int], str]]:
    """Place-like names the catalogue lacks: (name, span, the qualifier written after it)."""
    taken = [m.span for m in ms]
    out = []
    for n in NAME.finditer(text):
        s, e = n.span()
        if any(a < e and s < b for a, b in taken):
            continue
        words = n.group(0).split()
        if not (len(words) > 1 and all(w.lower().strip(".,") in COMPASS for w in words)):
            while words and words[0].lower() in STOP:  # "the South East" stays a name
                s += len(words.pop(0)) + 1
            while words and words[-1].lower().strip(".,") in STOP:
                words.pop()
        if not words or interest(" ".join(words)):
            continue
        name = " ".join(words).strip(".,")
        e = s + len(name)
        beside = [m for m in ms if LIST.match(text[m.end:s]) or LIST.match(text[e:m.start])
                  or re.match(r"^\s*\(\s*$", text[m.end:s])]  # "Belgium (Flanders only)"
        qualifier = [m for m in ms if m.start >= e and QUAL_GAP.match(text[e:m.start]) and
                     m.cands and all(c.kind in ("country", "region") for c in m.cands)]
        before = text[max(0, s - 40):s]
        cued = CUE.search(before) and not NOT_PLACE_IN.search(before)
        if not (cued or beside or any(q.via == "code" for q in qualifier)):
            continue  # "Asheville NC" alone will do; "Wanderschuhe, Österreich" will not
        for q in qualifier[:1]:
            if q.role == "include" and not q.coverage:
                q.role = "qualifier"  # "Asheville NC": says where the unknown place is
        out.append((name, (s, e), qualifier[0].raw if qualifier else ""))
    return out


def ask_unknown(res: GeoResult, unknown: list[tuple[str, tuple[int, int], str]]) -> None:
    """Ask about unknown names beside known places.

    Alone, the planner's country question quotes them ("Which country or city should the ads
    reach? ('Wakanda' is not a place adpilot knows)").
    """
    found = bool(res.geo_locations() or res.excluded_geo_locations())
    for name, span, where in unknown:
        res.unknown.append(name)
        if not (found or where):
            continue
        res.spans.append(span)
        place = f" ({where})" if where else ""
        res.flags.append(Question(
            GEO, f"‘{name}’{place} is not a place adpilot knows, so the plan leaves it out. "
            "Which city, region or country is it (or a known city nearby with a radius, e.g. "
            "'within 20 miles of Boise')?", kind="not_understood", phrase=name, affects=WHO))
