#!/usr/bin/env bash
# Builds and packs both editions of effect-openrouter into OUTDIR, and writes OUTDIR/editions.json:
#   [{ "edition": "effect3" | "effect4", "effect": "<peer range of effect>", "tarball": "<file in OUTDIR>" }]
# The Effect 3 edition is the repository root (0.x), the Effect 4 edition is effect4/ (1.x). Both
# packages are named effect-openrouter, so each tarball is renamed with its edition
# (effect-openrouter-effect3-0.3.0.tgz, effect-openrouter-effect4-1.0.0.tgz) and the two never collide.
# Expects both installs (`npm install` at the root installs effect4/ too).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bash scripts/pack.sh OUTDIR" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

pack() { # edition dir
  local edition="$1" dir="$2" tmp name version peer file
  (cd "$dir" && npm run --silent build >&2)
  tmp="$(mktemp -d)"
  name="$(cd "$dir" && npm pack --silent --pack-destination "$tmp" | tail -n 1)"
  version="$(node -p 'require(process.argv[1]).version' "$dir/package.json")"
  peer="$(node -p 'require(process.argv[1]).peerDependencies.effect' "$dir/package.json")"
  file="effect-openrouter-$edition-$version.tgz"
  mv "$tmp/$name" "$out/$file"
  rmdir "$tmp"
  echo "packed $file ($(du -h "$out/$file" | cut -f1)), peer effect $peer" >&2
  printf '{ "edition": "%s", "effect": "%s", "tarball": "%s" }' "$edition" "$peer" "$file"
}

e3="$(pack effect3 "$root")"
e4="$(pack effect4 "$root/effect4")"
printf '[\n  %s,\n  %s\n]\n' "$e3" "$e4" > "$out/editions.json"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$out/editions.json"
cat "$out/editions.json"
