"""The catalogue registry: which backend opens a location, lazily, and what it may do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdx.connectors.abilities import CollectsGarbage, HasSeries
from cdx.connectors.catalogue import CredentialSet
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.connectors.registry import (
    backend_for,
    credentials_for,
    find_backend,
    open_catalogue,
    register_backend,
    scheme_of,
)
from cdx.core.errors import CatalogueError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("location", "scheme", "backend"),
    [
        ("/srv/catalogue", "", "local"),
        ("catalogue", "", "local"),
        ("file:/srv/catalogue", "", "local"),
        ("s3://bucket/prefix", "s3", "s3"),
        ("ckan+https://portal.example.org", "ckan+https", "ckan"),
        ("ckan+http://127.0.0.1:5000", "ckan+http", "ckan"),
    ],
)
def test_a_locations_scheme_names_its_backend(location: str, scheme: str, backend: str) -> None:
    assert scheme_of(location) == scheme
    assert backend_for(location).name == backend


def test_an_unknown_scheme_is_a_coded_error_that_names_the_known_ones() -> None:
    assert find_backend("ftp://example.org/catalogue") is None
    with pytest.raises(CatalogueError, match="does not know how to publish") as caught:
        open_catalogue("ftp://example.org/catalogue")
    assert caught.value.code == "catalogue-error"
    assert "use a directory path" in (caught.value.hint or "")
    assert "s3://" in (caught.value.hint or "")


def test_a_relative_directory_is_read_from_the_coalitions_folder(tmp_path: Path) -> None:
    catalogue = open_catalogue("catalogue", base_dir=tmp_path)
    assert isinstance(catalogue, LocalCatalogue)
    assert catalogue.root == (tmp_path / "catalogue").resolve()


def test_a_backend_takes_its_own_credentials_out_of_a_set() -> None:
    from cdx.connectors.ckan.backend import CkanCredentials
    from cdx.connectors.s3.backend import S3Credentials

    ckan, s3 = backend_for("ckan+https://x.org"), backend_for("s3://b")
    token = CkanCredentials("secret-token", source="Secret block 'x'")
    given = CredentialSet({"ckan": token})
    assert credentials_for(ckan, given) is token
    assert credentials_for(s3, given) is None
    assert credentials_for(ckan, token) is token
    with pytest.raises(CatalogueError, match="not credentials of the s3 catalogue"):
        credentials_for(s3, token)
    assert given.source == "Secret block 'x'" and CredentialSet().source == "environment"
    assert "secret-token" not in repr(given) and "secret-token" not in repr(S3Credentials())


def test_a_scheme_cannot_be_taken_twice() -> None:
    class Impostor:
        name = "impostor"
        schemes = ("s3",)

    with pytest.raises(CatalogueError, match="belongs to the s3 catalogue"):
        register_backend(Impostor())  # type: ignore[arg-type]


def test_looking_up_every_backend_imports_no_client_library() -> None:
    probe = (
        "import json, sys\n"
        "from cdx.connectors.registry import backend_for\n"
        "names = [backend_for(l).name for l in ('/x', 's3://b', 'ckan+https://h')]\n"
        "heavy = [m for m in ('boto3', 'ckanapi', 'prefect', 'prefect_aws') if m in sys.modules]\n"
        "print(json.dumps([names, heavy]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [["local", "s3", "ckan"], []]


def test_abilities_are_protocols_checked_with_isinstance(tmp_path: Path) -> None:
    from cdx.connectors.ckan.catalogue import CkanCatalogue
    from cdx.connectors.s3.catalogue import S3Catalogue

    local = LocalCatalogue(tmp_path)
    assert isinstance(local, CollectsGarbage) and not isinstance(local, HasSeries)
    s3 = S3Catalogue("bucket", "prefix")  # builds a client; sends nothing
    assert isinstance(s3, CollectsGarbage) and not isinstance(s3, HasSeries)
    ckan = CkanCatalogue("http://127.0.0.1:9")
    assert isinstance(ckan, HasSeries) and not isinstance(ckan, CollectsGarbage)


def test_gc_on_a_catalogue_without_garbage_collection_is_a_coded_error(tmp_path: Path) -> None:
    from cdx.cli.app import app

    # A directory collects its own garbage now (docs/decisions/0064-local-catalogue-crashes.md).
    result = CliRunner().invoke(
        app, ["catalogue", "gc", "ckan+http://127.0.0.1:9", "--older-than", "1h"]
    )
    assert result.exit_code != 0
    assert "catalogue-error" in result.output and "has no garbage collection" in result.output
