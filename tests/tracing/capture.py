"""A LangSmith ingest endpoint on loopback that records every run it is sent.

Accepts what the `langsmith` client sends: `GET /info`, `POST /runs/multipart` (optionally
zstd-compressed), `POST /runs/batch`, `POST /runs`, `PATCH /runs/<id>`; anything else gets
an empty 200 so the client never retries. `runs()` merges each run's post and patches.
"""

from __future__ import annotations

import io
import json
import threading
from typing import Any

import zstandard
from werkzeug.formparser import parse_form_data
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

INFO = {
    "version": "0.10.0",
    "instance_flags": {"zstd_compression_enabled": True},
    "batch_ingest_config": {
        "use_multipart_endpoint": True,
        "scale_up_qsize_trigger": 1000,
        "scale_up_nthreads_limit": 16,
        "scale_down_nempty_trigger": 4,
        "size_limit": 100,
        "size_limit_bytes": 20_971_520,
    },
}


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class CaptureServer:
    """Threaded Werkzeug server; use as a context manager, read `.url`, `.runs()`, `.raw`."""

    def __init__(self, *, zstd: bool = True) -> None:
        self._lock = threading.Lock()
        self.ops: list[tuple[str, dict[str, Any]]] = []  # ("post"|"patch", run dict)
        self.raw: list[bytes] = []  # every decoded request body, for "token appears nowhere"
        self.paths: list[str] = []
        self._info = json.loads(json.dumps(INFO))
        self._info["instance_flags"]["zstd_compression_enabled"] = zstd
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> CaptureServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(5)

    # --- recording -------------------------------------------------------------------
    def runs(self) -> dict[str, dict[str, Any]]:
        """Every run by id, its patches merged over its post."""
        merged: dict[str, dict[str, Any]] = {}
        with self._lock:
            ops = list(self.ops)
        for kind, run in ops:
            rid = str(run.get("id"))
            base = merged.setdefault(rid, {})
            for key, value in run.items():
                if kind == "patch" and value is None:
                    continue
                if key == "extra" and isinstance(value, dict) and isinstance(base.get("extra"), dict):
                    extra = dict(base["extra"])
                    for k, v in value.items():
                        if k == "metadata" and isinstance(v, dict):
                            extra["metadata"] = {**extra.get("metadata", {}), **v}
                        else:
                            extra[k] = v
                    base["extra"] = extra
                else:
                    base[key] = value
        return merged

    def _record(self, kind: str, run: dict[str, Any]) -> None:
        with self._lock:
            self.ops.append((kind, run))

    # --- WSGI ------------------------------------------------------------------------
    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "zstd":
            body = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(body)).read()
        with self._lock:
            self.raw.append(body)
            self.paths.append(f"{request.method} {request.path}")
        path = request.path.rstrip("/")
        if path.endswith("/info"):
            return Response(json.dumps(self._info), mimetype="application/json")(environ, start_response)
        if path.endswith("/runs/multipart"):
            self._multipart(body, request.headers.get("Content-Type", ""))
        elif path.endswith("/runs/batch"):
            payload = json.loads(body or b"{}")
            for kind in ("post", "patch"):
                for run in payload.get(kind) or []:
                    self._record(kind, run)
        elif path.endswith("/runs") and request.method == "POST":
            self._record("post", json.loads(body))
        elif "/runs/" in path and request.method == "PATCH":
            run = json.loads(body)
            run.setdefault("id", path.rsplit("/", 1)[1])
            self._record("patch", run)
        return Response("{}", mimetype="application/json")(environ, start_response)

    def _multipart(self, body: bytes, content_type: str) -> None:
        env = {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        _, form, files = parse_form_data(env, max_form_memory_size=None)
        parts: dict[str, Any] = {}
        for name, value in list(form.items(multi=True)) + [
            (n, f.read().decode()) for n, f in files.items(multi=True)
        ]:
            parts[name] = value
        # Parts are "post.<id>" / "patch.<id>" plus "post.<id>.inputs" etc.
        for name, value in parts.items():
            bits = name.split(".")
            if len(bits) != 2 or bits[0] not in ("post", "patch"):
                continue
            run = json.loads(value)
            run.setdefault("id", bits[1])
            for field in ("inputs", "outputs", "events", "error", "extra", "serialized"):
                extra = parts.get(f"{name}.{field}")
                if extra is not None:
                    run[field] = json.loads(extra)
            self._record(bits[0], run)
