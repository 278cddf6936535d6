"""The data behind the dashboard's Campaigns page: per ad account, the threads adpilot runs.

Pure reads — the checkpoints (through a reading `Runner`), the insights store, the stop
records and the ledger; no Meta call, nothing written (no store is created where there is none).

- `accounts_overview(runner, home)`: one entry per ad account, `{"account", "threads"}`, each
  thread that has a campaign (launched, or adopted by `watch`) or waits for a person (an
  approval card, a question); the accounts and their threads newest activity first.
- `thread_detail(runner, home, thread_id)`: the same row plus `ad_sets`, `ads` and `timeline`
  (`graph/trace_view.py::trace_timeline`, already scrubbed).

A row's figures are the insights store's sums over every stored day of the campaign, worded as
the report words them (`agents/insights/results.py`, `report_text.py`): results are the count
of the KPI's result ("purchases", "leads", "link clicks"), money is formatted by
`state.rules.format_money` in the account's currency (zero-decimal ones too: "JPY 8,000"), and
a campaign with no stored day says None, not zero. `verdicts` are the decision matrix's
verdicts of the last optimise cycle (`optimize.proposal.verdicts`). Row keys: `ROW_KEYS`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agents.insights.question import result_words
from agents.insights.report_text import KPI_LABELS, delivery
from agents.insights.results import ad_ids, ad_set_ids, adset_event, conversion_event
from agents.optimize.decide.stats import KPI_FIELDS
from agents.optimize.history import full_history
from agents.optimize.meta_io import KPI_BY_GOAL, kpi_of_plan, targets_of
from graph.runner import thread_kind
from graph.trace_view import trace_timeline
from state.database import is_postgres_url, state_location
from state.insights_store import InsightsStore, add_sums, derive
from state.provenance import display_name
from state.rules import format_money
from state.secrets import scrub_obj
from tools.kill_switch import stopped_threads

PERSON = ("approval", "clarify")  # what a thread can wait for that only a person answers
ROW_KEYS = (
    "thread_id", "account", "kind", "campaign_id", "campaign_name", "phase", "status", "delivery",
    "waiting_for", "stopped_at", "updated_at", "currency", "kpi", "spend", "spend_minor",
    "results", "result_label", "cost_per_result", "cost_per_result_minor", "roas",
    "purchase_value", "purchase_value_minor", "target_kind", "target", "target_cpa_minor",
    "target_roas", "on_target", "last_data_date", "cycle", "verdicts_on", "verdicts",
)


def accounts_overview(runner: Any, home: str | Path) -> list[dict[str, Any]]:
    """Return `[{"account": "act_…", "threads": [row, ...]}]`, newest activity first."""
    stopped = stopped_threads(home)
    with _store(home) as store:
        rows = [row for tid in runner.threads() if (row := _thread_row(
            runner, runner.status(tid), store, stopped, listing=True)) is not None]
    rows.sort(key=lambda r: r["updated_at"] or "", reverse=True)
    accounts: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        accounts.setdefault(row["account"], []).append(row)
    return [{"account": account, "threads": threads} for account, threads in accounts.items()]


def thread_detail(runner: Any, home: str | Path, thread_id: str) -> dict[str, Any]:
    """Return one thread's row with its `ad_sets`, `ads` and `timeline` (KeyError: unknown)."""
    if not runner.exists(thread_id):
        raise KeyError(f"no thread {thread_id!r} in {home}: the Campaigns page lists the threads "
                       "there")
    out = runner.status(thread_id)
    with _store(home) as store:
        row = _thread_row(runner, out, store, stopped_threads(home), listing=False)
        assert row is not None  # only a listing leaves threads out
        # The checkpoint keeps the loop's working set, compacted (no before/after): the
        # statuses the loop's writes read back are in the thread's full history.
        history = full_history(out.values, thread_id, home)
        sets, ads = entity_rows({**out.values, "applied_actions": history}, store, row)
    timeline = trace_timeline(home, thread_id)
    return {**row, "ad_sets": sets, "ads": ads, "timeline": timeline}


@contextmanager
def _store(home: str | Path) -> Iterator[InsightsStore | None]:
    """Open the insights store of `home` when it has one (None: opening would create it)."""
    location = state_location(home, "insights")
    if not is_postgres_url(location) and not Path(location).exists():
        yield None
        return
    store = InsightsStore(home)
    try:
        yield store
    finally:
        store.close()


def _thread_row(runner: Any, out: Any, store: InsightsStore | None, stopped: Mapping[str, str],
                *, listing: bool) -> dict[str, Any] | None:
    """Return the thread's row (None: a listing leaves it out — no campaign, nobody asked)."""
    tid, values = out.thread_id, out.values
    campaign = (values.get("created") or {}).get("campaign")
    if listing and not campaign and out.waiting_for not in PERSON:
        return None  # nothing launched and nobody asked: not on the Campaigns page
    saved = runner.graph.checkpointer.get_tuple({"configurable": {"thread_id": tid}})
    updated = saved.checkpoint.get("ts") if saved is not None else None
    row = campaign_row(values, store, ctx=getattr(runner, "context", None))
    row.update(thread_id=tid, kind=thread_kind(values), waiting_for=out.waiting_for,
               stopped_at=stopped.get(tid), updated_at=updated)
    if row["stopped_at"] and (row["delivery"] or {}).get("state") == "live":
        # `adpilot stop` paused what the thread created; its phase does not say so
        row["delivery"] = {**row["delivery"], "state": "paused",
                           "why": "stopped with `adpilot stop`"}
    return {k: row.get(k) for k in ROW_KEYS}


