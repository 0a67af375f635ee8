"""Seal the example, publish it to local catalogues, and spoil them for the hostile-pull
measurements (docs/decisions/0067-hostile-catalogue.md).

    .venv/bin/python tests/bench/hostile_pull_setup.py /tmp/hp_bench/b
    tests/bench/hostile_pull_measure.sh /tmp/hp_bench/b
"""

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from cdx.cli.scaffold import init_coalition
from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from tests.conftest import EXAMPLE, seal_example

base = Path(sys.argv[1])
shutil.rmtree(base, ignore_errors=True)
base.mkdir(parents=True)
coal = base / "kenya-lnob"
shutil.copytree(EXAMPLE, coal, ignore=shutil.ignore_patterns("keys"))
init_coalition(coal)
package = seal_example(coal)
ref = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
for name in ("zero", "big"):
    LocalCatalogue(base / f"cat-{name}").publish(package, ref)
v = base / "cat-zero" / ref.key / "manifest.json"
v.unlink()
v.symlink_to("/dev/zero")
# 123 MB manifest: many entries
m = json.loads((package / "manifest.json").read_text())
m["files"] += [
    {"path": f"data/x{i:07d}.csv", "bytes": 1, "sha256": "0" * 64} for i in range(1_020_000)
]
big = base / "cat-big" / ref.key / "manifest.json"
big.write_text(json.dumps(m))
shutil.copytree(base / "cat-big" / ref.key, base / "dir-big")
print(big.stat().st_size, package)
