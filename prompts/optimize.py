"""Text of the optimise approval card (templates; the decisions themselves are code).

`describe_action(action, currency)` is one action's line (what, why, evidence, expected
effect; a creative refresh adds one line per variant: its copy, image and where it runs);
`card_markdown(state, proposal, card_actions, auto_applied)` is the whole card:
the alerts between cycles that led to it (`prompts/alerts.py`), judged effects of earlier
actions, flags, the experiment, then every action to decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prompts.alerts import headline
from prompts.alerts import section as alerts_section
from state.provenance import display_name
from state.rules import format_money

CARD_TITLE = "## Optimise cycle {cycle} — {n} action(s) to review"
ALERT_TITLE = "## Alert — {first}{more} · optimise cycle {cycle}, {n} action(s) to review"
ACTION_LINE = "**{verdict}** `{name}` on {level} “{target}”{where}: {reasons}."
IN_ADSET = " in ad set “{adset}”"  # ads often share a name (their image's): the ad set tells them apart
EVIDENCE_LINE = "Evidence: {evidence}."
EFFECT_LINE = "Expected effect: {effect}."
TARGETS_LINE = "Targets: {targets}"
JUDGED_HEADER = "### Did earlier actions work?"
JUDGED_LINE = "- `{name}` on “{target}”{where} ({applied}): **{judgement}** — {detail}"
REALLOC_JUDGED_LINE = "- budget reallocation over {n} ad sets ({applied}): **{judgement}** — {detail}"
REFRESH_JUDGED_LINE = "- refresh of “{target}” on {applied}: **{judgement}** — {detail}"
UNDONE_LINE = "- `{name}` on “{target}” ({applied}): **undone** on {when} — not judged"
ORIGINAL_LINE = "\n   - the ad now: headline “{headline}” · primary text “{primary}”"
VARIANT_LINE = ("\n   - variant {i}: headline “{headline}” · primary text “{primary}”{description} · "
                "image {image} — a new ad “{name}” in “{adset}” beside “{ad}”, switched on once "
                "approved ({source})")
JUDGED_MORE = "- … and {n} earlier judgement(s); the report (`adpilot report`) lists them all"
MAX_JUDGED_LINES = 6
FLAGS_HEADER = "### Flags"
EXPERIMENT_HEADER = "### Experiment"
AUTO_HEADER = "### Applied without a card (approval policy)"
ACTIONS_HEADER = "### Proposed actions"


def _money(value: Any, currency: str) -> str:
    return format_money(int(round(float(value))), currency) if value is not None else "—"


def evidence_text(ev: dict[str, Any], currency: str) -> str:
    """Render an action's evidence dict in words."""
    parts = []
    if ev.get("spend_minor") is not None:
        parts.append(
            f"spent {_money(ev['spend_minor'], currency)} over {ev.get('days') or 0} day(s)"
        )
    if ev.get("conversions") is not None:
        parts.append(f"{float(ev['conversions']):g} conversion(s)")
    if ev.get("cpa_minor") is not None:
        parts.append(f"CPA {_money(ev['cpa_minor'], currency)}")
    if ev.get("ctr") is not None:
        parts.append(f"CTR {float(ev['ctr']):.2f}%")
    if ev.get("before_minor") is not None and ev.get("after_minor") is not None:
        if ev.get("days_left"):  # a lifetime budget: its total, and what it means per day
            parts.append(
                f"lifetime budget {_money(ev['before_minor'], currency)} → "
                f"{_money(ev['after_minor'], currency)} (about "
                f"{_money(ev.get('before_daily_minor') or 0, currency)} → "
                f"{_money(ev.get('after_daily_minor') or 0, currency)} a day over the "
                f"{ev['days_left']} day(s) left)"
            )
        else:
            parts.append(
                f"budget {_money(ev['before_minor'], currency)} → "
                f"{_money(ev['after_minor'], currency)} a day"
            )
    parts += _spend_limits_text(ev, currency)
    for key, label in (
        ("p_worse_than_target", "P(worse than target)"),
        ("p_worse_than_best", "P(worse than best sibling)"),
        ("p_worse_than_favoured", "P(worse than the ad Meta delivers most)"),
        ("p_best", "P(best)"),
    ):
        if isinstance(ev.get(key), int | float):
            parts.append(f"{label} {float(ev[key]):.0%}")
    for key in ("frequency_before", "frequency_after", "ctr_before", "ctr_after", "variant"):
        if ev.get(key) is not None:
            parts.append(f"{key.replace('_', ' ')} {ev[key]}")
    return "; ".join(parts) or "—"


