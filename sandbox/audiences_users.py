"""Customer-list uploads: `POST|DELETE /<ca_id>/users`, `GET /<ca_id>/sessions` (docs/facts-audiences.md §3).

Body: `payload={"schema": ..., "data": [...]}` and an optional `session={"session_id",
"batch_seq", "last_batch_flag", "estimated_num_total"}`. `schema` is one key (`EMAIL_SHA256`,
`PHONE_SHA256`, `MOBILE_ADVERTISER_ID`; `data` a flat list) or a list of multi-key columns
(`EMAIL`, `PHONE`, `FN`, ..., `EXTERN_ID`; `data` rows of that width). At most 10,000 rows
per request.

Nothing a customer typed is kept: values of hashed keys must already be SHA-256 hex digests
(a plain email or phone is refused, and the refusal names the row and column, never the
value). A row's identity is its first hashed value; the store keeps only a keyed, truncated
digest of it (12 hex digits, so uploads dedupe and removals work) in `ca_members`, and the
counts per session in `ca_sessions`. Whether a person matches a Meta user is decided by that
identity and the scenario's seed, at an account match rate of 55–70%, so the same list
matches the same people everywhere. Nothing here logs a value.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sandbox.audiences import get_audience, seed
from sandbox.audiences_size import count_fields, unit
from sandbox.context import RequestContext
from sandbox.errors import invalid, required
from sandbox.fields import check_fields
from sandbox.paging import paginate
from sandbox.params import get_dict, get_fields, validate_only

MAX_ROWS = 10_000
MEMBERS, SESSIONS = "ca_members", "ca_sessions"
SINGLE_HASHED = {"EMAIL_SHA256", "PHONE_SHA256"}
SINGLE_RAW = {"MOBILE_ADVERTISER_ID"}
MULTI_HASHED = {"EMAIL", "PHONE", "GEN", "DOBY", "DOBM", "DOBD", "LN", "FN", "FI", "CT", "ST",
                "ZIP", "COUNTRY"}
MULTI_RAW = {"EXTERN_ID", "MADID", "APPUID", "LOOKALIKE_VALUE", "DATA_PROCESSING_OPTIONS"}
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def _tables(ctx: RequestContext) -> None:
    db = ctx.store.db
    if MEMBERS not in db.table_names():
        db.table(MEMBERS).create({"audience_id": str, "member": str, "matched": int},
                                 pk=("audience_id", "member"))
    if SESSIONS not in db.table_names():
        db.table(SESSIONS).create(
            {"audience_id": str, "session_id": str, "start_time": int, "end_time": int,
             "num_received": int, "num_matched": int, "num_invalid_entries": int,
             "last_seq": int, "estimated_num_total": int, "stage": str},
            pk=("audience_id", "session_id"),
        )


def _bad(msg: str) -> Any:
    return invalid(msg, fields=["payload"], title="Invalid Upload")


def _parse(params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Return (columns, rows) after Meta's shape checks; rows are lists of the schema's width."""
    payload = get_dict(params, "payload")
    if payload is None:
        raise required("payload", 'send {"schema": "EMAIL_SHA256", "data": [<sha256 hex>, ...]}')
    schema, data = payload.get("schema"), payload.get("data")
    if not isinstance(data, list):
        raise _bad("payload.data must be a list of rows.")
    if len(data) > MAX_ROWS:
        raise _bad(f"payload.data holds {len(data)} rows; send at most {MAX_ROWS} per request "
                   "and tie the batches together with session.")
    if isinstance(schema, str):
        if schema not in SINGLE_HASHED | SINGLE_RAW:
            raise _bad(f"payload.schema {schema!r} is not a key Meta takes; use EMAIL_SHA256, "
                       "PHONE_SHA256, MOBILE_ADVERTISER_ID or a list of multi-key columns.")
        bad = [i for i, v in enumerate(data) if isinstance(v, list | dict)]
        if bad:
            raise _bad(f"With a single-key schema, payload.data is a flat list; row {bad[0]} "
                       "is a list.")
        return [schema], [[v] for v in data]
    if not isinstance(schema, list) or not schema:
        raise _bad("payload.schema must be a key name or a list of key names.")
    unknown = [k for k in schema if k not in MULTI_HASHED | MULTI_RAW]
    if unknown:
        raise _bad(f"payload.schema has unknown keys {unknown}; use "
                   f"{', '.join(sorted(MULTI_HASHED | MULTI_RAW))}.")
    if len(set(schema)) < len(schema):
        raise _bad("payload.schema names a key twice.")
    for i, row in enumerate(data):
        if not isinstance(row, list) or len(row) != len(schema):
            raise _bad(f"Row {i} of payload.data has {len(row) if isinstance(row, list) else 1} "
                       f"values but the schema has {len(schema)} keys; every row must match.")
    return [str(k) for k in schema], data


def _identities(columns: list[str], rows: list[list[Any]]) -> tuple[list[str], int]:
    """Each row's identity (its first hashed or id value) and the count of empty rows."""
    hashed = [i for i, k in enumerate(columns) if k in SINGLE_HASHED | MULTI_HASHED]
    ids = [i for i, k in enumerate(columns) if k in ("MOBILE_ADVERTISER_ID", "MADID",
                                                     "EXTERN_ID", "APPUID")]
    out, empty = [], 0
    for r, row in enumerate(rows):
        for c in hashed:
            value = str(row[c] or "")
            if value and not _HEX64.match(value):
                raise _bad(f"Row {r}, column {columns[c]} is not a SHA-256 hex digest. Normalise "
                           "and hash every value before upload (Meta takes no plain emails or "
                           "phone numbers); the value is not echoed here.")
        first = next((str(row[c]).lower() for c in hashed + ids if row[c]), "")
        if first:
            out.append(first)
        else:
            empty += 1
    return out, empty


