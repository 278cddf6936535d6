"""PostgreSQL fixtures: a real server on loopback started by `.ci/postgres.sh`, or a skip."""

from __future__ import annotations

import os

import pytest

SKIP_HOW = (
    "set ADPILOT_TEST_POSTGRES_URL, e.g. `source .ci/postgres.sh` (starts a throwaway "
    "PostgreSQL on loopback, installing Debian's postgresql if needed)"
)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("ADPILOT_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(f"no PostgreSQL for the checkpointer and shared-state tests: {SKIP_HOW}")
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("select 1")
    except Exception as exc:  # any failure to reach it means: skip, and say why
        pytest.skip(f"PostgreSQL at ADPILOT_TEST_POSTGRES_URL is unreachable ({type(exc).__name__}); {SKIP_HOW}")
    return url


@pytest.fixture
def pg_database(postgres_url):
    """A fresh, empty database on the test server for one test; dropped afterwards."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from state.database import close_all

    name = f"adpilot_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(postgres_url)
    yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    close_all()  # this process's pools on it
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
