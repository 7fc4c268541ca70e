#!/usr/bin/env bash
# Regenerates every plan fixture (each case's regen.sh). Needs go, terraform
# and python3; nothing leaves the machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for r in "$here"/*/regen.sh; do
  "$r"
done
