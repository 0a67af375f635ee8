"""`--help` paragraphs are joined, so the terminal wraps them at its own width."""

from __future__ import annotations

import subprocess
import sys

import click

from cdx.cli.language import unwrap_help


def test_lines_of_a_paragraph_are_joined_and_lists_and_paragraphs_kept() -> None:
    command = click.Command(
        "x",
        help="First line\nof one paragraph.\n\nSecond paragraph:\n- an item\n- another\n  indented",
        params=[click.Option(["--y"], help="an option's help\nover two lines")],
    )
    unwrap_help(command)
    assert command.help == (
        "First line of one paragraph.\n\nSecond paragraph:\n- an item\n- another\n  indented"
    )
    assert command.params[0].help == "an option's help over two lines"


def test_no_word_is_left_alone_on_a_line_of_cdx_load_help() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "cdx.cli.app", "load", "--help"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=True,
    ).stdout
    words = [line.strip(" │") for line in shown.splitlines() if line.strip(" │")]
    assert "with keys, NOT NULL and CHECK constraints from the schema and its titles as" in words
    assert not [w for w in words if len(w.split()) == 1 and w.endswith(",")]
