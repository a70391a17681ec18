"""The aggregator service: canonical events and the running tables, queryable over HTTP."""
