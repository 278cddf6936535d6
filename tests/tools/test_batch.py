"""The batch executor against the sandbox: dependencies across chunks, failures, faults."""

from tests.tools.conftest import adset_params, campaign_params, creative_params, jpeg, sandbox_stats
from tools.batching import BatchItem
from tools.errors import PermanentError, TransientError, UnknownOutcomeError
from tools.launch import create_actions
from tools.money import require


def _tree_items(client, page_id, image_hash, n_ads, bad_adset=False):
    act = client.account_id
    items = [BatchItem("c", "POST", f"{act}/campaigns", campaign_params("batch"),
                       plan_key="c0000000", object_type="campaign")]
    set_params = adset_params("batch set")
    if bad_adset:
        set_params["targeting"] = {"age_min": 18}  # no geo_locations: Meta refuses
    # The ad set carries a budget: the money gate passes it first (as the launcher does).
    passes = require(client, create_actions(
        {"campaign": {"key": "c0000000", "params": campaign_params("batch")},
         "ad_sets": [{"key": "50000000", "params": set_params}]}, act), None).passes_by_key()
    items.append(BatchItem("s", "POST", f"{act}/adsets",
                           {**set_params, "campaign_id": "{result=c:$.id}"},
                           plan_key="50000000", object_type="adset",
                           gate_pass=passes["50000000"]))
    for i in range(n_ads):
        items.append(BatchItem(f"k{i}", "POST", f"{act}/adcreatives",
                               creative_params(page_id, image_hash, f"cr {i}"),
                               plan_key=f"{i:04x}0000", object_type="creative"))
        items.append(BatchItem(f"a{i}", "POST", f"{act}/ads", {
            "name": f"ad {i}", "status": "PAUSED", "adset_id": "{result=s:$.id}",
            "creative": {"creative_id": f"{{result=k{i}:$.id}}"}},
            plan_key=f"{i:04x}aaaa", object_type="ad"))
    return items


def test_batch_with_dependencies_across_chunks(sandbox, client, account, ledger):
    image = client.upload_image(jpeg(1), "one.jpg")
    items = _tree_items(client, account["page_id"], image["hash"], n_ads=12)
    sandbox.admin("POST", "/__sandbox__/stats/reset")
    results = client.batch(items)
    stats = sandbox_stats(sandbox)
    assert [r.name for r in results] == [it.name for it in items]
    assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok]
    assert stats["http_requests"] == 2  # 12 ads: 10 in the first request, 2 in the second
    assert stats["graph_calls"] == len(items)
    set_id = results[1].id
    ad_ids = [r.id for r in results if r.name.startswith("a")]
    for ad_id in ad_ids[-2:]:  # the ads of the second chunk got the concrete ids
        ad = client.get(ad_id, {"fields": "adset_id,status"})
        assert ad["adset_id"] == set_id and ad["status"] == "PAUSED"
    rows = {r["plan_key"]: r for r in ledger.rows()}
    assert rows["50000000"]["status"] == "done" and rows["50000000"]["meta_id"] == set_id
    assert rows["000baaaa"]["after"]["adset_id"] == set_id  # references resolved in the ledger
    assert ledger.verify()[0]


def test_failed_item_fails_its_dependents_and_nothing_is_dropped(client, account, ledger):
    image = client.upload_image(jpeg(2), "two.jpg")
    items = _tree_items(client, account["page_id"], image["hash"], n_ads=12, bad_adset=True)
    results = client.batch(items)
    assert len(results) == len(items)
    by = {r.name: r for r in results}
    assert by["c"].ok
    assert isinstance(by["s"].error, PermanentError) and by["s"].error.code == 100
    ads = [r for r in results if r.name.startswith("a")]
    assert ads and all(not r.ok for r in ads)
    assert all(by[f"k{i}"].ok for i in range(12))
    statuses = {r["plan_key"]: r["status"] for r in ledger.rows()}
    assert statuses["50000000"] == "failed"
    assert all(statuses.get(f"{i:04x}aaaa") in (None, "failed") for i in range(12))


def test_lost_batch_response_marks_items_unknown(client, account, ledger, faults):
    image = client.upload_image(jpeg(3), "three.jpg")
    items = _tree_items(client, account["page_id"], image["hash"], n_ads=2)
    faults(lost_response=1.0)
    results = client.batch(items)
    assert all(isinstance(r.error, UnknownOutcomeError) for r in results)
    assert {r["status"] for r in ledger.rows() if r["op"] == "create"} == {"unknown"}
    assert client.stats["retries"] == 0


def test_transient_items_are_retried_not_dropped(client, account, faults):
    image = client.upload_image(jpeg(4), "four.jpg")
    items = _tree_items(client, account["page_id"], image["hash"], n_ads=6)
    faults(transient=0.3, seed=11)
    results = client.batch(items)
    faults()
    assert len(results) == len(items)
    by = {r.name: r for r in results}
    for it in items:  # a failure is transient itself, or caused by a failed dependency
        r = by[it.name]
        assert r.ok or isinstance(r.error, TransientError) or any(
            not by[d].ok for d in it.deps()), (it.name, str(r.error))
    assert client.stats["retries"] >= 1
    assert sum(r.ok for r in results) > len(items) // 2


def test_null_slots_and_bad_bodies_become_errors():
    from tools.batching import _parse

    write = BatchItem("w", "POST", "act_1/campaigns", {"name": "x"})
    read = BatchItem("r", "GET", "act_1/campaigns")
    assert isinstance(_parse(None, write).error, UnknownOutcomeError)
    assert isinstance(_parse(None, read).error, TransientError)
    bad = _parse({"code": 502, "headers": [], "body": "Bad Gateway"}, write)
    assert not bad.ok and isinstance(bad.error, UnknownOutcomeError)
    refused = _parse({"code": 200, "body": '{"success": false}'}, write)
    assert not refused.ok and isinstance(refused.error, PermanentError)
