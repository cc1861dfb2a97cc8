# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
# `make serve PORT=8001 HOST=0.0.0.0` serves elsewhere (default: http://127.0.0.1:8000/).
PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
# Compiled bytecode is kept under the venv, never beside the sources, and even where PYTHONDONTWRITEBYTECODE is set:
# the tests start hundreds of Python processes (the CLI, MkDocs, pytest's own), and compiling every module afresh in
# each was an eighth of `make test-fast`'s CPU.
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
unexport PYTHONDONTWRITEBYTECODE
# Only test-fast draws fewer examples (it sets this itself): `make test` and CI never inherit it.
unexport KB_FAST_LOOP

.PHONY: all setup build serve test test-fast lint check clean catalogs source-ngrams

all: build

$(STAMP_PY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(STAMP_NODE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(STAMP_PY) $(STAMP_NODE)

check: $(STAMP_PY)
	$(PY) -m generator check

build: setup
	$(PY) -m generator build

serve: setup
	$(PY) -m generator serve --host $(HOST) --port $(PORT)

# Every test, over every core (pytest-xdist), handed out in the order tests/conftest.py sorts them: the fast tests,
# then Pyodide's, then the browser's. A module whose tests share a module-scoped fixture (a site built for them) goes
# to one worker whole; the browser tests' site is built once and served to every worker by one server.
test: setup
	$(PY) -m pytest -n auto --dist loadgroup --no-loadscope-reorder

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade) over everything; mypy over the engine and the rules reader.
# The configuration is pyproject.toml's; `make test` runs the same through tests/test_lint.py.
lint: $(STAMP_PY)
	$(VENV)/bin/ruff check
	$(VENV)/bin/mypy

# The quick loop while editing: every test but the browser's and Pyodide's (marked by their folder in tests/conftest.py),
# spread over every core by pytest-xdist; a worker that runs out of tests takes some of another's. Each property test
# draws a quarter of its examples (KB_FAST_LOOP, tests/conftest.py); `make test` draws them all.
test-fast: setup
	KB_FAST_LOOP=1 $(PY) -m pytest -n auto --dist worksteal -m "not browser and not pyodide"

# Extract the messages of the pages (and every other domain) into generator/locale/*.pot and merge them into each
# language's .po; then translate what is new (the tests fail on an untranslated or fuzzy entry).
catalogs: $(STAMP_PY)
	$(PY) -m generator.catalogs

# After a source document changes: rewrite tests/data/source-ngrams.txt, the keyed digests the originality and coverage
# tests compare with (never the sources' text). SOURCES is the folder of source documents.
source-ngrams: $(STAMP_PY)
	$(PY) -m tests.source_ngrams $(SOURCES)

clean:
	rm -rf site build .pytest_cache
