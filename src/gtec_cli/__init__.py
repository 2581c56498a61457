"""gtec: gestion territoriale des emplois et des compétences.

The library behind the `gtec` command. Analysts start from :mod:`gtec_cli.api`::

    from gtec_cli.api import open_workspace
    ws = open_workspace("demo")
"""

__version__ = "0.1.0"
