"""Local validation of a `CampaignPlan` against Meta's rules (docs/meta-api-facts.md §14) before anything is sent.

`validate_plan(plan, account)` returns a `PlanReport`: `problems` block a launch (Meta would
refuse, or the plan is ambiguous), `warnings` are legal but unwise (text longer than Meta's
guidance, a start time in the past). Every `Problem` names the field path, what is wrong and
the fix, so a marketer can act on it without reading Meta's docs. The issue-15 capabilities
(audiences, bids, placements, destinations, dynamic creative) are checked by the
`state/plan_*_checks.py` modules beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from state import rules
from state.plan import (
    AdSetPlan,
    CampaignPlan,
    CreativePlan,
    PlanError,
    Problem,
    Targeting,
    budget_for_ad_set,
    load_plan,
    targets_eu,
    uses_cbo,
)
from state.plan_audience_checks import check_audience_refs, check_audiences
from state.plan_bid_checks import check_bidding
from state.plan_destination_checks import check_destination, check_lead_form
from state.plan_findings import AccountInfo
from state.plan_format_checks import check_dynamic
from state.plan_placement_checks import check_placements
from state.plan_targeting import check_creative, check_targeting

__all__ = ["AccountInfo", "PlanReport", "validate_plan"]


@dataclass
class PlanReport:
    """Result of `validate_plan`: blocking problems and non-blocking warnings."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks a launch."""
        return not self.problems

    def rules_broken(self) -> set[str]:
        """Rule ids of every problem (handy in tests and logs)."""
        return {p.rule for p in self.problems}

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        """Return `{"problems": [...], "warnings": [...]}` as JSON-like dicts."""
        return {"problems": [p.to_dict() for p in self.problems],
                "warnings": [w.to_dict() for w in self.warnings]}


