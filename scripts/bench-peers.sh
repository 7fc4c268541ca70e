#!/usr/bin/env bash
# Times stackgate against tfsec and trivy on the real-world corpus, in the
# same run on the same machine, and prints the ratios:
#
#   scripts/corpus.sh            # once: places the modules in corpus/
#   scripts/bench-peers.sh [ROUNDS]
#
# The peers are found on PATH or in $(go env GOPATH)/bin; install them with
#   go install github.com/aquasecurity/tfsec/cmd/tfsec@v1.28.14
#   (trivy: in a scratch module, go get -tool github.com/aquasecurity/trivy/cmd/trivy@v0.74.0,
#    then GOEXPERIMENT=jsonv2 go install github.com/aquasecurity/trivy/cmd/trivy)
# A missing peer is skipped. Rounds interleave the tools so that machine
# load affects them alike; the median of each is reported.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
[ -d corpus ] || { echo "no corpus/: run scripts/corpus.sh first" >&2; exit 2; }
go build -o bin/stackgate ./cmd/stackgate
gobin="$(go env GOPATH)/bin"
find_tool() { command -v "$1" 2>/dev/null || { [ -x "$gobin/$1" ] && echo "$gobin/$1"; } || true; }
tfsec="$(find_tool tfsec)"
trivy="$(find_tool trivy)"

declare -A cmds=(
  [stackgate]="bin/stackgate scan corpus/ --format json"
)
[ -n "$tfsec" ] && cmds[tfsec]="$tfsec corpus/ --format json --soft-fail --no-color"
[ -n "$trivy" ] && cmds[trivy]="$trivy config --skip-check-update --quiet --format json corpus/"

declare -A times
for ((r = 1; r <= rounds; r++)); do
  for tool in "${!cmds[@]}"; do
    start=$(date +%s.%N)
    ${cmds[$tool]} >/dev/null 2>&1 || true # findings make the tools exit non-zero
    end=$(date +%s.%N)
    times[$tool]+="$(echo "$end - $start" | bc) "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sg=$(echo "${times[stackgate]}" | median)
printf '%-10s %8s  %s\n' tool median ratio
printf '%-10s %7.2fs  %s\n' stackgate "$sg" "1.0"
for tool in tfsec trivy; do
  [ -n "${times[$tool]:-}" ] || { echo "$tool: not installed, skipped"; continue; }
  t=$(echo "${times[$tool]}" | median)
  printf '%-10s %7.2fs  stackgate is %.1fx faster\n' "$tool" "$t" "$(echo "$t / $sg" | bc -l)"
done
echo "(${rounds} rounds; corpus: $(find corpus -name '*.tf' | wc -l) .tf files; $(nproc) cores)"
