"""The `accounts` command: the ad accounts the token reaches, to choose one with `--account`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from graph.cli.common import clear_errors
from graph.cli.console import console
from graph.cli.root import app

STATUS = {1: "active", 2: "disabled", 3: "unsettled", 7: "pending review", 9: "in grace period",
          100: "pending closure", 101: "closed"}


@app.command()
def accounts(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """List the ad accounts the token reaches (choose one with --account or ADPILOT_ACCOUNT)."""
    from graph.environment import adpilot_home, meta_access
    from graph.toolkit import ToolEnv, list_accounts
    from state.context import MetaSettings

    with clear_errors():
        home = adpilot_home()
        home.mkdir(parents=True, exist_ok=True)
        quiet = (lambda _: None) if as_json else console.print
        with meta_access(MetaSettings.from_env(), home, announce=quiet) as (settings, token, _):
            # The `list_accounts` tool's own function (graph/toolkit.py): one definition.
            found = list_accounts(ToolEnv(settings, token, home))["accounts"]
    if as_json:
        print(json.dumps(found, indent=2))
        return
    from rich.table import Table

    table = Table("id", "name", "currency", "time zone", "status")
    for row in found:
        status = STATUS.get(int(row["account_status"] or 0), str(row["account_status"]))
        table.add_row(str(row["id"]), str(row["name"] or ""), str(row["currency"] or ""),
                      str(row["timezone_name"] or ""), status)
    console.print(table)
    if len(found) > 1:
        console.print("Several accounts: choose one with --account act_ID (or ADPILOT_ACCOUNT).")
