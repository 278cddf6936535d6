"""Custom audiences at Meta: list, find, size; create (exactly once) and fill customer lists.

Reads (no approval needed):
- `list_audiences(client)`: the account's audiences (`GET /act_<id>/customaudiences`);
- `find_audience(client, id=... | name=...)`: one audience by id, or by exact name (the name a
  person gave: a provenance tag is ignored); two audiences with that name is an error that
  lists their ids, never a guess;
- `audience_size(client, id)`: Meta's size range (`approximate_count_lower_bound` /
  `_upper_bound`, -1 while unknown) and `delivery_status` (200 = usable; 300 = too small).

Writes (only from an approved launch, `tools/launch_prereqs.py`): `create_audience` sends a
node of the create tree (`state/meta_tree_audiences.py`) through `tools.ledgered.create_once`
(ledgered, reconciled by tag in `/act_<id>/customaudiences` after a lost response).
`upload_customer_list` sends a customer list's hashed rows to `POST /<ca_id>/users` in
batches of ≤ 10,000 tied by one session. The ledger gets one row per batch with counts, the
schema, the session and the file's sha256 — never a row, not even hashed. **A failed upload
resumes:** batches the ledger has `done` are skipped; the others (including one whose answer
was lost) are sent again in the same session, which is harmless because Meta de-duplicates
hashed rows within an audience.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from state.ledger import TERMINAL
from state.provenance import display_name
from tools.customer_list import MAX_BATCH, CustomerList, batches, session_id_for
from tools.errors import MetaError, PermanentError, UnknownOutcomeError
from tools.ledgered import Write, create_once, mark_sent, outcome_of, record_intents, settle

if TYPE_CHECKING:
    from tools.graph_client import GraphClient

AUDIENCE_FIELDS = ("id,name,subtype,approximate_count_lower_bound,approximate_count_upper_bound,"
                   "delivery_status,operation_status,lookalike_spec,retention_days")
UPLOAD_ATTEMPTS = 3


class AudienceNotFound(PermanentError):
    """No audience (or more than one) matches the id or name asked for."""


def list_audiences(client: GraphClient, fields: str = AUDIENCE_FIELDS, *,
                   max_items: int | None = None) -> list[dict[str, Any]]:
    """Return every custom audience of the client's account (all pages, up to `max_items`)."""
    return client.get_all(f"{client._account()}/customaudiences", {"fields": fields}, limit=200,
                          max_items=max_items)


def find_audience(client: GraphClient, *, id: str | None = None, name: str | None = None,
                  fields: str = AUDIENCE_FIELDS) -> dict[str, Any]:
    """Return one audience by id, or by exact name (module docstring); else `AudienceNotFound`."""
    if id:
        try:
            return client.get(str(id), {"fields": fields})
        except PermanentError as exc:
            raise AudienceNotFound(f"no custom audience {id} in {client._account()}: "
                                   f"{exc.message}; check the id (`adpilot` lists audiences "
                                   "with their ids)", code=exc.code,
                                   subcode=exc.subcode) from None
    if not name:
        raise ValueError("give an audience id or name")
    wanted = name.strip().casefold()
    rows = [r for r in list_audiences(client, fields)
            if display_name(str(r.get("name", ""))).strip().casefold() == wanted]
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise AudienceNotFound(f"no custom audience named {name!r} in {client._account()}; "
                               "check the spelling or give its id")
    raise AudienceNotFound(f"{len(rows)} custom audiences are named {name!r} "
                           f"({', '.join(str(r['id']) for r in rows)}); give the id of the one "
                           "to use")


def audience_size(client: GraphClient, audience_id: str) -> dict[str, Any]:
    """Return `{id, name, lower, upper, delivery_status, usable}` for one audience."""
    row = client.get(str(audience_id), {"fields": AUDIENCE_FIELDS})
    status = row.get("delivery_status") or {}
    code = status.get("code") if isinstance(status, dict) else None
    lower, upper = (row.get(f"approximate_count_{b}_bound") for b in ("lower", "upper"))
    return {"id": str(row.get("id", audience_id)), "name": display_name(row.get("name")),
            "subtype": row.get("subtype"),
            "lower": int(lower) if lower is not None else None,
            "upper": int(upper) if upper is not None else None,
            "delivery_status": status or None, "usable": code in (None, 200)}


