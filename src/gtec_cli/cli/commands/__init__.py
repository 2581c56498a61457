"""One module per group of commands; importing them registers the commands on the app."""

from . import extract, indicators, init, ingest, plan, purge, refresh, report, status  # noqa: F401
