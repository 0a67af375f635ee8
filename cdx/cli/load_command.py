"""`cdx load`: a verified package into the office's own database."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdx.cli import output
from cdx.cli.catalogue_location import existing_catalogue
from cdx.cli.options import CATALOGUE_HELP, JsonOption, TrustOption

if TYPE_CHECKING:
    from cdx.core.keys import TrustStore
    from cdx.load.loading import LoadResult

INTO_HELP = (
    "The database: a DuckDB file (a path, or duckdb:///office.duckdb; created if missing) "
    "or postgresql://USER@HOST:5432/DATABASE"
)


def load(
    package: Annotated[
        str,
        typer.Argument(
            help="A pulled package directory, or COALITION/DATASET[@VERSION] to pull from "
            "the catalogue named by --from first"
        ),
    ],
    into: Annotated[
        str, typer.Option("--into", envvar="CDX_INTO", show_envvar=True, help=INTO_HELP)
    ] = "cdx-office.duckdb",
    catalogue: Annotated[
        str | None, typer.Option("--from", help=f"With a reference: {CATALOGUE_HELP}")
    ] = None,
    trust: TrustOption = None,
    allow_untrusted: Annotated[
        bool,
        typer.Option(
            "--allow-untrusted",
            help="Load an intact package whose key is not in your trust store (recorded in "
            "cdx.load_log); a changed file is refused all the same",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Verify a package, then load its tables into your database, typed as its Table Schema.

    Each version gets its own schema, e.g. kenya_lnob__health_scorecard__v1_0_0, with keys,
    NOT NULL and CHECK constraints from the schema and its titles as comments; the schema
    kenya_lnob__health_scorecard holds views on the latest version. cdx.load_log records
    who loaded what, when, and which key signed it; cdx.packages keeps the descriptor,
    provenance and validation and privacy reports. Loading the same version again changes
    nothing; everything happens in one transaction.
    """
    from cdx.core.keys import TrustStore
    from cdx.core.settings import Settings
    from cdx.load.loading import load_package

    limits = Settings().package_limits()
    store = TrustStore.load(trust) if trust else None
    directory = Path(package)
    if directory.is_dir() or catalogue is None:
        _exists(directory, package)
        result = load_package(
            directory, into, store, allow_untrusted=allow_untrusted, limits=limits
        )
    else:
        with tempfile.TemporaryDirectory(prefix="cdx-load-") as scratch:
            pulled = _pull(catalogue, package, Path(scratch) / "package", store, allow_untrusted)
            result = load_package(
                pulled, into, store, allow_untrusted=allow_untrusted, limits=limits
            )
    if as_json:
        output.print_json(result.to_dict())
        return
    _print_result(result)


def _exists(directory: Path, given: str) -> None:
    if not directory.is_dir():
        from cdx.core.errors import ConfigError

        raise ConfigError(
            f"there is no package directory {given}",
            hint="give the directory `cdx pull` wrote, or a reference such as "
            "kenya-lnob/health-scorecard@1.0.0 with --from CATALOGUE",
        )


def _pull(
    catalogue: str, ref: str, to: Path, store: TrustStore | None, allow_untrusted: bool
) -> Path:
    """Pull `ref` into `to` as `cdx pull` does; PackageNotVerified if it is not accepted."""
    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.pull import pull_package
    from cdx.core.errors import PackageNotVerified
    from cdx.core.settings import Settings

    resolved, verification = pull_package(
        existing_catalogue(catalogue),
        PackageRef.parse(ref),
        to,
        store,
        accept_catalogue_keys=allow_untrusted,
        limits=Settings().package_limits(),
    )
    if not (verification.ok or (verification.intact and allow_untrusted)):
        problems = verification.problems
        why = (
            f"{problems[0].message} [{problems[0].code}]"
            if problems
            else f"it is signed by key {verification.key_id}, which is not in your trust store"
        )
        only_untrusted = {problem.code for problem in problems} <= {"key-untrusted"}
        raise PackageNotVerified(
            f"{resolved} did not verify when pulled from {catalogue}, so nothing was loaded: {why}",
            hint="add the coalition's key to your trust store (--trust), after confirming it "
            "with the coalition; or pass --allow-untrusted"
            if only_untrusted
            # --allow-untrusted would not help: what the catalogue serves is not what was signed
            else "the catalogue's copy is not the package the coalition signed; ask the "
            "coalition or the catalogue's administrator to publish it again",
        )
    return to


def _print_result(result: LoadResult) -> None:
    key = f"key {result.key_id}" + ("" if result.key_trusted else " (NOT in your trust store)")
    if result.outcome == "unchanged":
        output.out.print(
            f"[green]=[/] unchanged {result.ref}: already loaded into {result.schema} from the "
            f"same manifest (sha256 {result.manifest_sha256[:16]}…); nothing written",
            markup=True,
        )
        return
    output.out.print(
        f"[green]✓ loaded[/] {result.ref} into {result.target}, signed by {key}", markup=True
    )
    width = max((len(name) for name in result.tables), default=0)
    for name, rows in result.tables.items():
        output.out.print(f"  {result.schema}.{name:<{width}}  {rows:,} rows", markup=False)
    if result.latest_version == result.ref.rpartition("@")[2]:
        output.out.print(
            f"  latest: {result.latest_schema}.* now shows {result.latest_version}", markup=False
        )
    else:
        output.out.print(
            f"  latest: {result.latest_schema}.* stays on {result.latest_version}", markup=False
        )
    for rule in result.not_enforced:
        output.out.print(f"  ! not enforced by the database: {rule}", markup=False)
