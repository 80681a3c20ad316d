# WRO Trade Monitor. `make run` serves the dashboard; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
DB     ?= data/trade.duckdb
STREAMLIT_FLAGS := --server.headless=true --server.address=127.0.0.1 --server.port=$(PORT) \
                   --browser.gatherUsageStats=false

.PHONY: help run data test lint format bench bench-browser clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Rebuilt whenever the snapshot, a fetched response or the ETL changes.
$(DB): $(BIN)/.installed $(shell find data/raw etl -type f -not -path '*/__pycache__/*' 2>/dev/null)
	TRADE_DB=$(DB) $(BIN)/python -m etl build

data: $(BIN)/.installed ## (re)build the DuckDB warehouse from data/raw
	TRADE_DB=$(DB) $(BIN)/python -m etl build

run: $(DB) ## set up, build the database if needed, serve on http://localhost:8501
	@echo "Serving on http://localhost:$(PORT)"
	TRADE_DB=$(DB) $(BIN)/streamlit run app.py $(STREAMLIT_FLAGS)

test: $(BIN)/.installed-dev ## set up and run the whole test suite (unit, AppTest, browser)
	./scripts/ensure-chromium.sh
	$(BIN)/python -m pytest

lint: $(BIN)/.installed-dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed-dev ## run the benchmark scripts (prints figures; see docs/benchmarks.md)
	./scripts/ensure-chromium.sh
	$(BIN)/python benchmarks/etl_throughput.py
	$(BIN)/python benchmarks/page_render.py
	$(BIN)/python benchmarks/export.py
	$(BIN)/python benchmarks/browser.py

bench-browser: $(BIN)/.installed-dev ## time every page in Chromium, cold/warm/selector, beside a floor app
	./scripts/ensure-chromium.sh
	$(BIN)/python benchmarks/browser.py

clean: ## remove the virtualenv and the built database
	rm -rf $(VENV) $(DB) $(DB).wal
