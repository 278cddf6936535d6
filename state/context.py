"""The run context (LangGraph `context_schema`): account, model, policy, limits, client factory.

Read in nodes as `runtime.context`. Frozen: a run's settings never change mid-run. Tokens are
*not* fields here — `tools/meta_client.py` reads them from the environment when it builds a
client, so they never reach state, checkpoints or traces. `Context.from_env()` reads docs/design.md §2's
variables (and a `.env` file in the working directory, without overriding the environment).

`AssetAccess` is which files and URLs a run may read images from. It is the operator's setting
— the CLI's person reads their own files; LangGraph Server reads only under
`ADPILOT_ASSET_DIR` and its own uploads (`graph/server_env.py`) — and a request can never set
it (`graph/server.py` refuses it), like `home`, `meta`, `policy` and the client factory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from state.policy import Policy
from state.provenance import name_tags
from state.settings import doc, env_value, load_env_file

DEFAULT_HOME = ".adpilot"
ASSET_DIR_ENV = "ADPILOT_ASSET_DIR"
ALLOW_PRIVATE_URLS_ENV = "ADPILOT_ALLOW_PRIVATE_URLS"
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def env_flag(name: str, env: Mapping[str, str] | None) -> bool:
    """Read an on/off variable (`1`/`true`/`yes`/`on`, `0`/`false`/`no`/`off`; unset is off)."""
    value = env_value(name, env)
    if value is None or value.lower() in _NO:
        return False
    if value.lower() in _YES:
        return True
    raise ValueError(f"{name}={value!r}: use 1 to turn it on or 0 to turn it off")


def act_id(account: str) -> str:
    """Return an ad account id in Meta's `act_<digits>` form (`"123"` → `"act_123"`; "" stays "")."""
    return account if not account or account.startswith("act_") else f"act_{account}"


@dataclass(frozen=True)
class MetaSettings:
    """Where and as whom to talk to Meta (no secrets: the token is read when a client is built)."""

    graph_url: str | None = field(default=None, metadata=doc(
        "Graph base URL; None means Meta's (https://graph.facebook.com); the sandbox prints its own"))
    api_version: str | None = field(default=None, metadata=doc(
        "Graph API version such as v26.0; None means the SDK's default"))
    account_id: str | None = field(default=None, metadata=doc("ad account id, act_<digits>"))
    page_id: str | None = field(default=None, metadata=doc("Facebook page that runs the ads"))
    pixel_id: str | None = field(default=None, metadata=doc("Meta pixel measuring conversions"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MetaSettings:
        """Read META_GRAPH_URL, META_API_VERSION, the account, META_PAGE_ID, META_PIXEL_ID.

        The account is `ADPILOT_ACCOUNT` (what `--account` sets), else `META_AD_ACCOUNT_ID`; the
        page and pixel likewise `ADPILOT_PAGE` / `ADPILOT_PIXEL` (`--page`, `--pixel`) first.
        """
        if env is None:
            load_env_file()
        account = env_value("ADPILOT_ACCOUNT", env) or env_value("META_AD_ACCOUNT_ID", env)
        account = act_id(account) if account else None
        return cls(graph_url=env_value("META_GRAPH_URL", env),
                   api_version=env_value("META_API_VERSION", env),
                   account_id=account,
                   page_id=env_value("ADPILOT_PAGE", env) or env_value("META_PAGE_ID", env),
                   pixel_id=env_value("ADPILOT_PIXEL", env) or env_value("META_PIXEL_ID", env))


@dataclass(frozen=True)
class AssetAccess:
    """Where a run may read images and videos from: which folders, and whether private URLs.

    URLs are fetched from public addresses only unless `allow_private_urls`
    (`tools/asset_sources.py` resolves the host and checks every address, at each redirect).
    """

    roots: tuple[str, ...] | None = field(default=None, metadata=doc(
        "folders asset files may be read from (relative paths resolve against them, in order);"
        " None means any path, as the CLI reads the person's own files"))
    allow_private_urls: bool = field(default=False, metadata=doc(
        "also fetch image URLs on loopback, private, link-local and reserved addresses "
        f"({ALLOW_PRIVATE_URLS_ENV}=1)"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 roots: tuple[str, ...] | None = None) -> AssetAccess:
        """Read `ADPILOT_ALLOW_PRIVATE_URLS`; `roots` is the caller's (the CLI: None, any path)."""
        return cls(roots=roots, allow_private_urls=env_flag(ALLOW_PRIVATE_URLS_ENV, env))


def _parse_model(value: str | None) -> str:
    if not value or value.strip().lower() == "rules":
        return "rules"
    value = value.strip()
    if ":" not in value:
        raise ValueError(f"ADPILOT_MODEL={value!r}: use 'rules' or 'provider:model', "
                         "e.g. openai:gpt-4.1-mini")
    return value


@dataclass(frozen=True)
class Context:
    """Run settings for one graph run (LangGraph `context_schema`)."""

    account_id: str | None = field(default=None, metadata=doc("ad account id, act_<digits>"))
    page_id: str | None = field(default=None, metadata=doc("Facebook page that runs the ads"))
    pixel_id: str | None = field(default=None, metadata=doc("pixel for sales objectives"))
    currency: str = field(default="USD", metadata=doc(
        "the ad account's currency; plan money is in its minor units"))
    model: str = field(default="rules", metadata=doc(
        "'rules' (offline planner) or 'provider:model' for init_chat_model"))
    policy: Policy = field(default_factory=Policy, metadata=doc("approval policy and guardrails"))
    max_cycles: int | None = field(default=None, metadata=doc(
        "a limit a person sets on the optimise cycles of a thread (recorded on the thread); "
        "None: the loop runs until the campaign ends or the thread is stopped"))
    cycle_days: int = field(default=3, metadata=doc("simulated days between optimise cycles"))
    sandbox: bool = field(default=False, metadata=doc("True when talking to the local sandbox"))
    # What it builds is `tools.meta_client.MetaClient`; state sits below tools, so it is not named.
    client_factory: Callable[..., Any] | None = field(default=None, metadata=doc(
        "builds a ledgered MetaClient; injected, never seen by the model"), compare=False)
    home: str = field(default=DEFAULT_HOME, metadata=doc(
        "ADPILOT_HOME: checkpoints, ledger and reports live here"))
    meta: MetaSettings = field(default_factory=MetaSettings, metadata=doc(
        "Graph URL, API version and ids for building clients"))
    timezone: str = field(default="UTC", metadata=doc("the ad account's timezone (IANA name)"))
    assets: AssetAccess = field(default_factory=AssetAccess, metadata=doc(
        "where image files and URLs may be read from (the operator's setting)"))

    def __post_init__(self) -> None:
        if self.max_cycles is not None and (isinstance(self.max_cycles, bool)
                                            or not isinstance(self.max_cycles, int)
                                            or self.max_cycles < 0):
            raise ValueError(f"max_cycles {self.max_cycles!r}: use a whole number >= 0 (0: no "
                             "optimise cycle), or None for no limit (until the campaign ends)")
        if self.cycle_days < 1:
            raise ValueError("cycle_days must be >= 1")
        if len(self.currency) != 3:
            raise ValueError(f"currency {self.currency!r}: use a 3-letter ISO code such as USD")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Context:
        """Build a context from docs/design.md §2's environment variables (and `.env`)."""
        meta = MetaSettings.from_env(env)
        values: dict[str, Any] = {
            "account_id": meta.account_id, "page_id": meta.page_id, "pixel_id": meta.pixel_id,
            "model": _parse_model(env_value("ADPILOT_MODEL", env)),
            "home": env_value("ADPILOT_HOME", env) or DEFAULT_HOME,
            "sandbox": False, "meta": meta, "assets": AssetAccess.from_env(env),
        }
        name_tags(env)  # a bad ADPILOT_NAME_TAGS is refused here, before anything is sent
        if currency := env_value("ADPILOT_CURRENCY", env):
            values["currency"] = currency.upper()
        if "policy" not in overrides:
            values["policy"] = Policy.from_env(env, values["home"])
        values.update(overrides)
        return cls(**values)

    def describe(self) -> dict[str, Any]:
        """Return the JSON-safe, secret-free summary used in traces and reports."""
        return {"account_id": self.account_id, "page_id": self.page_id,
                "pixel_id": self.pixel_id, "currency": self.currency, "model": self.model,
                "max_cycles": self.max_cycles, "cycle_days": self.cycle_days,
                "sandbox": self.sandbox, "go_live": self.policy.go_live,
                "policy_digest": self.policy.digest()}
