"""`python -m gtec_cli.cli`: the same as the `gtec` script."""

from . import run

run()
