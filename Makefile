# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo sweep-demo lint test bench fuzz clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

demo: $(BIN)/.installed  ## the whole story on the sandbox, ending in the review app (ARGS=--no-ui to skip it)
	$(BIN)/python scripts/demo.py $(ARGS)

sweep-demo: $(BIN)/.installed  ## a sweep finds stale copy that came back behind copydesk's back
	$(BIN)/python scripts/sweep_demo.py

lint: $(BIN)/.installed  ## ruff over everything; mypy, strict, over connectors/ and staging/ (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint  ## the linters, then the whole suite on two workers; the PostgreSQL half on a throwaway server when PostgreSQL is installed (ARGS=tests/x.py for part)
	scripts/with-postgres.sh $(BIN)/python -m pytest -q -n 2 $(ARGS)

bench: $(BIN)/.installed  ## diff, agent and app benchmarks, the pull benchmarks (1,000 Notion pages, Google Docs, Webflow items), reliability, sweeps
	$(BIN)/python bench/diff.py
	$(BIN)/python bench/agent.py
	$(BIN)/python bench/ui.py
	$(BIN)/python bench/pull.py
	$(BIN)/python bench/pull.py --source gdocs
	$(BIN)/python bench/pull.py --source webflow
	$(BIN)/python bench/reliability.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/coverage.py

fuzz: $(BIN)/.installed  ## hostile inputs at the CLI, brief reader and connectors (~10 min; ARGS=--quick for ~1 min)
	$(BIN)/python bench/fuzz.py $(ARGS)

clean:
	rm -rf $(VENV) .demo .demo-sweep
