"""Interests from a brief, resolved against the catalogue (`sandbox/data/interests.json`).

Conservative: a catalogue name counts only when the brief presents it as an interest — after a
cue ("interested in", "into", "fans of", "who love", "interests:"), before a fan noun ("yoga
lovers", "coffee enthusiasts", "dog owners"), or as a persona word ("runners", "gamers",
"foodies"). Near-misses ("yogga") resolve with a strict similarity cut-off; items after a cue
that match nothing are reported as not understood rather than dropped silently.

A cue whose items the catalogue has none of ("people into Peloton and Strava") asks about
each one (waivable) — the first item, and the next ones an "and" / "or" goes on to — instead of
launching with no interest. A sentence may start with the cue ("Into yoga and pilates.").

A list after a cue is read item by item to its end (a stop, a bracket, a dash or "but" that
starts another clause): "into yoga, barre and pilates" is Yoga and Pilates, "tennis, golf but
not hunting" leaves Hunting out. An item the catalogue lacks inside the list ("yoga and
pickleball") is asked about (`flags`, waivable), never dropped; after a comma, a miss is another
fact of the brief ("interested in yoga, US") unless a later item is an interest again.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.catalog import interest, interests, norm
from agents.orchestrator.planning.cues import negated_before

PERSONAS = {
    "runners": "Running", "joggers": "Jogging", "yogis": "Yoga", "hikers": "Hiking",
    "cyclists": "Cycling", "golfers": "Golf", "gamers": "Video games", "gaming": "Video games",
    "foodies": "Food", "travelers": "Travel", "travellers": "Travel", "skiers": "Skiing",
    "surfers": "Surfing", "campers": "Camping", "gardeners": "Gardening", "bakers": "Baking",
    "home cooks": "Cooking", "photographers": "Photography", "bookworms": "Books",
    "sneakerheads": "Sneakers", "fashionistas": "Fashion", "techies": "Technology",
    "developers": "Computer programming", "programmers": "Computer programming",
    "marketers": "Marketing", "entrepreneurs": "Entrepreneurship", "investors": "Investment",
    "small business owners": "Small business", "new parents": "Parenting",
    "expecting parents": "Pregnancy", "expectant mothers": "Pregnancy", "diyers": "Do it yourself (DIY)",
    "homeowners": "Home improvement", "crypto": "Cryptocurrency", "swimmers": "Swimming",
    "climbers": "Rock climbing", "bodybuilders": "Bodybuilding", "vegans": "Veganism",
    "vegetarians": "Vegetarian cuisine", "wine lovers": "Wine", "coffee lovers": "Coffee",
    "dog owners": "Dogs", "cat owners": "Cats", "pet owners": "Pets", "pet parents": "Pets",
    "dog lovers": "Dogs", "cat lovers": "Cats", "anglers": "Fishing", "hunters": "Hunting",
    "skaters": "Skateboarding", "triathletes": "Triathlon", "marathoners": "Marathon",
    "brides to be": "Weddings", "brides-to-be": "Weddings", "newlyweds": "Weddings",
    "readers": "Reading", "music lovers": "Music", "movie buffs": "Movies", "film buffs": "Movies",
    "cinephiles": "Movies", "anime fans": "Anime", "k-pop fans": "K-pop", "kpop fans": "K-pop",
    "gym goers": "Gym", "gym-goers": "Gym", "fitness fans": "Physical fitness",
    "car enthusiasts": "Automobiles", "car lovers": "Cars", "ev owners": "Electric vehicles",
    "ev drivers": "Electric vehicles", "bikers": "Motorcycles", "moms": "Motherhood",
    "mums": "Motherhood", "dads": "Fatherhood",
}
# "who run", "who love to hike": an activity verb after "who" names the persona's interest.
ACTIVITIES = {
    "run": "Running", "jog": "Jogging", "hike": "Hiking", "cycle": "Cycling", "bike": "Cycling",
    "swim": "Swimming", "climb": "Rock climbing", "golf": "Golf", "ski": "Skiing",
    "surf": "Surfing", "cook": "Cooking", "bake": "Baking", "garden": "Gardening",
    "travel": "Travel", "camp": "Camping", "fish": "Fishing", "hunt": "Hunting",
    "skate": "Skateboarding", "game": "Video games", "do yoga": "Yoga", "practice yoga": "Yoga",
    "practise yoga": "Yoga", "lift": "Weight training", "work out": "Physical fitness",
}
WHO_DO = re.compile(
    r"\bwho\s+(?:(?:love|like|enjoy|want)\s+to\s+|regularly\s+|often\s+)?(?P<verb>"
    + "|".join(re.escape(v) for v in sorted(ACTIVITIES, key=len, reverse=True))
    + r")s?\b",
    re.I,
)
SYNONYMS = {
    "fitness": "Physical fitness", "working out": "Physical fitness", "workouts": "Physical fitness",
    "soccer": "Association football (Soccer)", "football": "Association football (Soccer)",
    "skincare": "Skin care", "skin-care": "Skin care", "make-up": "Makeup", "diy": "Do it yourself (DIY)",
    "ai": "Artificial intelligence", "evs": "Electric vehicles", "ev": "Electric vehicles",
    "electric cars": "Electric vehicles", "home decor": "Home décor", "interior decor": "Home décor",
    "f1": "Formula One", "esport": "Esports", "e-sports": "Esports", "games": "Video games",
    "video gaming": "Video games", "sci-fi": "Movies", "plants": "House plants",
    "houseplants": "House plants", "stocks": "Stock market", "investing": "Investment",
    "saas": "Software as a service", "b2b": "B2B marketing", "crm": "Customer relationship management",
    "k-beauty": "K-beauty", "kbeauty": "K-beauty", "trail running": "Running", "marathons": "Marathon",
    "sustainability": "Sustainable living", "eco-friendly living": "Sustainable living",
    "healthy eating": "Healthy diet", "clean eating": "Healthy diet", "keto": "Dieting",
    "weightlifting": "Weight training", "lifting": "Weight training", "hip hop": "Hip hop music",
    "hip-hop": "Hip hop music", "edm": "Electronic dance music", "pop": "Pop music",
    "rock": "Rock music", "country": "Country music", "luxury": "Luxury goods",
    "streetwear fashion": "Streetwear", "outdoors": "Outdoor recreation", "the outdoors":
    "Outdoor recreation", "outdoor activities": "Outdoor recreation", "pc gaming": "PC games",
    "parenting": "Parenting", "tech": "Technology", "live music": "Concerts",
    "gadgets and tech": "Gadgets", "pregnancy": "Pregnancy", "baby": "Babies", "toddler": "Toddlers",
}
CUE = re.compile(r"\b(?:interested\s+in|interests?\s*(?:in|like|such\s+as|:|-|=)|(?:who|that)\s+"
                 r"(?:are\s+)?(?:like|likes|love|loves|enjoy|enjoys|into|follow)|(?:people|folks|"
                 r"audience|users|women|men)\s+into(?!\s+(?:our|my|your|their|a|an)\s)|fans?\s+of|lovers?\s+of|passionate\s+about|"
                 r"enthusiasts?\s+of|interest\s+targeting\s*:?|targeting\s+interests?\s*:?)\s+|"
                 r"(?:^|(?<=[.!?\n]))\s*into\s+", re.I)
FAN_NOUN = re.compile(r"\b([a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)\s+(?:lovers|fans|enthusiasts|buffs|"
                      r"junkies|addicts|nerds|geeks|hobbyists|aficionados|fanatics|owners|"
                      r"devotees|practitioners|crowds?|folks|types)\b", re.I)
STOP_ITEM = re.compile(r"\s+(?:in|aged?|ages|between|from|with|who|on|at|for|near|around|over|"
                       r"under|living|based|across)\b.*$|\s*\d.*$", re.I)
LIST_SPLIT = re.compile(r"\s*(?:,|/|&|\band\b|\bor\b|\bplus\b|\+)\s*", re.I)
# Where a cue's list ends: a stop or bracket, or a dash / "but" that starts another clause (not
# one that goes on with the list: "hiking - and camping", "golf but not hunting").
_GOES_ON = r"(?=\s*(?:and|or|plus|also|no|not|except|excluding|without|minus)\b)"
LIST_END = re.compile(rf"[.;:\n!?()]|(?:(?<=\s)-+(?=\s)|[–—])(?!{_GOES_ON})|\bbut\b(?!{_GOES_ON})",
                      re.I)
ITEM_SEP = re.compile(r"(?:\s*(?:,|/|&|\+|(?<=\s)-+(?=\s)|[–—]|\band\b|\bor\b|\bplus\b|\bbut\b|"
                      r"\balso\b)\s*)+", re.I)
NEG_ITEM = re.compile(r"^(?:not|no|except(?:\s+for)?|excluding|without|minus|never)\s+", re.I)
FILLER_ITEM = re.compile(r"^(?:things\s+like|stuff\s+like|like|such\s+as|the|a|an)\s+", re.I)
# A miss that is another clause, not an interest: "… into hiking and want new boots"
NOT_AN_ITEM = re.compile(r"^(?:want|wants|need|needs|are|is|have|has|live|lives|looking|who|that|"
                         r"we|they|our|their|it|in|on|at|to|for|with|from|by|of|us|you)\b", re.I)


# Goals written at the head of a list ("sales, yoga lovers"): some are catalogue interests too.
GOAL_WORDS = frozenset("sales sale leads traffic awareness engagement conversions purchases "
                       "installs reach signups sign-ups clicks views".split())


def _listed_before(text: str, end: int, add: Any, resolve: Any) -> None:
    """Read a list that ends at a fan noun: "camping and hiking fans" is both.

    Items are read from the last one back; the first item the catalogue lacks ends the list.
    """
    clause = max(text.rfind(c, 0, end) for c in ".;:\n!?(") + 1
    items = LIST_SPLIT.split(text[clause:end])
    if len(items) < 2:
        return
    pos = end
    for item in reversed(items[:-1]):
        start = text.rfind(item, clause, pos) if item else -1
        words = item.split()
        if start < 0 or not words or item.strip().lower() in GOAL_WORDS:
            return  # "sales, yoga lovers": the goal heads the list, it is no interest
        pos = start
        # the item's last words: "target camping" → "camping"
        if not any(add(resolve(" ".join(words[i:])), (start, end)) for i in range(len(words))
                   if len(words) - i <= 3):
            return


@dataclass
class InterestResult:
    """Interests found ({id, name}), and cue items the catalogue does not know."""

    found: list[dict[str, str]] = field(default_factory=list)
    excluded: list[dict[str, str]] = field(default_factory=list)  # "but not hunters"
    unknown: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)  # a list's items the catalogue lacks


def resolve(item: str) -> dict[str, str] | None:
    """Resolve one phrase to a catalogue interest (exact, plural, synonym, then near-miss)."""
    key = norm(item).strip(" .'\"")
    if not key:
        return None
    for cand in (key, key.rstrip("s"), key[:-2] if key.endswith("es") else "", key + "s"):
        if cand in SYNONYMS:
            cand = norm(SYNONYMS[cand])
        if cand and (row := interest(cand)):
            return {"id": row["id"], "name": row["name"]}
    if key in PERSONAS:
        row = interest(PERSONAS[key])
        return {"id": row["id"], "name": row["name"]} if row else None
    close = difflib.get_close_matches(key, list(interests()), n=1, cutoff=0.88)
    if close:
        row = interests()[close[0]]
        return {"id": row["id"], "name": row["name"]}
    return None


def find_interests(text: str) -> InterestResult:
    """Return the interests the brief targets (see the module docstring)."""
    res = InterestResult()
    first: dict[str, int] = {}  # interest id -> where the brief first names it

    def add(hit: dict[str, str] | None, span: tuple[int, int]) -> bool:
        if hit is None:
            return False
        first[hit["id"]] = min(first.get(hit["id"], span[0]), span[0])
        target = res.found
        if (neg := negated_before(text, span[0])) is not None:
            # "exclude people interested in tennis": an interest to leave out
            target = res.excluded
            span = (neg, span[1])
        if all(h["id"] != hit["id"] for h in target):
            target.append(hit)
        res.spans.append(span)
        return True

    for m in CUE.finditer(text):
        _read_list(text, m, add, res)
    persona_alts = "|".join(re.escape(p) for p in sorted(PERSONAS, key=len, reverse=True))
    for m in re.finditer(rf"\b(?:{persona_alts})\b", text, re.I):
        add(resolve(PERSONAS[m.group(0).lower()]), m.span())
    for m in WHO_DO.finditer(text):  # "women 25-45 who run" = runners
        add(resolve(ACTIVITIES[m.group("verb").lower()]), m.span())
    for m in FAN_NOUN.finditer(text):
        # the words that name the interest start the span: "exclude crossfit fans" is CrossFit
        # left out (the span must not start at "exclude", or the negation before it is missed)
        for w in re.finditer(r"\S+", m.group(1)):
            if add(resolve(m.group(1)[w.start():]), (m.start(1) + w.start(), m.end())):
                break
        _listed_before(text, m.end(1), add, resolve)
    left_out = {h["id"] for h in res.excluded}
    res.found = sorted((h for h in res.found if h["id"] not in left_out),
                       key=lambda h: first[h["id"]])  # in the brief's order
    return res


def _items(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Return the items of a list in `text[start:end]`: (start, end, joined by a conjunction)."""
    out, pos, conj = [], start, False
    for sep in ITEM_SEP.finditer(text, start, end):
        if sep.start() > pos:
            out.append((pos, sep.start(), conj))
        conj = bool(re.search(r"[^\s,]", sep.group(0)))  # "and", "or", "&", a dash: not a comma
        pos = sep.end()
    if end > pos:
        out.append((pos, end, conj))
    return out


