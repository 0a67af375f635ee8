"""Which dataset fields the portal's schema has: DCAT-AP fields top-level, or extras only.

A CKAN running ckanext-scheming answers `scheming_dataset_schema_show` with its dataset
schema; cdx then writes every DCAT-AP fact that schema names as a top-level field and
never an extra of the same name (CKAN refuses that). A plain CKAN does not know the
action: everything goes into extras. `CDX_CKAN_PORTAL_SCHEMA` overrides the question — `plain`
(extras only) or `dcat-ap` (ckanext-dcat's `dcat_ap_full` field names) — for a portal
that hides the action or whose answer should not be trusted
(docs/decisions/0085-ckan-dcat-ap-schema-detection.md).
"""

from __future__ import annotations

from cdx.connectors.ckan.client import CkanClient
from cdx.connectors.ckan.dcat_fields import DCAT_AP_FULL_FIELDS
from cdx.core.errors import CatalogueError

UNKNOWN_ACTION = "Action name not known"


def schema_fields(client: CkanClient, setting: str) -> frozenset[str]:
    """The portal's dataset field names; empty for a CKAN without ckanext-scheming."""
    if setting == "plain":
        return frozenset()
    if setting == "dcat-ap":
        return DCAT_AP_FULL_FIELDS
    try:
        schema = client.find("scheming_dataset_schema_show", {"type": "dataset"}, org="")
    except CatalogueError as e:
        if UNKNOWN_ACTION in e.message:  # CKAN without ckanext-scheming
            return frozenset()
        raise
    if schema is None:  # scheming runs, but not for the type `dataset`
        return frozenset()
    fields = schema.get("dataset_fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        raise CatalogueError(
            "the CKAN portal answered scheming_dataset_schema_show without dataset fields",
            where=client.location,
            hint="set CDX_CKAN_PORTAL_SCHEMA=plain (extras only) or dcat-ap (ckanext-dcat's "
            "dcat_ap_full schema) to say how the portal keeps DCAT-AP fields",
        )
    return frozenset(
        str(field["field_name"])
        for field in fields
        if isinstance(field, dict) and field.get("field_name")
    )
