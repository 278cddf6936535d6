"""`adpilot web`: the inbox and dashboard in the browser (Starlette, Jinja2, Plotly.js).

| module | what |
| --- | --- |
| `app.py` | the application: one runner and lock per process, templates, static files |
| `security.py` | loopback by default, the operator's token off it, sessions, CSRF |
| `routes.py` | login, the inbox, a thread's card and answering it |
| `decide.py` | a posted card read into the resume value `adpilot approve` sends |
| `inbox.py` | the threads waiting for a person, and each card rendered |
| `views.py` | campaigns, a campaign, its report, Ask, the sandbox clock |
| `overview.py` | the campaigns' figures, verdicts and timelines (reads only) |
| `serve.py` | uvicorn on a socket this process binds (the CLI and the tests) |
"""
