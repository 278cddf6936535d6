"""A chat model bound to a JSON schema, the one way every agent asks a model for a draft."""

from __future__ import annotations

from typing import Any


def structured(model: Any, schema: dict[str, Any], *, run_name: str, tags: list[str]) -> Any:
    """Bind `model` to `schema` (raw reply kept), named as one run in traces.

    Native JSON-schema output in strict mode where the provider has it; providers without it
    fall back to a forced tool call. The run is named (`run_name`, `tags`) so a trace shows one
    model call per draft instead of LangChain's RunnableSequence.
    """
    try:
        runnable = model.with_structured_output(schema, method="json_schema", strict=True,
                                                include_raw=True)
    except (TypeError, ValueError, NotImplementedError):
        runnable = model.with_structured_output(schema, include_raw=True)
    return runnable.with_config(run_name=run_name, tags=tags)
