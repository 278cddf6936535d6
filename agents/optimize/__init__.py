"""The optimise loop: watch the numbers, propose pauses and budget moves, apply what is approved.

- `nodes.py` — the loop's graph nodes and routers (wired by `graph/builder.py`);
- `cycle.py` — one cycle: evidence in, proposed actions out (shared by the nodes and the bench);
- `meta_io.py` — the loop's Meta reads and its one write path for an approved action;
- `budget_requests.py` — budget requests in plain words; `experiments.py` — A/B variants and
  P(best); `judging.py` — was an applied action an improvement; `refresh_io.py` — a creative
  refresh's variants on the card and its launch (through the ad-creation agent);
- `decide/` — the pure decision modules (no I/O, no clock): `decisions.py` (what to do),
  `rules.py`, `stats.py` (posteriors), `reallocation.py` and `cbo.py` (budget moves),
  `refresh.py` (which ad gets a creative refresh, and judging one).

A budget move is decided in `decide/reallocation.py` (or `decide/cbo.py` under a campaign
budget; `decide/decisions.py::budget_moves` picks), checked against the money caps by
`state.guardrails.gate` when the approved action is executed (`cycle.execute_approved`; a
budget asked for in words is also previewed through the gate in `cycle.propose`), and
written to Meta by `meta_io.apply_action`.

Imports `agents.common`, `agents.ads` (A/B variants and creative refreshes are written by the
ad-creation agent), `agents.orchestrator.card` (targets on cards), `prompts`, `tools`, `state`.
"""
