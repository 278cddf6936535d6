"""The offline rules router: a request → its asks → one `Intent` (evals/README.md "Router requests").

Longer than 300 lines because splitting a request into asks and routing each ask read the
same clause state (placeholders, amounts, quotes), and the merge rules sit between them.

1. Quoted copy, URLs, e-mail addresses and file names are set aside; every name and id is
   found (`resolve.resolve_entities`) and replaced by a placeholder, so the rest of the text
   is read without names; other languages' common words become English and number words
   digits.
2. The text is split into asks at sentence ends, dashes, "and"/"then" before a verb, and an
   "and" (in any language) between two sides that each name an object and a change. An
   ask without a route joins its neighbour; a question after a question is one question;
   "tell me if …" after "watch" is part of watching; a stop rule after a test ("give it 10
   days") is the test's; "… and add it to X" after a refusal is refused with it. A sentence
   with no ask after a complete ask, and a purpose tail ("so it lasts to race day"), are
   context: a partial name in them is a word. A kind of creative said alone ("a new video")
   is a word when the request names an object clearly. "it" is the previous ask's entity.
3. Each ask is routed (`_route`: brief, what-if, refusals, test, watch, vague, budget, status,
   pause-underperformers, question) and given its params (`params.py`) and is checked against
   the catalog (`checks.py`); a write also passes `checks.write_guard` (a clearly named
   object, inside the container the request names). The router never guesses: an ask it
   cannot place is `clarify`.
4. The first ask is the intent; the later ones are in `also` and in `notes` (`state/later_asks.py`: each
   is proposed on its own card after the one before it, never under the first one's route).
   A budget move ("move $10 a day from A to B", "take $5 from A and give it to B") is two
   linked asks, A's cut then B's raise (`moves.py`), proposed on one card.
   A budget or status change that waits on a condition ("if it's over €25, lower its budget
   20%", "… once the CPA tops $30") is read without the condition; as a later ask it says
   "only if …", and as the first ask it is `clarify`: adpilot never checks a condition
   before writing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from agents.orchestrator.routing import cues
from agents.orchestrator.routing.abtest import ab_params
from agents.orchestrator.routing.amounts import find_amounts, find_factor, words_to_digits
from agents.orchestrator.routing.checks import (
    check_ask,
    clarify,
    name_problem,
    numbered_on,
    stray_name,
    unknown_name,
    write_guard,
)
from agents.orchestrator.routing.discourse import blank
from agents.orchestrator.routing.guards.children import said_object, unnamed_child
from agents.orchestrator.routing.guards.conditions import (
    ONCE_NOTE,
    conditional_rules,
    pause_rule,
    states_target,
    target_question,
)
from agents.orchestrator.routing.guards.kinds import (
    apply_kinds,
    kinds_note,
    read_kinds,
    unread_exception,
)
from agents.orchestrator.routing.guards.negation import negated, taken_back
from agents.orchestrator.routing.lexicon import BREAKDOWN_RES, TYPE_WORDS, to_english
from agents.orchestrator.routing.moves import (
    follow_on,
    freed_budget,
    missing_side,
    moved,
    side_params,
    sides,
)
from agents.orchestrator.routing.params import (
    KIND_WORD,
    Clause,
    adopt_params,
    budget_params,
    metric_list,
    pause_level,
    pause_params,
    question_params,
    ratio_amount,
    thresholds,
)
from agents.orchestrator.routing.resolve import Mention, Obj, index, resolve_entities
from state.intent import Ask, Intent
from state.later_asks import later_note

QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|„([^“”]+)[“”]|«\s*([^»]+?)\s*»|(?<![\w])'([^']+)'(?![\w])|"
                   r"‘([^’]+)’")
PROTECT = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|[\w-]+\.(?:jpe?g|png|gif|"
                     r"webp|mp4|mov|m4v|avi)\b", re.I)
FILE = re.compile(r"[\w-]+\.(?:jpe?g|png|gif|webp|mp4|mov|m4v|avi)\b", re.I)
SPLIT_VERBS = (r"(?:please\s+|pls\s+|also\s+|then\s+|and\s+)?(?:pause|paus|stop|turn|switch|kill|"
               r"resume|unpause|reactivate|raise|increase|bump|lower|reduce|cut|double|halve|"
               r"triple|put|set|take|add|watch|keep|monitor|test|a/b|launch|create|tell|show|if|"
               r"what|how|which|move|shift|scale|make|give|change|rename|delete|start|run|lift|boost|"
               r"grow|trim|slash|decrease|drop|enable|disable|deactivate|halt|suspend|shut|"
               r"adopt|look|babysit)\b")
SPLIT = re.compile(rf"(?<=[.?!;])\s+|\s+[—–]\s+|\s+-\s+(?=\w)|\n+|,?\s+(?:and\s+then|and|then|&|"
                   rf"\+|plus|but)\s+(?={SPLIT_VERBS})", re.I)
FOLLOW_UP = re.compile(r"^\s*(?:and\s+)?(?:tell|let)\s+me\s+(?:know\s+)?(?:if|when)\b|^\s*(?:and\s+)?"
                       r"(?:alert|notify|ping|warn)\s+me\b", re.I)
POLITE = re.compile(r"\b(?:can|could|would|will)\s+you\b|\bwould\s+you\s+mind\b|\bplease\b|"
                    r"\bi'?d\s+like\s+(?:you\s+)?to\b|\bcan\s+we\b", re.I)
TRANSFER = re.compile(r"\b(?:put|move|shift|add|give|send)\s+(?:it|that|them|the\s+(?:money|"
                      r"difference|savings|rest)|(?:its|their)\s+(?:money|budgets?|spend|savings))\s+"
                      r"(?:into|to|on|onto|in|over\s+to)\b", re.I)
# "if it's over €25, lower its budget 20%" / "… if the CPA tops $30": a change that waits on a
# condition adpilot does not check before writing (a pause rule's threshold is its own route)
CONDITION_LEAD = re.compile(r"^\W*(?:and\s+|but\s+|then\s+|so\s+)?(?:if|when|once|as\s+soon\s+as|"
                            r"should|in\s+case)\b(?!\s+(?:you|u|possible|poss|convenient|that'?s\s+ok)\b)"
                            r"([^,]{1,80}?)(?:,\s*|\s+(?=then\b|just\b|please\b|"
                            r"(?:pause|stop|turn|switch|kill|resume|raise|increase|bump|lower|reduce|"
                            r"cut|double|halve|triple|set|add|take|drop|trim|slash|decrease|boost|"
                            r"scale)\b))(?:then\s+|just\s+|please\s+)*(?=\S)", re.I)
CONDITION_TAIL = re.compile(r"\s+(?:but\s+)?(?:only\s+)?(?:if|when|once|as\s+soon\s+as|in\s+case)\s+"
                            r"((?:it|its|it's|they|their|the|that|this|cpa|ctr|cpc|cpm|roas|spend|"
                            r"frequency|results?)\b.*)$", re.I)
# Context that asks nothing: a purpose or reason after the ask ("… so it lasts to race day",
# "— we've got a launch on Friday"). A partial name in it is a word, never an object.
CONTEXT_TAIL = re.compile(r"\b(?:so\s+(?:that|it|they|we|the|our)|because|cause|'cause|since\s+(?:we|it|"
                          r"they|the|our)|as\s+(?:we|it|they)\b|we(?:'ve|\s+have)\s+got|we'?re\s+"
                          r"(?:launching|running|sending|doing)|ahead\s+of|in\s+time\s+for)\b.*$|"
                          r"(?<=,)\s*(?:we|i)\s+(?:need|want|have|got)\s+(?:the|that|this|its|their)\s+"
                          r"(?:money|budget|spend|cash)\b.*$", re.I | re.S)
QUALITY = re.compile(r"\b(?:losers?|underperform\w*|under-perform\w*|weak\w*|poor\w*|bad|worst|not\s+"
                     r"working|dead\s+weight|duds?|bleeding|wasting|expensive|pricey|costly)\b", re.I)
# "pause everything in X but Y": a "but" before names only is an exception, when "all" is said
ALL_BUT = re.compile(r"\bbut\s+(?=(?:the\s+)?⟨e[a-z]+⟩(?:\s*(?:,|and|&|or)\s*(?:the\s+)?⟨e[a-z]+⟩)*"
                     r"\s*(?:[,.;!—–-]|$))", re.I)
# "… — give it 10 days", "stop when we're 90% sure", "we stop as soon as we've spent €150"
STOP_RULE = re.compile(r"^\W*(?:and\s+|then\s+|but\s+)?(?:(?:give|run|let)\s+it\s+(?:run\s+)?(?:for\s+)?"
                       r"(?:\d+|a|one|two|three)\s*(?:days?|d|weeks?)\b|(?:we\s+|on\s+|you\s+can\s+)?"
                       r"(?:stop|pause|end|kill|call)\s+(?:it\s+|the\s+test\s+|it\s+off\s+)?(?:when|once|after|"
                       r"as\s+soon\s+as|at|if)\b)", re.I)
# "build a lookalike … and add it to X": "it" is the refused thing, so the later ask is too
REFUSED_IT = re.compile(r"^\W*(?:and\s+|then\s+)?\w+\s+(?:it|them|that|those)\b", re.I)
# A kind of creative said alone ("a new video", "swap the image") is a word, not a name, when
# it fits several objects and the request names one clearly
CREATIVE_WORDS = frozenset({"video", "videos", "image", "images", "static", "carousel", "photo",
                            "picture", "creative", "reel", "story", "ugc", "banner", "clip"})
WRITE_ROUTES_READ = ("ab_test", "adopt", "budget", "status", "pause_underperformers")


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


def _prepare(request: str, mentions: list[Mention]) -> tuple[str, list[str], dict[str, int]]:
    """Return the request with names as ⟨eX⟩ and quotes as ⟨qX⟩, the quotes, placeholder → index."""
    spans: list[tuple[int, int, str]] = []
    quotes: list[str] = []
    for q in QUOTE.finditer(request):
        if any(s < q.end() and q.start() < e for s, e, _ in spans):
            continue
        quotes.append(next(g for g in q.groups() if g))
        spans.append((q.start(), q.end(), f"⟨q{_letters(len(quotes) - 1)}⟩"))
    keys: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if any(s < m.end and m.start < e for s, e, _ in spans):
            continue
        key = f"⟨e{_letters(i)}⟩"
        keys[key] = i
        spans.append((m.start, m.end, key))
    out, last = [], 0
    for s, e, key in sorted(spans):
        out += [request[last:s], f" {key} "]
        last = e
    out.append(request[last:])
    return "".join(out), quotes, keys


def _protected(request: str) -> list[tuple[int, int]]:
    found = [(m.start(), m.end()) for m in QUOTE.finditer(request)]
    return found + [(m.start(), m.end()) for m in PROTECT.finditer(request)]


def _budget_cue(text: str, amounts: list[Any]) -> bool:
    # "ROAS must not drop below 2.5": a ratio's number is no amount of money to budget
    amounts = [a for a in amounts if not ratio_amount(text, a)]
    verb = next((v for v in cues.BUDGET_VERB.finditer(text)
                 if v.group(0).strip().lower() != "budget"), None)  # "Budget von X … senken"
    change = bool(amounts) or find_factor(text) is not None
    if verb and (change or "budget" in text or verb.group(0).lower().startswith("make")):
        return True  # "make X spend less": a budget change, its amount asked for if none
    if re.search(r"[+-]\s?\d+(?:[.,]\d+)?\s?%", text):
        return True
    if re.search(r"\d\s*(?:/\s*d(?:ay)?\b|a\s+day\b|per\s+day\b)", text) and amounts:
        return True  # "Spring Sale 150/day": a daily amount is a budget
    return any(a.explicit for a in amounts) and bool(
        re.search(r"\ba\s+day\b|/\s*day\b|\bdaily\b|\bper\s+day\b|\btotal\b|\blifetime\b", text))


def _route(c: Clause) -> tuple[str | None, str]:
    """Return (route or None, why) for one clause."""
    text = c.text
    plain = re.sub(cues.E, " ", text)
    question_like = bool(cues.QUESTION_START.search(text)) and not POLITE.search(text)
    if (cues.NEW_CAMPAIGN.search(plain) and not (cues.DUPLICATE.search(plain) and re.search(cues.E, text))) \
            or cues.LAUNCH.search(text) or (cues.BRIEF_LAUNCH.search(plain) and
                                            cues.BRIEF_SIGNAL.search(plain)):
        return "new_campaign", ""
    if cues.HYPOTHETICAL.search(plain):
        return "question", ""
    if pause_rule(c):  # "if any ad set's CPA goes over $50, pause it": the pause rule
        return "pause_underperformers", ""
    if lead := CONDITION_LEAD.search(text):  # "when X's CPA falls under $12, turn it back on"
        rest = text[lead.end():]
        route, why = _route(Clause(rest, find_amounts(rest, c.currency), c.quotes, c.currency, c.files))
        if route in ("budget", "status"):
            return route, why
    writes = any(p.search(plain) for p in (cues.PAUSE, cues.RESUME, cues.AB_TEST, cues.ADOPT)) or \
        _budget_cue(plain, c.amounts)
    if not (question_like and not writes):
        for pat, why in cues.UNSUPPORTED:
            if pat.search(plain):
                return "unsupported", why
        if not cues.AB_TEST.search(plain):
            for pat, why in (cues.EDIT_TARGETING, cues.EDIT_CREATIVE):
                if pat.search(plain):
                    return "unsupported", why
    if cues.AB_TEST.search(plain):
        return "ab_test", ""
    later = cues.SCHEDULED.search(cues.TEMPORARY.sub(" ", plain))  # "until Monday" is no schedule
    if not question_like and (cues.PAUSE.search(plain) or cues.RESUME.search(plain)) and later:
        return "unsupported", cues.SCHEDULED_WHY
    if not question_like and later and not later.group(0).startswith("on ") and \
            _budget_cue(plain, c.amounts):  # "as agreed on Monday" tells when, not from when
        return "unsupported", cues.SCHEDULED_BUDGET_WHY  # "+20% starting Friday": never now
    if cues.ADOPT.search(plain):
        return "adopt", ""
    if cues.VAGUE.search(plain):
        return "clarify", "vague"
    if cues.SWEEP.search(plain) and not question_like:
        return "pause_underperformers", ""
    found = []
    if m := cues.PAUSE.search(plain):
        found.append((m.start(), "pause"))
    if m := cues.RESUME.search(plain):
        found.append((m.start(), "resume"))
    if _budget_cue(plain, c.amounts):
        m = cues.BUDGET_VERB.search(plain)
        found.append((m.start() if m else 0, "budget"))
    if found and not question_like:
        kind = min(found)[1]
        if kind == "budget":
            return "budget", ""
        named = re.search(rf"\bpause\s+{cues.E}\s*$", text) or (  # "X's CPA is $60, pause it"
            re.search(r"\bpause\s+it\s*$", text) and not KIND_WORD.search(text))  # not "the ad set …"
        if kind == "pause" and (cues.UNDERPERFORMERS.search(text) or thresholds(c)[0]) and not named:
            return "pause_underperformers", ""
        return "status", "PAUSED" if kind == "pause" else "ACTIVE"
    if question_like or cues.QUESTION_START.search(text):
        return "question", ""
    if TRANSFER.search(plain):
        return "budget", "transfer"
    if states_target(c):  # "ROAS must not drop below 2.5 on X": a target, nothing to change
        return "clarify", "target"
    if metric_list(plain) or "?" in text or any(p.search(plain) for _, p in BREAKDOWN_RES):
        return "question", "weak"  # no question word: a later one belongs to the ask before
    return None, ""


# "and" in the languages the router reads; a split there only when both sides act on their own
CONJ = re.compile(r",?\s+(?:and|und|et|y|e|en|ed|og|och)\s+", re.I)


def _acts(text: str) -> bool:
    """Return True when `text` asks for a change by itself (a verb of any write route)."""
    plain = re.sub(cues.E, " ", text)
    return any(p.search(plain) for p in (cues.PAUSE, cues.RESUME, cues.AB_TEST, cues.ADOPT,
                                         cues.BUDGET_VERB))


def _split_conj(part: str) -> list[str]:
    """Split "pause X and raise Y" in any word order ("X pausieren und Y erhöhen").

    Languages that put the verb last leave no verb after the "and", so the split is made
    where each side names an object and asks for a change of its own; otherwise the later
    object would be written under the first ask's route.
    """
    for m in CONJ.finditer(part):
        left, right = part[:m.start()], part[m.end():]
        if re.search(cues.E, left) and re.search(cues.E, right) and _acts(left) and _acts(right):
            return [left, *_split_conj(right)]
    return [part]


def _split(text: str) -> list[str]:
    parts = [p for p in SPLIT.split(text) if p and p.strip(" ,.;")]
    return [q for p in parts or [text] for q in _split_conj(p)]


def _as_words(text: str, weak: dict[str, str]) -> str:
    """Return `text` with the placeholders of partial names as their words."""
    return re.sub(cues.E, lambda m: f" {weak[m.group(0)]} " if m.group(0) in weak else m.group(0), text)


def _clauses(text: str, currency: str | None, files: list[str], quotes: list[str],
             weak: dict[str, str] | None = None, names: dict[str, str] | None = None
             ) -> list[tuple[str, str | None, str]]:
    """Split into (text, route, why) asks and merge the ones that are not asks of their own.

    `weak` maps the placeholders of partial names to their words, `names` every placeholder:
    in context (a purpose tail, or a sentence with no ask after a complete ask) a partial name
    is a word, not an object, and so is any name unless the sentence adds it ("X too").
    """
    weak, names = weak or {}, names or {}
    out: list[list[Any]] = []
    for part in _split(text):
        purpose: str | None = None  # "pause X so we can scale Y": Y's change is its own ask
        if tail := CONTEXT_TAIL.search(part):
            head, rest = part[:tail.start()], part[tail.start():]
            if re.search(cues.E, head) and re.search(cues.E, rest) and _acts(rest):
                part, purpose = head, rest  # never X's change made on Y too
            else:  # a reason after an ask names no object ("…, we need the money for Y")
                part = head + _as_words(rest, names if re.search(cues.E, head) else weak)
        if out and out[-1][1] == "ab_test" and STOP_RULE.search(part):
            out[-1][0] += " " + part  # the test's stop rule, said after it
            continue
        if out and out[-1][1] == "unsupported" and REFUSED_IT.search(part):
            out[-1][0] += " " + part  # "… and add it to X": it is the refused thing
            continue
        c = Clause(part, find_amounts(part, currency), quotes, currency, files)
        route, why = _route(c)
        same = out and route == out[-1][1] and not re.search(cues.E, part)
        if out and out[-1][1] == "new_campaign":
            out[-1][0] += " " + part  # a brief goes whole to the launch path
            continue
        if out and out[-1][1] is None:
            out[-1] = [out[-1][0] + " " + part, route, why]
            continue
        if out and out[-1][1] == "question" and out[-1][2] == "weak" and route == "status" \
                and cues.BARE_PRONOUN_WRITE.match(part):
            # "any ad in X burning >$45 per purchase — kill it": the description names what to pause
            merged = out[-1][0] + " " + part
            out[-1] = [merged, *_route(Clause(merged, find_amounts(merged, currency), quotes,
                                              currency, files))]
            continue
        if out and route is None and out[-1][1] and re.search(cues.E, part) and _acts(part) and \
                not CONTEXT_TAIL.match(part.strip()):
            # "pause X and scale Y": a change with no amount is its own ask (asked about), never context
            plain_part = re.sub(cues.E, " ", part)
            out.append([part, "budget" if cues.BUDGET_VERB.search(plain_part) else None, ""])
            continue
        if out and route is None and out[-1][1] and re.search(cues.E, out[-1][0]):
            # context after a complete ask: its names are words unless it adds them ("X too")
            also_this = re.search(r"\b(?:too|as\s+well|also|and|plus)\b", part)
            out[-1][0] += " " + _as_words(part, weak if also_this else names)
            continue
        if out and (route is None or (route == "question" and out[-1][1] == "question") or
                    (route == "question" and why == "weak") or same or
                    (FOLLOW_UP.search(part) and out[-1][1] == "adopt")):
            out[-1][0] += " " + part
            continue
        out.append([part, route, why])
        if purpose is not None:  # asked about on its own card (no amount), never done with X's
            plain_purpose = re.sub(cues.E, " ", purpose)
            out.append([purpose, "budget" if cues.BUDGET_VERB.search(plain_purpose) else None, ""])
    return [(t, r, w) for t, r, w in out]


def _entities(text: str, mentions: list[Mention], keys: dict[str, int]) -> list[Mention]:
    return [mentions[keys[k]] for k in re.findall(cues.E, text) if k in keys
            and not mentions[keys[k]].qualifier]


def _unconditional(text: str) -> tuple[str, str | None]:
    """Return (the change without its condition, the condition or None)."""
    if m := CONDITION_LEAD.search(text):
        return text[m.end():], m.group(1).strip()
    if m := CONDITION_TAIL.search(text):
        return text[:m.start()], m.group(1).strip()
    return text, None


def _ask(text: str, route: str | None, why: str, ms: list[Mention], objs: list[Obj], *,
         account: str | None, today: date, currency: str | None, quotes: list[str],
         files: list[str], request: str, placeholders: dict[str, Mention],
         given: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Obj]]:
    """Route, resolve and parametrise one ask; return it and the objects it acts on.

    `given`: a budget ask's params read already (one side of a move, `moves.py`).
    """
    targets = [o for m in ms if m.resolved for o in m.candidates]
    for key, m in list(placeholders.items()):
        if targets and m in ms and not m.candidates and not m.other_account and m.match != "id":
            text = text.replace(key, m.text.lower())  # a near name beside a resolved one is words
    condition = None
    if route in ("budget", "status"):
        text, condition = _unconditional(text)
        for key, m in placeholders.items():
            condition = condition and condition.replace(key, m.text)
    c = Clause(text, find_amounts(text, currency), quotes, currency, files)
    if route is None:
        return clarify("adpilot could not tell what to do: ask a question about the campaigns, or "
                       "say what to change (pause, resume, budget, A/B test, watch)."), []
    if route == "new_campaign":
        return {"route": "new_campaign", "entities": [], "params": {}}, []
    refs = [r for m in ms for r in m.refs()]
    if route != "unsupported":
        for m in ms:
            if targets and not m.candidates and not m.other_account and m.match != "id":
                continue  # a near name beside a resolved one ("a women 35-44 version of …")
            if problem := name_problem(m, objs, account):
                return problem, []
    if route == "unsupported":
        return {"route": "unsupported", "entities": refs, "params": {"why": why}}, targets
    if route == "clarify" and why == "target":
        said = _said(text, {k: m.text for k, m in placeholders.items()})
        return clarify(target_question(said, [o.name for o in targets]), entities=refs,
                       phrase=said), targets
    if route == "clarify":
        what = " and ".join(o.name for o in targets) or "it"
        return clarify(f"What should change for {what}: pause it, change its budget (by how "
                       "much), or pause its weakest ads or ad sets (at what threshold)?",
                       entities=refs), targets
    if not targets and route != "question":
        unknown = unknown_name(request) or said_object(text, question=False)  # "pause the summer sale"
        if unknown:
            return clarify(f"No campaign, ad set or ad named \"{unknown}\" in {account or 'any account'}"
                           ", and nothing close.", phrase=unknown), []
    if route in WRITE_ROUTES_READ and (problem := write_guard(ms, targets, objs)):
        return {**problem, "entities": []}, []
    if route in ("status", "budget") and (problem := unnamed_child(text, placeholders, objs, refs)):
        return problem, targets  # "pause the blue ad set in X": never all of X
    money = [a.currency for a in c.amounts if a.explicit and not a.percent and a.currency]
    params: dict[str, Any]
    every: str | None = None
    if route == "question":
        if not targets and (unknown := unknown_name(request) or said_object(text, question=True)):
            return clarify(f"No campaign, ad set or ad named \"{unknown}\" in "
                           f"{account or 'any account'}, and nothing close.", phrase=unknown), []
        if (numbered := numbered_on(ms, objs)) is not None:
            return {**numbered, "entities": []}, []
        if not targets and (stray := stray_name(request, objs, account)):
            words, ids = stray
            if ids:
                return clarify(f"\"{words}\" is part of {len(ids)} names; which one (or say "
                               "\"all\", or ask about the whole account)?", ids, phrase=words), []
            return clarify(f"No campaign, ad set or ad named \"{words}\" in "
                           f"{account or 'any account'}, and nothing close.", phrase=words), []
        kinds = {o.type for o in targets}
        params = question_params(c, today, kinds.pop() if len(kinds) == 1 else None,
                                 bool(cues.FILTER_QUESTION.search(text)))
        money = []
    elif route == "pause_underperformers":
        params = pause_params(c)
        named = [m for m in metric_list(re.sub(cues.E, " ", text)) if m != "spend"]
        ranked = re.search(r"\b(?:(?:worst|bottom|lowest|top|highest)\s+\d+|\d+\s+(?:worst|"
                           r"lowest|weakest)|(?:worst|bottom|weakest)\b.{0,30}\bby\s+\w+|(?:worst|weakest|"
                           r"poorest|bottom)\s+(?:performing\s+)?(?:ad\s*set|adset|ad|one|creative)\b(?!s))",
                           text)  # "X's worst ad": one, by a ranking
        if params["metric"] is None and (named or ranked):
            # "the 2 worst ads by CPA", "with a high CPA": not the default rule, and no threshold
            return clarify("adpilot pauses by a threshold (e.g. 'CPA over $40'), not by a "
                           "ranking or a word like 'high': what threshold should the ads fail?",
                           entities=refs), targets
        rules_said = [t for t in thresholds(c)[0] if t["metric"] != params["metric"]]
        if rules_said and not re.search(r"\bor\b", text):  # "CPA over $40 and CTR under 1%"
            return {**clarify("A pause rule takes one condition; adpilot cannot pause only what "
                              "meets both. Which one should it use (or say 'or' for each on its "
                              "own)?", entities=refs), "careful": "two conditions joined by 'and'"}, \
                targets
        no_rule = params["metric"] is None and params["min_spend_minor"] is None and params["min_days"] is None
        if targets and no_rule and (all(o.type == "ad" for o in targets) or (  # named ads, no rule
                all(o.type == "adset" for o in targets) and params["level"] == "adset" and
                not QUALITY.search(text))):  # "turn off the women and men ad sets in X": those
            route, params = "status", {"to": "PAUSED"}
        elif params["metric"] is None and params["min_spend_minor"] is None and \
                params["min_days"] is None and cues.EVERY_ONE.search(text):
            every = params["level"]  # "pause all the ads in X": each of them (`_every_one`)
    elif route == "budget":
        found, changes = budget_params(c)
        if found and (per := found.pop("per", None)):  # "raise X to $200 a week"
            return clarify(f"Meta budgets are daily or for the whole run, not per {per}; what daily "
                           "(or lifetime) amount should it be?", entities=refs,
                           phrase=f"a {per}"), targets
        params = dict(given) if given is not None else found or {}
        if given is None and (each := _own_changes(text, ms, c)):
            # "X to $120 and Y to $40", "double X, halve Y": each object its own change
            (first, p0), rest = each[0], each[1:]
            ask = check_ask({"route": "budget", "entities": first.refs(), "params": p0},
                            first.candidates, objs, account=account, today=today,
                            money_currencies=money)
            if ask["route"] == "budget":
                ask["more_budgets"] = [{"route": "budget", "entities": m.refs(), "params": p,
                                        "targets": m.candidates} for m, p in rest]
            return ask, first.candidates
        if given is None and len({tuple(sorted(k for k in ch if k != "currency"))
                                  for ch in changes}) > 1:
            return clarify("Two budget changes for the same object that contradict each other; "
                           "which one?", entities=refs), targets
    elif route == "ab_test":
        params = ab_params(c)
    elif route == "adopt":
        params = adopt_params(c)
    else:
        params = {"to": why}
    ask = {"route": route, "entities": refs, "params": params}
    checked = check_ask(ask, targets, objs, account=account, today=today, money_currencies=money)
    if every or (route == "status" and params.get("to") == "PAUSED" and cues.EVERY_ONE.search(text)):
        checked["every"] = every or pause_level(text)  # "pause X's ads": X's ads, not X
    if route == "pause_underperformers" and checked["route"] == route and rules_said:
        # "CPA over $40 or CTR below 0.5%": each rule is an ask of its own, proposed after this one
        spend_cur = params["currency"] if params["min_spend_minor"] is not None else None
        checked["more_rules"] = [{**params, "currency": t.get("currency") or spend_cur,
                                  **{k: t[k] for k in ("metric", "op", "threshold")}}
                                 for t in rules_said]
    if condition and checked["route"] in WRITE_ROUTES_READ:
        checked["condition"] = condition  # read_rules never makes a conditional write the intent
    return checked, targets


SEPARATOR = re.compile(r",\s*(?:and\s+|then\s+)?|\s+(?:and|then|plus|&)\s+|;\s*", re.I)


def _own_changes(text: str, ms: list[Mention], c: Clause) -> list[tuple[Mention, dict[str, Any]]]:
    """Pair each named object with the change said of it, when each has its own and they differ.

    The clause is cut at the last separator between two names; a part without a verb reads
    with the first part's ("cut X by 20% and Y by 10%": Y is cut too). Empty when the objects
    share one change ("set X and Y to $100") or a part says none.
    """
    keys = [(m.start(), m.group(0)) for m in re.finditer(cues.E, text)]
    if len(ms) < 2 or len(keys) != len(ms) or any(len(m.candidates) != 1 for m in ms):
        return []
    cuts = [0]
    for (_, a), (b_start, _) in zip(keys, keys[1:], strict=False):
        a_end = text.index(a) + len(a)
        seps = list(SEPARATOR.finditer(text, a_end, b_start))
        if not seps:
            return []
        cuts.append(seps[-1].start())
    cuts.append(len(text))
    verb = text[:keys[0][0]]
    out = []
    for m, lo, hi in zip(ms, cuts, cuts[1:], strict=False):
        part = text[lo:hi]
        if not cues.BUDGET_VERB.search(part):
            part = verb + " " + part
        found, _ = budget_params(Clause(part, find_amounts(part, c.currency), c.quotes, c.currency,
                                        c.files))
        if found is None or "per" in found:  # "$70 a week": asked about by the caller
            return []
        out.append((m, found))
    return out if len({repr(p["change"]) for _, p in out}) > 1 else []


def _leave_out(ask: dict[str, Any], out: list[Mention], kw: dict[str, Any]) -> dict[str, Any]:
    """Apply "except X" to one ask: the container's objects of X's kind change, X does not.

    Only a status or budget change on one campaign or ad set that holds X can leave X out; any
    other write that names X's container is asked about, naming X (never done with X in it).
    """
    objs: list[Obj] = kw["objs"]
    said = ", ".join(m.text for m in out)
    ents = ask["entities"]
    by_id = {o.id: o for o in objs}
    holder = by_id.get(ents[0]["id"]) if len(ents) == 1 else None
    inside = [c for m in out for c in m.candidates + m.other_account
              if holder is not None and holder.id in c.ancestors]
    if ask["route"] not in WRITE_ROUTES_READ:
        return ask
    p = ask["params"]
    if ask["route"] == "pause_underperformers" and p.get("metric") is None and \
            p.get("min_spend_minor") is None and p.get("min_days") is None:
        ask = {**ask, "route": "status", "params": {"to": "PAUSED"}}  # "all the ads … apart from X"
    if holder is None or not inside or ask["route"] not in ("status", "budget") or \
            len({o.type for o in inside}) > 1:
        return clarify(f"adpilot read \"except {said}\" but cannot leave it out of this change; "
                       "name each object to change instead, or drop the exception.",
                       entities=ents, phrase=said)
    kind = KIND_WORD.search(ask.get("text") or "")
    level = ("adset" if kind.group(1) else "ad") if kind else inside[0].type
    left = {o.id for o in inside}
    to = ask["params"].get("to")
    targets = [o for o in objs if o.type == level and holder.id in o.ancestors and o.id not in left
               and not left & set(o.ancestors)
               and (to is None or o.raw.get("status") != to)]  # what is paused needs no pause
    if not targets:
        return clarify(f"Leaving out {said}, nothing else in {holder.name} would change; what "
                       "should?", entities=ents, phrase=said)
    new = {**ask, "entities": [o.ref(ents[0]["match"]) for o in targets]}
    checked = check_ask(new, targets, objs, account=kw["account"], today=kw["today"],
                        money_currencies=[])
    return {**checked, "text": ask.get("text")}


RANK = {"ad": 0, "adset": 1, "campaign": 2}


def _every_one(ask: dict[str, Any], kw: dict[str, Any]) -> dict[str, Any]:
    """Make "pause all the ads in X" (no rule, no word of quality) a pause of each of X's ads.

    It fell back to the policy's default rule (a CPA threshold), which pauses some of them; a
    pause of X itself is not what was said either. The ads (or ad sets) that run are paused,
    each listed on the card; when none runs, all of them are, and the card says nothing changes.
    """
    level = ask.pop("every", None)
    if level is None or ask["route"] not in ("status", "pause_underperformers"):
        return ask
    objs: list[Obj] = kw["objs"]
    by_id = {o.id: o for o in objs}
    holders = [by_id[e["id"]] for e in ask["entities"] if e["id"] in by_id]
    if not holders or any(RANK[h.type] <= RANK[level] for h in holders):
        return ask  # the ads themselves were named (or were left out of their container already)
    ids = {h.id for h in holders}
    inside = [o for o in objs if o.type == level and ids & set(o.ancestors)]
    targets = [o for o in inside if o.raw.get("status") != "PAUSED"] or inside
    if not targets:
        return clarify(f"{' and '.join(h.name for h in holders)} holds no {'ad sets' if level == 'adset' else 'ads'}"
                       "; what should be paused?", entities=ask["entities"])
    match = "fuzzy" if any(e["match"] == "fuzzy" for e in ask["entities"]) else ask["entities"][0]["match"]
    new = {"route": "status", "params": {"to": "PAUSED"}, "entities": [o.ref(match) for o in targets]}
    checked = check_ask(new, targets, objs, account=kw["account"], today=kw["today"], money_currencies=[])
    return {**checked, "text": ask.get("text")}


def _said(part: str, names: dict[str, str]) -> str:
    """Return an ask's words with its names back (what `adpilot ask` would be given again)."""
    return re.sub(r"\s+", " ", re.sub(cues.E, lambda m: names.get(m.group(0), m.group(0)),
                                      part)).strip(" ,.;")


def _move(part: str, move: tuple[str | None, str | None, list[str]], ms: list[Mention],
          mentions: list[Mention], keys: dict[str, int], kw: dict[str, Any]) -> list[dict[str, Any]]:
    """Read "move X from A to B" as A's cut and B's raise (`moves.py`), or the question it needs."""
    src, dst, named = move
    refs = [r for m in ms for r in m.refs()]
    c = Clause(part, find_amounts(part, kw["currency"]), kw["quotes"], kw["currency"], kw["files"])
    amount = moved(c)
    words = {k: mentions[keys[k]].text for k in named if k in keys}
    if question := missing_side(src, dst, words, amount, kw["currency"]):
        return [clarify(question, entities=refs)]
    assert src and dst and amount is not None
    if {m.text for m in ms} - {words.get(src), words.get(dst)}:
        return [clarify("A move takes an amount from one budget and gives it to one other; which "
                        "one gives and which one gets it?", entities=refs)]
    side = {k: [mentions[keys[k]]] if k in keys else [] for k in (src, dst)}
    dst_ask, dst_objs = _ask(part, "budget", "", side[dst], given=side_params(
        amount, source=False, other_id="pending"), **kw)
    if dst_ask["route"] != "budget":
        return [dst_ask]
    src_ask, src_objs = _ask(part, "budget", "", side[src], given=side_params(
        amount, source=True, other_id=dst_objs[0].id), **kw)
    if src_ask["route"] != "budget":
        return [src_ask]
    if len(src_objs) != 1 or len(dst_objs) != 1:
        return [clarify("A move takes an amount from one budget and gives it to one other; "
                        "name one campaign or ad set on each side.", entities=refs)]
    dst_ask["params"]["move_from"] = src_objs[0].id
    return [src_ask, dst_ask]


def _give(part: str, prior: dict[str, Any] | None, ms: list[Mention],
          kw: dict[str, Any]) -> dict[str, Any]:
    """Read "… and give it to B" after a cut on A as the destination of a move from A."""
    refs = [r for m in ms for r in m.refs()]
    ids = [e["id"] for e in (prior or {}).get("entities") or []]
    targets = [o for m in ms if m.resolved for o in m.candidates]
    if prior is None or prior["route"] != "budget" or len(ids) != 1 or len(targets) != 1:
        return clarify("Give how much, from which budget, to which one? Say e.g. 'move $10 a day "
                       "from <name> to <name>'.", entities=refs)
    params = follow_on(prior["params"], ids[0], targets[0].id)
    if params is None:
        return clarify(f"How much of {prior['entities'][0]['name']}'s budget should move? Say an "
                       "amount ('$10 a day') or a percent of its budget ('10%').", entities=refs)
    ask, _objs = _ask(part, "budget", "transfer", ms, given=params, **kw)
    if ask["route"] == "budget":
        prior["params"]["move_to"] = targets[0].id
    return ask


def read_rules(request: str, catalog: list[dict[str, Any]], *, account: str | None,
               today: date) -> Intent:
    """Read `request` with the rules (see the module docstring) into an `Intent`."""
    return careful_reading(request, catalog, account=account, today=today)[0]


