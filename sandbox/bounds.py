"""Bounded, typed input for the admin API, and repairing admin state persisted out of bounds.

Longer than 300 lines because it holds every admin input's limit next to the one checker that
enforces it, and the repair of state persisted out of those limits.

Every admin call's input is read and checked here before anything changes: a POST
body is one JSON object (an empty body is `{}`), numbers are finite JSON numbers (`true` is
not a number, `NaN`/`Infinity` are refused although Python's `json` reads them), each within
its range, and a key the call does not take is refused. A refusal raises `InputError` naming
the field and the fix; `sandbox.admin` answers it as Meta's code-100 envelope (HTTP 400).

Limits:

| input | accepted |
| --- | --- |
| clock `days` / `hours` | 0 ≤ days + hours/24 ≤ `MAX_ADVANCE_DAYS` (3650) per call, clock ≤ `MAX_CLOCK` |
| faults `transient`, `throttle`, `lost_response` | 0–1 |
| faults `latency_ms` | 0–`MAX_LATENCY_MS` (30,000) |
| faults `seed` / `throttle_s` | whole numbers 0–2⁶³−1 / 0–86,400 |
| settings `tier` | `development` or `standard` |
| settings `min_api_version` | whole number 1–26 (the current version: higher refuses every call) |
| settings `review_seconds` | 0–2,592,000 (30 days) |
| settings `disapprove_terms` | a list of at most 100 non-empty strings of at most 100 characters |
| oracle `budget_minor` | whole number 0–10¹² |

`heal(store)` runs when a sandbox opens a database: admin state a sandbox older than these
checks persisted out of bounds (a clock pushed past year 9999 or to NaN, an unknown tier, a
`min_api_version` above the current version, ...) is reset to a valid value with a logged
warning, so an old bricked database serves again.
"""

from __future__ import annotations

import json
import logging
import math
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.store import Store

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_ADVANCE_DAYS = 3650
MAX_CLOCK = datetime(9999, 1, 1, tzinfo=UTC)  # a year short of datetime.max: room for dates
MIN_CLOCK = datetime(1970, 1, 2, tzinfo=UTC)
MAX_LATENCY_MS = 30_000
MAX_THROTTLE_S = 86_400
MAX_SEED = 2**63 - 1
CURRENT_API_VERSION = 26
MAX_REVIEW_SECONDS = 30 * 86_400
MAX_TERMS = 100
MAX_TERM_CHARS = 100
MAX_BUDGET_MINOR = 10**12
MAX_TYPE_CHARS = 64
TIERS = ("development", "standard")
SETTING_DEFAULTS: dict[str, Any] = {
    "tier": "standard",
    "min_api_version": 23,
    "review_seconds": 300,
    "disapprove_terms": [],
}


class InputError(ValueError):
    """An admin input the sandbox refuses; `field` names it, the message says the fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def describe(value: Any) -> str:
    """Render a refused value for an error message: short, and safe for huge ints."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 64:  # str() of a huge int is slow (and limited) in Python
            return f"a {'negative ' if value < 0 else ''}number with about {int(value.bit_length() * 0.30103)} digits"
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:40] + "..."
        return f"the string {json.dumps(text)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fmt(n: float) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:g}"


def _refused(field: str, kind: str, lo: float, hi: float, value: Any, example: str) -> InputError:
    return InputError(
        field,
        f"{field} must be {kind} from {_fmt(lo)} to {_fmt(hi)}, got {describe(value)}; "
        f"send e.g. {example}.",
    )


def number(
    field: str,
    value: Any,
    *,
    lo: float,
    hi: float,
    integer: bool = False,
    example: str,
) -> float:
    """Check a JSON number: not a bool, finite, whole when `integer`, within [lo, hi]."""
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refused(field, kind, lo, hi, value, example)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refused(field, "a finite number", lo, hi, value, example)
        if integer:
            if not value.is_integer():
                raise _refused(field, kind, lo, hi, value, example)
            value = int(value)
    if not lo <= value <= hi:  # exact for huge ints: no conversion to float
        raise _refused(field, kind, lo, hi, value, example)
    return value


def text_number(
    field: str, text: str, *, lo: float, hi: float, integer: bool, example: str
) -> float:
    """Read a number from text (a `--faults` spec or a query string), then check it as `number`."""
    raw = text.strip()
    value: Any = raw
    for parse in (int, float) if integer else (float,):  # "1.0" and "1e3" are whole numbers too
        try:
            value = parse(raw)
            break
        except ValueError:  # includes int strings longer than Python's 4,300-digit limit
            continue
    if isinstance(value, str):
        raise _refused(field, "a whole number" if integer else "a number", lo, hi, value, example)
    return number(field, value, lo=lo, hi=hi, integer=integer, example=example)


def key_field(key: Any) -> str:
    """Name the field to blame for an unknown key: the key itself, or `body` when it is blank."""
    text = str(key)[:40]
    return text if text.strip() else "body"


