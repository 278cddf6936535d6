"""The launch approval card: a plan rendered as markdown a marketer can read at a glance."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from agents.orchestrator.card_audiences import genders_text, targeting_lines
from agents.orchestrator.card_delivery import creative_assets, delivery_lines, go_live_said
from agents.orchestrator.card_experiment import experiment_lines
from state.exposure import META_DAILY_OVERSPEND
from state.plan import CampaignPlan, budget_for_ad_set, uses_cbo
from state.rules import format_money


def money(amount_minor: int | None, currency: str) -> str:
    """Format minor units of `currency` for humans ("—" when unknown)."""
    return "—" if amount_minor is None else format_money(int(amount_minor), currency)


def _model(plan: dict[str, Any] | CampaignPlan) -> CampaignPlan:
    return plan if isinstance(plan, CampaignPlan) else CampaignPlan.model_validate(plan)


def ad_set_budgets(plan: dict[str, Any] | CampaignPlan) -> list[dict[str, Any] | None]:
    """Each ad set's own budget (an override or its equal share), or None under a campaign budget."""
    model = _model(plan)
    if uses_cbo(model):
        return [None] * len(model.ad_sets)
    return [b.model_dump() if (b := budget_for_ad_set(model, i)) else None
            for i in range(len(model.ad_sets))]


def spend_summary(plan: dict[str, Any] | CampaignPlan, now: datetime | None = None) -> dict[str, Any]:
    """Daily, peak-day and worst-case total spend in minor units (total None = open-ended).

    `now`: when the plan was checked (the account clock). A plan without a start launches
    then, so its days — a lifetime budget's daily share — count from `now`, as the money
    gate's do; without it such a lifetime budget counts whole on one day (never under).
    """
    model = _model(plan)
    budgets = [model.budget.model_dump()] if uses_cbo(model) and model.budget else [
        b for b in ad_set_budgets(model) if b]
    days = model.schedule_days(now)  # whole days, rounded up: a daily budget spends on each
    daily = total = 0
    open_ended = False
    for budget in budgets:
        amount = int(budget["amount_minor"])
        if budget["kind"] == "lifetime":
            total += amount
            daily += amount // days if days else amount
        elif days is None:
            daily += amount
            open_ended = True
        else:
            daily += amount
            total += amount * days
    # Meta may overspend a daily budget by up to 75% on one day (docs/meta-api-facts.md §3.1); the total holds.
    peak = int(daily * (1 + META_DAILY_OVERSPEND))
    return {"daily": daily, "peak_day": peak, "total": None if open_ended else total}


def targets_text(targets: dict[str, Any] | None, currency: str) -> str:
    """Render the plan's targets ("CPA ≤ USD 25.00 · ROAS ≥ 3x"); the optimise loop judges by them."""
    t = targets or {}
    parts = []
    if t.get("cpa_minor") is not None:
        parts.append(f"CPA ≤ {money(t['cpa_minor'], currency)}")
    if t.get("roas") is not None:
        parts.append(f"ROAS ≥ {float(t['roas']):g}x")
    return " · ".join(parts) if parts else "none set (the loop judges ads against each other)"


def _when(value: str | None, default: str) -> str:
    """Render an ISO time as "Tue 1 Dec 2026 00:00 (UTC-0800)"."""
    if not value:
        return default
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    zone = at.strftime(" (UTC%z)").replace("UTC+0000", "UTC") if at.tzinfo else ""
    return f"{at:%a} {at.day} {at:%b %Y %H:%M}{zone}"


def _days(model: CampaignPlan, now: datetime | None = None) -> str:
    days = model.schedule_days(now)
    return f", {days} day{'s' if days != 1 else ''}" if days else ""


def _places(geo: dict[str, Any]) -> list[str]:
    places = list(geo.get("countries") or [])
    places += [c.get("name") or c.get("key", "?") for c in geo.get("cities") or []]
    places += [r.get("name") or r.get("key", "?") for r in geo.get("regions") or []]
    return places + [str(g) for g in geo.get("country_groups") or []]


