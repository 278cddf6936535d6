"""The batch executor: many Graph operations in as few `POST /` batch requests as Meta allows.

Longer than 300 lines because the chunking rule, the batch request's encoding and parsing, and the
ledgered run of the chunks are one executor that no other module needs a part of.

Chunking rule (Meta's guidance, docs/meta-api-facts.md §1.8): at most **50 operations per batch request** and
at most **10 ad creations per batch**. Items are taken in the caller's order (a topological
order; `launch_tree` interleaves each ad right after its creative), and each chunk is filled
greedily: an item joins the current chunk once everything it depends on is in this or an
earlier chunk; when the chunk already holds 10 ad creations, further ads wait for the next
chunk while non-ad items keep filling this one; a new chunk starts with the waiting ads. This
reaches the lower bound `max(ceil(items / 50), ceil(ads / 10))` round trips for campaign trees
(e.g. 1 campaign × 5 ad sets × 8 ads = 86 items, 40 ads → 4 requests).

Dependencies: an item refers to an earlier one with `{result=NAME:$.id}` (also `$.a.b`,
`$.data.*.id`, `$.images.*.hash`) in `relative_url` or any param value. Inside one chunk the
reference is sent as is (Meta substitutes it); for an item in an earlier chunk the client
substitutes the concrete value. An item whose dependency failed is not sent.

Money gate: before anything is ledgered or sent, every write item that can raise spend must
carry a `gate_pass` covering exactly it (`tools.ledgered.require_pass`); otherwise the whole
batch is refused with `UngatedSpendError` and nothing is sent.

Results: one `BatchResult` per item, in input order; a `null` slot or a failed chunk is never
dropped — the item gets an error (`UnknownOutcomeError` for writes that may have run,
`TransientError` for reads). Items that failed transiently (and their in-chunk dependents)
are retried once in a follow-up request. Every write item is ledgered by the same steps as
`MetaClient.write` (`tools/ledgered.py`: intent → sent → outcome), each step for a whole chunk
in one ledger transaction.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from facebook_business.api import _top_level_param_json_encode

from tools.errors import (
    MetaError,
    PermanentError,
    ThrottledError,
    TransientError,
    UnknownOutcomeError,
    from_error_body,
)
from tools.ledgered import (
    Write,
    compact,
    mark_sent,
    outcome_of,
    record_intents,
    require_pass,
    settle,
)

if TYPE_CHECKING:
    from state.guardrails import GatePass
    from tools.graph_client import GraphClient

MAX_ITEMS = 50
MAX_ADS = 10
_REF = re.compile(r"\{result=([^:}]+):(\$[^}]*)\}")


@dataclass
class BatchItem:
    """One Graph operation in a batch."""

    name: str
    method: str
    relative_url: str
    params: dict[str, Any] = field(default_factory=dict)
    depends_on: list[str] | str | None = None
    files: dict[str, tuple[str, bytes]] | None = None
    plan_key: str | None = None
    object_type: str | None = None
    op: str | None = None
    receipt: str | None = None
    before: Any = None
    gate_pass: GatePass | None = None

    @property
    def is_write(self) -> bool:
        """Anything but GET changes something at Meta."""
        return self.method.upper() != "GET"

    @property
    def ledger_op(self) -> str:
        """The ledger operation name (create / update / delete / upload)."""
        if self.op:
            return self.op
        if self.method.upper() == "DELETE":
            return "delete"
        path = self.relative_url.split("?")[0].strip("/")
        if path.endswith("adimages") or path.endswith("advideos"):
            return "upload"
        return "create" if "/" in path else "update"

    @property
    def is_ad_create(self) -> bool:
        """Meta caps ad creations per batch; this item is one."""
        path = self.relative_url.split("?")[0].rstrip("/")
        return self.method.upper() == "POST" and (self.object_type == "ad" or
                                                  path.endswith("/ads"))

    def deps(self) -> list[str]:
        """Names this item depends on (explicit and through `{result=...}` references)."""
        names = [self.depends_on] if isinstance(self.depends_on, str) else list(
            self.depends_on or [])
        text = self.relative_url + json.dumps(self.params, default=str)
        names += [m.group(1) for m in _REF.finditer(text)]
        return list(dict.fromkeys(names))


@dataclass
class BatchResult:
    """The outcome of one batch item."""

    name: str
    ok: bool
    body: Any = None
    code: int | None = None
    error: MetaError | None = None
    sent: bool = False
    write_id: str | None = None

    @property
    def id(self) -> str | None:
        """The Meta id in the body (`id`, or an image hash), if any."""
        if isinstance(self.body, dict):
            if self.body.get("id"):
                return str(self.body["id"])
            images = self.body.get("images")
            if isinstance(images, dict) and images:
                return next(iter(images.values())).get("hash")
        return None


def plan_chunks(items: list[BatchItem], max_items: int = MAX_ITEMS,
                max_ads: int = MAX_ADS) -> list[list[BatchItem]]:
    """Split items into chunks per the rule in the module docstring."""
    names = [it.name for it in items]
    if len(set(names)) != len(names):
        raise ValueError("batch item names must be unique")
    known = set(names)
    for it in items:
        missing = [d for d in it.deps() if d not in known]
        if missing:
            raise ValueError(f"batch item {it.name!r} depends on unknown item(s) {missing}")
    remaining = list(items)
    placed: set[str] = set()
    chunks: list[list[BatchItem]] = []
    while remaining:
        chunk: list[BatchItem] = []
        ads = 0
        progress = True
        while progress and len(chunk) < max_items:
            progress = False
            for it in list(remaining):
                if len(chunk) >= max_items:
                    break
                if any(d not in placed for d in it.deps()):
                    continue
                if it.is_ad_create and ads >= max_ads:
                    continue
                chunk.append(it)
                remaining.remove(it)
                placed.add(it.name)
                ads += it.is_ad_create
                progress = True
        if not chunk:
            cycle = [it.name for it in remaining]
            raise ValueError(f"batch items {cycle} have circular or unsatisfiable dependencies")
        chunks.append(chunk)
    return chunks


def jsonpath(body: Any, path: str) -> str:
    """Evaluate the JSONPath subset Meta's batch references use; matches are comma-joined."""
    nodes = [body]
    for token in path.lstrip("$").strip(".").split("."):
        if not token:
            continue
        nxt: list[Any] = []
        for node in nodes:
            if token == "*":
                nxt += list(node.values()) if isinstance(node, dict) else list(node or [])
            elif isinstance(node, dict) and token in node:
                nxt.append(node[token])
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                nxt.append(node[int(token)])
        nodes = nxt
    return ",".join(str(n) for n in nodes)


