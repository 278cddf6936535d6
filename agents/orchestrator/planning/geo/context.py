"""What the words around a place say about it, and which place a name means.

Longer than 300 lines because its three steps (link qualifiers, mark roles, resolve) read the
same mentions in turn and share their small helpers.

- `link_qualifiers`: "Portland, OR", "Leeds (UK)", "Seattle, Washington, USA" — the second
  name only says where the first one is; it is read, not targeted.
- `mark_roles`: exclusions however phrased ("except California", "not in London", "no
  Alaska / Hawaii", "Texas excluded", lists after the cue), the business's own place ("we're
  in Tampa", "our Berlin shop", "Atlanta-based"), coverage ("all of", "everywhere in",
  "UK-wide", "the whole state") and the kind of place meant ("the state of", "(the city)").
- `resolve`: one place per mention. Nested readings of one name (New York the city and the
  state) take the city unless the words say otherwise; different places (Portland, Oregon or
  Maine; Georgia the state or the country) are settled by a qualifier, by the other places of
  the brief, or by a currency local to only one of them (US dollars settle nothing: they pay
  for ads everywhere) — else the mention becomes a question. The catalogue decides which names
  are ambiguous: a name is ambiguous when it lists it in two places.
"""

from __future__ import annotations

import re

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.catalog import geo
from agents.orchestrator.planning.cues import listed
from agents.orchestrator.planning.geo.groups import division
from agents.orchestrator.planning.geo.scan import EXCLUDED, GEO, Cand, Mention

QUAL_GAP = re.compile(r"^\s*(?:,|\(|-|–)?\s*$")
LIST_GAP = re.compile(r"^\s*(?:,|/|&|\+|\bor\b|\band\b|\bnor\b)\s*(?:(?:also|the|in|or|and)\s+)*$",
                      re.I)
LIST_END = re.compile(r",\s*(?:and|plus)\b|\band\s+also\b", re.I)
EXCL_BEFORE = re.compile(
    r"(?:\bexcept(?:\s+for)?|\bexcluding|\bexcl\.?|\bexclude|\bbut\s+not(?:\s+in)?|"
    r"\bnot\s+(?:in|including|incl\.?|to|for)|\bnot|\bminus|\bwithout|"
    r"(?<!nobody\s)(?<!no\sone\s)(?<!no-one\s)(?<!noone\s)\boutside(?:\s+of)?|\bignor(?:e|ing)|"
    r"\bbarring|"
    r"\bother\s+than|\bapart\s+from|\baside\s+from|\bskip(?:ping)?|\bleave\s+out|"
    r"\bleaving\s+out|\bomit(?:ting)?|\bno(?:\s+ads\s+(?:in|for))?|\bnothing\s+in|"
    r"\b(?:drop|remove|take\s+out|cut|lose|ditch|scrap)(?:ping)?|"
    r"\bavoid(?:ing)?|\b(?:anywhere|everywhere|all)\s+(?:but|bar)|\b(?:don'?t|do\s+not|never)\s+(?:target|include|show(?:\s+(?:ads|it|them))?"
    r"\s+in|run(?:\s+(?:ads|it))?\s+in|advertise\s+in)|\bsave\s+for)\s*"
    r"(?:(?:the\s+)?(?:state|province|city|region)\s+of\s+|the\s+|[a-z]{1,2}\s+)?"
    r"(?:regional\s+|rural\s+|coastal\s+|(?:north|south|east|west)(?:ern)?\s+)?$", re.I)
CUE_LEAD = re.compile(r"\b(?:but|and|though|however|yet|so)\s*,?\s*$", re.I)
ONLY_BEFORE = re.compile(r"\b(?:(?:only|just|exclusively|solely|strictly)\s+(?:in\s+)?|(?:nobody|no\s+one|"
                         r"no-one|noone)\s+outside\s+(?:of\s+)?)(?:the\s+)?$", re.I)
ONLY_AFTER = re.compile(r"^\s*(?:only|just|exclusively)\b", re.I)
AREA_BEFORE = re.compile(r"\b(?:greater|downtown|central|metro|inner|around|near)\s+$", re.I)
AREA_AFTER = re.compile(r"^\s+(?:metro(?:politan)?\s+area|metro|area|region|proper|"
                        r"and\s+(?:its\s+)?surroundings|(?:and\s+)?(?:the\s+)?surrounding\s+areas?|"
                        r"(?:city\s+)?cent(?:re|er)|downtown)\b", re.I)