def _audience(targeting: dict[str, Any]) -> str:
    places = _places(targeting.get("geo_locations") or {})
    excluded = _places(targeting.get("excluded_geo_locations") or {})
    who = genders_text(targeting)
    specs = targeting.get("flexible_spec") or []
    # Several groups are AND'ed: the detailed-targeting line shows them grouped instead.
    interests = [i.get("name") or i.get("id", "?")
                 for spec in specs[:1] if len(specs) == 1 for i in spec.get("interests") or []]
    parts = [
        (", ".join(places) or "no location") + (f" except {', '.join(excluded)}" if excluded else ""),
        f"ages {targeting.get('age_min', 18)}–{targeting.get('age_max', 65)}",
        who,
    ]
    if targeting.get("locales"):
        parts.append("languages: " + ", ".join(_language(k) for k in targeting["locales"]))
    if interests:
        parts.append("interests: " + ", ".join(interests))
    left_out = [i.get("name") or i.get("id", "?")
                for i in (targeting.get("exclusions") or {}).get("interests") or []]
    if left_out:
        parts.append("not people interested in: " + ", ".join(left_out))
    return "; ".join(parts)


def _event(ad_set: dict[str, Any]) -> str:
    event = (ad_set.get("promoted_object") or {}).get("custom_event_type")
    return f" ({event} events)" if event else ""


def _language(key: Any) -> str:
    from agents.orchestrator.planning.people.languages import LOCALE_NAMES

    return LOCALE_NAMES[key].title() if key in LOCALE_NAMES else str(key)


def _gate_line(gate: dict[str, Any]) -> str:
    """Render the money gate's preview on the card (authoritative again after approval).

    A launch created PAUSED adds nothing to the account's exposure until it is activated (a
    separate card the gate judges again), so its line says that rather than a bare "USD 0.00".
    """
    cur = str(gate.get("currency") or "USD")
    verdict = "passes" if gate.get("ok") else "refuses"
    after, cap = money(gate.get("exposure_after_minor"), cur), money(gate.get("cap_minor"), cur)
    digest = str(gate.get("policy_digest"))[:12]
    if gate.get("created_paused"):
        return (f"- Money gate: **{verdict}** — created PAUSED, it adds nothing to the account's "
                f"worst-case daily spend ({after} of {cap}) until it is activated; the "
                f"activation card is checked again (policy {digest})")
    return (f"- Money gate: **{verdict}** — the account's worst-case daily spend after launch "
            f"{after} of {cap} (policy {digest})")


def dsa_payor(plan: dict[str, Any]) -> str:
    """Who the ads say paid for them (the plan's, else the ad sets' when they agree)."""
    return _dsa(plan, "dsa_payor")


def dsa_beneficiary(plan: dict[str, Any]) -> str:
    """Who the ads say they are on behalf of."""
    return _dsa(plan, "dsa_beneficiary")


def _dsa(plan: dict[str, Any], key: str) -> str:
    names = {s.get(key) for s in plan.get("ad_sets") or [] if s.get(key)}
    return str(plan.get(key) or ", ".join(sorted(str(n) for n in names)))


def feed_texts(feed: dict[str, Any], key: str) -> str:
    """Every text of an asset feed, quoted and numbered (a dynamic creative shows them all)."""
    texts = [t.get("text", "") for t in feed.get(key) or [] if isinstance(t, dict)]
    return " · ".join(f"{i}. “{t}”" for i, t in enumerate(texts, 1)) if len(texts) > 1 else \
        (texts[0] if texts else "")


