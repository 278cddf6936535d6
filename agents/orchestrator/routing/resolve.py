"""Find the campaigns, ad sets and ads a request names, by evals/README.md "Rules decided" 1.

Longer than 300 lines because the name rules (exact, containing, typo distance, numbers,
partial names, qualifiers, "all", other accounts, ids) are one algorithm over one token list;
split, each step would re-derive the spans the others consumed.

- *Exact*: a name equal to words of the request after case-folding and turning every run of
  characters other than letters, digits and `%` into one space. The longest wins, so "Spring
  Sale" is never "Spring Sale - Retargeting" and "Spring Sale - Retargeting" never two names.
- *Fuzzy*: words of the request within a Levenshtein distance of 2 of a name (1 under 6
  characters) whose numbers are the same; or a partial, descriptive name ("the retargeting
  campaign", "the Race Kit carousel") whose words all belong to names of the type — fuzzy only
  when exactly one name in scope fits. Close names whose numbers differ are kept as `near`
  (the candidates a clarification names), never resolved.
- Shorthand for a name's words (`lexicon.ALIASES`: "RT" retargeting, "LAL" lookalike) counts as
  the word in a descriptive name. An exact name that runs on into another ("Spring Sale 2",
  "Spring Sale US") is marked `continued`; "X in Y" with no X under Y is marked `outside`.
- *Ids* (six digits or more) resolve in every account and never fuzzy-match.
- *Qualifiers*: "Broad US in Spring Sale", "Newsletter Signups' Lead Form - US" narrow the
  child to the objects under the container; the container is only used to find it, and the
  child's match is the weakest on the path.
- Scope: the account set, or every account with none; a name found only in another account
  is reported in `other_account`. "all", "every", "everywhere", "both" next to a name that has
  several matches keep every match.

`resolve_entities(text, catalog, account=...)` returns one `Mention` per name or id found;
`resolve_name(ref, ...)` reads one reference (what the LLM router names) the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from agents.orchestrator.routing.lexicon import ACRONYMS, ALIASES, STOP, TYPE_WORDS

TOKEN = re.compile(r"[^\W_]+%?|%")
ID = re.compile(r"\d{6,}")
STRENGTH = {"id": 2, "exact": 2, "fuzzy": 1}
DETERMINERS = {"the", "our", "my", "that", "this", "its", "their", "your", "den", "die", "das",
               "le", "la", "les", "el", "los", "las"}
ALL_BEFORE = re.compile(r"\b(?:all|every|each|both|alle|tous|toutes|todos|todas)\s+(?:(?:the|of|"
                        r"the|ads?|named|called)\s+){0,3}$", re.I)
ALL_AFTER = re.compile(r"^\W*(?:everywhere|in\s+(?:all|every|each)\b|wherever|überall|partout|"
                       r"(?:across|in)\s+(?:all|every)\b)", re.I)
CONTAINED_BY = re.compile(r"^\s*(?:['’]s?\s+)?(?:(?:ad\s*set|adset|campaign|ad)s?\s+)?(?:in|inside|within|under|"
                          r"from|of|on|at|im|in\s+der|dans|en|across)\s+(?:(?:all|every|each|both)\s+"
                          r"(?:the\s+|of\s+the\s+)?(?:ad\s*sets?|adsets?|campaigns?)\s+(?:of|in|under|"
                          r"within|from)\s+)?(?:the\s+|der\s+|die\s+|le\s+|la\s+"
                          r")?(?:(?:campaign|ad\s*set|adset)\s+)?$", re.I)
# After an exact name, words that make it another name ("Spring Sale 2", "Brand Awareness DE"):
# a capitalised word or a lone digit, roman numeral or version that is no amount.
CONTINUED = re.compile(r"^[ \t]+(?:([A-Z][\w%]*)|(\d|[IVX]{2,4}|v\d+)(?![\d.,%x×kK$€£/])"
                       r"(?!\s*(?:%|percent|dollars?|bucks|euros?|usd|eur|a\s+day|per|daily|x\b|k\b)))")
POSSESSIVE = re.compile(r"^\s*(?:['’]s|['’])?\s*(?:[:/>→»,]|-+>?)?\s*$")


def norm(text: str) -> str:
    """Return `text` case-folded with every run of other than letters, digits and % as one space."""
    return " ".join(t.casefold() for t in TOKEN.findall(text))


def numbers(tokens: Iterable[str]) -> list[str]:
    """Return the numbers written in these tokens, in order ("25-34" → ["25", "34"], "1 %" → ["1%"])."""
    return [n.replace(" ", "") for n in re.findall(r"\d+(?:\s?%)?", " ".join(tokens))]


@dataclass(frozen=True)
class Obj:
    """A campaign, ad set or ad of the catalog, with what the resolver compares."""

    type: str
    id: str
    name: str
    account: str
    currency: str
    ancestors: tuple[str, ...]  # ids of its campaign (and ad set)
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @property
    def tokens(self) -> tuple[str, ...]:
        """The normalised words of the name."""
        return tuple(norm(self.name).split())

    def ref(self, match: str) -> dict[str, Any]:
        """Return the `EntityRef` dict for this object with `match`."""
        return {"type": self.type, "id": self.id, "name": self.name, "match": match,
                "account": self.account}


def index(catalog: list[dict[str, Any]]) -> list[Obj]:
    """Flatten accounts → campaigns → ad sets → ads into `Obj`s."""
    out: list[Obj] = []
    for acc in catalog:
        aid, cur = str(acc.get("id")), str(acc.get("currency") or "")
        for c in acc.get("campaigns") or []:
            out.append(Obj("campaign", str(c["id"]), c["name"], aid, cur, (), c))
            for s in c.get("adsets") or []:
                out.append(Obj("adset", str(s["id"]), s["name"], aid, cur, (str(c["id"]),), s))
                for ad in s.get("ads") or []:
                    out.append(Obj("ad", str(ad["id"]), ad["name"], aid, cur,
                                   (str(c["id"]), str(s["id"])), ad))
    return out


@dataclass
class Mention:
    """One name or id in the request and what it may be."""

    start: int
    end: int
    text: str
    match: str  # exact | fuzzy | id
    candidates: list[Obj] = field(default_factory=list)
    other_account: list[Obj] = field(default_factory=list)  # only outside the account set
    near: list[Obj] = field(default_factory=list)  # close, numbers differ
    all: bool = False
    qualifier: bool = False  # used only to find another mention
    type_hint: str | None = None
    partial: bool = False  # found by some of its words (a descriptive name), not a typo
    continued: str | None = None  # "Spring Sale 2": the exact name goes on into another one
    outside: str | None = None  # "X in Y" where no X is under Y: Y's words
    narrowed: bool = False  # "X in Y": only the X under Y are kept

    @property
    def resolved(self) -> bool:
        """True when it names exactly one object, or several with "all"."""
        return len(self.candidates) == 1 or (self.all and len(self.candidates) > 1)

    def refs(self) -> list[dict[str, Any]]:
        """Return the `EntityRef` dicts of a resolved mention."""
        return [c.ref(self.match) for c in self.candidates] if self.resolved else []


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    used: bool = False


def _tokens(text: str, protected: list[tuple[int, int]]) -> list[_Tok]:
    return [_Tok(m.group(0).casefold(), m.start(), m.end())
            for m in TOKEN.finditer(text)
            if not any(s <= m.start() < e for s, e in protected)
            and not (m.group(0).lower() == "s" and text[m.start() - 1:m.start()] in ("'", "’"))]  # "men's"


def _limit(name: str) -> int:
    return 1 if len(name) < 6 else 2


def _in_scope(objs: list[Obj], account: str | None) -> tuple[list[Obj], list[Obj]]:
    if account is None:
        return objs, []
    return [o for o in objs if o.account == account], [o for o in objs if o.account != account]


def _ids(toks: list[_Tok], text: str, objs: list[Obj]) -> list[Mention]:
    by_id = {o.id: o for o in objs}
    out = []
    for t in toks:
        if ID.fullmatch(t.text):
            t.used = True
            o = by_id.get(t.text)
            out.append(Mention(t.start, t.end, text[t.start:t.end], "id", [o] if o else []))
    return out


def _typo_of_longer(toks: list[_Tok], i: int, j: int, objs: list[Obj]) -> tuple[int, list[Obj]]:
    """Return (size, names) when the exact name at `toks[i:j]` starts a typo of longer names.

    "spring sale retargetting": Spring Sale is exact, but with the next word it is Spring Sale -
    Retargeting misspelt, which is meant. The words after the exact name are no stop words and
    are themselves close to the rest of the longer name, its shorthand ("rt") or its start
    ("retarget"); "Video - Trail in" is not "Video - Trail DE"; the numbers agree. (0, []) when
    there is none.
    """
    said = [t.text for t in toks[i:j]]
    found: dict[int, list[Obj]] = {}
    for o in objs:
        n = len(o.tokens)
        if n <= j - i or list(o.tokens[:j - i]) != said or i + n > len(toks) or \
                any(t.used or t.text in STOP for t in toks[j:i + n]):
            continue
        extra = " ".join(t.text for t in toks[j:i + n])
        rest = " ".join(o.tokens[j - i:])
        short = " ".join(a for t in toks[j:i + n] for a in ALIASES.get(t.text, (t.text,)))
        close = Levenshtein.distance(extra, rest) <= _limit(rest) or short == rest or (
            len(extra) >= 3 and rest.startswith(extra))  # "retargetting", "rt", "retarget"
        if extra != rest and numbers(t.text for t in toks[i:i + n]) == numbers(o.tokens) and close:
            found.setdefault(n, []).append(o)
    size = min(found, default=0)
    return size, found.get(size, [])


def _exact(toks: list[_Tok], text: str, objs: list[Obj], account: str | None) -> list[Mention]:
    spans: dict[tuple[int, int], list[Obj]] = {}
    words = [t.text for t in toks]
    for o in objs:
        name = list(o.tokens)
        n = len(name)
        for i in range(len(words) - n + 1):
            if words[i:i + n] == name and not any(t.used for t in toks[i:i + n]):
                spans.setdefault((i, i + n), []).append(o)
    keep = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    out = []
    for i, j in sorted(keep):
        if any(t.used for t in toks[i:j]):
            continue
        size, longer = _typo_of_longer(toks, i, j, objs)
        if longer:  # "spring sale retargetting": Spring Sale - Retargeting, misspelt
            for t in toks[i:i + size]:
                t.used = True
            inside, outside = _in_scope(longer, account)
            out.append(Mention(toks[i].start, toks[i + size - 1].end,
                               text[toks[i].start:toks[i + size - 1].end], "fuzzy", inside,
                               [] if inside else outside))
            continue
        for t in toks[i:j]:
            t.used = True
        inside, outside = _in_scope(spans[(i, j)], account)
        m = Mention(toks[i].start, toks[j - 1].end, text[toks[i].start:toks[j - 1].end],
                    "exact", inside, [] if inside else outside)
        more = CONTINUED.match(text[m.end:])
        word = more.group(1) or "" if more else ""
        if more and (more.group(2) or (word.casefold() not in STOP | set(TYPE_WORDS) and
                                       word not in ACRONYMS) or
                     (word.isupper() and len(word) > 1 and word not in ACRONYMS)):
            m.continued = text[m.start:m.end + more.end()]
        out.append(m)
    return out


def _fuzzy(toks: list[_Tok], text: str, objs: list[Obj], account: str | None) -> list[Mention]:
    found: list[tuple[int, int, int, Obj, bool]] = []  # distance, i, j, obj, numbers agree
    for o in objs:
        name = " ".join(o.tokens)
        n, want = len(o.tokens), numbers(o.tokens)
        for size in {max(1, n - 1), n, n + 1}:
            for i in range(len(toks) - size + 1):
                win = toks[i:i + size]
                if any(t.used for t in win) or (win[0].text in STOP and win[0].text != o.tokens[0]) \
                        or (win[-1].text in STOP and win[-1].text != o.tokens[-1]):
                    continue  # a typo window is not made of request words, unless the name is
                d = Levenshtein.distance(" ".join(t.text for t in win), name,
                                         score_cutoff=_limit(name))
                if d <= _limit(name):
                    found.append((d, i, i + size, o, numbers(t.text for t in win) == want))
    out: list[Mention] = []
    for _d, i, j, _o, _ok in sorted(found, key=lambda f: (f[0], f[1])):
        if any(t.used for t in toks[i:j]):
            continue
        same = [f for f in found if f[1] < j and i < f[2]]  # every close name over these words
        good = [f[3] for f in same if f[4]]
        near = [f[3] for f in same if not f[4]]
        for t in toks[i:j]:
            t.used = True
        inside, outside = _in_scope(list(dict.fromkeys(good)), account)
        near_in = _in_scope(list(dict.fromkeys(near)), account)[0]
        out.append(Mention(toks[i].start, toks[j - 1].end, text[toks[i].start:toks[j - 1].end],
                           "fuzzy", inside, [] if inside else outside, near_in))
    return out


# Plurals that are metrics ("what were the sales"), never a name's word said in the plural
NOT_PLURALS = frozenset({"sales", "views", "conversions", "purchases", "installs", "impressions",
                         "clicks", "results", "leads", "signups", "visits",
                         # kinds of ad in the plural are filters (`kinds.py`), not names
                         "videos", "statics", "images", "carousels", "photos", "clips", "reels"})


def _singular(word: str, vocab: set[str]) -> str:
    """Return a plural's name word ("the reminders" → reminder) when only the singular is in a name."""
    if word in vocab or word in NOT_PLURALS or len(word) < 4 or not word.endswith("s"):
        return word
    for stem in (word[:-1], word[:-2] if word.endswith("es") else ""):
        if stem and stem in vocab:
            return stem
    return word


