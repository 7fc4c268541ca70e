#!/usr/bin/env bash
# Counts how many CloudFormation templates in the given directories
# stackgate refuses (exit 2: a parse or template error), and why:
#
#   scripts/cfn-corpus.sh DIR...
#
# Every .yaml, .yml, .json and .template file under each DIR is scanned on
# its own with `stackgate scan --format json`. Files that are not templates
# are counted as skipped. Each refusal is listed with the first line of its
# error, then the totals. The corpus itself (e.g. a checkout of
# aws-cloudformation/aws-cloudformation-templates, or cfn-lint's
# test/fixtures/templates/good) is never part of this repository.
# $STACKGATE names a stackgate binary to use instead of building one.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
for d in "$@"; do
  [ -d "$d" ] || { echo "$d is not a directory" >&2; exit 2; }
done
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin="${STACKGATE:-}"
if [ -z "$bin" ]; then
  bin="$tmp/stackgate"
  (cd "$root" && go build -o "$bin" ./cmd/stackgate)
fi
total=0 refused=0 skipped=0 checked=0
while IFS= read -r -d '' f; do
  total=$((total + 1))
  rc=0
  "$bin" scan --no-gitignore --format json "$f" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [ "$rc" -eq 2 ]; then
    refused=$((refused + 1))
    printf 'REFUSED %s\n    %s\n' "$f" "$(grep -v '^$' "$tmp/err" | head -n 1)"
  elif grep -q '"files": 0' "$tmp/out"; then
    skipped=$((skipped + 1))
  else
    checked=$((checked + 1))
  fi
done < <(find "$@" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) -print0 | sort -z)
echo "files: $total  templates checked: $checked  refused (exit 2): $refused  not templates (skipped): $skipped"