EXCL_AFTER = re.compile(r"^\s*\)?\s*(?:(?:is|are|should\s+be|must\s+be|to\s+be)\s+)?(?:excluded|"
                        r"off[- ]limits|not\s+included|left\s+out|out\s+of\s+scope)\b", re.I)
LEAVE = re.compile(r"\bleav(?:e|ing)\s+(?:the\s+)?$", re.I)
# "we're a lobster shack in", "we're in", "we're a Tbilisi ...", "based in" (not "we're hiring in")
WE = r"\b(?:we(?:'re|’re|\s+are)|i(?:'m|’m|\s+am))\s+"
HOME_BEFORE = re.compile(
    rf"(?:{WE}(?:a|an)\s+(?:[\w&'’-]+\s+){{0,4}}?(?:in|from|out\s+of)\s+|"
    rf"{WE}(?:(?:based|located)\s+)?(?:in|from|out\s+of)\s+|{WE}(?:a|an)\s+|"
    r"\b(?:based|located|headquartered)\s+(?:in|out\s+of)\s+|"
    # "with shops in Atlanta and Savannah", "our stores in": where the business is
    r"\b(?:with|have|has|our|own|run)\s+(?:\w+\s+){0,2}?(?:shops?|stores?|offices?|locations?|"
    r"branch(?:es)?|clinics?|outlets?|showrooms?|restaurants?|studios?|warehouses?)\s+in\s+"
    r"(?:(?:[\w.'’-]+\s+){1,3}(?:and|&)\s+)?)$", re.I)
# "we ship anywhere in the US": where the business delivers, not (by itself) whom to show ads
SHIP_BEFORE = re.compile(r"\b(?:ship(?:s|ping)?|deliver(?:s|y|ing)?)\s+(?:to\s+|anywhere\s+in\s+|"
                         r"everywhere\s+in\s+|all\s+over\s+|across\s+|throughout\s+)?"
                         r"(?:the\s+)?$", re.I)
HOME_OUR = re.compile(r"\bour\s+(?:\w+\s+)?$", re.I)  # "our Berlin shop": a city only
HOME_AFTER = re.compile(r"^\s*-?\s*based\b", re.I)
# "Southern California", "East Texas": a part of a region or country Meta cannot target as such
COMPASS_BEFORE = re.compile(r"\b(?:north|south|east|west|northern|southern|eastern|western|"
                            r"central|upstate|downstate|coastal|rural|regional|north[- ]?(?:east|west)"
                            r"(?:ern)?|south[- ]?(?:east|west)(?:ern)?)\s+$", re.I)
# "Georgia, especially Savannah": an example inside the area, not a narrower target
EXAMPLE_BEFORE = re.compile(r"\b(?:especially|particularly|mainly|mostly|esp\.?|focus(?:ing)?\s+"
                            r"on|with\s+a\s+focus\s+on|including|incl\.?|e\.g\.?|such\s+as)"
                            r"\s+(?:in\s+|on\s+)?(?:the\s+)?$", re.I)
COVER_BEFORE = re.compile(
    r"(?:\ball\s+(?:of\s+)?|\b(?:the\s+)?whole\s+(?:of\s+)?|\b(?:the\s+)?entire\s+|"
    r"\bevery(?:where|\s+part\s+of)\s*(?:in|of|across|within)?\s*|\banywhere\s+in\s+|"
    r"\bacross\s+(?:all\s+of\s+)?(?:the\s+)?(?:whole\s+|entire\s+)?|\bthroughout\s+|"
    r"\ball\s+over\s+|\bcover(?:ing)?\s+(?:all\s+of\s+)?)(?:the\s+)?$", re.I)
COVER_AFTER = re.compile(r"^(?:\s*-\s*|\s+)?(?:wide|statewide|state-wide|nationwide|nation-wide|"
                         r"countrywide|country-wide|province-wide|provincewide)\b|"
                         r"^\s+(?:as\s+a\s+whole|in\s+(?:its\s+)?entirety)\b", re.I)
REST = re.compile(r"\b(?:the\s+)?(?:regions|regional\s+(?:areas|towns)|rest(?:\s+of\s+(?:it|the\s+"
                  r"(?:state|country|province)))?|suburbs|surrounds|surrounding\s+areas?|"
                  r"outskirts|countryside|everything\s+in\s+between|and\s+beyond)\b", re.I)