def campaign_row(values: Mapping[str, Any], store: InsightsStore | None,
                 ctx: Any = None) -> dict[str, Any]:
    """Return a thread's campaign in figures: its state and the stored insights (`ROW_KEYS`)."""
    plan = values.get("plan") or {}
    cid = (values.get("created") or {}).get("campaign")
    adopted = (values.get("adopted") or {}).get("campaign") or {}
    proposal = (values.get("optimize") or {}).get("proposal") or {}
    targets = targets_of(dict(values), ctx)
    kpi = kpi_of_plan(plan, targets)
    days = store.daily(str(cid), "campaign") if store is not None and cid else []
    currency = proposal.get("currency") or next((r["currency"] for r in days if r["currency"]),
                                                 None) or plan.get("currency")
    totals = derive(add_sums(days)) if days else None  # what `InsightsStore.totals` sums
    row: dict[str, Any] = {
        "account": values.get("account"), "campaign_id": str(cid) if cid else None,
        "campaign_name": display_name(plan.get("name") or adopted.get("name")
                                      or (days[-1]["name"] if days else None)) or None,
        "phase": values.get("phase"), "status": values.get("status"),
        "delivery": delivery(dict(values), days[0]["date"] if days else None,
                             days[-1]["date"] if days else None) if cid else None,
        "currency": currency, "kpi": kpi, "cycle": values.get("cycle"),
        "last_data_date": days[-1]["date"] if days else None,
        "verdicts_on": proposal.get("today"), "verdicts": verdicts(values),
        **figures(totals, kpi, conversion_event(plan), currency),
        **_target(targets, kpi, currency),
    }
    row["on_target"] = _on_target(row)
    return scrub_obj(row)  # type: ignore[return-value]  # a dict stays a dict


def figures(sums: Mapping[str, Any] | None, kpi: str, event: str,
            currency: str | None) -> dict[str, Any]:
    """Spend, results, cost per result and (value KPIs) ROAS of a sums row; None without one.

    Results are a count: of the result `event` for a conversion KPI (worded "purchases",
    "leads", singular for one), else of the KPI's column ("link clicks").
    """
    keys = ("spend", "spend_minor", "results", "result_label", "cost_per_result",
            "cost_per_result_minor", "roas", "purchase_value", "purchase_value_minor")
    if sums is None:
        return dict.fromkeys(keys)
    spend = int(sums.get("spend_minor") or 0)
    conversion = kpi in ("conversions", "conversion_value")
    count = _count(sums.get("conversions" if conversion else KPI_FIELDS[kpi]))
    cost = round(spend / count) if count else None
    value = int(sums.get("conversion_value_minor") or 0)
    out = dict.fromkeys(keys)
    out.update(spend=_money(spend, currency), spend_minor=spend, results=count,
               result_label=result_words(event, count) if conversion else KPI_LABELS[kpi],
               cost_per_result=_money(cost, currency), cost_per_result_minor=cost)
    if kpi == "conversion_value":
        out.update(roas=round(value / spend, 2) if spend else None,
                   purchase_value=_money(value, currency), purchase_value_minor=value)
    return out