def only_keys(body: dict[str, Any], allowed: tuple[str, ...], what: str, fix: str) -> None:
    """Refuse any key of `body` not in `allowed`; `fix` says what to send instead."""
    for key in body:
        if key not in allowed:
            takes = f"takes only {', '.join(allowed)}" if allowed else "takes no parameters"
            raise InputError(
                key_field(key), f"{what} {takes}, got {json.dumps(str(key)[:40])}; {fix}."
            )


# -- request bodies ------------------------------------------------------------------------------


def json_object(raw: bytes, example: str) -> dict[str, Any]:
    """Decode a POST body: empty → `{}`, otherwise it must be one JSON object."""
    if len(raw) > MAX_BODY_BYTES:
        raise InputError(
            "body",
            f"the body is {len(raw):,} bytes; admin bodies are at most {MAX_BODY_BYTES:,}. Send e.g. {example}.",
        )
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)  # NaN/Infinity parse; every field then refuses non-finite values
    except json.JSONDecodeError as exc:
        raise InputError(
            "body",
            f"the body is not valid JSON ({exc.msg} at position {exc.pos}); send a JSON object, "
            f"e.g. {example}.",
        ) from None
    except (ValueError, RecursionError):  # non-UTF-8 text, a number too long, nesting too deep
        raise InputError(
            "body",
            "the body is not readable JSON (not UTF-8, a number too long or nesting too deep); "
            f"send a JSON object, e.g. {example}.",
        ) from None
    if not isinstance(body, dict):
        raise InputError(
            "body", f"the body must be a JSON object, got {describe(body)}; send e.g. {example}."
        )
    return body


# -- the clock -----------------------------------------------------------------------------------

ADVANCE_EXAMPLE = '{"days": 1} or {"hours": 6}'


def advance_amount(body: dict[str, Any]) -> tuple[float, float]:
    """Return the checked `(days, hours)` of `POST /__sandbox__/clock/advance` (absent = 0)."""
    only_keys(body, ("days", "hours"), "clock/advance", f"send e.g. {ADVANCE_EXAMPLE}")
    days = number("days", body.get("days", 0), lo=0, hi=MAX_ADVANCE_DAYS, example='{"days": 1}')
    hours = number(
        "hours", body.get("hours", 0), lo=0, hi=MAX_ADVANCE_DAYS * 24, example='{"hours": 6}'
    )
    seconds = float(days) * 86400 + float(hours) * 3600
    if seconds > MAX_ADVANCE_DAYS * 86400:
        raise InputError(
            "days",
            f"days + hours/24 must be at most {_fmt(MAX_ADVANCE_DAYS)} per call, got "
            f"{seconds / 86400:g} days; advance in several calls.",
        )
    return float(days), float(hours)


def check_clock_target(current: datetime, seconds: float) -> None:
    """Refuse moving `current` by `seconds` past `MAX_CLOCK`."""
    room = (MAX_CLOCK - current).total_seconds()
    if seconds > room:
        raise InputError(
            "days",
            f"the clock is {current.isoformat()} and may not pass {MAX_CLOCK.isoformat()}: "
            f"advance by at most {max(0.0, room) / 86400:.2f} days.",
        )


def clock_ok(offset: Any, wall: float | None = None) -> bool:
    """Tell whether a stored `clock_offset_s` puts the clock within [MIN_CLOCK, MAX_CLOCK]."""
    if isinstance(offset, bool) or not isinstance(offset, int | float):
        return False
    try:
        at = (time.time() if wall is None else wall) + float(offset)
    except OverflowError:
        return False
    return math.isfinite(at) and MIN_CLOCK.timestamp() <= at <= MAX_CLOCK.timestamp()


# -- faults --------------------------------------------------------------------------------------

FAULTS_EXAMPLE = '{"transient": 0.2, "seed": 1}'
RATE_KEYS = ("transient", "throttle", "lost_response")
FAULT_LIMITS: dict[str, tuple[float, float, bool, str]] = {
    "latency_ms": (0, MAX_LATENCY_MS, False, '{"latency_ms": 100}'),
    "transient": (0, 1, False, '{"transient": 0.2}'),
    "throttle": (0, 1, False, '{"throttle": 0.1}'),
    "lost_response": (0, 1, False, '{"lost_response": 0.3}'),
    "seed": (0, MAX_SEED, True, '{"seed": 1}'),
    "throttle_s": (0, MAX_THROTTLE_S, True, '{"throttle_s": 60}'),
}


def fault_value(key: str, value: Any, *, text: bool = False) -> float:
    """Check one fault key's value: a JSON number, or decimal text from a `--faults` spec."""
    if key not in FAULT_LIMITS:
        raise InputError(
            key_field(key),
            f"unknown faults key {json.dumps(str(key)[:40])}; known keys: {', '.join(sorted(FAULT_LIMITS))}. "
            f"Send e.g. {FAULTS_EXAMPLE}.",
        )
    lo, hi, integer, example = FAULT_LIMITS[key]
    if text and isinstance(value, str):  # a `--faults` spec: show the fix in its own syntax
        spec = f"{key}={json.loads(example)[key]}"
        return text_number(key, value, lo=lo, hi=hi, integer=integer, example=spec)
    return number(key, value, lo=lo, hi=hi, integer=integer, example=example)


