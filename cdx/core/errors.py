"""Errors a person can cause or a service can throw, each with a stable code.

Every error says what went wrong, where, and how to fix it. `Transient` errors
(network, 5xx, throttling) are the only ones retried; everything else is `Terminal`.
"""

from __future__ import annotations

from typing import Any


class CdxError(Exception):
    """Base of every error cdx reports to a person. Never shown with a traceback."""

    code: str = "cdx-error"
    transient: bool = False

    def __init__(self, message: str, *, hint: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def __str__(self) -> str:
        parts = [f"[{self.code}] "]
        if self.where:
            parts.append(f"{self.where}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f"\n  How to fix: {self.hint}")
        return "".join(parts)

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "where": self.where, "hint": self.hint}


class Terminal(CdxError):
    """Retrying will not help: the input, configuration or permissions must change."""


class DataUnacceptable(Terminal):
    """The data itself cannot be published as it is (a source file's content, or a
    dataset that failed validation): exit 1, and a failure of the data, not of the system,
    in a scheduled run's summary and notification."""


class Transient(CdxError):
    """A passing failure (network, server error, throttling): safe to retry."""

    transient = True


# --- configuration and input -------------------------------------------------------


class ConfigError(Terminal):
    code = "config-invalid"


class ConfigNotFound(Terminal):
    code = "config-not-found"


class PathUnusable(Terminal):
    """A path given on the command line the system refuses: a file where a folder must be,
    a folder that does not exist, no permission, a full disk."""

    code = "path-unusable"


class UsageInvalid(Terminal):
    """The command line itself: an unknown option, a missing argument, a bad value."""

    code = "usage-invalid"


class LanguageUnknown(Terminal):
    """A language (--lang, coalition.yaml's `language:`) cdx has no messages in."""

    code = "language-unknown"


class UnknownDataset(Terminal):
    code = "dataset-unknown"


class UnsafeName(Terminal):
    code = "name-unsafe"


class UnsafePath(Terminal):
    """A path a package names that could leave the package or is not where files go."""

    code = "path-unsafe"


class InvalidVersion(Terminal):
    code = "version-invalid"


class SourceMissing(Terminal):
    code = "source-missing"


class SourceEmpty(DataUnacceptable):
    code = "source-empty"


class SourceEncoding(DataUnacceptable):
    code = "source-encoding"


class SourceFormat(DataUnacceptable):
    code = "source-format"


class SourceFormula(DataUnacceptable):
    """Cells a spreadsheet would run as a formula, under the dataset's `formulas: refuse`."""

    code = "source-formula"


class SourceMojibake(SourceEncoding):
    """The declared encoding reads the file, but as the wrong letters (mojibake)."""

    code = "source-encoding-mismatch"


class CellTooLarge(DataUnacceptable):
    """A cell longer than CDX_MAX_CELL_CHARACTERS: refused, not skipped by a reader."""

    code = "cell-too-large"


class SourceTooLarge(DataUnacceptable):
    """A workbook that inflates past CDX_MAX_WORKBOOK_BYTES or CDX_MAX_COMPRESSION_RATIO."""

    code = "source-too-large"


class ConfigTooLarge(Terminal):
    code = "config-too-large"


class ConfigTooDeep(Terminal):
    code = "config-too-deep"


class SheetAmbiguous(Terminal):
    code = "sheet-ambiguous"


class CoalitionExists(Terminal):
    """`cdx init` asked for a coalition other than the one already written here."""

    code = "coalition-exists"


class SchemaInvalid(Terminal):
    code = "schema-invalid"


class SuiteInvalid(Terminal):
    code = "suite-invalid"


class ValidationMemory(Terminal):
    """The columnar engine could not work within its memory budget."""

    code = "validation-memory"


# --- keys and signatures -------------------------------------------------------------


class KeyMissing(Terminal):
    code = "key-missing"


class KeyPermissions(Terminal):
    code = "key-permissions"


class KeyInvalid(Terminal):
    code = "key-invalid"


class TrustStoreInvalid(Terminal):
    code = "truststore-invalid"


class AreaCodeUnknown(ConfigError):
    """An area code (ISO 3166-2) the code list does not hold."""

    code = "area-code-unknown"


class LanguageTagInvalid(ConfigError):
    code = "language-tag-invalid"


class DimensionCodeUnknown(ConfigError):
    """A disaggregation code outside its SDG/SDMX code list."""

    code = "dimension-code-unknown"


# --- publishing ----------------------------------------------------------------------


class DatasetInvalid(DataUnacceptable):
    """The data failed validation: a failure of the data, not of the system.

    `report` is the validation report's dictionary, when there is one: the command line
    prints its findings as `cdx validate` does, never a bare count.
    """

    code = "dataset-invalid"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        where: str | None = None,
        report: dict[str, Any] | None = None,
    ):
        super().__init__(message, hint=hint, where=where)
        self.report = report


# --- exporting -----------------------------------------------------------------------


class ExportFormatUnknown(Terminal):
    code = "export-format-unknown"


class SdmxNotDeclared(Terminal):
    """The package declares no indicator (measure) to export as SDMX observations."""

    code = "sdmx-not-declared"


