"""Performance reports: `adpilot report THREAD [--format md|csv|json] [--out DIR]`.

`build_report(state, store, out_dir, fmt, model=None)` writes, for the thread's campaign:

- **md**: `report.md` — executive summary (the model's narrative when one is configured, a
  template otherwise), per-ad-set and per-ad tables, actions taken with their judged effect,
  and four PNG charts (daily spend and results, cost per result per ad set, budget allocation
  over time, experiment — or ad-set — posteriors);
- **csv**: `daily.csv` (every stored daily row), `ad_sets.csv`, `ads.csv`, `actions.csv`,
  and `assets.csv` when the campaign has dynamic creative;
- **json**: `report.json` with the same content.

Every format names each ad set's result by its goal — leads, conversations started, purchase
value — with the cost per result on that result (`results.py`), and for dynamic creative which
headline, text and image won (`assets_report.py`, read from Meta when a client is given).

`write_report(thread_id, fmt, out_dir, runner=..., home=...)` is the CLI entry: it reads the
thread's state from the checkpointer and the numbers from the insights store.
Every figure is computed from sums in the store, never from averaged ratios.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agents.insights import charts
from agents.insights.assets_report import asset_lines, asset_rows, assets_for_report, client_from
from agents.insights.export import goal_lines, write_csvs, write_md
from agents.insights.results import by_result, result_label, results_by_goal, results_text
from agents.optimize.cycle import kpi_of_plan
from agents.optimize.decide.stats import (
    KPI_FIELDS,
    pooled_prior,
    rng_for,
    value_samples,
)
from agents.optimize.experiments import p_best as experiment_p_best
from agents.optimize.experiments import resolve_experiment
from agents.optimize.meta_io import targets_of
from prompts.reporting import NARRATIVE_SYSTEM, NARRATIVE_USER, TEMPLATE
from state.insights_store import InsightsStore
from state.provenance import display_name
from state.rules import currency_offset, format_money

KPI_LABELS = {
    "conversions": "conversions",
    "conversion_value": "conversion value",
    "link_clicks": "link clicks",
    "estimated_ad_recallers": "ad recallers",
    "impressions": "impressions",
}


def _with_kpi(rows: list[dict[str, Any]], kpi: str) -> list[dict[str, Any]]:
    return [{**r, "kpi": float(r.get(KPI_FIELDS[kpi]) or 0)} for r in rows]


def facts(
    state: dict[str, Any],
    totals: dict[str, Any],
    sets: dict[str, Any],
    ads: dict[str, Any],
    kpi: str,
    currency: str,
    experiment: dict[str, Any] | None,
    label: str | None = None,
) -> dict[str, Any]:
    """Collect the figures the narrative may use (and nothing else)."""

    def cpr(x: dict[str, Any]) -> float:
        res = float(x.get(KPI_FIELDS[kpi]) or 0)
        return float(x.get("spend_minor") or 0) / res if res else float("inf")

    spent = [s for s in sets.values() if s.get("spend_minor")]
    applied = [
        a for a in state.get("applied_actions") or [] if a.get("status") in ("applied", "noted")
    ]
    judged: dict[str, int] = {}
    for a in applied:
        j = (a.get("judgement") or {}).get("judgement")
        if j:
            judged[j] = judged.get(j, 0) + 1
    return {
        "campaign": (state.get("plan") or {}).get("name") or "campaign",
        "account": state.get("account"),  # every report says which ad account it is about
        "days": totals.get("days", 0),
        "currency": currency,
        "kpi": label or KPI_LABELS[kpi],
        "spend": format_money(int(totals.get("spend_minor") or 0), currency),
        **_results(totals, kpi, currency, cpr(totals)),
        "target_cpa": targets_of(state).get("target_cpa_minor"),
        "best_ad_set": min(spent, key=cpr)["name"] if spent else None,
        "worst_ad_set": max(spent, key=cpr)["name"]
        if len({cpr(s) for s in spent}) > 1 else None,  # not when they all did the same
        "actions_applied": len(applied),
        "judged": judged,
        "experiment": experiment,
    }


def _results(totals: dict[str, Any], kpi: str, currency: str, cost: float) -> dict[str, Any]:
    """Return the campaign's results: a count and its cost, or (value goals) value and ROAS."""
    if kpi == "conversion_value":
        value, spend = int(totals.get("conversion_value_minor") or 0), totals.get("spend_minor")
        return {"results": format_money(value, currency), "cost_per_result": None,
                "roas": round(value / float(spend), 2) if spend else None}
    return {"results": round(float(totals.get(KPI_FIELDS[kpi]) or 0), 2),
            "cost_per_result": format_money(int(cost), currency) if cost != float("inf") else None}


