#!/usr/bin/env bash
# Type-checks the installed package as a consumer's TypeScript sees it, in the current folder (a
# consumer project, `"type": "module"`): every subpath given is imported from an ES module
# (`subpaths.ts`, reading the .d.ts declarations) and required from a CommonJS one (`subpaths.cts`,
# reading the .d.cts), together with the extra files given, under `module` nodenext, node16 and
# bundler (`module: preserve`), `strict`, and `skipLibCheck: false` (TypeScript's default: the
# package's declarations and everything they reach are checked, as in a project that checks its
# dependencies). Called by pack-check.sh, pack-check-ai.sh and pack-check-effect4.sh. MODULES (default
# "nodenext node16 bundler") names the settings: the Effect 4 edition leaves out node16, whose CommonJS
# cannot load `effect` 4 (an ES module only: TS1479), where nodenext's `require` of an ES module can.
# Usage: bash scripts/typecheck-consumer.sh path/to/tsc "extra.ts other.ts" effect-openrouter effect-openrouter/Chat ...
set -euo pipefail
tsc="$1"
extra="$2"
shift 2
[ "$#" -gt 0 ] || { echo "typecheck-consumer: no subpath given"; exit 1; }

: > subpaths.ts
: > subpaths.cts
i=0
for subpath in "$@"; do
  printf 'import * as M%d from "%s"\nvoid M%d\n' "$i" "$subpath" "$i" >> subpaths.ts
  printf 'import M%d = require("%s")\nvoid M%d\n' "$i" "$subpath" "$i" >> subpaths.cts
  i=$((i + 1))
done

files='"subpaths.ts", "subpaths.cts"'
for f in $extra; do files="$files, \"$f\""; done

for setting in ${MODULES:-nodenext node16 bundler}; do
  case "$setting" in
    bundler) module=preserve resolution=bundler ;;
    *) module=$setting resolution=$setting ;;
  esac
  cat > "tsconfig.$setting.json" <<JSON
{ "compilerOptions": { "strict": true, "module": "$module", "moduleResolution": "$resolution", "target": "ES2022", "noEmit": true, "skipLibCheck": false }, "files": [$files] }
JSON
  if ! "$tsc" -p "tsconfig.$setting.json"; then
    echo "pack check failed: the package's declarations do not type-check with skipLibCheck false (module $setting; files: $files)"
    exit 1
  fi
  echo "pack check ok: $i entry points (ESM and CommonJS) type-check with skipLibCheck false, module $setting"
done
