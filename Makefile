# WRO Trade Monitor. `make run` serves the dashboard; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
DB     ?= data/trade.duckdb
REPLICAS ?= 2
STREAMLIT_FLAGS := --server.headless=true --server.address=127.0.0.1 --server.port=$(PORT) \
                   --browser.gatherUsageStats=false

.PHONY: help run serve data refresh test test-fast lint format docs bench bench-browser bench-load clean

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

refresh: $(BIN)/.installed ## fetch what is new from the Census and Comtrade APIs, rebuild (network)
	TRADE_DB=$(DB) $(BIN)/python -m etl refresh

run: $(DB) ## set up, build the database if needed, serve on http://localhost:8501
	@echo "Serving on http://localhost:$(PORT)"
	TRADE_DB=$(DB) $(BIN)/streamlit run app.py $(STREAMLIT_FLAGS)

serve: $(DB) ## REPLICAS=N replicas behind HAProxy (sticky sessions) on PORT: make serve REPLICAS=2
	./scripts/ensure-haproxy.sh
	TRADE_DB=$(DB) $(BIN)/python -m deploy.replicas --replicas $(REPLICAS) --port $(PORT)

test: $(BIN)/.installed-dev ## set up and run the whole test suite (unit, AppTest, browser)
	./scripts/ensure-chromium.sh
	./scripts/ensure-haproxy.sh
	$(BIN)/python -m pytest

# The pure tests: no AppTest, browser, kaleido or warehouse build (markers in pyproject.toml).
test-fast: $(BIN)/.installed-dev ## run the pure tests (under 15 s), for every change
	$(BIN)/python -m pytest -q -n auto -m "not apptest and not browser and not kaleido and not slow"

lint: $(BIN)/.installed-dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: $(BIN)/.installed ## rewrite the tables docs/methodology.md makes from data files
	$(BIN)/python scripts/methodology_table.py

format: $(BIN)/.installed-dev ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed-dev ## run the benchmark scripts (prints figures; see docs/benchmarks.md)
	./scripts/ensure-chromium.sh
	$(BIN)/python benchmarks/etl_throughput.py
	$(BIN)/python benchmarks/refresh.py
	$(BIN)/python benchmarks/page_render.py
	$(BIN)/python benchmarks/export.py
	$(BIN)/python benchmarks/browser.py

bench-browser: $(BIN)/.installed-dev ## time every page in Chromium, cold/warm/selector, beside a floor app
	./scripts/ensure-chromium.sh
	$(BIN)/python benchmarks/browser.py

bench-load: $(BIN)/.installed-dev $(DB) ## swarm of browsers against 2 replicas (~15 min; see docs/benchmarks.md)
	./scripts/ensure-chromium.sh
	./scripts/ensure-haproxy.sh
	TRADE_DB=$(DB) $(BIN)/python benchmarks/load.py

clean: ## remove the virtualenv and the built database
	rm -rf $(VENV) $(DB) $(DB).wal
