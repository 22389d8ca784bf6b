# The README's two commands: `make demo` (the main job, on the embedded emulator) and `make test`.
# Both bootstrap .venv from the package registries on a fresh machine with Python 3.11 and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bootstrapped
PYTEST_WORKERS ?= 2

.PHONY: all bootstrap test lint unit demo bench collection clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

bootstrap: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -q tests

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

demo: $(STAMP)
	$(BIN)/python examples/demo.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

collection: $(STAMP)
	$(BIN)/ansible-galaxy collection build --force --output-path dist ansible_collections/imageops/cloud

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache .demo
