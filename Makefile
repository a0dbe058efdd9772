# Two commands: `make run` (the app with the demo company) and `make test` (the whole suite).
# Each installs what it needs on a fresh Debian machine: the system packages (apt-get, as root or
# through sudo, only those missing), then the Python packages into .venv at the versions pinned in
# constraints.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PIP    := $(BIN)/python -m pip install --quiet -c constraints.txt

# WeasyPrint's libraries (PDF records); without libharfbuzz-subset0 it warns at import.
RUN_PACKAGES  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# The tests also start a real PostgreSQL and Redis (the production queue), drive Debian's
# Chromium and read PDFs back with poppler.
TEST_PACKAGES := $(RUN_PACKAGES) postgresql redis-server chromium poppler-utils
# The page benchmark starts a throwaway PostgreSQL too.
BENCH_PACKAGES := $(RUN_PACKAGES) postgresql

.PHONY: run test bench lint i18n constraints system-run system-test system-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.test: pyproject.toml constraints.txt $(VENV)/.app
	$(PIP) -e '.[test]'
	touch $@

system-run:
	@tools/system-packages.sh $(RUN_PACKAGES)

system-test:
	@tools/system-packages.sh $(TEST_PACKAGES)

system-bench:
	@tools/system-packages.sh $(BENCH_PACKAGES)

run: system-run $(VENV)/.app
	$(BIN)/flask --app okr db upgrade
	$(BIN)/flask --app okr review load-templates
	$(BIN)/flask --app okr templates load
	$(BIN)/flask --app okr demo load --if-empty
	@echo "Serving on http://$(HOST):$(PORT), background jobs in a worker beside it (Ctrl+C stops both)"
	@$(BIN)/flask --app okr jobs worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/flask --app okr run --host $(HOST) --port $(PORT)

test: system-test $(VENV)/.test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Pages at S = 1,000 and L = 10,000 people on a throwaway PostgreSQL, into docs/performance.md
# (about ten minutes on 2 cores; BENCH_ARGS="--small 200 --large 2000 --rounds 5" for a quick look).
bench: system-bench $(VENV)/.app
	$(BIN)/python -m bench.pages $(BENCH_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin constraints.txt to what is installed now (after changing pyproject.toml and a green make test).
constraints: $(VENV)/.test
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

# Re-extract translatable strings, merge them into the catalogs, compile (.mo files are committed).
i18n: $(VENV)/.app
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k ngettext:1,2 -k _lp:1c,2 -k lazy_pgettext:1c,2 --no-location --sort-output --omit-header -o okr/translations/messages.pot .
	$(BIN)/pybabel update -i okr/translations/messages.pot -d okr/translations -l zh --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d okr/translations --statistics
