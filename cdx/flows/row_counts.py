"""The rows a package publishes are the rows validation checked: asserted before sealing.

Validation and protection read each table with different readers (DuckDB or frictionless;
pandas), and the sealed file is what pandas wrote. A reader that skips a row it cannot
read (a cell past its line limit, say) would let that row be published unchecked, or be
checked and not published. So, for every table: validation's count equals the count the
privacy gate read, and the rows in the file about to be sealed equal what the gate kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from cdx.core.errors import RowCountMismatch
from cdx.core.i18n import tr
from cdx.core.layout import DESCRIPTOR
from cdx.packaging.tabular import csv_rows
from cdx.protect.decision import PrivacyDecision


def check_row_counts(
    package_dir: Path, rows_checked: dict[str, int], privacy: PrivacyDecision
) -> None:
    """Raise `row-count-mismatch` where validation, protection and the file disagree."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    paths = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    gate = {table.resource: table for table in privacy.resources}
    for name, path in paths.items():
        table = gate.get(name)
        checked = rows_checked.get(name)
        kept = table.rows_out if table is not None else None
        in_file = data_rows(package_dir / path)
        if table is None or checked != table.rows_in or kept != in_file:
            raise RowCountMismatch(
                tr(
                    "file `{name}`: validation checked {checked} rows, the privacy gate read "
                    "{read} and kept {kept}, and the package holds {in_file}: nothing was "
                    "sealed or published",
                    name=name,
                    checked="—" if checked is None else checked,
                    read="—" if table is None else table.rows_in,
                    kept="—" if kept is None else kept,
                    in_file=in_file,
                ),
                hint=tr(
                    "this is a fault in cdx, not in your data: keep the file and report it "
                    "with `cdx --version`"
                ),
            )


def data_rows(path: Path) -> int:
    """Records of a UTF-8 CSV with a header, as cdx's CSV reader reads them (quoted line
    breaks inside a record)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv_rows(handle)) - 1, 0)