# -- settings ------------------------------------------------------------------------------------

SETTINGS_EXAMPLE = '{"review_seconds": 60}'


def setting_value(key: str, value: Any) -> Any:
    """Check one `POST /__sandbox__/settings` value; returns it as stored."""
    if key == "tier":
        if value not in TIERS:
            raise InputError(
                "tier",
                f'tier must be "development" or "standard", got {describe(value)}; send e.g. {{"tier": "development"}}.',
            )
        return value
    if key == "min_api_version":
        return int(
            number(
                key,
                value,
                lo=1,
                hi=CURRENT_API_VERSION,
                integer=True,
                example='{"min_api_version": 24} (above the current version every call would be refused)',
            )
        )
    if key == "review_seconds":
        return number(key, value, lo=0, hi=MAX_REVIEW_SECONDS, example='{"review_seconds": 60}')
    if key == "disapprove_terms":
        example = '{"disapprove_terms": ["miracle"]}'
        if not isinstance(value, list) or len(value) > MAX_TERMS:
            raise InputError(
                key,
                f"disapprove_terms must be a list of at most {MAX_TERMS} words, got {describe(value)}; send e.g. {example}.",
            )
        for term in value:
            if not isinstance(term, str) or not term.strip() or len(term) > MAX_TERM_CHARS:
                raise InputError(
                    key,
                    f"disapprove_terms must hold non-empty strings of at most {MAX_TERM_CHARS} characters, got {describe(term)}; send e.g. {example}.",
                )
        return list(value)
    raise InputError(
        key_field(key),
        f"unknown setting {json.dumps(str(key)[:40])}; known: {', '.join(sorted(SETTING_DEFAULTS))}. "
        f"Send e.g. {SETTINGS_EXAMPLE}.",
    )


def settings_changes(body: dict[str, Any]) -> dict[str, Any]:
    """Every setting of a `POST /__sandbox__/settings` body, checked (all or nothing)."""
    return {key: setting_value(key, value) for key, value in body.items()}


# -- query strings -------------------------------------------------------------------------------


def budget_minor(text: str | None) -> int | None:
    """`GET /__sandbox__/oracle?budget_minor=N`: None when absent, else a whole number."""
    if text is None or text == "":
        return None
    return int(
        text_number(
            "budget_minor",
            text,
            lo=0,
            hi=MAX_BUDGET_MINOR,
            integer=True,
            example="?budget_minor=5000 (minor units a day)",
        )
    )


def object_type(text: str | None) -> str:
    """`GET /__sandbox__/objects?type=`: a non-empty type name."""
    if not text or len(text) > MAX_TYPE_CHARS:
        raise InputError("type", "objects needs ?type= (campaign, adset, ad, adcreative, ...).")
    return text


# -- repairing a database ------------------------------------------------------------------------


def heal(store: Store) -> list[str]:
    """Reset admin state persisted out of bounds; returns (and logs) one warning per fix.

    The clock goes back to local midnight after the last day delivery was generated for (the
    scenario's start when none was), so no day is skipped or generated twice; an invalid
    setting is removed, so its default applies again.
    """
    warnings: list[str] = []
    with store.lock:
        offset = store.get_setting("clock_offset_s")
        if offset is not None and not clock_ok(offset):
            restart = _restart_clock(store)
            store.set_setting("clock_offset_s", restart.timestamp() - time.time())
            warnings.append(
                f"the stored sandbox clock (offset {describe(offset)} s) was outside "
                f"{MIN_CLOCK.date()}..{MAX_CLOCK.date()}; reset to {restart.isoformat()}"
            )
        for key, default in SETTING_DEFAULTS.items():
            value = store.get_setting(key)
            if value is None:
                continue
            try:
                setting_value(key, value)
            except InputError:
                store.delete_setting(key)
                warnings.append(
                    f"the stored sandbox setting {key} ({describe(value)}) was invalid; "
                    f"reset to the default {default!r}"
                )
    for text in warnings:
        log.warning("sandbox %s: %s", store.path, text)
    return warnings


def _restart_clock(store: Store) -> datetime:
    try:
        from sandbox.scenario import get_scenario

        sc = get_scenario(store)
    except Exception:  # no scenario (or an unreadable one): plain wall time
        return datetime.now(UTC)
    last = store.get_setting("delivery_generated_through")
    try:
        day = date.fromisoformat(str(last)) + timedelta(days=1) if last else None
    except (ValueError, OverflowError):
        day = None
    if day is None:
        return sc.start_dt().astimezone(UTC)
    at = datetime(day.year, day.month, day.day, tzinfo=sc.tz).astimezone(UTC)
    return at if MIN_CLOCK <= at <= MAX_CLOCK else sc.start_dt().astimezone(UTC)