def _substitute(text: str, results: dict[str, Any]) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) in results:
            return jsonpath(results[m.group(1)], m.group(2))
        return m.group(0)

    return _REF.sub(repl, text)


def _encode(params: dict[str, Any]) -> str:
    """Form-encode like the SDK, but keep `{result=...}` references readable for Meta."""
    pairs = []
    for key, value in _top_level_param_json_encode(dict(params)).items():
        text = str(value)
        parts, pos = [], 0
        for m in _REF.finditer(text):
            parts.append(urllib.parse.quote(text[pos:m.start()], safe=""))
            parts.append(m.group(0))
            pos = m.end()
        parts.append(urllib.parse.quote(text[pos:], safe=""))
        pairs.append(f"{urllib.parse.quote(str(key), safe='')}={''.join(parts)}")
    return "&".join(pairs)


def _entry(it: BatchItem, results: dict[str, Any], file_parts: list[str]) -> dict[str, Any]:
    url = _substitute(it.relative_url, results).lstrip("/")
    params = json.loads(_substitute(json.dumps(it.params, default=str), results))
    entry: dict[str, Any] = {"method": it.method.upper(), "name": it.name,
                             "omit_response_on_success": False}
    if it.method.upper() in ("GET", "DELETE"):
        if params:
            url += ("&" if "?" in url else "?") + _encode(params)
    elif params:
        entry["body"] = _encode(params)
    entry["relative_url"] = url
    if file_parts:
        entry["attached_files"] = ",".join(file_parts)
    return entry


def _parse(slot: Any, it: BatchItem) -> BatchResult:
    if slot is None:
        err: MetaError = (UnknownOutcomeError(f"batch item {it.name!r} got no response; it may "
                                              "have run") if it.is_write else
                          TransientError(f"batch item {it.name!r} got no response"))
        return BatchResult(it.name, False, error=err, sent=True)
    code = slot.get("code")
    raw = slot.get("body")
    try:
        body = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        body = None
    ok_body = isinstance(body, dict | list) and not (isinstance(body, dict) and "error" in body)
    if ok_body and (code or 200) < 400 and not (isinstance(body, dict)
                                                 and body.get("success") is False):
        return BatchResult(it.name, True, body=body, code=code, sent=True)
    error = from_error_body(raw if body is None else body, http_status=code,
                            headers=slot.get("headers"), write=it.is_write)
    return BatchResult(it.name, False, body=body, code=code, error=error, sent=True)


