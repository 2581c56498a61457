"""Statistical secrecy: boundaries of the primary rules, and proofs that no hidden cell can be
recomputed from what a table (or a set of tables sharing margins) publishes.

The proofs do not trust the module's own check: each test writes the additivity equations of the
printed tables itself, then, for every hidden cell, (1) shows with a rank computation that no
combination of the published figures isolates it and (2) builds a second non-negative table,
different in that cell, that publishes exactly the same figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gtec_cli.confidentiality import (
    TOTAL,
    TableSpec,
    cell_table,
    primary_status,
    protect,
    protect_settings,
    suppression_summary,
)
from gtec_cli.settings import Settings


def contributions(cells: dict[tuple, list[tuple[str, float]]], dims=("occupation", "horizon")):
    """{(row, col): [(company, value), ...]} -> the long table `protect` takes."""
    rows = [dict(zip(dims, key), siret=company, value=value)
            for key, parts in cells.items() for company, value in parts]
    return pd.DataFrame(rows)


def one_cell(parts, *, magnitude=True, min_companies=3, share=0.85) -> str:
    cells = cell_table(contributions({("x",): parts}, dims=("k",)), ("k",), margins=False)
    return primary_status(cells, min_companies=min_companies, dominance_share=share,
                          magnitude=magnitude).iloc[0]


# --- primary rules ------------------------------------------------------------------------------
def test_frequency_rule_boundary_two_versus_three_companies():
    assert one_cell([("a", 5), ("b", 5)]) == "A"
    assert one_cell([("a", 5), ("b", 5), ("c", 5)]) == "V"
    assert one_cell([("a", 5)]) == "A"


def test_companies_with_a_zero_contribution_do_not_count():
    # Three rows, but only two companies really contribute: still the frequency rule.
    assert one_cell([("a", 5), ("b", 5), ("c", 0)]) == "A"


def test_one_company_declaring_several_rows_is_one_company():
    assert one_cell([("a", 2), ("a", 3), ("b", 5)]) == "A"


@pytest.mark.parametrize("top, expected", [(84.9, "V"), (85.0, "B"), (85.1, "B")])
def test_dominance_rule_boundary_exactly_85_percent_is_sensitive(top, expected):
    rest = 100.0 - top
    parts = [("big", top), ("b", rest / 3), ("c", rest / 3), ("d", rest / 3)]
    assert one_cell(parts) == expected


def test_dominance_at_exactly_85_percent_with_integers():
    # 17 of 20 = 0.85 exactly in decimal, not quite in binary floating point.
    assert one_cell([("big", 17), ("b", 1), ("c", 1), ("d", 1)]) == "B"
    assert one_cell([("big", 16), ("b", 2), ("c", 1), ("d", 1)]) == "V"


def test_dominance_does_not_apply_to_counts_of_companies():
    assert one_cell([("big", 17), ("b", 1), ("c", 1)], magnitude=False) == "V"


def test_frequency_is_reported_before_dominance():
    assert one_cell([("big", 99), ("b", 1)]) == "A"


def test_thresholds_come_from_the_settings():
    table = contributions({("x", "h"): [("a", 1), ("b", 1), ("c", 1)]})
    spec = TableSpec("t", table, ("occupation", "horizon"), "m", margins=False)
    strict = Settings.model_validate({"confidentiality": {"min_companies": 4}})
    assert protect_settings([spec], strict)["t"].cells["status"].tolist() == ["A"]
    assert protect_settings([spec], Settings())["t"].cells["status"].tolist() == ["V"]


# --- an independent solver for the published tables --------------------------------------------
def equations(cells: pd.DataFrame, dims: tuple[str, ...], name: str) -> tuple[list[tuple], list[dict]]:
    """Variables (name, key) and the additivity equations of one printed table with margins."""
    keys = [(name, tuple(k)) for k in cells[list(dims)].itertuples(index=False, name=None)]
    eqs = []
    domains = [[v for v in cells[d].unique() if v != TOTAL] for d in dims]
    assert len(dims) in (1, 2)
    if len(dims) == 1:
        eqs.append({**{(name, (v,)): 1.0 for v in domains[0]}, (name, (TOTAL,)): -1.0})
        return keys, eqs
    rows, cols = domains
    for r in rows + [TOTAL]:  # each row (and the column of totals) adds up to its total
        eqs.append({**{(name, (r, c)): 1.0 for c in cols}, (name, (r, TOTAL)): -1.0})
    for c in cols + [TOTAL]:
        eqs.append({**{(name, (r, c)): 1.0 for r in rows}, (name, (TOTAL, c)): -1.0})
    return keys, eqs


def assert_unrecoverable(keys, eqs, values: dict, hidden: set):
    """Every hidden cell is free given all published ones, even knowing values are >= 0."""
    index = {k: i for i, k in enumerate(keys)}
    a = np.zeros((len(eqs), len(keys)))
    for i, eq in enumerate(eqs):
        for k, coef in eq.items():
            a[i, index[k]] = coef
    x = np.array([values[k] for k in keys], dtype=float)
    assert np.allclose(a @ x, 0), "the test's equations do not describe the table"
    h = [index[k] for k in keys if k in hidden]
    if not h:
        return
    sub = a[:, h]
    rank = np.linalg.matrix_rank(sub)
    for pos, j in enumerate(h):
        # (1) e_j in the row space of the hidden columns <=> some combination isolates cell j.
        unit = np.zeros(len(h))
        unit[pos] = 1.0
        assert np.linalg.matrix_rank(np.vstack([sub, unit])) == rank + 1, (
            f"hidden cell {keys[j]} can be recomputed from the published figures")
        # Simple subtraction, the attack a committee member would try: a line with one hidden cell.
        for eq in eqs:
            hidden_in_line = [k for k in eq if k in hidden]
            assert len(hidden_in_line) != 1, f"line {eq} has a single hidden cell {hidden_in_line}"
        # (2) A different non-negative table publishing the same figures: x + t*v, A_h v = 0, v_j = 1.
        others = [p for p in range(len(h)) if p != pos]
        v_others, *_ = np.linalg.lstsq(sub[:, others], -sub[:, pos], rcond=None)
        v = np.zeros(len(h))
        v[pos] = 1.0
        v[others] = v_others
        assert np.allclose(sub @ v, 0, atol=1e-8)
        alternatives = []
        for sign in (1.0, -1.0):
            step = sign * v
            lowering = step < -1e-12
            t = np.min(x[h][lowering] / -step[lowering]) if lowering.any() else 1.0
            t = min(t, 1.0) / 2
            if t > 1e-9:
                y = x.copy()
                y[h] = x[h] + t * step
                alternatives.append(y)
        assert alternatives, f"hidden cell {keys[j]} is pinned by non-negativity"
        y = alternatives[0]
        assert (y >= -1e-9).all() and np.allclose(a @ y, 0)
        published = [i for i in range(len(keys)) if i not in h]
        assert np.allclose(y[published], x[published])
        assert abs(y[j] - x[j]) > 1e-6


def check_tables(tables, specs_by_name, links=()):
    """Build every printed table's equations (+ equalities of shared margins) and prove them safe."""
    keys, eqs, values, hidden = [], [], {}, set()
    for name, table in tables.items():
        k, e = equations(table.cells, table.dims, name)
        keys += k
        eqs += e
        for key, row in zip(k, table.cells.itertuples(index=False)):
            values[key] = row.value
            if row.status != "V":
                hidden.add(key)
    for left, right in links:  # the same figure printed in two tables
        eqs.append({left: 1.0, right: -1.0})
    assert_unrecoverable(keys, eqs, values, hidden)
    return hidden


