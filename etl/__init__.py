"""ETL for WRO Trade Monitor: raw snapshot and fetched API files -> DuckDB warehouse.

This package is the only writer of the warehouse.
"""
