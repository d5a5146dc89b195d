#!/usr/bin/env bash
# The runtime matrix, as CI runs it (.ci/run): installs what it needs, then runs run.mjs over both
# editions' packed packages (`--pack OUTDIR` names scripts/pack.sh's output; without it run.mjs runs
# scripts/pack.sh itself). Chromium comes from Debian (apt) and is installed only when missing; Bun,
# Deno, workerd, playwright-core and esbuild come pinned from this folder's package-lock.json; the
# Node versions the Effect 4 edition runs on come from the npm registry (pinned in run.mjs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "[matrix] installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
exec node "$here/run.mjs" "$@"