WHOLE_KIND = re.compile(r"\b(?:(?:the\s+)?(?:whole|entire)\s+(state|country|province|nation)|"
                        r"(state|nation|country|province)[- ]?wide)\b", re.I)
KIND_BEFORE = re.compile(r"\b(?:the\s+)?(state|province|prefecture|region|county|city|country|"
                         r"republic)\s+of\s+(?:the\s+)?$", re.I)
KIND_AFTER = re.compile(r"^\s*\(?\s*(?:the\s+)?(state|province|prefecture|city|country)\b\)?",
                        re.I)
KINDS_AFTER = re.compile(r"^\s*(states|provinces|prefectures|regions|counties|cities)\b", re.I)
KINDS = {"state": "region", "province": "region", "prefecture": "region", "region": "region",
         "county": "region", "city": "city", "country": "country", "republic": "country",
         "nation": "country"}
CURRENCY_MARKS = (("GBP", r"£|\bGBP\b|\bpounds?\b|\bquid\b"), ("EUR", r"€|\bEUR\b|\beuros?\b"),
                  ("AUD", r"\bA\$|\bAU\$|\bAUD\b"), ("CAD", r"\bC\$|\bCA\$|\bCAD\b"),
                  ("NZD", r"\bNZ\$|\bNZD\b"), ("BRL", r"\bR\$|\bBRL\b"), ("JPY", r"¥|\bJPY\b|\byen\b"),
                  ("INR", r"₹|\bINR\b|\brupees?\b"), ("MXN", r"\bMXN\b"), ("CHF", r"\bCHF\b"),
                  ("SEK", r"\bSEK\b"), ("GEL", r"\bGEL\b|₾"))


def _outer(m: Mention) -> list[Cand]:
    """Return the places a name may be when it says where another one is.

    A region's own name is the region: "Wales" after "Scotland" is no "UK" (the catalogue
    also lists Wales, Scotland and England as names of the United Kingdom).
    """
    raw = m.raw.lower()
    own = any(c.kind == "region" and c.name.lower() == raw for c in m.cands)
    return [c for c in m.cands if not (own and c.kind == "country" and c.name.lower() != raw)]


def link_qualifiers(text: str, ms: list[Mention]) -> None:
    """Mark "Portland, OR"-style qualifiers and narrow the qualified name to match."""
    for a, b in zip(ms, ms[1:], strict=False):
        if not QUAL_GAP.match(text[a.end:b.start]) or COVER_BEFORE.search(text[:b.start]):
            continue
        inside = [c for c in a.cands if any(c.inside(o) for o in _outer(b))]
        if not inside:
            continue
        b.role = "qualifier"
        b.cands = [o for o in b.cands if any(c.inside(o) for c in inside)]
        a.cands = inside
        a.qualified_by.append(b)