def _send_chunk(client: GraphClient, chunk: list[BatchItem],
                results: dict[str, Any]) -> list[BatchResult]:
    entries, files = [], {}
    for it in chunk:
        parts = []
        for part, content in (it.files or {}).items():
            part_name = f"{it.name}_{part}"
            files[part_name] = content
            parts.append(part_name)
        entries.append(_entry(it, results, parts))
    try:
        slots = client.call("POST", "", {"batch": entries}, files=files or None,
                            write=any(it.is_write for it in chunk), graph_calls=len(chunk),
                            _gated=True)  # every item was checked by run_batch
    except MetaError as exc:
        # The whole request failed: every item shares the error (never dropped).
        return [BatchResult(it.name, False, error=exc,
                            sent=not isinstance(exc, ThrottledError | TransientError |
                                                PermanentError))
                for it in chunk]
    if not isinstance(slots, list) or len(slots) != len(chunk):
        err = UnknownOutcomeError("batch response does not match the request "
                                  f"({len(chunk)} items)")
        return [BatchResult(it.name, False, error=err, sent=True) for it in chunk]
    return [_parse(slot, it) for slot, it in zip(slots, chunk, strict=True)]


def _retry_set(chunk: list[BatchItem], outcome: dict[str, BatchResult]) -> list[BatchItem]:
    """Items that failed transiently, plus failed items depending on them (in order)."""
    retry: list[BatchItem] = []
    names: set[str] = set()
    for it in chunk:
        res = outcome[it.name]
        if res.ok:
            continue
        transient = isinstance(res.error, TransientError) or (
            isinstance(res.error, ThrottledError) and res.error.retry_after_s <= 2.0)
        if transient or any(d in names for d in it.deps()):
            retry.append(it)
            names.add(it.name)
    return retry


def run_batch(client: GraphClient, items: list[BatchItem]) -> list[BatchResult]:
    """Run `items` (see the module docstring); returns one result per item, in order."""
    digests = {it.name: require_pass(it.method, it.relative_url, it.params, it.plan_key,
                                     it.gate_pass) for it in items if it.is_write}
    outcome: dict[str, BatchResult] = {}
    bodies: dict[str, Any] = {}
    ledger = client.ledger
    for chunk in plan_chunks(items):
        ready = []
        for it in chunk:
            failed = [d for d in it.deps() if d in outcome and not outcome[d].ok]
            if failed:
                outcome[it.name] = BatchResult(it.name, False, error=PermanentError(
                    f"not sent: dependency {failed[0]!r} failed"))
            else:
                ready.append(it)
        if not ready:
            continue
        writes = [it for it in ready if it.is_write]
        # A stop recorded since the batch began halts it here, before this chunk is ledgered.
        client.refuse_if_stopped([(it.ledger_op, it.method, it.relative_url, it.params, it.before)
                                  for it in writes])
        # Write-ahead, one ledger transaction per step for the whole chunk (not per item); a
        # retry of an update keeps its first attempt's before-values (tools/ledgered.py).
        ledgered = [_write_of(it, digests.get(it.name)) for it in writes]
        record_intents(ledger, client.thread_id, ledgered)
        mark_sent(ledger, ledgered)
        entries = {it.name: w for it, w in zip(writes, ledgered, strict=True)}
        for res in _send_chunk(client, ready, bodies):
            outcome[res.name] = res
            if res.ok:  # the retry below refers to these by concrete id
                bodies[res.name] = res.body
            elif isinstance(res.error, ThrottledError) and res.error.code is not None:
                client.governor.block_for(res.error.retry_after_s)  # Meta said stop: stop
        retry = _retry_set(ready, outcome)
        if retry:
            client.count("retries")
            for res in _send_chunk(client, retry, bodies):
                outcome[res.name] = res
        outcomes = []
        for it in ready:
            res = outcome[it.name]
            if res.ok:
                bodies[it.name] = res.body
            entry = entries.get(it.name)
            res.write_id = entry.write_id if entry is not None else None
            if entry is not None and res.write_id:
                status, extra = _ledger_outcome(it, res, bodies)
                outcomes.append((entry, status, extra))
        settle(ledger, outcomes)
    return [outcome[it.name] for it in items]


def _write_of(it: BatchItem, policy_digest: str | None) -> Write:
    logged = compact(dict(it.params))
    return Write(it.ledger_op, it.relative_url, logged, after=logged, plan_key=it.plan_key,
                 object_type=it.object_type, receipt=it.receipt, before=it.before,
                 policy_digest=policy_digest)


def _ledger_outcome(it: BatchItem, res: BatchResult, bodies: dict[str, Any]
                    ) -> tuple[str, dict[str, Any]]:
    # After-values carry the concrete parent ids, not the `{result=...}` references.
    params = json.loads(_substitute(json.dumps(it.params, default=str), bodies))
    if res.ok:
        meta_id = res.id or (it.relative_url.split("?")[0].strip("/").split("/")[0]
                             if it.ledger_op in ("update", "delete") else None)
        return "done", {"meta_id": meta_id, "after": compact({**params, "id": meta_id})}
    return outcome_of(res.error), {"error": str(res.error)}
