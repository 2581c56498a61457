"""Statistical secrecy for tables built from company audits (confidentiality.md).

The rules of French official business statistics, as τ-Argus applies them:

* **frequency** (status `A`): a cell to which fewer than `min_companies` companies contribute a
  non-zero value is hidden;
* **dominance** (status `B`, magnitude tables only): a cell where one company holds
  `dominance_share` or more of the value is hidden (exactly 85 % is sensitive);
* **secondary suppression** (status `D`): when margins are published, further cells are hidden so
  that no hidden cell can be recomputed by additions and subtractions, within a table and across
  tables that share margins;
* `V`: publishable.

Input is a long table of contributions (cell keys, company, value); output is the cell table with
margins (`TOTAL` in a key column), value, number of companies, share of the largest company and
status. Secondary suppression first applies the classic line rule (a line with exactly one hidden
cell gets a second one), then *proves* the result: it solves the linear system the published
cells and margins define and adds suppressions until no hidden cell is determined by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd

#: Key of a margin (total over that dimension) in the cell tables.
TOTAL = "__total__"
STATUS_LABELS = {
    "A": "règle de fréquence (moins de {min_companies} entreprises)",
    "B": "règle de dominance (une entreprise ≥ {dominance_pct} % de la valeur)",
    "D": "secret secondaire (la cellule permettrait de recalculer une cellule masquée)",
    "V": "publiable",
}
_REL_TOL = 1e-9


@dataclass
class TableSpec:
    """One table to publish from audit contributions.

    `contributions` has the `dims` columns, a company column and a value column (one row per
    company and cell, or several that are summed). Tables with the same `measure` are assumed to
    be built from the same contributions: their common margins are the same figures, and secrecy
    is applied to them jointly. `margins` says which totals are published: all (`True`), none
    (`False`, e.g. multi-answer questions whose cells do not add up) or the dimensions summed over
    (`("size",)`: one total per row only). `magnitude=False` marks a count of companies, where the
    dominance rule does not apply.
    """

    name: str
    contributions: pd.DataFrame
    dims: tuple[str, ...]
    measure: str
    margins: bool | tuple[str, ...] = True
    magnitude: bool = True
    company: str = "siret"
    value: str = "value"


@dataclass
class ProtectedTable:
    """A table of cells (margins included) with their secrecy status."""

    name: str
    dims: tuple[str, ...]
    measure: str
    cells: pd.DataFrame  # dims..., value, n_companies, top_share, status

    def cell(self, **keys) -> dict:
        """One cell (value, n_companies, top_share, status and its keys); a dimension not given
        means its margin (`cell(occupation="H2913")` is that occupation's total)."""
        index = self.__dict__.get("_index")
        if index is None:  # built once: reports look cells up hundreds of times
            records = self.cells.to_dict("records")
            index = {tuple(r[d] for d in self.dims): r for r in records}
            self.__dict__["_index"] = index
        key = tuple(keys.get(dim, TOTAL) for dim in self.dims)
        if key not in index:
            raise KeyError(f"no cell {keys} in table {self.name}")
        return index[key]

    def interior(self) -> pd.DataFrame:
        """Cells that are not margins."""
        mask = np.ones(len(self.cells), dtype=bool)
        for dim in self.dims:
            mask &= (self.cells[dim] != TOTAL).to_numpy()
        return self.cells[mask]

    def status_counts(self) -> dict[str, int]:
        """How many cells of each status (A, B, D, V) the table has."""
        counts = self.cells["status"].value_counts().to_dict()
        return {s: int(counts.get(s, 0)) for s in "ABDV"}


# --- building cells -----------------------------------------------------------------------------
def _margin_dims(dims: tuple[str, ...], margins: bool | tuple[str, ...]) -> tuple[str, ...]:
    if margins is True:
        return tuple(dims)
    if margins is False:
        return ()
    unknown = set(margins) - set(dims)
    if unknown:
        raise ValueError(f"margins over unknown dimensions {sorted(unknown)}")
    return tuple(d for d in dims if d in margins)


def cell_table(contributions: pd.DataFrame, dims: tuple[str, ...], *, company: str = "siret",
               value: str = "value", margins: bool | tuple[str, ...] = True) -> pd.DataFrame:
    """Aggregate contributions into every cell of the table (empty cells and margins included).

    `n_companies` counts companies whose contribution to the cell is non-zero: a company that
    declares 0 positions does not make a cell safer. `top_share` is the largest company's share of
    the cell value (NaN for an empty cell).
    """
    dims = tuple(dims)
    if not dims:
        raise ValueError("a table needs at least one dimension")
    frame = contributions[[*dims, company, value]].copy()
    frame[value] = pd.to_numeric(frame[value], errors="coerce").fillna(0.0)
    if (frame[value] < 0).any():
        raise ValueError("secrecy rules need non-negative contributions")
    for dim in dims:
        frame[dim] = frame[dim].astype(str)
    per_company = frame.groupby([*dims, company], sort=False, dropna=False)[value].sum().reset_index()
    domains = [sorted(per_company[d].unique()) for d in dims]
    totalled_dims = _margin_dims(dims, margins)
    parts = []
    subsets = list(product(*[(False, True) if d in totalled_dims else (False,) for d in dims]))
    for totalled in subsets:
        part = per_company.copy()
        for dim, is_total in zip(dims, totalled):
            if is_total:
                part[dim] = TOTAL
        part = part.groupby([*dims, company], sort=False)[value].sum().reset_index()
        parts.append(part)
    everything = pd.concat(parts, ignore_index=True)
    nonzero = everything[everything[value] != 0]
    grouped = nonzero.groupby(list(dims), sort=False)[value]
    stats = pd.DataFrame({"value": grouped.sum(), "n_companies": grouped.size(),
                          "top": grouped.max()}).reset_index()
    full_domains = [dom + [TOTAL] if d in totalled_dims else dom for d, dom in zip(dims, domains)]
    if len(dims) == 1:  # a one-level MultiIndex does not align with a plain Index
        index = pd.Index(full_domains[0], name=dims[0])
    else:
        index = pd.MultiIndex.from_product(full_domains, names=list(dims))
    stats = stats.set_index(list(dims)).reindex(index).reset_index()
    stats["value"] = stats["value"].fillna(0.0)
    stats["n_companies"] = stats["n_companies"].fillna(0).astype(int)
    stats["top_share"] = (stats["top"] / stats["value"]).where(stats["value"] > 0)
    return stats.drop(columns="top")


def primary_status(cells: pd.DataFrame, *, min_companies: int, dominance_share: float,
                   magnitude: bool = True) -> pd.Series:
    """`A` (frequency), `B` (dominance) or `V` for each cell; empty cells are `V` (nothing to hide).

    The frequency rule is checked first, as τ-Argus reports it.
    """
    n = cells["n_companies"]
    status = pd.Series("V", index=cells.index, dtype=object)
    if magnitude:
        dominated = (cells["top_share"] >= dominance_share - _REL_TOL).fillna(False)
        status[dominated & (n > 0)] = "B"
    status[(n > 0) & (n < min_companies)] = "A"
    return status


# --- secondary suppression ----------------------------------------------------------------------
@dataclass
class _System:
    """All cells of a set of tables as variables, and the additivity equations linking them."""

    keys: list[tuple] = field(default_factory=list)  # identity of each variable
    values: list[float] = field(default_factory=list)
    margin: list[bool] = field(default_factory=list)
    equations: list[list[tuple[int, float]]] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)

    def var(self, identity: tuple, value: float, is_margin: bool) -> int:
        if identity in self.index:
            j = self.index[identity]
            if not np.isclose(self.values[j], value, rtol=1e-9, atol=1e-9):
                raise ValueError(
                    f"tables of measure {identity[0]!r} disagree on a shared margin "
                    f"({self.values[j]} vs {value}): they are not built from the same contributions")
            return j
        self.index[identity] = len(self.keys)
        self.keys.append(identity)
        self.values.append(float(value))
        self.margin.append(is_margin)
        return self.index[identity]

    def matrix(self) -> np.ndarray:
        a = np.zeros((len(self.equations), len(self.keys)))
        for i, eq in enumerate(self.equations):
            for j, coef in eq:
                a[i, j] += coef
        return a


