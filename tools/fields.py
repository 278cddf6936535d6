"""How the values a write sends compare with the object as Meta reads it back.

Owns `compare_fields` and `BOOKKEEPING` (the keys adpilot adds to a ledger row's after-values
that are not object fields). The write path (`tools/ledgered.py`), undo and the audit use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Keys adpilot adds to a ledger row's after-values that are not object fields.
BOOKKEEPING = ("id", "success", "video_id", "confirmed_by", "reconciled")
_TIMES = ("start_time", "end_time", "stop_time")


def compare_fields(wanted: Mapping[str, Any], current: Mapping[str, Any]
                   ) -> tuple[list[str], list[str]]:
    """Compare values an update sets with the object as read from Meta.

    Returns (fields whose value differs, fields that cannot be compared here). Meta answers
    numbers as strings (`"5000"`), times as `+0000` offsets and an unset spend limit as
    absent; all three compare equal to what was sent. Nested values (targeting, creative
    specs) are normalised by Meta, so they are reported as not comparable rather than
    guessed.
    """
    from state.exposure import as_int, parse_time
    from state.money import SPEND_LIMIT_KEYS

    differ: list[str] = []
    unknown: list[str] = []
    for key, value in wanted.items():
        if key in BOOKKEEPING:
            continue
        have = current.get(key)
        if isinstance(value, dict | list) or isinstance(have, dict | list):
            unknown.append(key)
        else:
            read = as_int if key in SPEND_LIMIT_KEYS else parse_time if key in _TIMES else None
            try:
                same = read(have) == read(value) if read is not None else (
                    (have is None) == (value is None) and str(have) == str(value))
            except (TypeError, ValueError):
                same = str(have) == str(value)
            if not same:
                differ.append(key)
    return differ, unknown
