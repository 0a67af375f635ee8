"""`build_site`: the static catalogue site of one catalogue, rebuilt where its input changed.

Layout under `out` (every link relative, so the site reads from file:// and from an S3
website endpoint):

    index.html                         coalitions and datasets, freshness, search
    static/site.css, search.js         the same for every build
    static/search-index.js             the search index as a script (file:// blocks fetch())
    COALITION/DATASET/index.html       a dataset and its versions
    COALITION/DATASET/VERSION/index.html   one version; its files under files/
    COALITION/DATASET/VERSION/report.html  its validation report, rendered by cdx
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version as installed_version
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from cdx.connectors.catalogue import Catalogue, CatalogueEntry, PackageRef
from cdx.core.errors import Terminal
from cdx.core.freshness import classify
from cdx.core.names import version_key
from cdx.reports.rendering import render, templates_fingerprint
from cdx.reports.validation_report import render_report_page
from cdx.site.build_state import BuildState, input_hash, write_atomically
from cdx.site.package_facts import degraded, version_facts

STATIC = files("cdx.site") / "static"
FILES_DIR = "files"
REPORT_PAGE = "report.html"  # beside the version page


@dataclass
class BuildResult:
    written: list[str] = field(default_factory=list)  # paths under `out`, pages and copies
    versions: int = 0
    datasets: int = 0
    fetched: int = 0  # packages copied from the catalogue
    refused: list[dict[str, str]] = field(default_factory=list)  # versions left out: why


def build_site(
    catalogue: Catalogue,
    out: Path,
    *,
    now: dt.datetime,
    frequencies: dict[tuple[str, str], str] | None = None,
    lang: str = "en",
    translations: Any | None = None,
) -> BuildResult:
    """Build or update the site of `catalogue` in `out`.

    `frequencies`: the expected update frequency of (coalition, dataset) from coalition.yaml,
    which wins; otherwise the one the latest version's index entry carries; a dataset with
    neither is "as-needed" (always fresh).
    """
    frequencies = frequencies or {}
    out.mkdir(parents=True, exist_ok=True)
    renderer = f"{templates_fingerprint()} cdx {_cdx_version()} {lang} {_catalogue_digest(lang)}"
    state = BuildState.load(out, renderer)
    result = BuildResult()
    entries = sorted(
        catalogue.entries(), key=lambda e: (e.coalition, e.dataset, version_key(e.version))
    )
    keys: dict[str, dict[str, Any]] = {}
    context: dict[str, Any] = {"lang": lang, "translations": translations}
    usable = []
    for entry in entries:
        try:
            _version_page(catalogue, entry, out, state, keys, result, context)
        except Terminal as refused:  # this package only: the others still get their pages
            ref = str(PackageRef(entry.coalition, entry.dataset, entry.version))
            result.refused.append({"ref": ref, "code": refused.code, "message": refused.message})
            _prune_empty(out, _key(entry))
            continue
        usable.append(entry)
    entries = usable
    by_dataset: dict[tuple[str, str], list[CatalogueEntry]] = defaultdict(list)
    for entry in entries:
        by_dataset[(entry.coalition, entry.dataset)].append(entry)
    datasets = []
    for (coalition, dataset), versions in by_dataset.items():
        latest = max(versions, key=lambda e: e.committed)
        frequency = frequencies.get((coalition, dataset)) or latest.update_frequency or "as-needed"
        verdict = classify(dt.datetime.fromisoformat(latest.committed), frequency, now)
        row = {
            **state.summaries[_key(versions[-1])],
            "key": f"{coalition}/{dataset}",
            "href": f"{coalition}/{dataset}/index.html",
            "frequency": frequency,
            "freshness": str(verdict.state),
            "ageDays": None if verdict.age_days is None else round(verdict.age_days, 1),
            "lastPublished": latest.committed,
            "versions": [e.version for e in reversed(versions)],
            "sdg": _union(state.summaries[_key(e)]["sdg"] for e in versions),
            "groups": _union(state.summaries[_key(e)]["groups"] for e in versions),
        }
        datasets.append(row)
        page = f"{coalition}/{dataset}/index.html"
        pages = [state.summaries[_key(e)] for e in reversed(versions)]
        shown = {name: value for name, value in row.items() if name != "ageDays"}  # not shown
        digest = input_hash({"dataset": shown, "versions": pages})
        if not state.unchanged(out, page, digest):
            html = render("site_dataset.html", **context, root="../../", row=row, versions=pages)
            _write(out, page, html, result)
            state.pages[page] = digest
    _indexes(out, datasets, now, context, result)
    _static(out, result)
    live = {_key(e) for e in entries}
    state.summaries = {k: v for k, v in state.summaries.items() if k in live}
    state.save(out)
    result.versions, result.datasets = len(entries), len(datasets)
    return result


def _version_page(
    catalogue: Catalogue,
    entry: CatalogueEntry,
    out: Path,
    state: BuildState,
    keys: dict[str, dict[str, Any]],
    result: BuildResult,
    context: dict[str, Any],
) -> None:
    """Fetch the package and write its page, unless both are there from the same entry."""
    key = _key(entry)
    page = f"{key}/index.html"
    digest = input_hash(entry.to_dict())
    if state.unchanged(out, page, digest) and key in state.summaries:
        return
    if entry.coalition not in keys:
        keys[entry.coalition] = catalogue.published_keys(entry.coalition)
    target = out / key / FILES_DIR
    incoming = out / key / f".{FILES_DIR}-incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    try:
        catalogue.fetch(PackageRef(entry.coalition, entry.dataset, entry.version), incoming)
    except BaseException:  # refused (a link, `..`, a file longer than declared …): keep nothing
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    shutil.rmtree(target, ignore_errors=True)
    incoming.rename(target)
    result.fetched += 1
    result.written += [
        f"{key}/{FILES_DIR}/{p.relative_to(target).as_posix()}"
        for p in target.rglob("*")
        if p.is_file()
    ]
    facts = version_facts(target, entry.to_dict(), keys[entry.coalition])
    report = _report_page(facts, context)
    if report is not None:
        _write(out, f"{key}/{REPORT_PAGE}", report, result)
    page_context = {
        **context,
        "root": "../../../",
        "catalogue": catalogue.location,
        "ref": str(PackageRef(entry.coalition, entry.dataset, entry.version)),
        "report_page": REPORT_PAGE if report is not None else None,
    }
    try:
        html = render("site_version.html", facts=facts, **page_context)
    except (TypeError, AttributeError, ValueError, jinja2.TemplateError) as error:
        # A document of the right name but the wrong shape: a page that says so.
        problem = f"a report or the provenance could not be read ({type(error).__name__})"
        facts = degraded(facts, problem)
        html = render("site_version.html", facts=facts, **page_context)
    _write(out, page, html, result)
    state.pages[page] = digest
    state.summaries[key] = facts["summary"]


def _prune_empty(out: Path, key: str) -> None:
    """Remove the folders a refused version left empty (version, dataset, coalition)."""
    folder = out / key
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _report_page(facts: dict[str, Any], context: dict[str, Any]) -> str | None:
    """The validation report, rendered by cdx's own templates from the package's
    validation.json and privacy.json, in the site's language. The package's own
    validation.html came from the catalogue unverified: it is offered as a download, never
    linked as a page of the site, so a hostile catalogue's HTML runs no script there."""
    if not facts["validation"]:
        return None
    try:
        return render_report_page(
            facts["validation"],
            facts["privacy"],
            facts["descriptor"] or None,
            lang=context["lang"],
            translations=context["translations"],
        )
    except (TypeError, AttributeError, ValueError, KeyError, jinja2.TemplateError):
        return None  # a report of the wrong shape: the version page says what it can


