# Two entry points for people (make run, make test), plus make bench for the benchmark.
# Each creates .venv on first use and reinstalls only when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint clean catalogs

run: $(VENV)/.installed
	$(BIN)/python -m bot

test: $(VENV)/.installed-test
	$(BIN)/ruff check bot tests bench
	$(BIN)/hadolint Dockerfile
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

# After changing a message the bot says: the template, and every language's catalog updated
# from it (new messages untranslated: tests/test_i18n.py names them until they are).
catalogs: $(VENV)/.installed
	$(BIN)/pybabel extract -k _ -k N_ -k ngettext:1,2 -k locale_str --no-default-keywords \
		--no-location --omit-header --sort-output -o bot/locales/fmstudy.pot bot
	$(BIN)/pybabel update -i bot/locales/fmstudy.pot -d bot/locales -D fmstudy \
		--ignore-obsolete --no-fuzzy-matching -w 100

lint: $(VENV)/.installed-test
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,eval]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
