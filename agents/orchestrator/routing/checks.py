"""Asks adpilot can do once a person answers: evals/README.md "Rules decided" 3, against the catalog.

`check_ask` takes one ask (route, resolved objects, params) and returns it unchanged, or a
`clarify` ask whose `why` says exactly what must be answered: a name that is ambiguous, close,
missing or in another account; no entity or no amount; money in another currency than the
account's (never converted); an absolute budget for a campaign whose budgets sit on its ad sets;
an ad-set budget inside a campaign-budget campaign; daily ↔ lifetime; resuming a campaign whose
end date has passed; `watch` on an ad set or ad. Both routers run it, so the LLM router is held
to the same rules.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from agents.orchestrator.routing.resolve import Mention, Obj, norm
from state import rules
from state.intent import WRITE_ROUTES

NEEDS_ENTITY = WRITE_ROUTES - {"new_campaign"}


def clarify(why: str, candidates: list[str] | None = None,
            entities: list[dict[str, Any]] | None = None, phrase: str | None = None) -> dict[str, Any]:
    """Return a `clarify` ask (`phrase`: the request's words it is about, for the answer)."""
    return {"route": "clarify", "entities": entities or [],
            "params": {"why": why, "candidates": candidates or [], "phrase": phrase}}


def _where(o: Obj, objs: list[Obj]) -> str:
    names = {x.id: x.name for x in objs}
    path = " / ".join(names.get(a, a) for a in o.ancestors)
    return f"{o.name} ({path or o.account})"


def name_problem(m: Mention, objs: list[Obj], account: str | None) -> dict[str, Any] | None:
    """Return the clarification an unresolved mention needs, or None when it is resolved."""
    if m.outside:
        return clarify(f"\"{m.text}\" is not in {m.outside}: " + "; ".join(_where(x, objs) for x in
                       m.candidates) + ". Which one is meant?", [x.id for x in m.candidates],
                       phrase=m.text)
    if m.resolved:
        return None
    if m.match == "id":
        return clarify(f"No object with id {m.text} in any account adpilot can see.", phrase=m.text)
    if m.other_account:
        o = m.other_account
        return clarify(f"\"{m.text}\" is {', '.join(_where(x, objs) for x in o)} in "
                       f"{o[0].account}, not in {account} (the account in use); switch accounts?",
                       [x.id for x in o], phrase=m.text)
    if len(m.candidates) > 1:
        return clarify(f"\"{m.text}\" matches {len(m.candidates)} objects: "
                       + "; ".join(_where(x, objs) for x in m.candidates) + ". Which one (or "
                       "say \"all\")?", [x.id for x in m.candidates], phrase=m.text)
    if m.near:
        return clarify(f"No object named \"{m.text}\"; " + ", ".join(_where(x, objs) for x in m.near)
                       + " is close but its numbers differ, so it is not read as a typo. Which one?",
                       [x.id for x in m.near], phrase=m.text)
    return clarify(f"No campaign, ad set or ad named \"{m.text}\" in {account or 'any account'}, "
                   "and nothing close.", phrase=m.text)


def write_guard(ms: list[Mention], targets: list[Obj], objs: list[Obj]) -> dict[str, Any] | None:
    """Return the clarification a write needs when the request did not clearly name its objects.

    A write is stricter than a question: a name that goes on into another one ("Spring Sale 2")
    is not that name; a descriptive name must say what kind of object it is, be narrowed by its
    container ("the carousel in X") or carry more than half of the name's words; and an object never changes together with its own campaign or ad set
    (the request named one of them only to find the other).
    """
    for m in ms:
        if m.continued and m.match == "exact":
            return clarify(f"No object is named \"{m.continued}\"; "
                           + ", ".join(_where(x, objs) for x in m.candidates)
                           + " is the closest. Is that the one?", [x.id for x in m.candidates],
                           phrase=m.continued)
        if m.partial and m.resolved and not m.type_hint and not m.narrowed:
            said = set(norm(m.text).split())
            for o in m.candidates:
                words = [w for w in o.tokens if not w[:1].isdigit()]
                if len(said & set(words)) * 2 <= len(words):  # no more than half of it
                    return clarify(f"Is \"{m.text}\" {_where(o, objs)}? Only part of its name "
                                   "was given.", [o.id], phrase=m.text)
    for o in targets:
        if parent := next((x for x in targets if x.id in o.ancestors), None):
            return clarify(f"Both {_where(o, objs)} and {parent.name}, which contains it, were read "
                           "as what to change; which one is meant?", [o.id, parent.id])
    return None


def numbered_on(ms: list[Mention], objs: list[Obj]) -> dict[str, Any] | None:
    """Return the clarification a question needs when a name runs on into a number.

    "Spring Sale 3" is not Spring Sale (the numbers in a name must be the same): a question
    about it is asked, like a write, instead of answered for another campaign.
    """
    for m in ms:
        rest = (m.continued or "")[len(m.text):]
        if m.continued and m.match == "exact" and re.search(r"\d", rest):
            return clarify(f"No object is named \"{m.continued}\"; "
                           + ", ".join(_where(x, objs) for x in m.candidates)
                           + " is the closest, but its numbers differ. Is that the one?",
                           [x.id for x in m.candidates], phrase=m.continued)
    return None


def _campaign(o: Obj, objs: list[Obj]) -> Obj:
    if o.type == "campaign":
        return o
    return next(x for x in objs if x.id == o.ancestors[0])


def _period(o: Obj, objs: list[Obj]) -> str | None:
    """Return the budget period of a campaign or ad set (of its ad sets when they hold it)."""
    if o.raw.get("daily_budget"):
        return "daily"
    if o.raw.get("lifetime_budget"):
        return "lifetime"
    if o.type == "campaign" and o.raw.get("budget_level") == "adset":
        kids = [x for x in objs if x.type == "adset" and x.ancestors == (o.id,)]
        if any(k.raw.get("lifetime_budget") for k in kids):
            return "lifetime"
        return "daily"
    return None


def _money(o: Obj, minor: int | None) -> str:
    return rules.format_money(minor, o.currency) if minor is not None else ""


def _budget(ask: dict[str, Any], targets: list[Obj], objs: list[Obj]) -> dict[str, Any] | None:
    params = ask["params"]
    ents = ask["entities"]
    change = params.get("change") or {}
    if not change:
        return clarify("By how much, or to what amount? Say e.g. \"raise it by 20%\" or \"set it "
                       "to $50 a day\".", entities=ents)
    for o in targets:
        camp = _campaign(o, objs)
        if o.type == "ad":
            return clarify(f"{o.name} is an ad; budgets are on its campaign or ad set. Change "
                           f"{camp.name}'s budget instead?", entities=ents)
        if o.type == "adset" and camp.raw.get("budget_level") == "campaign":
            return clarify(f"{o.name} has no budget of its own ({camp.name} uses a campaign "
                           f"budget); change {camp.name}'s budget instead?", entities=ents)
        absolute = "to_minor" in change or "delta_minor" in change
        if o.type == "campaign" and o.raw.get("budget_level") == "adset" and absolute:
            return clarify(f"{o.name}'s budgets are on its ad sets; how should "
                           f"{_money(o, change.get('to_minor') or change.get('delta_minor'))} be split "
                           "(or which ad set)?", entities=ents)
        period = _period(o, objs)
        if params.get("period") and period and params["period"] != period:
            return clarify(f"{o.name} has a {period} budget; Meta cannot switch it to "
                           f"{params['period']}. Change the {period} budget instead?", entities=ents)
        params["period"] = period or params.get("period")
    return None


def check_ask(ask: dict[str, Any], targets: list[Obj], objs: list[Obj], *, account: str | None,
              today: date, money_currencies: list[str]) -> dict[str, Any]:
    """Return `ask`, or the clarification it needs before anything can be done."""
    route, ents = ask["route"], ask["entities"]
    if route in NEEDS_ENTITY and not targets:
        what = {"budget": "Which campaign or ad set, and by how much?",
                "pause_underperformers": "Which campaign or ad set should be checked (and in which "
                "account), and what counts as not working?",
                "adopt": "Which campaign should adpilot watch?",
                "ab_test": "Which ad or ad set should the test run beside?"}.get(
            route, "Nothing is named: which campaign, ad set or ad?")
        return clarify(what)
    if route == "question" and not targets and account is None:
        return clarify("No account is set and there are several (their currencies cannot be "
                       "summed); which account?")
    own: set[str] = {o.currency for o in targets} or {
        x.currency for x in objs if x.account == account}
    other = [c for c in money_currencies if own and c not in own]
    if other and route in NEEDS_ENTITY | {"question"}:
        return clarify(f"The amount is in {other[0]} but {', '.join(sorted({o.account for o in targets}) or [account or ''])} "
                       f"bills in {', '.join(sorted(own))}; adpilot does not convert currencies.",
                       entities=ents)
    if route == "budget":
        return _budget(ask, targets, objs) or ask
    if route == "adopt":
        for o in targets:
            if o.type != "campaign":
                camp = _campaign(o, objs)
                return clarify(f"watch adopts whole campaigns; watch {camp.name} (which contains "
                               f"{o.name})?", entities=ents)
    if route == "status" and ask["params"].get("to") == "ACTIVE":
        for o in targets:
            camp = _campaign(o, objs)
            stop = camp.raw.get("stop_time")
            if stop and str(stop)[:10] < today.isoformat():
                return clarify(f"{camp.name}'s schedule ended on {str(stop)[:10]}; resuming it will "
                               "not deliver without a new end date, which adpilot cannot set.",
                               entities=ents)
    return ask


CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w%-]*(?:\s+(?:[A-Z0-9][\w%-]*))*)")
NOT_NAMES = frozenset({"I", "CPA", "CPC", "CPM", "CTR", "ROAS", "CPL", "US", "EU", "USD", "EUR",
                       "A", "B", "AB", "Meta", "Facebook", "Instagram", "Monday", "Tuesday",
                       "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Thanks", "Cheers",
                       "Hi", "Hey", "Please", "Can", "Could", "Would", "MTD", "WTD", "OK"})


