"""Reading Graph parameters as the SDK sends them: strings, with JSON for structured values.

The SDK JSON-encodes dicts, lists and bools (`targeting={"geo_locations":...}`,
`special_ad_categories=[]`, `true`) and sends numbers as text; `fields` is a comma list. Meta's
parser is lenient, and hand-written calls lean on it: `breakdowns=['age']`,
`effective_status=['ACTIVE']`, `filtering=[{'field':'x','operator':'IN','value':['a']}]` (single
quotes, Python-literal style) are read like their JSON spelling, and so is a list of bare
words, `action_breakdowns=[action_type]` (meta-ads-mcp sends it so, and Meta answers it).
`loads` does that: JSON first, then a literal-only reading of the text's syntax tree (lists and
dicts of strings, numbers, true/false/null; nothing is evaluated), then the bare-word list. Every reader raises a code-100 `GraphError` naming the
parameter when the value cannot be read.
"""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Any

from sandbox.errors import invalid

_MISSING = object()
_BARE_LIST = re.compile(r"^\[\s*(?:[A-Za-z_][\w.]*\s*(?:,\s*[A-Za-z_][\w.]*\s*)*)?\]$")
_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


def loads(text: str) -> Any:
    """Read a JSON array/object, or its single-quoted Python-literal spelling Meta accepts.

    Raises `json.JSONDecodeError` (the JSON reading's error) when neither reading works.
    """
    try:
        return json.loads(text)
    except ValueError as err:  # JSONDecodeError, or an integer past Python's digit limit
        exc = (err if isinstance(err, json.JSONDecodeError)
               else json.JSONDecodeError(str(err), text, 0))
        if text[:1] not in "[{":
            raise exc from None
        try:
            return _literal(ast.parse(text, mode="eval").body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            if _BARE_LIST.match(text.strip()):  # [action_type, action_device]
                return [w.strip() for w in text.strip()[1:-1].split(",") if w.strip()]
            raise exc from None


def _literal(node: ast.expr) -> Any:
    """Return a list/dict literal of plain scalars; anything else is a ValueError."""
    if isinstance(node, ast.List):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        out: dict[str, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            name = _literal(key) if key is not None else None
            if not isinstance(name, str):
                raise ValueError("object keys are strings")
            out[name] = _literal(value)
        return out
    if isinstance(node, ast.Name) and node.id in _NAMES:
        return _NAMES[node.id]
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign, node = (-1 if isinstance(node.op, ast.USub) else 1), node.operand
        if not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
            raise ValueError("a sign applies to a number")
    if isinstance(node, ast.Constant) and (node.value is None or type(node.value) in (str, bool)):
        return node.value
    number = node.value if isinstance(node, ast.Constant) else None
    if isinstance(number, int | float) and not isinstance(number, bool):
        if not math.isfinite(number):
            raise ValueError("numbers are finite")
        return sign * number
    raise ValueError(f"not a plain literal: {type(node).__name__}")


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
            return loads(text)
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
