"""`adpilot web`: the Starlette application — pages, the access rules, one runner.

Server-rendered Jinja2 pages and plain HTML forms (POST, then a redirect to the page to read
next): every page works without JavaScript except the report's charts, drawn by Plotly.js
served from the installed `plotly` package (no network, no build step). One `Web` object holds
the process's environment (the embedded sandbox, or Meta), its `Runner` and a lock: the graph
runs one request at a time, as the CLI does, and `Runner.lease` keeps other processes off a
thread while it runs. The handlers are in `graph/web/routes.py`; the access rules in
`graph/web/security.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from graph.web.security import SESSION_COOKIE, Guard, Refused, set_session

HERE = Path(__file__).parent
# Autoescaped everywhere: a campaign or ad name is text, never markup.
TEMPLATES = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True))
OPEN_PATHS = ("/login", "/static/")
STATIC = {"style.css": "text/css", "report.js": "text/javascript"}
# No inline script runs (the report's is /static/report.js); Plotly styles its own SVG inline.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' "
                               "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@dataclass
class Web:
    """What every request shares: the environment, the runner, the lock, flash messages."""

    env: Any
    runner: Any
    guard: Guard
    lock: threading.Lock = field(default_factory=threading.Lock)
    flashes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    async def run(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Run work that advances a thread (or writes a report) off the event loop, one at a time.

        Reads (`read`) do not wait for it: a page stays readable while a card is answered.
        """
        def locked() -> Any:
            with self.lock:
                return fn(*args, **kw)
        return await run_in_threadpool(locked)

    async def read(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Run a read of the checkpoints and stores off the event loop (no lock)."""
        return await run_in_threadpool(fn, *args, **kw)

    def flash(self, request: Request, text: str, level: str = "info") -> None:
        """Say `text` on the next page this session opens."""
        sid = request.state.sid
        if sid:
            self.flashes.setdefault(sid, []).append((level, text))
            for gone in [k for k in self.flashes if not self.guard.live(k)]:
                del self.flashes[gone]  # sessions forgotten (idle, logged out) leave nothing

    def page(self, request: Request, name: str, code: int = 200, **context: Any) -> Response:
        """Render template `name` with the session's CSRF value and pending flash messages."""
        sid = request.state.sid
        context.update(
            request=request,
            csrf=self.guard.csrf(sid) if sid else "",
            flashes=self.flashes.pop(sid, []) if sid else [],
            signed_in=sid is not None,  # nothing about the account before the login
            sandbox=self.env.sandbox is not None or bool(getattr(self.env.context, "sandbox", False)),
            home=str(Path(self.env.home).resolve()),
            env_account=getattr(self.env.context, "account_id", None),
            needs_login=self.guard.needs_login,
        )
        return TEMPLATES.TemplateResponse(request, name, context, status_code=code)

    async def form(self, request: Request) -> dict[str, Any]:
        """Return the posted form, after the CSRF and origin checks (`Refused` otherwise)."""
        data = await request.form()
        sent = data.get("csrf")
        self.guard.check_post(request.state.sid, sent if isinstance(sent, str) else None,
                              request.headers.get("origin"), request.headers.get("host", ""))
        return {k: v for k, v in data.items() if isinstance(v, str)}


def plotly_js() -> Path:
    """Plotly.js as the installed `plotly` package ships it (offline)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def create_app(env: Any, runner: Any, guard: Guard) -> Starlette:
    """Build the application over an open environment and runner."""
    from graph.web import routes

    web = Web(env=env, runner=runner, guard=guard)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name == "plotly.min.js":
            return FileResponse(plotly_js(), media_type="text/javascript")
        if name in STATIC:
            return FileResponse(HERE / "static" / name, media_type=STATIC[name])
        return PlainTextResponse("not found", status_code=404)

    async def access(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            guard.check_host(request.headers.get("host", ""))
        except Refused as exc:
            return PlainTextResponse(exc.message, status_code=exc.status)
        sid = guard.session(request.cookies.get(SESSION_COOKIE))
        fresh = None
        if sid is None and not guard.needs_login:
            sid = fresh = guard.open_session()
        request.state.sid = sid
        if sid is None and not request.url.path.startswith(OPEN_PATHS):
            if request.method != "GET":
                return PlainTextResponse("not logged in: open /login and type the token; "
                                         "nothing was done", status_code=401)
            return RedirectResponse("/login", status_code=303)
        response = await call_next(request)
        if fresh:
            set_session(response, fresh)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "public, max-age=86400"
                                    if request.url.path.startswith("/static/") else "no-store")
        return response

    app = Starlette(routes=[Route("/static/{name}", static), *routes.routes(web)],
                    middleware=[Middleware(BaseHTTPMiddleware, dispatch=access)])
    app.state.web = web
    return app
