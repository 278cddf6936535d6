"""Bad input gets a message naming the field and the fix, and Meta (the sandbox) gets no write."""

import pytest
from typer.testing import CliRunner

from graph.cli import app
from tests.launchkit import admin, images

BASE = ("Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day for 14 days. "
        "Landing page https://shop.example.com/trail. Use image {img}.")


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory):
    from sandbox.server import SandboxServer

    with SandboxServer(db_path=tmp_path_factory.mktemp("sb") / "sandbox.db") as server:
        yield server.url


@pytest.fixture
def cli(sandbox_url, home, monkeypatch):
    monkeypatch.setenv("META_GRAPH_URL", sandbox_url)
    monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "400"})


def _brief(case, folder):
    good = images(folder, 1)[0]
    corrupt = folder / "corrupt.png"
    corrupt.write_bytes(good.read_bytes()[:300])
    return {
        "no budget": BASE.replace(" Budget $60/day for 14 days.", " Run it for 14 days.").format(img=good),
        "budget under Meta's minimum": BASE.replace("$60/day", "$0.50/day").format(img=good),
        "age 12": BASE.replace("ages 25-45", "ages 12-17").format(img=good),
        "unknown country": BASE.replace("in the US", "in Atlantis").format(img=good),
        "carousel of one card": BASE.format(img=good) + " Make it a carousel.",
        "corrupt image": BASE.format(img=corrupt),
        "unreadable path": BASE.format(img=folder / "missing.png"),
    }[case]


CASES = [  # case, the field the message must name, a word of the fix, exit code of `run`
    ("no budget", "budget", "$50/day", 0),
    ("budget under Meta's minimum", "budget.amount_minor", "raise the budget", 2),
    ("age 12", "ad_sets[0].targeting.age_min", "at least 13", 2),
    ("unknown country", "country", "Atlantis", 0),
    ("carousel of one card", "ad_sets[0].ads[0].creative.cards", "add images", 2),
    ("corrupt image", "ad_sets[0].ads[0].creative.assets[0].path", "export it again", 2),
    ("unreadable path", "ad_sets[0].ads[0].creative.assets[0].path", "check the path", 2),
]


@pytest.mark.parametrize(("case", "field", "fix", "code"), CASES, ids=[c[0] for c in CASES])
def test_invalid_input_is_explained_and_nothing_is_written(cli, sandbox_url, tmp_path, case, field, fix, code):
    admin(sandbox_url, "POST", "/__sandbox__/stats/reset", {})
    brief = _brief(case, tmp_path / "assets")

    planned = cli("plan", brief, "--json")
    assert planned.exit_code == 2
    assert field in planned.stdout and fix in planned.stdout

    run = cli("run", brief)
    assert run.exit_code == code, run.output
    text = " ".join(run.output.split())
    assert field in text and fix in text
    assert "nothing was written" in text or "the brief leaves something out" in text
    assert admin(sandbox_url, "GET", "/__sandbox__/stats")["writes"] == 0


def test_a_bad_name_tags_setting_is_refused_before_anything_is_written(cli, sandbox_url,
                                                                       tmp_path, monkeypatch):
    admin(sandbox_url, "POST", "/__sandbox__/stats/reset", {})
    monkeypatch.setenv("ADPILOT_NAME_TAGS", "sometimes")
    brief = BASE.format(img=images(tmp_path / "assets", 1)[0])
    result = cli("run", brief, "--thread", "tags-1", "--yes")
    assert result.exit_code == 2, result.output
    assert "ADPILOT_NAME_TAGS='sometimes': use on" in " ".join(result.output.split())
    assert admin(sandbox_url, "GET", "/__sandbox__/stats")["writes"] == 0


@pytest.mark.parametrize("command", ["plan", "run"])
def test_a_brief_file_that_is_not_there_is_refused_not_planned_as_the_brief(
        cli, sandbox_url, tmp_path, monkeypatch, command):
    """Found by a review: `adpilot plan nosuchfile.txt` planned the text "nosuchfile.txt"."""
    monkeypatch.chdir(tmp_path)
    admin(sandbox_url, "POST", "/__sandbox__/stats/reset", {})
    (tmp_path / "plan.json").write_text("{}")
    (tmp_path / "briefs").mkdir()
    fix = "give the brief text in quotes, or the path of an existing .txt/.md file"
    for arg, why in (("nosuchfile.txt", "not found"), ("notes.md", "not found"),
                     ("briefs/shoes", "not found"), ("briefs", None), ("briefs/", "is a folder"),
                     ("plan.json", "is JSON, not a brief: a plan file launches with `adpilot "
                                   "run --plan plan.json`")):
        result = cli(command, arg)
        text = " ".join(result.output.split())
        if why is None:  # one plain word: a (short) brief, not a path
            assert f"brief file {arg}" not in text, text
            continue
        assert result.exit_code == 2, (arg, result.output)
        assert f"brief file {arg.rstrip('/')} {why}" in text and fix in text, text
    assert admin(sandbox_url, "GET", "/__sandbox__/stats")["writes"] == 0