def create_audience(client: GraphClient, params: dict[str, Any], *, plan_key: str,
                    receipt: str | None) -> tuple[str, str]:
    """Create one audience exactly once (`create_once`); return `(id, how)`."""
    return create_once(client, f"{client._account()}/customaudiences", params,
                       plan_key=plan_key, object_type="custom_audience", receipt=receipt)


def upload_customer_list(client: GraphClient, audience_id: str, customers: CustomerList, *,
                         audience_key: str, receipt: str | None,
                         batch_size: int = MAX_BATCH) -> dict[str, Any]:
    """Upload the hashed rows in batches (module docstring); return counts only."""
    session = session_id_for(audience_key, customers.file_sha256)
    totals = {**customers.summary(), "audience_id": str(audience_id), "batches": 0,
              "batches_skipped": 0, "num_received": 0, "num_invalid_entries": 0}
    for seq, params in batches(customers, session, batch_size):
        plan_key = f"{audience_key}:users:{customers.file_sha256[:16]}:{seq}"
        if _done(client, plan_key):
            totals["batches_skipped"] += 1
            continue
        logged = {"schema": params["payload"]["schema"], "rows": len(params["payload"]["data"]),
                  "session": params["session"], "file_sha256": customers.file_sha256}
        body = _send_batch(client, f"{audience_id}/users", params, logged, plan_key, receipt)
        totals["batches"] += 1
        for k in ("num_received", "num_invalid_entries"):
            totals[k] += int(body.get(k) or 0)
    return totals


def _done(client: GraphClient, plan_key: str) -> bool:
    rec = client.ledger.find(plan_key, "upload", client.thread_id) if client.ledger else None
    return bool(rec and rec["status"] == "done")


def _send_batch(client: GraphClient, path: str, params: dict[str, Any],
                logged: dict[str, Any], plan_key: str, receipt: str | None) -> dict[str, Any]:
    """One ledgered `/users` batch: the ledger sees `logged` (counts), Meta sees `params`."""
    ledger = client.ledger
    # Attempts of this batch with no known outcome (a crash, a lost answer): the one that is
    # confirmed settles them.
    earlier = [r["write_id"] for r in (ledger.rows(client.thread_id) if ledger else [])
               if r["plan_key"] == plan_key and r["status"] not in TERMINAL]
    for _ in range(UPLOAD_ATTEMPTS):
        client.refuse_if_stopped([("upload", "POST", path, logged, None)])
        entry = Write("upload", path, logged, after=logged, plan_key=plan_key,
                      object_type="audience_users", receipt=receipt)
        record_intents(ledger, client.thread_id, [entry])
        entry.earlier = list(earlier)
        try:
            client.governor.check()
            mark_sent(ledger, [entry])
            body = client.call("POST", path, params, write=True)
        except UnknownOutcomeError as exc:
            settle(ledger, [(entry, "unknown", {"error": str(exc)})])
            if entry.write_id:
                earlier.append(entry.write_id)
            continue  # the same rows again in the same session: Meta de-duplicates them
        except MetaError as exc:
            settle(ledger, [(entry, outcome_of(exc), {"error": str(exc)})])
            raise
        body = body if isinstance(body, dict) else {}
        counts = {k: body.get(k) for k in ("num_received", "num_invalid_entries")}
        settle(ledger, [(entry, "done", {"after": {**logged, **counts}})])
        return body
    raise UnknownOutcomeError(f"customer list batch {logged['session']['batch_seq']} to {path}: "
                              f"no answer after {UPLOAD_ATTEMPTS} attempts; re-run the launch "
                              "(finished batches are skipped)")
