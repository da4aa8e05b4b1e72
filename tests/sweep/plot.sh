#!/usr/bin/env bash
# Runs scripts/plot_sweep.py on the tiny sweep's results and checks that a PNG was written.
# Usage: plot.sh PYTHON PLOT_SWEEP.py RESULTS.csv OUT.png
set -euo pipefail
python=$1 script=$2 csv=$3 png=$4
rm -f "$png"
"$python" "$script" "$csv" --x 'smmus[0].tlb_entries' --series memory.latency_ns --out "$png"
[ -s "$png" ] || { echo "FAIL: $png not written"; exit 1; }
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  { echo "FAIL: $png is not a PNG"; exit 1; }
echo "plot ok: $(stat -c %s "$png") bytes"
