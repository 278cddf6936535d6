"""Meta's `meta-ads` CLI: pages, guidance, datasets, studies, catalogs and products.

Pages, recommendations and reading datasets (pixels) are served. Writing datasets, ad studies
and catalogs (with their product sets, items and feeds) are outside the sandbox: it answers
them as Meta answers an app without that permission — code 200, "Permissions error", the code
Meta's reference lists for these edges — and a catalog, set, item or feed id it does not hold
as Meta answers any id it cannot load (100/33). The CLI reports either as
`Error: API error (<code>)` and exits 4.
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.server import SandboxServer
from tests.clients.delivery import launch
from tests.clients.harness import Cli, Graph

pytestmark = pytest.mark.clients
MISSING = "987654321000123"  # an id the sandbox holds nothing under
RECOMMENDATION_FIELDS = {"id", "recommendations", "asc_fragmentation_parameters",
                         "autoflow_parameters", "fragmentation_parameters", "music_parameters",
                         "recommendation_signature", "scale_good_campaign_parameters"}


def test_page_list_finds_the_businesss_page(cli: Cli, graph: Graph, ids: dict) -> None:
    # the account's business (`act_<id>?fields=business`), then its owned_pages and client_pages
    listed = {p["id"]: p for p in cli.json("ads", "page", "list")}
    assert ids["page"] in listed, listed
    truth = graph.get(ids["page"], fields="name,category")
    assert (listed[ids["page"]]["name"], listed[ids["page"]]["category"]) == (
        truth["name"], truth["category"])


def test_page_get(cli: Cli, graph: Graph, ids: dict) -> None:
    (got,) = cli.json("ads", "page", "get", ids["page"])
    truth = graph.get(ids["page"], fields="name,category")
    assert (got["id"], got["name"], got["category"]) == (ids["page"], truth["name"],
                                                         truth["category"])


def test_guidance_list_reads_the_accounts_recommendations(cli: Cli, graph: Graph, sb: SandboxServer,
                                                         ids: dict) -> None:
    # Two ad sets of one campaign chase the same purchase and neither leaves learning in a
    # week on $60 a day: Meta's fragmentation advice (consolidate), and the CLI shows it.
    tree = launch(graph, ids)
    sb.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    states = {graph.get(s, fields="learning_stage_info")["learning_stage_info"]["status"]
              for s in tree["adsets"]}
    assert "FAIL" in states, states
    out = cli.json("ads", "guidance", "list")
    raw = graph.get(f"{ids['account']}/recommendations", fields="recommendations")
    served = [r for page in raw["data"] for r in page["recommendations"]]
    assert any(r["type"] == "FRAGMENTATION_V3" and set(tree["adsets"]) <= set(r["object_ids"])
               for r in served), served
    assert sorted((r["type"], r["object_ids"]) for r in out) == sorted(
        (r["type"], r["object_ids"]) for r in served)  # the CLI shows every one, as served


def test_dataset_list_shows_the_pixel(cli: Cli, graph: Graph, ids: dict) -> None:
    listed = {d["id"]: d for d in cli.json("ads", "dataset", "list")}
    assert listed[ids["pixel"]]["name"] == graph.get(ids["pixel"], fields="name")["name"]


def test_dataset_get(cli: Cli, graph: Graph, ids: dict) -> None:
    (got,) = cli.json("ads", "dataset", "get", ids["pixel"])
    assert (got["id"], got["name"]) == (ids["pixel"], graph.get(ids["pixel"], fields="name")["name"])


def refused(cli: Cli, *argv: str) -> int | None:
    run = cli.run("-o", "json", "ads", *argv)
    assert run.exit_code == 4, (run.exit_code, run.stderr[-800:])
    return run.api_error


def me(graph: Graph) -> str:
    return str(graph.get("me", fields="id")["id"])


@pytest.mark.parametrize("argv", [
    ["dataset", "create", "--name", "Second pixel"],
    ["dataset", "connect", "{pixel}", "--ad-account-id", "{account}"],
    ["dataset", "disconnect", "{pixel}", "--ad-account-id", "{account}", "--force"],
    ["dataset", "assign-user", "{pixel}", "--user-id", "{me}", "--tasks", "ADVERTISE"],
    ["study", "list"],
    ["catalog", "create", "--name", "Shoes"],
], ids=lambda argv: " ".join(a for a in argv[:2]))
def test_without_permission_meta_answers_200(cli: Cli, graph: Graph, ids: dict,
                                             argv: list[str]) -> None:
    names: dict[str, Any] = {**ids, "me": me(graph)}
    assert refused(cli, *(a.format(**names) for a in argv)) == 200


def test_catalog_list_finds_none(cli: Cli, graph: Graph, ids: dict) -> None:
    # the business's catalog edges are served; the sandbox holds no catalog
    run = cli.run("-o", "json", "ads", "catalog", "list")
    assert run.exit_code == 0 and run.stdout.strip() in ("", "[]"), run
    assert "No results" in run.stderr
    business = graph.get(ids["account"], fields="business")["business"]["id"]
    assert graph.get(f"{business}/owned_product_catalogs")["data"] == []


@pytest.mark.parametrize("argv", [
    ["catalog", "get", MISSING],
    ["catalog", "update", MISSING, "--name", "Renamed"],
    ["catalog", "delete", MISSING, "--force"],
    ["product-set", "list", "--catalog-id", MISSING],
    ["product-set", "create", "--catalog-id", MISSING, "--name", "Sale"],
    ["product-set", "get", MISSING],
    ["product-set", "update", MISSING, "--name", "Sale 2"],
    ["product-set", "delete", MISSING, "--force"],
    ["product-item", "list", "--catalog-id", MISSING],
    ["product-item", "create", "--catalog-id", MISSING, "--retailer-id", "SKU1", "--name",
     "Trail shoe", "--price", "12900", "--currency", "USD", "--url",
     "https://shop.example.com/p/1", "--image-url", "https://shop.example.com/p/1.jpg"],
    ["product-item", "get", MISSING],
    ["product-item", "update", MISSING, "--name", "Road shoe"],
    ["product-item", "delete", MISSING, "--force"],
    ["product-feed", "list", "--catalog-id", MISSING],
    ["product-feed", "create", "--catalog-id", MISSING, "--name", "Daily feed"],
    ["product-feed", "get", MISSING],
    ["product-feed", "update", MISSING, "--name", "Weekly feed"],
    ["product-feed", "delete", MISSING, "--force"],
], ids=lambda argv: " ".join(argv[:2]))
def test_an_object_the_sandbox_does_not_hold_is_unsupported(cli: Cli, argv: list[str]) -> None:
    assert refused(cli, *argv) == 100
