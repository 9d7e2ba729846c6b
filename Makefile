# advising: `make run` serves the app and its worker with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run worker test lint bench setup setup-dev migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed

migrate: setup
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo seed

# The web server and the worker (mail, reminders, calendar sync) together; Ctrl+C stops both.
run: seed
	$(FLASK) dev --host $(HOST) --port $(PORT)

worker: migrate
	$(FLASK) worker

lint: setup-dev
	$(BIN)/ruff check .

# Tests run in parallel, one process per core (each with its own PostgreSQL database);
# `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= auto

test: setup-dev lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: setup-dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
