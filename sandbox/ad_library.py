"""`GET /ads_archive` (the Ad Library API), answered as Meta answers an app without its access.

adpilot runs ads and never reads the Ad Library, so the sandbox models an app that has not
completed Meta's Ad Library API steps (identity confirmation, facebook.com/ads/library/api):
Meta refuses those calls with code 10, subcode 2332002. The payload is the one reported in
facebookresearch/Ad-Library-API-Script-Repository issues #3, #22 and #32 (2020-2023).
"""

from __future__ import annotations

from typing import Any, NoReturn

from sandbox.context import RequestContext
from sandbox.errors import GraphError


def ads_archive(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> NoReturn:
    """Refuse an Ad Library search: this app has no Ad Library API access."""
    raise GraphError(
        10,
        "Application does not have permission for this action",
        subcode=2332002,
        user_title="Authorization and login needed",
        user_msg="To access the API, you'll need to follow the steps at "
        "facebook.com/ads/library/api.",
    )
