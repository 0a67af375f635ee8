"""SDMX-CSV 2.0: a package's indicator values as observations of the SDG dataflow.

One file per dataflow (today the SDG global dataflow, IAEG-SDGs:DF_SDG_GLH), written
by pysdmx: STRUCTURE, STRUCTURE_ID and ACTION columns, then the SDG DSD's dimensions,
OBS_VALUE and UNIT_MEASURE; one row per observation. ACTION is `I` (information): the
office decides whether its own database appends or replaces. What the coalition did
not map is refused before anything is written (cdx/exports/sdmx_observations.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdx.core.layout import DESCRIPTOR
from cdx.exports.sdmx_observations import DEFAULT_DATAFLOW, DIMENSIONS, Observations, observations


def _schema(found: Observations) -> Any:
    """The SDG DSD's components this export writes, as a pysdmx Schema of the dataflow."""
    from pysdmx.model import Component, Components, Concept, DataType, Role, Schema

    integers = set(found.value_types.values()) == {"integer"}
    components = [
        Component(
            id=name,
            required=True,
            role=Role.DIMENSION,
            concept=Concept(id=name),
            local_dtype=DataType.STRING,
        )
        for name in DIMENSIONS
    ]
    components.append(
        Component(
            id="OBS_VALUE",
            required=False,
            role=Role.MEASURE,
            concept=Concept(id="OBS_VALUE"),
            local_dtype=DataType.INTEGER if integers else DataType.DOUBLE,
        )
    )
    if "UNIT_MEASURE" in found.columns:
        components.append(
            Component(
                id="UNIT_MEASURE",
                required=False,
                role=Role.ATTRIBUTE,
                concept=Concept(id="UNIT_MEASURE"),
                local_dtype=DataType.STRING,
                attachment_level="O",
            )
        )
    agency, flow, version = DEFAULT_DATAFLOW
    return Schema(
        context="dataflow",
        agency=agency,
        id=flow,
        version=version,
        components=Components(components),
    )


class SdmxCsvFormat:
    name = "sdmx-csv"
    description = (
        "SDMX-CSV 2.0 of the SDG dataflow: one row per indicator value, dimensions "
        "mapped from the coalition's declared codes"
    )

    def export(self, package_dir: Path, out_dir: Path) -> list[Path]:
        import pandas as pd
        from pysdmx.io.csv.sdmx20.writer import write
        from pysdmx.io.pd import PandasDataset
        from pysdmx.model.dataset import ActionType

        descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
        found = observations(package_dir, descriptor)  # refuses before anything is written
        frame = pd.DataFrame(found.rows, columns=found.columns)
        dataset = PandasDataset(structure=_schema(found), data=frame, action=ActionType.Information)
        target = out_dir / f"{DEFAULT_DATAFLOW[1]}.csv"
        partial = out_dir / f".{target.name}.partial"
        write([dataset], output_path=partial)
        partial.replace(target)
        return [target]


SDMX_CSV = SdmxCsvFormat()
