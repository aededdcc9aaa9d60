# The two commands a newcomer needs:
#   make demo   - the TUI on a throwaway local server
#   make test   - install what the tests need, lint, run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint system-packages venv

demo: venv
	$(BIN)/xmppsocial demo

test: system-packages venv lint
	$(BIN)/python -m pytest

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
