"""Instant forms (lead forms) on the page: create the plan's form exactly once, read it back.

`create_lead_form(client, page_id, params, plan_key=..., receipt=...)` sends `POST
/<page_id>/leadgen_forms` through `tools.ledgered.create_once` (ledgered; after a lost response
the form is looked up by its provenance tag in `GET /<page_id>/leadgen_forms` before anything
is sent again). Only an approved launch calls it (`tools/launch_prereqs.py`). A plan that
names an existing form (`lead_form.form_id`) is checked with `read_lead_form` instead: the
form must exist and not be archived or deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.errors import PermanentError
from tools.ledgered import create_once

if TYPE_CHECKING:
    from tools.graph_client import GraphClient

FORM_FIELDS = "id,name,status,locale,questions,privacy_policy_url,follow_up_action_url"


class LeadFormUnusable(PermanentError):
    """The form the plan reuses does not exist or is archived/deleted."""


def create_lead_form(client: GraphClient, page_id: str, params: dict[str, Any], *,
                     plan_key: str, receipt: str | None) -> tuple[str, str]:
    """Create the form on the page exactly once; return `(form id, how)` (`create_once`)."""
    return create_once(client, f"{page_id}/leadgen_forms", params, plan_key=plan_key,
                       object_type="lead_form", receipt=receipt)


def read_lead_form(client: GraphClient, form_id: str, fields: str = FORM_FIELDS
                   ) -> dict[str, Any]:
    """Return a form's fields; `LeadFormUnusable` when it is missing, archived or deleted."""
    try:
        form = client.get(str(form_id), {"fields": fields})
    except PermanentError as exc:
        raise LeadFormUnusable(f"lead form {form_id}: {exc.message}; check lead_form.form_id "
                               "or leave it out to create the form", code=exc.code,
                               subcode=exc.subcode) from None
    if str(form.get("status") or "ACTIVE").upper() in ("ARCHIVED", "DELETED"):
        raise LeadFormUnusable(f"lead form {form_id} is {form['status']}; give an active form's "
                               "id or leave lead_form.form_id out to create one")
    return form


def list_lead_forms(client: GraphClient, page_id: str, fields: str = "id,name,status"
                    ) -> list[dict[str, Any]]:
    """Return the page's lead forms."""
    return client.get_all(f"{page_id}/leadgen_forms", {"fields": fields}, limit=200)
