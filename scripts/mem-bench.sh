#!/usr/bin/env bash
# mem-bench.sh: peak RSS of the CLI on large generated inputs, against the
# input size. It builds bin/stackgate, generates into a temporary
# directory (removed afterwards) plans in the shape of
# testdata/plan/create/plan.json with 20,000 and 196,000 resource changes
# and a CloudFormation template with 110,000 buckets, runs
# `stackgate plan` / `stackgate scan` on each under /usr/bin/time -v and
# prints elapsed time, peak RSS, input size and their ratio.
#
#   scripts/mem-bench.sh                 # all three
#   scripts/mem-bench.sh plan:20000 cfn:110000
#
# Exit codes of stackgate are 0 or 1 (findings); 2 (an error, such as a
# size limit) is shown in the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v /usr/bin/time >/dev/null || { echo "mem-bench: /usr/bin/time (GNU time) is needed" >&2; exit 2; }
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(plan:20000 plan:196000 cfn:110000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/stackgate" ./cmd/stackgate
go build -o "$tmp/gen" ./internal/benchgen/gen
printf '%-14s %10s %10s %12s %12s %8s %5s\n' case input-MB elapsed-s peak-RSS-MB RSS/input changes exit
for c in "${cases[@]}"; do
  kind=${c%%:*} n=${c#*:}
  dir="$tmp/$kind-$n"
  mkdir -p "$dir"
  case $kind in
    plan) "$tmp/gen" -plan "$n" -fixture testdata/plan/create/plan.json >"$dir/plan.json"; in="$dir/plan.json"
          cmd=("$tmp/stackgate" plan --format json --output "$dir/out.json" "$in") ;;
    cfn)  "$tmp/gen" -template "$n" >"$dir/template.yaml"; in="$dir/template.yaml"
          cmd=("$tmp/stackgate" scan --format json --output "$dir/out.json" "$in") ;;
    *) echo "mem-bench: unknown case $c (plan:N or cfn:N)" >&2; exit 2 ;;
  esac
  size=$(stat -c %s "$in")
  set +e
  (cd "$dir" && /usr/bin/time -v "${cmd[@]}" >"$dir/stdout" 2>"$dir/time")
  rc=$?
  set -e
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time")
  secs=$(awk -F: '{ s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s }' <<<"$wall")
  awk -v c="$c" -v sz="$size" -v rss="$rss" -v t="$secs" -v n="$n" -v rc="$rc" 'BEGIN {
    printf "%-14s %10.1f %10.1f %12.1f %12.2f %8d %5d\n", c, sz/1e6, t, rss*1024/1e6, rss*1024/sz, n, rc }'
  if [ "$rc" -ge 2 ]; then grep -v '^\s' "$dir/time" | head -3 >&2 || true; fi
done
