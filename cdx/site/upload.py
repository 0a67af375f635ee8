"""Publish a built site beside its S3 catalogue, under `<prefix>_site/`, as a static website.

Each object gets the Content-Type a browser needs (an S3 website endpoint serves it as
stored). What this build wrote is uploaded, and anything the bucket lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cdx.core.errors import CatalogueError
from cdx.site.build import FILES_DIR
from cdx.site.media_types import media_type

# Not a coalition id (ids are slugs without "_"): gc and entries() never take it for one.
SITE_PREFIX = "_site/"


def site_prefix(catalogue: Any) -> str:
    return f"{getattr(catalogue, 'prefix', '')}{SITE_PREFIX}"


def check_uploadable(catalogue: Any) -> Any:
    """The catalogue's S3 store; CatalogueError when it has none (checked before building)."""
    store = getattr(catalogue, "store", None)
    if store is None or not hasattr(store, "client"):
        raise CatalogueError(
            f"the catalogue {catalogue.location} is not in S3: there is no bucket to "
            "publish the site to",
            hint="--upload publishes beside an s3:// catalogue; for a local catalogue, "
            "copy the --out directory to your web server",
        )
    return store


def upload_site(site_dir: Path, catalogue: Any, written: Iterable[str]) -> list[str]:
    """Upload `written` and every file the bucket lacks; the keys uploaded."""
    store = check_uploadable(catalogue)
    prefix = site_prefix(catalogue)
    present = {item.key for item in store.objects(prefix)}
    local = [
        p.relative_to(site_dir).as_posix()
        for p in sorted(site_dir.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(site_dir).parts)
    ]
    wanted = set(written) | {path for path in local if prefix + path not in present}
    uploaded = []
    for path in local:
        if path not in wanted:
            continue
        key = prefix + path
        body = (site_dir / path).read_bytes()
        store.call(
            "put",
            key,
            lambda key=key, body=body, path=path: store.client.put_object(
                Bucket=store.bucket, Key=key, Body=body, **headers_for(path)
            ),
        )
        uploaded.append(key)
    return uploaded


def headers_for(path: str) -> dict[str, str]:
    """A page of the site is shown; a package's file under files/ (fetched from the
    catalogue, unverified) is downloaded, never shown as a page of the site's origin."""
    headers = {"ContentType": media_type(path)}
    if f"/{FILES_DIR}/" in f"/{path}":
        headers["ContentDisposition"] = "attachment"
    return headers