def _near_word(word: str, vocab: set[str]) -> bool:
    """Tell whether `word` is a typo of a name's word ("closup" of closeup)."""
    return any(len(v) >= 4 and Levenshtein.distance(word, v, score_cutoff=_limit(v)) <= _limit(v)
               for v in vocab)


def _fit(toks: list[_Tok], i: int, j: int, text: str, objs: list[Obj], account: str | None,
         vocab: set[str]) -> Mention | None:
    """Return the descriptive name made of `toks[i:j]`, or None when no name has all its words."""
    run = [t.text for t in toks[i:j]]
    said = [_singular(w, vocab) for w in run]  # "the reminders" → reminder
    words = {a for w in said for a in ALIASES.get(w, (w,))}  # "rt" → retargeting
    before = toks[i - 1].text if i else ""
    after = toks[j].text if j < len(toks) else ""
    if after == "ad" and j + 1 < len(toks) and toks[j + 1].text in ("set", "sets"):
        after = "adset"
    hint = TYPE_WORDS.get(after)
    # "spring sale women": a word right after a name is read as a name inside it ("B A" is B's A)
    framed = before in DETERMINERS or hint is not None or before in STOP or (i > 0 and toks[i - 1].used)
    if not framed or not any(len(w) > 2 and w.isalpha() for w in words):
        return None
    fits = [o for o in objs if (hint is None or o.type == hint)
            and words <= set(o.tokens) and set(numbers(run)) <= set(numbers(o.tokens))]
    inside, outside = _in_scope(fits, account)
    if not inside and not outside:
        return None
    for t in toks[i:j]:
        t.used = True
    return Mention(toks[i].start, toks[j - 1].end, text[toks[i].start:toks[j - 1].end], "fuzzy",
                   inside, [] if inside else outside, type_hint=hint, partial=True)


