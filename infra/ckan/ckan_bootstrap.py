"""Prepare a CKAN site with CKAN's own CLI commands, run in one process (CKAN's venv).

Run by ckan_service.py as ``CKAN_VENV/bin/python ckan_bootstrap.py SPEC_JSON``. It runs
``ckan generate config``, ``ckan config-tool``, ``ckan db init``, ``ckan user add`` and
``ckan user token add`` — each as a separate ``ckan`` process would, but importing CKAN
once rather than once per command (infra/ckan/README.md). Prints the sysadmin's API
token last.
"""

from __future__ import annotations

import json
import sys

from ckan.cli.cli import ckan as ckan_cli
from click.testing import CliRunner  # gives CKAN's commands the binary stdout they expect


def ckan(*args: str) -> str:
    # CKAN's CLI reads sys.argv to decide whether a command needs a config file.
    sys.argv = ["ckan", *args]
    result = CliRunner().invoke(ckan_cli, list(args))
    if result.exit_code != 0:
        sys.exit(f"`ckan {' '.join(args)}` failed ({result.exit_code}):\n{result.output}")
    return result.output


def main() -> None:
    spec = json.loads(sys.argv[1])
    config, sysadmin = spec["config"], spec["sysadmin"]
    ckan("generate", "config", config)
    ckan("config-tool", config, *spec["options"])
    ckan("-c", config, "db", "init")
    ckan(
        "-c",
        config,
        "user",
        "add",
        sysadmin["name"],
        f"email={sysadmin['email']}",
        f"password={sysadmin['password']}",
        "sysadmin=true",
    )
    token = ckan("-c", config, "user", "token", "add", sysadmin["name"], "cdx").split()[-1]
    print(token)


if __name__ == "__main__":
    main()
