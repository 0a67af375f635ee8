"""`cdx metadata`: a package's DCAT-AP, schema.org or provenance document, as JSON-LD or
Turtle, for a catalogue, a portal or a triple store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cdx.cli import output
from cdx.cli.options import JsonOption


class Document(StrEnum):
    dcat = "dcat"
    schema_org = "schema-org"
    provenance = "provenance"


class Format(StrEnum):
    jsonld = "jsonld"
    turtle = "turtle"


def metadata(
    directory: Annotated[Path, typer.Argument(help="A package directory (sealed or pulled)")],
    document: Annotated[
        Document, typer.Option(help="dcat (DCAT-AP 3), schema-org, or provenance (PROV-O)")
    ] = Document.dcat,
    to: Annotated[Format, typer.Option("--format", help="jsonld or turtle")] = Format.jsonld,
    as_json: JsonOption = False,
) -> None:
    """Print a package's metadata document; links into the package resolve to its folder."""
    from cdx.core.layout import DCAT_METADATA, PROVENANCE, SCHEMA_ORG_METADATA

    member = {
        Document.dcat: DCAT_METADATA,
        Document.schema_org: SCHEMA_ORG_METADATA,
        Document.provenance: PROVENANCE,
    }[document]
    found = _document(directory, member, document)
    base = (directory / member).resolve().as_uri()
    text = (
        "" if as_json and to is Format.jsonld else _serialised(found, to, base, directory, member)
    )
    if as_json:  # one document whatever the format: JSON-LD as an object, Turtle as text
        content: Any = found if to is Format.jsonld else text
        output.print_json(
            {"ok": True, "document": document.value, "format": to.value, "content": content}
        )
        return
    output.out.print(text, markup=False, highlight=False, end="", soft_wrap=True)


def _serialised(found: dict[str, Any], to: Format, base: str, directory: Path, member: str) -> str:
    from cdx.metadata.serialise import serialise

    try:
        return serialise(found, to.value, base=base)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # rdflib, hostile JSON-LD
        from cdx.core.errors import MetadataUnreadable

        raise MetadataUnreadable(
            f"{member} is not JSON-LD cdx can turn into {to.value} ({type(exc).__name__})",
            where=str(directory),
        ) from None


def _document(directory: Path, member: str, document: Document) -> dict[str, Any]:
    """The package's own document; for a package sealed before cdx wrote metadata/, the
    DCAT-AP or schema.org document built from its datapackage.json."""
    from cdx.cli.package_document import read_document
    from cdx.core.errors import MetadataMissing, MetadataUnreadable
    from cdx.core.layout import DESCRIPTOR

    if not directory.is_dir():
        raise MetadataMissing(
            f"{directory} is not a folder",
            hint="give the folder of a sealed or pulled package (the one holding "
            "datapackage.json and manifest.json)",
        )
    found = read_document(directory, member)
    if found is not None:
        return found
    described = read_document(directory, DESCRIPTOR)
    if document is Document.provenance or described is None:
        raise MetadataMissing(
            f"{directory} has no {member}"
            + ("" if described is not None else f" nor {DESCRIPTOR}"),
            hint="give the folder of a sealed or pulled package (the one holding "
            "datapackage.json and manifest.json)",
        )
    from cdx.metadata.dcat_ap import dcat_description
    from cdx.metadata.schema_org import schema_org_dataset

    try:
        if document is Document.dcat:
            return dcat_description(described)
        return schema_org_dataset(described)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a hostile shape
        raise MetadataUnreadable(
            f"{DESCRIPTOR} is not a descriptor cdx can describe ({type(exc).__name__}: "
            f"{str(exc)[:200]})",
            where=str(directory),
            hint="run `cdx verify` on the package: a sealed package's descriptor follows "
            "the citizen-data profile",
        ) from None
