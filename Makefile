# Styrbord: `make run` serves the app, `make test` runs the whole suite.
# Needs only Python >= 3.11 and make; everything else is installed into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app app

.PHONY: install run serve test lint typecheck-baseline format translations translations-update bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Styrbord needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations

# After changing user-facing text: collect it and merge it into the English catalogue.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--project Styrbord --ignore-dirs=".venv tests benchmarks migrations" \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

run: install
	$(FLASK) db upgrade
	$(FLASK) setup
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Production: gunicorn against DATABASE_URL (migrate first with `flask --app app db upgrade`).
serve: install
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL (e.g. postgresql://user@host/styrbord)"; exit 1; }
	$(FLASK) db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py app:app

# pytest-xdist spreads the tests over the machine's cores; PYTEST_WORKERS=0 runs them in one.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# Measurements (not tests): each script prints its figures beside their goals. PostgreSQL
# is measured too when TEST_DATABASE_URL is set.
bench: install
	@for script in bench_portfolio bench_pages bench_excel bench_refresh bench_server; do \
		if [ -f benchmarks/$$script.py ]; then \
			echo "== $$script"; $(BIN)/python benchmarks/$$script.py || exit 1; echo; \
		fi; \
	done

# Habits CI enforces: ruff, the import contracts in pyproject.toml, and mypy, whose known
# errors (mypy-baseline.txt) may only shrink; after fixing some, `make typecheck-baseline`.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy | $(BIN)/mypy-baseline filter --no-colors --sort-baseline

typecheck-baseline: install
	$(BIN)/mypy | $(BIN)/mypy-baseline sync --sort-baseline

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache
