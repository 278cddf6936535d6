"""launch_tree against the sandbox: fewest round trips, PAUSED, idempotent, reconciled."""

import hashlib

import pytest

from tests.tools.conftest import TOKEN, adset_params, campaign_params, jpeg, objects, sandbox_stats
from tools.launch import create_actions, launch_tree
from tools.meta_client import label_for, tag_for
from tools.money import require


def _tree(page_id, n_sets=2, n_ads=2, prefix="ab"):
    def k(s):  # hex keys whose tag starts with `prefix`
        return prefix + hashlib.md5(s.encode()).hexdigest()[:6] + "ff"

    tree = {"images": [{"key": k("i0"), "bytes": jpeg(9), "name": "hero.jpg"}],
            "campaign": {"key": k("c"), "params": {
                k2: v for k2, v in campaign_params("Launch").items() if k2 != "status"}},
            "ad_sets": [], "creatives": [], "ads": []}
    for s in range(n_sets):
        tree["ad_sets"].append({"key": k(f"s{s}"), "params": adset_params(f"set {s}")})
        for a in range(n_ads):
            link = "https://example.com/x"
            tree["creatives"].append({"key": k(f"k{s}{a}"), "ad_set_key": k(f"s{s}"), "params": {
                "name": f"creative {s}{a}", "object_story_spec": {"page_id": page_id, "link_data": {
                    "link": link, "message": "Hi", "image_hash": "{image:" + k("i0") + "}",
                    "call_to_action": {"type": "SHOP_NOW", "value": {"link": link}}}}}})
            tree["ads"].append({"key": k(f"a{s}{a}"), "ad_set_key": k(f"s{s}"),
                                "creative_key": k(f"k{s}{a}"), "params": {"name": f"ad {s}{a}"}})
    return tree


def _ours(sandbox, kind, prefix=""):
    """The stored objects of a type that carry an adpilot label starting `ap-<prefix>`."""
    return [o for o in objects(sandbox, kind)
            if any(str(lb.get("name", "")).startswith(f"ap-{prefix}")
                   for lb in o.get("adlabels") or [])]


def _count(sandbox, kind):
    return len(_ours(sandbox, kind))


def test_launch_creates_everything_paused_in_one_round_trip(sandbox, client, account, ledger):
    tree = _tree(account["page_id"])
    # The money gate reads the account first (the launch node does this after approval).
    passes = require(client, create_actions(tree, client.account_id), None).passes_by_key()
    sandbox.admin("POST", "/__sandbox__/stats/reset")
    result = launch_tree(client, tree, thread_id="t-launch", receipt="r" * 64, passes=passes)
    stats = sandbox_stats(sandbox)
    assert result.ok, result.failed
    assert stats["http_requests"] == 1 and stats["graph_calls"] == 12
    assert len(result.created) == 12 and not result.reused
    ad_key = tree["ads"][0]["key"]
    ad = client.get(result.ids[ad_key], {"fields": "name,status,adlabels,adset_id"})
    assert ad["status"] == "PAUSED" and ad["name"] == "ad 00"  # the plan's name, untagged
    assert label_for(ad_key) in str(ad.get("adlabels"))
    camp = client.get(result.ids[tree["campaign"]["key"]], {"fields": "status,name"})
    assert camp["status"] == "PAUSED"
    rows = ledger.rows("t-launch")
    assert len(rows) == 12 and {r["status"] for r in rows} == {"done"}
    assert {r["receipt"] for r in rows if r["op"] == "create"} == {"r" * 64}
    assert {o["meta_id"] for o in ledger.created_objects("t-launch")} >= set(
        v for k, v in result.ids.items() if k != tree["images"][0]["key"])


def test_rerun_creates_nothing_new(sandbox, client, account):
    tree = _tree(account["page_id"], prefix="cd")
    first = launch_tree(client, tree, thread_id="t-idem")
    counts = {k: _count(sandbox, k) for k in ("campaign", "adset", "adcreative", "ad")}
    sandbox.admin("POST", "/__sandbox__/stats/reset")
    again = launch_tree(client, tree, thread_id="t-idem")
    stats = sandbox_stats(sandbox)
    assert again.ok and again.ids == first.ids
    assert sorted(again.reused) == sorted(first.ids) and not again.created
    assert stats["writes"] == 0 and stats["http_requests"] == 0
    assert {k: _count(sandbox, k) for k in counts} == counts


def test_lost_responses_are_reconciled_without_duplicates(sandbox, client, account, ledger,
                                                          faults):
    tree = _tree(account["page_id"], n_sets=2, n_ads=3, prefix="ef")
    faults(lost_response=1.0)
    result = launch_tree(client, tree, thread_id="t-lost")
    faults()
    assert result.ok, result.failed
    assert sorted(result.adopted) == sorted(result.ids) and not result.created
    for kind, n in (("campaign", 1), ("adset", 2), ("ad", 6)):
        names = [o["name"] for o in _ours(sandbox, kind, "ef")]
        assert len(names) == n, (kind, names)
    assert all(r["status"] == "done" for r in ledger.rows("t-lost")
               if r["object_type"] != "image")
    assert ledger.verify()[0]


def test_crash_after_send_is_reconciled_on_rerun(sandbox, client, account, ledger, faults):
    tree = _tree(account["page_id"], n_sets=1, n_ads=2, prefix="77")
    faults(lost_response=1.0)
    partial = launch_tree(client, tree, thread_id="t-crash", max_passes=1)
    faults()
    assert not partial.ok  # unknown outcomes are reported, never hidden
    assert ledger.pending_unknown("t-crash")
    again = launch_tree(client, tree, thread_id="t-crash")
    assert again.ok, again.failed
    assert not ledger.pending_unknown("t-crash")
    assert len(_ours(sandbox, "ad", "77")) == 2


