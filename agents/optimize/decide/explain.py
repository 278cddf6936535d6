"""Why a budget moves, in plain words and the account's money (pure; used by reallocation).

A marketer checks a budget move against two numbers: the target and the ad set's average cost
per result. Money goes by the *marginal* cost — what the next unit of budget buys — because
extra money buys dearer impressions (`response_elasticity` e: the marginal cost is the average
divided by e, the marginal return the average ROAS times e). So every move says both:

- a raise: "its marginal cost per purchase is about USD 52 (2× its estimated average of
  USD 26; USD 24 as counted over the last week: extra money buys dearer results), lower than
  about USD 80 in the ad sets the money comes from: the same total budget buys more
  purchases" — estimates are the posterior means the decision used, so the comparison the
  card states is the one made; the counted average is the figure a person can check;
- a raise for an ad set whose average is *above* the target opens with that fact and then
  gives the marginal-cost reason — the money is spent either way, and here it buys more
  (`above_target`); without that reason (`marginal_edge` False) the raise is not made;
- a cut: its marginal cost against the ad sets the money goes to.

`MoveFacts` carries the numbers into the action's evidence (`average_cost_minor`,
`marginal_cost_minor`, `others_marginal_cost_minor`, or the ROAS pair for value goals).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from state.rules import currency_offset, format_money

RESULT_WORDS = {
    "conversions": ("conversion", "conversions"),
    "conversion_value": ("unit of purchase value", "purchase value"),
    "link_clicks": ("link click", "link clicks"),
    "estimated_ad_recallers": ("ad recaller", "ad recallers"),
    "impressions": ("impression", "impressions"),
}


@dataclass(frozen=True)
class MoveFacts:
    """One ad set's value per unit of spend (posterior mean) and the others' it trades with."""

    rate: float  # KPI per minor unit at the current budget (average; posterior mean)
    others_rate: float  # the same for the ad sets on the other side of the move
    elasticity: float
    p_direction: float  # probability behind the move's direction (recent days, `memory`)
    p_long: float  # the same on the whole window
    seen: float | None = None  # `rate` as counted (the card shows what a person can check)
    others_seen: float | None = None
    # The other side of a clear move elsewhere: `p_direction` is P(above / below the
    # campaign's average), and the move follows that one (`hysteresis.directions`).
    other_side: bool = False

    @property
    def shown(self) -> tuple[float, float]:
        """(average, others' average) as shown: as counted when known, else posterior means.

        Marginal figures are always the posterior means' (estimates: "about"), so the
        comparison a card states is the one the decision made.
        """
        return (self.rate if self.seen is None else self.seen,
                self.others_rate if self.others_seen is None else self.others_seen)


def results_word(kpi: str, plural: bool = False) -> str:
    """'conversion' / 'conversions' (and so on) for the KPI."""
    one, many = RESULT_WORDS.get(kpi, ("result", "results"))
    return many if plural else one


def _cost(rate: float) -> int | None:
    return int(round(1.0 / rate)) if rate > 0 else None


def above_target(rate: float, evidence: Mapping[str, Any]) -> bool:
    """Say whether the ad set's average misses the plan's target (cost above, ROAS below)."""
    if evidence.get("kpi") == "conversion_value":
        roas = float(evidence.get("target_roas") or 0)
        return roas > 0 and rate < roas
    cpa = float(evidence.get("target_cpa_minor") or 0)
    return cpa > 0 and (rate <= 0 or 1.0 / rate > cpa)


def marginal_edge(facts: MoveFacts) -> bool:
    """Say whether a raise's marginal value beats that of the ad sets it takes money from."""
    return facts.rate > facts.others_rate


def move_evidence(facts: MoveFacts, evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Return the numbers behind a move for the action's evidence (minor units, ROAS ratios)."""
    e = facts.elasticity
    rate, _ = facts.shown
    if evidence.get("kpi") == "conversion_value":
        return {
            "average_roas": round(rate, 3),
            "marginal_roas": round(facts.rate * e, 3),
            "others_marginal_roas": round(facts.others_rate * e, 3),
            "p_direction": round(facts.p_direction, 3),
            "p_direction_window": round(facts.p_long, 3),
        }
    return {
        "average_cost_minor": _cost(rate),
        "marginal_cost_minor": _cost(facts.rate * e),
        "others_marginal_cost_minor": _cost(facts.others_rate * e),
        "p_direction": round(facts.p_direction, 3),
        "p_direction_window": round(facts.p_long, 3),
    }


def move_reason(facts: MoveFacts, up: bool, evidence: Mapping[str, Any]) -> str:
    """Return the sentence a card shows for a budget move (see the module docstring)."""
    sure = (f"{facts.p_direction:.0%} probability on its recent days, {facts.p_long:.0%} on "
            "the whole window")
    if facts.other_side:
        sure = (f"{facts.p_direction:.0%} probability it does {'better' if up else 'worse'} "
                "than the campaign's average on its recent days; it "
                + ("takes the money a clearly worse ad set gives up" if up
                   else "gives money to a clearly better ad set"))
    kpi = str(evidence.get("kpi") or "conversions")
    text = marginal_text(facts, up, evidence)
    if text is None:
        return f"no {results_word(kpi, True)} at its current budget ({sure})"
    if kpi == "conversion_value":
        return f"{text} ({sure})"
    return f"{text}: the same total budget buys more {results_word(kpi, True)} ({sure})"


UNSPENT = "a paused ad set's, or one that cannot spend its budget"


def marginal_text(facts: MoveFacts, up: bool, evidence: Mapping[str, Any],
                  unspent: str = UNSPENT) -> str | None:
    """Say what the move's money buys here and where it comes from (None: no results yet).

    `unspent` names the money a raise takes when nothing on the other side gives it up.
    """
    currency = str(evidence.get("currency") or "USD")
    kpi = str(evidence.get("kpi") or "conversions")
    e = facts.elasticity
    rate, _ = facts.shown
    others_rate = facts.others_rate
    other_side = "the ad sets the money comes from" if up else "the ad sets the money goes to"
    if kpi == "conversion_value":
        mine, theirs = facts.rate * e, others_rate * e
        head = ""
        target = float(evidence.get("target_roas") or 0)
        if up and above_target(rate, evidence):
            head = (f"its ROAS as counted over the last week ({rate:.2f}) is under the "
                    f"{target:.2f} target, but ")
        text = (f"{head}each extra {format_money(currency_offset(currency), currency)} of "
                f"budget brings back about {mine:.2f} here (marginal ROAS: {e:g}× its "
                f"estimated average of {facts.rate:.2f}; {rate:.2f} as counted over the last "
                f"week)")
        if up and others_rate <= 0:
            return f"{text}, with money that would otherwise go unspent ({unspent})"
        return f"{text}, against {theirs:.2f} in {other_side}"
    word = results_word(kpi)
    avg, estimate, marginal = _cost(rate), _cost(facts.rate), _cost(facts.rate * e)
    others = _cost(others_rate * e)
    if avg is None or marginal is None or estimate is None:
        return None
    head = ""
    target = int(evidence.get("target_cpa_minor") or 0)
    if up and above_target(rate, evidence):
        head = (f"its cost per {word} as counted over the last week "
                f"({format_money(avg, currency)}) is above the {format_money(target, currency)} "
                "target, but ")
    cmp = "lower" if up else "higher"
    text = (f"{head}its marginal cost per {word} is about {format_money(marginal, currency)} "
            f"({1 / e:g}× its estimated average of {format_money(estimate, currency)} under "
            f"adpilot's response model; "
            f"{format_money(avg, currency)} as counted over the last week: extra money buys "
            "dearer results)")
    if estimate and (avg > 1.5 * estimate or estimate > 1.5 * avg):
        text += (" — the estimate leans on its clicks at the campaign's conversion rate while "
                 f"its own {results_word(kpi, True)} are still few")
    if up and others_rate <= 0:
        text += f", with money that would otherwise go unspent ({unspent})"
    elif others is not None:
        text += f", {cmp} than about {format_money(others, currency)} in {other_side}"
    return text


def spend_cut_reason(reason: str, facts: MoveFacts, why: str) -> str:
    """Say why a budget comes down toward what the ad set can spend.

    The spend says why; the value comparison is added only when it points the same way (a
    cut of an ad set that does well must not read as a judgement of it).
    """
    why = why.rstrip("; ")
    if facts.p_direction >= 0.5:
        return f"{why}; {reason}"
    return (f"{why}: the budget comes down toward what it spends, so it buys what it bought, "
            "and the budget it cannot use is freed for ad sets that can spend it (this cut is "
            "about what it can spend, not how well it does)")