def narrative(f: dict[str, Any], model: str | None) -> str:
    """Write the executive summary: the model's prose when one is configured, else the template."""
    if model and model != "rules":
        try:
            from langchain.chat_models import init_chat_model

            llm = init_chat_model(model)
            msg = llm.invoke(
                [
                    ("system", NARRATIVE_SYSTEM),
                    ("user", NARRATIVE_USER.format(facts=json.dumps(f, default=str))),
                ]
            )
            text = str(getattr(msg, "content", "")).strip()
            if text:
                return text
        except Exception:  # noqa: BLE001 - any model failure falls back to the template
            pass
    exp = f.get("experiment") or {}
    judged = f.get("judged") or {}
    return TEMPLATE.format(
        days=f["days"],
        campaign=f["campaign"],
        spend=f["spend"],
        results=f.get("results_text") or (f"{f['results']} of {f['kpi']}"
                                          if isinstance(f["results"], str)
                                          else f"{f['results']:g} {f['kpi']}"),
        cpa_clause="" if f.get("results_text")
        else f" at {f['cost_per_result']} each" if f.get("cost_per_result")
        else (f" (ROAS {f['roas']:.2f}x)" if f.get("roas") is not None else ""),
        best_clause=f"The most efficient ad set was “{f['best_ad_set']}”"
        + ("; " if f.get("worst_ad_set") else ". ")
        if f.get("best_ad_set")
        else "",
        worst_clause=f"the least efficient was “{f['worst_ad_set']}”. "
        if f.get("worst_ad_set")
        else "",
        n_actions=f["actions_applied"],
        judged_clause=(" — judged " + ", ".join(f"{v} {k}" for k, v in judged.items()))
        if judged
        else "",
        experiment_clause=(
            f"Experiment: {exp.get('status')} — {exp.get('reason', '')}. " if exp else ""
        ),
        watch_clause="Watch frequency and CTR for creative fatigue as the campaign ages.",
    )


def _posterior_chart(
    state: dict[str, Any], store: InsightsStore, cid: str, kpi: str, sets: dict[str, Any], out: Path
) -> tuple[Path | None, dict[str, Any] | None]:
    plan = state.get("plan") or {}
    exp = resolve_experiment(plan, state.get("created") or {})
    field = KPI_FIELDS[kpi]
    if exp and exp["variants"]:
        level_totals = store.totals(cid, exp["level"])
        key = "adset_ids" if exp["level"] == "adset" else "ad_ids"
        stats = {
            label: {
                k: sum(float(level_totals.get(i, {}).get(k) or 0) for i in v[key])
                for k in (
                    "spend_minor",
                    "clicks",
                    "impressions",
                    "conversions",
                    "conversion_value_minor",
                    field,
                )
            }
            for label, v in exp["variants"].items()
        }
        # Name each variant after what it is ("A: US, CA 25-34"), not just its letter.
        names = {i: display_name(r.get("name")) for i, r in level_totals.items()}
        key_of = {label: v[key] for label, v in exp["variants"].items()}
        stats = {
            f"{label}: {names.get(key_of[label][0], '')}"[:30] if key_of[label] else label: v
            for label, v in stats.items()
        }
        title, probs = (
            "Experiment: P(variant is best)",
            experiment_p_best(stats, kpi, exp.get("metric"), cid),
        )
        status = {"p_best": probs, "variants": list(stats)}
    else:
        stats = {s["name"]: s for s in sets.values()}
        title, probs, status = "P(ad set is best)", experiment_p_best(stats, kpi, None, cid), None
    prior = pooled_prior(list(stats.values()), kpi)
    rng = rng_for("report", cid)
    currency = next((r["currency"] for r in store.daily(cid, "campaign")[:1]), "USD")
    scale = 1000.0 if currency_offset(currency) == 100 else 10000.0
    rates = {k: value_samples(v, prior, rng, 4000) * scale for k, v in stats.items()}
    label = f"{KPI_LABELS[kpi]} per {format_money(int(scale), currency)} spent"
    chart = charts.posteriors(
        probs,
        title,
        out / "posteriors.png",
        rates,
        label,
        "posterior of each variant" if exp else "posterior of each ad set",
    )
    return chart, status


