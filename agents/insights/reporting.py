"""Performance reports: `adpilot report THREAD [--format md|csv|json] [--out DIR]`.

`build_report(state, store, out_dir, fmt, model=None, client=None)` writes, for the thread's
campaign:

- **md**: `report.md` — executive summary (the model's narrative when one is configured, built
  from the facts otherwise: `report_text.py`), per-ad-set and per-ad tables (each ad beside its
  ad set), actions taken with their judged effect and every reason in full (`writers/export.py`),
  and up to four PNG charts, each only when it has something to draw (the report says how many
  it has): daily spend beside the daily budget with results, cost per result per ad set, spend
  and budget by ad set (each marking the days actions were applied: `charts.py`,
  `timeline.py`), and which variant — or ad set — is winning, in words (`experiment_chart.py`:
  not with a single ad set; where the loop cut the ad set it calls the best, a note under it
  and in the summary says why: `margin_note.py`);
- **csv**: `daily.csv` (every stored daily row), `ad_sets.csv`, `ads.csv`, `actions.csv`,
  and `assets.csv` when the campaign has dynamic creative — money in major units with a
  `currency` column, rates as percentages named `*_pct`, names without provenance tags
  (`writers/sheets.py`);
- **json**: `report.json` with the same content, money in whole minor units (`*_minor`, every
  one an integer, rounded half up: said in its `money` block), rates as percentages in `*_pct`
  fields beside the store's `ctr` (a percentage) and `conversion_rate` (a fraction), and the
  daily budget lines the charts draw (`daily_budgets`, a record per day).

Every format names each ad set's result by its goal — leads, conversations started, purchase
value — with the cost per result on that result (`results.py`), and for dynamic creative which
headline, text and image won (`assets_report.py`, read from Meta when a client is given). With
a client the report also reads the campaign's status and schedule from Meta, so a paused or
not yet started campaign is described as such (`report_text.delivery`).

`write_report(thread_id, fmt, out_dir, runner=..., home=...)` is the CLI entry: it reads the
thread's state from the checkpointer (`thread_state`) and the numbers from the insights store.
`build_report` is `report_contents` (what every format says, worked out once) then
`write_formats` (the charts, then each format's files); `chart_series` is the data the time
charts draw, so the web's interactive charts (`interactive.py`) draw the same series as the PNGs.
Every figure is computed from sums in the store, never from averaged ratios.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agents.insights import charts
from agents.insights.assets_report import asset_lines, asset_rows, assets_for_report
from agents.insights.experiment_chart import comparison_chart
from agents.insights.experiment_view import comparison
from agents.insights.margin_note import margin_note
from agents.insights.report_text import KPI_LABELS, delivery, facts, narrative
from agents.insights.results import by_result, result_label, results_by_goal, results_text
from agents.insights.timeline import action_marks, budget_days, budget_lines, daily_budgets
from agents.insights.writers.export import goal_lines, money_note, whole_minor, with_pct, write_md
from agents.insights.writers.sheets import write_csvs
from agents.optimize.cycle import kpi_of_plan
from agents.optimize.decide.stats import KPI_FIELDS
from agents.optimize.meta_io import targets_of
from state.insights_store import InsightsStore
from state.provenance import display_name
from tools.errors import MetaError


def _with_kpi(rows: list[dict[str, Any]], kpi: str) -> list[dict[str, Any]]:
    return [{**r, "kpi": float(r.get(KPI_FIELDS[kpi]) or 0)} for r in rows]


def _where(state: dict[str, Any], client: Any, cid: str, dates: list[str]) -> dict[str, Any]:
    """Say the campaign's state (live, paused, scheduled, ended): Meta's when it can be read."""
    first, last = (dates[0], dates[-1]) if dates else (None, None)
    # A client that cannot tell the account's time (a fake of the insights reads) is not asked.
    if client is not None and hasattr(client, "account_clock"):
        from agents.optimize.schedule import read_flight
        from tools.account import account_now

        try:
            flight = read_flight(client, cid, state.get("plan"))
            return delivery(state, first, last, flight, account_now(client))
        except (MetaError, OSError) as exc:  # the thread's own record still says what it knows
            return {**delivery(state, first, last), "meta_read_error": str(exc)}
    return delivery(state, first, last)


def chart_series(state: dict[str, Any], store: InsightsStore, cid: str, kpi: str, label: str,
                 currency: str, target: Any, campaign_rows: list[dict[str, Any]],
                 lines: dict[str, Any]) -> dict[str, Any]:
    """Return the series the time charts draw: the PNGs (`_charts`) and the web's (`interactive`).

    `campaign_rows` and `lines` (`budget_lines` over their days) are the report's own, read
    and worked out once for the charts and the JSON alike. Rows carry their result as `kpi`;
    budgets are minor units, one per day; marks are `timeline.action_marks`, overall and by
    ad set; `actions` the applied actions they were made from.
    """
    set_rows = _with_kpi(store.daily(cid, "adset"), kpi)
    names = {r["entity_id"]: display_name(r["name"]) for r in set_rows}
    actions = state.get("applied_actions") or []
    set_days = sorted({r["date"] for r in set_rows})
    return {
        "currency": currency, "label": label, "target_minor": target, "actions": actions,
        "window": 3,  # days in each cost per result (sums over a trailing window)
        "campaign_rows": _with_kpi(campaign_rows, kpi), "budget": lines["total"],
        "budget_label": "campaign daily budget" if lines["level"] == "campaign"
        else "daily budget",
        "marks": action_marks(actions),
        "ad_set_rows": set_rows, "names": names,
        "ad_set_budgets": daily_budgets(state.get("plan"), state.get("created"), actions,
                                        set_days),
        "ad_set_marks": {i: action_marks(actions, i) for i in names},
    }


def _charts(s: dict[str, Any], out: Path) -> list[str]:
    """Draw the time charts of `chart_series` (actions marked, budgets beside spend); their paths."""
    cur, label = s["currency"], s["label"]
    made = (
        charts.spend_and_conversions(s["campaign_rows"], cur, label,
                                     out / "daily_spend_results.png", s["budget"], s["marks"],
                                     s["budget_label"]),
        charts.cost_per_result(s["ad_set_rows"], s["names"], cur, label, s["target_minor"],
                               out / "cost_per_result.png", s["marks"], s["window"]),
        charts.ad_set_spend(s["ad_set_rows"], s["names"], cur, out / "spend_by_ad_set.png",
                            s["ad_set_budgets"], s["ad_set_marks"]),
    )
    return [str(p) for p in made if p]


def report_contents(state: dict[str, Any], store: InsightsStore, model: str | None = None,
                    client: Any = None) -> dict[str, Any]:
    """Work out what every format of the report says, once; raise ValueError without a campaign.

    Returns `cid`, `currency`, `summary`, `facts`, `totals`, `sets`, `ads`, `actions`,
    `view` (`experiment_view.comparison`), `goals`, `assets`, `dates`, `lines` and `series`
    (`chart_series`): what `write_formats` writes.
    """
    cid = str((state.get("created") or {}).get("campaign") or "")
    if not cid:
        raise ValueError("this thread has no launched campaign yet: nothing to report")
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
    for group in (sets, ads):
        for v in group.values():
            v["name"] = display_name(v["name"])
    # Each ad's ad set (several ad sets hold ads of the same name).
    for r in store.daily(cid, "ad"):
        if r["entity_id"] in ads and r.get("adset_id"):
            ads[r["entity_id"]]["adset_id"] = r["adset_id"]
            ads[r["entity_id"]]["ad_set"] = (sets.get(r["adset_id"]) or {}).get("name")
    target = targets.get("target_cpa_minor")
    view = comparison(state, store, cid, kpi, currency, label, target)
    actions = state.get("applied_actions") or []
    if view is not None:  # the loop judged by the margin: say so where it cut the leader
        view["note"] = margin_note(view, actions, sets, kpi, currency,
                                   {k: v["name"] for k, v in sets.items()})
    lines = budget_lines(plan, state.get("created"), actions, dates)
    goals = results_by_goal(plan, state.get("created") or {}, sets)
    kinds = by_result(goals)
    # best and worst compare the ad sets of the commonest kind of result (a lead is no purchase)
    main = set(max(kinds, key=lambda k: len(k["ad_sets"]))["ad_sets"]) if kinds else set(sets)
    f = facts(state, totals, {k: v for k, v in sets.items() if k in main}, kpi, currency, view,
              label, _where(state, client, cid, dates))
    f["results_by_goal"] = [{k: g[k] for k in ("name", "result", "results")} for g in goals]
    if len(kinds) > 1:  # several kinds of result: the summary names each, with its cost
        f["results_text"] = results_text(kinds, currency)
    return {"cid": cid, "currency": currency, "summary": narrative(f, model), "facts": f,
            "totals": totals, "sets": sets, "ads": ads, "actions": actions, "view": view,
            "goals": goals, "assets": assets, "dates": dates, "lines": lines,
            "series": chart_series(state, store, cid, kpi, label, currency, target, camp_rows,
                                   lines)}


def write_formats(c: dict[str, Any], store: InsightsStore, out_dir: str | Path,
                  fmts: tuple[str, ...]) -> dict[str, Any]:
    """Write the charts once, then each of `fmts` (md, csv, json) of `report_contents` `c`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    currency, actions, goals, assets = c["currency"], c["actions"], c["goals"], c["assets"]
    files: dict[str, Any] = {"charts": _charts(c["series"], out)}
    if made := comparison_chart(c["view"], out / "which_is_winning.png"):
        files["charts"].append(str(made))
    if "json" in fmts:
        payload = {
            "money": money_note(currency),
            "summary": c["summary"],
            "facts": c["facts"],
            "totals": with_pct(c["totals"]),
            "ad_sets": {k: with_pct(v) for k, v in c["sets"].items()},
            "ads": {k: with_pct(v) for k, v in c["ads"].items()},
            "actions": actions,
            "comparison": c["view"],
            "charts": files["charts"],
            "results_by_goal": goals,
            "dynamic_creative": assets,
            "daily_budgets": budget_days(c["lines"], c["dates"]),
        }
        (out / "report.json").write_text(json.dumps(whole_minor(payload), indent=2, default=str))
        files["report"] = str(out / "report.json")
    if "csv" in fmts:
        files["csv"] = write_csvs(out, store, c["cid"], c["sets"], c["ads"], actions, currency,
                                  goals, asset_rows(assets))
    if "md" in fmts:
        extra = goal_lines(goals, currency) + asset_lines(assets, currency)
        ad_sets_of_ads = {k: str(v.get("ad_set") or "") for k, v in c["ads"].items()}
        files["report"] = str(write_md(out, c["facts"], c["summary"], c["sets"], c["ads"],
                                       ad_sets_of_ads, actions, currency, files["charts"], extra))
    return files


