# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-load bench eval install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/qabot run

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-load: $(STAMP)
	$(BIN)/python -m pytest -q -m load -o addopts=''

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_retrieval.py

eval: $(STAMP)
	$(BIN)/qabot eval ../shared/eval/seeds_dev.jsonl

clean:
	rm -rf $(VENV) .cache build *.egg-info