def _identity(measure: str, dims: tuple[str, ...], key: tuple) -> tuple:
    """The same figure in two tables of one measure has the same identity (shared margins)."""
    return (measure, tuple(sorted((d, k) for d, k in zip(dims, key) if k != TOTAL)))


def _build_system(tables: list[tuple[TableSpec, pd.DataFrame]]) -> tuple[_System, list[list[int]]]:
    system = _System()
    var_of_rows: list[list[int]] = []
    for spec, cells in tables:
        dims = spec.dims
        keys = list(cells[list(dims)].itertuples(index=False, name=None)) if dims else [()]
        lookup = {}
        vars_here = []
        for key, value in zip(keys, cells["value"]):
            j = system.var(_identity(spec.measure, dims, key), value, TOTAL in key)
            lookup[key] = j
            vars_here.append(j)
        var_of_rows.append(vars_here)
        totalled = _margin_dims(dims, spec.margins)
        domains = [[k for k in cells[d].unique() if k != TOTAL] for d in dims]
        for pos, dim in enumerate(dims):
            if dim not in totalled:
                continue
            others = [(domains[i] + [TOTAL] if dims[i] in totalled else domains[i])
                      if i != pos else [None] for i in range(len(dims))]
            for fixed in product(*others):
                members = []
                for v in domains[pos]:
                    key = tuple(v if i == pos else fixed[i] for i in range(len(dims)))
                    members.append((lookup[key], 1.0))
                total = tuple(TOTAL if i == pos else fixed[i] for i in range(len(dims)))
                system.equations.append(members + [(lookup[total], -1.0)])
    return system, var_of_rows