def mark_roles(text: str, ms: list[Mention]) -> list[tuple[int, int]]:
    """Set exclusions, home, coverage and kind hints; return the spans of the cue words."""
    spans: list[tuple[int, int]] = []
    prev_end = 0
    prev: Mention | None = None
    for m in ms:
        if m.role == "qualifier":
            prev_end = m.end
            continue
        before = text[prev_end:m.start]
        after = text[m.end:m.end + 60]
        cue = EXCL_BEFORE.search(before)
        if cue and cue.group(0).strip():
            m.role = "exclude"
            lead = CUE_LEAD.search(before[:cue.start()])  # "but skip Iceland"
            spans.append((prev_end + (lead.start() if lead else cue.start()), m.start))
        elif prev is not None and prev.role == "exclude" and LIST_GAP.match(before) and not (
                LIST_END.search(before) and _kind(m) != _kind(prev)) and not any(
                p.inside(c) for p in prev.cands for c in _outer(m)):  # "except Texas, US"
            m.role = "exclude"
            spans.append((prev_end, m.start))
        elif (LEAVE.search(before) and re.match(r"^\s+out\b", after, re.I)):
            m.role = "exclude"
        if (post := EXCL_AFTER.match(text[_last_end(m):])) is not None:
            _exclude_back(text, ms, m)
            spans.append((_last_end(m), _last_end(m) + post.end()))
        if h := HOME_BEFORE.search(before) or SHIP_BEFORE.search(before):
            m.home = "strong"
            spans.append((prev_end + h.start(), m.start))
        elif m.cands and all(c.kind == "city" for c in m.cands) and (
                h := HOME_OUR.search(before)):
            m.home = "weak"  # "our Berlin shop": the shop's city is often the target too
            spans.append((prev_end + h.start(), m.start))
        elif prev is not None and prev.home and LIST_GAP.match(before):
            m.home = prev.home  # "shops in Atlanta and Savannah": both are the business's
        if ex := EXAMPLE_BEFORE.search(before):
            m.example = True
            spans.append((prev_end + ex.start(), m.start))
        elif prev is not None and prev.example and LIST_GAP.match(before):
            m.example = True  # "focusing on Houston and Dallas"
        if (cp := COMPASS_BEFORE.search(before)) and m.cands and all(
                c.kind in ("region", "country") for c in m.cands):
            m.part = cp.group(0).strip() + " " + m.raw  # "Southern California": part of it
            spans.append((prev_end + cp.start(), m.start))
        if h2 := HOME_AFTER.match(after):
            m.home = "strong"
            spans.append((m.end, m.end + h2.end()))
        if cov := COVER_BEFORE.search(text[max(0, m.start - 40):m.start]):
            m.coverage = True
            spans.append((m.start - len(cov.group(0)), m.start))
        if cov2 := COVER_AFTER.match(after):
            m.coverage = True
            spans.append((m.end, m.end + cov2.end()))
        if m.coverage and (paren := re.match(r"^\s*\([^)]*\)", after)):
            # "all of Victoria (Melbourne, Geelong, the regions)": the rest of it, in words
            spans += [(m.end + r.start(), m.end + r.end()) for r in REST.finditer(paren.group(0))]
        for pat, where in ((ONLY_BEFORE, before), (AREA_BEFORE, before)):
            if hit := pat.search(where):
                spans.append((prev_end + hit.start(), m.start))
        for pat in (ONLY_AFTER, AREA_AFTER):
            if hit := pat.match(text[_last_end(m):]):
                spans.append((_last_end(m), _last_end(m) + hit.end()))
        if k := KIND_BEFORE.search(text[max(0, m.start - 30):m.start]):
            m.kind_hint = KINDS[k.group(1).lower()]
            spans.append((m.start - len(k.group(0)), m.start))
        elif k2 := KIND_AFTER.match(after):
            m.kind_hint = KINDS[k2.group(1).lower()]
            spans.append((m.end, m.end + k2.end()))
        elif k3 := KINDS_AFTER.match(after):
            # "Kyoto, Osaka and Hyogo prefectures": the kind of every place of the list
            kind = KINDS[k3.group(1).lower().removesuffix("s").replace("countie", "county")
                         .replace("citie", "city")]
            spans.append((m.end, m.end + k3.end()))
            m.kind_hint = kind
            i = ms.index(m)
            while i > 0 and listed(text, ms[i - 1].end, ms[i].start) and not ms[i - 1].kind_hint:
                ms[i - 1].kind_hint = kind
                i -= 1
        prev_end, prev = m.end, m
    spans += _whole_kind(text, ms)
    return spans


def _kind(m: Mention) -> str:
    return m.cands[0].kind if m.cands else ""


def _last_end(m: Mention) -> int:
    """End of `m` and of the qualifiers right after it ("Portland, Maine")."""
    return max([m.end, *(q.end for q in m.qualified_by)])


def _exclude_back(text: str, ms: list[Mention], m: Mention) -> None:
    """"Texas and Florida excluded": the list before a trailing cue is excluded too."""
    items = [x for x in ms if x.role != "qualifier" and x.start <= m.start]
    for i in range(len(items) - 1, -1, -1):
        items[i].role = "exclude"
        if i == 0 or not LIST_GAP.match(text[_last_end(items[i - 1]):items[i].start]):
            break


def _whole_kind(text: str, ms: list[Mention]) -> list[tuple[int, int]]:
    """Read "the whole country (Georgia)", "Georgia (..., the whole state is fine)"."""
    spans = []
    for w in WHOLE_KIND.finditer(text):
        kind = KINDS[(w.group(1) or w.group(2)).lower()]
        sentence = _sentence(text, w.start())
        near = [m for m in ms if sentence[0] <= m.start < sentence[1] and m.role != "qualifier"
                and any(c.kind == kind for c in m.cands)]
        if near:
            m = min(near, key=lambda x: abs(x.start - w.start()))
            m.kind_hint, m.coverage = kind, True
            spans.append(w.span())
    return spans


