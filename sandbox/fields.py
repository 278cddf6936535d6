"""`fields=` selection: Meta's default fields, unknown-field errors, computed fields.

Stored docs hold what Meta returns plus private `_`-prefixed keys; `select` never emits those.
Fields that exist on the node type but have no value are omitted, as Meta omits nulls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facebook_business.adobjects.business import Business
from facebook_business.adobjects.customaudience import CustomAudience
from facebook_business.adobjects.customaudiencesession import CustomAudienceSession
from facebook_business.adobjects.iguser import IGUser
from facebook_business.adobjects.leadgenform import LeadgenForm
from facebook_business.adobjects.productcatalog import ProductCatalog

from sandbox.enums import NODE_FIELDS, NODE_TYPE_NAMES, values
from sandbox.errors import nonexisting_field
from sandbox.params import get_fields

Computed = dict[str, Callable[[], Any]]

# Audience, lead-form and business nodes (sandbox/audiences.py, leadforms.py, business.py).
OBJECT_FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    "customaudience": ("CustomAudience", values(CustomAudience.Field)),
    "customaudiencesession": ("CustomAudienceSession", values(CustomAudienceSession.Field)),
    "leadgen_form": ("LeadgenForm", values(LeadgenForm.Field)),
    "iguser": ("IGUser", values(IGUser.Field)),
    "business": ("Business", values(Business.Field)),  # sandbox/business.py
    "productcatalog": ("ProductCatalog", values(ProductCatalog.Field)),
}

DEFAULTS: dict[str, tuple[str, ...]] = {
    "adaccount": ("id", "account_id"),
    "page": ("id", "name"),
    "adspixel": ("id", "name"),
    "adimage": ("id", "hash"),
    "advideo": ("id",),
    "leadgen_form": ("id", "locale", "name", "status"),
    "iguser": ("id",),
    "business": ("id", "name"),
    "productcatalog": ("id", "name"),
    "user": ("id", "name"),  # `GET /me`
}


def type_name(type_: str) -> str:
    """Meta's node type name for a sandbox object type (`customaudience` → `CustomAudience`)."""
    if type_ in OBJECT_FIELDS:
        return OBJECT_FIELDS[type_][0]
    return NODE_TYPE_NAMES.get(type_, type_)


def base_name(field: str) -> str:
    """`campaign{name}` → `campaign`."""
    return field.split("{", 1)[0].strip()


def check_fields(type_: str, fields: list[str]) -> None:
    """Raise Meta's nonexisting-field error for names the node type lacks."""
    known = NODE_FIELDS.get(type_) or OBJECT_FIELDS.get(type_, ("", None))[1]
    if known is None:
        return
    for f in fields:
        name = base_name(f)
        if name not in known and name != "id":
            raise nonexisting_field(name, type_name(type_))


def select(
    doc: dict[str, Any],
    type_: str,
    params: dict[str, Any],
    computed: Computed | None = None,
    fields: list[str] | None = None,
) -> dict[str, Any]:
    """Return the doc restricted to the requested fields (default set when none are asked)."""
    if fields is None:
        fields = get_fields(params)
    if fields is None:
        fields = list(DEFAULTS.get(type_, ("id",)))
    else:
        check_fields(type_, fields)
    computed = computed or {}
    out: dict[str, Any] = {}
    for f in fields:
        name = base_name(f)
        if name in computed:
            value = computed[name]()
        else:
            value = doc.get(name)
        if value is not None and not name.startswith("_"):
            out[name] = value
    out["id"] = doc["id"]
    return out