def determined(matrix: np.ndarray, hidden: list[int]) -> list[int]:
    """Hidden variables whose value the published ones fix through the equations `matrix @ x = 0`.

    A hidden variable is determined exactly when no vector of the null space of the hidden columns
    moves it: then some combination of the equations isolates it.
    """
    if not hidden or matrix.shape[0] == 0:
        return []
    sub = matrix[:, hidden]
    _, s, vt = np.linalg.svd(sub, full_matrices=True)
    tol = max(sub.shape) * np.finfo(float).eps * (s[0] if s.size else 1.0) * 1e3
    rank = int((s > tol).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return list(hidden)
    weight = np.linalg.norm(null, axis=0)
    return [hidden[i] for i in range(len(hidden)) if weight[i] < 1e-8]


def _secondary(system: _System, hidden: set[int]) -> set[int]:
    """Add cells to `hidden` until no hidden cell can be recomputed; return the added ones."""
    added: set[int] = set()
    values = np.asarray(system.values)

    def cost(j: int) -> tuple:
        # Inner cells before margins, then the smallest value (least information lost).
        return (system.margin[j], values[j], repr(system.keys[j]))

    def eligible(cells) -> list[int]:
        # Empty cells are never hidden: with counts known to be >= 0, a hidden 0 can pin its
        # partners (x + y = 3 with x <= 3 and y >= 0 ...). When every hidden cell is > 0, any
        # direction left free by the equations can be followed a little way both ways, so a
        # cell the equations do not determine cannot be recovered at all.
        return [j for j in cells if j not in hidden and values[j] > 0]

    def hide(j: int) -> None:
        hidden.add(j)
        added.add(j)

    matrix = system.matrix()
    lines_of: dict[int, list[int]] = {}
    for i, eq in enumerate(system.equations):
        for j, _ in eq:
            lines_of.setdefault(j, []).append(i)

    def alone(i: int) -> bool:
        return sum(j in hidden for j, _ in system.equations[i]) == 1

    while True:
        changed = False
        for i, eq in enumerate(system.equations):
            if not alone(i):
                continue
            # A partner that also completes another line with a single hidden cell protects two
            # lines at once: fewer cells are lost than with the smallest cell alone.
            # A line whose one hidden cell is > 0 always holds another cell > 0 (its total or
            # a member), so `eligible` is never empty here.
            candidates = eligible(j for j, _ in eq)
            hide(min(candidates, key=lambda j: (
                not any(alone(k) for k in lines_of[j] if k != i), *cost(j))))
            changed = True
        if changed:
            continue
        exposed = determined(matrix, sorted(hidden))
        if not exposed:
            return added
        target = exposed[0]
        lines = [eq for eq in system.equations if any(j == target for j, _ in eq)]
        candidates = sorted(set(eligible(j for eq in lines for j, _ in eq)), key=cost)
        if not candidates:  # every line through it is hidden yet it is determined: hide further out
            candidates = sorted(eligible(range(len(system.keys))), key=cost)
        if not candidates:  # cannot happen: with every cell > 0 hidden, x itself is a free direction
            raise RuntimeError("secondary suppression found no cell left to hide")
        for j in candidates:
            if target not in determined(matrix, sorted(hidden | {j})):
                hide(j)
                break
        else:
            hide(candidates[0])


def protect(specs: list[TableSpec], *, min_companies: int = 3,
            dominance_share: float = 0.85) -> dict[str, ProtectedTable]:
    """Apply the frequency, dominance and secondary rules to a set of tables, jointly.

    Tables sharing a `measure` are protected together, so a margin hidden in one is hidden in all
    and no table's published margins can undo another's suppression.
    """
    built: list[tuple[TableSpec, pd.DataFrame]] = []
    for spec in specs:
        cells = cell_table(spec.contributions, spec.dims, company=spec.company, value=spec.value,
                           margins=spec.margins)
        cells["status"] = primary_status(cells, min_companies=min_companies,
                                         dominance_share=dominance_share, magnitude=spec.magnitude)
        built.append((spec, cells))
    system, var_rows = _build_system(built)
    primary: dict[int, str] = {}
    for (spec, cells), rows in zip(built, var_rows):
        for j, status in zip(rows, cells["status"]):
            if status != "V":
                primary.setdefault(j, status)
    secondary = _secondary(system, set(primary))
    out = {}
    for (spec, cells), rows in zip(built, var_rows):
        cells = cells.copy()
        cells["status"] = [primary.get(j, "D" if j in secondary else "V") for j in rows]
        out[spec.name] = ProtectedTable(spec.name, tuple(spec.dims), spec.measure, cells)
    return out


def protect_settings(specs: list[TableSpec], settings) -> dict[str, ProtectedTable]:
    """:func:`protect` with the thresholds of the workspace (`[confidentiality]` in gtec.toml)."""
    conf = settings.confidentiality
    return protect(specs, min_companies=conf.min_companies, dominance_share=conf.dominance_share)


def suppression_summary(tables: dict[str, ProtectedTable] | list[ProtectedTable]) -> dict[str, int]:
    """Hidden cells by status over the printed tables (for the annex): {"A": 3, "B": 1, "D": 4}."""
    items = tables.values() if isinstance(tables, dict) else tables
    total = {"A": 0, "B": 0, "D": 0, "V": 0}
    for table in items:
        for status, count in table.status_counts().items():
            total[status] += count
    return total
