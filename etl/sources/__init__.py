"""Fetchers for the trade APIs behind `python -m etl fetch` (US Census, UN Comtrade)."""
