"""Provenance: how an object adpilot created is recognised at Meta, exactly, after a lost response.

Every campaign, ad set, creative and ad adpilot creates carries the ad label
`label_for(plan_key)` = `"ap-xxxxxxxx"`: the first 8 characters of the lower-cased plan key
when it is hex of at least 8 characters (plan keys are sha256 hex digests), else the first 8
hex characters of the sha256 of the lower-cased key. Meta takes `adlabels=[{"name": ...}]` on
the create of exactly these four types (docs/meta-api-facts.md §1.10), and a label is invisible
in the name a marketer reads in Ads Manager, so reconciliation needs nothing in the name.

The name suffix `tag_for(plan_key)` = `" [ap:xxxxxxxx]"` is what earlier versions put on every
name; names carry it now only when `ADPILOT_NAME_TAGS=on` (`name_tags`, default off:
`visible_name`). Objects that cannot carry a label — images (Meta addresses them by content
hash), custom audiences and lead forms — keep the suffix always: it is their only exact mark.

`carries(obj, plan_key)` is the one test of "this is the object that plan key created": its
label, or (objects made by earlier versions, or with tags on) its name tag. Two objects with
the same clean name are told apart by their labels. `MetaClient.find_created` lists the
parent edge with `adlabels` (`read_fields`) and applies it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from state.settings import env_value

TAG_RE = re.compile(r" \[ap:[0-9a-f]{8}\]$")
# Any adpilot tag at the end of a name, however many hex digits and spaces: what a person sees
# is the name without it (cards, messages, the sandbox's truth view, budget requests by name).
ANY_TAG_RE = re.compile(r"\s*\[ap:[0-9a-f]+\]\s*$")
NAME_TAGS_ENV = "ADPILOT_NAME_TAGS"
# The edges whose objects take and serve `adlabels` (Campaign, AdSet, AdCreative, Ad).
LABELLED_EDGES = frozenset({"campaigns", "adsets", "adcreatives", "ads"})
_ON, _OFF = ("on", "1", "true", "yes"), ("off", "0", "false", "no")


def display_name(name: str | None) -> str:
    """Return a name without adpilot's ` [ap:xxxx]` provenance tag: the name a person gave.

    Cards, reports, exports, messages and the sandbox's truth view show names this way.
    """
    return ANY_TAG_RE.sub("", name or "")


def key_hex(plan_key: str) -> str:
    """Return the 8 hex characters that stand for a plan key in its tag and ad label."""
    key = str(plan_key).lower()
    if re.fullmatch(r"[0-9a-f]{8,}", key):
        return key[:8]
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def tag_for(plan_key: str) -> str:
    """Return the provenance name suffix for a plan key: `" [ap:xxxxxxxx]"`."""
    return f" [ap:{key_hex(plan_key)}]"


def label_for(plan_key: str) -> str:
    """Return the provenance ad label name for a plan key: `"ap-xxxxxxxx"`."""
    return f"ap-{key_hex(plan_key)}"


def with_tag(name: str, plan_key: str, max_len: int = 100) -> str:
    """Return `name` with its provenance tag appended (once), trimmed to fit `max_len`."""
    tag = tag_for(plan_key)
    base = TAG_RE.sub("", str(name))
    return base[: max_len - len(tag)].rstrip() + tag


def name_tags(env: Mapping[str, str] | None = None) -> bool:
    """Tell whether labelled objects' names also get the tag (`ADPILOT_NAME_TAGS`, default off).

    Off by default: the label alone reconciles exactly, and the name is the marketer's. `on`
    keeps the earlier versions' names (a team whose Ads Manager filters search for `[ap:`).
    """
    value = env_value(NAME_TAGS_ENV, env)
    if value is None or value.lower() in _OFF:
        return False
    if value.lower() in _ON:
        return True
    raise ValueError(f"{NAME_TAGS_ENV}={value!r}: use on (names end with ' [ap:xxxxxxxx]') or "
                     "off (clean names; the ad label alone marks what adpilot created)")


def visible_name(name: str, plan_key: str, max_len: int = 100, *, tags: bool | None = None) -> str:
    """Return the name a labelled object is created with: tagged when `tags` (None: the setting).

    Untagged, any tag already on `name` (a tree built while tags were on) is taken off, so
    the setting at the time of sending decides.
    """
    if tags if tags is not None else name_tags():
        return with_tag(name, plan_key, max_len)
    return display_name(str(name))[:max_len].rstrip()


def with_label(params: Mapping[str, Any], plan_key: str) -> dict[str, Any]:
    """Return create `params` with the plan key's ad label added (once) to `adlabels`."""
    labels = [lb for lb in params.get("adlabels") or [] if isinstance(lb, Mapping)]
    if not any(lb.get("name") == label_for(plan_key) for lb in labels):
        labels.append({"name": label_for(plan_key)})
    return {**params, "adlabels": [dict(lb) for lb in labels]}


def labelled_edge(edge: str) -> bool:
    """Tell whether the objects listed under `edge` (`act_1/campaigns`, `<id>/ads`) take labels."""
    return edge.split("?", 1)[0].strip("/").rsplit("/", 1)[-1] in LABELLED_EDGES


def read_fields(edge: str, fields: str) -> str:
    """Return `fields` plus `name`, and `adlabels` where the edge's objects carry labels."""
    wanted = [f for f in fields.split(",") if f]
    for extra in ("name", "adlabels") if labelled_edge(edge) else ("name",):
        if extra not in wanted:
            wanted.append(extra)
    return ",".join(wanted)


def carries(obj: Mapping[str, Any], plan_key: str) -> bool:
    """Tell whether `obj` (as listed with `read_fields`) is the one `plan_key` created.

    Its ad label says so; so does a name tag, which objects created by earlier versions (or
    with `ADPILOT_NAME_TAGS=on`, or of a type without labels) carry.
    """
    labels = obj.get("adlabels") or []
    if isinstance(labels, Mapping):  # a listed connection: {"data": [...]}
        labels = labels.get("data") or []
    wanted = label_for(plan_key)
    if any(isinstance(lb, Mapping) and lb.get("name") == wanted for lb in labels):
        return True
    return tag_for(plan_key).strip() in str(obj.get("name") or "")


def marked(params: Mapping[str, Any], plan_key: str) -> bool:
    """Tell whether create `params` carry the plan key's label or name tag (can be looked up)."""
    return carries({"name": params.get("name"), "adlabels": params.get("adlabels")}, plan_key)
