"""The audience phrases of one sentence: what each names, where, and whether it is left out.

A `Mention` is one audience a brief names — a website audience (visitors, a URL rule, a pixel
event), a customer list (a file), an engagement audience, an existing audience (by name or
id), "buyers" that still need a source, or a vague ask ("engagers", "our customer list" with
no file) — with the span read and whether a negation before it excludes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning.cues import negated_before

RETENTION = re.compile(
    r"\b(?:(?:in|over|within|during|from)\s+)?(?:the\s+)?(?:last|past|previous|prior|letzten?|"
    r"[úu]ltimos?|[úu]ltimas?|derniers?|derni[èe]res?)\s+(?:(?P<n>\d+)\s*)?(?P<u>d\b|days?|tage?n?|"
    r"d[ií]as|jours|dias|w(?:ee)?ks?|weeks?|wochen|semanas|semaines|mo(?:nth)?s?|months?|monate?n?|"
    r"meses|mois|y(?:ea)?rs?|years?|jahre?n?|a[ñn]os?|ans|anos)\b|"
    r"\b(?P<n2>\d+)\s*(?P<u2>d|days?)\s+(?:window|retention|look-?back)\b", re.I)
UNIT_DAYS = {"d": 1, "day": 1, "tag": 1, "dí": 1, "di": 1, "jo": 1, "w": 7, "we": 7, "wk": 7, "wo": 7,
             "se": 7, "mo": 30, "me": 30, "y": 365, "ye": 365, "yr": 365, "ja": 365, "añ": 365,
             "an": 365}
FILE = re.compile(r"(?<![\w/.-])(?P<file>[\w~./-]*[\w-]\.(?:csv|tsv|txt|xlsx?))\b", re.I)
NAMED = re.compile(r"\b(?:our|the|my|existing|saved)\s+(?:custom\s+|saved\s+)?(?:audience\s+)?"
                   r"[\"“‘'](?P<name>[^\"”’'\n]{2,60})[\"”’']\s*(?:custom\s+|saved\s+)?audience\b|"
                   r"\b(?:custom\s+|saved\s+)?audience\s+(?:called|named)\s+[\"“‘']?"
                   r"(?P<name2>[^\"”’'\n,.;]{2,60}?)[\"”’']?(?=[\s,.;)]|$)", re.I)
AUDIENCE_ID = re.compile(r"\b(?:custom\s+|saved\s+)?audience\s+(?:id\s*)?[:#]?\s*(?P<id>\d{8,})\b", re.I)
URL = r"/[\w/.-]*\w|(?:https?://)?(?:www\.)?[\w-]+(?:\.[a-z]{2,})+(?:/[\w/.-]*\w)?"
# "… /pricing or /checkout", "…, https://x.com/a and https://x.com/b": one more page of the list
MORE_URL = re.compile(rf"\s*(?:,\s*|\s+)(?:(?:and|or|&|plus)\s+)?(?:(?:also\s+)?(?:our|the|my)\s+)?"
                      rf"(?P<url>{URL})(?:\s+pages?)?", re.I)
# "engaged with our Instagram account or our Facebook page": one more source of the list
MORE_SOURCE = re.compile(r"\s*(?:,\s*|\s+)(?:(?:and|or|&|plus)\s+)?(?:(?:with|on)\s+)?(?:our\s+|the\s+|"
                         r"my\s+)?(?:(?P<facebook_page>(?:facebook|fb)\s+page)|(?P<instagram>(?:instagram|"
                         r"ig|insta)(?:\s+(?:account|profile|page|posts?))?))\b", re.I)
# Between two audiences of one list ("exclude A (file.csv) and B"): only joining words.
JOINER = re.compile(r"[\s,()&/:+-]*(?:(?:and|or|nor|plus|as\s+well\s+as|also|either|neither|both)\b"
                    r"[\s,()&/:+-]*)*(?:(?:our|the|my|all|any|their|those|people|anyone|everyone|who|"
                    r"that|also)\b\s*)*", re.I)
# The verbs that leave out a whole list ("exclude A and B"), unlike a bare "not"
EXCLUDE_VERB = re.compile(r"\b(?:exclud\w*|except|minus|leav(?:e|ing)\s+out|remov\w*|skip\w*|keep\s+out|"
                          r"without|ausschlie\w*|ohne|excluir|excluyendo|sin|exclure|sans|en\s+excluant)\b",
                          re.I)
# (pattern, kind, fields)
WEBSITE: tuple[tuple[str, dict[str, Any]], ...] = (
    (r"(?:cart|basket)\s+abandon\w*|abandon\w*\s+(?:their\s+|a\s+)?(?:carts?|baskets?)",
     {"event": "AddToCart", "abandoned": True}),
    (r"checkout\s+abandon\w*|abandon\w*\s+(?:their\s+)?checkouts?",
     {"event": "InitiateCheckout", "abandoned": True}),
    # people who added ("optimise for add to cart" names an event, read by parse_optimisation)
    (r"(?:added|adding|who\s+adds?)\s+(?:\w+\s+)?to\s+(?:their\s+|the\s+|a\s+)?(?:cart|basket|bag|trolley)",
     {"event": "AddToCart"}),
    # … or put it there ("put stuff in their basket", "left items in the shopping bag")
    (r"(?:put|puts|putting|placed|placing|left|leaving|threw|tossed|dropped)\s+(?:[\w'-]+\s+){0,3}?"
     r"(?:in|into|to)\s+(?:their\s+|the\s+|a\s+|my\s+|our\s+)?(?:shopping\s+|online\s+)?"
     r"(?:carts?|baskets?|bags?|trolleys?)\b", {"event": "AddToCart"}),
    (r"(?:start|began|begun|initiat)\w*\s+(?:a\s+)?checkout", {"event": "InitiateCheckout"}),
    (r"(?:website|site|web|online|pixel)\s+(?:purchasers|buyers|customers|converters)",
     {"event": "Purchase"}),
    (r"(?:looked\s+at|view(?:ed)?|visit(?:ed)?|brows(?:ed)?|saw|hit|went\s+to|landed\s+on|been\s+(?:on|"
     r"to)|visitors\s+(?:of|to|from)|(?:people|users|anyone)\s+(?:on|from))\s+(?:our\s+|the\s+|my\s+)?"
     rf"(?P<url>{URL})(?:\s+pages?)?", {}),
    # a store or shop may be a building: only the site, the web shop or the online store
    (r"(?:site|website|web|webshop|online\s+(?:store|shop))\s+visitors|visitors\s+(?:of|to|from)\s+"
     r"(?:our\s+|the\s+)?(?:site|website|web\s*shop|online\s+(?:store|shop))|(?:visit(?:ed)?|came\s+to|"
     r"browsed|been\s+(?:on|to))\s+(?:our\s+|the\s+|my\s+)?(?:site|website|web\s*site|web\s*shop|"
     r"online\s+(?:store|shop))|"
     r"(?:past|recent|previous)\s+visitors|visitantes|visiteurs|(?:website|webseiten|web)?besucher", {}),
)
WEBSITE_RE = [(re.compile(rf"\b(?:{p})", re.I), f) for p, f in WEBSITE]
NOT_BOUGHT = re.compile(r"\b(?:but\s+)?(?:did\s*n[o'’]?t|didnt|have\s*n[o'’]?t|haven'?t|never|not\s+yet|"
                        r"without|who\s+have\s+not|not)\s+(?:yet\s+)?(?:buy(?:ing)?|bought|purchas\w*|"
                        r"order\w*|convert\w*|check\w*\s+out|complet\w*|finish\w*)\b", re.I)
BUYERS = re.compile(r"\b(?:(?:existing|current|past|previous|recent|loyal|our|my|all)\s+)*(?:purchasers|"
                    r"buyers|customers|clients|converters)\b|\b(?:people|anyone|those|users|folks|"
                    r"everyone|ppl)\s+(?:who|that)\s+(?:have\s+|'ve\s+)?(?:already\s+|previously\s+|"
                    r"recently\s+)*(?:bought|purchased|ordered|converted)(?:\s+from\s+us)?\b", re.I)
# Words that make "buyers" / "customers" the people a campaign wants, not the ones it has.
NOT_YET = re.compile(r"\b(?:new|more|potential|prospective|future|first[- ]time|fresh|nuevos|"
                     r"nouveaux|neue|novos)\s+$", re.I)
LIST_WORDS = re.compile(r"\b(?:(?:vip|loyalty)\s+)?(?:customer|client|email|e-mail|crm|contact|"
                        r"subscriber|mailing|newsletter|sms|vip|purchasers?|buyers?|tenants?|"
                        r"members?|leads?)\s+lists?\b|\b(?:email|newsletter)\s+subscribers\b", re.I)
ENGAGEMENT: tuple[tuple[str, str], ...] = (
    (r"(?:engaged|interacted)\s+with\s+(?:us\s+on\s+)?(?:our\s+)?(?:instagram|ig|insta)(?:\s+(?:account|"
     r"profile|page|posts?))?|(?:instagram|ig|insta)\s+(?:engagers|audience)", "instagram"),
    (r"(?:engaged|interacted)\s+with\s+(?:us\s+on\s+)?(?:our\s+)?(?:facebook\s+|fb\s+)?page|(?:facebook\s+|"
     r"fb\s+)?page\s+engagers", "facebook_page"),
    (r"video\s+viewers|(?:watched|viewed|seen|saw)\s+(?:\d+\s*%\s+of\s+)?(?:our\s+|the\s+)?(?:[\w-]+\s+)?"
     r"videos?|(?:gesehen|angesehen|vieron|visto|regard[ée]|vu|assistiram|assistiu)\b", "video"),
    (r"(?:opened|submitted|filled\s+(?:out|in)|completed|started)\s+(?:our\s+|the\s+|a\s+)?(?:lead\s+|"
     r"instant\s+)?forms?", "lead_form"),
)
ENGAGEMENT_RE = [(re.compile(rf"\b(?:{p})", re.I), s) for p, s in ENGAGEMENT]
VIDEO_ID = re.compile(r"\bvideo[- ]?id\s*[:#]?\s*(?P<id>\d{6,})", re.I)
VAGUE_ENGAGED = re.compile(r"\b(?:engagers|engaged\s+(?:people|users|audiences?|followers)|warm\s+"
                           r"audiences?|people\s+who\s+(?:engaged|interacted)(?!\s+with\s+(?:us\s+on\s+"
                           r")?(?:our\s+)?(?:instagram|ig|insta|facebook|fb|page|video|lead)))\b", re.I)
# "people who <did something> but never bought": the who-clause a not-bought exclusion qualifies
WHO_CLAUSE = re.compile(r"\b(?:people|ppl|persons|those|anyone|anybody|someone|everyone|users|folks|"
                        r"shoppers|visitors|customers|guys|men|women)\s+(?:who|that)\s+(?!have\s+"
                        r"n|haven|has\s*n|hasn|did\s*n|didn|never|not\b)[^.;!?\n]{3,}?(?=[\s,]*$)",
                        re.I)
RETARGET = re.compile(r"\bre-?target\w*|\bre-?market\w*|\bretarget\w*|\bwiederansprech\w*", re.I)
EXCLUDE_BEFORE = re.compile(r"\b(?:exclud\w*|except|minus|leav(?:e|ing)\s+out|remov\w*|skip\w*|"
                            r"but\s+not|not\s+to|"
                            r"(?:don'?t|do\s+not)\s+(?:show|target|reach)\w*(?:\s+(?:it|ads|them))?"
                            r"(?:\s+to)?|keep\s+out|ausschlie\w*|excluir|exclure)\b[^.;!?\n]{0,40}$",
                            re.I)
INCLUDE_BEFORE = re.compile(r"\b(?:target\w*|retarget\w*|reach\w*|show\s+(?:it|this|the\s+ads?|ads|"
                            r"them)?\s*to|only|just|re-?engage|run\s+(?:it|ads)\s+to|ads\s+to|"
                            r"audience\s*[:=]|for)\b[^.;!?\n]{0,30}$", re.I)


@dataclass
class Mention:
    """One audience the sentence names."""

    kind: str  # website | customer_list | engagement | named | id | buyers | vague_list | vague_engaged
    start: int
    end: int
    fields: dict[str, Any] = field(default_factory=dict)
    excluded: bool = False
    phrase: str = ""


def retention(text: str) -> tuple[int | None, tuple[int, int] | None, str]:
    """Return the look-back a sentence states ("last 30 days", "2 years"), in days, its span and words."""
    m = RETENTION.search(text)
    if not m:
        return None, None, ""
    n = int(m.group("n") or m.group("n2") or 1)
    unit = (m.group("u") or m.group("u2") or "d").lower()
    key = next((k for k in sorted(UNIT_DAYS, key=len, reverse=True) if unit.startswith(k)), "d")
    return n * UNIT_DAYS[key], m.span(), m.group(0).strip()


def _excluded(text: str, start: int) -> int | None:
    """Where the negation that leaves out what starts at `start` begins, or None."""
    neg = negated_before(text, start)
    if neg is not None:
        return neg
    m = EXCLUDE_BEFORE.search(text, max(0, start - 60), start)
    return m.start() if m else None


def mentions(text: str) -> list[Mention]:
    """Return every audience a sentence names, in order, overlapping ones dropped (first wins)."""
    out: list[Mention] = []

    def add(kind: str, m: re.Match[str], **fields: Any) -> None:
        s, e = m.span()
        if any(o.start < e and s < o.end for o in out):
            return
        neg = _excluded(text, s)
        out.append(Mention(kind, s if neg is None else neg, e, fields, neg is not None, text[s:e]))

    for m in NAMED.finditer(text):
        add("named", m, name=(m.group("name") or m.group("name2")).strip())
    for m in AUDIENCE_ID.finditer(text):
        add("id", m, id=m.group("id"))
    for m in FILE.finditer(text):
        add("customer_list", m, file=m.group("file"))
    for pat, source in ENGAGEMENT_RE:
        for m in pat.finditer(text):
            if source == "video" and not re.search(r"video", text, re.I):
                continue
            ids = VIDEO_ID.search(text) if source == "video" else None
            pct = re.search(r"(\d+)\s*%", m.group(0)) if source == "video" else None
            add("engagement", m, source=source, **({"source_ids": [ids.group("id")]} if ids else {}),
                **({"percent": int(pct.group(1))} if pct else {}))
            if ids:
                out[-1].fields["id_span"] = ids.span()
            at = m.end()
            while more := MORE_SOURCE.match(text, at):  # "… Instagram account or our Facebook page"
                add("engagement", more, source=more.lastgroup)
                at = more.end()
    for pat, fields in WEBSITE_RE:
        for m in pat.finditer(text):
            extra = dict(fields)
            url = m.groupdict().get("url")
            if url and "/" in url.split("://")[-1]:
                extra["url_contains"] = _path(url)
            add("website", m, **extra)
            if url:  # "visited /pricing or /checkout": one website audience per page, none dropped
                at = m.end()
                while (more := MORE_URL.match(text, at)) and "/" in more.group("url").split("://")[-1]:
                    add("website", more, **{**dict(fields), "url_contains": _path(more.group("url"))})
                    at = more.end()
    for m in NOT_BOUGHT.finditer(text):
        s, e = m.span()
        if not any(o.start < e and s < o.end for o in out):
            out.append(Mention("website", s, e, {"event": "Purchase"}, True, text[s:e]))
    for m in LIST_WORDS.finditer(text):
        add("vague_list", m)
    for m in BUYERS.finditer(text):
        if NOT_YET.search(text[max(0, m.start() - 20):m.start()]):
            continue  # "find new buyers", "more customers": people who have not bought yet
        add("buyers", m)
    for m in VAGUE_ENGAGED.finditer(text):
        add("vague_engaged", m)
    out.sort(key=lambda o: o.start)
    # "exclude our customers (customers.csv) and website purchasers": the cue governs the list
    # ("but not buyers, and Instagram engagers" is left as read: a bare "not" may end there)
    listing = False
    for before, after in zip(out, out[1:], strict=False):
        listing = before.excluded and (listing or bool(EXCLUDE_VERB.match(text, before.start)))
        if listing and not after.excluded and JOINER.fullmatch(text, before.end, after.start):
            after.excluded = True
        listing = listing and after.excluded
    return out


def own_window(text: str, m: Mention, found: list[Mention]) -> re.Match[str] | None:
    """Return the look-back said right after one audience, before the next one ("… in the last 30 days")."""
    nxt = min((o.start for o in found if o.start >= m.end), default=len(text))
    w = RETENTION.search(text, m.end, nxt)
    return w if w and re.fullmatch(r"[\s,()-]*", text[m.end:w.start()]) else None


def _path(url: str) -> str:
    """Return the path of a URL ("https://x.com/pricing" → "/pricing")."""
    return url if url.startswith("/") else "/" + url.split("://")[-1].split("/", 1)[1]


def sentences(text: str) -> list[tuple[int, int]]:
    """Return sentence spans: a full stop, semicolon, '!' or '?' before a space, or a line break ends one."""
    out, start = [], 0
    for m in re.finditer(r"[.;!?\n](?=\s|$)|\n", text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


OWN = re.compile(r"(?:our|my|existing|current|past|previous|loyal|recent)\b", re.I)


def included(text: str, m: Mention) -> bool:
    """Tell whether a buyers/customers phrase is an audience to reach ("target our customers")."""
    if re.search(r"\bto\s+$", text[max(0, m.start - 5):m.start]) and OWN.match(m.phrase):
        return True  # "sell our hats to our existing customers"
    return bool(INCLUDE_BEFORE.search(text, max(0, m.start - 40), m.start))
