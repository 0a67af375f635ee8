"""The `cdx` command line.

This module is the composition root: it is the only part of `cdx` that reaches into
flows/, connectors/ and validations/, and it does so inside each command so that
`cdx --help` and `cdx verify` start fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from cdx.cli import output
from cdx.cli.catalogue_location import existing_catalogue
from cdx.cli.language import speak_language_of, translate_help, unwrap_help, with_lang_option
from cdx.cli.options import (
    CATALOGUE_HELP,
    DEFAULT_CONFIG,
    ConfigOption,
    JsonOption,
    TrustOption,
)
from cdx.core.errors import CdxError
from cdx.core.i18n import localise, say

app = typer.Typer(
    name="cdx",
    help="Citizen Data Exchange: validate, seal and publish citizen data; pull and verify it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
F = TypeVar("F", bound=Callable[..., Any])


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        output.out.print(f"cdx {version('cdx')}", markup=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print cdx's version"
        ),
    ] = False,
) -> None:
    """Citizen Data Exchange: validate, seal and publish citizen data; pull and verify it."""


def speaks_errors(command: F) -> F:
    """Turn a CdxError into its message and exit code instead of a traceback, in the
    language --lang (added to every command here), coalition.yaml or the locale asks for."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            speak_language_of(kwargs)
            return command(*args, **kwargs)
        except CdxError as error:
            raise typer.Exit(
                output.report_error(error, as_json=kwargs.get("as_json", False))
            ) from None
        except OSError as error:
            if error.filename is None:  # not a path's: a service's, reported where it is
                raise
            from cdx.cli.usage_errors import path_unusable

            unusable = path_unusable(error)
            raise typer.Exit(
                output.report_error(unusable, as_json=kwargs.get("as_json", False))
            ) from None

    with_lang_option(wrapper, command)
    return wrapper  # type: ignore[return-value]


@app.command()
@speaks_errors
def init(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Where coalition.yaml is written (default: where -c or CDX_CONFIG says, else here)"
        ),
    ] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    coalition_id: Annotated[
        str | None, typer.Option("--id", help="Short id, e.g. kenya-lnob (default: my-coalition)")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Full name of the coalition (default: My coalition)")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO country code, e.g. KE (default: KE)")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Contact e-mail (default: data@example.org)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create coalition.yaml (if missing) and the coalition's Ed25519 signing key.

    In a directory that has a coalition.yaml, --id, --name, --country and --email must
    agree with it (or be left out): init never rewrites it.
    """
    from cdx.cli.scaffold import CoalitionDetails, init_coalition

    asked = CoalitionDetails(id=coalition_id, name=name, country=country, email=email)
    file = directory / DEFAULT_CONFIG.name if directory is not None else config
    result = init_coalition(file.parent, asked, file_name=file.name)
    if as_json:
        output.print_json({"ok": True, "done": result})
        return
    for line in result:
        output.out.print(localise(line), markup=False)


@app.command()
@speaks_errors
def validate(
    target: Annotated[str, typer.Argument(help="A CSV/XLSX file, or a dataset of coalition.yaml")],
    config: ConfigOption = DEFAULT_CONFIG,
    schema: Annotated[
        Path | None, typer.Option(help="Table Schema for a file (else inferred)")
    ] = None,
    suite: Annotated[Path | None, typer.Option(help="Great Expectations suite for a file")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet to read")] = None,
    encoding: Annotated[str | None, typer.Option(help="Encoding of a non-UTF-8 CSV")] = None,
    limit: Annotated[int, typer.Option(help="Findings to print")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Validate a file, or a dataset with every gate `cdx publish` runs: exit 0 valid, 1
    invalid, 2 usage or configuration error.

    A dataset also goes through the privacy gate as a preview (roles, detectors,
    k-anonymity and cell suppression, with what they would suppress); nothing is sealed
    or published. A valid dataset is one `cdx publish` accepts.
    """
    from cdx.cli.validate_command import blocker_lines, preview_lines, validate_target

    report, privacy, blocker = validate_target(
        target, config, schema=schema, suite=suite, sheet=sheet, encoding=encoding
    )
    if as_json:
        document = report.to_dict()
        if privacy is not None:
            document["privacy"] = {"preview": True, **privacy.to_dict()}
            document["publishing"] = {"ok": blocker is None}
            if blocker is not None:
                document["publishing"]["error"] = blocker.to_dict()
        output.print_json(document)
    else:
        lines = output.header_advice(report, target)
        lines += preview_lines(privacy) if privacy is not None else []
        lines += blocker_lines(blocker) if blocker is not None else []
        output.print_report(report, limit=limit, before_verdict=lines)
    raise typer.Exit(0 if report.valid else output.EXIT_INVALID)