def _member(audience_id: str, identity: str) -> str:
    """Return a keyed, truncated digest: enough to dedupe within an audience, never the value."""
    key = hashlib.blake2b(audience_id.encode(), digest_size=16).digest()
    return hashlib.blake2b(identity.encode(), key=key, digest_size=6).hexdigest()


def _session(params: dict[str, Any]) -> dict[str, Any]:
    session = get_dict(params, "session") or {}
    for key in ("session_id", "batch_seq", "estimated_num_total"):
        if key in session and not str(session[key]).isdigit():
            raise invalid(f"session.{key} must be a positive whole number.", fields=["session"])
    return session


def upload(ctx: RequestContext, oid: str, params: dict[str, Any], removing: bool = False
           ) -> dict[str, Any]:
    """`POST /<ca_id>/users` (add) or `DELETE /<ca_id>/users` (remove)."""
    doc = get_audience(ctx, oid, "delete" if removing else "post")
    if doc.get("subtype") != "CUSTOM":
        raise invalid(f"Only customer-list audiences (subtype CUSTOM) take users; this one is "
                      f"{doc.get('subtype')}.", fields=["payload"])
    columns, rows = _parse(params)
    identities, empty = _identities(columns, rows)
    session = _session(params)
    sid = str(session.get("session_id") or ctx.store.next_id())
    response = {"audience_id": oid, "session_id": sid, "num_received": len(rows),
                "num_invalid_entries": empty, "invalid_entry_samples": {}}
    if validate_only(params):
        return response
    _tables(ctx)
    truth_seed = seed(ctx)
    rate = 0.55 + 0.15 * unit(truth_seed, "match_rate", doc.get("_account_id"))
    members = [_member(oid, identity) for identity in identities]
    matched = 0
    if removing:
        ctx.store.db.conn.executemany(
            f"delete from {MEMBERS} where audience_id = ? and member = ?",
            [(oid, m) for m in members])
    else:
        hits = [unit(truth_seed, "match", identity) < rate for identity in identities]
        matched = sum(hits)
        ctx.store.db.table(MEMBERS).insert_all(
            ({"audience_id": oid, "member": m, "matched": int(h)} for m, h in zip(members, hits,
                                                                                strict=True)),
            replace=True, batch_size=1000)
    size = ctx.store.db.execute(
        f"select count(*) from {MEMBERS} where audience_id = ? and matched = 1", [oid]
    ).fetchone()[0]
    now = int(ctx.now().timestamp())
    ctx.store.update_object(oid, {**count_fields(int(size)), "time_updated": now,
                                  "time_content_updated": now})
    _record_session(ctx, oid, sid, session, len(rows), matched, empty, now)
    return response


def _record_session(ctx: RequestContext, oid: str, sid: str, session: dict[str, Any],
                    received: int, matched: int, invalid_n: int, now: int) -> None:
    table = ctx.store.db.table(SESSIONS)
    rows = list(ctx.store.db.query(
        f"select * from {SESSIONS} where audience_id = ? and session_id = ?", [oid, sid]))
    row: dict[str, Any] = rows[0] if rows else {"audience_id": oid, "session_id": sid, "start_time": now,
                                "end_time": 0, "num_received": 0, "num_matched": 0,
                                "num_invalid_entries": 0, "last_seq": 0,
                                "estimated_num_total": 0, "stage": "uploading"}
    row["num_received"] += received
    row["num_matched"] += matched
    row["num_invalid_entries"] += invalid_n
    row["last_seq"] = int(session.get("batch_seq") or row["last_seq"] + 1)
    row["estimated_num_total"] = int(session.get("estimated_num_total") or 0)
    if not session or str(session.get("last_batch_flag", "")).lower() in ("true", "1"):
        row["end_time"], row["stage"] = now, "finished"
    table.insert(row, replace=True)


def list_sessions(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /<ca_id>/sessions`: the upload sessions, newest first."""
    get_audience(ctx, oid)
    _tables(ctx)
    rows = list(ctx.store.db.query(
        f"select * from {SESSIONS} where audience_id = ? order by start_time desc, rowid desc",
        [oid]))
    out = []
    for r in rows:
        total = r["estimated_num_total"] or r["num_received"]
        out.append({
            "session_id": r["session_id"],
            "start_time": str(r["start_time"]),
            "end_time": str(r["end_time"] or ""),
            "num_received": str(r["num_received"]),
            "num_matched": str(r["num_matched"]),
            "num_invalid_entries": str(r["num_invalid_entries"]),
            "progress": str(100 if r["stage"] == "finished" else
                            min(99, int(100 * r["num_received"] / max(1, total)))),
            "stage": r["stage"],
        })
    fields = get_fields(params)
    if fields is not None:
        check_fields("customaudiencesession", fields)
        out = [{k: v for k, v in row.items() if k in fields} for row in out]
    return paginate(ctx, out, params)