def test_token_never_reaches_the_ledger(client, account, ledger, tmp_path):
    launch_tree(client, _tree(account["page_id"], n_sets=1, n_ads=1, prefix="99"),
                thread_id="t-tok")
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("ledger.db*"))
    assert TOKEN.encode() not in blob


def test_bad_tree_is_refused_with_the_field_named(client):
    with pytest.raises(ValueError, match=r"tree.ads\[0\].creative_key"):
        launch_tree(client, {"campaign": {"key": "c1", "params": {}},
                             "ad_sets": [{"key": "s1", "params": {}}],
                             "ads": [{"key": "a1", "ad_set_key": "s1"}]})


def test_launch_under_transient_and_lost_responses_has_no_duplicates(sandbox, make_client,
                                                                     account, ledger, faults):
    tree = _tree(account["page_id"], n_sets=3, n_ads=4, prefix="5a")
    faults(transient=0.2, lost_response=0.3, seed=2)
    result = None
    for _ in range(4):  # a re-run (a resumed node) picks up where the last one stopped
        result = launch_tree(make_client(), tree, thread_id="t-chaos")
        if result.ok:
            break
    faults()
    assert result is not None and result.ok, result.failed
    for kind, n in (("campaign", 1), ("adset", 3), ("adcreative", 12), ("ad", 12)):
        labels = [o["adlabels"][0]["name"] for o in _ours(sandbox, kind, "5a")]
        assert len(labels) == len(set(labels)) == n, (kind, labels)
    assert not ledger.pending_unknown("t-chaos")
    assert ledger.verify()[0]


# -- provenance: ad labels, clean names, ADPILOT_NAME_TAGS ---------------------------------------


def _same_names(tree):
    """The tree with every ad named alike and every creative named alike (only labels differ)."""
    for c in tree["creatives"]:
        c["params"]["name"] = "Spring creative"
    for a in tree["ads"]:
        a["params"]["name"] = "Spring ad"
    return tree


def test_a_lost_response_reconciles_exactly_by_label_when_names_are_clean(
        sandbox, client, account, ledger, faults, monkeypatch):
    monkeypatch.delenv("ADPILOT_NAME_TAGS", raising=False)  # the default: no tag in names
    tree = _same_names(_tree(account["page_id"], n_sets=1, n_ads=3, prefix="1c"))
    faults(lost_response=1.0)  # every create commits and its answer is lost
    result = launch_tree(client, tree, thread_id="t-labels")
    faults()
    assert result.ok, result.failed
    assert sorted(result.adopted) == sorted(result.ids) and not result.created
    for kind in ("campaign", "adset", "adcreative", "ad"):
        assert not [o["name"] for o in objects(sandbox, kind) if "[ap:" in o.get("name", "")]
    # Three ads and three creatives share one clean name: each key adopted its own object.
    for part, kind, name in (("ads", "ad", "Spring ad"), ("creatives", "adcreative",
                                                          "Spring creative")):
        assert len(_ours(sandbox, kind, "1c")) == 3
        for node in tree[part]:
            got = client.get(result.ids[node["key"]], {"fields": "name,adlabels"})
            assert got["name"] == name and got["adlabels"] == [{"name": label_for(node["key"])}]
    assert not ledger.pending_unknown("t-labels") and ledger.verify()[0]


def test_name_tags_on_tags_every_name_and_labels_every_object(sandbox, client, account,
                                                               monkeypatch):
    monkeypatch.setenv("ADPILOT_NAME_TAGS", "on")
    tree = _tree(account["page_id"], n_sets=1, n_ads=1, prefix="2d")
    result = launch_tree(client, tree, thread_id="t-tags")
    assert result.ok, result.failed
    nodes = [tree["campaign"], *tree["ad_sets"], *tree["creatives"], *tree["ads"]]
    for node in nodes:
        got = client.get(result.ids[node["key"]], {"fields": "name,adlabels"})
        assert got["name"].endswith(tag_for(node["key"])), got
        assert {"name": label_for(node["key"])} in got["adlabels"], got
    image = next(o for o in objects(sandbox, "adimage") if o.get("hash") == result.ids[
        tree["images"][0]["key"]])
    assert image["name"].endswith(tag_for(tree["images"][0]["key"]))  # images: tag only


def test_an_object_an_earlier_version_tagged_is_adopted_not_created_again(
        sandbox, client, account, ledger, monkeypatch):
    monkeypatch.delenv("ADPILOT_NAME_TAGS", raising=False)
    from sandbox.testing import make_api

    tree = _tree(account["page_id"], n_sets=1, n_ads=1, prefix="3e")
    key = tree["campaign"]["key"]
    # An earlier version sent the campaign (a name tag, no label) and never heard back.
    wid = ledger.intent(op="create", path=f"{account['account_id']}/campaigns", params={},
                        plan_key=key, object_type="campaign", thread_id="t-old")
    ledger.mark(wid, "sent")
    old = make_api(sandbox.url).call("POST", (account["account_id"], "campaigns"), {
        **campaign_params("Launch" + tag_for(key)), "name": "Launch" + tag_for(key)}).json()["id"]
    # A stranger's campaign with the same clean name is not the one it looks for.
    make_api(sandbox.url).call("POST", (account["account_id"], "campaigns"),
                               campaign_params("Launch"))
    result = launch_tree(client, tree, thread_id="t-old")
    assert result.ok, result.failed
    assert result.ids[key] == old and key in result.adopted
    assert len([o for o in objects(sandbox, "campaign") if o["name"].startswith("Launch")]) == 2
    assert ledger.find(key, "create", "t-old")["meta_id"] == old
