#!/usr/bin/env bash
# Each subpath of the installed effect-openrouter as a program's first import, in a process of its own
# (ESM, then CommonJS). A program may start from any subpath, and an import cycle between the package's
# modules reads an export before it is initialised when the program starts on the wrong side of it (a
# ReferenceError), though every subpath imported in one process after the root passes. The sources are
# checked the same way by the tests (test/support/importOrderSuite.ts).
# Usage, in the consumer project the pack check installed: bash first-import.sh NODE SUBPATH...
set -euo pipefail
node="$1"
shift
for subpath in "$@"; do
  "$node" --input-type=module -e "await import('$subpath')" ||
    { echo "pack check failed: \"$subpath\" as a program's first import"; exit 1; }
  "$node" -e "require('$subpath')" ||
    { echo "pack check failed: \"$subpath\" as a program's first require"; exit 1; }
done
echo "pack check ok: each of $# subpaths imports and requires as a program's first"
