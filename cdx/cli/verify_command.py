"""Printing a verification for people (or as JSON)."""

from __future__ import annotations

from cdx.cli import output
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
        label = f"{name} (in {label})" if intact else f"{label} (the manifest says {name})"
    for problem in verification.problems:
        output.out.print("[red]✗[/]", end=" ", markup=True)
        output.out.print(f"{problem.message}  [{problem.code}]", markup=False)
    if verification.ok:
        output.out.print(
            f"[green]✓ verified[/] {label}: every file matches the manifest, signed by "
            f"trusted key {verification.key_id}",
            markup=True,
        )
    elif verification.intact:
        output.out.print(
            f"[yellow]! intact but NOT trusted[/] {label}: the signature checks out only "
            f"against key {verification.key_id} published in the catalogue, which is not in "
            "your trust store. Confirm the key with the coalition, then add it with --trust.",
            markup=True,
        )
    else:
        output.out.print(f"[red]✗ refused[/] {label}", markup=True)
    for warning in verification.warnings:
        output.out.print("[yellow]![/]", end=" ", markup=True)
        output.out.print(f"{warning.message}  [{warning.code}]", markup=False)
