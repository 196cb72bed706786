# The two commands of the README:
#   make run   - install (once) and run the main job on the shipped demo corpus
#   make test  - install (once) and run the test suite
#   make test-fast - the suite without the tests marked slow (subprocess, full-sample, hypothesis-heavy)
# Both create the virtual environment .venv themselves and are safe to run twice.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: install run test test-fast bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) scripts/main_job.py

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m 'not slow and not bench'

bench: $(STAMP)
	$(PY) scripts/bench.py

clean:
	rm -rf out corpus/discourse.sqlite corpus/discourse.sqlite-wal corpus/discourse.sqlite-shm
