"""Reading Graph parameters as the SDK sends them: strings, with JSON for structured values.

The SDK JSON-encodes dicts, lists and bools (`targeting={"geo_locations":...}`,
`special_ad_categories=[]`, `true`) and sends numbers as text; `fields` is a comma list. Every
reader raises a code-100 `GraphError` naming the parameter when the value cannot be read.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.errors import invalid

_MISSING = object()


def get_json(params: dict[str, Any], name: str, default: Any = None) -> Any:
    """Return a structured parameter: JSON text (or an already-decoded value)."""
    raw = params.get(name, _MISSING)
    if raw is _MISSING or raw is None or raw == "":
        return default
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if text[:1] in "[{" or text in ("true", "false", "null"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise invalid(
                f"The parameter {name} is not valid JSON: {exc.msg} at position {exc.pos}.",
                fields=[name],
            ) from exc
    return text


def get_dict(params: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return a JSON object parameter, or None when absent."""
    value = get_json(params, name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(f"The parameter {name} must be a JSON object.", fields=[name])
    return value


def get_list(params: dict[str, Any], name: str) -> list[Any] | None:
    """Return a list parameter: a JSON array or a comma-separated string; None when absent."""
    value = get_json(params, name)
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise invalid(f"The parameter {name} must be a JSON array.", fields=[name])
    return value


def get_int(params: dict[str, Any], name: str) -> int | None:
    """Return an integer parameter (numbers arrive as text); None when absent."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if isinstance(raw, bool):
            raise ValueError
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError
        return int(str(raw).strip())
    except ValueError as exc:
        raise invalid(
            f"The parameter {name} must be a whole number (money is in the currency's minor "
            f"units, e.g. cents), got {str(raw)[:40]!r}.",
            fields=[name],
        ) from exc


def get_bool(params: dict[str, Any], name: str, default: bool = False) -> bool:
    """Return a boolean parameter (`true`/`false`/`1`/`0`)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise invalid(f"The parameter {name} must be true or false.", fields=[name])


def get_str(params: dict[str, Any], name: str) -> str | None:
    """Return a plain string parameter, None when absent or empty."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    return str(raw)


def validate_only(params: dict[str, Any]) -> bool:
    """Return true when `execution_options` asks for a dry run."""
    opts = get_list(params, "execution_options") or []
    return "validate_only" in opts


def split_fields(text: str) -> list[str]:
    """Split a `fields=` value on top-level commas (`a,b{c,d},e`)."""
    out: list[str] = []
    depth, cur = 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            if cur.strip():
                out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def get_fields(params: dict[str, Any]) -> list[str] | None:
    """Return the requested `fields` (comma list or JSON array), or None when not given."""
    raw = params.get("fields")
    if raw is None or raw == "":
        return None
    if isinstance(raw, list):
        return [str(f) for f in raw]
    text = str(raw).strip()
    if text.startswith("["):
        value = get_json(params, "fields")
        return [str(f) for f in value]
    return split_fields(text)
