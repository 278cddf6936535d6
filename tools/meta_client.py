"""The one seam to Meta: `MetaClient`, every call adpilot makes to the Graph API goes through it.

The seam is layered so nothing in it imports upward:

```
tools/meta_client.py   MetaClient = GraphClient + batch() + upload_video()
tools/batching.py      the batch executor          tools/videos.py   phased video upload
tools/account.py       the account's settings and clock (account_info, account_now)
tools/graph_client.py  GraphClient: SDK session, errors, retries, governor, ledgered write()
tools/ledgered.py      the write path's rules (money gate check, cuts, retry before-values)
tools/errors.py  tools/governor.py  state/provenance.py  tools/fields.py
```

```
MetaError                        every failure the client raises (tools/errors.py)
├── TransientError               code 1, 2, is_transient; network error / non-JSON 5xx on a read
├── ThrottledError               4, 17, 32, 341, 613, 80000-80014; .retry_after_s, .until (UTC)
├── PermanentError               everything Meta refuses: .code .subcode .user_title .user_msg
│   └── AuthError                190, 102, 104, appsecret_proof        .blame_fields
└── UnknownOutcomeError          timeout / dropped connection / non-JSON 5xx on a write
```

Retries, the governor, the ledger and the money gate: `tools/graph_client.py`. A write that
can raise spend (`state.money.spend_reason`: a campaign or ad set created with a budget or
ACTIVE, any activation, a budget, spend cap, spend limit or end-time change, any `/copies`)
needs a `GatePass` from `state.guardrails.gate` covering exactly that request.

Provenance (`state/provenance.py`): campaigns, ad sets, creatives and ads carry the ad label
`label_for(plan_key)` = `"ap-<8 hex>"` — the first 8 hex characters of the plan key (a key that
is not hex is sha256-hashed first); their names end with `tag_for(plan_key)` = `" [ap:<8 hex>]"`
only with `ADPILOT_NAME_TAGS=on`, while images, audiences and lead forms (no labels) always
carry the tag. `find_created(edge, plan_key)` finds the object a plan key created under a
parent edge, by its label or its name tag (objects from earlier versions).
"""

from __future__ import annotations

from pathlib import Path

from state.control import ThreadStopped
from state.guardrails import UngatedSpendError
from state.provenance import label_for, tag_for, visible_name, with_label, with_tag
from tools.batching import BatchItem, BatchResult, run_batch
from tools.errors import (
    AuthError,
    MetaError,
    PermanentError,
    ThrottledError,
    TransientError,
    UnknownOutcomeError,
)
from tools.graph_client import GraphClient
from tools.ledgered import require_pass
from tools.videos import chunked_upload, wait_until_ready

__all__ = [
    "AuthError", "MetaClient", "MetaError", "PermanentError", "ThreadStopped", "ThrottledError",
    "TransientError", "UngatedSpendError", "UnknownOutcomeError", "label_for", "require_pass",
    "tag_for", "visible_name", "with_label", "with_tag",
]


class MetaClient(GraphClient):
    """A Graph API client with classified errors, retries, pacing, batching and a ledger."""

    def batch(self, items: list[BatchItem]) -> list[BatchResult]:
        """Run `BatchItem`s in as few Graph batch requests as allowed (see tools/batching.py)."""
        return run_batch(self, items)

    def upload_video(self, path: str | Path, name: str | None = None, *,
                     plan_key: str | None = None, wait_ready: bool = True,
                     timeout_s: float = 60.0) -> str:
        """Upload a video in start/transfer/finish phases to the configured Graph URL."""
        video_id = chunked_upload(self, Path(path), name=name, plan_key=plan_key)
        if wait_ready:
            wait_until_ready(self, video_id, timeout_s=timeout_s)
        return video_id
