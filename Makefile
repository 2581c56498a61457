# gtec task runner. `make run` builds the demo workspace of the Pays de Langres and runs the main
# job on it; `make test` runs the whole test suite. Both create .venv and install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
GTEC   := $(BIN)/gtec
DEMO   := demo
STAMP  := $(VENV)/.installed

.PHONY: run test bench sample install clean lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@rm -rf $(DEMO)
	$(GTEC) --quiet init $(DEMO) --territory "arr:522" --name "Pays de Langres" --period 2026-T4 \
	    --alias be:4419 --alias epci:200072999
	$(GTEC) --workspace $(DEMO) ingest data/sample/opeq/*.xlsx data/sample/audits/*.xlsx --period 2026-T4
	$(GTEC) --workspace $(DEMO) ingest --period 2026-T4 data/reference/dares/tensions.csv \
	    data/reference/france-travail/cities-tension-utf8.csv data/reference/dares/age_2017_2019_3niv.csv
	$(GTEC) --workspace $(DEMO) status
	$(GTEC) --workspace $(DEMO) indicators --headline
	$(GTEC) --workspace $(DEMO) report diagnostic --out reports/diagnostic-pays-de-langres-2026-T4.pdf
	$(GTEC) --workspace $(DEMO) report plan --out reports/plan-pays-de-langres-2026-T4.pdf

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

sample: $(STAMP)
	$(BIN)/python scripts/make_sample.py

clean:
	rm -rf $(VENV) $(DEMO) reports build dist .pytest_cache
