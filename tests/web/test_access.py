"""Who may use the dashboard, and that a stale, forged or replayed form post writes nothing.

Driven over HTTP (Starlette's TestClient) against the app over a real thread on the embedded
sandbox; "nothing written" is read off the sandbox itself (no campaign exists) and the thread
(still waiting on the same card).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import dashboard

LOCAL = "http://127.0.0.1:8765"


def _form(client: TestClient, tid: str) -> dict[str, str]:
    """The hidden fields of the thread page's decision form."""
    html = client.get(f"/threads/{tid}").text
    form = html[html.index('id="decide"'):]
    return {name: value for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)}


def _campaigns(d: Any) -> int:
    return int(d.env.sandbox.store.db["objects"].count_where("type = 'campaign'"))


def _unchanged(d: Any, interrupt_id: str) -> None:
    now = d.runner.status(d.thread_id)
    assert now.waiting_for == "approval" and now.interrupt_id == interrupt_id
    assert not (now.values.get("created") or {}).get("campaign")
    assert _campaigns(d) == 0


@pytest.fixture
def served(clean_env: Path) -> Any:
    with dashboard(clean_env) as d:
        yield d


def test_forged_and_stale_posts_write_nothing(served: Any) -> None:
    d, tid = served, served.thread_id
    client = TestClient(d.app, base_url=LOCAL)
    fields = _form(client, tid)
    assert set(fields) == {"csrf", "interrupt_id", "receipt"}
    page = client.get(f"/threads/{tid}")
    assert "script-src 'self';" in page.headers["content-security-policy"]  # no inline script
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert "max-age" in client.get("/static/plotly.min.js").headers["cache-control"]
    iid = fields["interrupt_id"]
    # no CSRF value: refused before the decision is read
    r = client.post(f"/threads/{tid}/decide", data={**fields, "csrf": "", "all": "approve"})
    assert r.status_code == 403 and "csrf" in r.text
    _unchanged(d, iid)
    # another session's CSRF value
    other = TestClient(d.app, base_url=LOCAL)
    theirs = _form(other, tid)["csrf"]
    assert theirs != fields["csrf"]
    r = client.post(f"/threads/{tid}/decide", data={**fields, "csrf": theirs, "all": "approve"})
    assert r.status_code == 403
    # posted from another site
    r = client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"},
                    headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "another site" in r.text
    # a forged receipt: the card as it stands is shown again, nothing decided
    r = client.post(f"/threads/{tid}/decide", data={**fields, "receipt": "0" * 64, "all": "approve"})
    assert r.status_code == 409 and "nothing was decided" in r.text
    assert 'id="card"' in r.text
    # a card id that is not the pending one
    r = client.post(f"/threads/{tid}/decide", data={**fields, "interrupt_id": "x" * 32,
                                                    "all": "approve"})
    assert r.status_code == 409
    # a form without the card's identity at all
    r = client.post(f"/threads/{tid}/decide", data={"csrf": fields["csrf"], "all": "approve"})
    assert r.status_code == 400 and "interrupt_id" in r.text
    _unchanged(d, iid)
    # the real answer launches; replaying it decides nothing more
    r = client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert _campaigns(d) == 1
    after = d.runner.status(tid)
    r = client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"})
    assert r.status_code == 409 and "nothing was decided" in r.text
    assert _campaigns(d) == 1
    assert d.runner.status(tid).values.get("created") == after.values.get("created")


def test_bad_edit_names_the_field_and_keeps_the_card(served: Any) -> None:
    d, tid = served, served.thread_id
    client = TestClient(d.app, base_url=LOCAL)
    fields = _form(client, tid)
    r = client.post(f"/threads/{tid}/decide",
                    data={**fields, "decision-0": "edit", "edit-0": "{not json"})
    assert r.status_code == 400 and "edit-0: not valid JSON" in r.text
    assert "{not json</textarea>" in r.text  # what was typed is still there to fix
    r = client.post(f"/threads/{tid}/decide", data={**fields, "decision-0": "launch"})
    assert r.status_code == 400 and "decision-0" in r.text
    _unchanged(d, fields["interrupt_id"])


def test_edited_plan_shows_a_new_card(served: Any) -> None:
    import json

    d, tid = served, served.thread_id
    client = TestClient(d.app, base_url=LOCAL)
    fields = _form(client, tid)
    plan = d.runner.status(tid).interrupt["action_requests"][0]["args"]["plan"]
    edited = json.loads(json.dumps(plan))
    edited["budget"]["amount_minor"] = 12000
    r = client.post(f"/threads/{tid}/decide",
                    data={**fields, "decision-0": "edit", "edit-0": json.dumps(edited)})
    assert r.status_code == 200, r.text[:400]
    assert "Changed by your edit" in r.text and "USD 120.00" in r.text
    assert _form(client, tid)["receipt"] != fields["receipt"]
    assert _campaigns(d) == 0