class _Checker:
    def __init__(self, plan: CampaignPlan, account: AccountInfo) -> None:
        self.plan, self.account, self.report = plan, account, PlanReport()

    def bad(self, path: str, message: str, fix: str, rule: str) -> None:
        self.report.problems.append(Problem(path, message, fix, rule))

    def warn(self, path: str, message: str, fix: str, rule: str) -> None:
        self.report.warnings.append(Problem(path, message, fix, rule))

    # -- campaign ---------------------------------------------------------------------------------

    def campaign(self) -> None:
        p = self.plan
        if p.objective not in rules.ODAX_OBJECTIVES:
            mapped = rules.LEGACY_OBJECTIVE_TO_ODAX.get(p.objective)
            fix = f"use {mapped}" if mapped else f"use one of {', '.join(rules.ODAX_OBJECTIVES)}"
            self.bad("objective", f"{p.objective!r} is not an objective Meta accepts for new "
                     "campaigns", fix, "objective")
        for i, cat in enumerate(p.special_ad_categories):
            if cat not in rules.SPECIAL_AD_CATEGORIES:
                self.bad(f"special_ad_categories[{i}]", f"unknown special ad category {cat!r}",
                         f"use one of {', '.join(rules.SPECIAL_AD_CATEGORIES)}", "special_category")
        acct = self.account.currency.upper()
        if p.currency not in rules.SUPPORTED_CURRENCIES:
            self.bad("currency", f"{p.currency!r} is not a currency adpilot knows",
                     "use the ad account's ISO-4217 currency code", "currency")
        elif p.currency != acct:
            self.bad("currency", f"the brief's amounts are in {p.currency} but the ad account "
                     f"bills in {acct}; adpilot never converts currencies",
                     f"restate the budget in {acct}", "currency")
        self.schedule()
        self.budget()
        if p.landing_url is not None:
            self.url("landing_url", p.landing_url)
        if not p.ad_sets:
            self.bad("ad_sets", "the plan has no ad sets", "add at least one ad set", "structure")
        if len(p.ad_sets) > 200:
            self.bad("ad_sets", "more than 200 ad sets", "split into several campaigns",
                     "structure")
        if p.experiment is not None:
            self.experiment(p.experiment)
        if p.targets is not None:
            self.targets()

    def targets(self) -> None:
        t, p = self.plan.targets, self.plan
        if t is None:
            return
        if t.roas is not None and p.objective != "OUTCOME_SALES":
            self.warn("targets.roas", f"a ROAS target needs purchase values, which {p.objective} "
                      "campaigns do not report", "use a target CPA, or plan a sales campaign",
                      "targets")
        daily = p.budget.amount_minor if p.budget and p.budget.kind == "daily" else None
        if t.cpa_minor is not None and daily and t.cpa_minor > daily:
            self.warn("targets.cpa_minor", "the target CPA is above the whole daily budget: "
                      "under one result a day, so judging ads takes weeks",
                      "raise the budget or check the target's amount", "targets")

    def schedule(self) -> None:
        p = self.plan
        if p.budget is not None and p.budget.kind == "lifetime" and p.end_time is None:
            self.bad("end_time", "a lifetime budget needs an end time",
                     "add an end date, or switch to a daily budget", "lifetime_end")
        if p.start_time and p.end_time and p.end_time <= p.start_time:
            self.bad("end_time", "the end time is not after the start time",
                     "move the end date after the start date", "schedule_order")
        elif p.start_time and p.end_time and p.budget and p.budget.kind == "daily" and \
                (p.end_time - p.start_time).total_seconds() <= 86400:
            self.bad("end_time", "a daily budget needs a schedule longer than 24 hours",
                     "extend the schedule or use a lifetime budget", "daily_24h")
        for name, value in (("start_time", p.start_time), ("end_time", p.end_time)):
            if value is not None and value.tzinfo is None:
                self.bad(name, "the time has no timezone offset",
                         "write it as ISO-8601 with an offset, e.g. 2026-03-03T00:00:00+00:00",
                         "timezone")
        now = self.account.now or datetime.now(UTC)
        if p.start_time and p.start_time.tzinfo and p.start_time < now:
            self.warn("start_time", "the start time is in the past; Meta starts it right away",
                      "move the start date forward if that is not intended", "start_past")

    def min_daily(self, ad_set: AdSetPlan) -> int:
        row = self.account.min_budget_row
        cls = rules.frequency_class(ad_set.billing_event, ad_set.optimization_goal)
        if row and f"min_daily_budget_{cls}" in row:
            return int(row[f"min_daily_budget_{cls}"])
        return rules.min_daily_budget_minor(self.plan.currency, ad_set.billing_event,
                                            ad_set.optimization_goal)

    def budget(self) -> None:
        p = self.plan
        if p.currency not in rules.SUPPORTED_CURRENCIES:
            return
        overrides = [i for i, s in enumerate(p.ad_sets) if s.budget is not None]
        if uses_cbo(p) and overrides:
            self.bad(f"ad_sets[{overrides[0]}].budget", "the budget is on the campaign and on an "
                     "ad set; Meta allows only one", "remove the ad-set budget or set "
                     "budget.level to ad_set", "budget_both")
            return
        if p.budget is None and len(overrides) < len(p.ad_sets):
            self.bad("budget", "no budget given", "add a daily or lifetime budget, e.g. "
                     "'$50/day'", "budget_missing")
            return
        days = p.schedule_days(self.account.now) or 1  # no start: from the check (the launch)

        def check(path: str, kind: str, amount: int, minimum: int) -> None:
            need = minimum * (days if kind == "lifetime" else 1)
            if amount < need:
                what = "per day" if kind == "daily" else f"in total for {days} days"
                self.bad(path, f"{rules.format_money(amount, p.currency)} is below Meta's "
                         f"minimum of {rules.format_money(need, p.currency)} {what}",
                         f"raise the budget to at least {rules.format_money(need, p.currency)}",
                         "budget_minimum")

        if uses_cbo(p) and p.budget is not None:
            minimum = sum(self.min_daily(s) for s in p.ad_sets) or \
                rules.min_daily_budget_minor(p.currency)
            check("budget.amount_minor", p.budget.kind, p.budget.amount_minor, minimum)
            return
        for i, s in enumerate(p.ad_sets):
            b = budget_for_ad_set(p, i)
            if b is None:
                continue
            if b.kind == "lifetime" and p.end_time is None and s.budget is not None:
                self.bad(f"ad_sets[{i}].budget", "a lifetime budget needs an end time",
                         "add an end date", "lifetime_end")
            path = f"ad_sets[{i}].budget.amount_minor" if s.budget else "budget.amount_minor"
            check(path, b.kind, b.amount_minor, self.min_daily(s))

    def url(self, path: str, url: str) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or "." not in parsed.netloc or " " in url:
            self.bad(path, f"{url!r} is not a valid web address",
                     "use a full URL such as https://example.com/product", "url")
        elif len(url) > 1000:
            self.bad(path, "the URL is longer than 1,000 characters", "shorten it", "url")

    def experiment(self, exp: dict[str, Any]) -> None:
        if exp.get("kind") not in ("creative", "audience"):
            self.bad("experiment.kind", f"unknown experiment kind {exp.get('kind')!r}",
                     "use 'creative' or 'audience'", "experiment")
        if len(exp.get("variants") or []) < 2:
            self.bad("experiment.variants", "an experiment needs at least two variants",
                     "add a second variant or drop the experiment", "experiment")

    # -- ad sets ----------------------------------------------------------------------------------

    def ad_set(self, i: int, s: AdSetPlan) -> None:
        p, base = self.plan, f"ad_sets[{i}]"
        goals = rules.allowed_goals(p.objective, s.destination_type)
        if p.objective in rules.ODAX_OBJECTIVES and s.optimization_goal not in goals:
            dests = [d for d in rules.destinations_for(p.objective)
                     if s.optimization_goal in rules.allowed_goals(p.objective, d)]
            fix = (f"use one of {', '.join(goals)}" if goals else
                   f"use destination_type one of {dests or rules.destinations_for(p.objective)}")
            self.bad(f"{base}.optimization_goal", f"{s.optimization_goal} is not allowed for "
                     f"{p.objective} with destination {s.destination_type}", fix, "goal")
        billing = rules.allowed_billing_events(s.optimization_goal)
        if s.billing_event not in billing:
            self.bad(f"{base}.billing_event", f"{s.billing_event} billing is not allowed with "
                     f"goal {s.optimization_goal}", f"use {' or '.join(billing)}", "billing")
        self.promoted(i, s)
        check_bidding(self, i, s)
        self.targeting(f"{base}.targeting", s.targeting)
        check_placements(self, f"{base}.targeting", s.targeting)
        check_audience_refs(self, i, s)
        check_destination(self, i, s)
        check_dynamic(self, i, s)
        if targets_eu(s):
            for f in ("dsa_payor", "dsa_beneficiary"):
                if not (getattr(s, f) or getattr(p, f)):
                    self.bad(f"{base}.{f}", "ads targeting the EU must name who pays and who "
                             f"benefits (Digital Services Act): {f} is missing",
                             f"set {f} to the advertiser's legal name", "dsa")
        if not s.ads:
            self.bad(f"{base}.ads", "the ad set has no ads", "add at least one ad", "structure")
        if len(s.ads) > 50:
            self.bad(f"{base}.ads", "more than 50 ads in one ad set", "split the ad set",
                     "structure")
        for j, ad in enumerate(s.ads):
            self.creative(f"{base}.ads[{j}].creative", ad.creative, s.destination_type)

    def promoted(self, i: int, s: AdSetPlan) -> None:
        need = rules.required_promoted_object_keys(self.plan.objective, s.destination_type,
                                                   s.optimization_goal)
        po = s.promoted_object or {}
        fixes = {"pixel_id": "set META_PIXEL_ID (sales need a pixel to measure purchases)",
                 "page_id": "set META_PAGE_ID to the Facebook page that runs the ads",
                 "custom_event_type": "add the conversion event, e.g. PURCHASE",
                 "application_id": "name the app (its Meta app id)",
                 "object_store_url": "add the app's store URL"}
        for key in need:
            if not po.get(key):
                self.bad(f"ad_sets[{i}].promoted_object.{key}", f"{key} is required for "
                         f"{s.optimization_goal} ({self.plan.objective})", fixes[key],
                         "promoted_object")
        cet = po.get("custom_event_type")
        if cet and cet not in rules.CUSTOM_EVENT_TYPES:
            self.bad(f"ad_sets[{i}].promoted_object.custom_event_type",
                     f"unknown conversion event {cet!r}", "use e.g. PURCHASE, LEAD or "
                     "COMPLETE_REGISTRATION", "promoted_object")

    def targeting(self, base: str, t: Targeting) -> None:
        check_targeting(self, base, t, set(self.plan.special_ad_categories))

    # -- creatives --------------------------------------------------------------------------------

    def creative(self, base: str, c: CreativePlan, destination: str | None = None) -> None:
        check_creative(self, base, c, destination)


def validate_plan(plan: CampaignPlan | dict[str, Any], account: AccountInfo) -> PlanReport:
    """Check a plan against Meta's rules; return blocking problems and warnings."""
    try:
        p = load_plan(plan)
    except PlanError as exc:  # the shape is wrong (e.g. a locale that is not a number)
        return PlanReport(problems=[pr if pr.rule else replace(pr, rule="schema")
                                    for pr in exc.problems])
    checker = _Checker(p, account)
    checker.campaign()
    check_audiences(checker)
    check_lead_form(checker)
    for i, s in enumerate(p.ad_sets):
        checker.ad_set(i, s)
    return checker.report