def _partial(toks: list[_Tok], text: str, objs: list[Obj], account: str | None) -> list[Mention]:
    """Descriptive names: a run of unused, non-stop words that all belong to names of a type."""
    out: list[Mention] = []
    vocab = {w for o in objs for w in o.tokens}
    i = 0
    while i < len(toks):
        if toks[i].used or toks[i].text in STOP or toks[i].text in TYPE_WORDS:
            i += 1
            continue
        j = i
        while j < len(toks) and not toks[j].used and toks[j].text not in STOP \
                and toks[j].text not in TYPE_WORDS:
            j += 1
        found = _fit(toks, i, j, text, objs, account, vocab)
        for k in range(j - 1, i + 1, -1) if found is None else ():
            # "if CPA on trail shoes goes over 50": the name is the run's first words, and the
            # rest are no name's words or numbers ("Women 25-35" is never Women 25-34)
            rest = [_singular(t.text, vocab) for t in toks[k:j]]
            if any(not w.isalpha() or w in vocab or _near_word(w, vocab) for w in rest):
                break  # "static shoe closup": a typo of the whole name, for `_fuzzy`
            if (found := _fit(toks, i, k, text, objs, account, vocab)) is not None:
                break
        if found is not None:
            out.append(found)
        i = j
    return out


def _type_hints(mentions: list[Mention], text: str) -> None:
    for m in mentions:
        after = re.match(r"\s*(ad\s*sets?|adsets?|campaigns?|ads?)\b", text[m.end:], re.I)
        before = re.search(r"\b(ad\s*sets?|adsets?|campaigns?|ads?)\s*$", text[:m.start], re.I)
        word = (after or before)
        if word:
            kind = TYPE_WORDS.get(re.sub(r"\s+", " ", word.group(1).lower()))
            m.type_hint = m.type_hint or kind
        if m.type_hint:
            typed = [c for c in m.candidates if c.type == m.type_hint]
            m.candidates = typed or m.candidates


