"""Issue 11, bounded inputs: every admin input is checked, and a bad store cannot brick it.

Refusals answer HTTP 400 with Meta's envelope, name the field and the fix, and change
nothing; a database an older sandbox left with an out-of-range clock or setting is repaired
when it is opened (logged), so it serves again.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from sandbox import bounds
from sandbox.faults import FaultConfig
from sandbox.scenario import get_scenario
from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN

AUTH = {"Authorization": f"OAuth {SANDBOX_TOKEN}"}


def post(sb: SandboxServer, path: str, data: bytes | str, **kw: Any) -> requests.Response:
    return requests.post(
        f"{sb.url}/__sandbox__/{path}",
        data=data.encode() if isinstance(data, str) else data,
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=30,
        **kw,
    )


def graph(sb: SandboxServer, path: str) -> requests.Response:
    return requests.get(f"{sb.url}/v26.0/{path}", headers=AUTH, timeout=30)


def state(sb: SandboxServer) -> dict[str, Any]:
    """What an admin call may change: the stored clock and settings, the fault config."""
    assert sb.store is not None
    with sb.store.lock:
        settings = {r["key"]: r["value"] for r in sb.store.db.query("select * from settings")}
    return {"settings": settings, "faults": sb.admin("GET", "/__sandbox__/faults")}


def assert_refused(resp: requests.Response, field: str, *words: str) -> dict[str, Any]:
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert {"message", "type", "code", "fbtrace_id"} <= set(err), err
    assert err["code"] == 100 and err["type"] == "OAuthException"
    assert field in err["message"], err["message"]
    assert err["error_data"]["blame_field_specs"] == [[field]]
    for word in words:
        assert word in err["message"], err["message"]
    return err


def serves(sb: SandboxServer) -> None:
    """Graph reads that use the clock (effective status, insights) and the admin clock answer."""
    for path in ("me/adaccounts", f"{sb.account_id}/campaigns", f"{sb.account_id}/insights"):
        resp = graph(sb, path)
        assert resp.status_code == 200, (path, resp.text)
    clock = requests.get(f"{sb.url}/__sandbox__/clock", headers=AUTH, timeout=30)
    assert clock.status_code == 200, clock.text


# -- refusals -------------------------------------------------------------------------------

REFUSED = [
    # (path, raw body, blamed field, words the message must contain)
    ("clock/advance", '{"days": 1e12}', "days", ["3,650", '{"days": 1}']),
    ("clock/advance", '{"days": NaN}', "days", ["finite", "NaN"]),
    ("clock/advance", '{"hours": Infinity}', "hours", ["finite"]),
    ("clock/advance", '{"hours": 1e300}', "hours", ["87,600"]),
    ("clock/advance", '{"days": -1}', "days", ["from 0"]),
    ("clock/advance", '{"days": true}', "days", ["got true"]),
    ("clock/advance", '{"days": "1"}', "days", ['got the string "1"']),
    ("clock/advance", '{"days": null}', "days", ["got null"]),
    ("clock/advance", '{"days": [1]}', "days", ["got a list"]),
    ("clock/advance", '{"days": ' + "9" * 400 + "}", "days", ["digits"]),
    ("clock/advance", '{"days": 3000, "hours": 24000}', "days", ["several calls"]),
    ("clock/advance", '{"dayz": 1}', "dayz", ["takes only days, hours"]),
    ("clock/advance", "[1, 2]", "body", ["JSON object", "a list"]),
    ("clock/advance", '"days"', "body", ["JSON object"]),
    ("clock/advance", "days=1", "body", ["not valid JSON"]),
    ("clock/advance", "[" * 5000, "body", ["not readable JSON"]),
    ("clock/advance", b"\xff\xfe{}", "body", ["not valid JSON"]),
    ("clock/advance", b'{"days": "\xc3\x28"}', "body", ["not readable JSON", "UTF-8"]),
    ("faults", '{"transient": 1.5}', "transient", ["from 0 to 1"]),
    ("faults", '{"throttle": NaN}', "throttle", ["finite"]),
    ("faults", '{"lost_response": -0.1}', "lost_response", ["from 0 to 1"]),
    ("faults", '{"latency_ms": 1e9}', "latency_ms", ["30,000"]),
    ("faults", '{"latency_ms": Infinity}', "latency_ms", ["finite"]),
    ("faults", '{"seed": 1.5}', "seed", ["whole number"]),
    ("faults", '{"seed": "7"}', "seed", ["string"]),
    ("faults", '{"seed": ' + str(2**64) + "}", "seed", ["9,223,372,036,854,775,807"]),
    ("faults", '{"seed": false}', "seed", ["got false"]),
    ("faults", '{"throttle_s": 1e7}', "throttle_s", ["86,400"]),
    ("faults", '{"transient": 0.1, "bogus": 1}', "bogus", ["known keys"]),
    ("faults", '{"transient": {"rate": 1}}', "transient", ["an object"]),
    ("faults", "0.5", "body", ["JSON object"]),
    ("settings", '{"min_api_version": 99}', "min_api_version", ["1 to 26", "every call"]),
    ("settings", '{"min_api_version": 24.5}', "min_api_version", ["whole number"]),
    ("settings", '{"review_seconds": NaN}', "review_seconds", ["finite"]),
    ("settings", '{"review_seconds": 1e300}', "review_seconds", ["2,592,000"]),
    ("settings", '{"tier": "platinum"}', "tier", ['"development" or "standard"']),
    ("settings", '{"disapprove_terms": "miracle"}', "disapprove_terms", ["a list"]),
    ("settings", '{"disapprove_terms": [1, null]}', "disapprove_terms", ["non-empty strings"]),
    ("settings", '{"review_seconds": 10, "colour": "red"}', "colour", ["known:"]),
    ("stats/reset", '{"all": true}', "all", ["takes no parameters", "empty body"]),
    ("ratelimit/reset", '{"x": 1}', "x", ["takes no parameters"]),
]


@pytest.mark.parametrize(("path", "raw", "field", "words"), REFUSED)
def test_bad_admin_input_is_refused_naming_the_field_and_changes_nothing(
    sandbox: SandboxServer, path: str, raw: str | bytes, field: str, words: list[str]
) -> None:
    sandbox.admin("POST", "/__sandbox__/faults", {"transient": 0.25, "seed": 3})
    sandbox.admin("POST", "/__sandbox__/settings", {"review_seconds": 42})
    before = state(sandbox)
    assert_refused(post(sandbox, path, raw), field, *words)
    assert state(sandbox) == before
    sandbox.admin("POST", "/__sandbox__/faults", {})
    serves(sandbox)


def test_settings_are_all_or_nothing(sandbox: SandboxServer) -> None:
    before = state(sandbox)
    resp = post(sandbox, "settings", '{"review_seconds": 60, "min_api_version": 1000}')
    assert_refused(resp, "min_api_version")
    assert state(sandbox) == before  # review_seconds, valid on its own, was not stored either


def test_post_parameters_in_the_query_string_are_refused(sandbox: SandboxServer) -> None:
    resp = post(sandbox, "clock/advance", b"", params={"days": "1"})
    assert_refused(resp, "days", "JSON body")


def test_get_endpoints_check_their_query(sandbox: SandboxServer) -> None:
    def get(path: str, **params: str) -> requests.Response:
        return requests.get(
            f"{sandbox.url}/__sandbox__/{path}", params=params, headers=AUTH, timeout=30
        )

    assert_refused(get("clock", days="1"), "days", "takes no parameters")
    for bad in ("-5", "nan", "inf", "1e400", "lots", "9" * 5000):
        assert_refused(get("oracle", budget_minor=bad), "budget_minor", "?budget_minor=")
    assert get("oracle", budget_minor="5000").json()["budget_minor"] == 5000
    assert get("oracle", budget_minor="5000.0").json()["budget_minor"] == 5000
    assert_refused(get("objects"), "type", "?type=")
    assert_refused(get("objects", type="x" * 65), "type")
    assert get("objects", type="campaign").json() == {"data": []}
    assert get("clock", access_token=SANDBOX_TOKEN).status_code == 200  # credentials are fine


def test_valid_admin_input_still_works(sandbox: SandboxServer) -> None:
    t0 = datetime.fromisoformat(sandbox.admin("GET", "/__sandbox__/clock")["now"])
    assert post(sandbox, "clock/advance", b"").status_code == 200  # empty body = {}
    assert post(sandbox, "clock/advance", '{"days": 1.5, "hours": 12}').status_code == 200
    t1 = datetime.fromisoformat(sandbox.admin("GET", "/__sandbox__/clock")["now"])
    assert 2 * 86400 <= (t1 - t0).total_seconds() < 2 * 86400 + 60
    faults = post(sandbox, "faults", '{"transient": 0, "throttle": 1.0, "seed": 2.0}').json()
    assert (faults["throttle"], faults["seed"]) == (1.0, 2)
    assert post(sandbox, "faults", b"").json()["throttle"] == 0  # an empty body turns them off
    out = post(
        sandbox,
        "settings",
        '{"tier": "development", "min_api_version": 26, "review_seconds": 0.5, '
        '"disapprove_terms": ["miracle"]}',
    ).json()
    assert out == {
        "tier": "development",
        "min_api_version": 26,
        "review_seconds": 0.5,
        "disapprove_terms": ["miracle"],
    }
    assert post(sandbox, "stats/reset", "{}").json() == {"success": True}
    assert post(sandbox, "ratelimit/reset", b"").json() == {"success": True}
    serves(sandbox)


def test_the_clock_stops_short_of_year_9999(sandbox: SandboxServer) -> None:
    store = sandbox.store
    assert store is not None
    # Put the clock a day short of the limit (delivery already generated up to there).
    near = bounds.MAX_CLOCK - timedelta(days=1)
    store.set_setting("clock_offset_s", near.timestamp() - time.time())
    store.set_setting("delivery_generated_through", (near.date() - timedelta(days=2)).isoformat())
    before = state(sandbox)
    err = assert_refused(post(sandbox, "clock/advance", '{"days": 2}'), "days", "9999-01-01")
    assert "at most 1.00 days" in err["message"] or "at most 0.99 days" in err["message"]
    assert state(sandbox) == before
    assert post(sandbox, "clock/advance", '{"hours": 12}').status_code == 200
    serves(sandbox)


def test_admin_calls_skip_added_latency(sandbox: SandboxServer) -> None:
    sandbox.admin("POST", "/__sandbox__/faults", {"latency_ms": bounds.MAX_LATENCY_MS})
    t0 = time.perf_counter()
    sandbox.admin("POST", "/__sandbox__/faults", {})  # undoing a slow config is never slow
    assert time.perf_counter() - t0 < 5
    assert sandbox.admin("GET", "/__sandbox__/faults")["latency_ms"] == 0


@pytest.mark.parametrize(
    "spec",
    [
        "latency_ms=nan",
        "latency_ms=inf",
        "latency_ms=1e9",
        "transient=-0",
        "seed=1.5",
        "seed=-1",
        "throttle_s=1e99",
        "transient=0.1,",
    ],
)
def test_fault_spec_strings_are_bounded_too(spec: str) -> None:
    if spec in ("transient=-0", "transient=0.1,"):  # negative zero and a trailing comma are fine
        FaultConfig.parse(spec)
        return
    with pytest.raises(ValueError, match=spec.split("=")[0]):
        FaultConfig.parse(spec)


def test_fault_dicts_need_numbers() -> None:
    assert FaultConfig.parse({"seed": 3, "transient": 0.5}).seed == 3
    with pytest.raises(bounds.InputError, match="seed") as err:
        FaultConfig.parse({"seed": "3"})
    assert err.value.field == "seed"
    with pytest.raises(bounds.InputError, match="JSON object|object of rates"):
        FaultConfig.parse([1])  # type: ignore[arg-type]


# -- a database bricked before the fix ------------------------------------------------------


def _brick(db: Path, **settings: str) -> None:
    """Write raw setting values straight into the database, as an older sandbox could have."""
    conn = sqlite3.connect(db)
    with conn:
        for key, raw in settings.items():
            conn.execute(
                "insert or replace into settings (key, value) values (?, ?)", (key, raw)
            )
    conn.close()


@pytest.mark.parametrize(
    "raw_offset",
    [
        json.dumps(1e12 * 86400),  # POST clock/advance {"days": 1e12}
        "NaN",  # {"days": NaN}
        "Infinity",
        json.dumps(-1e15),
        json.dumps(10**400),
        '"yesterday"',
    ],
)
def test_a_pre_bricked_clock_is_reset_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, raw_offset: str
) -> None:
    db = tmp_path / "old.db"
    with SandboxServer(db, seed=7, token=SANDBOX_TOKEN) as sb:
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
        assert sb.store is not None
        sc = get_scenario(sb.store)
        generated = date.fromisoformat(sb.store.get_setting("delivery_generated_through"))
    _brick(
        db,
        clock_offset_s=raw_offset,
        min_api_version="99",
        review_seconds="1e308",
        disapprove_terms="[1, null]",
        tier='"platinum"',
    )
    with caplog.at_level(logging.WARNING, logger="sandbox.bounds"):
        with SandboxServer(db, seed=7, token=SANDBOX_TOKEN) as sb:
            serves(sb)
            now = datetime.fromisoformat(sb.admin("GET", "/__sandbox__/clock")["now"])
            # Back to local midnight after the last generated day: nothing skipped or redone.
            day = generated + timedelta(days=1)
            midnight = datetime(day.year, day.month, day.day, tzinfo=sc.tz)
            assert 0 <= (now - midnight).total_seconds() < 60
            assert sb.admin("GET", "/__sandbox__/settings") == {
                "tier": "standard",  # the server's --tier, as on every start
                "min_api_version": None,
                "review_seconds": None,
                "disapprove_terms": None,
            }
            out = sb.admin("POST", "/__sandbox__/clock/advance", {"days": 1})
            assert out["generated_days"] == [day.isoformat()]
    text = caplog.text
    assert "clock" in text and "reset to" in text and str(db) in text
    for key in ("min_api_version", "review_seconds", "disapprove_terms"):
        assert key in text


def test_heal_leaves_a_good_store_alone(sandbox: SandboxServer) -> None:
    assert sandbox.store is not None
    sandbox.admin("POST", "/__sandbox__/settings", {"min_api_version": 24, "review_seconds": 5})
    before = state(sandbox)
    assert bounds.heal(sandbox.store) == []
    assert state(sandbox) == before


def test_clock_ok_bounds() -> None:
    wall = time.time()
    assert bounds.clock_ok(0, wall) and bounds.clock_ok(-wall + 86400 * 2, wall)
    assert not bounds.clock_ok(math.nan, wall) and not bounds.clock_ok(True, wall)
    assert not bounds.clock_ok(bounds.MAX_CLOCK.timestamp() - wall + 1, wall)
    assert not bounds.clock_ok(-wall, wall)  # 1970-01-01 is before MIN_CLOCK
    assert bounds.clock_ok(bounds.MAX_CLOCK.timestamp() - wall, wall)
    assert bounds.MAX_CLOCK <= datetime(9999, 12, 31, tzinfo=UTC)


@pytest.mark.parametrize("embedded", [True, False])
def test_tick_advance_reports_a_refusal_instead_of_claiming_the_clock_moved(
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    embedded: bool,
) -> None:
    import typer

    from graph.cli.loop import _advance

    assert sandbox.store is not None
    near = bounds.MAX_CLOCK - timedelta(days=1)
    sandbox.store.set_setting("clock_offset_s", near.timestamp() - time.time())
    sandbox.store.set_setting(
        "delivery_generated_through", (near.date() - timedelta(days=2)).isoformat()
    )
    monkeypatch.setenv("META_ACCESS_TOKEN", SANDBOX_TOKEN)
    context = SimpleNamespace(sandbox=True, meta=SimpleNamespace(graph_url=sandbox.url))
    env = SimpleNamespace(context=context, sandbox=sandbox if embedded else None)
    with pytest.raises(typer.Exit) as exit_:
        _advance(env, 3)
    assert exit_.value.exit_code == 1
    out = capsys.readouterr()
    assert "refused to move its clock" in out.err and "9999-01-01" in out.err
    assert "advanced" not in out.out
