"""Printing a verification for people (or as JSON)."""

from __future__ import annotations

from rich.markup import escape

from cdx.cli import output
from cdx.core.i18n import localise, say
from cdx.verify.verification import Verification


def print_verification(verification: Verification, *, as_json: bool, label: str) -> None:
    """`label` is where the package was found; the line names the package the manifest
    names, which a directory's name need not be."""
    if as_json:
        output.print_json(verification.to_dict())
        return
    name = verification.ref
    if name is not None and name != label:
        intact = verification.intact
        label = (
            say("{package} (in {folder})", package=name, folder=label)
            if intact
            else say("{folder} (the manifest says {package})", package=name, folder=label)
        )
    for problem in verification.problems:
        output.out.print("[red]✗[/]", end=" ", markup=True)
        output.out.print(f"{localise(problem.message)}  [{problem.code}]", markup=False)
    key = verification.key_id
    if verification.ok:
        output.out.print(output.marked("green", say("✓ verified")), end=" ")
        line = say(
            "{package}: every file matches the manifest, signed by trusted key {key}",
            package=label,
            key=key,
        )
        output.out.print(line, markup=False)
    elif verification.intact:
        output.out.print(output.marked("yellow", say("! intact but NOT trusted")), end=" ")
        line = say(
            "{package}: the signature checks out only against key {key} published in the "
            "catalogue, which is not in your trust store. Confirm the key with the coalition, "
            "then add it with --trust.",
            package=label,
            key=key,
        )
        output.out.print(line, markup=False)
    else:
        output.out.print(output.marked("red", say("✗ refused")) + " " + escape(label))
    for warning in verification.warnings:
        output.out.print("[yellow]![/]", end=" ", markup=True)
        output.out.print(f"{localise(warning.message)}  [{warning.code}]", markup=False)
