"""Custom audiences and lookalikes in a brief → the plan's `audiences` and audience references.

Sentence by sentence (`mentions.py` finds the phrases):

- a website audience ("visited our site", "looked at /pricing", "added to cart", "website
  purchasers", "retarget" with nothing more specific) with the sentence's look-back, kept as
  given ("2 years" → 730 days, which the plan checks refuse, naming `retention_days`); "but
  didn't buy" excludes the purchasers of the same window;
- a customer list: a named file (`.csv`, `.txt`, `.xlsx`); "our customer list" with no file
  is asked (`customer_list`);
- engagement: Instagram, the Facebook page, video viewers (with a video id), lead-form
  openers; "our engagers" is asked (`audiences`);
- an existing audience by name ("our 'Past buyers' audience" → `{"name"}`) or id;
- "buyers", "existing customers": the file in the same sentence, or the purchasers audience
  the brief already made ("… but didn't buy. Exclude purchasers"); else asked (`audiences`,
  or `customer_list` for "target our customers": a list or the site's purchasers?);
- lookalikes ("1% lookalike of buyers.csv", "3% LAL of website purchasers"): the seed is the
  audience the sentence names (created, not targeted); the country comes from the brief's
  places (`finish`); no seed is asked (`audiences`).

Each included / excluded audience is a reference: `{"key"}` for one the launch creates.
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning.audiences.made import (
    AudienceRead,
    add_engagement,
    add_list,
    add_website,
    slug,
)
from agents.orchestrator.planning.audiences.mentions import (
    NOT_BOUGHT,
    RETARGET,
    RETENTION,
    WHO_CLAUSE,
    Mention,
    included,
    mentions,
    own_window,
    retention,
    sentences,
)

# Meta's video-viewer events by the share watched (facts §4); any other share is asked.
VIDEO_PERCENT = {25: "video_view_25_percent", 50: "video_view_50_percent",
                 75: "video_view_75_percent", 95: "video_view_95_percent"}
# "purchasers in the last 30 days": a time window makes buyers what they did on the site
BOUGHT_WORD = re.compile(r"purchas|buyer|bought|order|convert", re.I)

LOOKALIKE = re.compile(
    r"(?:(?P<lo>\d+(?:[.,]\d+)?)\s*%?\s*(?:-|–|to)\s*)?(?:(?P<pct>\d+(?:[.,]\d+)?)\s*%\s*)?"
    r"\b(?:look[- ]?a[- ]?likes?|lals?|similar\s+audiences?|lookalike\s+audiences?)\b"
    r"(?:\s+audiences?)?(?:\s*(?:\(|of|at|from|à|a|de|del|van|von)?\s*(?P<pct2>\d+(?:[.,]\d+)?)\s*%\)?)?"
    r"|\bpeople\s+similar\s+to\b", re.I)
DEFAULT_DAYS = {"website": 30, "engagement": 365, "purchasers": 180}



# "anyone who purchased", "people that bought": an act on the site, not a list of people.
ACTED = re.compile(r"\b(?:who|that)\s+(?:have\s+|'ve\s+)?(?:already\s+|previously\s+|recently\s+)*"
                   r"(?:bought|purchased|ordered|converted)\b", re.I)


# "1% and 5% lookalike", "1%, 3% or 5% LAL": more sizes before the one the cue carries
MORE_PCT = re.compile(r"(?P<pct>\d+(?:[.,]\d+)?)\s*%\s*(?:,\s*|\s+)(?:(?:and|or|&|vs\.?|versus)\s+)?(?:an?\s+)?$",
                      re.I)
# "one ad set each", "in separate ad sets", "1% against 5%": each lookalike in an ad set of its own
SPLIT = re.compile(r"\b(?:(?:one|an?)\s+ad\s*sets?\s+(?:each|per|for\s+each)|separate\s+ad\s*sets?|"
                   r"(?:its|their)\s+own\s+ad\s*sets?|ad\s*sets?\s+each|against|vs\.?|versus|"
                   r"split[- ]test|a/b|compare[ds]?)\b", re.I)


class _Reader:
    def __init__(self, text: str, pixel: str | None) -> None:
        self.text, self.pixel, self.r = text, pixel, AudienceRead()
        self.offset = 0

    def days(self, kind: str, given: int | None, phrase: str) -> int:
        if given is not None:
            return given
        days = DEFAULT_DAYS[kind]
        self.r.adjustments.append(Adjustment(
            "audiences", f"‘{phrase}’ with no time window", f"{days} days", "the brief gives "
            f"no look-back, so the audience covers the last {days} days; say e.g. 'last 60 "
            "days' to change it"))
        return days

    def resolve(self, m: Mention, days: int | None, sentence: list[Mention], *,
                seed: bool = False) -> dict[str, str] | None:
        """Return the reference for a mention, creating its audience; None when asked instead."""
        r = self.r
        if m.kind == "named":
            return {"name": m.fields["name"]}
        if m.kind == "id":
            return {"id": m.fields["id"]}
        if m.kind == "customer_list":
            return {"key": add_list(r, m.fields["file"])}
        if m.kind == "engagement":
            if span := m.fields.pop("id_span", None):
                r.spans.append((self.offset + span[0], self.offset + span[1]))
            pct = m.fields.pop("percent", None)
            if pct is not None and pct not in VIDEO_PERCENT:
                r.flags.append(Question(
                    "audiences", f"‘{m.phrase}’: Meta's video audiences take people who watched "
                    "25%, 50%, 75% or 95% of a video. Which share should it be?",
                    "ambiguous", m.phrase, WHO))
                return None
            if pct is not None:
                m.fields["event"] = VIDEO_PERCENT[pct]
            return {"key": add_engagement(r, m.fields, self.days("engagement", days, m.phrase))}
        if m.kind == "website":
            if self.pixel is None:
                r.website_phrase = r.website_phrase or m.phrase
                return None
            kind = "purchasers" if m.fields.get("event") == "Purchase" else "website"
            return {"key": add_website(r, m.fields, self.days(kind, days, m.phrase), self.pixel)}
        files = [o for o in sentence if o.kind == "customer_list"]
        if files:
            return {"key": add_list(r, files[0].fields["file"])}
        after = self.offset + m.end
        if m.kind == "buyers" and self.pixel and BOUGHT_WORD.search(m.phrase) and (
                own := RETENTION.match(self.text, after, after + 40)
                or RETENTION.match(self.text, after + 1, after + 40)):
            # "excluding purchasers in the last 30 days": with a pixel, the window makes them the
            # site's purchasers of that window (a list has no window)
            r.spans.append(own.span())
            return {"key": add_website(r, {"event": "Purchase"}, retention(own.group(0))[0] or 30,
                                    self.pixel)}
        bought = next((a["key"] for a in r.audiences if a.get("event") == "Purchase"), None)
        if m.kind == "buyers" and bought and days is None:
            return {"key": bought}  # "… but didn't buy. exclude purchasers": the same audience
        site = next((a for a in r.audiences if a.get("kind") == "website"), None)
        if m.kind == "buyers" and m.excluded and site and self.pixel and ACTED.search(m.phrase):
            # "retarget site visitors … but exclude anyone who purchased": what they did on the
            # site the pixel measures (a noun such as "our customers" may be a list: asked)
            after = self.offset + m.end
            if (own := RETENTION.match(self.text, after, after + 40)) or \
                    (own := RETENTION.match(self.text, after + 1, after + 40)):
                r.spans.append(own.span())  # "… who purchased in the last 30 days"
                days = retention(own.group(0))[0] or days
            return {"key": add_website(r, {"event": "Purchase"}, self.days(
                "purchasers", days or site.get("retention_days"), m.phrase), self.pixel)}
        if m.kind == "vague_engaged" or (m.kind == "buyers" and (m.excluded or seed)):
            # "buyers" may be a list or the site's purchasers: which one is asked
            r.flags.append(Question(
                "audiences", f"‘{m.phrase}’: which audience is that? Name a customer list file "
                "(e.g. customers.csv), the site's purchasers ('website purchasers, last 180 "
                "days'), an existing audience (our 'Past buyers' audience), or where they "
                "engaged (Instagram, the Facebook page, a video) and how far back.",
                "missing", m.phrase, WHO))
        else:
            r.flags.append(Question(
                "customer_list", f"‘{m.phrase}’: which file holds the list? (e.g. 'customer "
                "list: customers.csv'; adpilot hashes it before upload and never stores it), or "
                "name the existing audience (our 'VIP' audience).", "missing", m.phrase, WHO))
        return None

    def unread_who(self, text: str, targeted: list[Mention]) -> bool:
        """Ask when "people who <X> but never bought" leaves the buyers out of an X not read.

        Targeting everyone but the buyers (or every site visitor) would drop the X unsaid.
        """
        for m in targeted:
            if not (m.excluded and NOT_BOUGHT.fullmatch(m.phrase)) or any(
                    not o.excluded and o.start < m.start for o in targeted):
                continue
            if who := WHO_CLAUSE.search(text, 0, m.start):
                phrase = who.group(0).strip()
                self.r.flags.append(Question(
                    "audiences", f"‘{phrase}’: adpilot cannot build that audience, so it would "
                    "show the ads to everyone but the buyers. Who should see them? (e.g. 'people "
                    "who added to cart in the last 14 days', 'site visitors', a customer list "
                    "file, or 'everyone in the country')", "missing", phrase, WHO))
                return True
        return False

    def lookalike(self, lal: re.Match[str], seed: dict[str, str] | None,
                  size: str | None = None) -> dict[str, str] | None:
        r = self.r
        phrase = lal.group(0).strip()
        if seed is None:
            return None
        pct = size or lal.group("pct") or lal.group("pct2")
        if pct is None:
            ratio = 0.01
            r.adjustments.append(Adjustment("audiences", phrase, "1%", "the brief gives no size, "
                                            "so the lookalike is the closest 1% (Meta's default); "
                                            "say e.g. '3% lookalike' to change it"))
        else:
            ratio = round(float(pct.replace(",", ".")) / 100, 4)
        seed_name = next((a["name"] for a in r.audiences if a["key"] == seed.get("key")),
                         next(iter(seed.values())))
        aud: dict[str, Any] = {"kind": "lookalike", "seed": seed, "ratio": ratio,
                               "name": f"Lookalike {ratio:.0%} of {seed_name}"}
        if lal.group("lo") and size is None:
            aud["starting_ratio"] = round(float(lal.group("lo").replace(",", ".")) / 100, 4)
        aud["key"] = f"lookalike_{slug(f'{ratio * 100:g}')}pct_{slug(next(iter(seed.values())))}"[:64]
        return {"key": r.add(aud)}

    def sentence(self, s: int, e: int) -> None:
        r, text = self.r, self.text[s:e]
        self.offset = s
        found = mentions(text)
        days, span, said = retention(text)
        lals = list(LOOKALIKE.finditer(text))
        targeted = [m for m in found if m.kind != "buyers" or m.excluded
                    or included(text, m) or lals]
        if span and (targeted or lals or RETARGET.search(text)):
            r.spans.append((s + span[0], s + span[1]))
        if len(lals) > 1 and SPLIT.search(text) or SPLIT.search(text) and any(
                MORE_PCT.search(text, 0, lal.start()) for lal in lals):
            r.split_lookalikes = True
            r.spans += [(s + m.start(), s + m.end()) for m in re.finditer(
                rf"{SPLIT.pattern}|\b(?:test|split)\b", text, re.I)]
        shared: tuple[Mention | None, dict[str, str] | None] = (None, None)
        for i, lal in enumerate(lals):
            r.spans.append((s + lal.start(), s + lal.end()))
            # the seed is named before the next lookalike ("1% of a.csv and 2% of purchasers")
            upto = lals[i + 1].start() if i + 1 < len(lals) else len(text)
            after = [m for m in targeted if lal.start() <= m.start < upto and not m.excluded]
            seed_m = after[0] if after else next((m for m in targeted if not m.excluded), None)
            seed = self.resolve(seed_m, days if days else None, found, seed=True) if seed_m else None
            if seed_m is None and shared[1] is not None:
                # "a 1% lookalike against a 5% lookalike of buyers.csv": one seed for both
                seed_m, seed = shared
            shared = (seed_m, seed) if seed is not None else shared
            # "1% and 5% lookalike": one lookalike per size
            sizes: list[str] = []
            at = lal.start()
            while more := MORE_PCT.search(text, max(0, at - 30), at):
                sizes.insert(0, more.group("pct"))
                r.spans.append((s + more.start(), s + more.end()))
                at = more.start()
            for size in sizes:
                if ref := self.lookalike(lal, seed, size):
                    r.include.append(ref)
            # what the sentence names after the cue describes the seed ("a 1% lookalike of our
            # purchasers list (buyers.csv)"): read, not targeted; what comes before it is an
            # audience of its own ("retarget site visitors and a 1% lookalike of buyers")
            for m in [m for m in targeted if not m.excluded
                      and (m is seed_m or (after and lal.start() <= m.start < upto))]:
                if m is seed_m and not after and included(text, m):
                    continue  # "target our 'VIP' audience and a 1% lookalike of it": both
                targeted.remove(m)
                r.spans.append((s + m.start, s + m.end))
            if seed_m is None:
                r.flags.append(Question(
                    "audiences", f"‘{lal.group(0).strip()}’: a lookalike of which audience? Name "
                    "the seed: a customer list file, website purchasers, or an existing audience "
                    "(e.g. '1% lookalike of customers.csv').", "missing", lal.group(0).strip(),
                    WHO))
            if ref := self.lookalike(lal, seed):
                r.include.append(ref)
        for m in targeted:
            abandoned = m.fields.pop("abandoned", False)
            # each audience keeps its own window ("… 50% of our videos in the last 30 days and
            # Instagram engagers in the last 60 days"); the sentence's first one otherwise
            own = own_window(text, m, found)
            if own:
                r.spans.append((s + own.start(), s + own.end()))
            ref = self.resolve(m, retention(own.group(0))[0] if own else days, found)
            r.spans.append((s + m.start, s + m.end))
            if ref is not None:
                (r.exclude if m.excluded else r.include).append(ref)
            if abandoned and ref is not None and not m.excluded and not any(
                    o.kind == "website" and o.excluded for o in found):
                # an abandoner is one who did not buy: the purchasers of the window are left out
                bought = self.resolve(Mention("website", m.start, m.end, {"event": "Purchase"},
                                              True, m.phrase), days, found)
                if bought:
                    r.exclude.append(bought)
        if not lals and self.unread_who(text, targeted):
            return  # asked: who the ads are for is not known, so nothing stands in for it
        if RETARGET.search(text) and not any(not m.excluded for m in targeted) and not lals:
            cue = RETARGET.search(text)
            assert cue is not None
            r.spans.append((s + cue.start(), s + cue.end()))
            if not any(m.kind == "vague_engaged" for m in found):
                ref = self.resolve(Mention("website", cue.start(), cue.end(), {},
                                           phrase=cue.group(0)), days, found)
                if ref:
                    r.include.append(ref)
        elif cue := RETARGET.search(text):
            r.spans.append((s + cue.start(), s + cue.end()))
        del said


def read_audiences(text: str, pixel: str | None) -> AudienceRead:
    """Return the audiences a brief names (see the module docstring)."""
    reader = _Reader(text, pixel)
    for s, e in sentences(text):
        reader.sentence(s, e)
    r = reader.r
    r.include = _unique(r.include)
    # "but didn't buy" and "exclude purchasers": one purchasers audience, not two windows
    r.exclude = _unique(r.exclude)
    return r


def _unique(refs: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for ref in refs:
        if ref not in out:
            out.append(ref)
    return out


def lookalikes(r: AudienceRead) -> list[dict[str, str]]:
    """Return the included references that are lookalikes."""
    keys = {a["key"] for a in r.audiences if a["kind"] == "lookalike"}
    return [ref for ref in r.include if ref.get("key") in keys]


def finish(r: AudienceRead, countries: list[str]) -> None:
    """Give each lookalike the brief's countries (Meta builds a lookalike per country)."""
    for a in r.audiences:
        if a["kind"] == "lookalike" and not a.get("country"):
            a["country"] = list(countries)