def verdicts(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the last cycle's decision-matrix verdict per entity (none before a cycle)."""
    proposal = (values.get("optimize") or {}).get("proposal") or {}
    return [{"level": v.get("level"), "id": str(v.get("id")),
             "name": display_name(v.get("name")) or str(v.get("id")),
             "verdict": v.get("verdict"), "reason": "; ".join(v.get("reasons") or []),
             "reasons": list(v.get("reasons") or [])}
            for v in proposal.get("verdicts") or []]


def _target(targets: Mapping[str, Any], kpi: str, currency: str | None) -> dict[str, Any]:
    """Return the target the campaign is read against: ROAS for a value KPI, else CPA."""
    cpa, roas = targets.get("target_cpa_minor"), targets.get("target_roas")
    kind = ("roas" if roas and (kpi == "conversion_value" or not cpa) else
            "cpa" if cpa else None)
    text = (f"{float(roas or 0):.2f}x" if kind == "roas" else
            _money(int(cpa or 0), currency) if kind == "cpa" else None)
    return {"target_kind": kind, "target": text,
            "target_cpa_minor": int(cpa) if cpa else None,
            "target_roas": float(roas) if roas else None}


def _on_target(row: Mapping[str, Any]) -> bool | None:
    """Say whether the campaign meets its target (None: no target, or nothing spent yet)."""
    if not row["target_kind"] or not row["spend_minor"]:
        return None
    if row["target_kind"] == "roas":
        value = row["purchase_value_minor"]
        if value is None:  # a ROAS target on a count KPI: read the value all the same
            return None
        return bool(value / row["spend_minor"] >= row["target_roas"])
    cost = row["cost_per_result_minor"]
    return cost is not None and cost <= row["target_cpa_minor"]


def entity_rows(values: Mapping[str, Any], store: InsightsStore | None,
                row: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per ad set and per ad: figures over every stored day, status if known, last verdict."""
    plan, created = values.get("plan") or {}, values.get("created") or {}
    cid, currency, kpi = row["campaign_id"], row["currency"], row["kpi"]
    if not cid:
        return [], []
    set_sums = store.totals(cid, "adset") if store is not None else {}
    ad_sums = store.totals(cid, "ad") if store is not None else {}
    plan_sets, set_ids = plan.get("ad_sets") or [], ad_set_ids(plan, created)
    sets: dict[str, dict[str, Any]] = {}  # id -> {"name", "plan"}
    for sid, s in zip(set_ids, plan_sets, strict=True):
        if sid:
            sets[sid] = {"name": s.get("name"), "plan": s}
    for sid in [*map(str, (created.get("ad_sets") or {}).values()), *set_sums]:
        sets.setdefault(sid, {"name": None, "plan": None})
    ads: dict[str, dict[str, Any]] = {}  # id -> {"name", "adset_id"}
    for sid, s, ids in zip(set_ids, plan_sets, ad_ids(plan, created), strict=True):
        for aid, a in zip(ids, s.get("ads") or [], strict=True):
            if aid:
                ads[aid] = {"name": a.get("name"), "adset_id": sid}
    if store is not None:
        for r in store.daily(cid, "ad"):
            ads.setdefault(str(r["entity_id"]), {"name": None, "adset_id": None})
            ads[str(r["entity_id"])]["adset_id"] = str(r["adset_id"] or "") or None
    for aid in map(str, (created.get("ads") or {}).values()):
        ads.setdefault(aid, {"name": None, "adset_id": None})
    known = read_back(values)
    for oid, obj in known.items():
        if obj["level"] == "ad":
            ads.setdefault(oid, {"name": None, "adset_id": obj["adset_id"]})
    verdict = {v["id"]: v for v in row["verdicts"] or []}
    default_event = conversion_event(plan)

    def one(eid: str, level: str, name: Any, ad_set: Mapping[str, Any] | None,
            sums: Mapping[str, Any] | None) -> dict[str, Any]:
        goal = str((ad_set or {}).get("optimization_goal") or "")
        own_kpi = kpi if kpi == "conversion_value" else KPI_BY_GOAL.get(goal, kpi)
        event = adset_event(ad_set, plan.get("objective")) if ad_set else default_event
        v = verdict.get(eid) or {}
        return {"level": level, "id": eid,
                "name": display_name((sums or {}).get("name") or name) or eid, "kpi": own_kpi,
                # a campaign with stored days and none for this object: it did not deliver
                **figures(sums or ({} if row["last_data_date"] else None), own_kpi, event,
                          currency),
                "status": (known.get(eid) or {}).get("status"), "verdict": v.get("verdict"), "reason": v.get("reason")}

    set_rows = [one(sid, "adset", s["name"], s["plan"], set_sums.get(sid))
                for sid, s in sets.items()]
    ad_rows = [{**one(aid, "ad", a["name"], (sets.get(a["adset_id"] or "") or {}).get("plan"),
                      ad_sums.get(aid)), "adset_id": a["adset_id"]}
               for aid, a in ads.items()]
    return scrub_obj(set_rows), scrub_obj(ad_rows)  # type: ignore[return-value]


def read_back(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Object id -> `{"status", "level", "adset_id"}` as the loop's writes last read it back.

    An undone action counts with its before-values; a creative refresh names its new ads (and
    their ad set) and the tired ad. Objects the loop never wrote are not here: status unknown.
    """
    out: dict[str, dict[str, Any]] = {}
    for a in values.get("applied_actions") or []:
        seen = (a.get("before") if a.get("undone_at") else a.get("after")) or {}
        target = a.get("target") or {}
        level = target.get("level")
        status = seen.get("status") or seen.get("tired_ad_status")
        if target.get("id") and status:
            out[str(target["id"])] = {"status": str(status), "level": level,
                                      "adset_id": target.get("parent_id") if level == "ad"
                                      else None}
        for aid, ad in (seen.get("ads") or {}).items():
            out[str(aid)] = {"status": ad.get("status"), "level": "ad",
                             "adset_id": str(ad.get("adset_id") or "") or None}
    return out


def _count(value: Any) -> float | int:
    """Return a result count as people read it: 3, not 3.0; 2.5 stays 2.5."""
    n = round(float(value or 0), 2)
    return int(n) if n.is_integer() else n


def _money(minor: int | None, currency: str | None) -> str | None:
    return format_money(int(minor), currency) if minor is not None and currency else None


__all__ = ["ROW_KEYS", "accounts_overview", "campaign_row", "entity_rows", "figures",
           "read_back", "thread_detail", "verdicts"]
