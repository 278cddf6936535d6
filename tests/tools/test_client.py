"""The client against the real sandbox over HTTP: classification, retries, governor, ledger."""

import socket

import pytest

from tests.tools.conftest import TOKEN, campaign_params, objects
from tools.errors import (
    AuthError,
    PermanentError,
    ThrottledError,
    TransientError,
    UnknownOutcomeError,
)
from tools.governor import Governor
from tools.meta_client import tag_for, with_tag


def test_get_and_paging(client):
    for i in range(5):
        client.write("create", f"{client.account_id}/campaigns", campaign_params(f"page {i}"),
                     plan_key=f"{i:08x}", object_type="campaign")
    before = client.stats["round_trips"]
    items = client.get_all(f"{client.account_id}/campaigns", {"fields": "id,name"}, limit=2)
    assert len({c["id"] for c in items}) >= 5
    assert client.stats["round_trips"] - before == -(-len(items) // 2)  # one per page
    one = client.get(items[0]["id"], {"fields": "id,name,status"})
    assert one["id"] == items[0]["id"] and one["status"] == "PAUSED"


def test_permanent_error_carries_meta_user_message_and_is_not_retried(client, ledger):
    bad = {**campaign_params(), "objective": "LINK_CLICKS"}  # legacy objective
    with pytest.raises(PermanentError) as info:
        client.write("create", f"{client.account_id}/campaigns", bad, plan_key="aa" * 4,
                     object_type="campaign")
    err = info.value
    assert not isinstance(err, AuthError)
    assert err.code == 100
    assert err.user_msg or err.user_title
    assert client.stats["retries"] == 0
    row = ledger.find("aa" * 4, "create")
    assert row["status"] == "failed" and row["error"]


def test_missing_field_blames_the_field(client):
    params = campaign_params()
    del params["special_ad_categories"]
    with pytest.raises(PermanentError) as info:
        client.write("create", f"{client.account_id}/campaigns", params, object_type="campaign")
    assert "special_ad_categories" in str(info.value)


def test_bad_token_is_auth_error_without_the_token(make_client):
    bad = make_client(token="EAAB-wrong-token-abcdef123456")
    with pytest.raises(AuthError) as info:
        bad.get("me/adaccounts")
    assert info.value.code == 190
    assert "EAAB-wrong-token-abcdef123456" not in str(info.value)
    assert "EAAB-wrong-token-abcdef123456" not in repr(info.value.to_dict())


def test_transient_errors_are_retried_then_raised(client, faults):
    faults(transient=1.0)
    with pytest.raises(TransientError) as info:
        client.get(f"{client.account_id}/campaigns")
    assert info.value.code == 2
    assert client.stats["retries"] == 3  # 4 attempts
    assert client.stats["round_trips"] == 4


def test_transient_errors_recover(client, faults):
    faults(transient=0.5, seed=2)
    for _ in range(6):
        client.get(f"{client.account_id}/campaigns")
    assert client.stats["retries"] > 0


def test_throttle_is_classified_with_a_wait(client, faults):
    faults(throttle=1.0)
    with pytest.raises(ThrottledError) as info:
        client.get(f"{client.account_id}/campaigns")
    err = info.value
    assert err.code in (4, 17, 613, 80000, 80004)
    assert err.retry_after_s > 0 and err.until is not None
    assert "until" in err.to_dict()


def test_lost_response_on_a_write_is_unknown_and_not_retried(sandbox, client, ledger, faults):
    faults(lost_response=1.0)
    key = "beefcafe00"
    params = {**campaign_params("lost"), "name": with_tag("lost", key)}
    with pytest.raises(UnknownOutcomeError):
        client.write("create", f"{client.account_id}/campaigns", params, plan_key=key,
                     object_type="campaign")
    faults()
    assert client.stats["retries"] == 0
    row = ledger.find(key, "create")
    assert row["status"] == "unknown"
    # it did commit: reconciliation finds exactly one, by its tag
    found = client.find_created(f"{client.account_id}/campaigns", key)
    assert found is not None
    assert sum(o.get("name", "").endswith(tag_for(key)) for o in objects(sandbox, "campaign")) == 1


def test_connection_errors_never_show_the_token(make_client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = make_client(graph_url=f"http://127.0.0.1:{port}", token="EAAB-leaky-token-0987654321")
    with pytest.raises(TransientError) as info:
        dead.get("me/adaccounts")
    assert "EAAB-leaky-token-0987654321" not in str(info.value)
    with pytest.raises((TransientError, UnknownOutcomeError)) as info2:
        dead.write("create", "act_1/campaigns", campaign_params(), object_type="campaign")
    assert "EAAB-leaky-token-0987654321" not in str(info2.value)
    assert TOKEN not in str(info2.value)


def test_governor_slows_down_before_meta_throttles(tmp_path):
    from sandbox.server import SandboxServer
    from state.ledger import Ledger
    from tools.meta_client import MetaClient

    slept: list[float] = []
    with SandboxServer(tmp_path / "dev.db", tier="development") as sb:
        import requests

        acct = requests.get(f"{sb.url}/me/adaccounts", params={"access_token": TOKEN},
                            timeout=10).json()["data"][0]["id"]
        client = MetaClient({"graph_url": sb.url, "account_id": acct}, token=TOKEN,
                            ledger=Ledger(tmp_path / "l.db"),
                            governor=Governor(sleep=slept.append))
        server_throttled = False
        with pytest.raises(ThrottledError) as info:
            for i in range(40):
                try:
                    client.write("create", f"{acct}/campaigns", campaign_params(f"g{i}"),
                                 object_type="campaign")
                except ThrottledError as exc:
                    server_throttled = exc.code is not None
                    raise
        assert slept, "the governor should have slowed down before the limit"
        assert all(0 < s <= 2.0 for s in slept)
        assert client.stats["throttle_waits"] == len(slept)
        assert client.last_usage["pressure"] >= 75
        assert info.value.retry_after_s > 2.0
        # the governor stopped us itself, or Meta did only after we had slowed down
        assert not server_throttled or slept


def test_app_secret_proof_is_sent_and_a_wrong_secret_is_auth_error(tmp_path):

    from sandbox.server import SandboxServer
    from tools.meta_client import MetaClient

    secret = "app-secret-value-42xyz"
    with SandboxServer(tmp_path / "sec.db", app_secret=secret) as sb:
        good = MetaClient({"graph_url": sb.url}, token=TOKEN, app_secret=secret)
        accounts = good.get("me/adaccounts")["data"]
        assert accounts
        bad = MetaClient({"graph_url": sb.url}, token=TOKEN, app_secret="wrong-secret-value-1")
        with pytest.raises(AuthError) as info:
            bad.get("me/adaccounts")
        text = str(info.value)
        assert "appsecret_proof" in text
        assert secret not in text and "wrong-secret-value-1" not in text


def test_invalid_breakdown_combination_is_permanent_not_retried(client):
    # Meta files this under code 2 (usually "transient"); retrying it can never succeed.
    with pytest.raises(PermanentError) as info:
        client.get(f"{client.account_id}/insights",
                   {"fields": "impressions", "breakdowns": "age,country"})
    assert not isinstance(info.value, TransientError)
    assert (info.value.code, info.value.subcode) == (2, 1504041)
    assert client.stats["retries"] == 0