def render_card(
    plan: dict[str, Any],
    *,
    validation: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    warnings: list[dict[str, Any]] | None = None,
    go_live: bool = False,
    reading: dict[str, Any] | None = None,
    where: Mapping[str, Any] | None = None,
    estimates: Mapping[str, Any] | None = None,
    changes: list[str] | None = None,
    now: datetime | None = None,
) -> str:
    """Render the approval card for `plan` as markdown.

    `where`: the ad account, page and pixel the launch uses (`{"account", "page", "pixel"}`),
    shown so none of them is ever silently the first one the token lists; `"sandbox": True`
    says the run talks to the local sandbox, so nothing reaches Meta.

    `reading` is how the brief was read (`not_understood`, `adjustments`, `waived`): shown under "How adpilot read the brief" so nothing the planner decided on
    its own, or could not read, is hidden from the person who approves.

    `changes`: what the person's last edit changed, in words (`card_diff.py`; None: no edit).
    `now`: when the plan was checked; a plan without a start counts its days from then.

    `estimates` is the `estimates` state key (`agents/orchestrator/estimates.py`): Meta's
    delivery estimate per ad set and the sizes of existing audiences, each shown as an estimate.
    """
    facts = dict((estimates or {}).get("audiences") or {})
    per_set = list((estimates or {}).get("ad_sets") or [])
    currency = plan.get("currency", "USD")
    model = _model(plan)
    spend = spend_summary(model, now)
    total = money(spend["total"], currency) if spend["total"] is not None else "open-ended (no end date)"
    lines = [
        f"## Launch “{plan.get('name', 'campaign')}”",
        "",
        f"- **Objective:** {plan.get('objective', '?')}"
        + (f" · special categories: {', '.join(plan['special_ad_categories'])}"
           if plan.get("special_ad_categories") else ""),
        f"- **Schedule:** {_when(plan.get('start_time'), 'on approval')} → "
        f"{_when(plan.get('end_time'), 'until stopped')}{_days(model, now)}",
        f"- **Spend:** {money(spend['daily'], currency)} a day (up to {money(spend['peak_day'], currency)} on a peak day); "
        f"worst-case total {total}",
        f"- **Landing page:** {plan.get('landing_url') or '—'}",
        *([f"- **Where:** ad account {where.get('account') or '—'} · page "
           f"{where.get('page') or '—'} · pixel {where.get('pixel') or '—'}"
           + (" · **sandbox: nothing reaches Meta**" if where.get("sandbox") else "")]
          if where else []),
        f"- **Targets:** {targets_text(plan.get('targets'), currency)}",
        *([f"- **EU transparency (DSA):** paid for by {dsa_payor(plan) or '—'} · on behalf of "
           f"{dsa_beneficiary(plan) or '—'} (shown to people in the EU)"]
          if dsa_payor(plan) or dsa_beneficiary(plan) else []),
        f"- **On approval:** {'goes live immediately' if go_live else 'created PAUSED (activate later)'}"
        # the plan's go_live says the brief (or an edit) asked to go live or to keep it paused;
        # never hidden when this run does the other (--live, or the policy's go_live)
        + go_live_said(plan.get("go_live"), go_live),
        "",
    ]
    if changes is not None:
        lines += ["### Changed by your edit", *[f"- {c}" for c in changes or
                                                ["nothing: the plan is as it was"]], ""]
    for i, (ad_set, budget) in enumerate(zip(plan.get("ad_sets", []), ad_set_budgets(model),
                                             strict=False)):
        budget_text = (
            f"{money(budget['amount_minor'], currency)} {budget['kind']}"
            if budget else "shares the campaign budget"
        )
        lines += [
            f"### Ad set “{ad_set.get('name', '?')}” — {budget_text}",
            f"Audience: {_audience(ad_set.get('targeting') or {})}. "
            f"Optimises for {ad_set.get('optimization_goal', '?')}{_event(ad_set)}, "
            f"billed on {ad_set.get('billing_event', '?')}.",
            *targeting_lines(ad_set.get("targeting") or {}, plan, facts,
                             (estimates or {}).get("details")),
            *delivery_lines(ad_set, plan, per_set[i] if i < len(per_set) else None),
            "",
            "| ad | format | primary text | headline | CTA | assets |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for ad in ad_set.get("ads", []):
            c = ad.get("creative") or {}
            feed = c.get("asset_feed_spec") or {}
            row = [ad.get("name", "?"), c.get("format", "image"),
                   feed_texts(feed, "bodies") or c.get("primary_text") or "—",
                   feed_texts(feed, "titles") or c.get("headline") or "—",
                   ", ".join(feed.get("call_to_action_types") or [])
                   or c.get("call_to_action") or "—", creative_assets(c)]
            lines.append("| " + " | ".join(str(v).replace("|", "/").replace("\n", " ") for v in row) + " |")
        lines.append("")
    lines += experiment_lines(plan, model)
    lines += reading_lines(reading, plan)
    lines.append("### Checks")
    if validation:
        verdict = "accepted" if validation.get("ok") else "refused"
        later = int(validation.get("deferred") or 0)
        waits = ("needs its parent or video first and is" if later == 1
                 else "need their parent or video first and are")
        lines.append(f"- Meta validate_only: **{verdict}** ({_count(validation.get('checked', 0), 'object')} checked"
                     + (f"; {later} {waits} checked at launch)" if later else ")"))
        lines += [f"  - {e}" for e in validation.get("errors", [])]
        if validation.get("gate"):
            lines.append(_gate_line(validation["gate"]))
    for p in problems or []:
        lines.append(f"- ❌ `{p.get('path', '?')}`: {p.get('message', '')} — fix: {p.get('fix', '')}")
    for w in warnings or []:
        lines.append(f"- ⚠️ `{w.get('path', '?')}`: {w.get('message', '')}")
    if not (validation or problems or warnings):
        lines.append("- no warnings")
    return "\n".join(lines)


def reading_lines(reading: dict[str, Any] | None, plan: Mapping[str, Any] | None = None
                  ) -> list[str]:
    """Return the card's "How adpilot read the brief" lines (none when nothing to say).

    A phrase no field took that shows in the name or ad copy ("trail shoes") is said so.
    """
    reading, plan = reading or {}, plan or {}
    words = json.dumps([plan.get("name"), [a.get("ads") for a in plan.get("ad_sets") or []]],
                       ensure_ascii=False, default=str).lower()
    waived = {str(w).lower() for w in reading.get("waived") or []}
    out: list[str] = []
    for a in reading.get("adjustments") or []:
        out.append(f"- ✏️ `{a.get('path')}`: {_short(a.get('from'))} → {_short(a.get('to'))} — "
                   f"{a.get('why')}")
    for u in reading.get("not_understood") or []:
        phrase = str(u.get("phrase"))
        if u.get("waived") or phrase.lower() in waived:
            out.append(f"- 🚫 waived by you: ‘{phrase}’ — the plan launches without it"
                       + (f" (it could change {u['affects']})" if u.get("affects") else ""))
        elif u.get("affects"):
            out.append(f"- ❓ not understood: ‘{phrase}’ — it could change {u['affects']}")
        elif phrase.lower() in words:
            out.append(f"- used only in the name and ad copy: ‘{phrase}’")
        else:
            out.append(f"- not used: ‘{phrase}’ (changes nothing in the plan)")
    listed = {str(u.get("phrase")).lower() for u in reading.get("not_understood") or []}
    out += [f"- 🚫 waived by you: ‘{w}’ — the plan launches without it"
            for w in reading.get("waived") or [] if str(w).lower() not in listed]
    return ["### How adpilot read the brief", *out, ""] if out else []


def _count(n: Any, noun: str) -> str:
    """"1 object", "3 objects": a count with its noun agreeing."""
    return f"{n} {noun}{'' if int(n or 0) == 1 else 's'}"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"

