"""Placements in a brief → Meta's publisher platforms, positions and devices.

A small grammar rather than one pattern per phrase:

- **mentions**: platforms (Facebook/FB, Instagram/IG/Insta, Messenger, Audience Network),
  positions (feed, stories, reels, Marketplace, right column, in-stream video, video feeds,
  search results, Explore, profile feed, Messenger inbox) and devices (mobile, desktop);
- **groups**: mentions joined by list words ("Instagram feed and stories", "FB + IG feeds",
  "stories on Instagram"); a platform followed by positions qualifies them, positions
  without a platform apply to every platform that has them;
- **polarity**: "only / just / nothing else" (these and nothing more), a negation before the
  group ("no Audience Network", "NO instagram", "exclude right column", "everywhere but
  stories", "without Messenger") excludes it; a plain group with placement context ("on
  Instagram", "Facebook feed and Marketplace", "stories and reels") includes it. A bare
  platform name with no context ("our Instagram has 10k followers") is not a placement.

Each clause keeps its own polarity: "no Audience Network, Instagram only" leaves out the one
and keeps only the other (`_clauses`). Included mentions are the starting set (otherwise Meta's
automatic placements: Facebook, Instagram, Messenger, Audience Network, every position);
excluded ones are taken out (`people/placement_keys.py`). A platform keeps all its positions
unless some were left out, then its positions are listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.people.placement_keys import POSITIONS, Said, resolve

TOKEN = re.compile(r"""\b(?:
   (?P<messenger>(?:facebook\s+|fb\s+)?messenger(?!\s+(?:home|inbox)))
 | (?P<audience_network>(?:meta\s+|facebook\s+|fb\s+)?audience\s+network|(?-i:AN))
 | (?P<threads>threads)
 | (?P<inbox>messenger\s+(?:home|inbox)|inbox)
 | (?P<video_feeds>video\s+feeds?)
 | (?P<profile_feed>profile\s+feeds?)
 | (?P<instream>in[- ]?stream(?:\s+videos?)?(?:\s+ads?)?)
 | (?P<right_column>right[- ]hand[- ]column|right[- ](?:side\s+)?column|rhc)
 | (?P<search>search(?:\s+results?)?)
 | (?P<explore_home>explore\s+home)
 | (?P<explore>explore(?:\s+(?:feed|tab|page))?)
 | (?P<rewarded>rewarded\s+videos?)
 | (?P<facebook>face\s?book|fb)
 | (?P<instagram>instagram|insta|ig)
 | (?P<feed>news\s?feeds?|feeds?)
 | (?P<story>stor(?:y|ies))
 | (?P<reels>reels?)
 | (?P<marketplace>market\s?place)
 | (?P<mobile>mobile(?:\s+devices?)?|phones?|smartphones?)
 | (?P<desktop>desktops?|computers?|laptops?)
 | (?P<universe>everywhere(?:\s+else)?|all\s+(?:the\s+)?(?:placements|positions|platforms)
     |automatic\s+placements|auto(?:matic)?[- ]placements|advantage\+?\s+placements)
)\b""", re.I | re.X)
PLATFORMS = {"facebook", "instagram", "messenger", "audience_network", "threads"}
DEVICES = {"mobile", "desktop"}
JOIN = re.compile(r"(?:\s|,|&|\+|/|\band\b|\bor\b|\bthe\b|\bits\b|\btheir\b|\bplus\b|\bon\b|"
                  r"\bin\b|\bacross\b|['’]s\b|\s[-–—:]\s|:\s|\bonly\s*[-–—:]\s)*", re.I)
NEG_BEFORE = re.compile(
    r"(?:\b(?:no|not|nothing|exclude|excluding|except|without|minus|skip|avoid|never|"
    r"other\s+than|apart\s+from|aside\s+from|remove|turn\s+off|switch\s+off|opt\s+out\s+of|"
    r"keep\s+(?:it|us|them|ads?)\s+off|stay\s+off|nowhere\s+near)"
    r"|\b(?:don'?t|do\s+not|dont|won'?t)\s+(?:run|show|use|want|put|place|serve|go)"
    r"(?:\s+(?:it|them|this|ads?|the\s+ads?|anything))?)"
    r"(?:\s+(?:on|in|the|any|to|for|placements?|ads?|from|of|with|into))*\s*[:,]?\s*$", re.I)
BUT_AFTER_UNIVERSE = re.compile(r"^\s*(?:,\s*)?(?:but|except(?:\s+for)?|excluding|minus|without|"
                                r"other\s+than|apart\s+from|bar|save)(?:\s+(?:for|the|on|in))*\s*"
                                r"[:,]?\s*$", re.I)
ONLY_BEFORE = re.compile(r"\b(?:only|just|exclusively|solely|strictly)\s+(?:(?:run|show|use|on|"
                         r"in|the|via|through|be|appear)\s+)*$", re.I)
ONLY_AFTER = re.compile(r"^(?:\s*[- ]?only\b|\s+exclusively\b|\s*,?\s*(?:and\s+|but\s+)?"
                        r"(?:nothing|nowhere)\s+else\b)", re.I)
CONTEXT_BEFORE = re.compile(r"\b(?:on|in|across|via|through|to|into|for|run|show|use|"
                            r"placements?\s*[:=-]?|positions?\s*[:=-]?)\s+(?:the\s+)?$", re.I)
# A platform alone is a placement when ads are put there ("run it on Instagram", "advertise
# on Facebook"), not when it is where the business lives ("follow us on Instagram", "chat
# with us on Messenger" — a destination, for the unsupported-ask recogniser).
PLACING_BEFORE = re.compile(r"\b(?:run\w*|advertis\w*|promot\w*|show\w*|appear\w*|plac\w*|"
                            r"post\w*|put|push\w*|launch\w*|serv\w*|target\w*|"
                            r"reach\w*|market\w*|boost\w*|spend\w*|placements?\s*[:=-]?)"
                            r"(?:\s+[\w'’-]+){0,4}?\s+(?:on|in|across|via|through|to)\s+(?:the\s+)?$"
                            r"|\b(?:ads?|campaigns?)\s+(?:on|in|across)\s+(?:the\s+)?$"
                            r"|\b(?:run|advertise|promote|show|place|post|push|serve|target|boost)"
                            r"(?:\s+(?:it|them|this|these|ads?|the\s+ads?))?\s+$", re.I)
# Placements adpilot has no key for: "no Facebook groups", "Instagram Shop only", "Facebook
# Watch". The phrase is asked about, never read as the whole platform.
UNMAPPED_AFTER = re.compile(r"^[\s'’s]*(?:groups?(?:\s+feeds?)?|shops?|notifications?|status|"
                            r"watch|live|articles?|in[- ]article|instant\s+articles|banners?|"
                            r"interstitials?|native|apps?|business\s+explore|overlays?|"
                            r"profile\s+reels|chats?|dms?|inbox\s+ads)\b", re.I)
CONTEXT_AFTER = re.compile(r"^\s*(?:placements?|positions?|ads?|only|inventory|format)\b", re.I)


@dataclass
class PlacementResult:
    """Meta placement keys, the spans read, and what to ask."""

    placements: dict[str, list[str]] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)


@dataclass
class _Group:
    tokens: list[tuple[str, int, int]]
    start: int
    end: int


def _groups(text: str) -> list[_Group]:
    """Mentions joined by list words, in order."""
    out: list[_Group] = []
    for m in TOKEN.finditer(text):
        name = m.lastgroup or ""
        if out and JOIN.fullmatch(text[out[-1].end:m.start()]) and name != "universe" and \
                out[-1].tokens[-1][0] != "universe":
            out[-1].tokens.append((name, *m.span()))
            out[-1].end = m.end()
        else:
            out.append(_Group([(name, *m.span())], *m.span()))
    return out


CLAUSE_GAP = re.compile(r"[,;]|\s[-–—]\s")


def _clauses(text: str, groups: list[_Group]) -> tuple[list[_Group], list[str]]:
    """Split a run where a negation before it meets an "only" after it, at its comma.

    "no audience network, instagram only": each clause keeps its own polarity. With two
    commas ("skip messenger, AN, instagram stories only") where the "no" ends is a guess:
    it is asked.
    """
    out: list[_Group] = []
    unclear: list[str] = []
    for g in groups:
        prev, t = out[-1] if out else None, g.tokens
        neg = NEG_BEFORE.search(text[max(0, g.start - 40):g.start]) or (
            prev and prev.tokens[-1][0] == "universe" and
            BUT_AFTER_UNIVERSE.match(text[prev.end:g.start]))
        cuts = [k for k in range(1, len(t)) if CLAUSE_GAP.search(text[t[k - 1][2]:t[k][1]])]
        if not (neg and cuts and ONLY_AFTER.match(text[g.end:g.end + 30])):
            out.append(g)
            continue
        if len(cuts) > 1:
            unclear.append(text[g.start:g.end])
        k = cuts[0]
        out += [_Group(t[:k], g.start, t[k - 1][2]), _Group(t[k:], t[k][1], g.end)]
    return out, unclear


LIST = re.compile(r",|&|\+|/|\b(?:and|or|plus)\b", re.I)
QUALIFY = re.compile(r"\b(?:on|in|across|via)\b|['’]s\b", re.I)


def _pairs(g: _Group, text: str = "") -> list[tuple[str | None, str | None]]:
    """(platform, position word) pairs of a group; None = every platform / every position.

    Positions before a platform are that platform's when a word ties them ("stories on
    Instagram"); joined by a list word they are a mention of their own ("right column &
    audience network").
    """
    subs: list[tuple[list[str], list[str]]] = []
    prev_end = None
    for name, start, end in g.tokens:
        if name in DEVICES or name == "universe":
            continue
        listed = bool(text) and prev_end is not None and not QUALIFY.search(text[prev_end:start])
        prev_start, prev_end = prev_end or start, end
        foreign = name in POSITIONS and subs and subs[-1][0] and LIST.search(  # "messenger or
            text[prev_start:start]) and not any(POSITIONS[name].get(p) for p in subs[-1][0])
        # right column" lists the column apart: it is not Messenger's
        if not subs or foreign or (name in PLATFORMS and subs[-1][0] and subs[-1][1]) or \
                (name in PLATFORMS and subs[-1][1] and not subs[-1][0] and listed):
            subs.append(([], []))
        (subs[-1][0] if name in PLATFORMS else subs[-1][1]).append(name)
    pairs: list[tuple[str | None, str | None]] = []
    for plats, words in subs:
        every: list[str | None] = [None]
        for p in plats or every:
            pairs += [(p, w) for w in words] if words else [(p, None)]
    return pairs


def read_placements(text: str) -> PlacementResult:
    """Return placements (empty = automatic), spans and questions. See the module docstring."""
    r = PlacementResult()
    include: list[Said] = []
    exclude: list[Said] = []
    dev_in: set[str] = set()
    dev_out: set[str] = set()
    groups, unclear = _clauses(text, _groups(text))
    r.flags += [Question("placements", f"'{u}': which of these should the ads leave out, and "
                         "which are the only placements?", "ambiguous", u, WHO) for u in unclear]
    said: list[tuple[set[str], bool, str]] = []  # (platforms, "only", phrase) of each inclusion
    for i, g in enumerate(groups):
        names = [t[0] for t in g.tokens]
        if names == ["universe"]:
            continue
        before = text[max(0, g.start - 40):g.start]
        start, end = g.start, g.end
        prev = groups[i - 1] if i else None
        negative = False
        if prev and prev.tokens[-1][0] == "universe" and \
                BUT_AFTER_UNIVERSE.match(text[prev.end:g.start]):
            negative, start = True, prev.start  # "everywhere but stories"
        elif neg := NEG_BEFORE.search(before):
            negative, start = True, g.start - len(before) + neg.start()
        only_b, only_a = ONLY_BEFORE.search(before), ONLY_AFTER.match(text[end:end + 30])
        if only_b and not negative:
            start = g.start - len(before) + only_b.start()
        if only_a:
            end += only_a.end()
        unmapped = UNMAPPED_AFTER.match(text[g.end:g.end + 25])
        if unmapped and names[-1] in PLATFORMS:
            tail = g.end + unmapped.end()
            if negative or only_b or ONLY_AFTER.match(text[tail:tail + 30]) or \
                    PLACING_BEFORE.search(before) or \
                    CONTEXT_AFTER.match(text[tail:]):
                phrase = text[start:tail].strip()
                r.flags.append(Question("placements", f"'{phrase}': adpilot has no placement "
                                        "for this. Which platforms and positions should the "
                                        "ads use?", "not_understood", phrase, WHO))
                r.spans.append((start, tail))  # asked here, so not asked again by the net
            continue
        qualified = any(p and w for p, w in _pairs(g, text))
        after_ok = bool(CONTEXT_AFTER.match(text[g.end:]))
        if names[0] in PLATFORMS:  # a platform alone: only where ads are placed
            context = bool(PLACING_BEFORE.search(before) or after_ok) if names != ["messenger"] \
                else bool(re.match(r"\s*(?:placements?|positions?|inventory)\b", text[g.end:], re.I))
        else:
            context = bool(CONTEXT_BEFORE.search(before)) or after_ok
        if not (negative or only_b or only_a or qualified or context or len(g.tokens) >= 2):
            continue  # "follow us on Instagram", "chat on Messenger", "customer stories"
        if "threads" in names:
            r.flags.append(Question("placements", f"'{text[start:end].strip()}': adpilot cannot "
                                    "place ads on Threads yet. Plan without it?",
                                    "not_understood", text[start:end].strip(), WHO))
        devices = {n for n in names if n in DEVICES}
        (dev_out if negative else dev_in).update(devices)
        pairs = [(p, w) for p, w in _pairs(g, text) if p != "threads"]
        (exclude if negative else include).extend((p, w, text[start:end].strip()) for p, w in pairs)
        r.spans.append((start, end))
        if not negative:
            said.append(({p for p, _ in pairs if p}, bool(only_b or only_a), text[start:end].strip()))
    _only_and_more(said, r)
    r.placements = resolve(include, exclude, r.flags)
    devices = (dev_in or {"mobile", "desktop"}) - dev_out
    if devices and devices != {"mobile", "desktop"}:
        r.placements["device_platforms"] = sorted(devices, key=("mobile", "desktop").index)
    return r


def _only_and_more(said: list[tuple[set[str], bool, str]], r: PlacementResult) -> None:
    """Ask when "Instagram only" meets another platform ("… and Facebook Marketplace")."""
    for plats, only, phrase in said:
        if not (only and plats):
            continue
        for other, _, more in said:
            if other - plats:
                r.flags.append(Question(
                    "publisher_platforms", f"'{phrase}' and '{more}' disagree: the first keeps "
                    f"the ads on {', '.join(sorted(plats))} only, the second adds "
                    f"{', '.join(sorted(other - plats))} (publisher_platforms and its "
                    "*_positions, e.g. facebook_positions). Which placements should the ads use?",
                    "conflict", f"{phrase} … {more}", WHO))
                return


def find_placements(text: str) -> tuple[dict[str, list[str]], list[tuple[int, int]]]:
    """Return Meta placement keys (publisher_platforms, *_positions, device_platforms), spans."""
    r = read_placements(text)
    return r.placements, r.spans
