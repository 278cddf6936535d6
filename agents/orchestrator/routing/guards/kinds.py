"""A kind of ad said as a filter ("the video ads in X", "everything in X except the statics").

"pause the video ads in Spring Sale" names no ad: it picks Spring Sale's ads whose format is
video. Read as a name, "video" matched ads called "Video - …" (missing a video named "UGC -
Review") or nothing at all ("No campaign named Spring Sale"); a kind said as an exception
("keep the statics running", "except the video ads") was dropped and the whole campaign
paused. Here:

- `read_kinds(text)` takes the kinds out of the request before names are read: "the video ads
  in X" → "all the ads in X" with the kind kept ("only"), "except the video ads" / "but keep
  the statics running" → nothing, kept as "except". Formats: video (videos, clips, reels),
  image (statics, images, photos, pictures), carousel.
- `apply_kinds(asks, kinds, kw)` narrows each ask to the ads of its campaigns or ad sets that
  are (or are not) of that kind: a status change lists those ads; a question asks about them;
  any other write (a budget, a pause rule, a test) is asked about, naming the words — adpilot
  cannot limit it to one kind of ad, and doing it to all of them is not what was said.
- `unread_exception(text)` finds an exception that names nothing adpilot can place ("apart
  from the winners", "but keep the best ones running"): a write with it is asked about, never
  done without it.
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.routing.checks import check_ask, clarify
from agents.orchestrator.routing.cues import AB_TEST
from agents.orchestrator.routing.resolve import Obj

_FMT = (r"(?P<fmt>videos?|vids?|clips?|reels?|statics?|static\s+images?|images?|photos?|pictures?|"
        r"single[- ]images?|carousels?)")
_NOUN = r"(?P<noun>\s+(?:ads?|creatives?|ones|versions?))?"
KIND_OF = {"vid": "video", "clip": "video", "reel": "video", "video": "video", "static": "image",
           "image": "image", "photo": "image", "picture": "image", "single": "image",
           "carousel": "carousel"}
WORD_OF = {"video": "video", "image": "static (image)", "carousel": "carousel"}
# "the video ads in X", "all carousels of X", "every static ad under X"
ONLY = re.compile(rf"\b(?P<q>(?:all|every|each|any)\s+(?:of\s+)?)?(?:the\s+|our\s+|its\s+)?{_FMT}{_NOUN}"
                  r"(?=\s+(?:in|of|from|inside|within|under|across)\s)", re.I)
NEW_BEFORE = re.compile(r"\b(?:new|different|fresh|other|another|more|some|two|three|four|\d+|few|couple\s+of|"
                        r"extra|additional|alternative)\s+$", re.I)
# "X's video ads"
OWNED = re.compile(rf"(?<=['’]s)\s+{_FMT}{_NOUN}\b", re.I)
# "except the video ads", "but not the statics", "apart from any carousels"
EXCEPT = re.compile(rf",?\s*\b(?:except(?:\s+for)?|but\s+not|other\s+than|apart\s+from|excluding|"
                    rf"save\s+for|not|(?<=\ball\s)but|(?<=\beverything\s)but)\s+(?:the\s+|any\s+|our\s+)?"
                    rf"{_FMT}{_NOUN}(?![\w-])(?P<more>\s*(?:,|and|&|or)\s+(?=\S))?", re.I)
# "except for Carousel B and the videos": a kind later in the list of what is left out
EXCEPT_WORD = re.compile(r"\b(?:except(?:\s+for)?|but\s+not|other\s+than|apart\s+from|excluding|"
                         r"save\s+for)\b", re.I)
LISTED = re.compile(rf"\s*(?:,|\band\b|&|\bor\b)\s+(?:the\s+|any\s+|all\s+(?:the\s+)?)?{_FMT}{_NOUN}"
                    r"(?![\w-])", re.I)
# "… unless it's a video": the kind is left out
UNLESS = re.compile(rf",?\s*\bunless\s+(?:it(?:'|’)?s|it\s+is|they(?:'|’)?re|they\s+are)\s+(?:an?\s+)?{_FMT}{_NOUN}"
                    r"(?![\w-])", re.I)
# "(but) keep the statics running", "leave the videos on"
KEEP = re.compile(rf",?\s*\b(?:but\s+|and\s+)?(?:keep|leave)\s+(?:all\s+)?(?:the\s+|our\s+)?{_FMT}{_NOUN}"
                  r"\s+(?:running|on|live|active|going|alone|untouched|as\s+(?:is|they\s+are))\b", re.I)
# What an exception said that no name or kind took: "apart from the winners"
UNREAD = re.compile(r"\b(?:except(?:\s+for)?|apart\s+from|other\s+than|excluding|save\s+for|unless|"
                    r"but\s+not\s+(?:the|any|our))\s+(?!⟨)((?:the\s+|any\s+|our\s+)?[^\s⟨,.;!?]+"
                    r"(?:\s+(?!and\b|then\b|but\b)[^\s⟨,.;!?]+){0,3})", re.I)
UNREAD_KEEP = re.compile(r"\b(?:but|and)\s+(?:keep|leave)\s+(?!⟨|it\b|them\b|that\b|the\s+budget)"
                         r"((?:the\s+|our\s+)?[^\s⟨,.;!?]+(?:\s+[^\s⟨,.;!?]+){0,2}?)\s+(?:running|on|live|"
                         r"active|going|alone|untouched)\b", re.I)


ROUTE_WORD = {"pause_underperformers": "pause rule", "ab_test": "A/B test", "adopt": "watch",
              "budget": "budget change"}


def _kind(word: str) -> str:
    w = word.lower().split()[0].split("-")[0]
    return KIND_OF.get(w.rstrip("s"), KIND_OF.get(w, "image"))


def _plural(m: re.Match[str]) -> bool:
    """Return True for a kind ("the video ads", "statics", "every carousel"), not one ad's name."""
    fmt, noun = m.group("fmt").lower(), (m.group("noun") or "").strip().lower()
    return noun.endswith("s") or (not noun and fmt.endswith("s")) or bool(m.groupdict().get("q"))


