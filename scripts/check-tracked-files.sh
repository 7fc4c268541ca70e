#!/usr/bin/env bash
# Fails when git tracks what should not be committed:
#
#   - a file over 1 MiB (MAX_BYTES), unless its path is a line of
#     .ci/large-files (the allowlist: one repository path per line, exact,
#     '#' starts a comment) - a large fixture is added there on purpose,
#     in the same commit;
#   - an executable binary (ELF, Mach-O or PE/COFF), whatever its size and
#     whatever the allowlist says: build output is never committed.
#
#   scripts/check-tracked-files.sh      # also: make check-files
#
# It checks the files git tracks (the index), as they are on disk, so it
# sees a file that is staged but not yet committed.
set -euo pipefail
cd "$(dirname "$0")/.."
max="${MAX_BYTES:-1048576}"
allowlist=.ci/large-files

declare -A allowed=()
if [ -f "$allowlist" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && allowed["$line"]=1
  done <"$allowlist"
fi

# hex prints n bytes of file f from offset off as one lowercase hex string.
hex() { od -An -v -tx1 -j "$2" -N "$3" -- "$1" 2>/dev/null | tr -d ' \n'; }

# binary_kind sets kind to the executable format of f, or to "". The
# first bytes are read by the shell itself (no process per file); only a
# file starting with "MZ" costs an od.
binary_kind() {
  local f="$1" magic="" off e
  kind=""
  LC_ALL=C IFS= read -r -d '' -N 4 magic <"$f" 2>/dev/null || true
  case "$magic" in
    $'\x7fELF') kind=ELF ;;
    $'\xfe\xed\xfa\xce' | $'\xfe\xed\xfa\xcf' | $'\xce\xfa\xed\xfe' | $'\xcf\xfa\xed\xfe') kind=Mach-O ;;
    $'\xca\xfe\xba\xbe' | $'\xbe\xba\xfe\xca') kind="Mach-O universal (or Java class)" ;;
    MZ*)
      # PE/COFF: "MZ", then at 0x3c the little-endian offset of "PE\0\0".
      off="$(hex "$f" 60 4)"
      [ ${#off} -eq 8 ] || return 0
      e=$((16#${off:6:2}${off:4:2}${off:2:2}${off:0:2}))
      if [ "$(hex "$f" "$e" 4)" = 50450000 ]; then kind=PE; fi
      ;;
  esac
  return 0
}

status=0
# One stat for all files: "size/type/path", NUL-terminated. A file
# deleted in the work tree has no line.
while IFS= read -r -d '' line; do
  size="${line%%/*}"
  rest="${line#*/}"
  type="${rest%%/*}"
  f="${rest#*/}"
  [ "$type" = "regular file" ] || [ "$type" = "regular empty file" ] || continue
  if [ "$size" -gt "$max" ] && [ -z "${allowed[$f]:-}" ]; then
    echo "$f: $size bytes, over the $max-byte limit; commit it only as a fixture listed in $allowlist" >&2
    status=1
  fi
  binary_kind "$f"
  if [ -n "$kind" ]; then
    echo "$f: tracked $kind binary; build output must not be committed (git rm --cached it, then ignore it)" >&2
    status=1
  fi
done < <(git ls-files -z | xargs -0 stat --printf '%s/%F/%n\0' -- 2>/dev/null)

tracked="$(git ls-files)"
for f in "${!allowed[@]}"; do
  grep -qxF -- "$f" <<<"$tracked" ||
    echo "note: $allowlist lists $f, which is not tracked" >&2
done

if [ "$status" -eq 0 ]; then
  echo "tracked files: none over $max bytes outside $allowlist, no executables"
fi
exit "$status"
