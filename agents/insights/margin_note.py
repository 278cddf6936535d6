"""Why adpilot cut the ad set the report calls the best: the average against the margin.

The "which is winning" chart and the summary rank ad sets by their AVERAGE cost per result
over the whole report (or average ROAS). The optimise loop moves budget by the MARGINAL cost —
what the next money would buy, extra money buying dearer results — judged on its recent days
(`agents.optimize.decide.explain`, `agents.optimize.decide.memory`). The two can disagree: the ad set with the lowest average
can be the one whose extra spend buys the dearest results, and the loop cuts it. A marketer
who reads "18-24 is 83% likely to be the best" beside a cut to 18-24's budget asks why;
`margin_note` answers in words with the figures the loop's decision recorded in its evidence
(`average_cost_minor`, `marginal_cost_minor`, `others_marginal_cost_minor`; for value goals
`marginal_roas`, `others_marginal_roas`), and says nothing when the two agree (the leader's
last budget move was no cut, or there was none).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from agents.insights.timeline import applied, daily_budget
from agents.optimize.decide.stats import KPI_FIELDS
from state.provenance import display_name
from state.rules import currency_offset, format_money


def _moved(a: Mapping[str, Any]) -> int:
    """+1 for a budget raise, -1 for a cut, 0 otherwise."""
    before, after = daily_budget(a, "before"), daily_budget(a, "after")
    if a.get("name") != "set_adset_budget" or before is None or after is None:
        return 0
    return (after > before) - (after < before)


def last_cut(actions: list[Mapping[str, Any]] | None, ad_set: str) -> Mapping[str, Any] | None:
    """Return the ad set's last applied budget move when it was a cut (else None)."""
    moves = [a for a in applied(actions) if _moved(a)
             and str((a.get("target") or {}).get("id")) == str(ad_set)]
    last = max(moves, key=lambda a: str(a.get("applied_at") or a["applied_date"]), default=None)
    return last if last is not None and _moved(last) < 0 else None


def _receivers(actions: list[Mapping[str, Any]] | None, cut: Mapping[str, Any],
               names: Mapping[str, str]) -> list[str]:
    """Name the ad sets the same day's moves gave money to."""
    out = []
    for a in applied(actions):
        if a.get("applied_date") == cut.get("applied_date") and _moved(a) > 0:
            t = a.get("target") or {}
            name = names.get(str(t.get("id"))) or display_name(t.get("name")) or str(t.get("id"))
            if name not in out:
                out.append(name)
    return out


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def margin_note(view: Mapping[str, Any] | None, actions: list[Mapping[str, Any]] | None,
                sets: Mapping[str, Mapping[str, Any]], kpi: str, currency: str,
                names: Mapping[str, str]) -> str | None:
    """Say why the loop cut the comparison's leader, when it did (see the module docstring).

    `sets` are the ad sets' totals over the report (by id), `names` their names.
    """
    if not view or view.get("kind") != "ad_sets" or kpi == "impressions":
        return None
    leader = str(view["leader"])
    cut = last_cut(actions, leader)
    if cut is None:
        return None
    name, total = names.get(leader) or view["labels"].get(leader, leader), sets.get(leader) or {}
    ev = cut.get("evidence") or {}
    day = date.fromisoformat(str(cut["applied_date"])[:10]).strftime("%b %d").replace(" 0", " ")
    to = _receivers(actions, cut, names)
    spend, got = float(total.get("spend_minor") or 0), float(total.get(KPI_FIELDS[kpi]) or 0)
    then = f", so adpilot moved money to {_and(to)}" if to else ", so adpilot cut it"
    theirs = f" in {_and(to)}" if to else " in the campaign's other ad sets"
    one = format_money(currency_offset(currency), currency)
    if kpi == "conversion_value":
        if not spend or ev.get("marginal_roas") is None:
            return None
        return (f"Why adpilot cut {name} although it leads on average ROAS ({got / spend:.2f}× "
                f"over this report): adpilot moves money by what the next {one} brings back. "
                f"When it cut the budget on {day}, each extra {one} there was estimated to bring "
                f"back about {float(ev['marginal_roas']):.2f} at the margin, against about "
                f"{float(ev.get('others_marginal_roas') or 0):.2f}{theirs}{then}.")
    marginal, others = ev.get("marginal_cost_minor"), ev.get("others_marginal_cost_minor")
    if not got or marginal is None or others is None:
        return None
    what = str(view.get("measure") or "cost per result")
    recent = ""
    if ev.get("average_cost_minor") and ev.get("days"):
        recent = (f" (its last {int(ev['days'])} days had averaged "
                  f"{format_money(int(ev['average_cost_minor']), currency)})")
    return (f"Why adpilot cut {name} although it leads on average {what} "
            f"({format_money(round(spend / got), currency)} over this report): adpilot moves "
            f"money by what the next {one} buys, and extra money buys dearer results. When it cut "
            f"the budget on {day}, one more {what.removeprefix('cost per ')} there was estimated "
            f"to cost about {format_money(int(marginal), currency)} at the margin{recent}, "
            f"against about {format_money(int(others), currency)}{theirs}{then}.")


__all__ = ["last_cut", "margin_note"]