def read_kinds(text: str) -> tuple[str, list[dict[str, str]]]:
    """Return `text` without its kinds of ad, and each kind: {"kind", "mode", "said"}."""
    kinds: list[dict[str, str]] = []

    def _only(m: re.Match[str]) -> str:
        if not _plural(m) or NEW_BEFORE.search(text[:m.start()]):  # "the video in X": one ad, a name;
            return m.group(0)  # "test new videos in X": new creative, not a filter
        kinds.append({"kind": _kind(m.group("fmt")), "mode": "only", "said": m.group(0).strip()})
        return "all the ads"

    def _owned(m: re.Match[str]) -> str:
        kinds.append({"kind": _kind(m.group("fmt")), "mode": "only", "said": m.group(0).strip()})
        return " ads"

    def _except(m: re.Match[str]) -> str:
        if not _plural(m):  # "except Carousel A": a name
            return m.group(0)
        said = m.group(0)[:m.end("fmt") - m.start() + len(m.group("noun") or "")].strip(" ,")
        kinds.append({"kind": _kind(m.group("fmt")), "mode": "except", "said": said})
        return " except " if m.groupdict().get("more") else " "  # "except videos and Carousel B"

    def _listed(m: re.Match[str]) -> str:
        if not _plural(m):
            return m.group(0)
        kinds.append({"kind": _kind(m.group("fmt")), "mode": "except", "said": m.group(0).strip(" ,&")})
        return " "

    def _unless(m: re.Match[str]) -> str:
        kinds.append({"kind": _kind(m.group("fmt")), "mode": "except", "said": m.group(0).strip(" ,")})
        return " "

    for pat, fn in ((EXCEPT, _except), (KEEP, _except), (UNLESS, _unless)):
        text = pat.sub(fn, text)
    if (word := EXCEPT_WORD.search(text)) is not None:  # "except for Carousel B and the videos"
        end = re.search(r"[.;!?\n]|$", text[word.end():])
        stop = word.end() + (end.start() if end else 0)
        text = text[:word.end()] + LISTED.sub(_listed, text[word.end():stop]) + text[stop:]
    if not AB_TEST.search(text):  # "a/b test two videos in X": the variant, not a filter
        for pat, fn in ((ONLY, _only), (OWNED, _owned)):
            text = pat.sub(fn, text)
    return text, kinds