def _spend_limits_text(ev: dict[str, Any], currency: str) -> list[str]:
    """Ad set spend limits under a campaign budget (`agents/optimize/decide/cbo.py`): limits and spend moved."""
    parts = []
    if ev.get("spend_per_day_minor") is not None and ev.get("target_spend_minor") is not None:
        parts.append(
            f"spends {_money(ev['spend_per_day_minor'], currency)} a day now, about "
            f"{_money(ev['target_spend_minor'], currency)} after"
        )
    for key, label in (("cap", "daily spend cap"), ("min", "minimum daily spend target")):
        if ev.get(f"{key}_after_minor") is not None:
            before, after = ev.get(f"{key}_before_minor") or 0, ev[f"{key}_after_minor"]
            parts.append(
                f"{label} {_money(before, currency) if before else 'none'} → "
                f"{_money(after, currency) if after else 'none'}"
            )
    if ev.get("campaign_budget_minor") is not None:
        parts.append(
            f"campaign budget {_money(ev['campaign_budget_minor'], currency)} a day, unchanged"
        )
    return parts


def in_adset(target: Mapping[str, Any]) -> str:
    """Return ` in ad set “X”` for an ad's target (its ad set's name, else its id), else "".

    Ads made from one image share its name ("Image 1: shoe_0.jpg" in four ad sets): without
    the ad set a person cannot tell which one a card pauses.
    """
    if target.get("level") != "ad":
        return ""
    adset = (display_name(target.get("adset_name")) or target.get("adset_id")
             or target.get("parent_id"))
    return IN_ADSET.format(adset=adset) if adset else ""


def describe_action(action: dict[str, Any], currency: str) -> str:
    """One action as the card shows it: what (and, for an ad, in which ad set), why, evidence, effect."""
    target = action.get("target") or {}
    evidence = evidence_text(action.get("evidence") or {}, currency)
    lines = [
        ACTION_LINE.format(
            verdict=action.get("verdict", ""),
            name=action["name"],
            level=target.get("level", "object"),
            target=target.get("name") or target.get("id"),
            where=in_adset(target),
            reasons="; ".join(action.get("reasons") or []) or "—",
        ),
        # an alert's evidence is in its reasons (prompts/alerts.py); no empty line for it
        "" if action.get("alert") and evidence == "—" else EVIDENCE_LINE.format(evidence=evidence),
        EFFECT_LINE.format(effect=(action.get("expected_effect") or {}).get("text", "—")),
    ]
    return " ".join(x for x in lines if x) + _variants_text(action)


def _variants_text(action: dict[str, Any]) -> str:
    """Return a refresh's variants as the card shows them, and the notes on how they were written."""
    args, info = action.get("args") or {}, action.get("refresh") or {}
    if action.get("advice") or not isinstance(args.get("variants"), list):
        return ""
    was = info.get("original") or {}
    out = [ORIGINAL_LINE.format(headline=was.get("headline") or "—",
                                primary=was.get("primary_text") or "—")] if was else []
    for i, v in enumerate(args["variants"], 1):
        image = (f"{str(v['image_hash'])[:12]}… (the same image as the ad, reused)"
                 if v.get("image_hash") else f"video {v.get('video_id')} (the ad's own)")
        out.append(VARIANT_LINE.format(
            i=i, headline=v.get("headline"), primary=v.get("primary_text"),
            description=f" · description “{v['description']}”" if v.get("description") else "",
            image=image, name=v.get("name"), adset=info.get("adset") or args.get("adset_id"),
            ad=info.get("ad") or args.get("ad_id"),
            source="copy by the model" if v.get("copy_source") == "model" else "template copy"))
    notes = [f"\n   - note: {n}" for n in info.get("notes") or []]
    return "".join(out + notes)