@app.command()
@speaks_errors
def publish(
    datasets: Annotated[list[str] | None, typer.Argument(help="Datasets (default: all)")] = None,
    config: ConfigOption = DEFAULT_CONFIG,
    prefect: Annotated[
        bool,
        typer.Option(
            "--prefect",
            help="Run the Prefect flow even without PREFECT_API_URL (a temporary server; "
            "its history under the coalition's .cdx/prefect)",
        ),
    ] = False,
    limit: Annotated[int, typer.Option(help="Findings to print for a refused dataset")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Stage, build, validate, protect, seal and publish datasets.

    With a Prefect server (PREFECT_API_URL, or --prefect) each dataset is a run of the
    publish_dataset flow there; without one the same steps run here and each run is
    recorded in .cdx/runs.jsonl beside coalition.yaml. A refused dataset's findings are
    printed as `cdx validate` prints them; exit 1.
    """
    from cdx.cli.publish_command import print_outcomes, run_publish

    results = run_publish(config, datasets or [], prefect=prefect)
    code = print_outcomes(results, as_json=as_json, limit=limit)
    if code:
        raise typer.Exit(code)


@app.command()
@speaks_errors
def pull(
    catalogue: Annotated[str, typer.Argument(help=CATALOGUE_HELP)],
    ref: Annotated[
        str,
        typer.Argument(
            help="COALITION/DATASET or COALITION/DATASET@VERSION, e.g. "
            "kenya-lnob/youth-survey@1.0.0 (default: @latest)"
        ),
    ],
    to: Annotated[Path, typer.Option("--to", help="New directory for the package")],
    trust: TrustOption = None,
    accept_catalogue_keys: Annotated[
        bool,
        typer.Option(help="Accept a signature checked only against keys the catalogue publishes"),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Fetch a package and verify it before it appears under --to."""
    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.pull import pull_package
    from cdx.core.keys import TrustStore
    from cdx.core.settings import Settings

    settings = Settings()
    store = TrustStore.load(trust) if trust else None
    resolved, verification = pull_package(
        existing_catalogue(catalogue),
        PackageRef.parse(ref),
        to,
        store,
        accept_catalogue_keys=accept_catalogue_keys,
        limits=settings.package_limits(),
    )
    from cdx.cli.verify_command import print_verification

    accepted = verification.ok or (verification.intact and accept_catalogue_keys)
    print_verification(verification, as_json=as_json, label=str(resolved))
    raise typer.Exit(0 if accepted else output.EXIT_INVALID)


@app.command()
@speaks_errors
def verify(
    directory: Annotated[Path, typer.Argument(help="A sealed package directory")],
    trust: TrustOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check every file, the signature and the profile: exit 0 only if trusted and intact."""
    from cdx.cli.verify_command import print_verification
    from cdx.core.keys import TrustStore
    from cdx.core.settings import Settings
    from cdx.verify.verification import verify_package

    settings = Settings()
    store = TrustStore.load(trust) if trust else None
    verification = verify_package(directory, store, limits=settings.package_limits())
    print_verification(verification, as_json=as_json, label=str(directory))
    raise typer.Exit(0 if verification.ok else output.EXIT_INVALID)


@app.command(name="list")
@speaks_errors
def list_packages(
    catalogue: Annotated[str, typer.Argument(help=CATALOGUE_HELP)],
    as_json: JsonOption = False,
) -> None:
    """List the committed packages of a catalogue."""
    entries = existing_catalogue(catalogue).entries()
    if as_json:
        output.print_json([entry.to_dict() for entry in entries])
        return
    if not entries:  # a folder that is not the catalogue (`cdx list data`) says so too
        output.out.print(
            say(
                "no committed packages in {catalogue}: check that it is the catalogue "
                "`cdx publish` wrote to (coalition.yaml's `catalogues:`)",
                catalogue=catalogue,
            ),
            markup=False,
        )
    for entry in entries:
        output.out.print(
            f"{entry.coalition}/{entry.dataset}@{entry.version}  {entry.committed}  {entry.key_id}",
            markup=False,
        )


schema_app = typer.Typer(
    help="Print the JSON Schema of coalition.yaml; `cdx schema infer FILE|DATASET` writes a "
    "starter Table Schema with a suggested privacy role per column.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
)
app.add_typer(schema_app, name="schema")


@schema_app.callback()
def print_schema(context: typer.Context, as_json: JsonOption = False) -> None:
    """Print the JSON Schema of coalition.yaml (schemas/coalition.schema.json); it is
    JSON with or without --json."""
    if context.invoked_subcommand is not None:
        return
    from cdx.core.coalition import coalition_json_schema

    output.print_json(coalition_json_schema())


@schema_app.command("infer")
@speaks_errors
def schema_infer(
    target: Annotated[str, typer.Argument(help="A CSV/XLSX file, or a dataset of coalition.yaml")],
    config: ConfigOption = DEFAULT_CONFIG,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema here (default: stdout)")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="The dataset's source, when it has several")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet to read")] = None,
    encoding: Annotated[str | None, typer.Option(help="Encoding of a non-UTF-8 CSV")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a starter Table Schema: types from the whole file, a suggested cdx:role per column.

    Each suggestion's reason is printed and kept as `cdx:roleReason`: confirm every role,
    then name the file as the source's `schema:` in coalition.yaml.
    """
    from cdx.cli.schema_command import infer_starter_schema, schema_text

    schema, suggestions = infer_starter_schema(
        target, config, source=source, sheet=sheet, encoding=encoding
    )
    if as_json:  # the roles and their reasons are in the schema, as cdx:role and cdx:roleReason
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(schema_text(schema), encoding="utf-8")
        output.print_json({"ok": True, "out": None if out is None else str(out), "schema": schema})
        return
    # The reasons go to the terminal's other stream, so stdout stays one JSON document.
    speak = output.err if out is None else output.out
    width = max((len(s.column) for s in suggestions), default=0)
    speak.print(say("Suggested privacy roles (confirm each one):"), markup=False)
    for suggestion in suggestions:
        role = f"{suggestion.role}" + (" + cdx:detect" if suggestion.detect else "")
        speak.print(f"  {suggestion.column:<{width}}  {role}: {suggestion.reason}", markup=False)
    if out is None:
        output.out.print(schema_text(schema), end="", markup=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)  # the README's `--out schemas/x.json`
    out.write_text(schema_text(schema), encoding="utf-8")
    wrote = say("Wrote {file}; set `schema: {file}` on the source in coalition.yaml.", file=out)
    speak.print(wrote, markup=False)


def _register_steward_commands() -> None:
    from cdx.cli.export_command import ExportCommand, export
    from cdx.cli.load_command import load
    from cdx.cli.site_command import site
    from cdx.cli.steward import deploy, notify, status

    app.command()(speaks_errors(deploy))
    app.command()(speaks_errors(notify))
    app.command()(speaks_errors(status))
    app.command(cls=ExportCommand)(speaks_errors(export))
    app.command()(speaks_errors(site))
    app.command()(speaks_errors(load))


_register_steward_commands()


def _register_metadata_command() -> None:
    from cdx.cli.metadata_command import metadata

    app.command()(speaks_errors(metadata))


_register_metadata_command()


catalogue_app = typer.Typer(
    help="Look after a catalogue.", no_args_is_help=True, pretty_exceptions_enable=False
)
app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.command("gc")
@speaks_errors
def catalogue_gc(
    catalogue: Annotated[
        str, typer.Argument(help="Catalogue location: a directory, or s3://BUCKET/PREFIX")
    ],
    older_than: Annotated[
        str, typer.Option("--older-than", help="Only leftovers older than this: 90s, 30m, 24h, 7d")
    ] = "24h",
    apply: Annotated[bool, typer.Option("--apply", help="Remove them; default: only list")] = False,
    coalition: Annotated[
        list[str] | None,
        typer.Option(help="Only this coalition's prefix (needed with a coalition's credentials)"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Remove what killed publishers left older than --older-than (dry run); index what
    a directory's catalog.json misses."""
    from cdx.cli.catalogue_command import run_gc

    run_gc(catalogue, older_than, apply=apply, coalitions=coalition or [], as_json=as_json)


def main() -> None:
    import os
    import sys

    from typer.main import get_command

    command = get_command(app)  # what app() runs, with its help in the person's language
    arguments = sys.argv[1:]
    translate_help(command, arguments, os.environ)
    unwrap_help(command)
    from cdx.cli.usage_errors import run_command_line

    sys.exit(run_command_line(command, arguments))


if __name__ == "__main__":
    main()
