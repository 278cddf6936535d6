import logging

from state import secrets
from state.secrets import REDACTED, ScrubFilter, install_log_scrubbing, scrub, scrub_obj

TOKEN = "EAAB-recognisable-token-1234567890"


def test_scrub_removes_registered_token_and_query_values():
    secrets.register_secret(TOKEN)
    text = (f"GET http://127.0.0.1:9/v26.0/act_1?access_token=other-token-xyz&"
            f"appsecret_proof=abcdef0123 failed; body mentions {TOKEN}")
    out = scrub(text)
    assert TOKEN not in out
    assert "other-token-xyz" not in out
    assert "abcdef0123" not in out
    assert out.count(REDACTED) == 3
    assert scrub(out) == out  # idempotent


def test_scrub_json_pairs_headers_and_nested_objects():
    out = scrub('{"access_token": "tok-abc-123", "name": "x"} Authorization: Bearer abcdefghijkl')
    assert "tok-abc-123" not in out and "abcdefghijkl" not in out
    assert '"name": "x"' in out
    obj = scrub_obj({"params": {"access_token": "t0ken-value", "name": "ok"},
                     "url": ["http://h/?access_token=zzz-secret"]})
    assert obj == {"params": {"access_token": REDACTED, "name": "ok"},
                   "url": [f"http://h/?access_token={REDACTED}"]}


def test_read_secret_registers_and_requires(monkeypatch):
    monkeypatch.setenv("ADPILOT_TEST_TOKEN", "env-token-value-42")
    assert secrets.read_secret("ADPILOT_TEST_TOKEN") == "env-token-value-42"
    assert "env-token-value-42" in secrets.registered_secrets()
    assert scrub("x env-token-value-42 y") == f"x {REDACTED} y"
    monkeypatch.delenv("ADPILOT_TEST_MISSING", raising=False)
    try:
        secrets.read_secret("ADPILOT_TEST_MISSING", required=True)
    except RuntimeError as exc:
        assert "ADPILOT_TEST_MISSING" in str(exc) and ".env" in str(exc)
    else:
        raise AssertionError("a missing required secret must raise")


def test_log_filter_scrubs_messages_args_and_exceptions(caplog):
    secrets.register_secret(TOKEN)
    logger = logging.getLogger("adpilot.test.scrub")
    logger.addFilter(ScrubFilter())
    with caplog.at_level(logging.INFO, logger="adpilot.test.scrub"):
        logger.info("calling %s", f"http://x/?access_token={TOKEN}")
        try:
            raise ValueError(f"boom {TOKEN}")
        except ValueError:
            logger.exception("failed")
    text = caplog.text
    assert TOKEN not in text
    assert "calling http://x/?access_token=" in text
    assert "boom" in text


def test_install_log_scrubbing_is_idempotent():
    logger = logging.getLogger("adpilot.test.install")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        f1 = install_log_scrubbing(logger)
        f2 = install_log_scrubbing(logger)
        assert f1 is f2
        assert sum(isinstance(f, ScrubFilter) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)


def test_dotenv_in_the_working_directory_is_read_but_env_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("ADPILOT_T_DOTENV=from-dotenv-file-1\n"
                                   "ADPILOT_T_BOTH=from-dotenv-file-2\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ADPILOT_T_DOTENV", raising=False)
    monkeypatch.setenv("ADPILOT_T_BOTH", "from-real-env-3")
    monkeypatch.setattr(secrets, "_dotenv_loaded", False)
    assert secrets.read_secret("ADPILOT_T_DOTENV") == "from-dotenv-file-1"
    assert secrets.read_secret("ADPILOT_T_BOTH") == "from-real-env-3"
    monkeypatch.delenv("ADPILOT_T_DOTENV", raising=False)
