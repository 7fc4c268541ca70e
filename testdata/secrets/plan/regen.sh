#!/usr/bin/env bash
# Regenerates plan.json (and plan.txt) from main.tf with the shared fake-AWS
# Terraform provider, then checks the result decodes strictly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
tools=${TFPLAN:-$root/../shared/tools/tfplan}
"$tools/plan.sh" "$here" "$here/plan.json"
(cd "$tools" && go run ./decodecheck -q "$here/plan.json")
