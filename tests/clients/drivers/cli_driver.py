"""Run Meta's `meta-ads` CLI (`meta ...`) against a Graph base URL (runs in its Python 3.12 venv).

    python cli_driver.py --graph http://127.0.0.1:PORT [--version v24.0]

then JSON lines on stdin (see jsonlines.py): `{"argv": ["-o", "json", "ads", "campaign",
"list"], "env": {"AD_ACCOUNT_ID": "act_1"}}` → `{"ok": true, "exit_code": 0, "stdout": "...",
"stderr": "..."}`, exactly what `meta -o json ads campaign list` would print and exit with.
`{"list_commands": true}` → every command path of the click tree (`ads campaign create`, ...).

The CLI has no setting for its Graph host, so this process patches, before importing it:
* `FacebookSession.GRAPH` (class attribute) → `--graph`: every SDK and generated call.
* the crash reporter, off twice over: `FacebookAdsApi.init` is forced to `crash_log=False`
  and `CrashReporter.enable` does nothing. The CLI leaves it on, and it would POST crash
  stacks to `{GRAPH}/v24.0/None/instruments` (graph.facebook.com unpatched).
* `VideoUploadRequest.send` without its hard-coded `graph-video.facebook.com` override, so
  chunked video uploads reach `--graph` too.
* with `--version`, the API version: the session default and the version pinned per operation
  in the CLI's manifest (`meta/generated/manifest.json`, v24.0), for a sandbox that no longer
  serves the pinned one.
* `meta.config.load_dotenv` does nothing: the CLI would load any `.env` from the working
  directory upwards (the harness also runs it from an empty temp dir).
Each request runs with a fresh API singleton (so `env` changes such as another token apply),
stdin at /dev/null (a prompt aborts instead of eating the next request) and HOME /
XDG_CONFIG_HOME set by the harness (no `~/.config/meta/credentials` is read).
"""

from __future__ import annotations

import argparse
import os
import traceback
from typing import Any

import jsonlines


def _patch(graph: str, version: str | None) -> None:
    from facebook_business import api as fb_api
    from facebook_business import crashreporter, session, video_uploader

    session.FacebookSession.GRAPH = graph
    crashreporter.CrashReporter.enable = classmethod(lambda cls: None)  # type: ignore[assignment]
    original_init = fb_api.FacebookAdsApi.init.__func__  # type: ignore[attr-defined]

    def init(cls: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["crash_log"] = False
        if version:
            kwargs["api_version"] = version
        return original_init(cls, *args, **kwargs)

    fb_api.FacebookAdsApi.init = classmethod(init)  # type: ignore[assignment]

    def send(self: Any, path: str) -> Any:  # VideoUploadRequest.send minus url_override
        return self._api.call("POST", path, params=self._params, files=self._files)

    video_uploader.VideoUploadRequest.send = send  # type: ignore[method-assign]
    if version:
        fb_api.FacebookAdsApi.API_VERSION = version
        from meta import generated_registry

        manifest = generated_registry.load_manifest()  # the cached dict the commands read
        manifest["api_version"] = version
        for operation in manifest.get("operations", []):
            operation["api_version"] = version
    import meta.config

    meta.config.load_dotenv = lambda *a, **k: False


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[str]:
    out = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = (*prefix, name)
        if getattr(command, "commands", None):
            out += _commands(command, path)
        else:
            out.append(" ".join(path))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--graph", required=True, help="Graph base URL without version")
    parser.add_argument("--version", default=None, help="API version to use instead of v24.0")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "400")  # Rich wraps tables and messages at the width
    with jsonlines.captured():
        _patch(args.graph.rstrip("/"), args.version)
        import meta.api.client
        from meta.cli import cli

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        if request.get("list_commands"):
            return {"ok": True, "result": _commands(cli)}
        env = request.get("env") or {}
        before = {k: os.environ.get(k) for k in env}
        os.environ.update({k: str(v) for k, v in env.items()})
        meta.api.client._api_instance = None  # the CLI caches its FacebookAdsApi
        code: Any = 0
        try:
            with jsonlines.captured() as out:
                try:
                    cli.main(args=list(request["argv"]), prog_name="meta", standalone_mode=True)
                except SystemExit as exc:
                    code = exc.code
                except BaseException:  # what would reach the interpreter: exit 1
                    traceback.print_exc()
                    code = 1
        finally:
            for k, v in before.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        exit_code = code if isinstance(code, int) else (0 if code is None else 1)
        return {"ok": exit_code == 0, "exit_code": exit_code, **out}

    jsonlines.serve(handle, [os.environ.get("ACCESS_TOKEN", "")])


if __name__ == "__main__":
    main()
