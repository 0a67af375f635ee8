"""Benchmark: publish a large package to S3 and pull it back; compare with plain boto3.

    .venv/bin/python tests/bench/s3_roundtrip.py [--size-mb 1024] [--rounds 1]

Starts a throwaway SeaweedFS (infra/seaweedfs), writes a sealed package holding one CSV
of `--size-mb` MiB, then in the same run and against the same server:

- cdx up:   `S3Catalogue.publish` (hashes every byte against the manifest, SHA-256 per
  part checked by the server, conditional writes, claim, catalog.json);
- boto3 up: `upload_file` of the same CSV (boto3's default transfer settings);
- cdx down: `pull_package` (streamed fetch, then every hash and the signature verified);
- boto3 down: `download_file` of the same object.

Each path runs in a child process of its own, so the cdx child's peak RSS
(`resource.getrusage`) is the memory the publish and the pull needed. Prints the
throughputs, cdx/boto3 ratios (target ≥ 0.8 both ways) and the cdx peak RSS (target
< 300 MB). With `--rounds N` each measurement is repeated and the best kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.child_runs import in_child  # noqa: E402

COALITION = "bench-coalition"
DATASET = "big-table"
VERSION = "1.0.0"
MIB = 1024 * 1024


def make_package(root: Path, size_mb: int) -> tuple[Path, Path]:
    """A sealed package with one CSV of `size_mb` MiB; returns it and a trust-store file."""
    from cdx.core.hashing import sha256_file
    from cdx.core.keys import generate_key, trust_entry
    from cdx.core.names import package_id
    from cdx.seal.manifest import build_manifest, write_manifest
    from cdx.seal.signature import sign_manifest, write_signature

    package = root / "package"
    (package / "data").mkdir(parents=True)
    table = package / "data" / "measurements.csv"
    with table.open("wb") as handle:
        handle.write(b"id,reading\n")
        row = 0
        while handle.tell() < size_mb * MIB:
            block = b"".join(f"{row + n},{os.urandom(24).hex()}\n".encode() for n in range(16384))
            handle.write(block)
            row += 16384
        handle.truncate(size_mb * MIB)
        handle.seek(size_mb * MIB - 1)
        handle.write(b"\n")
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "cdxProfile": "citizen-data-package/1.0",
        "id": package_id(COALITION, DATASET, VERSION),
        "name": DATASET,
        "title": "Benchmark table",
        "description": "Random readings for the S3 round-trip benchmark",
        "version": VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "licenses": [{"name": "CC-BY-4.0"}],
        "contributors": [{"title": "Benchmark", "roles": ["creator"]}],
        "citizenData": {
            "coalition": {"id": COALITION, "name": "Benchmark", "country": "KE"},
            "contact": {"name": "Bench", "email": "bench@example.org"},
            "collectionMethod": "other",
            "collectionPeriod": {"start": "2024-01-01", "end": "2024-12-31"},
            "geographicCoverage": {"country": "KE"},
            "population": "nobody: generated data",
            "disaggregation": [],
            "sdgIndicators": [],
            "consentBasis": "generated data",
            "participationLevel": "collection",
        },
        "resources": [
            {
                "name": "measurements",
                "path": "data/measurements.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": table.stat().st_size,
                "hash": f"sha256:{sha256_file(table)}",
                "schema": {"fields": [{"name": "id"}, {"name": "reading"}]},
            }
        ],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    key = generate_key(COALITION, root / "keys" / f"{COALITION}.key")
    manifest = build_manifest(package, coalition=COALITION, dataset=DATASET, version=VERSION)
    write_manifest(package, manifest)
    write_signature(package / "manifest.sig", sign_manifest(manifest, key))
    trust = root / "trust.json"
    trust.write_text(json.dumps(trust_entry(key.public)))
    return package, trust


def child_cdx(args: dict[str, Any]) -> dict[str, Any]:
    """Publish and pull through cdx; seconds for each and the peak RSS of this process."""
    import boto3

    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.pull import pull_package
    from cdx.connectors.s3.catalogue import S3Catalogue
    from cdx.connectors.s3.settings import S3Settings
    from cdx.core.keys import TrustStore

    session = boto3.Session(
        aws_access_key_id=args["key"], aws_secret_access_key=args["secret"], region_name="us-east-1"
    )
    settings = S3Settings(endpoint_url=args["endpoint"], addressing_style="path")
    catalogue = S3Catalogue(args["bucket"], args["prefix"], settings, session=session)
    ref = PackageRef(COALITION, DATASET, VERSION)
    began = time.perf_counter()
    outcome = catalogue.publish(Path(args["package"]), ref)
    up = time.perf_counter() - began
    assert outcome.status == "published", outcome
    began = time.perf_counter()
    _, verification = pull_package(
        catalogue, ref, Path(args["to"]), TrustStore.load(Path(args["trust"]))
    )
    down = time.perf_counter() - began
    assert verification.ok, [p.message for p in verification.problems]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "up": up,
        "down": down,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


def child_boto3(args: dict[str, Any]) -> dict[str, Any]:
    """The same bytes with boto3's managed transfers, default settings."""
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=args["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=args["key"],
        aws_secret_access_key=args["secret"],
        config=Config(s3={"addressing_style": "path"}),
    )
    key = f"{args['prefix']}/plain/measurements.csv"
    began = time.perf_counter()
    client.upload_file(args["file"], args["bucket"], key)
    up = time.perf_counter() - began
    began = time.perf_counter()
    client.download_file(args["bucket"], key, args["to"])
    down = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "up": up,
        "down": down,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


