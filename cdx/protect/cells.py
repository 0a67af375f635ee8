"""Small-cell suppression for aggregate tables, with secondary suppression.

Primary: a count of 1 to threshold-1 people is hidden (with the values computed from
those people). Zero is published: it discloses nothing about a person. A table may
hold several counts of people per cell (participants, those who reported a barrier):
each count column is protected on its own, and the values of a cell are hidden when
any of its counts is (a rate beside a published count gives the hidden one back).

Secondary: a reader is assumed to know every total along every dimension (they are
often published beside the table, or in the report). A hidden cell alone in its row or
column equals the total minus the others, so more cells are hidden until no hidden
cell can be worked out. "Cannot be worked out" is checked exactly, not by rule of
thumb: with the hidden cells as unknowns and each line total as an equation, a cell
is recoverable when its unit vector lies in the row space of the equations, i.e. it is
zero in every solution of the homogeneous system (its column of the null space is 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cdx.core.coalition import AggregateTable

TOLERANCE = 1e-9


@dataclass
class SuppressionOutcome:
    threshold: int
    cells: int
    primary: int = 0
    secondary: int = 0
    smallest_published: int | None = None
    unprotectable: list[int] = field(default_factory=list)  # 0-based rows
    by_count: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "cells": self.cells,
            "primarySuppressed": self.primary,
            "secondarySuppressed": self.secondary,
            "smallestPublishedCount": self.smallest_published,
            "countColumns": self.by_count,
            "totalsAssumedKnown": "every line along every dimension, of every count column",
        }


def line_ids(frame: pd.DataFrame, dimensions: list[str]) -> list[np.ndarray]:
    """For each dimension, each cell's line: the cells that differ only in that dimension."""
    lines = []
    for dimension in dimensions:
        others = [d for d in dimensions if d != dimension]
        if others:
            lines.append(frame.groupby(others, sort=False, dropna=False).ngroup().to_numpy())
        else:
            lines.append(np.zeros(len(frame), dtype=np.int64))
    return lines


def recoverable(hidden: np.ndarray, lines: list[np.ndarray]) -> np.ndarray:
    """Row indices of hidden cells that line totals determine exactly."""
    index = np.flatnonzero(hidden)
    if index.size == 0:
        return index
    equations = []
    for ids in lines:
        hidden_ids = ids[index]
        for line in np.unique(hidden_ids):
            equations.append((hidden_ids == line).astype(float))
    matrix = np.array(equations)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE).sum())
    null_space = vt[rank:]
    if null_space.size == 0:
        return index
    free = np.linalg.norm(null_space, axis=0) > TOLERANCE
    return index[~free]


def _hide_a_partner(
    row: int, counts: np.ndarray, hidden: np.ndarray, lines: list[np.ndarray]
) -> bool:
    """Hide the smallest visible cell sharing a line with `row`; False when there is none."""
    best: int | None = None
    for ids in lines:
        candidates = np.flatnonzero((ids == ids[row]) & ~hidden)
        if candidates.size:
            # A zero partner leaves the hidden cell's upper bound equal to its value,
            # so the smallest non-zero cell is preferred.
            choice = int(candidates[np.lexsort((counts[candidates], counts[candidates] == 0))[0]])
            if best is None or _cost(counts[choice]) < _cost(counts[best]):
                best = choice
    if best is None:
        return False
    hidden[best] = True
    return True


def _cost(count: float) -> tuple[bool, float]:
    return (count == 0, count)


def suppress_cells(
    frame: pd.DataFrame, table: AggregateTable, threshold: int
) -> tuple[pd.DataFrame, SuppressionOutcome]:
    """The table with small cells and their complements blanked, and how many.

    Each count column gets its own primary and secondary suppression (its line totals
    are assumed known); `primary`, `secondary` and the unprotectable rows are summed over
    the count columns, the smallest published count is the smallest of any."""
    outcome = SuppressionOutcome(threshold, len(frame))
    lines = line_ids(frame, table.dimensions)
    frame = frame.copy()
    any_hidden = np.zeros(len(frame), dtype=bool)
    smallest: list[int] = []
    unprotectable: set[int] = set()
    for column in table.count_columns:
        hidden, primary, secondary, stuck = _suppress_one_count(frame[column], lines, threshold)
        counts = pd.to_numeric(frame[column].replace("", np.nan), errors="coerce").to_numpy()
        visible = counts[~hidden]
        least = int(visible.min()) if visible.size else None
        outcome.by_count[column] = {
            "primarySuppressed": primary,
            "secondarySuppressed": secondary,
            "smallestPublishedCount": least,
        }
        outcome.primary += primary
        outcome.secondary += secondary
        unprotectable.update(stuck)
        if least is not None:
            smallest.append(least)
        frame.loc[hidden, column] = ""
        any_hidden |= hidden
    if table.values:
        frame.loc[any_hidden, table.values] = ""
    outcome.smallest_published = min(smallest) if smallest else None
    outcome.unprotectable = sorted(unprotectable)
    return frame, outcome


def _suppress_one_count(
    column: pd.Series, lines: list[np.ndarray], threshold: int
) -> tuple[np.ndarray, int, int, list[int]]:
    """One count column's hidden cells: (hidden, primary, secondary, unprotectable rows)."""
    raw = pd.to_numeric(column.replace("", np.nan), errors="coerce")
    counts = raw.fillna(np.inf).to_numpy()  # already blank: hidden, never a partner
    small = (counts > 0) & (counts < threshold)
    hidden = raw.isna().to_numpy() | small
    already = hidden.copy()
    unprotectable: list[int] = []
    for _ in range(len(column) + 1):
        # A cell alone in a line is the cheap, common case; the exact check catches the rest.
        lonely = [
            (int(row), [ids])
            for ids in lines
            for row in np.flatnonzero(hidden)
            if int(((ids == ids[row]) & hidden).sum()) == 1
        ]
        exposed = lonely or [(int(r), lines) for r in recoverable(hidden, lines)]
        if not exposed:
            break
        row, where = exposed[0]  # a lonely cell's partner must come from its own line
        if not _hide_a_partner(row, counts, hidden, where):
            unprotectable = sorted({r for r, _ in exposed})
            break
    return hidden, int(small.sum()), int((hidden & ~already).sum()), unprotectable


def suppressed_field_schema(field_spec: dict[str, Any], threshold: int) -> None:
    """A count or value column may now be blank where a cell was hidden."""
    constraints = field_spec.get("constraints", {})
    constraints.pop("required", None)
    field_spec["constraints"] = constraints
    field_spec["cdx:suppressed"] = f"blank where fewer than {threshold} people (or a complement)"
