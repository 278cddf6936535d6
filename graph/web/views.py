"""The pages of `adpilot web` about campaigns: the overview, a campaign, its report, Ask.

- **Campaigns** (`graph/web/overview.py`): per ad account, what adpilot launched or watches,
  with spend, results, cost per result against the target and the last cycle's verdicts; a
  campaign's page adds its ad sets and ads and the thread's timeline (the `trace` view).
- **Report** (`agents/insights/interactive.py`): the report's summary, its charts drawn by
  Plotly.js from the same series as the PNGs (applied actions marked), its actions, and the
  JSON and CSV files to download (only those, from the thread's own report folder).
- **Ask**: an `adpilot ask` request (answered at once, or a card) or a new brief (a card).
- **Sandbox clock** (only on the sandbox): move the simulated clock and wake the threads
  whose timer is then due, as `adpilot tick --advance-days N` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from graph.web.decide import FormProblem


async def campaigns(web: Any, request: Request) -> Response:
    """List the campaigns per ad account."""
    from graph.web.overview import accounts_overview

    accounts = await web.read(accounts_overview, web.runner, web.env.home)
    for acc in accounts:
        for row in acc["threads"]:
            row["verdict_counts"] = verdict_counts(row.get("verdicts") or [])
    return web.page(request, "campaigns.html", accounts=accounts)


SEVERITY = ("EMERGENCY_PAUSE", "PAUSE", "OPTIMIZE", "MONITOR", "CONTINUE")


def verdict_counts(verdicts: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Count the last cycle's verdicts, the most urgent first ("2 PAUSE · 5 OPTIMIZE …")."""
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[str(v.get("verdict"))] = counts.get(str(v.get("verdict")), 0) + 1
    rank = {name: i for i, name in enumerate(SEVERITY)}
    return sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(SEVERITY)), kv[0]))


async def campaign(web: Any, request: Request) -> Response:
    """Show one campaign: figures, verdicts, ad sets, ads and the thread's timeline."""
    from graph.web.overview import thread_detail

    detail = await web.read(thread_detail, web.runner, web.env.home, request.path_params["tid"])
    return web.page(request, "campaign.html", d=detail, tid=request.path_params["tid"])


def _report(web: Any, tid: str) -> dict[str, Any]:
    from agents.insights.interactive import web_report

    web.runner.status(tid)  # KeyError: no such thread
    return web_report(tid, runner=web.runner, home=web.env.home)


async def report(web: Any, request: Request) -> Response:
    """Show the thread's report with its interactive charts and downloads."""
    import json

    from graph.web.inbox import markdown_html

    tid = request.path_params["tid"]
    try:
        data = await web.run(_report, web, tid)
    except ValueError as exc:
        return web.page(request, "error.html", 404, message=str(exc))
    figures = [{**f, "json": json.dumps(f["figure"], default=str)} for f in data["figures"]]
    return web.page(request, "report.html", tid=tid, r=data, figures=figures,
                    summary_html=markdown_html(str(data.get("summary") or "")))


async def report_file(web: Any, request: Request) -> Response:
    """Send one of the report's JSON or CSV files (only those, from its own folder)."""
    tid, name = request.path_params["tid"], request.path_params["name"]
    folder = (Path(web.env.home) / "reports" / tid).resolve()
    await web.read(web.runner.status, tid)  # KeyError: no such thread
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix not in (".csv", ".json") or not path.is_file():
        raise KeyError(f"no report file {name!r} for {tid}: open the report page first, it "
                       "writes the JSON and CSV files")
    media = "text/csv" if path.suffix == ".csv" else "application/json"
    return FileResponse(path, media_type=media, filename=path.name)


def _ask(web: Any, form: dict[str, str]) -> Any:
    from state.bounds import MAX_ANSWER_CHARS

    request, brief = form.get("request", "").strip(), form.get("brief", "").strip()
    if bool(request) == bool(brief):
        raise FormProblem("request / brief: write a request (about existing campaigns) or a "
                          "brief (a new campaign), one of the two")
    text = request or brief
    if len(text) > MAX_ANSWER_CHARS:
        raise FormProblem(f"{'request' if request else 'brief'}: more than {MAX_ANSWER_CHARS} "
                          "characters; say it in a few sentences")
    if request:
        return web.runner.start("", None, request=text)
    return web.runner.start(text, None)