def run_child(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    return in_child(__file__, kind, json.dumps(args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, raw = options.child
        work = child_cdx if kind == "cdx" else child_boto3
        print(json.dumps(work(json.loads(raw))))
        return

    from infra.seaweedfs.seaweedfs_service import SeaweedFSService

    with tempfile.TemporaryDirectory(prefix="cdx-bench-") as scratch, SeaweedFSService() as s3:
        root = Path(scratch)
        began = time.perf_counter()
        package, trust = make_package(root, options.size_mb)
        print(f"package of {options.size_mb} MiB sealed in {time.perf_counter() - began:.1f} s")
        common = {
            "endpoint": s3.endpoint_url,
            "bucket": s3.bucket,
            "key": s3.admin.access_key_id,
            "secret": s3.admin.secret_access_key,
        }
        best: dict[str, dict[str, float]] = {}
        for round_number in range(options.rounds):
            for kind in ("boto3", "cdx"):
                to = root / f"{kind}-{round_number}"
                args = common | {"prefix": f"round-{round_number}-{kind}", "trust": str(trust)}
                args |= {"package": str(package), "file": str(package / "data/measurements.csv")}
                args["to"] = str(to if kind == "cdx" else root / f"plain-{round_number}.csv")
                result = run_child(kind, args)
                print(f"round {round_number + 1} {kind}: " + json.dumps(result))
                kept = best.setdefault(kind, result)
                best[kind] = {k: min(kept[k], result[k]) for k in result}
                _remove(to if kind == "cdx" else root / f"plain-{round_number}.csv")
        size = options.size_mb
        cdx, plain = best["cdx"], best["boto3"]
        print(f"\nS3 round trip of {size} MiB (best of {options.rounds}):")
        for way in ("up", "down"):
            ratio = plain[way] / cdx[way]
            print(
                f"  {way:4}  cdx {size / cdx[way]:7.1f} MiB/s   boto3 {size / plain[way]:7.1f} "
                f"MiB/s   ratio {ratio:.2f} (target ≥ 0.8)"
            )
        print(
            f"  peak RSS of the cdx process: {cdx['peak_mb']:.0f} MB (target < 300 MB); "
            f"boto3's: {plain['peak_mb']:.0f} MB"
        )


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


if __name__ == "__main__":
    main()