def unknown_name(request: str) -> str | None:
    """Return a capitalised name that is no campaign, ad set or ad ("Summer Sale"), or None."""
    from agents.orchestrator.routing.dates import MONTHS

    m = re.search(r"\b(?:pause|stop|resume|raise|watch|on|for|about|is|of|in|kill|off|"
                  r"unpause|reactivate|double|halve|test)\s+(?:the\s+)?([A-Z][\w%-]*(?:\s+[A-Z0-9][\w%-]*)*)",
                  request)
    if not m:
        return None
    words = [w for w in m.group(1).split() if w not in NOT_NAMES and w.lower() not in MONTHS]
    return " ".join(words) if words else None


# Words that appear in names but say nothing about which object is meant.
GENERIC_NAME_WORDS = frozenset({"ad", "ads", "set", "sets", "adset", "adsets", "campaign",
                                "campaigns", "spend", "spent", "the", "and", "for", "with"})
_WORD = re.compile(r"[^\W\d_][\w%'’-]*")
_LANGS = ("en", "de", "fr", "es", "pt", "nl", "it", "pl", "sv")


def _common(word: str) -> bool:
    """Return True for a word of everyday language in any language the router reads."""
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, lang) >= 2.5 for lang in _LANGS)


def stray_name(request: str, objs: list[Obj], account: str | None) -> tuple[str, list[str]] | None:
    """Return (words, candidate ids) for a question naming something that resolved to nothing.

    A question with no object is read account-wide, so a name that matched nothing must not
    turn silently into the account's total: a capitalised word that is part of some names
    ("Spring" → Spring Sale, Spring Sale - Retargeting) is asked about with those candidates,
    and a capitalised run with a word that is no everyday word in any language the router
    reads ("Sprng Sael"), or of two or more capitalised words ("Autumn Flash Deal"), is asked
    about as an unknown name.
    """
    scope = [o for o in objs if account is None or o.account == account]
    by_word: dict[str, list[str]] = {}
    for o in scope:
        for w in norm(o.name).split():
            if len(w) >= 3 and w not in GENERIC_NAME_WORDS:
                by_word.setdefault(w, []).append(o.id)
    run: list[str] = []  # capitalised words in a row (a name is often Title Case)
    odd = False  # one of them is no everyday word ("Sprng")
    for i, m in enumerate(_WORD.finditer(request)):
        word = m.group(0)
        low = word.casefold()
        if word in NOT_NAMES or low in GENERIC_NAME_WORDS or not word[0].isupper():
            if run and (odd or len(run) >= 2):
                break
            run, odd = [], False
            continue
        if low in by_word and len(by_word[low]) > 1:
            return word, sorted(set(by_word[low]))[:8]
        if i == 0 and _common(low):
            continue  # "What", "Show", "Wie": the sentence's first word
        run.append(word)
        odd = odd or not _common(low)
    return (" ".join(run), []) if run and (odd or len(run) >= 2) else None


__all__ = ["check_ask", "clarify", "name_problem", "numbered_on", "stray_name", "unknown_name", "write_guard"]
