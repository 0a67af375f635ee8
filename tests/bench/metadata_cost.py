"""Benchmark: what the metadata documents cost a publish, against references in the same run.

    .venv/bin/python tests/bench/metadata_cost.py [--versions 200] [--runs 20]

  seal     — writing metadata/dcat.jsonld and metadata/schema-org.jsonld for the
             example's health scorecard, against building its manifest (hashing every
             file), the step the documents sit beside;
  catalogue — one more version added to a catalog.jsonld that already lists
             `--versions` versions (read, reconcile, write), against rewriting a
             catalog.json of as many entries.

Prints medians and ratios. A script, not a timed test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from cdx.cli.scaffold import init_coalition
    from cdx.metadata.catalogue_document import absolute, reconcile
    from cdx.metadata.dcat_ap import dcat_description
    from cdx.metadata.documents import write_metadata
    from cdx.seal.manifest import build_manifest
    from tests.conftest import seal_example

    scratch = Path(tempfile.mkdtemp(prefix="cdx-bench-metadata-"))
    try:
        coalition = scratch / "kenya-lnob"
        shutil.copytree(REPO / "examples" / "kenya-lnob", coalition)
        shutil.rmtree(coalition / "keys", ignore_errors=True)
        init_coalition(coalition)
        package = seal_example(coalition)
        descriptor = json.loads((package / "datapackage.json").read_text())
        write_ms = median_ms(lambda: write_metadata(package, descriptor), args.runs)
        manifest_ms = median_ms(
            lambda: build_manifest(
                package, coalition="kenya-lnob", dataset="health-scorecard", version="1.0.0"
            ),
            args.runs,
        )
        print(
            f"seal: metadata documents {write_ms:.2f} ms, manifest {manifest_ms:.2f} ms, "
            f"ratio {write_ms / manifest_ms:.2f}"
        )

        def version_document(number: int) -> dict[str, object]:
            described = dict(descriptor, id=f"urn:cdx:package:kenya-lnob/d{number}@1.0.0")
            return absolute(dcat_description(described), f"file:///c/kenya-lnob/d{number}/1.0.0")

        ids = [f"urn:cdx:package:kenya-lnob/d{n}@1.0.0" for n in range(args.versions + 1)]
        documents = {pid: version_document(n) for n, pid in enumerate(ids)}
        current = reconcile(
            None,
            committed=ids[:-1],
            scope=["kenya-lnob"],
            describe=documents.__getitem__,
            document_url="file:///c/catalog.jsonld",
            location="/c",
        )
        jsonld = scratch / "catalog.jsonld"
        jsonld.write_text(json.dumps(current, indent=2))

        def add_to_document() -> None:
            found = json.loads(jsonld.read_text())
            changed = reconcile(
                found,
                committed=ids,
                scope=["kenya-lnob"],
                describe=documents.__getitem__,
                document_url="file:///c/catalog.jsonld",
                location="/c",
            )
            (scratch / "catalog.jsonld.new").write_text(json.dumps(changed, ensure_ascii=False))

        index = {
            "packages": [
                {
                    "coalition": "kenya-lnob",
                    "dataset": f"d{n}",
                    "version": "1.0.0",
                    "title": descriptor["title"],
                    "description": descriptor["description"],
                }
                for n in ids
            ]
        }
        catalog = scratch / "catalog.json"
        catalog.write_text(json.dumps(index, indent=2))

        def rewrite_index() -> None:
            found = json.loads(catalog.read_text())
            (scratch / "catalog.json.new").write_text(json.dumps(found, indent=2))

        document_ms = median_ms(add_to_document, args.runs)
        index_ms = median_ms(rewrite_index, args.runs)
        print(
            f"catalogue of {args.versions} versions: catalog.jsonld add {document_ms:.1f} ms "
            f"({jsonld.stat().st_size / 1e6:.1f} MB), catalog.json rewrite {index_ms:.1f} ms "
            f"({catalog.stat().st_size / 1e6:.2f} MB), ratio {document_ms / index_ms:.1f}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
