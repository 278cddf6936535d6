"""Meta's Graph error envelope and constructors for every error the sandbox answers with.

Handlers raise `GraphError`; the WSGI app turns it into Meta's JSON envelope::

    {"error": {"message", "type", "code", "error_subcode", "is_transient",
               "error_user_title", "error_user_msg", "error_data", "fbtrace_id"}}

`error_data` is always a JSON object (never free text: the SDK `json.loads` a string
`error_data` and crashes on anything else). Blame field specs live inside it, as Meta does.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

_TRACE_ALPHABET = string.ascii_letters + string.digits

# Meta's message for a missing or invisible object (code 100, subcode 33).
_NOT_FOUND = (
    "Unsupported {method} request. Object with ID '{oid}' does not exist, cannot be loaded due "
    "to missing permissions, or does not support this operation. Please read the Graph API "
    "documentation at https://developers.facebook.com/docs/graph-api"
)


def trace_id() -> str:
    """Return an opaque fbtrace_id-like string."""
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


class GraphError(Exception):
    """An error the sandbox answers with, shaped like Meta's."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        type: str = "OAuthException",  # noqa: A002 - Meta's field name
        user_title: str | None = None,
        user_msg: str | None = None,
        blame_field_specs: list[list[str]] | None = None,
        http_status: int = 400,
        is_transient: bool = False,
        error_data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.subcode = subcode
        self.type = type
        self.user_title = user_title
        self.user_msg = user_msg
        self.blame_field_specs = blame_field_specs
        self.http_status = http_status
        self.is_transient = is_transient
        self.error_data = dict(error_data or {})
        self.headers = dict(headers or {})

    def to_body(self) -> dict[str, Any]:
        """Return Meta's `{"error": {...}}` envelope."""
        err: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            err["error_subcode"] = self.subcode
        err["is_transient"] = self.is_transient
        if self.user_title:
            err["error_user_title"] = self.user_title
        if self.user_msg:
            err["error_user_msg"] = self.user_msg
        data = dict(self.error_data)
        if self.blame_field_specs:
            data["blame_field_specs"] = self.blame_field_specs
        if data:
            err["error_data"] = data
        err["fbtrace_id"] = trace_id()
        return {"error": err}

    @property
    def is_throttle(self) -> bool:
        """True for Meta's rate-limit codes."""
        return self.code in (4, 17, 32, 341, 613) or 80000 <= self.code <= 80014

    def __repr__(self) -> str:
        return f"GraphError(code={self.code}, subcode={self.subcode}, message={self.message!r})"


# -- constructors ---------------------------------------------------------------------------


def invalid(
    user_msg: str,
    *,
    fields: list[str] | None = None,
    subcode: int | None = None,
    title: str = "Invalid Parameter",
    message: str = "Invalid parameter",
    error_data: dict[str, Any] | None = None,
) -> GraphError:
    """Code 100: a parameter Meta refuses. `fields` become `blame_field_specs`."""
    return GraphError(
        100,
        f"(#100) {message}" if not message.startswith("(#") else message,
        subcode=subcode,
        user_title=title,
        user_msg=user_msg,
        blame_field_specs=[[f] for f in fields] if fields else None,
        error_data=error_data,
    )


def required(field: str, what: str = "") -> GraphError:
    """Code 100: a required parameter is missing."""
    msg = f"The parameter {field} is required"
    return invalid(
        f"{msg}{': ' + what if what else '.'}",
        fields=[field],
        message=msg,
        title="Missing Parameter",
    )


def not_found(oid: str, method: str = "get") -> GraphError:
    """Code 100 / 33: object missing or not visible (Meta's wording)."""
    return GraphError(
        100,
        _NOT_FOUND.format(method=method.lower(), oid=oid),
        subcode=33,
        type="GraphMethodException",
    )


def unknown_path(path: str) -> GraphError:
    """Code 2500: the path does not name a node or edge the sandbox serves."""
    return GraphError(2500, f"Unknown path components: /{path}")


def nonexisting_field(field: str, node_type: str) -> GraphError:
    """Code 100: a `fields=` name the node does not have."""
    return GraphError(
        100, f"(#100) Tried accessing nonexisting field ({field}) on node type ({node_type})"
    )


def bad_token() -> GraphError:
    """Code 190 / 467: the access token is not the sandbox's."""
    return GraphError(
        190,
        "Invalid OAuth access token - Cannot parse access token",
        subcode=467,
        http_status=400,
    )


def missing_token() -> GraphError:
    """Code 104: no access token at all."""
    return GraphError(104, "An access token is required to request this resource.", http_status=400)


def appsecret_proof_missing() -> GraphError:
    """Code 100: the sandbox has an app secret and the call carries no proof."""
    return GraphError(
        100,
        "The appsecret_proof argument must be passed as a parameter: this app requires every "
        "API call to carry appsecret_proof = HMAC-SHA256(app secret, access token) as hex.",
        type="GraphMethodException",
    )


