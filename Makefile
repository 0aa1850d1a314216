# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install lint ci clean

$(STAMP): requirements/base.txt requirements/s3.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt -c requirements/lock.txt
	touch $(STAMP)

install: $(STAMP)

# Portal with demo data on SQLite at http://127.0.0.1:8000 (plain HTTP, development mode),
# with the task worker beside it (it sends the mail, printed to the console); stopping the
# server (Ctrl-C) stops the worker too.
DEMO_ENV := DEBUG=on HTTPS=off

demo: $(STAMP)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Whole test suite: SQLite unless DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1/portal).
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts
