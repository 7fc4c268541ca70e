#!/usr/bin/env bash
# Regenerates plan.json from ../terraform-aws with the shared tfplan tool
# (a test provider standing in for hashicorp/aws; nothing leaves the machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
tools=${TFPLAN:-$root/../shared/tools/tfplan}
"$tools/plan.sh" "$here/../terraform-aws" "$here/plan.json"
(cd "$tools" && go run ./decodecheck "$here/plan.json")