def appsecret_proof_invalid() -> GraphError:
    """Code 100: the proof does not match HMAC-SHA256(secret, token)."""
    return GraphError(
        100,
        "Invalid appsecret_proof provided in the API argument: it must be the hex "
        "HMAC-SHA256 of the access token keyed with the app secret.",
        type="GraphMethodException",
    )


def deprecated_version(version: str, oldest: str) -> GraphError:
    """Code 2635: the URL names an API version older than the supported window."""
    return GraphError(
        2635,
        f"(#2635) You are calling a deprecated version of the Ads API ({version}). Please "
        f"update to the latest version: {oldest} or newer.",
    )


def transient() -> GraphError:
    """Code 2: a temporary server problem; retry unchanged."""
    return GraphError(
        2,
        "An unexpected error has occurred. Please retry your request later.",
        is_transient=True,
        http_status=500,
    )


def throttled(code: int, subcode: int | None, regain_minutes: int, reset_s: int) -> GraphError:
    """Return a rate-limit error (17 / 613 / 80000 / 80004) with the time to regain access."""
    texts = {
        4: "(#4) Application request limit reached",
        17: "(#17) User request limit reached",
        613: "(#613) Calls to this api have exceeded the rate limit.",
        80000: "(#80000) There have been too many calls from this ad-account. Wait a bit and "
        "try again. For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        80004: "(#80004) There have been too many calls to this ad-account. Wait a bit and "
        "try again. For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.",
    }
    return GraphError(
        code,
        texts.get(code, f"(#{code}) Rate limit reached"),
        subcode=subcode,
        user_title="Too Many Calls",
        user_msg="There have been too many calls to this ad account. Wait a bit and try again.",
        http_status=400,
        error_data={
            "estimated_time_to_regain_access": regain_minutes,
            "reset_time_duration": reset_s,
        },
    )


def batch_too_large(n: int) -> GraphError:
    """Batch of more than 50 operations."""
    return GraphError(
        100,
        f"Too many requests in batch message. Maximum batch size is 50 (got {n}).",
        type="GraphBatchException",
    )


def admin_invalid(field: str, message: str) -> GraphError:
    """Code 100: an admin API input the sandbox refuses; `message` names the field and the fix."""
    return GraphError(
        100,
        f"(#100) Invalid sandbox admin parameter {field}: {message}",
        user_title="Invalid sandbox admin parameter",
        user_msg=message,
        blame_field_specs=[[field]],
    )


# Subcodes the sandbox chose for refusals whose Meta subcode no source gives (code 100 each;
# listed under "Sandbox answers" in docs/facts-audiences.md and
# docs/facts-bidding-placements-destinations.md). Meta's own, where known, are used instead:
# 1815715 (ON_AD outside lead campaigns), 1815630 (code 105, WhatsApp CTA with a link),
# 1885392 (dynamic creative in a WhatsApp ad), 1885998 (dynamic creative in a non-dynamic ad
# set), 2061015 (lead-form creative without a link).
CHOSEN_SUBCODES: dict[str, int] = {
    "audience_not_found": 1488001,
    "audience_in_and_out": 1488002,
    "sac_lookalike": 1488003,
    "sac_audience_exclusion": 1488004,
    "sac_detailed_exclusion": 1488005,
    "sac_place_exclusion": 1488006,
    "sac_detailed": 1488007,
    "position_platform": 1488010,
    "position_unknown": 1488011,
    "no_platform": 1488012,
    "advantage_age": 1488013,
    "bid_amount_unused": 1488014,
    "bid_constraints_unused": 1488015,
    "min_roas_goal": 1488016,
    "value_event": 1488017,
    "cbo_strategy": 1488018,
    "lead_form_missing": 1488020,
    "whatsapp_unlinked": 1488021,
    "instagram_unlinked": 1488022,
    "messaging_cta": 1488023,
    "lead_form_not_found": 1488024,
    "dc_one_ad": 1488030,
    "dc_counts": 1488031,
    "dc_link_urls": 1488032,
    "dc_text_length": 1488033,
    "dc_carousel": 1488034,
    "dc_ad_formats": 1488035,
    "dc_needs_feed": 1488036,
}


def chosen(
    rule: str, user_msg: str, *, fields: list[str] | None = None,
    blame: list[list[str]] | None = None, title: str = "Invalid Parameter",
) -> GraphError:
    """Code 100 with the sandbox's subcode for `rule` (see `CHOSEN_SUBCODES`)."""
    err = invalid(user_msg, fields=fields, subcode=CHOSEN_SUBCODES[rule], title=title)
    if blame is not None:
        err.blame_field_specs = blame
    return err
