# WRO Trade Monitor: one Streamlit replica per container (see docs/deploying.md).
# The warehouse is built from the shipped snapshot at image build time, so a container
# starts serving at once and every replica of one image reads the same data.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TRADE_DB=/app/data/trade.duckdb \
    BROWSER_PATH=/usr/bin/chromium \
    TRADE_DUCKDB_THREADS=1 \
    TRADE_DUCKDB_MEMORY_LIMIT=1GB

# Debian's Chromium: kaleido renders the PNG/SVG/PDF downloads with it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 10001 app \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin app
WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY app.py pyproject.toml ./
COPY .streamlit/ .streamlit/
COPY dashboard/ dashboard/
COPY pages/ pages/
COPY exposure/ exposure/
COPY etl/ etl/
COPY data/raw/ data/raw/

# Built as root and left read-only: the app opens it read-only, the user cannot change it.
RUN python -m etl build && chmod 0444 "$TRADE_DB"

USER 10001:10001
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]
# STREAMLIT_SERVER_COOKIE_SECRET must be the same in every replica: pass it at run time.
CMD ["python", "-m", "streamlit", "run", "app.py", \
     "--server.headless=true", "--server.address=0.0.0.0", "--server.port=8501", \
     "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
