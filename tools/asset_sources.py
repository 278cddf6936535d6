"""Where asset bytes may come from: files under the folders the operator allows, public URLs.

A brief or a plan names its images by path or by URL, and on LangGraph Server the brief comes
from whoever can reach the API. docs/design.md §4: a request from outside the process can read
no file outside the directory the operator allowed. So:

* `local_file(path, access)` — with `access.roots` set (the server: `ADPILOT_ASSET_DIR` and the
  server's own uploads), a path is read only when, symlinks and `..` resolved, it lies under
  one of the roots; a relative path resolves against each root in turn. `roots=None` (the
  CLI, reading its own person's files) takes any path, as before. A refusal names the
  setting, never the server's folders.
* `fetch(url, access, max_bytes=)` — the host is resolved and *every* address checked:
  loopback, private, link-local (169.254.169.254 is the cloud metadata service), reserved,
  multicast, unspecified and other non-public addresses are refused unless
  `access.allow_private_urls` (`ADPILOT_ALLOW_PRIVATE_URLS=1`). The connection is made to the
  address that was checked, so a second DNS answer cannot swap in an internal one (HTTPS still
  checks the certificate against the host's name); redirects are followed by hand, each hop
  checked the same way, at most `MAX_REDIRECTS`. Downloads connect directly (no proxy).
* `url_problem(url, access)` — the same address rule for a URL whose host is an IP literal or
  `localhost`, without DNS: what plan validation can say before approval (no network there).

Refusals are `AssetRefused`; a fetch that fails for another reason (DNS, TLS, HTTP status,
timeout) is `FetchFailed`. Both name the URL or path and the fix.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import urllib3
from requests.utils import DEFAULT_CA_BUNDLE_PATH

from state.context import ALLOW_PRIVATE_URLS_ENV, ASSET_DIR_ENV, AssetAccess

MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class AssetRefused(ValueError):
    """A path or URL this run may not read; the message names it and the setting that allows it."""


class FetchFailed(OSError):
    """An allowed URL could not be fetched (DNS, connection, TLS, HTTP status, size)."""


def private_fix() -> str:
    """Return the fix a refused private URL names."""
    return (f"give a public https URL, upload the image, or — if this machine should fetch from "
            f"internal addresses — set {ALLOW_PRIVATE_URLS_ENV}=1 where adpilot runs")


def address_problem(ip: IP) -> str | None:
    """Name what kind of non-public address `ip` is ("a loopback address"), or None when public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if embedded is not None:
            return address_problem(embedded)
    for name, hit in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                      ("unspecified", ip.is_unspecified), ("multicast", ip.is_multicast),
                      ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if hit:
            return f"{'an' if name[0] in 'aeiou' else 'a'} {name} address"
    return None if ip.is_global else "a non-public address"


def _literal(host: str) -> IP | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def url_problem(url: str, access: AssetAccess) -> str | None:
    """Refuse an http(s) URL whose host is a non-public IP literal or `localhost` (no DNS)."""
    if access.allow_private_urls:
        return None
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    ip = _literal(host)
    what = address_problem(ip) if ip is not None else (
        "a loopback address" if host == "localhost" or host.endswith(".localhost") else None)
    if what is None:
        return None
    return f"{url} points at {what}; adpilot fetches images from public addresses only"


def check_address(url: str, access: AssetAccess) -> tuple[str, int]:
    """Resolve the URL's host; return (address, port) after checking every address it has."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AssetRefused(f"{url!r} is not an http(s) URL; give an https:// link")
    if parts.username or parts.password:
        raise AssetRefused(f"{parts.scheme}://{parts.hostname}/…: URLs with a user name or "
                           "password are not fetched; give a link that needs no login")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AssetRefused(f"{url}: the port is not a number") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve {parts.hostname} ({exc.__class__.__name__}); check "
                          "the link") from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    if not access.allow_private_urls:
        for address in addresses:
            what = address_problem(ipaddress.ip_address(address))
            if what is not None:
                where = ("is" if _literal(parts.hostname) is not None
                         else f"resolves to {address},")
                raise AssetRefused(f"{url}: {parts.hostname} {where} {what}; adpilot fetches "
                                   f"images from public addresses only — {private_fix()}")
    return addresses[0], port


def _pool(url: str, address: str, port: int, timeout: float) -> urllib3.HTTPConnectionPool:
    """Open a connection pool to `address` (already checked), keeping the host's name for TLS."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=DEFAULT_CA_BUNDLE_PATH)
        return urllib3.HTTPSConnectionPool(address, port, server_hostname=host,
                                           assert_hostname=host, ssl_context=context,
                                           timeout=timeout, retries=False)
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)


def fetch(url: str, access: AssetAccess, *, max_bytes: int, timeout: float = 30.0) -> bytes:
    """Download `url` (at most `max_bytes`), checking the address of every hop first."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        address, port = check_address(current, access)
        parts = urlsplit(current)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": "adpilot"}
        with _pool(current, address, port, timeout) as pool:
            try:
                resp = pool.urlopen("GET", target, headers=headers, redirect=False,
                                    retries=False, preload_content=False)
                try:
                    location = resp.headers.get("Location")
                    if resp.status in _REDIRECTS and location:
                        current = urljoin(current, location)
                        continue
                    if resp.status >= 400:
                        raise FetchFailed(f"cannot download {current} (HTTP {resp.status}); "
                                          "check the link")
                    data = resp.read(max_bytes + 1, decode_content=True)
                finally:
                    resp.close()  # its socket too: nothing is reused, nothing left open
            except urllib3.exceptions.HTTPError as exc:
                raise FetchFailed(f"cannot download {current} ({exc.__class__.__name__}); check "
                                  "the link, or download the image and give its file path") from None
        if len(data) > max_bytes:
            raise FetchFailed(f"{url} is over {max_bytes // (1024 * 1024)} MB; use a smaller image")
        return bytes(data)
    raise FetchFailed(f"{url} redirects more than {MAX_REDIRECTS} times; give the final link")


def local_file(path: str, access: AssetAccess) -> Path:
    """Return the file `path` names, if this run may read it (see the module doc)."""
    given = Path(path).expanduser()
    if access.roots is None:
        return given
    fix = (f"put the file in the folder the operator set as {ASSET_DIR_ENV}, upload it "
           "(POST /adpilot/images), or give an https URL")
    if not access.roots:
        raise AssetRefused(f"{path}: this server reads no image files from its disk "
                           f"({ASSET_DIR_ENV} is not set); {fix}")
    roots = [Path(r).resolve() for r in access.roots]
    candidates = [given] if given.is_absolute() else [root / given for root in roots]
    inside = [c.resolve() for c in candidates]
    inside = [c for c in inside if any(c.is_relative_to(root) for root in roots)]
    if not inside:
        raise AssetRefused(f"{path} is outside the folders this server reads images from; {fix}")
    return next((c for c in inside if c.is_file()), inside[0])
