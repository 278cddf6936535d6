"""The offline evals as LangSmith experiments (`python -m evals.langsmith_run`).

With `LANGSMITH_API_KEY` set, the same evaluators `make evals` prints run through
`langsmith.evaluate`, one experiment per dataset, whose metadata lists the model and the
approval policy so experiments can be compared in the LangSmith UI:

- `adpilot-briefs`: the planner on `datasets/briefs.jsonl` — the rules planner, and with a
  model configured (`ADPILOT_MODEL=provider:model` or `--model`) the LLM planner on the same
  set; evaluators `plan_field_accuracy`, `clarifies_when_missing` (evals/evaluators.py);
- `adpilot-trajectories`: the real graph on the embedded sandbox for each case of
  `datasets/trajectories.jsonl`; evaluators the trajectory rules (evals/trajectory.py).

Datasets are created (or topped up) by name. `--no-upload` runs everything through
`langsmith.evaluate(upload_results=False)` locally, which is also how the tests run it.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals import trajectory

BRIEFS = Path(__file__).parent / "datasets" / "briefs.jsonl"
BRIEF_DATASET = "adpilot-briefs"
TRAJECTORY_DATASET = "adpilot-trajectories"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _example(dataset: str, i: int, inputs: dict[str, Any], outputs: dict[str, Any]) -> Any:
    from langsmith.schemas import Example

    # Stable ids: re-running tops up the same examples instead of duplicating them.
    ex_id = uuid.uuid5(uuid.NAMESPACE_URL, f"adpilot/{dataset}/{i}/{json.dumps(inputs, sort_keys=True)}")
    return Example(id=ex_id, dataset_id=uuid.uuid5(uuid.NAMESPACE_URL, f"adpilot/{dataset}"),
                   inputs=inputs, outputs=outputs)


def brief_examples(path: Path = BRIEFS, limit: int | None = None) -> list[Any]:
    """Examples from briefs.jsonl: inputs `{brief, defaults}`, reference = the expected fields."""
    rows = _jsonl(path)[:limit]
    out = []
    for i, row in enumerate(rows):
        expected = row.get("expected", row.get("expect", {}))
        inputs = {"brief": row["brief"], "defaults": row.get("defaults") or {}, "id": row.get("id", str(i))}
        out.append(_example(BRIEF_DATASET, i, inputs, expected if isinstance(expected, dict) else {"expected": expected}))
    return out


def trajectory_examples(limit: int | None = None) -> list[Any]:
    """Examples from trajectories.jsonl: inputs = the case, reference = its expectation."""
    return [_example(TRAJECTORY_DATASET, i, case, case.get("expect") or {})
            for i, case in enumerate(trajectory.load_cases()[:limit])]


def planner_target(model: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`inputs -> outputs` running the rules planner (`model == "rules"`) or the LLM planner."""
    from agents.orchestrator.planning import PlanDefaults

    def run(inputs: dict[str, Any]) -> dict[str, Any]:
        defaults = PlanDefaults.from_dict(inputs.get("defaults") or {})
        if model == "rules":
            from agents.orchestrator.planning import rules as rules_planner

            result = rules_planner.plan_brief(inputs["brief"], defaults)
        else:
            from agents.orchestrator.planning import llm as llm_planner

            result = llm_planner.plan_brief(inputs["brief"], defaults, model=model)
        return result.to_dict()

    return run


def trajectory_target(inputs: dict[str, Any]) -> dict[str, Any]:
    """Run one trajectory case through the real graph; the trajectory is the output."""
    return trajectory.run_case(inputs)


def _trajectory_evaluators() -> list[Callable[..., dict[str, Any]]]:
    return [*trajectory.TRAJECTORY_RULES, trajectory.expected_outcome]


def _brief_evaluators() -> list[Callable[..., dict[str, Any]]]:
    from evals import evaluators

    return [evaluators.plan_field_accuracy, evaluators.clarifies_when_missing]


def experiment_metadata(model: str, policy: str, dataset: str) -> dict[str, Any]:
    """What an experiment records so runs can be compared: model, policy, planner, dataset."""
    from importlib.metadata import version

    return {"model": model, "policy": policy, "planner": "rules" if model == "rules" else "llm",
            "dataset": dataset, "adpilot_version": version("adpilot")}


def ensure_dataset(client: Any, name: str, examples: Sequence[Any], description: str) -> str:
    """Create the dataset if it does not exist and add the examples it lacks; return its name."""
    if client.has_dataset(dataset_name=name):
        dataset = client.read_dataset(dataset_name=name)
    else:
        dataset = client.create_dataset(name, description=description)
    have = {str(e.id) for e in client.list_examples(dataset_id=dataset.id)}
    missing = [e for e in examples if str(e.id) not in have]
    if missing:
        client.create_examples(dataset_id=dataset.id, examples=[
            {"id": e.id, "inputs": e.inputs, "outputs": e.outputs} for e in missing])
    return name


def run_experiments(*, models: Sequence[str], policy: str = "default", upload: bool = True,
                    limit: int | None = None, trajectories: bool = True,
                    client: Any = None) -> dict[str, Any]:
    """Run the planner experiment for every model (and the trajectory experiment once)."""
    from langsmith import Client, evaluate
    from langsmith._internal._beta_decorator import LangSmithBetaWarning

    briefs = brief_examples(limit=limit)
    cases = trajectory_examples(limit=limit) if trajectories else []
    if upload:
        client = client or Client()
        brief_data: Any = ensure_dataset(client, BRIEF_DATASET, briefs, "adpilot planner briefs")
        traj_data: Any = ensure_dataset(client, TRAJECTORY_DATASET, cases, "adpilot graph trajectories") if cases else None
    else:
        brief_data, traj_data = briefs, cases
        # Offline: a client that is never called and starts no background upload thread.
        client = client or Client(api_url="http://127.0.0.1:9", api_key="offline-unused",
                                  auto_batch_tracing=False)
    results: dict[str, Any] = {}
    with warnings.catch_warnings():
        # `upload_results=False` is marked beta by langsmith; it is exactly what offline runs need.
        warnings.simplefilter("ignore", LangSmithBetaWarning)
        return _evaluate_all(evaluate, results, models, policy, upload, client, brief_data, traj_data, cases)


def _offline(target: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Run `target` with tracing off inside: with `upload_results=False`, langsmith still traces
    the target "locally", and LangChain runs nested in it would otherwise try to upload."""
    import langsmith

    def run(inputs: dict[str, Any]) -> dict[str, Any]:
        with langsmith.tracing_context(enabled=False):
            return target(inputs)

    run.__name__ = getattr(target, "__name__", "target")
    return run


def _evaluate_all(evaluate: Any, results: dict[str, Any], models: Sequence[str], policy: str, upload: bool,
                  client: Any, brief_data: Any, traj_data: Any, cases: list[Any]) -> dict[str, Any]:
    wrap = (lambda t: t) if upload else _offline
    for model in models:
        results[f"planner:{model}"] = evaluate(
            wrap(planner_target(model)), data=brief_data, evaluators=_brief_evaluators(),
            experiment_prefix=f"adpilot-planner-{model.replace(':', '-')}",
            metadata=experiment_metadata(model, policy, BRIEF_DATASET),
            upload_results=upload, client=client, max_concurrency=0, disable_evaluator_tracing=not upload)
    if cases:
        results["trajectories"] = evaluate(
            wrap(trajectory_target), data=traj_data, evaluators=_trajectory_evaluators(),
            experiment_prefix="adpilot-trajectories",
            metadata=experiment_metadata("rules", policy, TRAJECTORY_DATASET),
            upload_results=upload, client=client, max_concurrency=0, disable_evaluator_tracing=not upload)
    return results


def summarize(results: Any) -> dict[str, float]:
    """Mean score per evaluator key of an `ExperimentResults`."""
    scores: dict[str, list[float]] = {}
    for row in results:
        for res in row["evaluation_results"]["results"]:
            if res.score is not None:
                scores.setdefault(res.key, []).append(float(res.score))
    return {k: sum(v) / len(v) for k, v in sorted(scores.items())}


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: run the experiments and print the mean score of every evaluator."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="planner model(s); default rules + ADPILOT_MODEL")
    parser.add_argument("--policy", default=os.environ.get("ADPILOT_POLICY", "default"))
    parser.add_argument("--limit", type=int, help="only the first N examples of each dataset")
    parser.add_argument("--no-upload", action="store_true", help="run locally, upload nothing")
    parser.add_argument("--no-trajectories", action="store_true")
    args = parser.parse_args(argv)
    upload = not args.no_upload
    if upload and not os.environ.get("LANGSMITH_API_KEY"):
        parser.error("LANGSMITH_API_KEY is not set: export it, or pass --no-upload to run locally")
    models = args.model or ["rules", *([m] if (m := os.environ.get("ADPILOT_MODEL", "rules")) != "rules" else [])]
    results = run_experiments(models=models, policy=args.policy, upload=upload, limit=args.limit,
                              trajectories=not args.no_trajectories)
    for name, res in results.items():
        line = ", ".join(f"{k}={v:.3f}" for k, v in summarize(res).items())
        where = f" ({res.experiment_name})" if upload else ""
        print(f"{name}{where}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
