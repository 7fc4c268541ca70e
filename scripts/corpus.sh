#!/usr/bin/env bash
# Places real public Terraform modules in corpus/ (git-ignored, never
# committed: it is other people's code) for the real-world check:
#
#   scripts/corpus.sh [MIRROR_DIR]
#   bin/stackgate scan corpus/
#
# Each module is cloned from a local mirror when one is given - the
# MIRROR_DIR argument, else $CORPUS_MIRROR - holding <owner>+<name>/repo git
# directories; a module missing there, or every module when no mirror is
# given, comes from GitHub.
set -euo pipefail
mirror="${1:-${CORPUS_MIRROR:-}}"
if [ -n "$mirror" ]; then
  [ -d "$mirror" ] || { echo "mirror $mirror is not a directory" >&2; exit 2; }
  mirror="$(cd "$mirror" && pwd)" # before the cd below
fi
cd "$(dirname "$0")/.."
repos=(
  terraform-aws-modules/terraform-aws-s3-bucket
  terraform-aws-modules/terraform-aws-vpc
  terraform-aws-modules/terraform-aws-eks
)
mkdir -p corpus
for repo in "${repos[@]}"; do
  name="${repo#*/}"
  dest="corpus/$name"
  [ -d "$dest" ] && { echo "$dest exists"; continue; }
  src="${mirror:+$mirror/${repo/\//+}/repo}"
  if [ -n "$src" ] && [ -d "$src" ]; then
    git clone --quiet "$src" "$dest"
  else
    git clone --quiet --depth 1 "https://github.com/$repo.git" "$dest"
  fi
  echo "$dest: $(git -C "$dest" log -1 --format='%h %cs') $(find "$dest" -name '*.tf' | wc -l) .tf files"
done
