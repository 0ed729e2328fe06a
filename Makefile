# Both entry points set themselves up: a virtualenv in .venv, the project installed in it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean sandbox

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Without TELEGRAM_BOT_TOKEN (environment or .env), `kchat run` says so and starts the
# sandbox instead: the real bot against a local Telegram, at http://127.0.0.1:8080.
run: $(STAMP)
	$(BIN)/kchat run

sandbox: $(STAMP)
	$(BIN)/kchat sandbox

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.faq

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
