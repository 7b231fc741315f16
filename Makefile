# Two commands for a fresh machine (see README): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint system-deps install clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Install and start the whole system on the embedded default with the demo contest.
run: install
	$(BIN)/contest serve --migrate --demo

## Install and run the whole test suite (SQLite, embedded Redis and SeaweedFS, Chromium).
test: install system-deps
	$(BIN)/python -m pytest
	$(MAKE) lint

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy contest judging storage frontend
	$(BIN)/lint-imports --no-cache

## Chromium and CJK fonts for the browser tests (installed when we may; otherwise say how).
system-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
		echo "browser tests need: sudo apt-get install -y chromium fonts-noto-cjk"; \
	fi

clean:
	rm -rf $(VENV) test-artifacts
