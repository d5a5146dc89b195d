#!/usr/bin/env bash
# The runtime matrix, as CI runs it (.ci/run): installs what it needs, then runs run.mjs over the
# packed package. Chromium comes from Debian (apt) and is installed only when missing; Bun, Deno,
# workerd, playwright-core and esbuild come pinned from this folder's package-lock.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "[matrix] installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
[ -f "$root/dist/index.js" ] || (cd "$root" && npm run build)
exec node "$here/run.mjs" "$@"