# --- secondary suppression -------------------------------------------------------------------
BASIC = {
    ("A", "<1an"): [("c1", 5), ("c2", 3), ("c3", 2)],
    ("A", "1-3ans"): [("c1", 1)],                                   # frequency
    ("B", "<1an"): [("c4", 2), ("c5", 2), ("c6", 2)],
    ("B", "1-3ans"): [("c4", 4), ("c5", 1), ("c6", 1), ("c7", 1)],
    ("C", "<1an"): [("c8", 10), ("c9", 1), ("c1", 0.5)],            # dominance: 10/11.5
    ("C", "1-3ans"): [("c2", 3), ("c3", 3), ("c4", 3)],
}


def test_a_single_hidden_cell_in_a_line_gets_a_partner_and_nothing_is_recoverable():
    spec = TableSpec("hires", contributions(BASIC), ("occupation", "horizon"), "positions")
    table = protect([spec])["hires"]
    assert table.cell(occupation="A", horizon="1-3ans")["status"] == "A"
    assert table.cell(occupation="C", horizon="<1an")["status"] == "B"
    hidden = check_tables({"hires": table}, {})
    assert len(hidden) > 2  # the primary cells alone could be recomputed by subtraction
    assert (table.cells["status"] == "D").sum() >= 2
    # Margins carry their own statistics; values add up.
    assert table.cell()["value"] == pytest.approx(sum(v for p in BASIC.values() for _, v in p))
    assert table.cell()["n_companies"] == 9


