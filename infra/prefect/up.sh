#!/usr/bin/env bash
# A real Prefect server, the cdx-process work pool, the example coalition's deployments
# and a worker, on this machine. The UI is at http://127.0.0.1:4200. Ctrl-C stops all.
#   PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/prefect \
#     infra/prefect/up.sh          # PostgreSQL instead of the default SQLite
#   CDX_NOTIFY_WEBHOOK=https://chat.example.org/hook infra/prefect/up.sh
#                                  # also alert that URL on failed or crashed publishes
set -euo pipefail
cd "$(dirname "$0")/../.."
export CDX_HOME="$PWD"
export PREFECT_HOME="${PREFECT_HOME:-$PWD/.cache/prefect-home}"
export PREFECT_API_URL="http://127.0.0.1:4200/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
mkdir -p "$PREFECT_HOME"
.venv/bin/prefect server start --host 127.0.0.1 --port 4200 >"$PREFECT_HOME/server.log" 2>&1 &
server=$!
trap 'kill $server ${worker:-} 2>/dev/null || true' EXIT
until curl -fsS "$PREFECT_API_URL/health" >/dev/null 2>&1; do sleep 1; done
.venv/bin/prefect work-pool create cdx-process --type process --overwrite >/dev/null
.venv/bin/cdx deploy --config examples/kenya-lnob/coalition.yaml
if [ -n "${CDX_NOTIFY_WEBHOOK:-}" ]; then
  .venv/bin/cdx notify --webhook "$CDX_NOTIFY_WEBHOOK"
fi
echo "Prefect UI: http://127.0.0.1:4200   (export PREFECT_API_URL=$PREFECT_API_URL)"
.venv/bin/prefect worker start --pool cdx-process --type process &
worker=$!
wait $worker
