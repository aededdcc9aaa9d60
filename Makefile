# The two commands a newcomer needs:
#   make demo   - the TUI on a throwaway local server
#   make test   - install what the tests need, lint, run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint system-packages venv

demo: venv
	$(BIN)/xmppsocial demo

test: system-packages venv lint
	$(BIN)/python -m pytest

# Figures, not tests: each script prints its baseline measured in the same run.
bench: system-packages venv
	$(BIN)/python -m bench.parse_render
	$(BIN)/python -m bench.store
	$(BIN)/python -m bench.tui
	$(BIN)/python -m bench.terminal
	$(BIN)/python -m bench.network
	$(BIN)/python -m bench.burst
	$(BIN)/python -m bench.import_feed
	$(BIN)/python -m bench.graph_sync

lint: venv
	$(BIN)/ruff check .

system-packages:
	@PYTHON=$(PYTHON) sh scripts/system-packages.sh

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)
