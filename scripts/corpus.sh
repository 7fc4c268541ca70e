#!/usr/bin/env bash
# Places real public Terraform modules in corpus/ (git-ignored, never
# committed: it is other people's code) for the real-world check:
#
#   scripts/corpus.sh [MIRROR_DIR]
#   bin/stackgate scan corpus/
#
# Sources, in order: a local mirror directory holding <owner>+<name>/repo
# git directories (as this project's tooling fetches them), else GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror="${1:-/work/.mirror}"
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
  src="$mirror/${repo/\//+}/repo"
  if [ -d "$src" ]; then
    git clone --quiet "$src" "$dest"
  else
    git clone --quiet --depth 1 "https://github.com/$repo.git" "$dest"
  fi
  echo "$dest: $(git -C "$dest" log -1 --format='%h %cs') $(find "$dest" -name '*.tf' | wc -l) .tf files"
done
