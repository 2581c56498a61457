"""Indicators: pure functions (DataFrames in, DataFrame out) registered once with their definition.

- :mod:`.registry`: the registry (`INDICATORS`, `REGISTRY`, `get`, `registry_frame`).
- :mod:`.recruitment`, :mod:`.ageing`, :mod:`.departures`, :mod:`.economy`, :mod:`.skills`,
  :mod:`.assessments`, :mod:`.cooperation`, :mod:`.triangulation`: the functions, by family.
- :mod:`.skillkeys`: how skills typed by different companies are compared (shared with the plan).
- :mod:`.compute`: loading from the store and running them (`compute`, `compute_each`).
- :mod:`.headline`: the headline figures of a territory.

Every result row carries its base (`n_companies`, `n_people` or `n_projects`) and `fragile`.
"""

from .compute import compute, compute_each, compute_frames
from .registry import INDICATORS, REGISTRY, get, registry_frame

__all__ = ["INDICATORS", "REGISTRY", "compute", "compute_each", "compute_frames", "get",
           "registry_frame"]
