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

# With TELEGRAM_BOT_TOKEN (environment or .env) this is `kchat run`, the bot. Without one it
# says so and starts the sandbox instead: the real bot against a local Telegram, played at
# http://127.0.0.1:8080. (`kchat run` on its own exits 2 without a token, as a service should.)
run: $(STAMP)
	$(BIN)/python -m sandbox --or-bot

sandbox: $(STAMP)
	$(BIN)/python -m sandbox

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
