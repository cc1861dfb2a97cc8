# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed

.PHONY: all setup build serve test check clean

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
	$(PY) -m generator serve --host 127.0.0.1 --port 8000

test: setup
	$(PY) -m pytest

clean:
	rm -rf site build .pytest_cache