SCHEDULED_WHYS = (cues.SCHEDULED_WHY, cues.SCHEDULED_BUDGET_WHY)


def careful_reading(request: str, catalog: list[dict[str, Any]], *, account: str | None,
                    today: date) -> tuple[Intent, list[str]]:
    """Read `request` with the rules; also return the delicate kinds of request it holds.

    Delicate: a request the rules read exactly where an easier reading writes something else
    than asked — an exception, an amount for each object, a later time, a change for a while,
    a condition, pause rules joined by "or" or "and", all the ads of a campaign. With a model
    set, the rules' reading of these wins (`routing.read_request`).
    """
    careful: list[str] = []
    objs = index(catalog)
    reading = blank(request)  # quoted earlier messages, list markers, tickets: no asks in them
    reading, kinds = read_kinds(reading)  # "the video ads in X": X's ads of that format (`kinds.py`)
    mentions = resolve_entities(reading, objs, account=account, protected=_protected(reading))
    if any(m.resolved and not m.partial for m in mentions):  # "a new video on Static - Ridge"
        ends = {m.end for m in mentions  # "spring sale video": the video in Spring Sale, asked
                if m.candidates and all(c.type != "ad" for c in m.candidates)}  # not "UGC - X video"
        mentions = [m for m in mentions if m.resolved or not m.partial or
                    m.text.casefold() not in CREATIVE_WORDS or
                    any(reading[e:m.start].isspace() for e in ends if e < m.start)]
    masked, quotes, keys = _prepare(reading, mentions)
    files = FILE.findall(reading)
    text = cues.CONTAINER_ALL.sub(r"\1 in \2", words_to_digits(to_english(masked.lower())))
    excepted: list[Mention] = []  # "except X", "but keep X running": left out of the change

    def _cut(m: re.Match[str]) -> str:
        excepted.extend(mentions[keys[k]] for k in re.findall(cues.E, m.group(0)) if k in keys)
        return " "

    if re.search(r"\b(?:all|every|everything|each)\b", text):  # "pause everything in X but Y"
        text = ALL_BUT.sub("except ", text)
    text = cues.EXCEPT.sub(_cut, text)
    unread = unread_exception(text)  # "apart from the winners": never done without it
    text, back = taken_back(text)  # "pause X. actually no, pause Y": Y only (`negation.py`)
    text, kept, not_done = negated(text)  # "don't pause X, just cut it by 20%": X cut, not paused
    currency = next((o.currency for o in objs if o.account == account), None) if account else None
    if currency is None:
        currency = next((c.currency for m in mentions if m.resolved for c in m.candidates), None)
    asks: list[dict[str, Any]] = []
    freed_notes: list[str] = []
    prev: list[Mention] = [mentions[keys[k]] for k in kept if k in keys]  # "it" after "don't pause X"
    weak = {k: mentions[i].text.lower() for k, i in keys.items() if mentions[i].partial}
    names = {k: mentions[i].text.lower() for k, i in keys.items()}
    spelled = {k: mentions[i].text for k, i in keys.items()}
    clauses = _clauses(text, currency, files, quotes, weak, names)
    kw: dict[str, Any] = {"objs": objs, "account": account, "today": today, "currency": currency,
                          "quotes": quotes, "files": files, "request": reading,
                          "placeholders": {k: mentions[i] for k, i in keys.items()}}
    careful += ["a target said with no change"] * any(w == "target" for _, _, w in clauses)
    for part, route, why in clauses:
        ms = _entities(part, mentions, keys)
        if not ms and (pron := cues.PRONOUN.search(part)) and prev:
            ms = prev
            if typed := cues.TYPED_PRONOUN.search(pron.group(0)):  # "the campaign": the one named before
                kind = TYPE_WORDS.get(re.sub(r"\s+", " ", typed.group(1).lower()), "")
                ms = [m for m in prev if any(c.type == kind for c in m.candidates)]
        words = _said(part, spelled)
        if route == "budget" and ms and (freed := freed_budget(part, asks[-1] if asks else None, objs)):
            ask, _targets = _ask(part, "budget", "", ms, given=freed[0], **kw)  # "… give its budget to Y"
            asks.append({**ask, "text": words})
            freed_notes.append(freed[1])
            prev = ms
            continue
        if route == "budget" and why != "transfer" and (move := sides(part)) is not None:
            asks += [{**a, "text": words} for a in _move(part, move, ms, mentions, keys, kw)]
            prev = ms or prev
            continue
        if why == "transfer":
            ask = _give(part, asks[-1] if asks else None, ms, kw)
        else:
            ask, _targets = _ask(part, route, why, ms, **kw)
        more, own = ask.pop("more_rules", []), ask.pop("more_budgets", [])
        careful += [ask.pop("careful")] if "careful" in ask else []
        careful += ["an amount for each object"] * bool(own) + ["pause rules joined by 'or'"] * bool(more)
        start = len(asks)  # this clause's asks
        asks.append({**ask, "text": words})
        asks += [{**ask, "params": p, "text": words} for p in more]
        for other in own:  # "… and Y to $40": Y's own card
            targets = other.pop("targets")
            asks.append({**check_ask(other, targets, objs, account=account, today=today,
                                     money_currencies=[]), "text": words})
        temp = cues.TEMPORARY.search(part) if ask["route"] in ("status", "budget") else None
        if temp:
            careful.append("a change for a while ('until …')")
            early = None if cues.NOW.search(part) else cues.weekend_ahead(temp.group(0),
                                                                          kw["today"])
            if early:  # the change itself is days ahead: nothing is made now
                del asks[start:]
            asks.append({"route": "unsupported", "entities": ask["entities"],
                         "params": {"why": early or cues.TEMPORARY_WHY}, "text": words})
        prev = ms or prev
    named = {e["id"] for a in asks for e in a["entities"]}  # "pause X but don't touch Y (in X)"
    excepted += [mentions[keys[k]] for k in kept if k in keys and any(
        named & set(c.ancestors) for c in mentions[keys[k]].candidates)]
    if back and asks[0]["route"] == "clarify" and not asks[0]["entities"]:  # "… sorry i meant 10%"
        asks[0] = clarify(f"adpilot read a correction of \"{_said(back, spelled)}\" but not the whole "
                          "change it makes now; say it again in full.", phrase=_said(back, spelled))
    if excepted:
        careful.append("an exception ('except …', 'but keep … running')")
        asks = [_leave_out(a, excepted, kw) for a in asks]
    careful += ["all the ads (or ad sets) of what it names"] * any(a.get("every") for a in asks)
    asks = apply_kinds([_every_one(a, kw) for a in asks], kinds, kw)
    careful += ["a kind of ad ('the video ads')"] * bool(kinds)
    if unread:
        careful.append("an exception ('except …', 'but keep … running')")
        asks = [clarify(f"adpilot cannot tell what \"{unread}\" leaves out (or when it holds): name the campaigns, ad "
                        "sets or ads to keep, or drop the exception.", entities=a["entities"],
                        phrase=unread) if a["route"] in WRITE_ROUTES_READ else a for a in asks]
    conditions = [a.pop("condition", None) for a in asks]
    careful += ["a change that waits on a condition"] * any(conditions)
    careful += ["a change at a later time"] * any(a["params"].get("why") in SCHEDULED_WHYS for a in asks)
    if conditions[0]:
        asks[0] = clarify(f"This change waits on a condition (\"{conditions[0]}\") that adpilot does "
                          "not check before writing: ask for the numbers first, or say to make the "
                          "change now.", entities=asks[0]["entities"])
    first, also = asks[0], asks[1:]
    budgets = [a for a in asks if a["route"] == "budget"]
    if len(budgets) > 1 and len({tuple(sorted(e["id"] for e in a["entities"])) for a in budgets}) < len(budgets):
        first = clarify("Two budget changes for the same object that contradict each other; which "
                        "one?", entities=budgets[0]["entities"])
        also = []
    also = [{**a, "condition": cond} for a, cond in zip(also, conditions[1:], strict=False)]
    later = [Ask.model_validate(a) for a in also]
    notes = [later_note(a) for a in later] + [n for n in [kinds_note(kinds)] if n] + freed_notes
    notes += [f"Not changed, as asked: \"{_said(n, spelled)}\"." for n in not_done]
    notes += [f"Taken back, not done: \"{_said(back, spelled)}\"." for back in [back] if back]
    careful += ["something it says not to do, or takes back"] * bool(not_done or back)
    if conditional_rules(asks):  # "if any ad set's CPA goes over $50, pause it"
        careful.append("a pause that waits on a metric (the pause rule)")
        notes.append(ONCE_NOTE)
    notes += [f"Read \"{m.text}\" as {', '.join(c.name for c in m.candidates)} (a close name)."
              for m in mentions if m.match == "fuzzy" and m.resolved and not m.qualifier]
    return Intent(request=request, account=account, source="rules", route=first["route"],
                  entities=first["entities"], params=first["params"], text=first.get("text"),
                  also=later, notes=notes), careful


__all__ = ["careful_reading", "read_rules"]
