"""What speaking a language costs the command line: reading the compiled catalogue (.mo,
the standard library's gettext) against parsing the .po with Babel at run time, and the
start of `cdx --help` in English and in French, each against `python -c pass` measured in
the same run.

    .venv/bin/python tests/bench/languages.py [--runs 7]
"""

from __future__ import annotations

import argparse
import gettext
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCALES = REPO / "cdx" / "locales"


def best_of(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def in_child(code: str, runs: int, **environ: str) -> float:
    env = {**os.environ, **environ}
    return best_of(
        runs,
        lambda: subprocess.run(
            [sys.executable, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL
        ),
    )


HELP = (
    "import sys; sys.argv = ['cdx', '--help']\n"
    "from cdx.cli.app import main\n"
    "try: main()\n"
    "except SystemExit: pass"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    def read_mo() -> None:
        gettext._translations.clear()  # type: ignore[attr-defined]
        gettext.translation("cdx", LOCALES, languages=["fr"]).gettext("Error")

    def read_po() -> None:
        from babel.messages.pofile import read_po

        with (LOCALES / "fr" / "LC_MESSAGES" / "cdx.po").open("rb") as handle:
            read_po(handle, locale="fr")

    python = in_child("pass", runs)
    babel = in_child("import babel.messages.pofile", runs) - python
    help_en = in_child(HELP, runs, LANG="C.UTF-8")
    help_fr = in_child(HELP, runs, LANG="fr_FR.UTF-8")
    print("| what | ms (median) |")
    print("|---|---|")
    print(f"| read fr cdx.mo (gettext) | {best_of(runs * 10, read_mo):.2f} |")
    print(f"| parse fr cdx.po (Babel, once imported) | {best_of(runs, read_po):.2f} |")
    print(f"| import Babel's po reader | {babel:.0f} |")
    print(f"| `python -c pass` | {python:.0f} |")
    print(f"| `cdx --help` | {help_en:.0f} |")
    print(f"| `cdx --help` (LANG=fr_FR.UTF-8) | {help_fr:.0f} |")
    print(f"\nFrench help vs English: {help_fr / help_en:.2f}×")


if __name__ == "__main__":
    main()
