"""Seeded fault injection: added latency, transient errors, throttling and lost responses.

Spec string (CLI `--faults`): `latency_ms=100,transient=0.2,throttle=0.1,lost_response=0.3,seed=1`
or the same keys as JSON to `POST /__sandbox__/faults`. Rates are probabilities 0–1; every
value is bounded (`sandbox.bounds`: `latency_ms` ≤ 30,000, `throttle_s` ≤ 86,400).

- `latency_ms`: added to every HTTP request before it is served.
- `transient`: the call fails with code 2, `is_transient: true`, HTTP 500; nothing is committed.
- `throttle`: the call fails with a rate-limit error (17, 613 or 80004, seeded); nothing committed.
- `lost_response`: a write IS committed, then the client gets HTTP 502 with a non-JSON body or a
  dropped connection (seeded choice) — the outcome is unknown to the client.
- `throttle_s`: seconds the injected throttle says to wait (default 1).

Each fault kind rolls on its own `random.Random` seeded from `seed` and the kind's name, so the
n-th committed write loses its response (or not) the same way for the same seed however many
transient or throttle rolls came before it — which vary with retry timing. Batch items roll
transient/throttle per item; lost responses roll per HTTP call.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

from sandbox.bounds import FAULTS_EXAMPLE, InputError, describe, fault_value
from sandbox.bounds import RATE_KEYS as _RATE_KEYS
from sandbox.errors import GraphError, throttled, transient


@dataclass
class FaultConfig:
    """The fault rates and seed."""

    latency_ms: float = 0.0
    transient: float = 0.0
    throttle: float = 0.0
    lost_response: float = 0.0
    seed: int = 0
    throttle_s: int = 1

    @classmethod
    def parse(cls, spec: str | dict[str, Any] | FaultConfig | None) -> FaultConfig:
        """Read a spec string or dict; unknown keys or bad values raise `InputError` naming them.

        Values are checked by `sandbox.bounds` (finite numbers in range, rates 0–1); in a dict
        they must be numbers (JSON from the admin API), in a spec string decimal text.
        """
        if spec is None or spec == "":
            return cls()
        if isinstance(spec, FaultConfig):
            return spec
        items: dict[str, Any]
        if isinstance(spec, str):
            items = {}
            for part in spec.split(","):
                if not part.strip():
                    continue
                if "=" not in part:
                    raise InputError(
                        "faults",
                        f"faults spec part {part.strip()!r} is not key=value "
                        "(e.g. latency_ms=100,transient=0.2,seed=1)",
                    )
                key, value = part.split("=", 1)
                items[key.strip()] = value.strip()
        elif isinstance(spec, dict):
            items = dict(spec)
        else:
            raise InputError(
                "faults",
                f"faults must be an object of rates, got {describe(spec)}; "
                f"send e.g. {FAULTS_EXAMPLE}",
            )
        out = cls()
        for key, value in items.items():
            num = fault_value(key, value, text=isinstance(spec, str))
            setattr(out, key, int(num) if key in ("seed", "throttle_s") else float(num))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the config as JSON."""
        return asdict(self)


class Faults:
    """Rolls faults from a seeded RNG; thread-safe."""

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self.configure(config)

    def configure(self, config: FaultConfig) -> None:
        """Replace the config and reseed."""
        with self._lock:
            self.config = config
            self._rngs = {k: random.Random(f"{config.seed}:{k}") for k in _RATE_KEYS}
            self.injected: dict[str, int] = {k: 0 for k in _RATE_KEYS}

    def _roll(self, kind: str) -> bool:
        rate = float(getattr(self.config, kind))
        if rate <= 0:
            return False
        with self._lock:
            return self._rngs[kind].random() < rate

    def before_call(self) -> GraphError | None:
        """Return an injected error for this call (transient or throttle), or None."""
        if self._roll("transient"):
            self.injected["transient"] += 1
            return transient()
        if self._roll("throttle"):
            self.injected["throttle"] += 1
            with self._lock:
                code, sub = self._rngs["throttle"].choice(
                    [(17, 2446079), (613, 1487742), (80004, 2446079)])
            secs = max(1, int(self.config.throttle_s))
            return throttled(code, sub, regain_minutes=max(1, -(-secs // 60)), reset_s=secs)
        return None

    def lose_response(self) -> str | None:
        """After a committed write: None, or how the response is lost ("502" or "drop")."""
        if not self._roll("lost_response"):
            return None
        self.injected["lost_response"] += 1
        with self._lock:
            return self._rngs["lost_response"].choice(["502", "drop"])
