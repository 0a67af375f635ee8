"""Parquet: each table typed as its Table Schema says, for analysts' tools.

Codes such as `0031` stay text, dates are dates, missing values are nulls; the field's
Table Schema (with its title, description and cdx:role) travels in the Parquet file's
metadata, and so does the package's id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdx.core.layout import DESCRIPTOR

TRUE_VALUES = ["true", "True", "TRUE", "1"]  # the Table Schema's defaults
FALSE_VALUES = ["false", "False", "FALSE", "0"]


def _arrow_type(field: dict[str, Any]) -> Any:
    """The Arrow type a field's values are read as; text where the schema allows any form."""
    import pyarrow as pa

    kind, form = field.get("type", "string"), field.get("format", "default")
    plain_number = field.get("bareNumber", True) and not {"decimalChar", "groupChar"} & set(field)
    if kind == "integer" and plain_number:
        return pa.int64()
    if kind == "number" and plain_number:
        return pa.float64()
    if kind == "boolean" and not {"trueValues", "falseValues"} & set(field):
        return pa.bool_()
    if kind == "date" and form == "default":
        return pa.date32()
    if kind == "year":
        return pa.int32()
    return pa.string()


class ParquetFormat:
    name = "parquet"
    description = "one Parquet file per table, typed by its Table Schema"

    def export(self, package_dir: Path, out_dir: Path) -> list[Path]:
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
        written = []
        for resource in descriptor.get("resources", []):
            schema = resource.get("schema", {})
            fields = schema.get("fields", [])
            types = {field["name"]: _arrow_type(field) for field in fields}
            missing = schema.get("missingValues", [""])
            table = pacsv.read_csv(
                package_dir / resource["path"],
                convert_options=pacsv.ConvertOptions(
                    column_types=types,
                    null_values=missing,
                    strings_can_be_null=True,
                    true_values=TRUE_VALUES,
                    false_values=FALSE_VALUES,
                ),
            )
            metadata = {
                "cdx:package": descriptor.get("id", ""),
                "cdx:resource": resource["name"],
                "cdx:tableSchema": json.dumps(schema, ensure_ascii=False),
            }
            arrow_fields = [
                table.schema.field(name).with_metadata(
                    {"tableSchema": json.dumps(field, ensure_ascii=False)}
                )
                for name, field in ((f["name"], f) for f in fields)
                if name in table.schema.names
            ]
            typed = pa.schema(arrow_fields, metadata=metadata)
            target = out_dir / f"{resource['name']}.parquet"
            pq.write_table(table.select([f.name for f in arrow_fields]).cast(typed), target)
            written.append(target)
        return written


PARQUET = ParquetFormat()
