"""Graph API versions in a request path: which ones exist, which ones the sandbox serves.

`resolve(path, minimum)` splits `/v25.0/act_1/campaigns` into (`v25.0`, `act_1/campaigns`) and
judges the version the way Meta does (docs/meta-api-facts.md §10.6):

* a version Meta never released (`v99.0`, `v25.1`, `v2.13`) is not a version at all: the path
  is unknown, code 2500 `Unknown path components: /v99.0/me` — what Graph answers for it, as
  client libraries record it;
* a released version older than the served window (`min_api_version`, default 23) is
  deprecated: code 2635;
* no version at all goes to the oldest served version, as Graph does with unversioned calls.

A first segment that is not shaped `v<major>.<minor>` is not a version: it stays in the path
(and reads as an object id, as on Graph).
"""

from __future__ import annotations

import re

from sandbox.bounds import CURRENT_API_VERSION
from sandbox.errors import deprecated_version, unknown_path
from sandbox.store import Store

MIN_SERVED = 23  # default `min_api_version`: v22.0 expired for ads on 2026-02-19 (§10.6)
VERSION_RE = re.compile(r"^v(\d+)\.(\d+)$")
# Minor versions Meta shipped before it moved to whole majors at v4.0: v1.0, v2.0-v2.12, v3.0-v3.3.
_OLD_MINORS = {1: 0, 2: 12, 3: 3}


def served_minimum(store: Store) -> int:
    """Return the oldest major version the sandbox serves (setting `min_api_version`)."""
    return int(store.get_setting("min_api_version", MIN_SERVED))


def released(major: int, minor: int) -> bool:
    """Return True for a Graph API version Meta has shipped (up to the current one)."""
    if major > CURRENT_API_VERSION or major < 1:
        return False
    if major in _OLD_MINORS:
        return minor <= _OLD_MINORS[major]
    return minor == 0


def check(version: str, rel: str, minimum: int) -> None:
    """Refuse an unreleased version (2500, naming the whole path) or one below `minimum` (2635)."""
    m = VERSION_RE.match(version)
    if m is None:
        return
    major, minor = int(m.group(1)), int(m.group(2))
    if not released(major, minor):
        raise unknown_path("/".join(s for s in (version, rel.strip("/")) if s))
    if major < minimum:
        raise deprecated_version(version, f"v{minimum}.0")


def resolve(path: str, minimum: int) -> tuple[str, str]:
    """(`v25.0`, `act_1/campaigns`) from `/v25.0//act_1/campaigns/`, checked; none → oldest served."""
    segs = [s for s in path.split("/") if s]
    if segs and VERSION_RE.match(segs[0]):
        version, rel = segs[0], "/".join(segs[1:])
        check(version, rel, minimum)
        return version, rel
    return f"v{minimum}.0", "/".join(segs)
