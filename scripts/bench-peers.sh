#!/usr/bin/env bash
# The peer benchmark: stackgate against opa and conftest (running stackgate's
# own Rego rules over the same rule input), trivy config, tfsec, tflint and a
# parse floor, on generated Terraform, CloudFormation and plans at several
# sizes and on a real corpus, in interleaved rounds, all in one run. It
# writes bench/RESULTS.md (see bench/README.md).
#
#   scripts/bench-peers.sh [harness flags]     # e.g. -rounds 3
#   BENCH_CORPUS=dir scripts/bench-peers.sh    # dir: checkouts of real modules and templates
#   make bench-peers                           # the same, ROUNDS=n BENCH_CORPUS=dir
#
# Peers are built once from the Go module proxy into the cache
# ($BENCH_CACHE, default $XDG_CACHE_HOME/stackgate-bench), never into the
# repository (BENCH_BUILD_TIMEOUT=seconds bounds each build). A peer that cannot be built is reported in RESULTS.md as
# "not available: <reason>"; the run goes on without it.
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- pinned peer versions (the only place they are named) ----
TRIVY_VERSION="${TRIVY_VERSION:-v0.74.0}"       # github.com/aquasecurity/trivy (built with GOEXPERIMENT=jsonv2)
TFSEC_VERSION="${TFSEC_VERSION:-v1.28.14}"      # github.com/aquasecurity/tfsec
TFLINT_VERSION="${TFLINT_VERSION:-v0.64.0}"     # github.com/terraform-linters/tflint
CONFTEST_VERSION="${CONFTEST_VERSION:-v0.71.1}" # github.com/open-policy-agent/conftest
# opa: the version stackgate itself is built with (go.mod), so the engine is the same
OPA_VERSION="${OPA_VERSION:-$(go list -m -f '{{.Version}}' github.com/open-policy-agent/opa)}"
# ----------------------------------------------------------------

cache="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackgate-bench}"
mkdir -p "$cache/bin" "$cache/log"
cache="$(cd "$cache" && pwd)"

command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] || {
  echo "bench-peers: /usr/bin/time is missing; installing the Debian package time" >&2
  { apt-get install -y time || { apt-get update && apt-get install -y time; }; } >"$cache/log/apt-time.log" 2>&1 ||
    { echo "bench-peers: could not install time (see $cache/log/apt-time.log)" >&2; exit 2; }
}

# stackgate and the benchmark's own programs, from this tree.
version="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$cache/bin/stackgate" ./cmd/stackgate
for p in gen parsefloor startfloor harness; do go build -trimpath -o "$cache/bin/$p" "./bench/$p"; done

# install NAME PACKAGE VERSION [ENV...]: go install into the cache once,
# keyed by version. Writes one line of the tools file: name, version, path
# or "", reason when not available.
tools="$cache/tools.tsv"
: >"$tools"
install() {
  local name=$1 pkg=$2 ver=$3
  shift 3
  local bin="$cache/bin/$name-$ver" log="$cache/log/$name-$ver.log"
  if [ ! -x "$bin" ]; then
    echo "bench-peers: building $name $ver (once; logged in $log)" >&2
    local tmp
    tmp="$(mktemp -d)"
    local limit=()
    [ -n "${BENCH_BUILD_TIMEOUT:-}" ] && limit=(timeout "$BENCH_BUILD_TIMEOUT")
    local rc=0
    env GOBIN="$tmp" "$@" "${limit[@]}" go install -trimpath -ldflags='-s -w' "$pkg@$ver" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
      mv "$tmp/$(basename "$pkg")" "$bin"
    else
      local reason
      reason="go install $pkg@$ver failed: $({ grep -v '^go: downloading' "$log" || true; } | tail -n 3 | tr '\n\t' '  ' | cut -c1-200)"
      [ -n "${BENCH_BUILD_TIMEOUT:-}" ] && [ "$rc" -eq 124 ] && reason="go install $pkg@$ver did not finish within BENCH_BUILD_TIMEOUT=${BENCH_BUILD_TIMEOUT}s"
      printf '%s\t%s\t\t%s\n' "$name" "$ver" "$reason" >>"$tools"
      rm -rf "$tmp"
      return 0
    fi
    rm -rf "$tmp"
  fi
  printf '%s\t%s\t%s\t\n' "$name" "$ver" "$bin" >>"$tools"
}
install opa github.com/open-policy-agent/opa "$OPA_VERSION"
install conftest github.com/open-policy-agent/conftest "$CONFTEST_VERSION"
install tfsec github.com/aquasecurity/tfsec/cmd/tfsec "$TFSEC_VERSION"
install tflint github.com/terraform-linters/tflint "$TFLINT_VERSION"
install trivy github.com/aquasecurity/trivy/cmd/trivy "$TRIVY_VERSION" GOEXPERIMENT=jsonv2

cmdline="${BENCH_COMMAND:-scripts/bench-peers.sh $*}"
[ -n "${BENCH_BUILD_TIMEOUT:-}" ] && cmdline="BENCH_BUILD_TIMEOUT=$BENCH_BUILD_TIMEOUT $cmdline"
exec "$cache/bin/harness" -cache "$cache" -tools "$tools" -corpus "${BENCH_CORPUS:-}" -command "$cmdline" "$@"
