#!/usr/bin/env bash
# The main job on the embedded defaults: the Kenyan example coalition publishes its two
# datasets to a local-directory catalogue (no server needed: without PREFECT_API_URL the
# steps run in the cdx process, docs/decisions/0068), then a statistics office pulls one back and verifies it against the coalition's key.
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_SERVER_ANALYTICS_ENABLED=false
CDX=.venv/bin/cdx
DEMO=demo

rm -rf "$DEMO"
mkdir -p "$DEMO"
cp -r examples/kenya-lnob "$DEMO/kenya-lnob"
rm -rf "$DEMO/kenya-lnob/keys" "$DEMO/kenya-lnob/.cdx"

echo "== 1. The coalition creates its signing key"
(cd "$DEMO/kenya-lnob" && ../../$CDX init .)

echo "== 2. The coalition validates and publishes both datasets (runs in .cdx/runs.jsonl)"
(cd "$DEMO/kenya-lnob" && ../../$CDX publish 2>"../publish.log") || {
  cat "$DEMO/publish.log" >&2
  exit 1
}

echo "== 3. The statistics office keeps the coalition's public key as its trust store"
mkdir -p "$DEMO/statistics-office"
cp "$DEMO/kenya-lnob/keys/kenya-lnob.pub.json" "$DEMO/statistics-office/trust.json"

echo "== 4. The statistics office pulls the latest score card and verifies it"
$CDX pull "$DEMO/catalogue" kenya-lnob/health-scorecard@latest \
  --to "$DEMO/statistics-office/health-scorecard" --trust "$DEMO/statistics-office/trust.json"
$CDX verify "$DEMO/statistics-office/health-scorecard" --trust "$DEMO/statistics-office/trust.json"

echo "== 5. A static website of the catalogue (freshness from coalition.yaml)"
$CDX site "$DEMO/catalogue" --out "$DEMO/site" --config "$DEMO/kenya-lnob/coalition.yaml"

echo
echo "Catalogue:          $DEMO/catalogue (index: $DEMO/catalogue/catalog.json)"
echo "Catalogue site:      $DEMO/site/index.html"
echo "Pulled and verified: $DEMO/statistics-office/health-scorecard"
echo "Validation report:   $DEMO/statistics-office/health-scorecard/reports/validation.html"
