"""The pages of `adpilot web` about cards: login, the inbox, a thread, and answering it.

An answer goes through the same checks as `adpilot approve` / `adpilot resume --answer`: the
form names the card it answers (`interrupt_id` and `receipt`, from the page that showed it);
when the thread's pending card is another one — answered in the CLI, edited elsewhere, or the
form is a replay or a forgery — nothing is decided and the page shows the card as it stands
(409). A launch whose budget is far above the account's history needs its daily amount typed
back, as in the CLI. The runner then resumes the thread by the interrupt's id with the card's
receipt, so the graph's own receipt check and the money gate judge it like any answer.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from graph.web.decide import FormProblem, approves_any, card_identity, decision_value
from graph.web.inbox import card_view, inbox_items
from graph.web.security import Refused, set_session

Handler = Callable[[Request], Awaitable[Response]]


def routes(web: Any) -> list[Route]:
    """Every route of the dashboard."""
    from graph.web import views

    def guarded(handler: Callable[[Any, Request], Awaitable[Response]]) -> Handler:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            try:
                return await handler(web, request)
            except Refused as exc:
                return PlainTextResponse(f"{exc.message}. Nothing was done.", status_code=exc.status)
            except KeyError as exc:
                return web.page(request, "error.html", 404, message=str(exc.args[0] if exc.args else exc))
        return run

    pages = [("/", home, ["GET"]), ("/login", login, ["GET", "POST"]), ("/inbox", inbox, ["GET"]),
             ("/threads/{tid}", thread, ["GET"]), ("/threads/{tid}/decide", decide, ["POST"]),
             ("/threads/{tid}/answer", answer, ["POST"]), *views.PAGES]
    return [Route(path, guarded(fn), methods=methods) for path, fn, methods in pages]


async def home(web: Any, request: Request) -> Response:
    """Open the inbox."""
    return RedirectResponse("/inbox", status_code=303)


async def login(web: Any, request: Request) -> Response:
    """Ask for the operator's token; a right one opens a session."""
    if request.method == "GET":
        return web.page(request, "login.html")
    form = await request.form()
    typed = form.get("token")
    try:
        sid = web.guard.login(typed if isinstance(typed, str) else "")
    except Refused as exc:
        return web.page(request, "login.html", exc.status, error=exc.message)
    response = RedirectResponse("/inbox", status_code=303)
    set_session(response, sid)
    return response


async def inbox(web: Any, request: Request) -> Response:
    """List the threads waiting for a person."""
    items = await web.run(inbox_items, web.runner)
    return web.page(request, "inbox.html", items=items)


def thread_view(web: Any, tid: str) -> dict[str, Any]:
    """Return what the thread page shows: the pending card, or where the thread stands."""
    from graph.spend_check import pending_check
    from state.secrets import scrub_obj

    current = web.runner.status(tid)
    values = current.values
    check = pending_check(current)
    return {
        "tid": tid,
        "card": card_view(current),
        "waiting_for": current.waiting_for,
        "waits_for": current.waits_for,
        "done": current.done,
        "phase": values.get("phase"),
        "status": scrub_obj(values.get("status")),
        "account": values.get("account"),
        "elsewhere": web.runner.account_problem(current),
        "created": created_rows(values),
        "confirm": check.get("text") if check else None,
        "until": (current.interrupt or {}).get("until") if current.waiting_for == "wait" else None,
    }


