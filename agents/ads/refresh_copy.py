"""New copy for a creative refresh: from the model when one is configured, else from templates.

`write_copies(original, n, model=, home=)` returns `(variants, notes)`: `n` dicts
`{"headline", "primary_text", "description", "copy_source": "model" | "template"}` and the
notes the card shows (what was refused, what was used).

- **Model** (`ADPILOT_MODEL` = `provider:model`, built like the planner's,
  `agents.orchestrator.planning.llm.chat_model`; or a chat model passed in): the prompt
  (`prompts/refresh.py`) gives the tired ad's copy as the example of the brand's voice and,
  when `ADPILOT_HOME/brand.md` exists, its first `BRAND_MAX_CHARS` characters as guidelines.
  The reply is structured output validated with pydantic (`CopyVariant`: lengths within Meta's
  guidance, not empty, none of Meta's forbidden characters) and checked against the original
  and the other variants; a variant that fails — or a model that fails — is replaced by
  template copy, and the notes say which and why.
- **Templates** (offline, the default): the ad's own words in new openings
  (`prompts/refresh.py`), each variant's headline and primary text different from the
  original's and from the other variants', cut at a word boundary to fit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents.common.structured import structured
from prompts import refresh as prompts
from state import rules

HEADLINE_MAX = rules.TEXT_GUIDANCE["headline"]
PRIMARY_MAX = rules.TEXT_GUIDANCE["primary_text"]
DESCRIPTION_MAX = rules.TEXT_GUIDANCE["description"]
MAX_VARIANTS = 4  # the frames give at least this many distinct variants
BRAND_FILE = "brand.md"
BRAND_MAX_CHARS = 4000  # "a short brand-guidelines file": a longer one is cut (and said so)
_ENGLISH = re.compile(r"\b(the|and|you|your|our|for|with|to|of|is|now|today|new|shop|get|in|on)\b",
                      re.I)


class CopyVariant(BaseModel):
    """One variant's copy as the model returns it (validated before anything is shown)."""

    model_config = ConfigDict(extra="forbid")

    headline: str = Field(min_length=1, max_length=HEADLINE_MAX)
    primary_text: str = Field(min_length=1, max_length=PRIMARY_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)

    @field_validator("headline", "primary_text", "description", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            bad = sorted(set(value) & rules.FORBIDDEN_TEXT_CHARS)
            if bad:
                raise ValueError(f"uses {''.join(bad)!r}, which Meta refuses in ad text")
        return value


class CopyDraft(BaseModel):
    """The model's reply: the variants it wrote."""

    model_config = ConfigDict(extra="forbid")

    variants: list[CopyVariant]


@dataclass(frozen=True)
class Original:
    """The tired ad's copy (the example of the brand's voice)."""

    headline: str = ""
    primary_text: str = ""
    description: str | None = None
    link: str = ""
    call_to_action: str = ""


def same(a: str | None, b: str | None) -> bool:
    """Tell whether two texts are the same copy (case, spacing and end punctuation aside)."""
    def norm(s: str | None) -> str:
        return re.sub(r"\s+", " ", (s or "").casefold()).strip(" .!?")
    return norm(a) == norm(b)


def _shorten(text: str, limit: int) -> str:
    from agents.orchestrator.planning.copy import shorten

    return shorten(text, limit)


def product_of(headline: str) -> str | None:
    """Return what a headline names after its leading verb ("Shop X" → "X"), or None."""
    words = headline.strip().rstrip(".!").split()
    if not words or words[0].lower() not in prompts.LEAD_VERBS:
        return None
    words = words[1:]
    if words and words[0].lower() in ("the", "our", "your", "a", "an"):
        words = words[1:]
    phrase = " ".join(words)
    return phrase if 2 <= len(phrase) <= 30 else None


def _fill(template: str, product: str, text: str) -> str:
    return template.format(product=product, Product=product[:1].upper() + product[1:], text=text)


def template_copies(original: Original, n: int) -> list[dict[str, Any]]:
    """Return `n` template variants, each different from the original and from each other."""
    product = product_of(original.headline)
    heads = [_fill(h, product, "") for h in prompts.HEADLINES_WITH_PRODUCT] if product else []
    heads += prompts.HEADLINES_PLAIN
    heads = [h for h in heads if len(h) <= HEADLINE_MAX and not same(h, original.headline)]
    text = (original.primary_text or original.headline).strip()
    first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    bodies = []
    for frame in prompts.PRIMARY_FRAMES:
        body = _fill(frame, product or "", text)
        if len(body) > PRIMARY_MAX:
            body = _shorten(_fill(frame, product or "", first), PRIMARY_MAX)
        if not same(body, original.primary_text):
            bodies.append(body)
    out: list[dict[str, Any]] = []
    for head, body in zip(heads, bodies, strict=False):
        if len(out) == n:
            break
        if any(same(head, o["headline"]) or same(body, o["primary_text"]) for o in out):
            continue
        out.append({"headline": head, "primary_text": body, "description": original.description,
                    "copy_source": "template"})
    return out


def read_brand(home: str | Path | None) -> tuple[str | None, list[str]]:
    """Return the brand guidelines in `home`/brand.md (cut to `BRAND_MAX_CHARS`) and notes."""
    if home is None:
        return None, []
    path = Path(home) / BRAND_FILE
    if not path.is_file():
        return None, []
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{BRAND_FILE} could not be read ({type(exc).__name__}): not used"]
    if not text:
        return None, []
    notes = [f"the model was given the brand guidelines in {BRAND_FILE}"]
    if len(text) > BRAND_MAX_CHARS:
        notes.append(f"{BRAND_FILE} is {len(text):,} characters: only its first "
                     f"{BRAND_MAX_CHARS:,} were given to the model")
        text = text[:BRAND_MAX_CHARS]
    return text, notes


def _schema() -> dict[str, Any]:
    """Return the reply's JSON schema as sent: every property required, no defaults/lengths.

    Lengths are stated in the prompt and checked by pydantic after; OpenAI's strict mode
    takes neither defaults nor (on older models) length keywords.
    """
    def strict(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: strict(v) for k, v in node.items()
                   if k not in ("default", "minLength", "maxLength")}
            if isinstance(out.get("properties"), dict):
                out["required"] = list(out["properties"])
            return out
        return [strict(v) for v in node] if isinstance(node, list) else node
    return strict(CopyDraft.model_json_schema())


def _structured(llm: Any) -> Any:
    return structured(llm, _schema(), run_name="refresh.copy",
                      tags=["agent:ads", "action:refresh", "llm"])


def messages(original: Original, n: int, brand: str | None) -> list[tuple[str, str]]:
    """Return the model's messages (system, user) for `n` variants of `original`."""
    system = prompts.COPY_SYSTEM.format(
        headline_max=HEADLINE_MAX, primary_max=PRIMARY_MAX, description_max=DESCRIPTION_MAX,
        forbidden=" ".join(sorted(rules.FORBIDDEN_TEXT_CHARS)), n=n)
    user = prompts.COPY_USER.format(
        headline=original.headline or "—", primary_text=original.primary_text or "—",
        description=original.description or "—", call_to_action=original.call_to_action or "—",
        link=original.link or "—", n=n,
        brand=prompts.BRAND_SECTION.format(text=brand) if brand else "")
    return [("system", system), ("user", user)]


def _model_of(model: Any) -> Any:
    if model is None or (isinstance(model, str) and model.strip().lower() in ("", "rules")):
        return None
    if isinstance(model, str):
        from agents.orchestrator.planning.llm import chat_model

        return chat_model(model)
    return model


def _error(exc: BaseException) -> str:
    from state.secrets import scrub  # a provider's message may quote a key: it goes on the card

    return f"{type(exc).__name__}: {scrub(str(exc))[:160]}" if str(exc) else type(exc).__name__


def model_copies(llm: Any, original: Original, n: int, brand: str | None
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """Ask the model for `n` variants; return the valid ones and what was refused."""
    try:
        reply = _structured(llm).invoke(messages(original, n, brand))
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to templates
        return [], [f"the model could not write copy ({_error(exc)})"]
    parsed: Any = reply.get("parsed") if isinstance(reply, dict) else reply
    if isinstance(parsed, BaseModel):
        parsed = parsed.model_dump()
    try:
        draft = CopyDraft.model_validate(parsed)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "reply"
        return [], [f"the model's copy was refused ({where}: {err['msg']})"]
    kept: list[dict[str, Any]] = []
    notes: list[str] = []
    for i, v in enumerate(draft.variants[:n]):
        if same(v.headline, original.headline) and same(v.primary_text, original.primary_text):
            notes.append(f"the model's variant {i + 1} repeats the original's copy")
            continue
        if any(same(v.headline, k["headline"]) and same(v.primary_text, k["primary_text"])
               for k in kept):
            notes.append(f"the model's variant {i + 1} repeats another variant")
            continue
        kept.append({"headline": v.headline, "primary_text": v.primary_text,
                     "description": v.description or original.description,
                     "copy_source": "model"})
    if len(draft.variants) < n:
        notes.append(f"the model wrote {len(draft.variants)} of {n} variants")
    return kept, notes


def write_copies(original: Original, n: int, *, model: Any = None,
                 home: str | Path | None = None, avoid: Sequence[tuple[str, str]] = ()
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """Return `n` copy variants for `original` and the card's notes (module docstring).

    `avoid`: (headline, primary text) pairs already running or tried in the ad set; a variant
    repeating either is not offered (fewer variants, and a note, rather than a repeat).
    """
    n = max(1, min(int(n), MAX_VARIANTS))
    notes: list[str] = []
    try:
        llm = _model_of(model)
    except ValueError as exc:  # PlannerConfigError: a model setting that cannot be used
        llm, notes = None, [f"the model setting cannot be used ({exc})"]
    out: list[dict[str, Any]] = []
    if llm is not None:
        brand, brand_notes = read_brand(home)
        out, refused = model_copies(llm, original, n, brand)
        if refused:
            notes += [f"{r}: template copy is used instead" for r in refused]
        notes += brand_notes
    out = [o for o in out if not _tried(o, avoid)]
    if len(out) < n:
        taken = [*avoid, *((o["headline"], o["primary_text"]) for o in out)]
        extra = [t for t in template_copies(original, n + len(out) + 2 * len(avoid))
                 if not _tried(t, taken)]
        out += extra[: n - len(out)]
        text = f"{original.headline} {original.primary_text}"
        if len(text.split()) >= 4 and not _ENGLISH.search(text):
            notes.append(prompts.NOT_ENGLISH)
    if len(out) < n and avoid:
        notes.append(f"{n - len(out)} fewer variant(s) than asked: the other copy this ad set "
                     "has already run is not offered again (set ADPILOT_MODEL for new copy)")
    return out, notes


def _tried(copy: Mapping[str, Any], avoid: Sequence[tuple[str, str]]) -> bool:
    return any(same(copy["headline"], h) or same(copy["primary_text"], p) for h, p in avoid)
