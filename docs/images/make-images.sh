#!/usr/bin/env bash
# Rebuild the pictures of README.md and the manual from the bundled data: a starter spec from
# `sfcompile init` on Cu2S (bench/data/cu2s-20), drawn by `sfcompile plot`; the selection curve
# of the water pool (examples/configs/water-pool-HO.toml on bench/data/h2o-4).
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
water="$repo/bench/data/h2o-4/input.data"
sfcompile select "$repo/examples/configs/water-pool-HO.toml" --data "$water" --per-element 30 \
  -q -o "$work/selected.toml" --report "$work/select.json"
sfcompile plot --selection "$work/select.json" -o "$repo/docs/images/water-select-curve.png" > /dev/null
echo "docs/images: cu2s-radial-Cu-S.png cu2s-angular-Cu-S-Cu.png cu2s-values-Cu.png" \
  "water-select-curve.png"
