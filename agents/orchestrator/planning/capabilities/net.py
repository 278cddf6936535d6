"""What a planner dropped: capabilities the brief names that the plan does not carry.

Neither planner is trusted to have read every capability: the LLM may leave a field out, and
the rules planner's readers may not know a phrasing. `named_capabilities` reads the
brief itself (also through the planners' normaliser, so Spanish, French, German and
Portuguese asks count) for the asks issue 15 serves — audiences, exclusions, caps, minimum
ROAS, value optimisation, lead forms, conversations, dynamic creative, Advantage+ audience,
placement exclusions — and `dropped_capabilities` asks about each one the plan leaves out
and nothing else already asks about (kind "not_understood": it could change who sees the
ads, what is spent or what is optimised, so the plan cannot launch until a person answers
or waives it). "The brief says 'cost cap' but the plan has no bid_strategy" is the model. Both planners run
it last, on the brief as written and as the normaliser reads it.

`served_unsupported` drops the unsupported-ask recogniser's questions (shared with the rules
planner) for asks the plan now serves, and keeps every other one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from agents.orchestrator.planning import GOAL, SPEND, WHO, Question

Plan = dict[str, Any]


def _sets(plan: Plan) -> list[dict[str, Any]]:
    return [s for s in plan.get("ad_sets") or [] if isinstance(s, dict)]


def _kinds(plan: Plan) -> set[str]:
    return {str(a.get("kind")) for a in plan.get("audiences") or [] if isinstance(a, dict)}


def _targeting_has(plan: Plan, key: str) -> bool:
    return any((s.get("targeting") or {}).get(key) for s in _sets(plan))


def _any_set(plan: Plan, key: str, values: Iterable[Any]) -> bool:
    wanted = set(values)
    return any(s.get(key) in wanted for s in _sets(plan))


def _existing_ref(plan: Plan) -> bool:
    return any("key" not in r for s in _sets(plan)
               for r in (s.get("targeting") or {}).get("custom_audiences") or [])


def _excludes_network(plan: Plan) -> bool:
    return all((s.get("targeting") or {}).get("publisher_platforms") and "audience_network" not in
               s["targeting"]["publisher_platforms"] for s in _sets(plan)) and bool(_sets(plan))


@dataclass(frozen=True)
class Capability:
    """An ask the brief can name, the plan field that serves it, and how to tell it is served."""

    name: str
    field: str
    affects: str
    pattern: re.Pattern[str]
    served: Callable[[Plan], bool]


def _cap(name: str, fld: str, affects: str, pattern: str, served: Callable[[Plan], bool]
         ) -> Capability:
    return Capability(name, fld, affects, re.compile(pattern, re.I), served)


_WEB = r"(?:site|website|web\s*site|store|shop|page)"
CAPABILITIES: tuple[Capability, ...] = (
    _cap("retargeting (a custom audience)", "audiences", WHO, r"\bre-?target\w*|\bre-?market\w*",
         lambda p: _targeting_has(p, "custom_audiences")),
    _cap("a website audience", "audiences", WHO,
         rf"\b{_WEB}\s+visitors\b|\bvisited\s+(?:our|the)\s+{_WEB}|"
         r"\b(?:cart|basket|checkout)\s+abandon\w*|\babandon\w*\s+(?:the\s+)?(?:cart|basket|"
         r"checkout)|\bpeople\s+who\s+(?:visited|viewed|browsed|added|abandoned|started)\b",
         lambda p: "website" in _kinds(p) or _existing_ref(p)),
    _cap("a customer-list audience", "audiences", WHO,
         r"\b(?:customer|client|email|e-mail|crm|subscriber|mailing)\s+lists?\b|"
         r"\b[\w.-]+\.csv\b",
         lambda p: "customer_list" in _kinds(p) or _existing_ref(p)),
    _cap("a lookalike audience", "audiences", WHO,
         r"\blook[- ]?a[- ]?likes?\b|\blals?\b|\bsimilar\s+audiences?\b",
         lambda p: "lookalike" in _kinds(p) or _existing_ref(p)),
    _cap("an engagement audience", "audiences", WHO,
         r"\bengag(?:ed|ers?)\s+with\b|\bengagers\b|\bvideo\s+viewers\b|"
         r"\bwatched\b[^.\n]{0,40}\bvideo\b|\bpeople\s+who\s+(?:engaged|interacted|watched)\b",
         lambda p: "engagement" in _kinds(p) or _existing_ref(p)),
    _cap("excluding an audience", "excluded_custom_audiences", WHO,
         r"\b(?:exclud\w*|leave\s+out|keep\s+out|not\s+to|minus)\s+(?:\w+\s+){0,3}?(?:customers|"
         r"buyers|purchasers|subscribers|members|converters)\b|\balready\s+(?:bought|purchased|"
         r"ordered|subscribed|booked)\b|\bdid\s*n[o']?t\s+(?:buy|purchase|book|convert)\b",
         lambda p: _targeting_has(p, "excluded_custom_audiences")),
    _cap("a cost cap", "bid_strategy", SPEND,
         r"\bcost[- ]caps?\b|\bcost\s+control\b|\bcpa\s+cap\b|\bkostenobergrenze\b",
         lambda p: _any_set(p, "bid_strategy", ["COST_CAP"])),
    _cap("a bid cap", "bid_strategy", SPEND,
         r"\bbid[- ]caps?\b|\bmax(?:imum)?\s+bids?\b|\bmanual\s+bid\w*",
         lambda p: _any_set(p, "bid_strategy", ["LOWEST_COST_WITH_BID_CAP"])),
    _cap("minimum-ROAS bidding", "bid_strategy", SPEND,
         r"\b(?:min(?:imum)?|floor)\s+(?:of\s+)?roas\b|\broas\s+(?:floor|minimum|goal)\b|"
         r"\b(?:roas|return\s+on\s+ad\s+spend)\b[^;\n]{0,60}?\b(?:make|set|use|treat)\s+(?:that|this|it)\s+"
         r"(?:as\s+)?(?:the|a|our)\s+(?:hard\s+)?floor\b|\b(?:roas|return\s+on\s+ad\s+spend)\s+as\s+"
         r"(?:the|a)\s+(?:hard\s+)?floor\b",
         lambda p: _any_set(p, "bid_strategy", ["LOWEST_COST_WITH_MIN_ROAS"])),
    _cap("value optimisation", "optimization_goal", GOAL,
         r"\boptimi[sz]\w*\s+(?:it\s+)?(?:for\s+)?(?:(?:purchase|conversion)\s+)?value\b|"
         r"\bvalue\s+optimi[sz]ation\b|\bhighest\s+value\b",
         lambda p: _any_set(p, "optimization_goal", ["VALUE"])),
    _cap("an instant lead form", "destination_type", GOAL,
         r"\b(?:instant|lead|native|pop[- ]?up)\s+forms?\b|\blead\s+ads?\b|\bformulario\b",
         lambda p: _any_set(p, "destination_type", ["ON_AD"])),
    _cap("a WhatsApp destination", "destination_type", GOAL, r"\bwhats\s?app\b",
         lambda p: any("WHATSAPP" in str(s.get("destination_type")) for s in _sets(p))),
    _cap("a Messenger destination", "destination_type", GOAL,
         r"\bclick[- ]to[- ]messenger\b|\b(?:chat|message|dm|talk)\w*\s+(?:with\s+)?(?:us\s+)?"
         r"(?:on|via|in|through)\s+messenger\b|\bmessenger\s+(?:chats?|conversations?|messages?)\b",
         lambda p: any("MESSENGER" in str(s.get("destination_type")) for s in _sets(p))),
    _cap("an Instagram Direct destination", "destination_type", GOAL,
         r"\b(?:instagram|ig|insta)\s+(?:dms?|direct)\b|\bdms?\s+(?:us\s+)?(?:on|via|in)\s+"
         r"(?:instagram|ig|insta)\b",
         lambda p: any("INSTAGRAM_DIRECT" in str(s.get("destination_type")) for s in _sets(p))),
    _cap("dynamic creative", "is_dynamic_creative", GOAL,
         r"\bdynamic\s+creative\b|\bdct\b|\blet\s+meta\s+mix\b",
         lambda p: any(s.get("is_dynamic_creative") for s in _sets(p))),
    _cap("Advantage+ audience", "targeting_automation", WHO,
         r"\badvantage\s*(?:\+|plus)?\s+audiences?\b|\blet\s+(?:meta|facebook|fb|instagram|the\s+"
         r"(?:algorithm|algo|system|ai)|meta'?s\s+\w+)\s+(?:(?:expand|broaden|widen)\s+(?:the\s+|our\s+)?"
         r"(?:audience|targeting|reach)|go\s+(?:wider|broad)|(?:find|decide|pick|choose)\s+(?:the\s+|"
         r"our\s+)?(?:right\s+|best\s+|new\s+)?(?:people|audiences?|buyers|customers|who))\b|"
         r"\b(?:turn\s+on|enable|allow)\s+(?:audience|targeting)\s+expansion\b",
         lambda p: _targeting_has(p, "targeting_automation")),
    _cap("leaving out the Audience Network", "publisher_platforms", WHO,
         r"\b(?:no|not\s+on|without|exclud\w*|except)\s+(?:the\s+)?audience\s+network\b|"
         r"\baudience\s+network\b[^.\n]{0,20}\b(?:off|excluded)\b",
         _excludes_network),
)


# "no instant form", "not a lookalike", "don't use a cost cap": the brief refuses it, asks nothing.
REFUSED_BEFORE = re.compile(r"\b(?:no|not|never|without|instead\s+of|rather\s+than|don'?t\s+"
                            r"(?:use|want))\s+(?:an?\s+|any\s+|the\s+)?$", re.I)


def named_capabilities(texts: Iterable[str]) -> list[tuple[Capability, str]]:
    """Each capability the texts name, with the first phrase that names it (not refused)."""
    out: list[tuple[Capability, str]] = []
    for cap in CAPABILITIES:
        for text in texts:
            asks = [m for m in cap.pattern.finditer(text)
                    if not REFUSED_BEFORE.search(text, max(0, m.start() - 30), m.start())]
            if asks:
                out.append((cap, asks[0].group(0).strip()))
                break
    return out


def _asked(cap: Capability, phrase: str, questions: Iterable[Question | dict[str, Any]]
           ) -> bool:
    """Something already stops the plan for this ask: its field, or its words."""
    p = phrase.lower()
    for q in questions:
        fld, said, quoted = ((q.field, q.question, q.phrase) if isinstance(q, Question) else
                             (str(q.get("field", "")), str(q.get("question", "")),
                              str(q.get("phrase", ""))))
        words = f"{quoted} {said}".lower()
        if cap.field in fld or (quoted and (quoted.lower() in p or p in words)):
            return True
    return False


def dropped_capabilities(texts: Iterable[str], plan: Plan,
                         questions: Iterable[Question | dict[str, Any]], *,
                         who: str = "the model") -> list[Question]:
    """Questions for the capabilities the brief names but the plan does not carry.

    `who` names the planner that left it out in the question ("the model", "the planner").
    """
    out: list[Question] = []
    for cap, phrase in named_capabilities(list(texts)):
        if cap.served(plan) or _asked(cap, phrase, [*questions, *out]):
            continue
        out.append(Question(
            f"ad_sets[0].{cap.field}" if cap.field not in ("audiences",) else "audiences",
            f"The brief asks for {cap.name} ('{phrase}') but the plan has none: {who} left it "
            f"out. Say what it should be, or waive it to launch without it.",
            kind="not_understood", phrase=phrase, affects=cap.affects))
    return out


def served_unsupported(recognised: list[Question], plan: Plan) -> list[Question]:
    """Return the recogniser's unsupported asks, minus those naming a capability the plan serves."""
    kept = []
    for q in recognised:
        named = named_capabilities([q.phrase])
        if named and all(cap.served(plan) for cap, _ in named):
            continue
        kept.append(q)
    return kept


__all__ = ["CAPABILITIES", "Capability", "dropped_capabilities", "named_capabilities",
           "served_unsupported"]
