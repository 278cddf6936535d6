"""The agents of the design: each package is one agent, its graph nodes and the pure logic they own.

| package | the agent | owns |
| --- | --- | --- |
| `agents.orchestrator` | orchestrator | brief → plan (`planning/`), Meta's `validate_only` check, the launch money gate, the approval card and node |
| `agents.assets` | asset agent | image and video uploads, their local checks |
| `agents.campaigns` | campaign agent | the campaign and its ad sets (PAUSED), activation of the tree |
| `agents.ads` | ad-creation agent | creatives and ads under the created ad sets |
| `agents.insights` | insights agent | collecting daily insights into the local store, its queries, reports and charts |
| `agents.optimize` | optimise loop | the loop's nodes, its Meta reads and writes, and (in `decide/`) its pure decisions |
| `agents.common` | — | node plumbing every agent shares: the client from the runtime, retries, throttle waits, the kill switch check |

Who may import whom: an agent package imports `agents.common`, `tools`, `state` and `prompts`;
never `graph` (the wiring above it), never `sandbox`, and never another agent package except
where its docstring says so (the optimise loop reads the insights agent's store queries; the
orchestrator's card is reused by the loop's cards). `make lint` enforces the layers
(import-linter, contracts in `pyproject.toml`).
"""
