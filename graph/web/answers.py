"""A card answered from the browser, run against the thread: the same path as the CLI's answer.

`decide(web, tid, form)` answers an approval card, `answer(web, tid, form)` a question,
`continue_thread(web, tid, form)` re-runs what a thread was doing when its process stopped
(`adpilot resume THREAD`). Each first takes the thread's lease without waiting — a thread
another process is advancing is refused at once (`ThreadBusy`), never waited for while the
page hangs — then checks the form names the card pending now (`interrupt_id`, `receipt`): when
it does not, nothing runs ("stale"). `said(before, after)` is the one line the next page shows.
`explain(exc)` turns what can go wrong while a thread runs into words and an HTTP status, as
the CLI's `clear_errors` does for an exit code.
"""

from __future__ import annotations

from typing import Any

from graph.web.decide import FormProblem, approves_any, card_identity, decision_value

STALE = ("This card was answered or changed elsewhere since the page showed it (or the form "
         "was not this card's): nothing was decided. Here it is as it stands now.")


def decide(web: Any, tid: str, form: dict[str, str]) -> tuple[str, Any]:
    """Answer the approval card `form` names; returns ("stale", current) or ("done", after)."""
    from graph.runner import StaleDecision
    from graph.spend_check import parse_amount, pending_check
    from state.rules import format_money

    interrupt_id, receipt = card_identity(form)
    with web.runner.lease(tid, wait_s=0):
        current = web.runner.status(tid)
        payload = current.interrupt or {}
        if current.waiting_for != "approval" or current.interrupt_id != interrupt_id or \
                str(payload.get("receipt") or "") != receipt:
            return "stale", current
        if (elsewhere := web.runner.account_problem(current)) is not None:
            raise FormProblem(elsewhere.replace("run the command again with",
                                                "start `adpilot web` with"))
        value = decision_value(form, payload)
        if approves_any(value) and (check := pending_check(current)) is not None:
            currency = str(check.get("currency") or "USD")
            typed = form.get("confirm_budget", "").strip()
            amount = format_money(int(check["daily_minor"]), currency)
            if not typed:
                raise FormProblem(f"confirm_budget: {check['text']} Type the daily amount "
                                  f"({amount}) in the box to approve it.")
            if parse_amount(typed, currency) != int(check["daily_minor"]):
                raise FormProblem(f"confirm_budget: {typed!r} is not the plan's daily budget "
                                  f"({amount}); type it to approve, or edit the plan.")
        value["receipt"] = receipt
        try:
            after = web.runner.resume(tid, value, expect="approval", interrupt_id=interrupt_id)
        except StaleDecision as exc:
            return "stale", exc.current
        return "done", (current, after)


def answer(web: Any, tid: str, form: dict[str, str]) -> tuple[str, Any]:
    """Answer the question `form` names; returns ("stale", current) or ("done", after)."""
    from state.bounds import MAX_ANSWER_CHARS

    interrupt_id = form.get("interrupt_id", "")
    text = form.get("answer", "").strip()
    if not text:
        raise FormProblem("answer: empty; answer the question in a few words")
    if len(text) > MAX_ANSWER_CHARS:
        raise FormProblem(f"answer: more than {MAX_ANSWER_CHARS} characters; say it shorter")
    with web.runner.lease(tid, wait_s=0):
        current = web.runner.status(tid)
        if current.waiting_for != "clarify" or current.interrupt_id != interrupt_id:
            return "stale", current
        after = web.runner.resume(tid, text, expect="clarify", interrupt_id=interrupt_id)
        return "done", (current, after)


def continue_thread(web: Any, tid: str, form: dict[str, str]) -> tuple[str, Any]:
    """Re-run what the thread was doing when its process stopped (it waits for nothing)."""
    with web.runner.lease(tid, wait_s=0):
        current = web.runner.status(tid)
        if current.interrupt is not None or current.done:
            return "stale", current
        return "done", (current, web.runner.continue_thread(tid))


def throttled_until(current: Any) -> str | None:
    """Say a throttle wait (its payload names the throttled node), or None for any other."""
    wait = current.interrupt or {}
    if current.waiting_for != "wait" or not wait.get("node"):
        return None
    until = str(wait.get("until") or "")[:16].replace("T", " ")
    return (f"Meta asked adpilot to slow down for this account (rate limit, code "
            f"{wait.get('code')}): the thread waits and goes on from where it stopped after "
            f"{until} UTC, when `adpilot tick` or the server's ticker wakes it; writes already "
            "made are not made again.")


def said(before: Any, after: Any) -> tuple[str, str]:
    """Return (level, line) on where the thread stands after an answer."""
    values = after.values
    status = str(values.get("status") or "").strip().rstrip(".")
    had = (before.values.get("created") or {}).get("campaign")
    made = (values.get("created") or {}).get("campaign")
    refused = "REFUSED" in status or values.get("phase") in ("refused", "edit_refused")
    head = f"Launched: campaign {made}. " if made and not had else ""
    if after.waiting_for == "approval":
        error = (after.interrupt or {}).get("error")
        if error:
            return "error", f"{head}Your answer was not applied: {error}"
        if after.interrupt_id == before.interrupt_id:
            return "info", f"{head}The card is unchanged."
        return "info", f"{head}A new card waits (below): read it before you answer."
    if after.waiting_for == "clarify":
        return "info", f"{head}It asks a question (below)."
    if values.get("phase") == "rejected":
        return "info", "Rejected: nothing was written."
    if refused:
        return "error", f"{head}{status or 'Refused'}."
    if throttle := throttled_until(after):
        return "error", f"{head}{throttle}"
    if after.waiting_for == "wait":
        return "info", f"{head}Done; the thread waits for its next optimise cycle" + (
            f" ({status})." if status else ".")
    return "info", f"{head}Done{': ' + status if status else ''}."


def explain(exc: BaseException, tid: str | None = None) -> tuple[int, str] | None:
    """Return (HTTP status, words) for an error a person can act on (None: a bug)."""
    from agents.common import LaunchError
    from state.control import LeaseLost, ThreadBusy, ThreadStopped
    from state.secrets import scrub
    from state.storage import StorageError
    from tools.errors import MetaError, ThrottledError

    where = f" the thread {tid}" if tid else " the thread"
    said = scrub(exc).strip().rstrip(".")
    then = (f" It stays where it stopped: open{where} again, and continue it there (or "
            f"`adpilot resume {tid or 'THREAD'}`) once the cause is fixed.")
    if isinstance(exc, ThreadBusy):
        return 409, (f"{said}. Another process is advancing{where} right now (an "
                     "`adpilot` command or the server's ticker): nothing was decided here. "
                     "Open it again in a moment.")
    if isinstance(exc, ThreadStopped):
        return 409, f"{said}. Nothing was decided."
    if isinstance(exc, ThrottledError):
        return 429, f"{exc.words()}{then}"
    if isinstance(exc, MetaError):
        return 502, f"Meta refused or failed: {said}.{then}"
    if isinstance(exc, LaunchError | StorageError | LeaseLost):
        return 500, f"{said}.{then}"
    if isinstance(exc, OSError):
        return 502, f"Could not reach Meta or the disk: {said}.{then}"
    return None
