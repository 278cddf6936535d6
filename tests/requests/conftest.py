"""The CLI fixtures of tests/cli (home, cli) for the request tests."""

from tests.cli.conftest import cli, home  # noqa: F401