class SdmxUnmappable(Terminal):
    """Values the coalition did not map to SDG/SDMX codes, or that cannot form a key."""

    code = "sdmx-unmappable"


class PackageNotVerified(DatasetInvalid):
    """A package that did not verify is not exported (exit 1, like invalid data)."""

    code = "package-not-verified"


class MetadataMissing(Terminal):
    """`cdx metadata` on a folder that holds no package (or no provenance to print)."""

    code = "metadata-missing"


class MetadataUnreadable(Terminal):
    """`cdx metadata` of a document it will not read: a link, a device, over its size
    limit, not a JSON object, or one naming a context by reference (a URL, a path)."""

    code = "metadata-unreadable"


def data_failure_codes() -> frozenset[str]:
    """The codes of every error that is a failure of the data (DataUnacceptable)."""
    found, waiting = set(), [DataUnacceptable]
    while waiting:
        kind = waiting.pop()
        found.add(kind.code)
        waiting += kind.__subclasses__()
    return frozenset(found - {CdxError.code})


SYSTEM_FAILURE = "failure of the system"  # the notification body looks for these words


class CoalitionIncomplete(Terminal):
    """Some datasets of a coalition run failed; the others were published."""

    code = "datasets-failed"

    def __init__(self, failures: dict[str, str], total: int):
        data_codes = data_failure_codes()
        data = sorted(name for name, code in failures.items() if code in data_codes)
        system = sorted(f"{name} ({code})" for name, code in failures.items() if name not in data)
        parts = []
        for data_code in sorted({failures[name] for name in data}):
            names = ", ".join(name for name in data if failures[name] == data_code)
            parts.append(f"failure of the data ({data_code}): {names}")
        if system:
            parts.append(f"{SYSTEM_FAILURE}: {', '.join(system)}")
        super().__init__(
            f"{len(failures)} of {total} datasets failed; " + "; ".join(parts),
            hint="open each failed dataset's task run and its publish summary artifact",
        )
        self.failures = failures


class PrefectServerMissing(Terminal):
    """A command that only a Prefect server can carry out, and none is configured."""

    code = "prefect-server-missing"


class PrefectServerUnreachable(Transient):
    """The configured Prefect server does not answer."""

    code = "prefect-server-unreachable"


class VersionConflict(Terminal):
    code = "version-conflict"


class CatalogueError(Terminal):
    code = "catalogue-error"


class CatalogueUnreachable(Transient):
    code = "catalogue-unreachable"


class NotAllowed(Terminal):
    code = "not-allowed"


class CredentialsRefused(NotAllowed):
    """The service does not accept the credentials at all (unknown key, wrong secret)."""

    code = "credentials-refused"


class VersionBusy(Transient):
    """Another live publisher is writing the same version; try again once it is done."""

    code = "version-busy"


class OrganisationMissing(Terminal):
    """The catalogue has no place for the coalition, and the token may not create one."""

    code = "organisation-missing"


class PackageNotFound(Terminal):
    code = "package-not-found"


class CatalogueNotFound(Terminal):
    """A catalogue to read from that is not there (a directory that does not exist)."""

    code = "catalogue-not-found"


# --- fetching from a catalogue that may be hostile -----------------------------------


class PackageRefused(CatalogueError):
    """What a catalogue serves is not a package cdx may fetch; nothing was kept."""

    code = "package-refused"


class ManifestTooLarge(PackageRefused):
    """manifest.json over CDX_MAX_MANIFEST_BYTES."""

    code = "manifest-too-large"


class ManifestTooManyFiles(PackageRefused):
    """manifest.json listing more than CDX_MAX_MANIFEST_FILES files."""

    code = "manifest-too-many-files"


class ManifestMalformed(PackageRefused):
    code = "manifest-malformed"


class FileTooLarge(PackageRefused):
    """A member longer than the `bytes` its manifest entry declares."""

    code = "file-too-large"


class FileNotRegular(PackageRefused):
    """A member that is a symbolic link (or passes through one), a device, a pipe …"""

    code = "file-not-regular"


class FileMissing(PackageRefused):
    code = "file-missing"


class FileModified(PackageRefused):
    """A member whose bytes do not hash to what its manifest entry says."""

    code = "file-modified"


# --- loading into an office's database (cdx load) --------------------------------------


class LoadTargetUnknown(Terminal):
    """--into names a kind of database cdx cannot load into."""

    code = "load-target-unknown"


class LoadTargetUnreachable(Transient):
    """The database did not answer or refused the connection."""

    code = "load-target-unreachable"


class LoadVersionConflict(DatasetInvalid):
    """Another package (another manifest) already loaded as this coalition/dataset@version."""

    code = "load-version-conflict"


class LoadFailed(Terminal):
    """The database refused the load; the transaction was rolled back, nothing was kept."""

    code = "load-failed"


class LoadRowsBreakSchema(LoadFailed):
    """Rows of a signed package break its own Table Schema (found by cdx's row scan
    before the database was asked); the transaction was rolled back, nothing was kept."""

    code = "load-rows-break-schema"


class RowCountMismatch(Terminal):
    """The rows a package would publish are not the rows validation checked (less the
    records protection suppressed): a fault in cdx's reading, never published."""

    code = "row-count-mismatch"
