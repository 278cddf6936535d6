"""The parameters one ask states, per route (evals/README.md "Params per route").

Every reader takes a `Clause`: the ask's text in lower-case English with names as `⟨eN⟩`, its
numbers (`amounts.find_amounts`), its quoted copy and the account's currency. Params hold what
the request says, never the defaults adpilot applies afterwards; money is in minor units of
the currency it is written in (the account's when none is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agents.orchestrator.routing.amounts import Amount, find_factor
from agents.orchestrator.routing.dates import read_dates
from agents.orchestrator.routing.lexicon import (
    BREAKDOWN_RES,
    COST_METRICS,
    METRIC_RES,
    MONEY_METRICS,
)


@dataclass
class Clause:
    """One ask of the request as the readers see it."""

    text: str  # lower-case English, names as ⟨eN⟩, quoted copy as ⟨qN⟩
    amounts: list[Amount]
    quotes: list[str] = field(default_factory=list)
    currency: str | None = None  # the account's
    files: list[str] = field(default_factory=list)


OPS = [(">=", r"at\s+least|minimum(?:\s+of)?|min\.?|>=|≥|no\s+less\s+than"),
       ("<=", r"at\s+most|max(?:imum)?(?:\s+of)?|<=|≤|no\s+more\s+than"),
       (">", r"over|above|more\s+than|greater\s+than|higher\s+than|exceeds?|exceeding|beyond|"
             r"north\s+of|>|past|goes\s+over|gets\s+above|tops"),
       ("<", r"under|below|less\s+than|lower\s+than|beneath|<|drops\s+below|falls\s+below|"
             r"south\s+of")]
OP_RES = [(op, re.compile(rf"(?:{p})\s*(?:of\s+|a\s+)?$", re.I)) for op, p in OPS]
ZERO_RESULTS = re.compile(r"\b(?:zero|no|0|without\s+(?:any|a\s+single|a|one|1|even\s+one))\s+(?:purchases?|sales?|"
                          r"conversions?|results?|leads?|sign-?ups|orders)\b|"
                          r"(?:n['’]t|\bnot|\bnever)\s+(?:\S+\s+){0,3}?(?:a\s+single|any|one|1|"
                          r"even\s+one)\s+(?:purchase|sale|conversion|result|lead|sign-?up|order)s?\b",
                          re.I)
PERIOD_AFTER = re.compile(r"\s*(?:days?|d|weeks?|wks?|hours?|hrs?|h|months?)\b", re.I)
SPEND_WORD = re.compile(r"\b(?:spent|spend|spending|spends)\b", re.I)
DAYS_AFTER = re.compile(r"\bafter\s+(?:(\d+)\s+days?|(a|one|\d+)\s+weeks?)\b(?:\s+of\s+delivery)?|"
                        r"\b(?:at\s+least|min(?:imum)?)\s+(\d+)\s+days\b|\bafter\s+(\d+)d\b", re.I)


def metrics_in(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, metric) of every metric phrase, without overlaps, in text order."""
    found = [(m.start(), m.end(), metric) for metric, pat in METRIC_RES for m in pat.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    for s, e, metric in sorted(found, key=lambda f: f[0] - f[1]):  # the longest phrase wins
        if not any(s < e2 and s2 < e for s2, e2, _ in spans):
            spans.append((s, e, metric))
    return sorted(spans)


def metric_list(text: str) -> list[str]:
    """Return the metrics a text names, once each, in order."""
    return list(dict.fromkeys(m for _, _, m in metrics_in(text)))


def _metric_for(text: str, a: Amount) -> tuple[str | None, str | None]:
    """Return (metric, op) a number is compared with: "CPA over $40" → ("cpa", ">")."""
    before = text[max(0, a.start - 45):a.start]
    op = next((o for o, pat in OP_RES if pat.search(before.rstrip(" $€£:=")) or
               pat.search(before)), None)
    if op is None and re.search(r"(?:=|:|is|of|at)\s*[$€£]?\s*$", before):
        op = None
    near = [m for m in metrics_in(text) if m[1] <= a.start and a.start - m[1] <= 40]
    after = [m for m in metrics_in(text) if m[0] >= a.end and m[0] - a.end <= 12]
    metric = near[-1][2] if near else (after[0][2] if after else None)
    if after and after[0][0] - a.end <= 3 and text[after[0][0]:].startswith(("per ", "a ", "each ",
                                                                              "every ")):
        metric = after[0][2]  # "$45 per purchase", "30 bucks a lead": the unit with the number wins
    # "$80 spent", "$60 to spend", "spent at least $80" — not "$2.50 that spent $50" (a CPC)
    if re.match(rf"\s*(?:(?:of|in|to|worth\s+of)\s+(?:ad\s+)?)?{SPEND_WORD.pattern}", text[a.end:a.end + 16], re.I) \
            or SPEND_WORD.search(before[-25:]):
        metric = "spend"
    return metric, op


def ratio_amount(text: str, a: Amount) -> bool:
    """Tell whether a number with no currency is a ratio metric's ("ROAS … below 2.5"): no money."""
    if a.explicit or a.percent or a.times:  # "30% once its frequency tops 4": a change
        return False
    metric = _metric_for(text, a)[0]
    return metric is not None and metric not in MONEY_METRICS and metric != "spend"


def _money_value(metric: str, a: Amount) -> float:
    if metric in MONEY_METRICS:
        return float(a.minor())
    return float(a.value)


def thresholds(c: Clause) -> tuple[list[dict[str, Any]], int | None, str | None]:
    """Return (metric thresholds, the minimum spend in minor units, its currency)."""
    out: list[dict[str, Any]] = []
    min_spend, cur = None, None
    for a in c.amounts:
        if not a.explicit and not a.percent and PERIOD_AFTER.match(c.text[a.end:]):
            continue  # "over the past 14 days": a period, not a threshold
        metric, op = _metric_for(c.text, a)
        if metric == "spend":
            min_spend, cur = a.minor(), a.currency
            continue
        if metric is None or (op is None and not a.percent and metric != "roas"):
            continue
        t: dict[str, Any] = {"metric": metric, "op": op or ">", "threshold": _money_value(metric, a)}
        if metric in MONEY_METRICS:
            t["currency"] = a.currency
        out.append(t)
    if ZERO_RESULTS.search(c.text):
        out.insert(0, {"metric": "results", "op": "==", "threshold": 0.0})
    return out, min_spend, cur


def min_days(text: str) -> int | None:
    """Return "after 3 days" / "after a week of delivery" as days."""
    m = DAYS_AFTER.search(text)
    if not m:
        return None
    if m.group(1) or m.group(3) or m.group(4):
        return int(m.group(1) or m.group(3) or m.group(4))
    n = m.group(2)
    return 7 * (1 if n in ("a", "one") else int(n))


KIND_WORD = re.compile(r"\b(?:(ad\s*sets?|adsets?)|ads?)\b(?!\s*(?:⟨e|\d{6}))", re.I)


def pause_level(text: str) -> str:
    """Return what gets paused: the first kind of object said that is not a name's label.

    "pause the ads under adset X" pauses ads (the "adset" labels X, the container);
    "X's ad sets with ROAS under 2" pauses ad sets; nothing said is ads.
    """
    m = KIND_WORD.search(text)
    return "adset" if m and m.group(1) else "ad"


def pause_params(c: Clause) -> dict[str, Any]:
    """Params of `pause_underperformers`."""
    found, spend, spend_cur = thresholds(c)
    p: dict[str, Any] = {"metric": None, "op": None, "threshold": None, "currency": None,
                         "min_spend_minor": spend, "min_days": min_days(c.text),
                         "level": pause_level(c.text)}
    if found:
        t = found[0]
        p.update(metric=t["metric"], op=t["op"], threshold=t["threshold"],
                 currency=t.get("currency"))
    if p["currency"] is None and spend is not None:
        p["currency"] = spend_cur
    return p


# --- questions ----------------------------------------------------------------------------

RANK = re.compile(r"\b(?:(\d+)\s+)?(top|best|bottom|worst|highest|lowest|most|least|cheapest|"
                  r"priciest|strongest|weakest|lowest-performing|poorest)\b(?!\s+(?:end|line|of\s+"
                  r"(?:the\s+)?funnel))(?:\s+(\d+))?", re.I)
WHICH_N = re.compile(r"\b(?:which|what)\s+(\d+)\b", re.I)
SINGULAR = re.compile(r"\b(?:which|what|the)\s+(?:one\s+)?(?:ad\s*set|adset|ad|campaign)\b(?!s)", re.I)
LEVELS = [("adset", r"\bad\s*sets?\b|\badsets?\b"), ("ad", r"\bads\b|\bad\b(?!\s*⟨)|\bcreatives?\b"),
          ("campaign", r"\bcampaigns\b"), ("account", r"\b(?:account|in\s+total|overall|"
                                                       r"altogether|all\s+campaigns)\b")]


def _rank(text: str, metrics: list[str]) -> dict[str, Any] | None:
    m = RANK.search(text)
    if not m:
        return None
    word = m.group(2).lower()
    word = {"lowest-performing": "weakest", "poorest": "weakest"}.get(word, word)
    by_m = re.search(r"\bby\s+(\w+(?:\s+\w+){0,3})", text[m.end():])
    by = metric_list(by_m.group(1))[:1] if by_m else []
    after = metric_list(text[m.end():m.end() + 40])
    pool = by or after or metrics
    if not pool:
        return None
    metric = pool[0]
    cost = metric in COST_METRICS
    order = {"top": "desc", "highest": "desc", "most": "desc", "priciest": "desc",
             "bottom": "asc", "lowest": "asc", "least": "asc", "cheapest": "asc",
             "best": "asc" if cost else "desc", "strongest": "asc" if cost else "desc",
             "worst": "desc" if cost else "asc", "weakest": "desc" if cost else "asc"}[word]
    count = m.group(3) or m.group(1)
    n: int | None = int(count) if count else None
    if n is None and (w := WHICH_N.search(text)):
        n = int(w.group(1))
    if n is None and SINGULAR.search(text):
        n = 1
    return {"by": metric, "order": order, "n": n}


def question_params(c: Clause, today: date, entity_type: str | None, filtering: bool
                    ) -> dict[str, Any]:
    """Params of a `question`."""
    text = c.text
    outside = re.sub(r"⟨[eq][a-z]+⟩", " ", text)
    metrics = metric_list(outside)
    p: dict[str, Any] = {"level": entity_type or "campaign", "breakdown": None,
                         "compare_previous": False, "rank": None}
    if metrics:
        p["metrics"] = metrics
    for level, pat in LEVELS:
        if re.search(pat, outside, re.I) and (level != "account" or entity_type is None):
            p["level"] = level
            break
    breakdown = [b for b, pat in BREAKDOWN_RES if pat.search(outside)]
    p["breakdown"] = breakdown or None
    dates, compare = read_dates(outside, today)
    if dates:
        p["date_range"] = dates
    p["compare_previous"] = compare
    p["rank"] = _rank(outside, metrics)
    if filtering:
        found, spend, cur = thresholds(c)
        if spend is not None:
            found.append({"metric": "spend", "op": ">", "threshold": float(spend), "currency": cur})
        if found:
            p["filter"] = found
            if not metrics:
                p["metrics"] = [t["metric"] for t in found]
    return p


# --- budgets, tests, watching -------------------------------------------------------------

DAILY = re.compile(r"\b(?:a|per|each)\s+day\b|/\s*d(?:ay)?\b|\bdaily\b|\bpd\b|\bday\b", re.I)
LIFETIME = re.compile(r"\blifetime\b|\btotal\b|\boverall\b|\bin\s+total\b|\bwhole\s+run\b", re.I)
DOWN = re.compile(r"\b(?:cut|lower|lowering|reduce|reducing|decrease|drop|trim|slash|take|"
                  r"remove|less|down|minus)\b", re.I)
DELTA = re.compile(r"\bby\b|\badd\b|\banother\b|\bextra\b|\bmore\b|\btake\b|\boff\b|\bless\b|"
                   r"\bremove\b", re.I)


DURATION = re.compile(r"\s*(?:more\s+|extra\s+)?(?:days?|weeks?|wks?|hours?|hrs?|months?|nights?)\b", re.I)
PER_OTHER = re.compile(r"\s*(?:a|per|each|every|/|an?\s+)?\s*(week|wk|weekly|month|mo|monthly)\b", re.I)
ARROW = re.compile(r"\s*(?:→|⟶|->|-->|=>|—>|–>|>)\s*")  # "150 -> 200": from the first to the second
GIVEN = re.compile(r"\b(?:give|giving|send|sending|throw|pour|funnel)\s+(?:an?\s+)?(?:extra\s+)?$", re.I)
GIVEN_TO = re.compile(r"\s*(?:(?:a|per)\s+day|/\s*d(?:ay)?|daily)?\s*(?:more\s+|extra\s+)?(?:to|into|"
                      r"towards?|over\s+to)\b", re.I)


def budget_params(c: Clause) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Return (`budget` params or None when no change is stated, every change stated)."""
    changes: list[dict[str, Any]] = []
    down = bool(DOWN.search(c.text))
    period = None
    for i, a in enumerate(c.amounts):
        if i + 1 < len(c.amounts) and not c.amounts[i + 1].percent and (
                re.search(r"\bfrom\s*$", c.text[max(0, a.start - 8):a.start]) or
                ARROW.fullmatch(c.text[a.end:c.amounts[i + 1].start])):
            continue  # "from 50 → 65", "150 -> 200": the amount it has now, not a change
        if not a.explicit and not a.percent and DURATION.match(c.text[a.end:]):
            continue  # "for the next 3 days": a time, not an amount
        if a.times:
            changes.append({"factor": a.value})
            continue
        if a.percent:
            pct = a.value if a.value < 0 or re.search(r"\+\s?$", c.text[:a.start]) else \
                (-a.value if down else a.value)
            changes.append({"pct": pct})
            continue
        before = c.text[max(0, a.start - 30):a.start]
        after = c.text[a.end:a.end + 25]
        given = GIVEN.search(before) and GIVEN_TO.match(after)  # "give $10 to X": X gets $10 more
        if not given and (re.search(r"\bto\s*$|→\s*$|->\s*$|\bat\s*$|\bon\s*$|:\s*$|=\s*$", before) or
                          not DELTA.search(before + " " + after[:12])):
            changes.append({"to_minor": a.minor()})
        else:
            sign = -1 if re.search(r"\b(?:take|off|less|remove|cut|lower|reduce|decrease|trim)\b",
                                   before + " " + after[:12]) or a.value < 0 else 1
            changes.append({"delta_minor": sign * abs(a.minor())})
        if per := PER_OTHER.match(after):  # "$200 a week": no budget period Meta has
            changes[-1]["per"] = "week" if per.group(1).lower().startswith("w") else "month"
        elif DAILY.match(after.strip()) or DAILY.search(after[:10]):
            period = "daily"
        elif LIFETIME.search(before + " " + after):
            period = "lifetime"
        changes[-1]["currency"] = a.currency
    factor = find_factor(c.text)
    if factor is not None and not any("factor" in ch for ch in changes):
        changes.insert(0, {"factor": factor})
    if period is None and LIFETIME.search(c.text):
        period = "lifetime"
    if period is None and re.search(r"\bdaily\b|\ba\s+day\b|\bper\s+day\b", c.text):
        period = "daily"
    if not changes:
        return None, []
    first = dict(changes[0])
    currency = first.pop("currency", None)
    per = first.pop("per", None)
    p: dict[str, Any] = {"change": first, "period": period}
    if per:
        p["per"] = per  # the caller asks: adpilot sets daily or lifetime budgets
    if currency and ("to_minor" in first or "delta_minor" in first):
        p["currency"] = currency
    return p, changes


def adopt_params(c: Clause) -> dict[str, Any]:
    """Params of `adopt`: the targets the request gives."""
    p: dict[str, Any] = {"target_cpa_minor": None, "target_roas": None}
    for a in c.amounts:
        if a.percent:
            continue
        metric, _op = _metric_for(c.text, a)
        after = metrics_in(c.text[a.end:a.end + 15])
        if (metric == "roas" or a.times) and p["target_roas"] is None:
            p["target_roas"] = a.value
        elif (metric == "cpa" or (after and after[0][2] == "cpa") or
              (metric is None and re.search(r"\btarget|\bgoal|\baim", c.text))) \
                and p["target_cpa_minor"] is None:
            p["target_cpa_minor"], p["currency"] = a.minor(), a.currency
    return p


__all__ = ["Clause", "adopt_params", "budget_params", "metric_list", "pause_level", "pause_params",
           "question_params", "ratio_amount", "thresholds"]
