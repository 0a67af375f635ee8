"""Fitness-for-use metadata of a dataset: what an office needs to judge citizen data.

The fields follow the quality dimensions of the UN National Quality Assurance Frameworks
(relevance, accuracy, timeliness, coherence, accessibility) as the Copenhagen Framework
on Citizen Data applies them. All are optional in coalition.yaml, so every existing
coalition stays valid; the package profile warns about the ones an office looks for
first (cdx/verify/profile.py). Codes are checked in cdx/core/code_lists.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The dimensions of the SDG data structure definition (IAEG-SDGs DSD_SDG) a coalition may
# map its disaggregation columns to; FREQ, SERIES, TIME_PERIOD and REPORTING_TYPE are
# written by the export itself.
SdgDimension = Literal[
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
]
# An SDMX code: an id of letters, digits and underscores (e.g. F, Y15T24, _T)
SdmxCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9_@$-]{1,50}$")]
Iso3166_2 = Annotated[
    str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", description="ISO 3166-2, e.g. KE-17")
]

SelectionMethod = Literal[
    "census",
    "simple-random",
    "stratified-random",
    "cluster",
    "multi-stage",
    "systematic",
    "quota",
    "purposive",
    "snowball",
    "respondent-driven",
    "convenience",
    "self-selected",
    "other",
]


class FitnessModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Area(FitnessModel):
    """An area by name and by code, so an office can join it to its own geography."""

    name: str
    iso_3166_2: Iso3166_2 | None = Field(None, description="ISO 3166-2 subdivision code")
    pcode: str | None = Field(
        None, description="The national P-code (humanitarian COD), e.g. KE042"
    )


class Sampling(FitnessModel):
    """How the people or groups in the data were chosen (accuracy and reliability)."""

    frame: str = Field(description="The list or area the sample was drawn from")
    selection_method: SelectionMethod
    planned_size: int | None = Field(None, ge=1)
    achieved_size: int | None = Field(None, ge=0)
    response_rate: float | None = Field(
        None, ge=0, le=1, description="Share of those approached who took part (0.82 = 82%)"
    )
    weights_column: str | None = Field(None, description="The column holding survey weights")
    weights_description: str | None = Field(
        None, description="How the weights were computed; required with `weights_column`"
    )

    @model_validator(mode="after")
    def _weights_explained(self) -> Sampling:
        if self.weights_column and not (self.weights_description or "").strip():
            raise ValueError("`weights_column` needs a `weights_description` saying how")
        return self


class ColumnCodes(FitnessModel):
    """A disaggregation column mapped to an SDG/SDMX dimension and its code list.

    `codes` maps each value of the column to a code of `dimension` (`female: F`), or to
    codes of several dimensions (`youth: {AGE: Y15T24}`, `women: {SEX: F}`). For
    REF_AREA the codes may be left out: the areas' codes of `geographic_coverage` apply.
    """

    dimension: SdgDimension | None = None
    codes: dict[str, SdmxCode | dict[SdgDimension, SdmxCode]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dimension_known(self) -> ColumnCodes:
        if self.dimension is None and any(isinstance(c, str) for c in self.codes.values()):
            raise ValueError("a plain code needs `dimension:` (e.g. SEX), or give {DIM: CODE}")
        if self.dimension is None and not self.codes:
            raise ValueError("give `dimension:` and/or `codes:`")
        if not self.codes and self.dimension != "REF_AREA":
            raise ValueError(f"give the `codes:` of {self.dimension} for each value")
        return self


class Indicator(FitnessModel):
    """A measure column of a table of indicator values: one SDMX observation per row."""

    resource: str = Field(description="The resource (table) holding the values")
    column: str = Field(description="The column of values (OBS_VALUE)")
    series: SdmxCode = Field(description="The SDG SERIES code, e.g. SH_ACS_UNHC")
    unit_measure: SdmxCode | None = Field(None, description="UNIT_MEASURE code, e.g. PT, NUMBER")