def _sentence(text: str, at: int) -> tuple[int, int]:
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at), text.rfind("!", 0, at)) + 1
    ends = [i for i in (text.find(". ", at), text.find("\n", at), text.find("!", at)) if i >= 0]
    return start, min(ends) if ends else len(text)


def currencies(text: str, account: str) -> set[str]:
    """Currencies the brief and the account use (US dollars excepted: they settle nothing)."""
    found = {code for code, pat in CURRENCY_MARKS if re.search(pat, text, re.I)}
    return (found | {account}) - {"USD"}


def resolve(ms: list[Mention], money: set[str]) -> list[Question]:
    """Choose one place per mention; return a question for each name context cannot settle."""
    for m in ms:
        m.cands = _by_words(m)
        if len(m.cands) == 1:
            m.chosen = m.cands[0]
    questions = []
    for _ in range(2):  # a name settled by context may settle another one
        ctx = [m.chosen for m in ms if m.chosen is not None]
        for m in ms:
            if m.chosen is None and m.cands:
                m.chosen = _by_context(m.cands, ctx, money)
    for m in ms:
        if m.chosen is None and m.cands:
            m.chosen = m.cands[0]
            field = EXCLUDED if m.role == "exclude" else GEO
            options = [_label(c) for c in m.cands]
            questions.append(Question(
                field, f"Which {m.raw} do you mean: {', or '.join(options)}? Name the state or "
                f"country with it (e.g. '{_example(m.raw, m.cands[0])}').", kind="ambiguous",
                phrase=m.raw, affects=WHO))
    return questions


def _by_words(m: Mention) -> list[Cand]:
    cands = list(dict.fromkeys(m.cands))
    if m.kind_hint and (hinted := [c for c in cands if c.kind == m.kind_hint]):
        cands = hinted
    if m.coverage and (areas := [c for c in cands if c.kind != "city"]):
        cands = areas
    changed = True
    while changed and len(cands) > 1:  # one place at two sizes: keep the one meant
        changed = False
        for a in cands:
            for b in cands:
                if a is not b and a.inside(b):
                    cands.remove(_drop(m.raw, inner=a, outer=b))
                    changed = True
                    break
            if changed:
                break
    return cands


def _drop(raw: str, inner: Cand, outer: Cand) -> Cand:
    if outer.kind == "country" and inner.kind == "region":
        canonical = str(geo().countries[outer.key]["name"]).lower()
        return outer if raw.lower() != canonical else inner  # "Scotland": the region
    if outer.kind == "country":
        return inner  # "Singapore": the country
    return outer  # "New York", "Berlin": the city


def _by_context(cands: list[Cand], ctx: list[Cand], money: set[str]) -> Cand | None:
    regions = {(c.country, c.name) for c in ctx if c.kind == "region"} | \
        {(c.country, c.region) for c in ctx if c.kind == "city"}
    countries = {c.country for c in ctx if c.kind != "group"}

    near = {division(country, region) for country, region in regions} - {None}

    def score(c: Cand) -> int:
        here = (c.country, c.region if c.kind == "city" else c.name)
        if here in regions:
            return 3
        if division(*here) in near:
            return 2  # "Portland and Seattle": both on the Pacific coast
        return 1 if c.country in countries else 0

    scores = [score(c) for c in cands]
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return cands[scores.index(best)]
    local = [c for c in cands if geo().countries.get(c.country, {}).get("currency") in money]
    return local[0] if len(local) == 1 else None


def _label(c: Cand) -> str:
    country = str(geo().countries.get(c.country, {}).get("name", c.country))
    country = country.removesuffix(" (country)")
    if c.kind == "country":
        return f"{c.name}, the country"
    if c.kind == "region":
        return f"{c.name}, the {'US state' if c.country == 'US' else 'region'}" + (
            "" if c.country == "US" else f" of {country}")
    return f"{c.name}, {c.region} ({country})" if c.region else f"{c.name} ({country})"


def _example(raw: str, c: Cand) -> str:
    if c.kind == "city" and c.region:
        return f"{raw}, {c.region}"
    return f"{raw} ({'the country' if c.kind == 'country' else 'the state'})"