def _read_list(text: str, cue: re.Match[str], add: Any, res: InterestResult) -> None:
    """Read the items after one cue (see the module docstring)."""
    stop = LIST_END.search(text, cue.end())
    end = stop.start() if stop else len(text)
    tail = STOP_ITEM.sub("", text[cue.end():end])
    hits, last = 0, cue.end()
    maybe: list[tuple[int, int]] = []  # misses after a comma, interests if a list goes on
    alone: list[tuple[int, int, bool]] | None = []  # misses while nothing is found
    for s, e, conj in _items(text, cue.end(), cue.end() + len(tail)):
        item = text[s:e].strip()
        if lead := FILLER_ITEM.match(item):
            s, item = s + lead.end(), item[lead.end():]
        neg = NEG_ITEM.match(item)
        word = item[neg.end():] if neg else item
        hit = resolve(word) if len(word) <= 40 else None
        if hit is None and (fan := FAN_NOUN.search(word)):
            hit = resolve(fan.group(1))
        if hit is not None:
            if maybe and not conj:
                break  # "yoga, US, sales": after a miss, only "…, B and C" goes on with the list
            # a negated item starts where its negation does, which `add` reads as "leave out"
            add(hit, (s + neg.end() if neg else cue.start(), e))
            hits, last = hits + 1, e
            for item_s, item_e in maybe:  # "yoga, barre and pilates": barre is an interest too
                _ask(text, item_s, item_e, res)
            maybe = []
            continue
        plain = len(word.split()) <= 3 and not re.search(r"\d", word) and \
            not NOT_AN_ITEM.match(word) and not _other_fact(word)
        if not hits:
            if plain and alone is not None:
                alone.append((s, e, conj))
            elif len(word.split()) <= 3 and not re.search(r"\d", word):
                res.unknown.append(item)
            if not plain:
                alone = None if not alone else alone + [(-1, -1, False)]  # the list ends here
        elif maybe and conj:
            break  # "yoga, US and Canada": places, not interests
        elif plain and (conj or neg):
            _ask(text, s, e, res)
            last = e
        elif plain:
            maybe.append((s, e))
        else:
            break
    if hits:
        res.spans.append((cue.start(), last))
    elif alone:
        _ask_alone(text, cue, alone, res)


