"""One module per group of commands; importing them registers the commands on the app."""

from . import init, ingest, refresh, status  # noqa: F401
