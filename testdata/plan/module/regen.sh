#!/usr/bin/env bash
# Regenerates plan.json (and plan.txt) from main.tf with the shared fake-AWS
# Terraform provider, then checks the result decodes strictly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=${TFPLAN_TOOLS:-/work/shared/tools/tfplan}
"$tools/plan.sh" "$here" "$here/plan.json"
(cd "$tools" && go run ./decodecheck -q "$here/plan.json")
