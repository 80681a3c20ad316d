"""The WRO Trade Monitor app: read-only queries, pure chart functions, page helpers."""
