"""`cdx catalogue gc`: find, and with --apply remove, what interrupted publishers left."""

from __future__ import annotations

import datetime as dt
import re

from cdx.cli import output
from cdx.core.errors import CatalogueError, ConfigError
from cdx.core.i18n import say, tr

AGE = re.compile(r"^\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d)\s*$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
# done, failed, dry run: by the collector's remedy
VERBS = {
    "remove": (tr("removed {item}"), tr("could not remove {item}"), tr("would remove {item}")),
    "index": (tr("indexed {item}"), tr("could not index {item}"), tr("would index {item}")),
}


def parse_age(text: str) -> dt.timedelta:
    """`90s`, `30m`, `24h`, `7d` → a timedelta."""
    match = AGE.match(text)
    if not match:
        raise ConfigError(
            tr("--older-than {text!r} is not an age", text=text),
            hint=tr("write a number and a unit: 90s, 30m, 24h or 7d"),
        )
    return dt.timedelta(**{UNITS[match["unit"]]: float(match["amount"])})


def run_gc(
    location: str, older_than: str, *, apply: bool, coalitions: list[str], as_json: bool
) -> None:
    """Collect the catalogue's garbage and say what went (or would go)."""
    from cdx.cli.catalogue_location import existing_catalogue
    from cdx.connectors.abilities import CollectsGarbage

    age = parse_age(older_than)
    catalogue = existing_catalogue(location)  # a missing directory is not a clean one
    if not isinstance(catalogue, CollectsGarbage):
        raise CatalogueError(
            tr("the catalogue {location} has no garbage collection", location=catalogue.location),
            hint=tr(
                "gc applies to local and S3 catalogues, where interrupted publishers leave "
                "files or objects"
            ),
        )
    found = catalogue.collect_garbage(age, apply=apply, coalitions=coalitions or None)
    if as_json:
        output.print_json({"apply": apply, "garbage": [item.to_dict() for item in found]})
        return
    for item in found:
        done, failed, dry = VERBS.get(item.remedy, VERBS["remove"])
        verb = done if item.removed else (failed if apply else dry)
        output.out.print(say(verb.msgid, item=item.describe()), markup=False)
    if not found:
        output.out.print(say("nothing older than {age} to remove", age=older_than), markup=False)
    elif not apply:
        output.out.print(say("dry run: run again with --apply to remove these"), markup=False)
