#!/usr/bin/env bash
# Rebuild the pictures of README.md and docs/plots-and-init.md from the bundled Cu2S data
# (bench/data/cu2s-20): a starter spec from `sfcompile init`, drawn by `sfcompile plot`.
# Needs sfcompile with the plot extra: pip install ".[plot]". Run from anywhere:
#   bash docs/images/make-images.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$repo/bench/data/cu2s-20/input.data"
sfcompile init --data "$data" -o "$work/cu2s.toml" -q
sfcompile plot "$work/cu2s.toml" --data "$data" -o "$work/cu2s.png" > /dev/null
for figure in radial-Cu-S angular-Cu-S-Cu values-Cu; do
  cp "$work/cu2s-$figure.png" "$repo/docs/images/cu2s-$figure.png"
done
echo "docs/images: cu2s-radial-Cu-S.png cu2s-angular-Cu-S-Cu.png cu2s-values-Cu.png"
