# adpilot — every target installs into .venv first, so a fresh clone needs only `make demo`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo web test test-clients lint readme evals bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	ADPILOT_HOME=$${ADPILOT_HOME:-.adpilot/demo} $(VENV)/bin/adpilot demo --yes

# The browser dashboard on the demo's home (`adpilot web`: http://127.0.0.1:8765/).
web: install
	ADPILOT_HOME=$${ADPILOT_HOME:-.adpilot/demo} $(VENV)/bin/adpilot web

test: install
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not clients"

# Third-party Meta clients driving the sandbox: pipeboard's meta-ads-mcp and Meta's meta-ads CLI
# (Python 3.12), each in its own venv under .cache/clients/, built once by setup_envs.py.
test-clients: install
	$(PY) tests/clients/setup_envs.py
	$(PY) -m pytest -q -m clients tests/clients

lint: install
	$(VENV)/bin/ruff check graph agents tools prompts state sandbox evals bench tests docs
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The README's command reference, rendered from the CLI (tests/test_readme.py fails when stale).
readme: install
	$(VENV)/bin/cog -r README.md

# The package dependency diagram in docs/internals.md, drawn from the code (grimp + matplotlib).
diagram: install
	$(PY) docs/dependencies.py

evals: install
	$(PY) -m evals.run

bench: install
	$(PY) -m bench.api_efficiency
	$(PY) -m bench.graph_overhead
	$(PY) -m bench.insights_collection
	$(PY) -m bench.many_accounts --accounts 100
	$(PY) -m bench.optimizer --seeds 1-20
	$(PY) -m bench.faults
	$(PY) -m bench.checkpoint_growth
	$(PY) -m bench.alerts

clean:
	rm -rf $(VENV) .adpilot .pytest_cache .mypy_cache .ruff_cache
