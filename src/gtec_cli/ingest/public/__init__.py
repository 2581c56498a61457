"""Kinds for the public files observatories start from (data-sources.md §3).

- `bmo` (:mod:`.bmo`): France Travail BMO open-data workbooks, every layout since 2017;
- `dares-tension` and `ft-tension` (:mod:`.tension`): Dares tension indicators by FAP, France
  Travail tension indicators by ROME x employment area;
- `dares-age` (:mod:`.dares_age`): Dares national workforce by FAP x age band;
- `insee-census` (:mod:`.census`): Insee census population by age (base and long layouts).

These files are read as published: trailing spaces, float-typed codes, decimal commas, masked
cells and rows without a class are handled where they are, and each quirk is reported once with
its count (never silently dropped). Each module registers its kinds when imported
(see `gtec_cli.ingest.kinds.KIND_MODULES`).
"""
