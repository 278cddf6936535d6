"""The dashboard's other pages over HTTP: Ask, the report's downloads, the inbox's alert cards."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from tests.web.conftest import dashboard
from tests.web.test_access import LOCAL, _form


def _csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/ask").text)
    assert found
    return found.group(1)


def test_ask_answers_a_question_and_opens_a_card_for_a_change(clean_env: Path) -> None:
    with dashboard(clean_env) as d:
        client = TestClient(d.app, base_url=LOCAL)
        fields = _form(client, d.thread_id)
        client.post(f"/threads/{d.thread_id}/decide", data={**fields, "all": "approve"})
        d.env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": 4})
        csrf = _csrf(client)
        r = client.post("/ask", data={"csrf": csrf,
                                      "request": "how did the campaign TrailBlaze running shoes – Sales – Mar 2026 "
                                      "do yesterday?"})
        assert r.status_code == 200 and 'id="answer"' in r.text, r.text[-800:]
        assert "/ask?thread=" in str(r.url)  # its own address: a reload does not ask again
        threads = len(d.runner.threads())
        assert 'id="answer"' in client.get(str(r.url)).text and len(d.runner.threads()) == threads
        answer = r.text[r.text.index('id="answer"'):]
        assert re.search(r"spent \$[\d,.]+ yesterday", answer) and "<table" in answer
        r = client.post("/ask", data={"csrf": csrf, "request": "lower the daily budget of the "
                                      "ad set US, CA 18-24 to $35"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/threads/")
        card = client.get(r.headers["location"]).text
        assert 'id="card"' in card and "USD 40.00 → USD 35.00" in card
        assert 'name="decision-0" value="edit"' in card  # one action: still editable
        inbox = client.get("/inbox").text
        assert r.headers["location"].removeprefix("/threads/") in inbox
        # nothing to ask, or both boxes: the fields are named
        r = client.post("/ask", data={"csrf": csrf})
        assert r.status_code == 400 and "request / brief" in r.text
        # what a person typed is shown as text, never run
        r = client.post("/ask", data={"csrf": csrf, "request": "<script>alert(1)</script>",
                                      "brief": "x"})
        assert r.status_code == 400  # both boxes: refused, and both shown again as typed
        assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text
        # the sandbox clock takes whole days only
        r = client.post("/sandbox/advance", data={"csrf": csrf, "days": "abc"})
        assert "give a whole number of days from 1 to 60" in r.text


def test_report_downloads_only_its_own_files(clean_env: Path) -> None:
    with dashboard(clean_env) as d:
        client = TestClient(d.app, base_url=LOCAL)
        tid = d.thread_id
        assert client.get(f"/reports/{tid}").status_code == 404  # nothing launched yet
        fields = _form(client, tid)
        client.post(f"/threads/{tid}/decide", data={**fields, "all": "approve"})
        d.env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": 2})
        page = client.get(f"/reports/{tid}")
        assert page.status_code == 200 and 'id="download-json"' in page.text
        got = client.get(f"/reports/{tid}/files/report.json")
        assert got.status_code == 200
        assert json.loads(got.text)["facts"]
        assert "date" in client.get(f"/reports/{tid}/files/daily.csv").text.splitlines()[0]
        for bad in ("..%2F..%2Fsandbox.db", "../../policy.json", "x.png", "nope.json"):
            assert client.get(f"/reports/{tid}/files/{bad}").status_code == 404, bad
        assert client.get("/reports/no-such-thread").status_code == 404


class _Out:
    def __init__(self, payload: dict[str, Any] | None, waiting: str | None) -> None:
        self.interrupt, self.waiting_for, self.interrupt_id = payload, waiting, "i"
        self.values: dict[str, Any] = {"account": "act_1"}


class _Runner:
    """Three threads as the checkpointer would list them (oldest first)."""

    outs = {"t-wait": _Out({"kind": "wait"}, "wait"),
            "t-alert": _Out({"kind": "approval", "description": "## Alert — tracking broken",
                             "alerts": [{"kind": "tracking_broken"}],
                             "action_requests": [{"name": "pause_campaign"}]}, "approval"),
            "t-ask": _Out({"kind": "clarify", "questions": ["Which campaign?"]}, "clarify")}

    def threads(self) -> list[str]:
        return list(self.outs)

    def status(self, tid: str) -> _Out:
        return self.outs[tid]


def test_inbox_lists_alert_cards_and_questions_newest_first() -> None:
    from graph.web.inbox import inbox_items

    items = inbox_items(_Runner())
    assert [(i["thread_id"], i["kind"]) for i in items] == [("t-ask", "clarify"),
                                                            ("t-alert", "alert")]
    assert items[1]["alerts"] == ["tracking_broken"]
    assert items[1]["title"] == "Alert — tracking broken"


def test_the_line_after_an_answer_says_what_happened() -> None:
    from graph.web.answers import said

    def out(waiting: str | None, iid: str = "i1", **values: Any) -> Any:
        o = _Out({"kind": waiting, "error": values.pop("error", None)}, waiting)
        o.interrupt_id, o.values = iid, values
        return o

    launched = said(out("approval"), out("wait", created={"campaign": "c1"}, status="live."))
    assert launched == ("info", "Launched: campaign c1. Done; the thread waits for its next "
                                "optimise cycle (live).")
    cycle = said(out("approval", created={"campaign": "c1"}),
                 out("wait", created={"campaign": "c1"}, status="cycle 2: 1 action(s) applied"))
    assert "Launched" not in cycle[1]
    refused = said(out("approval"), out("approval", "i2", error="max_daily_exposure_minor"))
    assert refused[0] == "error" and "not applied: max_daily_exposure_minor" in refused[1]
    gate = said(out("approval"), out(None, status="request: 0 written, 1 REFUSED"))
    assert gate[0] == "error"
    assert said(out("approval"), out(None, phase="rejected"))[1] == "Rejected: nothing was written."
    assert said(out("clarify"), out("clarify", "i2"))[1] == "It asks a question (below)."


def test_a_request_with_contact_data_says_it_was_not_kept(clean_env: Path) -> None:
    with dashboard(clean_env) as d:
        client = TestClient(d.app, base_url=LOCAL)
        csrf = _csrf(client)
        r = client.post("/ask", data={"csrf": csrf, "request": "lower the daily budget of the "
                                      "ad set US, CA 18-24 to $35 and mail me at ann@x.io"})
        assert r.status_code == 200
        assert "an e-mail address in the request was not kept" in r.text
        assert "ann@x.io" not in r.text
