"""A source file cdx cannot accept as data is a failure of the data, like an invalid
dataset: exit 1 on the command line, and named as such in a scheduled run's summary."""

from __future__ import annotations

import pytest

from cdx.cli.output import EXIT_INVALID, EXIT_USAGE, exit_code_for
from cdx.core.errors import (
    SYSTEM_FAILURE,
    CatalogueError,
    CdxError,
    CellTooLarge,
    CoalitionIncomplete,
    DatasetInvalid,
    SourceEmpty,
    SourceEncoding,
    SourceFormat,
    SourceFormula,
    SourceMissing,
    SourceMojibake,
    SourceTooLarge,
    data_failure_codes,
)

DATA = [DatasetInvalid, SourceEmpty, SourceEncoding, SourceMojibake, SourceFormat]
DATA += [SourceFormula, SourceTooLarge, CellTooLarge]


@pytest.mark.parametrize("kind", DATA)
def test_what_is_wrong_with_the_data_exits_1(kind: type[CdxError]) -> None:
    assert exit_code_for(kind("x")) == EXIT_INVALID
    assert kind.code in data_failure_codes()


@pytest.mark.parametrize("kind", [SourceMissing, CatalogueError])
def test_a_wrong_path_or_a_catalogue_is_not_the_datas_fault(kind: type[CdxError]) -> None:
    assert exit_code_for(kind("x")) == EXIT_USAGE
    assert kind.code not in data_failure_codes()


def test_a_coalition_run_names_each_data_failure_with_its_code() -> None:
    failures = {"scores": "source-formula", "survey": "dataset-invalid", "x": "catalogue-error"}
    message = str(CoalitionIncomplete(failures, 4))
    assert "failure of the data (dataset-invalid): survey" in message
    assert "failure of the data (source-formula): scores" in message
    assert f"{SYSTEM_FAILURE}: x (catalogue-error)" in message


@pytest.mark.parametrize(
    ("message", "data", "system"),
    [
        ("[dataset-invalid] kenya-lnob/scores 1.0.0 has 2 errors", True, False),
        ("Flow run encountered an exception: SourceFormula: [source-formula] a.csv", True, False),
        ("[catalogue-unreachable] the catalogue did not answer", False, True),
        (
            "[datasets-failed] failure of the data (cell-too-large): a; failure of the system: b",
            True,
            True,
        ),
    ],
)
def test_the_stewards_notification_says_whose_failure_it_was(
    message: str, data: bool, system: bool
) -> None:
    import jinja2

    from cdx.flows.notifications import BODY

    run = {"name": "kenya-lnob/scores@1.0.0", "state": {"name": "Failed", "message": message}}
    body = jinja2.Environment().from_string(BODY).render(flow_run=run)
    assert ("Failure of the DATA" in body, "Failure of the SYSTEM" in body) == (data, system)
