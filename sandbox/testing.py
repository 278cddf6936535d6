"""Helpers for code that drives the sandbox with the real SDK (tests, benches, the demo)."""

from __future__ import annotations

from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession

SANDBOX_TOKEN = "sandbox-token"
API_VERSION = "v26.0"


def make_api(
    url: str,
    token: str = SANDBOX_TOKEN,
    app_secret: str | None = None,
    api_version: str = API_VERSION,
) -> FacebookAdsApi:
    """Build a FacebookAdsApi for `url` without a crash reporter and without making it global."""
    session = FacebookSession(access_token=token, app_secret=app_secret)
    session.GRAPH = url  # instance attribute: other sessions keep Meta's URL
    return FacebookAdsApi(session, api_version=api_version)
