"""SPDX licence ids as Data Package `licenses` entries."""

from __future__ import annotations

KNOWN = {
    "CC-BY-4.0": (
        "https://creativecommons.org/licenses/by/4.0/",
        "Creative Commons Attribution 4.0",
    ),
    "CC-BY-SA-4.0": (
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "Creative Commons Attribution Share-Alike 4.0",
    ),
    "CC0-1.0": ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
    "ODbL-1.0": ("https://opendatacommons.org/licenses/odbl/1-0/", "Open Data Commons ODbL 1.0"),
    "PDDL-1.0": ("https://opendatacommons.org/licenses/pddl/1-0/", "Open Data Commons PDDL 1.0"),
    "CC-BY-NC-4.0": (
        "https://creativecommons.org/licenses/by-nc/4.0/",
        "Creative Commons Attribution-NonCommercial 4.0",
    ),
}


def licence_entry(spdx: str) -> dict[str, str]:
    path, title = KNOWN.get(spdx, (f"https://spdx.org/licenses/{spdx}.html", spdx))
    return {"name": spdx, "path": path, "title": title}