def test_without_secondary_suppression_the_hidden_cell_would_be_recomputed():
    """The test's solver does catch an unsafe table: hide only the primary cells and it fails."""
    spec = TableSpec("hires", contributions(BASIC), ("occupation", "horizon"), "positions")
    table = protect([spec])["hires"]
    naive = table.cells.copy()
    naive.loc[naive["status"] == "D", "status"] = "V"
    from gtec_cli.confidentiality import ProtectedTable

    with pytest.raises(AssertionError, match="recomputed|single hidden"):
        check_tables({"hires": ProtectedTable("hires", table.dims, "positions", naive)}, {})


def test_two_hidden_blocks_joined_by_one_cell_are_caught_by_the_exact_check():
    """Every line has 0 or >= 2 hidden cells, yet the cell joining two hidden blocks equals
    (row sums of one block) - (column sums of the same block): the line rule alone misses it."""
    few = [("p", 1), ("q", 1)]  # frequency rule
    many = [("p", 2), ("q", 3), ("r", 4)]
    rows, cols = ["r1", "r2", "r3", "r4", "r5"], ["c1", "c2", "c3", "c4", "c5"]
    hidden_primary = {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2"),
                      ("r3", "c3"), ("r3", "c4"), ("r4", "c3"), ("r4", "c4"), ("r2", "c3")}
    cells = {(r, c): (few if (r, c) in hidden_primary else many) for r in rows for c in cols}
    spec = TableSpec("t", contributions(cells), ("occupation", "horizon"), "positions")
    table = protect([spec])["t"]
    primary = {tuple(k) for k in table.cells.loc[table.cells["status"] == "A",
                                                    ["occupation", "horizon"]].to_numpy()}
    assert primary == hidden_primary
    # The primary pattern passes the line rule but not the exact check: more cells were hidden.
    assert (table.cells["status"] == "D").sum() >= 1
    check_tables({"t": table}, {})


def test_tables_sharing_a_margin_are_protected_together():
    """Positions by occupation (one dimension) and by occupation x horizon print the same
    occupation totals. Protected one at a time, each table is safe but they hide different
    partners for occupation X; read together they give X back. Protected jointly, they do not."""
    cells = {
        ("X", "h1"): [("a", 1), ("b", 1)],                  # frequency: X's total too
        ("Y", "h1"): [("c", 1), ("d", 1), ("e", 1)],
        ("Y", "h2"): [("c", 1), ("d", 1), ("e", 1)],
        ("Z", "h1"): [("k", 1), ("l", 1)],                  # frequency
        ("Z", "h2"): [("m", 20), ("n", 15), ("o", 15)],
        ("W", "h1"): [("p", 8), ("q", 8), ("r", 7), ("s", 7)],
        ("W", "h2"): [("p", 8), ("q", 8), ("r", 7), ("s", 7)],
    }
    long = contributions(cells)
    by_occupation = TableSpec("occupation", long, ("occupation",), "positions")
    by_horizon = TableSpec("occupation_horizon", long, ("occupation", "horizon"), "positions")
    links = [(("occupation", (o,)), ("occupation_horizon", (o, TOTAL)))
             for o in ("W", "X", "Y", "Z", TOTAL)]

    separately = {**protect([by_occupation]), **protect([by_horizon])}
    for name, table in separately.items():
        check_tables({name: table}, {})  # each one is safe on its own...
    with pytest.raises(AssertionError, match="recomputed|single hidden"):
        check_tables(separately, {}, links)  # ...but not together

    jointly = protect([by_occupation, by_horizon])
    check_tables(jointly, {}, links)
    one, two = jointly["occupation"], jointly["occupation_horizon"]
    for occupation in ("W", "X", "Y", "Z"):  # the same figure has the same status in both
        assert one.cell(occupation=occupation)["status"] == two.cell(occupation=occupation)["status"]


def test_linked_tables_must_agree_on_their_shared_margins():
    t1 = contributions({("X", "<1an"): [("a", 3), ("b", 3), ("c", 3)]})
    t2 = contributions({("X", "oui"): [("a", 1), ("b", 1), ("c", 1)]}, dims=("occupation", "difficult"))
    with pytest.raises(ValueError, match="shared margin"):
        protect([TableSpec("h", t1, ("occupation", "horizon"), "positions"),
                 TableSpec("d", t2, ("occupation", "difficult"), "positions")])