def _refresh_detail(j: dict[str, Any], currency: str) -> str:
    """Say a judged refresh: `new ads' CTR 1.40% vs 0.80% before, cost per result …`."""
    if j.get("judgement") == "pending":
        return "not enough data on the new ads yet"
    b, a = j.get("before") or {}, j.get("after") or {}

    def pct(side: dict[str, Any]) -> str:
        return f"{float(side['ctr']):.2f}%" if side.get("ctr") is not None else "—"

    def cpr(side: dict[str, Any]) -> str:
        return _money(side.get("cpa_minor"), currency) if side.get("cpa_minor") is not None \
            else "no result"

    probs = [f"P(higher CTR) {j['p_ctr_up']:.0%}"] if j.get("p_ctr_up") is not None else []
    if j.get("p_improved") is not None:
        probs.append(f"P(more results per spend) {j['p_improved']:.0%}")
    return (f"new ads' CTR {pct(a)} vs {pct(b)} before, cost per result {cpr(a)} vs {cpr(b)}"
            + (f" ({'; '.join(probs)})" if probs else "") + (f"; {j['why']}" if j.get("why")
                                                             else ""))


def _per_result(side: dict[str, Any], currency: str) -> str:
    if side.get("cpa_minor") is None:
        return f"{_money(side.get('spend_minor') or 0, currency)} spent with no result"
    return f"{_money(side['cpa_minor'], currency)} per result"


def _whose(entry: Mapping[str, Any], j: Mapping[str, Any]) -> str:
    """Say whose numbers a verdict's figures are (`agents/optimize/judging.py::_scope`)."""
    scope = j.get("scope") or {}
    name = display_name(scope.get("name"))
    if scope.get("level") != "adset":
        return "the whole campaign's numbers"
    if str(scope.get("id")) == str((entry.get("target") or {}).get("id")):
        return "the ad set's own numbers"
    return f"the numbers of its ad set “{name}”" if name else "its ad set's numbers"


