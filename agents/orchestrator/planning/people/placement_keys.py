"""Meta's placement keys, and the placements a brief's mentions come to (`resolve`).

`people/placements.py` reads the mentions and their polarity; here each (platform, position
word) becomes keys. Included mentions are the starting set (otherwise Meta's automatic
placements), excluded ones are taken out. What cannot be honoured is asked, naming the
phrase: a position a platform does not have ("Messenger reels"), an "only" its own exclusion
takes back ("Instagram only, no Instagram"), nothing left at all.
"""

from __future__ import annotations

from agents.orchestrator.planning import WHO, FlagKind, Question

AUTOMATIC = ("facebook", "instagram", "messenger", "audience_network")
# What "all positions" of a platform means here: the positions Ads Manager offers for manual
# placements (values from state/rules.py POSITION_KEYS).
STANDARD: dict[str, tuple[str, ...]] = {
    "facebook": ("feed", "story", "facebook_reels", "marketplace", "video_feeds",
                 "right_hand_column", "search", "instream_video"),
    "instagram": ("stream", "story", "reels", "explore", "explore_home", "profile_feed"),
    "messenger": ("messenger_home", "story"),
    "audience_network": ("classic", "rewarded_video"),
}
# A position word → the position key on each platform that has it.
POSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "feed": {"facebook": ("feed",), "instagram": ("stream",)},
    "story": {"facebook": ("story",), "instagram": ("story",), "messenger": ("story",)},
    "reels": {"facebook": ("facebook_reels",), "instagram": ("reels",)},
    "marketplace": {"facebook": ("marketplace",)},
    "right_column": {"facebook": ("right_hand_column",)},
    "instream": {"facebook": ("instream_video",)},
    "video_feeds": {"facebook": ("video_feeds",)},
    "search": {"facebook": ("search",), "instagram": ("ig_search",)},
    "explore": {"instagram": ("explore",)},
    "explore_home": {"instagram": ("explore_home",)},
    "profile_feed": {"facebook": ("profile_feed",), "instagram": ("profile_feed",)},
    "inbox": {"messenger": ("messenger_home",)},
    "rewarded": {"audience_network": ("rewarded_video",)},
}
Said = tuple[str | None, str | None, str]  # (platform, position word, the brief's phrase)


def _keys(platform: str, word: str | None) -> set[str]:
    return set(STANDARD[platform]) if word is None else set(POSITIONS[word].get(platform, ()))


def _on(p: str | None, w: str | None, named: list[str]) -> list[str]:
    """Return the platforms a mention is about.

    Its own; else the named ones (Facebook and Instagram when none is) that have the
    position; else every platform that has it ("inbox").
    """
    if p:
        return [p]
    return [q for q in named if _keys(q, w)] or [q for q in AUTOMATIC if w and _keys(q, w)]


def _ask(flags: list[Question], kind: FlagKind, phrase: str, why: str) -> dict[str, list[str]]:
    flags.append(Question("placements", f"{why} Which placements should the ads use?",
                          kind, phrase, WHO))
    return {}


def resolve(include: list[Said], exclude: list[Said], flags: list[Question]
            ) -> dict[str, list[str]]:
    """Meta's placement keys for what was included and left out; a contradiction is asked."""
    if not include and not exclude:
        return {}
    p: str | None
    for p, w, said in [*include, *exclude]:
        if p and p in STANDARD and not _keys(p, w):  # "messenger reels": no such placement, never read as nothing
            return _ask(flags, "invalid", said, f"'{said}': {p.replace('_', ' ').title()} has "
                        f"no {(w or '').replace('_', ' ')} placement.")
    chosen: dict[str, set[str]] = {}
    named = [p for p, _, _ in include if p] or ["facebook", "instagram"]
    if include:
        for p, w, _ in include:
            for plat in _on(p, w, named):
                if plat in STANDARD and (keys := _keys(plat, w)):
                    chosen.setdefault(plat, set()).update(keys)
    else:
        chosen = {p: set(STANDARD[p]) for p in AUTOMATIC}
    for p, w, _ in exclude:
        for plat in [p] if p else list(chosen):
            if plat in chosen:
                chosen[plat] -= _keys(plat, w)
    for p, w, said in include:  # "Instagram only, no Instagram": both phrases are asked about
        plats = [q for q in _on(p, w, named) if q in STANDARD]
        if plats and not any(chosen.get(q, set()) & _keys(q, w) for q in plats):
            gone = [x for q2, w2, x in exclude
                    if any(q2 in (None, q) and _keys(q, w) & _keys(q, w2) for q in plats)]
            return _ask(flags, "conflict", f"{said} … {gone[0]}", f"'{said}' and "
                        f"'{gone[0]}' disagree: the second leaves out what the first asks for.")
    chosen = {p: v for p, v in chosen.items() if v}
    if not chosen:
        said = "; ".join(x for _, _, x in exclude)
        return _ask(flags, "conflict", said, f"'{said}' leaves nowhere to show the ads.")
    out: dict[str, list[str]] = {"publisher_platforms": [p for p in AUTOMATIC if p in chosen]}
    for p in out["publisher_platforms"]:
        if chosen[p] != set(STANDARD[p]):
            order = [*STANDARD[p], *sorted(chosen[p] - set(STANDARD[p]))]
            out[f"{p}_positions"] = [k for k in order if k in chosen[p]]
    return out