async def ask(web: Any, request: Request) -> Response:
    """Take a request or a brief: show the answer, or open the new card."""
    if request.method == "GET":
        tid = request.query_params.get("thread")
        if not tid:
            return web.page(request, "ask.html")
        outcome = await web.read(web.runner.status, tid)  # KeyError: no such thread
        return web.page(request, "ask.html", outcome=answer_view(outcome),
                        form={"request": str(outcome.values.get("request") or "")})
    form = await web.form(request)
    try:
        outcome = await web.run(_ask, web, form)
    except (FormProblem, ValueError) as exc:
        return web.page(request, "ask.html", 400, problem=str(exc), form=form)
    for note in outcome.notes:  # e.g. contact data masked before the thread stored the text
        web.flash(request, note, "warning")
    if outcome.interrupt is not None:
        return RedirectResponse(f"/threads/{outcome.thread_id}", status_code=303)
    # the answer has its own address: a reload reads it again instead of asking again
    return RedirectResponse(f"/ask?thread={outcome.thread_id}", status_code=303)


def answer_view(outcome: Any) -> dict[str, Any]:
    """Return a finished request as the Ask page shows it: the sentence and its table."""
    from agents.insights.answer import Answer

    values = outcome.values
    view: dict[str, Any] = {"thread_id": outcome.thread_id, "phase": values.get("phase"),
                            "status": str(values.get("status") or ""),
                            "notes": list((values.get("intent") or {}).get("notes") or [])}
    answer = values.get("answer")
    if isinstance(answer, dict) and answer:
        typed = Answer.model_validate(answer)
        view["sentence"] = answer.get("sentence")
        view["columns"], view["rows"] = list(typed.columns), list(typed.table())
        view["notes"] += list(typed.notes)
    summary = ((values.get("optimize") or {}).get("proposal") or {}).get("summary")
    view["summary"] = list(summary or [])
    return view


def _advance(web: Any, days: int) -> list[tuple[str, str]]:
    from agents.orchestrator.nodes import run_now
    from graph.ticking import advance_sandbox_clock, wake
    from graph.web.answers import explain
    from state.control import ThreadBusy
    from state.secrets import scrub

    if not web.env.context.sandbox:
        raise FormProblem("days: only the sandbox's clock moves (Meta's cannot be moved)")
    if (why := advance_sandbox_clock(web.env, days)) is not None:
        raise FormProblem(f"days: the sandbox refused to move its clock: {why}")
    now = run_now(web.env.context)
    lines = [("info", f"Sandbox clock moved {days} day(s): now {now.isoformat()}.")]
    for tid in web.runner.threads():
        current = web.runner.status(tid)
        if current.waiting_for != "wait" or web.runner.account_problem(current):
            continue
        try:
            with web.runner.lease(tid, wait_s=0):
                after = wake(web.runner, tid, now, say=lambda text, tid=tid, **_: lines.append(
                    ("info", f"{tid}: {text}")))
        except ThreadBusy:
            lines.append(("info", f"{tid}: skipped, another process is running it"))
            continue
        except Exception as exc:  # noqa: BLE001 - one thread's failure never stops the others
            said = explain(exc, tid)
            lines.append(("error", f"{tid}: FAILED — " + (said[1] if said else
                                                          f"{type(exc).__name__}: {scrub(exc)}")))
            continue
        if after is not None:
            lines.append(("info", f"{tid}: woken — " + woke(after)))
    return lines


def woke(after: Any) -> str:
    """Say where a woken thread stopped."""
    if after.waiting_for == "approval":
        return "a card waits in the inbox"
    if after.waiting_for == "clarify":
        return "a question waits in the inbox"
    if after.waiting_for == "wait":
        return "it waits for its next cycle"
    status = str(after.values.get("status") or "").strip().rstrip(".")
    return f"it ended{': ' + status if status else ''}"


async def advance(web: Any, request: Request) -> Response:
    """Move the sandbox clock and wake the threads then due."""
    form = await web.form(request)
    raw = form.get("days", "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 60:
        web.flash(request, f"days: {raw!r}; give a whole number of days from 1 to 60", "error")
        return RedirectResponse("/campaigns", status_code=303)
    try:
        lines = await web.run(_advance, web, int(raw))
    except FormProblem as exc:
        web.flash(request, str(exc), "error")
        return RedirectResponse("/campaigns", status_code=303)
    for level, line in lines:
        web.flash(request, line, level)
    return RedirectResponse("/inbox", status_code=303)


PAGES = [("/campaigns", campaigns, ["GET"]), ("/campaigns/{tid}", campaign, ["GET"]),
         ("/reports/{tid}", report, ["GET"]), ("/reports/{tid}/files/{name}", report_file, ["GET"]),
         ("/ask", ask, ["GET", "POST"]), ("/sandbox/advance", advance, ["POST"])]
