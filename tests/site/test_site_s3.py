"""`cdx site s3://… --upload` against the real SeaweedFS of tests/services: the site is
published beside the catalogue under _site/, each object with its Content-Type."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from cdx.connectors.catalogue import PackageRef
from tests.integration.test_s3_catalogue import catalogue_as, keys_under

pytestmark = pytest.mark.integration


def run_site(location: str, out: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        app,
        [
            "site",
            location,
            "--out",
            str(out),
            "--upload",
            "--now",
            "2026-06-30T00:00:00Z",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_site_is_published_beside_the_catalogue(
    s3_service: Any,
    site_packages: list[tuple[Path, tuple[Any, ...]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = f"site-{uuid.uuid4().hex[:8]}"
    publisher = catalogue_as(s3_service, None, prefix)
    for package, row in site_packages[:3]:
        publisher.publish(package, PackageRef(row[0], row[1], row[2]))
    admin = s3_service.admin
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", admin.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", admin.secret_access_key)
    monkeypatch.setenv("CDX_S3_ENDPOINT_URL", s3_service.endpoint_url)
    monkeypatch.setenv("CDX_S3_REGION", s3_service.region)
    monkeypatch.setenv("CDX_S3_ADDRESSING_STYLE", "path")
    location = f"s3://{s3_service.bucket}/{prefix}"
    out = tmp_path / "site"

    first = run_site(location, out)
    assert (first["versions"], first["datasets"], first["fetched"]) == (3, 2, 3)
    site_keys = [k for k in keys_under(s3_service, prefix) if k.startswith(f"{prefix}/_site/")]
    local = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    assert sorted(k.removeprefix(f"{prefix}/_site/") for k in site_keys) == local
    assert first["uploaded"] == len(local)
    client = s3_service.client()
    types = {
        "index.html": "text/html; charset=utf-8",
        "static/search.js": "text/javascript; charset=utf-8",
        "static/site.css": "text/css; charset=utf-8",
        "kenya-lnob/health-scorecard/1.0.0/files/data/scores.csv": "text/csv; charset=utf-8",
        "kenya-lnob/health-scorecard/1.0.0/files/provenance.jsonld": "application/ld+json",
    }
    for path, content_type in types.items():
        head = client.head_object(Bucket=s3_service.bucket, Key=f"{prefix}/_site/{path}")
        assert head["ContentType"] == content_type, path
        # a package's file (fetched unverified) is downloaded, never shown as the site's page
        assert (head.get("ContentDisposition") == "attachment") == ("/files/" in path), path
    report = f"{prefix}/_site/kenya-lnob/health-scorecard/1.0.0/report.html"
    assert "ContentDisposition" not in client.head_object(Bucket=s3_service.bucket, Key=report)
    body = client.get_object(Bucket=s3_service.bucket, Key=f"{prefix}/_site/index.html")["Body"]
    assert body.read() == (out / "index.html").read_bytes()

    second = run_site(location, out)
    assert (second["fetched"], second["written"], second["uploaded"]) == (0, 2, 2)
    # The site is no coalition: the catalogue lists and collects only its packages.
    assert len(publisher.entries()) == 3
    assert publisher.collect_garbage(dt.timedelta(0), apply=False) == []