def _ask_alone(text: str, cue: re.Match[str], alone: list[tuple[int, int, bool]],
               res: InterestResult) -> None:
    """Ask about a cue's items when the catalogue has none of them ("into Peloton and Strava").

    The first item is the interest the cue names; the next ones only as far as an "and" / "or"
    goes on with the list ("Strava, Zwift and Garmin"), not a comma alone ("Peloton, sales").
    """
    items = alone[:next((i for i, (s, _e, _c) in enumerate(alone) if s < 0), len(alone))]
    joined = [i for i, (_s, _e, conj) in enumerate(items) if conj]
    items = items[:max([0, *joined]) + 1]
    for s, e, _conj in items:
        _ask(text, s, e, res)
    res.spans.append((cue.start(), items[-1][1]))


def _other_fact(word: str) -> bool:
    """Whether a list item is a place or a code ("US", "Canada"): another parser's, no interest."""
    from agents.orchestrator.planning.geo.names import place_names

    return (word.isupper() and len(word) <= 3) or norm(word) in place_names()


def _ask(text: str, start: int, end: int, res: InterestResult) -> None:
    """Ask about an item of an interest list that the catalogue lacks (never dropped)."""
    item = text[start:end].strip()
    res.unknown.append(item)
    res.spans.append((start, end))
    res.flags.append(Question(
        "interests", f"‘{item}’ is not an interest in Meta's catalogue as adpilot knows it, so the "
        "ad set would leave it out. Name a catalogue interest instead (e.g. 'interested in "
        "Tennis'), or answer 'waive' to launch without it.", "not_understood", item, WHO))
