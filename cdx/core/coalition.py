"""coalition.yaml: who a coalition is, its datasets, and where it publishes.

The pydantic models here are the single source of the contract;
schemas/coalition.schema.json is generated from them (`cdx schema coalition`) and a
test keeps the two identical.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from cdx.core.errors import ConfigError, ConfigNotFound, InvalidVersion, UnknownDataset, UnsafeName
from cdx.core.fitness import Area, ColumnCodes, Indicator, Sampling
from cdx.core.i18n import LanguageCode, Lines, tr
from cdx.core.names import check_slug, check_version
from cdx.core.yaml_lines import line_of, load_yaml_with_lines

Slug = Annotated[str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
SdgIndicator = Annotated[str, Field(pattern=r"^\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}$")]

CollectionMethod = Literal[
    "community-scorecard",
    "survey",
    "household-survey",
    "participatory-forum",
    "focus-group",
    "key-informant-interview",
    "community-monitoring",
    "administrative-records",
    "other",
]
# Levels of community participation, after the Copenhagen Framework on Citizen Data:
# citizens take part at least in design and/or collection.
ParticipationLevel = Literal[
    "design",
    "collection",
    "design-and-collection",
    "analysis",
    "full-cycle",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Contact(Strict):
    name: str
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Organisation(Strict):
    name: str
    role: str | None = Field(None, description="e.g. lead, data collector, partner")
    url: str | None = None


class CoalitionInfo(Strict):
    id: Slug = Field(description="Short lowercase id, used in catalogue paths: `kenya-lnob`")
    name: str
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
    contact: Contact
    organisations: list[Organisation] = Field(default_factory=list)
    licence: str = Field("CC-BY-4.0", description="Default SPDX licence id for datasets")
    language: LanguageCode | None = Field(
        None,
        description="Language of cdx's messages and reports for this coalition (`--lang` "
        "overrides it; default: the locale, else English)",
    )


class Signing(Strict):
    key: str = Field(description="Path to the Ed25519 private key (mode 0600), never published")


class Period(Strict):
    start: dt.date
    end: dt.date


class Coverage(Strict):
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    areas: list[str | Area] = Field(
        default_factory=list,
        description="Districts, counties, provinces: names, or {name, iso_3166_2, pcode}",
    )

    def area_names(self) -> list[str]:
        return [a if isinstance(a, str) else a.name for a in self.areas]


class DatasetMetadata(Strict):
    """What statistics offices ask of citizen data (the package profile's `citizenData`)."""

    collection_method: CollectionMethod
    collection_period: Period
    geographic_coverage: Coverage
    population: str = Field(description="Who the data is about, e.g. 'persons with disabilities'")
    disaggregation: list[str] = Field(
        default_factory=list, description="Dimensions: sex, age, disability, group, location…"
    )
    sdg_indicators: list[SdgIndicator] = Field(default_factory=list)
    consent_basis: str = Field(description="How consent was obtained, e.g. 'informed-verbal'")
    participation_level: ParticipationLevel
    methodology: str | None = None
    keywords: list[str] = Field(default_factory=list)
    # Fitness for use (cdx/core/fitness.py): optional, the profile warns where one is missing
    reference_period: Period | None = Field(
        None, description="The period the values describe (not when they were collected)"
    )
    sampling: Sampling | None = None
    limitations: list[str] = Field(
        default_factory=list, description="Known limitations and biases, one per item"
    )
    issued: dt.date | None = Field(None, description="First issued; the build date if absent")
    modified: dt.date | None = None
    languages: list[str] = Field(
        default_factory=list, description="BCP 47 tags of the data's text, e.g. en, sw, en-KE"
    )
    units: dict[str, str] = Field(
        default_factory=dict, description="Column → unit of measure (the field's `unit`)"
    )
    version_notes: str | None = Field(None, description="What changed in this version")
    previous_version: str | None = Field(None, description="The version this one replaces")
    dimensions: dict[str, ColumnCodes] = Field(
        default_factory=dict, description="Disaggregation column → SDG/SDMX dimension codes"
    )
    indicators: list[Indicator] = Field(
        default_factory=list, description="Measure columns exported as SDMX observations"
    )


# --- privacy policy (the protect step, cdx/protect/) ----------------------------------

# Safe defaults, following statistics-office practice. Anything looser is a relaxation
# and needs a recorded `reason`.
DEFAULT_K = 5
DEFAULT_CELL_THRESHOLD = 10
DEFAULT_COORDINATE_DECIMALS = 2  # about 1.1 km at the equator: a village, not a house
# Share of a table's records k-anonymity may suppress: docs/decisions/0066-suppression-bound.md
DEFAULT_SUPPRESSION_LIMIT = 0.05

IdentifierTreatment = Literal["drop", "keyed-hash"]
Detector = Literal["name", "phone", "email", "id-number", "address", "coordinates"]


class Generalisation(Strict):
    """One recoding rule for a quasi-identifier, applied while classes smaller than k remain."""

    column: str
    band: int | None = Field(
        None, ge=2, description="Numbers → bands of this width: with 10, age 23 → `20-29`"
    )
    breaks: list[float] | None = Field(
        None,
        min_length=2,
        description="Numbers → bands starting at these values, in increasing order: "
        "[0, 15, 25, 65] gives `0-14`, `15-24`, `25-64`, `65+` (SDG youth is 15-24)",
    )
    map: dict[str, str] | None = Field(
        None,
        description="Value → coarser value (village → district); unlisted values become `other`",
    )

    @model_validator(mode="after")
    def _one_rule(self) -> Generalisation:
        if sum(rule is not None for rule in (self.band, self.breaks, self.map)) != 1:
            raise ValueError("give exactly one of `band`, `breaks` or `map`")
        if self.breaks is not None and any(
            low >= high for low, high in zip(self.breaks, self.breaks[1:], strict=False)
        ):
            raise ValueError(f"`breaks` must increase: {self.breaks}")
        return self


class AggregateTable(Strict):
    """A table of counts (and values computed from them) rather than one row per person."""

    dimensions: list[str] = Field(min_length=1, description="Columns that define a cell")
    count: str | None = Field(
        None, description="The column holding the number of people in the cell"
    )
    counts: list[str] = Field(
        default_factory=list,
        description="Every column holding a number of people (participants, those who "
        "reported a barrier…); each is kept at or above the cell threshold. Instead of `count`",
    )
    values: list[str] = Field(
        default_factory=list,
        description="Columns computed from the cell's people (means, rates): hidden with "
        "any of its counts",
    )

    @model_validator(mode="after")
    def _some_count(self) -> AggregateTable:
        if (self.count is None) == (not self.counts):
            raise ValueError("give `count: COLUMN` or `counts: [COLUMN, …]` (one of them)")
        return self

    @property
    def count_columns(self) -> list[str]:
        """Every column of numbers of people, the first being the cell's size."""
        return [self.count] if self.count is not None else list(self.counts)


class AllowedHit(Strict):
    """A detector hit the coalition has checked and accepts, e.g. a public facility phone."""

    resource: str | None = Field(None, description="Resource name; every resource when absent")
    column: str
    detector: Detector
    reason: str = Field(min_length=10, description="Why publishing it harms no one")


class PrivacyPolicy(Strict):
    """How the protect step treats one dataset. The defaults are the safe ones."""

    k: int = Field(DEFAULT_K, ge=2, description="Smallest class of quasi-identifiers (microdata)")
    cell_threshold: int = Field(
        DEFAULT_CELL_THRESHOLD, ge=1, description="Smallest count published (aggregate tables)"
    )
    coordinate_decimals: int = Field(
        DEFAULT_COORDINATE_DECIMALS,
        ge=0,
        le=8,
        description="Finest GPS precision published, in decimal places of a degree",
    )
    identifiers: dict[str, IdentifierTreatment] = Field(
        default_factory=dict,
        description="Direct-identifier column → drop or keyed-hash; unlisted ones are dropped",
    )
    generalise: list[Generalisation] = Field(
        default_factory=list, description="Recoding rules for quasi-identifiers, in order"
    )
    aggregates: dict[str, AggregateTable] = Field(
        default_factory=dict, description="Resource name → its cells; other resources are microdata"
    )
    allow: list[AllowedHit] = Field(default_factory=list)
    suppression_limit: float = Field(
        DEFAULT_SUPPRESSION_LIMIT,
        ge=0,
        le=1,
        description="Largest share of a table's records k-anonymity may suppress (0.05 = 5%); "
        "beyond it publishing is refused with the classes to generalise",
    )
    reason: str | None = Field(
        None,
        description="Required when k, cell_threshold, coordinate_decimals or "
        "suppression_limit are relaxed",
    )

    def relaxations(self) -> list[str]:
        """What this policy loosens compared with the defaults, in words."""
        found = []
        if self.k < DEFAULT_K:
            found.append(f"k = {self.k} (default {DEFAULT_K})")
        if self.cell_threshold < DEFAULT_CELL_THRESHOLD:
            found.append(
                f"cell_threshold = {self.cell_threshold} (default {DEFAULT_CELL_THRESHOLD})"
            )
        if self.coordinate_decimals > DEFAULT_COORDINATE_DECIMALS:
            found.append(
                f"coordinate_decimals = {self.coordinate_decimals} "
                f"(default {DEFAULT_COORDINATE_DECIMALS})"
            )
        if self.suppression_limit > DEFAULT_SUPPRESSION_LIMIT:
            found.append(
                f"suppression_limit = {self.suppression_limit:g} "
                f"(default {DEFAULT_SUPPRESSION_LIMIT:g})"
            )
        return found

    @model_validator(mode="after")
    def _relaxing_needs_a_reason(self) -> PrivacyPolicy:
        relaxed = self.relaxations()
        if relaxed and not (self.reason and self.reason.strip()):
            raise ValueError(
                f"relaxing the privacy policy ({'; '.join(relaxed)}) needs a `reason:` "
                "saying why, which is recorded in the signed provenance"
            )
        return self


class Pseudonymisation(Strict):
    key: str = Field(
        "keys/pseudonym.key",
        description="Secret key file for keyed hashes of direct identifiers (created, mode "
        "0600, on first use; CDX_PSEUDONYM_KEY overrides it); never published",
    )


class Source(Strict):
    path: str = Field(description="CSV or XLSX file, relative to coalition.yaml")
    name: Slug | None = Field(None, description="Resource name; defaults to the file stem")
    table_schema: str | None = Field(
        None,
        alias="schema",
        description="Table Schema JSON (or builtin:NAME); inferred from the whole file if absent",
    )
    encoding: str | None = Field(
        None,
        description="Only for files that are not UTF-8: windows-1252, windows-1250, "
        "windows-1256, windows-1258, latin-1, utf-16…; a file it reads as mojibake is refused",
    )
    sheet: str | None = Field(None, description="XLSX sheet to read when there are several")
    suite: str | None = Field(
        None, description="Great Expectations suite JSON, or builtin:NAME from validations/suites"
    )


class Schedule(Strict):
    cron: str = Field(description="When to publish, e.g. '0 6 1 * *' (06:00 on the 1st)")
    timezone: str = "UTC"


FormulaPolicy = Literal["refuse", "neutralise"]

UpdateFrequency = Literal[
    "daily",
    "weekly",
    "fortnightly",
    "monthly",
    "quarterly",
    "semiannually",
    "annually",
    "as-needed",
    "never",
]


class Dataset(Strict):
    title: str
    description: str
    version: str
    licence: str | None = None
    sources: list[Source] = Field(min_length=1)
    metadata: DatasetMetadata
    schedule: Schedule | None = None
    update_frequency: UpdateFrequency = Field(
        "as-needed",
        description="How often a new version is expected; drives freshness (fresh, due, "
        "overdue, delinquent)",
    )
    catalogues: list[str] | None = Field(
        None, description="Names from `catalogues:`; all of them when absent"
    )
    privacy: PrivacyPolicy = Field(
        default_factory=PrivacyPolicy, description="The protect step's policy (safe defaults)"
    )
    formulas: FormulaPolicy = Field(
        "refuse",
        description="Cells a spreadsheet would run as a formula (=…, +cmd|…, @SUM(…)): "
        "`refuse` the dataset (the default), or `neutralise` them with a leading ' so "
        "spreadsheets show them as text; the changed cells are recorded in the provenance",
    )

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        try:
            return check_version(value)
        except InvalidVersion as exc:
            raise ValueError(f"{exc.message}; {exc.hint}") from None


class CoalitionConfig(Strict):
    coalition: CoalitionInfo
    signing: Signing
    pseudonymisation: Pseudonymisation = Field(default_factory=Pseudonymisation)
    catalogues: dict[str, str] = Field(
        default_factory=lambda: {"local": "catalogue"},
        description="Name → location: a directory, s3://bucket/prefix or ckan+https://host",
    )
    datasets: dict[str, Dataset] = Field(default_factory=dict)

    @field_validator("datasets")
    @classmethod
    def _dataset_names(cls, value: dict[str, Dataset]) -> dict[str, Dataset]:
        for name in value:
            try:
                check_slug(name, what="dataset name")
            except UnsafeName as exc:
                raise ValueError(f"{exc.message}; {exc.hint}") from None
        return value


class Coalition:
    """A loaded coalition.yaml with the directory its relative paths start from."""

    def __init__(self, config: CoalitionConfig, base_dir: Path, path: Path):
        self.config = config
        self.base_dir = base_dir
        self.path = path

    @property
    def id(self) -> str:
        return self.config.coalition.id

    def resolve(self, relative: str) -> Path:
        return (self.base_dir / relative).resolve()

    def dataset(self, name: str) -> Dataset:
        try:
            return self.config.datasets[name]
        except KeyError:
            known = ", ".join(sorted(self.config.datasets)) or "none"
            raise UnknownDataset(
                tr("there is no dataset {name!r} in {path}", name=name, path=self.path),
                hint=tr("use one of: {known}, or add it under `datasets:`", known=known),
            ) from None

    def licence_of(self, dataset: Dataset) -> str:
        return dataset.licence or self.config.coalition.licence


def load_coalition(path: Path) -> Coalition:
    """Load and check coalition.yaml, pointing at the line of the first problem."""
    if path.is_dir():
        path = path / "coalition.yaml"
    if not path.is_file():
        raise ConfigNotFound(
            tr("no coalition file at {path}", path=path),
            hint=tr("run `cdx init` to create one, or pass `--config PATH/coalition.yaml`"),
        )
    data, node = load_yaml_with_lines(path)
    if not isinstance(data, dict):
        raise ConfigError(tr("the file must be a mapping of keys to values"), where=str(path))
    try:
        config = CoalitionConfig.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, path, node) from None
    from cdx.core.code_lists import check_codes

    check_codes(config, path, node)
    return Coalition(config, path.parent.resolve(), path.resolve())


def _config_error(exc: ValidationError, path: Path, node: object) -> ConfigError:
    problems = []
    first_line: int | None = None
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = line_of(node, loc)  # type: ignore[arg-type]
        first_line = first_line or line
        dotted = ".".join(str(part) for part in loc) or "(top level)"
        if error["type"] == "extra_forbidden":
            text = tr("unknown key `{key}`", key=dotted)
        elif error["type"] == "missing":
            text = tr("required key `{key}` is missing", key=dotted)
        else:
            text = tr("`{key}`: {problem}", key=dotted, problem=error["msg"])
        problems.append(tr("line {line}: {problem}", line=line, problem=text) if line else text)
    return ConfigError(
        tr("coalition.yaml has problems:{problems}", problems=Lines(problems)),
        where=f"{path}:{first_line}" if first_line else str(path),
        hint=tr("compare with schemas/coalition.schema.json or the example in examples/"),
    )


def coalition_json_schema() -> dict[str, object]:
    """JSON Schema of coalition.yaml, generated from the models (schemas/coalition.schema.json)."""
    schema = CoalitionConfig.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://citizendata.exchange/schemas/coalition.schema.json",
        "title": "coalition.yaml",
        **{key: value for key, value in schema.items() if key != "title"},
    }
