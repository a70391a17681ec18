# The two commands: `make demo` runs Parley on the seed; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install demo test test-unit lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: install
	$(BIN)/parley demo

test: install
	$(BIN)/pytest -q -p no:cacheprovider

test-unit: install
	$(BIN)/pytest -q tests/unit

lint: install
	$(BIN)/ruff check services tests bench

bench: install
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.pipeline

clean:
	-$(BIN)/parley kafka stop
	rm -rf .parley
