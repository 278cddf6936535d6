"""The agents of the design: each package is one agent, its graph nodes and the pure logic they own.

| package | the agent | owns |
| --- | --- | --- |
| `agents.orchestrator` | orchestrator | brief → plan (`planning/`), Meta's `validate_only` check, the launch money gate, the approval card and node |
| `agents.assets` | asset agent | image and video uploads, their local checks |
| `agents.campaigns` | campaign agent | the campaign and its ad sets (PAUSED), activation of the tree |
| `agents.ads` | ad-creation agent | creatives and ads under the created ad sets |
| `agents.insights` | insights agent | collecting daily insights into the local store, its queries, reports and charts |
| `agents.optimize` | optimise loop | the loop's nodes, its Meta reads and writes, and (in `decide/`) its pure decisions |
| `agents.common` | — | node plumbing every agent shares: the client from the runtime, throttle waits (`throttle.py`), asking until a resume value is valid (`ask.py`), trace grouping (`tracing.py`), the kill-switch check |

Who may import whom: an agent package imports `agents.common`, `prompts`, `tools` and `state`;
never `graph` (the wiring above it), never `sandbox`. Among themselves the agents are layered,
top to bottom: insights → optimize → ads → campaigns → assets → orchestrator → common; each
package's docstring names what it takes from the ones below. `make lint` enforces all of it
(import-linter, contracts in `pyproject.toml`).
"""
