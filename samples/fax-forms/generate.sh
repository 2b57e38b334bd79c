#!/usr/bin/env bash
# Sample faxes of the shipped forms (tests, demos, the accuracy floor): filled with synthetic values
# (samples/fax-forms/<form>-<mode>-N.json) and degraded as a fax machine does — skew up to ±2°,
# shift, specks, 1 bit, fine (204 × 196 dpi) or standard (204 × 98 dpi) — as G4 TIFFs.
# Usage: samples/fax-forms/generate.sh [RENKEI_BINARY] [COUNT]   (default: build-release's, 2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
renkei=${1:-$here/../../build-release/gateway/renkei}
count=${2:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for form in nyutaiin-renkei-sheet houmon-kango-shijisho; do
  for mode in fine standard; do
    flag=""
    [ "$mode" = standard ] && flag=--standard
    seed=$([ "$mode" = fine ] && echo 101 || echo 202)
    "$renkei" form sample "$form" --count "$count" --seed "$seed" $flag --out "$work"
    for i in $(seq 1 "$count"); do
      mv "$work/$form-$i.tif" "$here/$form-$mode-$i.tif"
      mv "$work/$form-$i.json" "$here/$form-$mode-$i.json"
    done
  done
done
echo "samples: $(ls "$here"/*.tif | wc -l) faxes in $here"
