"""An OpenAI-compatible chat-completions server on loopback with scripted replies.

Records every request body in `.requests`; answers `POST /v1/chat/completions` with the next
scripted reply (a string becomes the assistant message content). `GET /v1/models` lists one
model. Use as a context manager; `base_url` is what OPENAI_BASE_URL should be.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class OpenAIStub:
    """Scripted chat-completions endpoint; `replies` are consumed in order."""

    def __init__(self, replies: list[str], model: str = "gpt-4.1-mini") -> None:
        self.replies = list(replies)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> OpenAIStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(5)

    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        if request.path.endswith("/models"):
            body = {"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "stub"}]}
            return Response(json.dumps(body), mimetype="application/json")(environ, start_response)
        if not request.path.endswith("/chat/completions") or request.method != "POST":
            return Response('{"error": {"message": "not found"}}', status=404)(environ, start_response)
        payload = json.loads(request.get_data() or b"{}")
        with self._lock:
            self.requests.append(payload)
            self.headers.append(dict(request.headers))
            if not self.replies:
                err = {"error": {"message": "stub has no scripted reply left", "type": "server_error"}}
                return Response(json.dumps(err), status=500, mimetype="application/json")(environ, start_response)
            content = self.replies.pop(0)
        n = len(self.requests)
        body = {
            "id": f"chatcmpl-stub-{n}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": payload.get("model", self.model),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        }
        return Response(json.dumps(body), mimetype="application/json")(environ, start_response)


@contextlib.contextmanager
def llm_planner_env(monkeypatch: Any, replies: list[str], model: str = "openai:gpt-4.1-mini") -> Iterator[OpenAIStub]:
    """Point ADPILOT_MODEL / OPENAI_BASE_URL at a stub answering with `replies` (for graph tests).

    Usage: ``with llm_planner_env(monkeypatch, [openai_reply(draft)]) as stub: ...`` then build
    the context with `Context.from_env()` (or `open_environment`) so `context.model` is the LLM.
    """
    with OpenAIStub(replies, model=model.split(":", 1)[1]) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("ADPILOT_MODEL", model)
        yield stub