def test_host_and_login_rules(clean_env: Path) -> None:
    from graph.web.security import Guard, bind_problem

    assert bind_problem("127.0.0.1", None) is None
    assert "ADPILOT_WEB_TOKEN" in str(bind_problem("0.0.0.0", None))
    assert "ADPILOT_WEB_TOKEN" in str(bind_problem("0.0.0.0", "short"))
    with dashboard(clean_env, guard=Guard(bind_host="0.0.0.0", token="a-long-secret-1")) as d:
        tid = d.thread_id
        client = TestClient(d.app, base_url="http://10.1.2.3:8765")
        r = client.get("/inbox", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        r = client.post(f"/threads/{tid}/decide", data={"all": "approve"})
        assert r.status_code == 401
        r = client.post("/login", data={"token": "wrong"})
        assert r.status_code == 401 and "not the dashboard" in r.text
        assert client.get(f"/threads/{tid}", follow_redirects=False).status_code == 303
        r = client.post("/login", data={"token": "a-long-secret-1"}, follow_redirects=False)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        page = client.get(f"/threads/{tid}")
        assert page.status_code == 200 and 'id="card"' in page.text
        assert "a-long-secret-1" not in page.text
        assert _campaigns(d) == 0
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        r = client.post("/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
        assert r.status_code == 303
        assert client.get("/inbox", follow_redirects=False).status_code == 303  # to /login
        login = client.get("/login").text
        assert d.env.context.account_id not in login and str(clean_env) not in login
    with dashboard(clean_env / "b", launch=False) as d:
        r = TestClient(d.app, base_url="http://evil.example").get("/inbox")
        assert r.status_code == 403 and "localhost only" in r.text


def test_cli_refuses_to_bind_off_loopback_without_a_token(clean_env: Path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app

    result = CliRunner().invoke(app, ["web", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "ADPILOT_WEB_TOKEN" in result.output
    assert not (clean_env / "sandbox.db").exists()


def test_a_budget_far_above_the_accounts_history_must_be_typed_back(clean_env: Path) -> None:
    import json

    from graph.cli.demo import sample_images
    from tests.web.conftest import BRIEF

    clean_env.mkdir(parents=True)
    (clean_env / "policy.json").write_text(json.dumps({"max_daily_exposure_minor": 1_000_000,
                                                       "max_campaign_daily_budget_minor": 500_000}))
    with dashboard(clean_env) as d:
        client = TestClient(d.app, base_url=LOCAL)
        fields = _form(client, d.thread_id)
        assert client.post(f"/threads/{d.thread_id}/decide", data={**fields, "all": "approve"},
                           follow_redirects=False).status_code == 303
        d.env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": 3})
        images = ", ".join(str(p) for p in sample_images(clean_env / "demo_assets"))
        with d.app.state.web.lock:
            d.runner.start(BRIEF.format(images=images).replace("$160/day", "$2,000/day"), "big")
        page = client.get("/threads/big").text
        assert 'id="confirm_budget"' in page and "USD 2,000.00 a day" in page
        fields = _form(client, "big")
        r = client.post("/threads/big/decide", data={**fields, "all": "approve"})
        assert r.status_code == 400 and "Type the daily amount (USD 2,000.00)" in r.text
        r = client.post("/threads/big/decide", data={**fields, "all": "approve",
                                                     "confirm_budget": "200"})
        assert r.status_code == 400 and "is not the plan" in r.text
        assert _campaigns(d) == 1
        r = client.post("/threads/big/decide", data={**fields, "all": "approve",
                                                     "confirm_budget": "$2,000"},
                        follow_redirects=False)
        assert r.status_code == 303
        assert _campaigns(d) == 2


def test_a_thread_another_process_holds_is_refused_at_once(served: Any) -> None:
    import time

    from state.control import ThreadControl

    d, tid = served, served.thread_id
    client = TestClient(d.app, base_url=LOCAL)
    fields = _form(client, tid)
    other = ThreadControl.open(d.env.home)  # another holder, as another process would be
    with other.lease(tid, command="adpilot approve"):
        started = time.monotonic()
        r = client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"})
        assert time.monotonic() - started < 5  # refused, not waited for
        assert r.status_code == 409 and "Another process is advancing" in r.text
        assert client.get("/inbox").status_code == 200  # reads do not wait either
    _unchanged(d, fields["interrupt_id"])


def test_meta_failing_mid_launch_is_said_and_the_thread_continues_from_the_page(
        served: Any) -> None:
    d, tid = served, served.thread_id
    client = TestClient(d.app, base_url=LOCAL)
    fields = _form(client, tid)
    d.env.sandbox.admin("POST", "/__sandbox__/faults", {"transient": 1.0, "seed": 1})
    r = client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"})
    assert r.status_code == 502 and "Meta refused or failed" in r.text
    assert f"adpilot resume {tid}" in r.text and "Internal Server Error" not in r.text
    d.env.sandbox.admin("POST", "/__sandbox__/faults", {})
    page = client.get(f"/threads/{tid}").text
    assert 'id="continue"' in page and "Stopped before" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    r = client.post(f"/threads/{tid}/continue", data={"csrf": csrf.group(1)})
    assert r.status_code == 200 and "Launched: campaign" in r.text
    assert _campaigns(d) == 1


def test_meta_throttling_the_account_is_said_with_when_to_try_again(served: Any) -> None:
    d, tid = served, served.thread_id
    client = TestClient(d.app, base_url=LOCAL)
    fields = _form(client, tid)
    d.env.sandbox.admin("POST", "/__sandbox__/faults", {"throttle": 1.0, "throttle_s": 90,
                                                         "seed": 1})
    r = client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"})
    d.env.sandbox.admin("POST", "/__sandbox__/faults", {})
    # not "Done; the thread waits for its next optimise cycle": the launch was stopped by Meta
    assert r.status_code == 200 and "next optimise cycle" not in r.text
    said = re.findall(r'<p class="flash error">([^<]+)</p>', r.text)
    assert said and said[0].startswith(
        "Meta asked adpilot to slow down for this account (rate limit, code ")
    assert "goes on from where it stopped after 20" in said[0]
    page = client.get(f"/threads/{tid}").text
    assert "Meta asked adpilot to slow down" in page and "next optimise cycle" not in page