def _qualify(mentions: list[Mention], text: str) -> None:
    """Narrow "A in B" / "B's A" to the A under B; B is then only a qualifier."""
    for a in mentions:
        for b in mentions:
            if a is b or not b.candidates or not a.candidates:
                continue
            if a.end <= b.start and CONTAINED_BY.match(text[a.end:b.start]):
                pass
            elif b.end <= a.start and POSSESSIVE.match(text[b.end:a.start]):
                pass
            else:
                continue
            ids = {c.id for c in b.candidates}
            under = [c for c in a.candidates if ids & set(c.ancestors)]
            if not under:
                if a.end <= b.start and {c.type for c in b.candidates} <= {"campaign", "adset"} and \
                        all(c.type != "campaign" for c in a.candidates):
                    a.outside = b.text  # "X in Y" with no X under Y: never X elsewhere
                    b.qualifier = True
                continue
            a.candidates, a.narrowed = under, True
            b.qualifier = True
            if STRENGTH[b.match] < STRENGTH[a.match]:
                a.match = b.match


PLURAL_KIND = re.compile(r"^\s*(campaigns|ad\s*sets|adsets|ads)\b", re.I)


def _plural_names(mentions: list[Mention], text: str, objs: list[Obj], account: str | None) -> None:
    """Make "the spring sale campaigns" / "both spring sale campaigns" every name containing it.

    An exact name that one object has, said with its kind in the plural, means the objects of
    that kind whose names contain it: Spring Sale and Spring Sale - Retargeting, never Spring
    Sale alone with the other dropped. They are flagged fuzzy.
    """
    for m in mentions:
        if m.match != "exact" or len(m.candidates) != 1:
            continue
        kind = PLURAL_KIND.match(text[m.end:])
        kind_type = TYPE_WORDS.get(re.sub(r"\s+", " ", kind.group(1).lower())) if kind else None
        if kind_type != m.candidates[0].type:  # "all of spring sale" is Spring Sale, whole
            continue
        said = norm(m.text).split()
        n = len(said)
        more = [o for o in _in_scope(objs, account)[0] if o.type == m.candidates[0].type and
                o not in m.candidates and any(list(o.tokens[k:k + n]) == said
                                              for k in range(len(o.tokens) - n + 1))]
        if more:
            m.candidates = m.candidates + more
            m.match, m.all = "fuzzy", True