def test_one_dimensional_table_with_a_total():
    cells = {("a",): [("p", 1), ("q", 1)], ("b",): [("p", 5), ("q", 5), ("r", 5)],
             ("c",): [("p", 2), ("q", 2), ("r", 2)], ("d",): [("s", 9), ("t", 9), ("u", 9)]}
    spec = TableSpec("t", contributions(cells, dims=("skill",)), ("skill",), "people")
    table = protect([spec])["t"]
    statuses = dict(zip(table.cells["skill"], table.cells["status"]))
    assert statuses["a"] == "A"
    assert statuses["c"] == "D"  # the smallest publishable cell partners the hidden one
    assert statuses["b"] == "V" and statuses["d"] == "V" and statuses[TOTAL] == "V"
    check_tables({"t": table}, {})
    assert suppression_summary({"t": table}) == {"A": 1, "B": 0, "D": 1, "V": 3}


def test_without_margins_only_primary_rules_apply():
    cells = {("a",): [("p", 1)], ("b",): [("p", 5), ("q", 5), ("r", 5)]}
    spec = TableSpec("t", contributions(cells, dims=("reason",)), ("reason",), "companies",
                     margins=False, magnitude=False)
    table = protect([spec])["t"]
    assert table.cells["status"].tolist() == ["A", "V"]
    assert TOTAL not in set(table.cells["reason"])


# --- property: any table, nothing recoverable ----------------------------------------------------
@st.composite
def random_tables(draw):
    n_rows = draw(st.integers(2, 5))
    n_cols = draw(st.integers(2, 4))
    companies = [f"s{i}" for i in range(8)]
    cells = {}
    for r in range(n_rows):
        for c in range(n_cols):
            k = draw(st.integers(0, 4))
            chosen = draw(st.lists(st.sampled_from(companies), min_size=k, max_size=k, unique=True))
            cells[(f"r{r}", f"c{c}")] = [(s, draw(st.integers(1, 40))) for s in chosen]
    if not any(cells.values()):
        cells[("r0", "c0")] = [("s0", 1)]
    return cells


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_property_no_hidden_cell_is_ever_recoverable(cells):
    spec = TableSpec("t", contributions(cells), ("occupation", "horizon"), "positions")
    table = protect([spec])["t"]
    # Rows or columns without any contribution are not printed; drop them from the proof too.
    check_tables({"t": table}, {})
    inner = table.interior()
    for key, parts in cells.items():
        if not parts:
            continue
        row = inner[(inner["occupation"] == key[0]) & (inner["horizon"] == key[1])].iloc[0]
        n = len({s for s, _ in parts})
        if n < 3:
            assert row["status"] == "A"
        elif max(v for _, v in parts) >= 0.85 * sum(v for _, v in parts):
            assert row["status"] == "B"


def test_totals_over_one_dimension_only():
    """Mean scores by theme x company type with an 'all companies' column but no total over
    themes: only the row equations exist, and the row totals protect nothing across themes."""
    cells = {
        ("recrutement", "TPE"): [("a", 2), ("b", 1)],                # frequency
        ("recrutement", "PME"): [("c", 3), ("d", 4), ("e", 2)],
        ("recrutement", "GE"): [("f", 3), ("g", 3), ("h", 2), ("i", 2)],
        ("formation", "TPE"): [("a", 1), ("b", 2), ("j", 2)],
        ("formation", "PME"): [("c", 2), ("d", 2), ("e", 3)],
        ("formation", "GE"): [("f", 4), ("g", 4), ("h", 3)],
    }
    spec = TableSpec("themes", contributions(cells, dims=("theme", "type")), ("theme", "type"),
                     "score", margins=("type",), magnitude=False)
    table = protect([spec])["themes"]
    assert set(table.cells["theme"]) == {"recrutement", "formation"}  # no total over themes
    assert TOTAL in set(table.cells["type"])
    rec = {k: table.cell(theme="recrutement", type=k)["status"] for k in ("TPE", "PME", "GE")}
    assert rec["TPE"] == "A" and rec["PME"] == "D"  # smallest partner in its line
    assert table.cell(theme="recrutement")["status"] == "V"
    assert table.cell(theme="formation", type="TPE")["status"] == "V"  # no column equation
    assert table.cell(theme="formation")["value"] == 23
    with pytest.raises(ValueError, match="unknown dimensions"):
        protect([TableSpec("x", spec.contributions, ("theme", "type"), "s", margins=("size",))])
