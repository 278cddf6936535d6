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

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from graph.web import answers
from graph.web.decide import FormProblem
from graph.web.inbox import card_view, inbox_items
from graph.web.security import LOGIN_DELAY_S, Refused, set_session

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("adpilot.web")


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
            except Exception as exc:  # noqa: BLE001 - every failure gets a page that says what to do
                tid = request.path_params.get("tid")
                said = answers.explain(exc, tid)
                if said is None:
                    log.exception("adpilot web: %s %s failed", request.method, request.url.path)
                    said = (500, f"adpilot failed ({type(exc).__name__}); the details are in the "
                                 "log of `adpilot web`. Open the thread again to see where it "
                                 "stands.")
                return web.page(request, "error.html", said[0], message=said[1], tid=tid)
        return run

    pages = [("/", home, ["GET"]), ("/login", login, ["GET", "POST"]),
             ("/logout", logout, ["POST"]), ("/inbox", inbox, ["GET"]),
             ("/threads/{tid}", thread, ["GET"]), ("/threads/{tid}/decide", decide, ["GET", "POST"]),
             ("/threads/{tid}/answer", answer, ["GET", "POST"]),
             ("/threads/{tid}/continue", resume, ["GET", "POST"]), *views.PAGES]
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
        await asyncio.sleep(LOGIN_DELAY_S)  # a token is not guessed a thousand times a second
        return web.page(request, "login.html", exc.status, error=exc.message)
    response = RedirectResponse("/inbox", status_code=303)
    set_session(response, sid)
    return response


async def logout(web: Any, request: Request) -> Response:
    """End this browser's session."""
    await web.form(request)
    web.guard.close_session(request.state.sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie("adpilot_session", path="/")
    return response


async def inbox(web: Any, request: Request) -> Response:
    """List the threads waiting for a person."""
    items = await web.read(inbox_items, web.runner)
    return web.page(request, "inbox.html", items=items)


def thread_view(web: Any, tid: str) -> dict[str, Any]:
    """Return what the thread page shows: the pending card, or where the thread stands."""
    from agents.insights.results import created_rows
    from graph.spend_check import pending_check
    from state.secrets import scrub_obj
    from tools.kill_switch import stopped_threads

    current = web.runner.status(tid)
    values = current.values
    check = pending_check(current)
    proposal = (values.get("optimize") or {}).get("proposal") or {}
    return {
        "stopped_at": stopped_threads(web.env.home).get(tid),
        "summary": [str(x) for x in proposal.get("summary") or []] if current.done else [],
        "stuck": not current.done and current.interrupt is None,
        "next": list(current.next),
        "tid": tid,
        "card": card_view(current),
        "waiting_for": current.waiting_for,
        "waits_for": current.waits_for,
        "done": current.done,
        "phase": values.get("phase"),
        "status": scrub_obj(values.get("status")),
        "account": values.get("account"),
        "elsewhere": web.runner.account_problem(current),
        "created": created_rows(values.get("created") or {}, values.get("plan")),
        "confirm": check.get("text") if check else None,
        "until": (current.interrupt or {}).get("until") if current.waiting_for == "wait" else None,
        "throttled": answers.throttled_until(current),
    }


async def thread(web: Any, request: Request, status: int = 200, **extra: Any) -> Response:
    """Show a thread: its pending card with the forms to answer it, or where it stands."""
    view = await web.read(thread_view, web, request.path_params["tid"])
    return web.page(request, "thread.html", status, **view, **extra)


async def _answered(web: Any, request: Request,
                    work: Callable[..., tuple[str, Any]]) -> Response:
    """Run an answer; show the thread again (400/409 and why) or go to it with a line said."""
    tid = request.path_params["tid"]
    if request.method == "GET":  # a reload of the page a refused post showed
        return RedirectResponse(f"/threads/{tid}", status_code=303)
    form = await web.form(request)
    try:
        result, detail = await web.run(work, web, tid, form)
    except (FormProblem, ValueError) as exc:
        return await thread(web, request, 400, problem=str(exc), typed=form)
    if result == "stale":
        return await thread(web, request, 409, problem=answers.STALE)
    level, line = answers.said(*detail)
    web.flash(request, line, level)
    for note in getattr(detail[1], "notes", []):  # e.g. contact data masked in an answer
        web.flash(request, note, "warning")
    return RedirectResponse(f"/threads/{tid}", status_code=303)


async def decide(web: Any, request: Request) -> Response:
    """Answer an approval card (see the module docstring)."""
    return await _answered(web, request, answers.decide)


async def answer(web: Any, request: Request) -> Response:
    """Answer a thread's question (the card the page showed, by its id)."""
    return await _answered(web, request, answers.answer)


async def resume(web: Any, request: Request) -> Response:
    """Continue a thread whose process stopped mid-run (`adpilot resume THREAD`)."""
    return await _answered(web, request, answers.continue_thread)
