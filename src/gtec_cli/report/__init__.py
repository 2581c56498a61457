"""Reports: the territorial diagnostic (and, later, the action plan) as PDF or HTML.

Layers: :mod:`.data` reads the store, the indicators compute, :mod:`gtec_cli.confidentiality`
protects audit figures, the ``sections_*`` modules assemble already formatted blocks
(:mod:`.model`), :mod:`.charts` draws, :mod:`.render` lays out with Jinja2 and WeasyPrint behind
:mod:`.fetcher`. Heavy libraries are imported by these modules, so import them only when rendering.
"""