def _judged(state: Mapping[str, Any], currency: str) -> list[str]:
    """One line per judged action, one per judged reallocation; the newest `MAX_JUDGED_LINES`."""
    lines, seen = [], set()
    for entry in state.get("applied_actions") or []:
        j = entry.get("judgement") or {}
        if not j:
            continue
        scope = j.get("scope") or {}
        pending = j.get("judgement") == "pending"
        if j.get("judgement") == "undone":  # `adpilot undo` took it back before it was judged
            lines.append(UNDONE_LINE.format(
                name=entry["name"], target=display_name((entry.get("target") or {}).get("name")),
                applied=entry.get("applied_date"), when=j.get("undone_at") or "?"))
            continue
        if scope.get("level") == "reallocation":
            if scope.get("id") in seen:
                continue
            seen.add(scope.get("id"))
            more, cut = j.get("given_more") or {}, j.get("cut") or {}
            detail = (
                "not enough data since"
                if pending
                else (
                    f"P(improved) {j.get('p_improved', 0):.0%}; since then, over the same "
                    f"days, the ad set(s) given more: {_per_result(more, currency)}; those cut: "
                    f"{_per_result(cut, currency)}"
                )
            )
            lines.append(
                REALLOC_JUDGED_LINE.format(
                    n=len(scope.get("adset_ids") or []),
                    applied=entry.get("applied_date"),
                    judgement=j.get("judgement"),
                    detail=detail,
                )
            )
            continue
        if scope.get("level") == "refresh":
            lines.append(REFRESH_JUDGED_LINE.format(
                target=display_name((entry.get("target") or {}).get("name")),
                applied=entry.get("applied_date"), judgement=j.get("judgement"),
                detail=_refresh_detail(j, currency)))
            continue
        detail = (
            "not enough data since"
            if pending
            else (
                f"P(improved) {j.get('p_improved', 0):.0%}; cost per result "
                f"{_money((j.get('before') or {}).get('cpa_minor'), currency)} before → "
                f"{_money((j.get('after') or {}).get('cpa_minor'), currency)} after "
                f"({_whose(entry, j)})"
            )
        )
        lines.append(
            JUDGED_LINE.format(
                name=entry["name"],
                target=display_name((entry.get("target") or {}).get("name")),
                where=in_adset(entry.get("target") or {}),
                applied=entry.get("applied_date"),
                judgement=j.get("judgement"),
                detail=detail,
            )
        )
    # Judgements no longer in the checkpoint (agents/optimize/history.py) are earlier ones too.
    earlier = max(len(lines) - MAX_JUDGED_LINES, 0) + int(
        (state.get("optimize") or {}).get("judged_earlier") or 0)
    if earlier:
        lines = [*lines[-MAX_JUDGED_LINES:], JUDGED_MORE.format(n=earlier)]
    return lines


def card_markdown(
    state: Mapping[str, Any],
    proposal: dict[str, Any],
    card_actions: list[dict[str, Any]],
    auto_applied: list[dict[str, Any]] | None = None,
) -> str:
    """Render the whole approval card of one optimise cycle, as markdown."""
    if proposal.get("title"):  # a request's card (`adpilot ask`): its own title and summary
        out = [str(proposal["title"]), ""]
        out += [x if x.lstrip().startswith(("-", "|", "#", "*")) or not x.strip() else f"- {x}"
                for x in (str(x) for x in proposal.get("summary") or [])]
        out.append("")
    elif proposal.get("alerts"):  # an alert between cycles leads the card
        more = len(proposal["alerts"]) - 1
        out = [ALERT_TITLE.format(first=headline(proposal["alerts"][0]),
                                  more=f" (and {more} more)" if more else "",
                                  cycle=state.get("cycle") or "?", n=len(card_actions)), ""]
    else:
        out = [CARD_TITLE.format(cycle=state.get("cycle") or "?", n=len(card_actions)), ""]
    if proposal.get("targets_text"):
        out += [TARGETS_LINE.format(targets=proposal["targets_text"]), ""]
    if proposal.get("alerts"):
        out += alerts_section(proposal["alerts"], str(proposal.get("currency") or "USD"))
    judged = _judged(state, str(proposal.get("currency") or "USD"))
    if judged:
        out += [JUDGED_HEADER, *judged, ""]
    flags = list(proposal.get("flags") or []) + list(proposal.get("request_problems") or [])
    if flags:
        out += [FLAGS_HEADER, *[f"- ⚠️ {f}" for f in flags], ""]
    exp = proposal.get("experiment")
    if exp and exp.get("status"):  # a running test's verdict (a test being proposed has none)
        probs = ", ".join(f"{k}: {v:.0%}" for k, v in (exp.get("p_best") or {}).items())
        out += [
            EXPERIMENT_HEADER,
            f"- status **{exp.get('status')}** — {exp.get('reason', '')}",
            f"- probability each variant is best: {probs}",
            "",
        ]
    if auto_applied:
        out += [AUTO_HEADER, *[f"- {a.get('description', a['name'])}" for a in auto_applied], ""]
    out.append(ACTIONS_HEADER)
    out += [f"{i + 1}. {a.get('description', a['name'])}" for i, a in enumerate(card_actions)]
    return "\n".join(out)
