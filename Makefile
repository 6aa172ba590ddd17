# Two commands set everything up on a fresh machine:
#   make run    install into .venv and clean the example dataset with the shipped lexicon
#   make test   install into .venv (with test extras) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test bench clean-venv

$(BIN)/python:
	@$(PYTHON) scripts/check_build_deps.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spark,bench]'

run: install
	$(BIN)/translitnorm lexicon validate --quiet lexicons/
	mkdir -p out
	$(BIN)/translitnorm clean seeds/example-names.csv --column name --lexicon lexicons/ \
		--review out/review.csv -o out/example-clean.csv
	cat out/example-clean.csv

test: install-test
	$(BIN)/python -m pytest -q

clean-venv:
	rm -rf $(VENV)
