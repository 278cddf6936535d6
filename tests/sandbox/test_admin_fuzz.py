"""Hypothesis fuzzing of the admin API: no input can brick the sandbox.

Arbitrary JSON (NaN, infinities, huge ints, floats, strings, nested objects, lists, bools,
nulls, negative numbers) and raw non-JSON bytes go to every admin POST endpoint of one real
sandbox over HTTP. After each call: no 5xx; a refusal is Meta's envelope and changed nothing;
once faults and rate limits are switched off (legitimate degradation, undone through the
admin API), Graph reads that use the clock answer 200 — also after restarting the sandbox on
the same database, in some examples and at the end; the database does not grow (admin calls
create no objects; settings keep to known keys). Counts: 150 POST bodies, 40 oracle queries.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN

AUTH = {"Authorization": f"OAuth {SANDBOX_TOKEN}"}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
POSTS = {
    "clock/advance": ["days", "hours"],
    "faults": ["latency_ms", "transient", "throttle", "lost_response", "seed", "throttle_s"],
    "settings": ["tier", "min_api_version", "review_seconds", "disapprove_terms"],
    "stats/reset": [],
    "ratelimit/reset": [],
}
ALL_KEYS = sorted({k for keys in POSTS.values() for k in keys})
# Values just inside and just outside the bounds, and the classic bricks.
EDGES = [
    0, -0.0, 1, -1, 0.5, 1.0000001, 26, 27, 300, 3650, 3650.0001, 87600, 87601, 30000, 30001,
    86400, 86401, 2**63 - 1, 2**63, 2**64, 10**400, -(10**400), 1e12, 1e300, 5e-324,
    math.nan, math.inf, -math.inf, "1", "nan", "Infinity", "", "development", "standard",
    ["miracle"], [""], ["x" * 101], [1], {}, [],
]
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(EDGES)
)
json_values = st.recursive(
    leaves,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=10,
)
# Numbers near the useful ranges, so that many bodies are accepted and change the sandbox.
plausible = st.floats(0, 1) | st.integers(0, 4000) | st.floats(0, 100_000) | st.sampled_from(EDGES)
RAW = [b"", b"{", b"NaN", b"[" * 3000, b'{"days": 1' + b"0" * 5000 + b"}", b"\xff\xfe", b"days=1"]


@st.composite
def admin_posts(draw: st.DrawFn) -> tuple[str, bytes]:
    """An admin POST path and a body: mostly objects of its own keys, then any JSON or bytes."""
    path = draw(st.sampled_from(["clock/advance", *sorted(POSTS)]))  # the headline brick twice
    own = st.sampled_from(POSTS[path]) if POSTS[path] else st.nothing()
    keys = own | st.sampled_from(ALL_KEYS) | st.text(max_size=10)
    kind = draw(st.sampled_from(["own", "own", "own", "object", "json", "raw"]))
    if kind == "own":
        body: Any = draw(st.dictionaries(own | keys, plausible | json_values, max_size=3))
    elif kind == "object":
        body = draw(st.dictionaries(keys, json_values, max_size=4))
    elif kind == "json":
        body = draw(json_values)
    else:
        return path, draw(st.sampled_from(RAW) | st.binary(max_size=30))
    return path, json.dumps(body, allow_nan=True).encode()


class Rig:
    """One sandbox on a database that outlives restarts."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.sb = SandboxServer(db, seed=7, token=SANDBOX_TOKEN).start()
        self.restarts = 0

    def restart(self) -> None:
        self.sb.stop()
        self.sb = SandboxServer(self.db, seed=7, token=SANDBOX_TOKEN).start()
        self.restarts += 1

    def admin(self, method: str, path: str, data: bytes | None = None) -> requests.Response:
        return requests.request(
            method,
            f"{self.sb.url}/__sandbox__/{path}",
            data=data,
            headers={**AUTH, "Content-Type": "application/json"},
            timeout=60,
        )

    def state(self) -> dict[str, Any]:
        assert self.sb.store is not None
        with self.sb.store.lock:
            stored = {r["key"]: r["value"] for r in self.sb.store.db.query("select * from settings")}
        return {"settings": stored, "faults": self.admin("GET", "faults").json()}

    def rows(self) -> dict[str, int]:
        """Rows per table, read with a separate connection as any tool would."""
        conn = sqlite3.connect(self.db)
        try:
            names = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
            return {n: conn.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
        finally:
            conn.close()

    def serves(self) -> None:
        """Switch off legitimate degradation through the admin API, then read through Graph."""
        assert self.admin("POST", "faults", b"{}").status_code == 200
        assert self.admin("POST", "ratelimit/reset").status_code == 200
        acct = self.sb.account_id
        for path in ("me/adaccounts", f"{acct}/campaigns", f"{acct}/insights"):
            resp = requests.get(f"{self.sb.url}/v26.0/{path}", headers=AUTH, timeout=60)
            assert resp.status_code == 200, (path, resp.text)
        assert self.admin("GET", "clock").status_code == 200


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    r = Rig(tmp_path_factory.mktemp("adminfuzz") / "sandbox.db")
    r.serves()  # creates the delivery tables the first clock read needs
    r.baseline = r.rows()  # type: ignore[attr-defined]
    yield r
    r.sb.stop()


def check_bounded(rig: Rig) -> None:
    rows, base = rig.rows(), rig.baseline  # type: ignore[attr-defined]
    assert rows["objects"] == base["objects"], "an admin call created or removed objects"
    known = set(POSTS["settings"]) | {"delivery_generated_through", "clock_offset_s"}
    assert rows["settings"] <= base["settings"] + len(known), rows
    for table, n in rows.items():  # no ads exist, so no delivery rows either
        assert n <= base.get(table, 0) + len(known), (table, n, base.get(table))


@FUZZ
@given(call=admin_posts(), restart=st.integers(0, 9))
def test_fuzzed_admin_posts_never_brick_the_sandbox(
    rig: Rig, call: tuple[str, bytes], restart: int
) -> None:
    path, body = call
    before = rig.state()
    resp = rig.admin("POST", path, body)
    assert resp.status_code < 500, (path, body[:200], resp.status_code, resp.text[:500])
    out = resp.json()
    if resp.status_code == 200:
        event(f"{path}: accepted")
        assert "error" not in out
    else:
        event(f"{path}: refused")
        assert resp.status_code == 400, resp.text
        err = out["error"]
        assert {"message", "type", "code", "fbtrace_id"} <= set(err), err
        assert err["code"] == 100 and err["error_data"]["blame_field_specs"], err
        field = err["error_data"]["blame_field_specs"][0][0]
        assert field and field in err["message"], err
        assert rig.state() == before, "a refused admin call changed the sandbox"
    if restart == 0:
        rig.restart()
    rig.serves()
    check_bounded(rig)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(st.text(max_size=30) | st.sampled_from(["-1", "nan", "inf", "1e400", "9" * 5000, "0"]))
def test_fuzzed_oracle_budgets_answer_without_5xx(rig: Rig, budget: str) -> None:
    resp = requests.get(
        f"{rig.sb.url}/__sandbox__/oracle",
        params={"budget_minor": budget},
        headers=AUTH,
        timeout=60,
    )
    assert resp.status_code in (200, 400), resp.text[:500]
    if resp.status_code == 400:
        assert "budget_minor" in resp.json()["error"]["message"]


def test_after_the_fuzz_a_restart_still_serves(rig: Rig) -> None:
    rig.restart()
    rig.serves()
    check_bounded(rig)
    clock = rig.admin("GET", "clock").json()
    assert clock["now"] < "9999"