def _all(mentions: list[Mention], text: str) -> None:
    for m in mentions:
        if len(m.candidates) > 1 and (ALL_BEFORE.search(text[:m.start])
                                      or ALL_AFTER.match(text[m.end:])):
            m.all = True


def resolve_entities(text: str, catalog: list[dict[str, Any]] | list[Obj], *,
                     account: str | None, protected: list[tuple[int, int]] | None = None
                     ) -> list[Mention]:
    """Return every name or id `text` mentions, resolved by the rules above, in text order."""
    objs = catalog if catalog and isinstance(catalog[0], Obj) else index(catalog)  # type: ignore[arg-type]
    toks = _tokens(text, protected or [])
    mentions = _ids(toks, text, objs)  # type: ignore[arg-type]
    mentions += _exact(toks, text, objs, account)  # type: ignore[arg-type]
    mentions += _partial(toks, text, objs, account)  # type: ignore[arg-type]
    mentions += _fuzzy(toks, text, objs, account)  # type: ignore[arg-type]
    mentions.sort(key=lambda m: m.start)
    _type_hints(mentions, text)
    _qualify(mentions, text)
    _plural_names(mentions, text, objs, account)  # type: ignore[arg-type]
    _all(mentions, text)
    return mentions


def resolve_name(ref: str, catalog: list[dict[str, Any]] | list[Obj], *, account: str | None,
                 type: str | None = None, within: str | None = None, every: bool = False
                 ) -> Mention:
    """Resolve one reference (a name or an id, optionally "within" a container) to a `Mention`.

    A reference that resolves to nothing comes back as a `Mention` with no candidates.
    """
    text = f"the {ref}" + (f" in {within}" if within else "")
    found = [m for m in resolve_entities(text, catalog, account=account) if not m.qualifier]
    if not found:
        return Mention(0, len(ref), ref, "exact")
    m = max(found, key=lambda x: x.end - x.start)
    if type:
        typed = [c for c in m.candidates if c.type == type]
        m.candidates = typed or m.candidates
    m.all = m.all or every
    return m


__all__ = ["Mention", "Obj", "index", "norm", "resolve_entities", "resolve_name"]
