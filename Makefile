# Two commands: `make run` (the app with the demo company) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.app
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.app
	$(BIN)/flask --app okr db upgrade
	$(BIN)/flask --app okr demo load --if-empty
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/flask --app okr run --host $(HOST) --port $(PORT)

test: $(VENV)/.test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-extract translatable strings, merge them into the catalogs, compile (.mo files are committed).
i18n: $(VENV)/.app
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k ngettext:1,2 -k _lp:1c,2 -k lazy_pgettext:1c,2 --no-location --sort-output --omit-header -o okr/translations/messages.pot .
	$(BIN)/pybabel update -i okr/translations/messages.pot -d okr/translations -l zh --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d okr/translations --statistics
