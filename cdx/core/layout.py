"""The files of a sealed package, by role. One place, so sealing and verifying agree."""

from __future__ import annotations

DESCRIPTOR = "datapackage.json"
DATA_DIR = "data"
REPORT_JSON = "reports/validation.json"
REPORT_HTML = "reports/validation.html"
PROVENANCE = "provenance.jsonld"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# The standard Data Package v2 profile: any Data Package tool recognises the package.
# Our stricter profile (schemas/citizen-data-package.json) is named in `cdxProfile`,
# because frictionless does not evaluate custom `$schema` profiles offline.
DATAPACKAGE_V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
CDX_PROFILE = "citizen-data-package/1.0"
REPORTS_DIR = "reports"
# Metadata for other systems (DCAT-AP 3, schema.org), signed with the package.
METADATA_DIR = "metadata"
DCAT_METADATA = "metadata/dcat.jsonld"
SCHEMA_ORG_METADATA = "metadata/schema-org.jsonld"
# Where a member of a package may be: these files at the top, or anything under these
# folders (the manifest and its signature are the package's frame, not members).
TOP_LEVEL_FILES = (DESCRIPTOR, PROVENANCE)
MEMBER_DIRS = (DATA_DIR, REPORTS_DIR, METADATA_DIR)
