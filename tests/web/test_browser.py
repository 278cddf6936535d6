"""The dashboard in a real browser (Debian's Chromium through Playwright), on the embedded sandbox.

One marketer's day: open the inbox, read the launch card (budget and audience), approve it with
a click, find the campaign with its Meta ids; move the sandbox clock until the optimise loop
shows a card; approve one of its actions and reject another; open the report and find the
applied action marked on its chart. Every page is saved as a screenshot under `.artifacts/web/`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import CHROMIUM_FLAGS, chromium, dashboard, shot

pytestmark = pytest.mark.slow


@pytest.fixture
def browser() -> Any:
    """A headless Debian Chromium (skips, saying why, where it is not installed)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            b.close()


def _optimise_card(page: Any, d: Any) -> str:
    """Move the sandbox clock from the Campaigns page until an optimise card waits; its thread."""
    for _ in range(8):
        page.goto(f"{d.url}/campaigns")
        page.fill("#advance-days", "3")
        page.click("#advance-submit")
        page.wait_for_url(re.compile(r"/inbox$"))
        rows = page.locator("tr.item.kind-approval, tr.item.kind-alert")
        if rows.count():
            return str(rows.first.get_attribute("data-thread"))
    raise AssertionError("no optimise card after 24 simulated days")


def test_inbox_launch_optimise_and_report(clean_env: Path, browser: Any) -> None:
    from agents.insights.timeline import action_marks
    from agents.optimize.history import full_history

    with dashboard(clean_env) as d:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # The inbox lists the launch card; its page shows the budget and the audiences.
        page.goto(f"{d.url}/inbox")
        row = page.locator(f"tr.item[data-thread='{d.thread_id}']")
        assert row.locator(".badge.launch").count() == 1
        shot(page, "1-inbox")
        row.locator("a.button").click()
        card = page.locator("#card")
        text = card.inner_text()
        assert "USD 160.00 a day" in text, text[:400]
        for ages in ("18-24", "25-34", "35-44", "45-54"):
            assert ages in text
        assert "Canada" in text or "CA" in text
        shot(page, "2-launch-card")
        # Approve with a click: the campaign appears with its ids.
        page.click("#approve-all")
        page.wait_for_selector("#created")
        created = d.runner.status(d.thread_id).values["created"]
        ids = page.locator("#created code.meta-id").all_inner_texts()
        assert created["campaign"] in ids
        assert set(created["ads"].values()) <= set(ids)
        assert f"Launched: campaign {created['campaign']}" in page.locator(".flash").inner_text()
        shot(page, "3-launched")
        page.goto(f"{d.url}/campaigns")
        assert page.locator(f"tr[data-campaign='{created['campaign']}']").count() == 1
        shot(page, "4-campaigns")
        # The clock moves; the loop's card waits; one action approved, another rejected.
        tid = _optimise_card(page, d)
        assert tid == d.thread_id
        shot(page, "5-inbox-optimise")
        page.goto(f"{d.url}/threads/{tid}")
        actions = page.locator("div.action")
        assert actions.count() >= 2, page.locator("#card").inner_text()[:600]
        pending = d.runner.status(tid).interrupt["action_requests"]
        page.check("#action-0 input[value=approve]")
        page.check(f"#action-{actions.count() - 1} input[value=reject]")
        page.fill(f"#action-{actions.count() - 1} input[name=reason-{actions.count() - 1}]",
                  "not this week")
        for i in range(1, actions.count() - 1):
            page.check(f"#action-{i} input[value=reject]")
        shot(page, "6-optimise-card")
        page.click("#submit-decisions")
        page.wait_for_load_state()
        shot(page, "7-decided")
        values = d.runner.status(tid).values
        history = full_history(values, tid, d.env.home)
        applied = [a for a in history if a.get("status") == "applied"]
        assert [a["name"] for a in applied] == [pending[0]["name"]], applied
        assert pending[0]["args"] == applied[0]["args"]
        # The report marks the applied action on its chart.
        page.goto(f"{d.url}/reports/{tid}")
        page.wait_for_selector("#chart-spend .main-svg")
        marks = action_marks(list(history))
        assert marks, history
        notes = page.locator("#chart-spend .annotation-text").all_text_contents()
        assert marks[-1]["label"] in notes, notes
        shot(page, "8-report")
        # The campaign's figures, the last cycle's verdicts and the thread's timeline.
        page.goto(f"{d.url}/campaigns")
        row = page.locator(f"tr[data-campaign='{created['campaign']}']")
        assert "USD" in row.inner_text() and "PAUSE" in row.inner_text()
        shot(page, "9-campaigns-after")
        row.locator(f"a[href='/campaigns/{tid}']").first.click()
        verdicts = page.locator("#verdicts").inner_text()
        assert "PAUSE" in verdicts and pending[0]["args"]["ad_id"] in verdicts
        writes = page.locator("#timeline tr.t-meta_write").all_inner_texts()
        assert any(created["campaign"] in w for w in writes), writes[:3]
        assert any(pending[0]["args"]["ad_id"] in w for w in writes)
        shot(page, "10-campaign")
        html = page.content() + page.goto(f"{d.url}/inbox").text()
        assert "sandbox-token" not in html  # the sandbox's access token is on no page