def created_rows(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return the objects a launch created: (kind, plan key, Meta id), campaign first."""
    created = values.get("created") or {}
    rows = [("campaign", "", str(created["campaign"]))] if created.get("campaign") else []
    for kind in ("ad_sets", "creatives", "ads", "audiences", "lead_forms"):
        for key, meta_id in (created.get(kind) or {}).items():
            rows.append((kind[:-1].replace("_", " "), str(key)[:8], str(meta_id)))
    return rows


async def thread(web: Any, request: Request, status: int = 200, **extra: Any) -> Response:
    """Show a thread: its pending card with the forms to answer it, or where it stands."""
    view = await web.run(thread_view, web, request.path_params["tid"])
    return web.page(request, "thread.html", status, **view, **extra)


def _decide(web: Any, tid: str, form: dict[str, str]) -> tuple[str, Any]:
    """Answer the approval card `form` names; returns (result, detail)."""
    from graph.runner import StaleDecision
    from graph.spend_check import parse_amount, pending_check
    from state.rules import format_money

    interrupt_id, receipt = card_identity(form)
    current = web.runner.status(tid)
    payload = current.interrupt or {}
    if current.waiting_for != "approval" or current.interrupt_id != interrupt_id or \
            str(payload.get("receipt") or "") != receipt:
        return "stale", current
    if (elsewhere := web.runner.account_problem(current)) is not None:
        raise FormProblem(elsewhere.replace("run the command again with", "start `adpilot web` "
                                                                           "with"))
    value = decision_value(form, payload)
    if approves_any(value) and (check := pending_check(current)) is not None:
        currency = str(check.get("currency") or "USD")
        typed = form.get("confirm_budget", "").strip()
        amount = format_money(int(check["daily_minor"]), currency)
        if not typed:
            raise FormProblem(f"confirm_budget: {check['text']} Type the daily amount ({amount}) "
                              "in the box to approve it.")
        if parse_amount(typed, currency) != int(check["daily_minor"]):
            raise FormProblem(f"confirm_budget: {typed!r} is not the plan's daily budget "
                              f"({amount}); type it to approve, or edit the plan.")
    value["receipt"] = receipt
    try:
        outcome = web.runner.resume(tid, value, expect="approval", interrupt_id=interrupt_id)
    except StaleDecision as exc:
        return "stale", exc.current
    return "done", outcome


STALE = ("This card was answered or changed elsewhere since the page showed it (or the form "
         "was not this card's): nothing was decided. Here it is as it stands now.")


def said(outcome: Any) -> str:
    """One line on where a thread stopped after an answer."""
    created = (outcome.values.get("created") or {}).get("campaign")
    phase = outcome.values.get("phase")
    if outcome.waiting_for == "approval":
        return "Answered. The thread shows a new card (below)."
    head = f"Launched: campaign {created}. " if created and phase not in ("rejected",) else ""
    if phase == "rejected":
        return "Rejected: nothing was written."
    if outcome.waiting_for == "wait":
        return f"{head}Answered; the thread waits for its next optimise cycle."
    return f"{head}Answered; {outcome.values.get('status') or 'the thread moved on'}."


async def decide(web: Any, request: Request) -> Response:
    """Answer an approval card (see the module docstring)."""
    tid = request.path_params["tid"]
    form = await web.form(request)
    try:
        result, detail = await web.run(_decide, web, tid, form)
    except (FormProblem, ValueError) as exc:
        return await thread(web, request, 400, problem=str(exc))
    if result == "stale":
        return await thread(web, request, 409, problem=STALE)
    web.flash(request, said(detail))
    return RedirectResponse(f"/threads/{tid}", status_code=303)


def _answer(web: Any, tid: str, form: dict[str, str]) -> tuple[str, Any]:
    from state.bounds import MAX_ANSWER_CHARS

    interrupt_id = form.get("interrupt_id", "")
    text = form.get("answer", "").strip()
    if not text:
        raise FormProblem("answer: empty; answer the question in a few words")
    if len(text) > MAX_ANSWER_CHARS:
        raise FormProblem(f"answer: more than {MAX_ANSWER_CHARS} characters; say it shorter")
    current = web.runner.status(tid)
    if current.waiting_for != "clarify" or current.interrupt_id != interrupt_id:
        return "stale", current
    return "done", web.runner.resume(tid, text, expect="clarify", interrupt_id=interrupt_id)


async def answer(web: Any, request: Request) -> Response:
    """Answer a thread's question (the card the page showed, by its id)."""
    tid = request.path_params["tid"]
    form = await web.form(request)
    try:
        result, detail = await web.run(_answer, web, tid, form)
    except (FormProblem, ValueError) as exc:
        return await thread(web, request, 400, problem=str(exc))
    if result == "stale":
        return await thread(web, request, 409, problem=STALE)
    web.flash(request, said(detail))
    return RedirectResponse(f"/threads/{tid}", status_code=303)