def _indexes(
    out: Path,
    datasets: list[dict[str, Any]],
    now: dt.datetime,
    context: dict[str, Any],
    result: BuildResult,
) -> None:
    """index.html and the search index: always written, they change with every publish."""
    coalitions: dict[str, dict[str, Any]] = {}
    for row in datasets:
        coalition = coalitions.setdefault(
            row["coalition"],
            {"id": row["coalition"], "name": row["coalitionName"], "datasets": []},
        )
        coalition["datasets"].append(row)
    html = render(
        "site_index.html",
        **context,
        root="",
        coalitions=list(coalitions.values()),
        generated=now.replace(microsecond=0).isoformat(),
    )
    _write(out, "index.html", html, result)
    index = json.dumps(datasets, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    _write(out, "static/search-index.js", f"window.CDX_INDEX = {index};\n", result)


def _static(out: Path, result: BuildResult) -> None:
    """The style sheet and the search script, written only when they differ."""
    from cdx.reports.rendering import TEMPLATES

    sources = {
        "static/site.css": (TEMPLATES / "style.css").read_text(encoding="utf-8"),
        "static/search.js": (STATIC / "search.js").read_text(encoding="utf-8"),
    }
    for path, text in sources.items():
        current = out / path
        if not current.is_file() or current.read_text(encoding="utf-8") != text:
            _write(out, path, text, result)


def _write(out: Path, path: str, text: str, result: BuildResult) -> None:
    write_atomically(out / path, text)
    result.written.append(path)


def _key(entry: CatalogueEntry) -> str:
    return f"{entry.coalition}/{entry.dataset}/{entry.version}"


def _union(lists: Any) -> list[str]:
    seen: list[str] = []
    for values in lists:
        seen += [v for v in values if v not in seen]
    return seen


def _catalogue_digest(lang: str) -> str:
    """The compiled messages of `lang`: a corrected translation rebuilds every page."""
    from cdx.core.i18n import DOMAIN, LOCALES

    compiled = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    return hashlib.sha256(compiled.read_bytes()).hexdigest()[:16] if compiled.is_file() else "-"


def _cdx_version() -> str:
    try:
        return installed_version("cdx")
    except Exception:
        return "unknown"