def build_report(
    state: dict[str, Any],
    store: InsightsStore,
    out_dir: str | Path,
    fmt: str = "md",
    model: str | None = None,
    client: Any = None,
) -> dict[str, Any]:
    """Write the report in `fmt` (md, csv or json) to `out_dir`; return what was written.

    `client` reads the campaign's status and schedule and the dynamic creative's asset
    breakdowns from Meta (without one, the report says what the thread knows, and that the
    assets were not read).
    """
    if fmt not in ("md", "csv", "json"):
        raise ValueError(f"--format {fmt!r}: use md, csv or json")
    return write_formats(report_contents(state, store, model, client), store, out_dir, (fmt,))


def meta_client(runner: Any, thread_id: str) -> Any:
    """Return a Meta client from the runner's context (None when it has no client factory)."""
    factory = getattr(getattr(runner, "context", None), "client_factory", None)
    if factory is None:
        return None
    try:
        return factory(thread_id=thread_id)
    except TypeError:  # factories written for the tools take no arguments
        return factory()


def thread_state(thread_id: str, *, runner: Any, home: str | Path) -> dict[str, Any]:
    """Return the thread's state from the checkpointer, with every applied action it took."""
    from agents.optimize.history import full_history

    state = runner.status(thread_id).values
    # The checkpoint holds the loop's working set; the report lists every applied action —
    # and those other threads (`adpilot ask`, a second loop) applied to the same campaign,
    # each with the thread it came from, so "adpilot applied N actions" counts them all.
    own = full_history(state, thread_id, home)
    cid = str((state.get("created") or {}).get("campaign") or "")
    return {**state, "applied_actions": own + _elsewhere(cid, thread_id, runner, home)}


def _elsewhere(cid: str, thread_id: str, runner: Any, home: str | Path) -> list[dict[str, Any]]:
    """Return the applied actions of the other threads on campaign `cid`, marked by thread."""
    from agents.optimize.history import full_history

    threads = getattr(runner, "threads", None)  # the Runner's; a reader without it: none
    if not cid or not callable(threads):
        return []
    out = []
    for other in threads():
        if other == thread_id:
            continue
        values = runner.status(other).values
        for e in full_history(values, other, home):
            if str((e.get("target") or {}).get("campaign_id") or "") == cid:
                out.append({**e, "thread_id": other})
    return sorted(out, key=lambda e: str(e.get("applied_at") or ""))


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
    state = thread_state(thread_id, runner=runner, home=home)
    target = Path(out_dir) if out_dir else Path(home) / "reports" / thread_id
    client = meta_client(runner, thread_id)  # the campaign's status, dynamic creative's assets
    store = InsightsStore(home)
    try:
        return build_report(state, store, target, fmt, model, client)
    finally:
        store.close()


__all__ = ["build_report", "chart_series", "narrative", "report_contents", "thread_state",
           "write_formats", "write_report"]