def unread_exception(text: str) -> str | None:
    """Return the words of an exception that names no object or kind, or None."""
    m = UNREAD.search(text) or UNREAD_KEEP.search(text)
    return m.group(0).strip() if m else None


def _pick(o: Obj, kinds: list[dict[str, str]]) -> bool:
    fmt = str(o.raw.get("format") or "").lower()
    fmt = "image" if fmt in ("static", "photo", "single_image") else fmt
    return all((fmt == k["kind"]) == (k["mode"] == "only") for k in kinds)


def apply_kinds(asks: list[dict[str, Any]], kinds: list[dict[str, str]],
                kw: dict[str, Any]) -> list[dict[str, Any]]:
    """Narrow each ask to the ads of the kinds said (see the module docstring)."""
    if not kinds:
        return asks
    objs: list[Obj] = kw["objs"]
    said = "; ".join(f"\"{k['said']}\"" for k in kinds)
    by_id = {o.id: o for o in objs}
    out = []
    for ask in asks:
        ents = ask.get("entities") or []
        holders = [by_id[e["id"]] for e in ents if e["id"] in by_id]
        route, p = ask["route"], ask.get("params") or {}
        if route in ("clarify", "unsupported", "new_campaign") or not holders:
            out.append(ask)
            continue
        if route == "pause_underperformers" and p.get("metric") is None and \
                p.get("min_spend_minor") is None and p.get("min_days") is None:
            route, p = "status", {"to": "PAUSED"}  # "the video ads in X": those ads, no rule
        if route not in ("status", "question"):
            out.append(clarify(f"adpilot read {said} but cannot limit this {ROUTE_WORD.get(route, route)} "
                               "to one kind of ad (it would change all of them); name the ads, or "
                               "drop the kind.", entities=ents, phrase=kinds[0]["said"]))
            continue
        ids = {h.id for h in holders}
        ads = [o for o in objs if o.type == "ad" and (o.id in ids or ids & set(o.ancestors))]
        if any(not o.raw.get("format") for o in ads):
            out.append(clarify(f"adpilot read {said} but does not know the format of every ad in "
                               f"{', '.join(h.name for h in holders)}; name the ads.",
                               entities=ents, phrase=kinds[0]["said"]))
            continue
        picked = [o for o in ads if _pick(o, kinds)]
        to = p.get("to")
        targets = [o for o in picked if to is None or o.raw.get("status") != to] or picked
        if not targets:
            what = " and ".join(h.name for h in holders)
            words = ", ".join(f"{k['mode']} {WORD_OF[k['kind']]}" for k in kinds)
            out.append(clarify(f"{what} has no ads that fit {said} ({words}); which ads are meant?",
                               entities=ents, phrase=kinds[0]["said"]))
            continue
        match = "fuzzy" if any(e.get("match") == "fuzzy" for e in ents) else ents[0].get("match", "exact")
        new = {**ask, "route": route, "params": {**p, **({"level": "ad"} if route == "question" else {})},
               "entities": [o.ref(match) for o in targets]}
        new.pop("every", None)
        checked = check_ask(new, targets, objs, account=kw["account"], today=kw["today"],
                            money_currencies=[])
        out.append({**checked, "text": ask.get("text")})
    return out


def kinds_note(kinds: list[dict[str, str]]) -> str | None:
    """Say how the kinds were read, for the card."""
    if not kinds:
        return None
    parts = [f"\"{k['said']}\" as {'only' if k['mode'] == 'only' else 'not'} the "
             f"{WORD_OF[k['kind']]} ads" for k in kinds]
    return "Read " + "; ".join(parts) + " (by each ad's format, not its name)."


__all__ = ["apply_kinds", "kinds_note", "read_kinds", "unread_exception"]