def build_report(
    state: dict[str, Any],
    store: InsightsStore,
    out_dir: str | Path,
    fmt: str = "md",
    model: str | None = None,
    client: Any = None,
) -> dict[str, Any]:
    """Write the report in `fmt` (md, csv or json) to `out_dir`; return what was written.

    `client` reads the dynamic creative's asset breakdowns from Meta (without one, the report
    says they were not read).
    """
    if fmt not in ("md", "csv", "json"):
        raise ValueError(f"--format {fmt!r}: use md, csv or json")
    cid = str((state.get("created") or {}).get("campaign") or "")
    if not cid:
        raise ValueError("this thread has no launched campaign yet: nothing to report")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = state.get("plan") or {}
    # The same targets the loop judged by: the thread's settings, else the plan's.
    targets = {**((state.get("optimize") or {}).get("targets") or {}), **targets_of(state)}
    kpi = kpi_of_plan(plan, targets)
    label = result_label(plan, kpi) or KPI_LABELS[kpi]
    camp_rows = store.daily(cid, "campaign")
    currency = (camp_rows[0]["currency"] if camp_rows else None) or plan.get("currency") or "USD"
    dates = sorted(r["date"] for r in camp_rows)
    assets = assets_for_report(client, plan, state.get("created") or {},
                               dates[0] if dates else None, dates[-1] if dates else None, currency)
    sets, ads = store.totals(cid, "adset"), store.totals(cid, "ad")
    totals = next(iter(store.totals(cid, "campaign").values()), {"days": 0})
    set_rows = _with_kpi(store.daily(cid, "adset"), kpi)
    names = {k: display_name(v["name"]) for k, v in sets.items()}
    for group in (sets, ads):
        for v in group.values():
            v["name"] = display_name(v["name"])
    target = targets.get("target_cpa_minor")
    files: dict[str, Any] = {"charts": []}
    for made in (
        charts.spend_and_conversions(
            _with_kpi(camp_rows, kpi), currency, label, out / "daily_spend_results.png"
        ),
        charts.cost_per_result(
            set_rows, names, currency, label, target, out / "cost_per_result.png"
        ),
        charts.allocation(set_rows, names, currency, out / "allocation.png"),
    ):
        if made:
            files["charts"].append(str(made))
    post, exp_status = _posterior_chart(state, store, cid, kpi, sets, out)
    if post:
        files["charts"].append(str(post))
    goals = results_by_goal(plan, state.get("created") or {}, sets)
    kinds = by_result(goals)
    # best and worst compare the ad sets of the commonest kind of result (a lead is no purchase)
    main = set(max(kinds, key=lambda k: len(k["ad_sets"]))["ad_sets"]) if kinds else set(sets)
    f = facts(state, totals, {k: v for k, v in sets.items() if k in main}, ads,
              kpi, currency, exp_status, label)
    f["results_by_goal"] = [{k: g[k] for k in ("name", "result", "results")} for g in goals]
    if len(kinds) > 1:  # several kinds of result: the summary names each, with its cost
        f["results_text"] = results_text(kinds, currency)
    summary = narrative(f, model)
    actions = state.get("applied_actions") or []
    if fmt == "json":
        payload = {
            "summary": summary,
            "facts": f,
            "totals": totals,
            "ad_sets": sets,
            "ads": ads,
            "actions": actions,
            "charts": files["charts"],
            "results_by_goal": goals,
            "dynamic_creative": assets,
        }
        (out / "report.json").write_text(json.dumps(payload, indent=2, default=str))
        files["report"] = str(out / "report.json")
    elif fmt == "csv":
        files["csv"] = write_csvs(out, store, cid, sets, ads, actions, goals, asset_rows(assets))
    else:
        extra = goal_lines(goals, currency) + asset_lines(assets, currency)
        files["report"] = str(
            write_md(out, f, summary, sets, ads, actions, currency, files["charts"], extra)
        )
    return files


def write_report(
    thread_id: str,
    fmt: str = "md",
    out_dir: str | Path | None = None,
    *,
    runner: Any,
    home: str | Path,
    model: str | None = None,
) -> dict[str, Any]:
    """CLI entry: read the thread's state and write its report (default dir: HOME/reports/THREAD)."""
    from agents.optimize.history import full_history

    state = runner.status(thread_id).values
    # The checkpoint holds the loop's working set; the report lists every applied action.
    state = {**state, "applied_actions": full_history(state, thread_id, home)}
    target = Path(out_dir) if out_dir else Path(home) / "reports" / thread_id
    client = client_from(runner, thread_id, state)  # only for dynamic creative's assets
    return build_report(state, InsightsStore(home), target, fmt, model, client)


__all__ = ["build_report", "narrative", "write_report"]
